//! Demo training: the courses and trainings the association's documents
//! describe, with the Trondheim course's real dates, prices and programme.
//! Every material has a complete Norwegian translation (title, summary,
//! prerequisites and learning outcomes), and the Trondheim course is also
//! in Danish and Dutch, its programme too.

use super::stored;
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sammen_entities::{
    offering, offering_translation, programme_item, training_material, training_translation,
};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, Set};
use uuid::Uuid;

use crate::translation::Translatable;

struct DemoTraining {
    provider: &'static str,
    kind: &'static str,
    /// (en-US, nb-NO)
    title: (&'static str, &'static str),
    summary: (&'static str, &'static str),
    /// (en-US, nb-NO); empty in both when there are none.
    prerequisites: (&'static str, &'static str),
    /// (en-US, nb-NO), one sentence each, the same number in both.
    outcomes: (&'static [&'static str], &'static [&'static str]),
    audiences: &'static [&'static str],
    eqf: Option<i32>,
    ects: Option<f64>,
    duration: Option<&'static str>,
    mode: &'static str,
    languages: &'static [&'static str],
    topics: &'static [&'static str],
    instructors: &'static [&'static str],
    visibility: &'static str,
    license: Option<&'static str>,
    offerings: &'static [DemoOffering],
    /// Complete translations into locales other than nb-NO.
    translations: &'static [DemoText],
}

/// A material's texts in one locale.
struct DemoText {
    locale: &'static str,
    title: &'static str,
    summary: &'static str,
    prerequisites: &'static str,
    outcomes: &'static [&'static str],
}

/// An offering's venue and programme titles in one locale.
struct DemoOfferingText {
    locale: &'static str,
    /// Empty when the offering has no venue.
    venue: &'static str,
    /// One title for every programme item, in programme order.
    titles: &'static [&'static str],
}

struct DemoOffering {
    dates: (&'static str, &'static str),
    venue: Option<&'static str>,
    city: &'static str,
    price: Option<(i64, &'static str)>,
    early_bird: Option<(i64, &'static str)>,
    /// (RFC 3339 start, title, speaker)
    programme: &'static [(&'static str, &'static str, Option<&'static str>)],
    translations: &'static [DemoOfferingText],
}

const TRAININGS: &[DemoTraining] = &[
    DemoTraining {
        provider: "kbt",
        kind: "COURSE",
        title: (
            "Peer support specialist – a new function",
            "Erfaringskonsulent – en ny funksjon",
        ),
        summary: (
            "A two-day course on the function of peer support specialists in substance abuse and mental health services in Norway: what the role can entail, international experiences and experiences in Norway.",
            "Et todagerskurs om erfaringskonsulentens funksjon i rus- og psykisk helsetjenester i Norge: hva rollen kan innebære, internasjonale erfaringer og erfaringer i Norge.",
        ),
        prerequisites: ("", ""),
        outcomes: (
            &[
                "Describe what the role of a peer specialist can entail.",
                "Relate the role to international and Norwegian experiences.",
            ],
            &[
                "Beskrive hva rollen som erfaringskonsulent kan innebære.",
                "Se rollen i lys av internasjonale og norske erfaringer.",
            ],
        ),
        audiences: &["EMPLOYERS", "PEER_WORKERS"],
        eqf: None,
        ects: None,
        duration: Some("2 days"),
        mode: "IN_PERSON",
        languages: &["nb-NO"],
        topics: &["peer support", "employers"],
        instructors: &[
            "Karl Johan Johansen",
            "Dagfinn Bjørgen",
            "Astrid Karine Weber",
            "Juni Raak Høiseth",
        ],
        visibility: "PUBLIC",
        license: Some("CC-BY-4.0"),
        offerings: &[DemoOffering {
            dates: ("2016-12-12", "2016-12-13"),
            venue: Some("Quality Hotel Augustin"),
            city: "Trondheim",
            price: Some((170_000, "NOK")),
            early_bird: Some((150_000, "2016-11-14")),
            programme: &[
                ("2016-12-12T10:30:00+01:00", "Registration and coffee", None),
                ("2016-12-12T11:00:00+01:00", "Opening and presentation", None),
                (
                    "2016-12-12T11:15:00+01:00",
                    "The background for peer support specialists as a tool: international trends",
                    Some("Dagfinn Bjørgen"),
                ),
                (
                    "2016-12-12T11:40:00+01:00",
                    "Evaluation of KBT's project with hiring experience consultants",
                    Some("Juni Raak Høiseth"),
                ),
                ("2016-12-12T12:30:00+01:00", "Lunch", None),
                (
                    "2016-12-12T13:15:00+01:00",
                    "The role of experience consultant: practical examples",
                    None,
                ),
                (
                    "2016-12-12T14:00:00+01:00",
                    "To be professional as a peer support specialist",
                    Some("Astrid Weber"),
                ),
                (
                    "2016-12-12T14:20:00+01:00",
                    "Group work: to be professional as a peer support specialist",
                    None,
                ),
                ("2016-12-12T15:15:00+01:00", "Summary and conclusion", None),
            ],
            translations: &[
                DemoOfferingText {
                    locale: "nb-NO",
                    venue: "Quality Hotel Augustin",
                    titles: &[
                        "Registrering og kaffe",
                        "Åpning og presentasjon",
                        "Bakgrunnen for erfaringskonsulenter som virkemiddel: internasjonale trender",
                        "Evaluering av KBTs prosjekt med ansettelse av erfaringskonsulenter",
                        "Lunsj",
                        "Erfaringskonsulentens rolle: praktiske eksempler",
                        "Å være profesjonell som erfaringskonsulent",
                        "Gruppearbeid: å være profesjonell som erfaringskonsulent",
                        "Oppsummering og avslutning",
                    ],
                },
                DemoOfferingText {
                    locale: "da-DK",
                    venue: "Quality Hotel Augustin",
                    titles: &[
                        "Registrering og kaffe",
                        "Velkomst og præsentation",
                        "Baggrunden for peer-medarbejdere som redskab: internationale tendenser",
                        "Evaluering af KBT's projekt med ansættelse af peer-medarbejdere",
                        "Frokost",
                        "Peer-medarbejderens rolle: praktiske eksempler",
                        "At være professionel som peer-medarbejder",
                        "Gruppearbejde: at være professionel som peer-medarbejder",
                        "Opsummering og afslutning",
                    ],
                },
                DemoOfferingText {
                    locale: "nl-NL",
                    venue: "Quality Hotel Augustin",
                    titles: &[
                        "Registratie en koffie",
                        "Opening en presentatie",
                        "De achtergrond van ervaringsdeskundigen als instrument: internationale trends",
                        "Evaluatie van het KBT-project met het aannemen van ervaringsdeskundigen",
                        "Lunch",
                        "De rol van de ervaringsdeskundige: praktijkvoorbeelden",
                        "Professioneel zijn als ervaringsdeskundige",
                        "Groepswerk: professioneel zijn als ervaringsdeskundige",
                        "Samenvatting en afsluiting",
                    ],
                },
            ],
        }],
        translations: &[
            DemoText {
                locale: "da-DK",
                title: "Peer-medarbejder – en ny funktion",
                summary: "Et todageskursus om peer-medarbejderens funktion i rusmiddel- og psykiatriområdet i Norge: hvad rollen kan indebære, internationale erfaringer og erfaringer fra Norge.",
                prerequisites: "",
                outcomes: &[
                    "Beskrive, hvad rollen som peer-medarbejder kan indebære.",
                    "Se rollen i lyset af internationale og norske erfaringer.",
                ],
            },
            DemoText {
                locale: "nl-NL",
                title: "Ervaringsdeskundige – een nieuwe functie",
                summary: "Een tweedaagse cursus over de functie van ervaringsdeskundigen in de verslavingszorg en de ggz in Noorwegen: wat de rol kan inhouden, internationale ervaringen en ervaringen in Noorwegen.",
                prerequisites: "",
                outcomes: &[
                    "Beschrijven wat de rol van ervaringsdeskundige kan inhouden.",
                    "De rol in verband brengen met internationale en Noorse ervaringen.",
                ],
            },
        ],
    },
    DemoTraining {
        provider: "kbt",
        kind: "COURSE",
        title: (
            "Peer Support Specialist – experience as a profession",
            "Erfaringskonsulent – erfaring som profesjon",
        ),
        summary: (
            "A yearly two-day course for employers and peer support specialists on professionalism, confidentiality, duties and rights, and the line between the duty of loyalty and the freedom of speech.",
            "Et årlig todagerskurs for arbeidsgivere og erfaringskonsulenter om profesjonalitet, taushetsplikt, plikter og rettigheter, og grensen mellom lojalitetsplikt og ytringsfrihet.",
        ),
        prerequisites: (
            "No prior knowledge required; some knowledge of peer support is recommended.",
            "Ingen forkunnskaper kreves; det anbefales å ha noe kjennskap til erfaringskonsulentarbeid.",
        ),
        outcomes: (
            &[
                "Know the duties, rights, professionalism, loyalty and guidance that peer support involves.",
                "Know the history of peer support.",
                "Have a network of peer support specialists and others in the field.",
            ],
            &[
                "Kjenne til plikter, rettigheter, profesjonalitet, lojalitet og veiledning i arbeidet som erfaringskonsulent.",
                "Kjenne til historien bak erfaringskonsulentarbeidet.",
                "Ha et nettverk av erfaringskonsulenter og andre i feltet.",
            ],
        ),
        audiences: &[
            "EMPLOYERS",
            "PEER_WORKERS",
            "COLLEAGUES_AND_MANAGERS",
            "PROSPECTIVE_PEER_WORKERS",
        ],
        eqf: None,
        ects: None,
        duration: Some("2 days"),
        mode: "IN_PERSON",
        languages: &["nb-NO"],
        topics: &["professionalism", "confidentiality", "ethics"],
        instructors: &[
            "Astrid Weber",
            "Morten Brodahl",
            "Dagfinn Bjørgen",
            "Juni Raak Høiseth",
            "Karl Johan Johansen",
        ],
        visibility: "PUBLIC",
        license: None,
        offerings: &[DemoOffering {
            dates: ("2027-03-10", "2027-03-11"),
            venue: None,
            city: "Tromsø",
            price: None,
            early_bird: None,
            programme: &[],
            translations: &[],
        }],
        translations: &[],
    },
    DemoTraining {
        provider: "kbt",
        kind: "CURRICULUM",
        title: (
            "Vocational school for peer workers",
            "Fagskole for erfaringskonsulenter",
        ),
        summary: (
            "Accredited by NOKUT in 2019: theoretical and practical competence in using personal experience to help and empower others in mental health and addiction services. Half of the programme is supervised practice.",
            "Godkjent av NOKUT i 2019: teoretisk og praktisk kompetanse i å bruke egen erfaring til å hjelpe og styrke andre i psykisk helse- og rustjenester. Halvparten av utdanningen er veiledet praksis.",
        ),
        prerequisites: (
            "Own experience of receiving health and welfare services for mental health or addiction problems; no formal academic admission criteria.",
            "Egenerfaring som mottaker av helse- og velferdstjenester for psykiske helseproblemer eller rusproblemer; ingen formelle akademiske opptakskrav.",
        ),
        outcomes: (
            &["Use personal experience professionally to help and empower others."],
            &["Bruke egen erfaring profesjonelt til å hjelpe og styrke andre."],
        ),
        audiences: &["PROSPECTIVE_PEER_WORKERS", "PEER_WORKERS"],
        eqf: Some(5),
        ects: Some(60.0),
        duration: Some("One year full-time or two years part-time; 50 % supervised practice"),
        mode: "BLENDED",
        languages: &["nb-NO"],
        topics: &["EQF", "vocational training"],
        instructors: &[],
        visibility: "PUBLIC",
        license: None,
        offerings: &[],
        translations: &[],
    },
    DemoTraining {
        provider: super::HUB_SLUG,
        kind: "COURSE",
        title: (
            "Peer Worker course (Medarbeider med brukererfaring), Bergen",
            "Medarbeider med brukererfaring (MB), Bergen",
        ),
        summary: (
            "The Peer Worker course of Bergen municipality, the first in Norway (2006), listed by Erfaringssentrum: 20 weeks of theory followed by 10 + 10 weeks of practice.",
            "Kurset Medarbeider med brukererfaring i Bergen kommune, det første i Norge (2006), oppført av Erfaringssentrum: 20 uker teori fulgt av 10 + 10 uker praksis.",
        ),
        prerequisites: (
            "Long experience as a user of mental health services.",
            "Lang erfaring som bruker av psykiske helsetjenester.",
        ),
        outcomes: (
            &["Contribute the user's perspective to mental health services."],
            &["Bidra med brukerperspektivet i psykiske helsetjenester."],
        ),
        audiences: &["PROSPECTIVE_PEER_WORKERS"],
        eqf: Some(4),
        ects: None,
        duration: Some("20 weeks of theory, then 10 + 10 weeks of practice"),
        mode: "IN_PERSON",
        languages: &["nb-NO"],
        topics: &["EQF", "vocational training"],
        instructors: &[],
        visibility: "NETWORK",
        license: None,
        offerings: &[],
        translations: &[],
    },
];

fn date(raw: &str) -> anyhow::Result<NaiveDate> {
    Ok(NaiveDate::parse_from_str(raw, "%Y-%m-%d")?)
}

pub(super) async fn load(
    txn: &DatabaseTransaction,
    organisations: &HashMap<&'static str, Uuid>,
    created_by: Option<Uuid>,
) -> anyhow::Result<()> {
    let now = Utc::now();
    for demo in TRAININGS {
        let provider = organisations
            .get(demo.provider)
            .copied()
            .ok_or_else(|| anyhow::anyhow!("no demo organisation {}", demo.provider))?;
        let id = Uuid::now_v7();
        let material = training_material::ActiveModel {
            id: Set(id),
            provider_organisation_id: Set(provider),
            kind: Set(stored(demo.kind)?),
            title: Set(demo.title.0.into()),
            summary: Set(demo.summary.0.into()),
            prerequisites: Set(demo.prerequisites.0.into()),
            learning_outcomes: Set(sammen_entities::list::StringList::from(demo.outcomes.0)),
            original_locale: Set("en-US".into()),
            target_audiences: Set(sammen_entities::list::StringList::from(demo.audiences)),
            eqf_level: Set(demo.eqf),
            ects_credits: Set(demo.ects),
            duration: Set(demo.duration.map(Into::into)),
            delivery_mode: Set(stored(demo.mode)?),
            languages: Set(sammen_entities::list::StringList::from(demo.languages)),
            license: Set(demo.license.map(Into::into)),
            topics: Set(sammen_entities::list::StringList::from(demo.topics)),
            instructors: Set(sammen_entities::list::StringList::from(demo.instructors)),
            visibility: Set(stored(demo.visibility)?),
            created_by: Set(created_by),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(txn)
        .await?;
        super::record(txn, "training.created", "TrainingMaterial", id, created_by).await?;
        // Complete translations only: a reader is shown a translation when it
        // has every text the original has.
        let norwegian = DemoText {
            locale: "nb-NO",
            title: demo.title.1,
            summary: demo.summary.1,
            prerequisites: demo.prerequisites.1,
            outcomes: demo.outcomes.1,
        };
        let mut texts: Vec<&DemoText> = vec![&norwegian];
        texts.extend(demo.translations.iter());
        let source_digest = material.digest();
        for text in texts {
            anyhow::ensure!(
                text.outcomes.len() == demo.outcomes.0.len()
                    && text.prerequisites.is_empty() == demo.prerequisites.0.is_empty(),
                "the {} demo translation of {} is incomplete",
                text.locale,
                demo.title.0
            );
            training_translation::ActiveModel {
                training_material_id: Set(id),
                locale: Set(text.locale.into()),
                title: Set(text.title.into()),
                summary: Set(text.summary.into()),
                prerequisites: Set(text.prerequisites.into()),
                learning_outcomes: Set(sammen_entities::list::StringList::from(text.outcomes)),
                source_digest: Set(source_digest.clone()),
                status: Set(stored("REVIEWED")?),
                translator_id: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(txn)
            .await?;
        }
        for demo_offering in demo.offerings {
            let offering_id = Uuid::now_v7();
            offering::ActiveModel {
                id: Set(offering_id),
                training_material_id: Set(id),
                starts_on: Set(date(demo_offering.dates.0)?),
                ends_on: Set(date(demo_offering.dates.1)?),
                venue: Set(demo_offering.venue.map(Into::into)),
                city: Set(Some(demo_offering.city.into())),
                country: Set(Some("NO".into())),
                online_url: Set(None),
                language: Set("nb-NO".into()),
                price_minor: Set(demo_offering.price.map(|(amount, _)| amount)),
                price_currency: Set(demo_offering.price.map(|(_, currency)| currency.into())),
                early_bird_minor: Set(demo_offering.early_bird.map(|(amount, _)| amount)),
                early_bird_deadline: Set(demo_offering.early_bird.map(|(_, day)| date(day)).transpose()?),
                capacity: Set(Some(40)),
                registration_url: Set(None),
                status: Set(stored("SCHEDULED")?),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(txn)
            .await?;
            super::record(
                txn,
                "training.offering_scheduled",
                "TrainingMaterial",
                id,
                created_by,
            )
            .await?;
            for (position, (starts_at, title, speaker)) in demo_offering.programme.iter().enumerate() {
                programme_item::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    offering_id: Set(offering_id),
                    position: Set(position as i32),
                    starts_at: Set(DateTime::parse_from_rfc3339(starts_at)?.with_timezone(&Utc)),
                    title: Set((*title).into()),
                    speaker: Set(speaker.map(Into::into)),
                }
                .insert(txn)
                .await?;
            }
            // The digest is over the original venue and titles, as the
            // translators' queue computes it.
            let titles: Vec<String> = demo_offering
                .programme
                .iter()
                .map(|(_, title, _)| (*title).to_owned())
                .collect();
            let offering_digest =
                crate::l10n::content::source_digest(&[demo_offering.venue.unwrap_or(""), &titles.join("\n")]);
            for text in demo_offering.translations {
                anyhow::ensure!(
                    text.titles.len() == titles.len()
                        && text.venue.is_empty() == demo_offering.venue.is_none(),
                    "the {} demo translation of an offering of {} is incomplete",
                    text.locale,
                    demo.title.0
                );
                offering_translation::ActiveModel {
                    offering_id: Set(offering_id),
                    locale: Set(text.locale.into()),
                    venue: Set(text.venue.into()),
                    programme_titles: Set(sammen_entities::list::StringList::from(text.titles)),
                    source_digest: Set(offering_digest.clone()),
                    status: Set(stored("REVIEWED")?),
                    translator_id: Set(None),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
                .insert(txn)
                .await?;
            }
        }
    }
    Ok(())
}
