//! Demo training: the courses and trainings the association's documents
//! describe, with the Trondheim course's real dates, prices and programme.
//! Every material has a complete Norwegian translation (title, summary,
//! prerequisites and learning outcomes), and the Trondheim course is also
//! in Danish and Dutch, its programme too. The admin adds them all, for
//! their providers.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{ForRow, Loaded, Loader, id, strings};
use crate::auth::Caller;
use crate::context::Ctx;
use crate::domain::{Audience, Date, DeliveryMode, MoneyInput, TrainingKind, TranslationStatus, Visibility};
use crate::training::changes::{self, TranslatedTexts};
use crate::training::{CreateTrainingMaterialInput, OfferingInput, ProgrammeItemInput};
use crate::translation::ContentType;

struct DemoTraining {
    provider: &'static str,
    kind: TrainingKind,
    /// (en-US, nb-NO)
    title: (&'static str, &'static str),
    summary: (&'static str, &'static str),
    /// (en-US, nb-NO); empty in both when there are none.
    prerequisites: (&'static str, &'static str),
    /// (en-US, nb-NO), one sentence each, the same number in both.
    outcomes: (&'static [&'static str], &'static [&'static str]),
    audiences: &'static [Audience],
    eqf: Option<i32>,
    ects: Option<f64>,
    duration: Option<&'static str>,
    mode: DeliveryMode,
    languages: &'static [&'static str],
    topics: &'static [&'static str],
    instructors: &'static [&'static str],
    visibility: Visibility,
    license: Option<&'static str>,
    offerings: &'static [DemoOffering],
    /// Complete translations into locales other than nb-NO.
    translations: &'static [DemoText],
}

/// A material's texts in one locale.
#[derive(Clone, Copy)]
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
        kind: TrainingKind::Course,
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
        audiences: &[Audience::Employers, Audience::PeerWorkers],
        eqf: None,
        ects: None,
        duration: Some("2 days"),
        mode: DeliveryMode::InPerson,
        languages: &["nb-NO"],
        topics: &["peer support", "employers"],
        instructors: &[
            "Karl Johan Johansen",
            "Dagfinn Bjørgen",
            "Astrid Karine Weber",
            "Juni Raak Høiseth",
        ],
        visibility: Visibility::Public,
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
        kind: TrainingKind::Course,
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
            Audience::Employers,
            Audience::PeerWorkers,
            Audience::ColleaguesAndManagers,
            Audience::ProspectivePeerWorkers,
        ],
        eqf: None,
        ects: None,
        duration: Some("2 days"),
        mode: DeliveryMode::InPerson,
        languages: &["nb-NO"],
        topics: &["professionalism", "confidentiality", "ethics"],
        instructors: &[
            "Astrid Weber",
            "Morten Brodahl",
            "Dagfinn Bjørgen",
            "Juni Raak Høiseth",
            "Karl Johan Johansen",
        ],
        visibility: Visibility::Public,
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
        kind: TrainingKind::Curriculum,
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
        audiences: &[Audience::ProspectivePeerWorkers, Audience::PeerWorkers],
        eqf: Some(5),
        ects: Some(60.0),
        duration: Some("One year full-time or two years part-time; 50 % supervised practice"),
        mode: DeliveryMode::Blended,
        languages: &["nb-NO"],
        topics: &["EQF", "vocational training"],
        instructors: &[],
        visibility: Visibility::Public,
        license: None,
        offerings: &[],
        translations: &[],
    },
    DemoTraining {
        provider: super::HUB_SLUG,
        kind: TrainingKind::Course,
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
        audiences: &[Audience::ProspectivePeerWorkers],
        eqf: Some(4),
        ects: None,
        duration: Some("20 weeks of theory, then 10 + 10 weeks of practice"),
        mode: DeliveryMode::InPerson,
        languages: &["nb-NO"],
        topics: &["EQF", "vocational training"],
        instructors: &[],
        visibility: Visibility::Network,
        license: None,
        offerings: &[],
        translations: &[],
    },
];

fn date(raw: &str) -> anyhow::Result<Date> {
    Ok(Date(NaiveDate::parse_from_str(raw, "%Y-%m-%d")?))
}

/// Adds the training materials, as the admin: each with its offerings
/// (their venues and programmes translated), then its own translations, all
/// reviewed.
pub(super) async fn load(loader: &Loader<'_>, admin: &Caller, loaded: &Loaded) -> anyhow::Result<()> {
    let ctx = loader.ctx(admin);
    for demo in TRAININGS {
        let row = format!("training {}", demo.title.0);
        let material = changes::create(
            &ctx,
            CreateTrainingMaterialInput {
                provider_organisation_id: Some(id(loaded.organisation(demo.provider)?)),
                kind: demo.kind,
                title: demo.title.0.into(),
                summary: demo.summary.0.into(),
                prerequisites: demo.prerequisites.0.into(),
                learning_outcomes: strings(demo.outcomes.0),
                original_locale: Some("en-US".into()),
                target_audiences: demo.audiences.to_vec(),
                eqf_level: demo.eqf,
                ects_credits: demo.ects,
                duration: demo.duration.map(Into::into),
                delivery_mode: demo.mode,
                languages: strings(demo.languages),
                license: demo.license.map(Into::into),
                topics: strings(demo.topics),
                instructors: strings(demo.instructors),
                visibility: demo.visibility,
            },
        )
        .await
        .for_row(&row)?;
        for offering in demo.offerings {
            schedule(&ctx, material.id, &row, offering).await?;
        }
        // Complete translations only: a reader is shown a translation when it
        // has every text the original has.
        for text in texts(demo) {
            anyhow::ensure!(
                text.outcomes.len() == demo.outcomes.0.len()
                    && text.prerequisites.is_empty() == demo.prerequisites.0.is_empty(),
                "the {} demo translation of {} is incomplete",
                text.locale,
                demo.title.0
            );
            changes::translate(
                &ctx,
                material.id,
                text.locale,
                TranslatedTexts {
                    title: text.title.into(),
                    summary: text.summary.into(),
                    prerequisites: text.prerequisites.into(),
                    learning_outcomes: strings(text.outcomes),
                },
                TranslationStatus::Reviewed,
            )
            .await
            .for_row(format!("{row}, {}", text.locale))?;
        }
    }
    Ok(())
}

/// A material's translations, Norwegian first; `load` saves them in this order.
fn texts(demo: &DemoTraining) -> Vec<DemoText> {
    let norwegian = DemoText {
        locale: "nb-NO",
        title: demo.title.1,
        summary: demo.summary.1,
        prerequisites: demo.prerequisites.1,
        outcomes: demo.outcomes.1,
    };
    let mut texts = vec![norwegian];
    texts.extend(demo.translations.iter().copied());
    texts
}

/// Schedules an offering with its programme, and saves the translations of
/// its venue and programme titles.
async fn schedule(ctx: &Ctx<'_>, material: Uuid, row: &str, demo: &DemoOffering) -> anyhow::Result<()> {
    let what = format!("{row}, offering {}", demo.dates.0);
    // The early-bird price is in the price's currency.
    let early_bird_price = match (demo.early_bird, demo.price) {
        (Some((amount_minor, _)), Some((_, currency))) => Some(MoneyInput {
            amount_minor,
            currency: currency.into(),
        }),
        (Some(_), None) => anyhow::bail!("the demo {what} has an early-bird price but no price"),
        (None, _) => None,
    };
    let mut programme = Vec::with_capacity(demo.programme.len());
    for (starts_at, title, speaker) in demo.programme {
        programme.push(ProgrammeItemInput {
            starts_at: DateTime::parse_from_rfc3339(starts_at)?.with_timezone(&Utc),
            title: (*title).into(),
            speaker: speaker.map(Into::into),
        });
    }
    let (offering, _) = changes::schedule_offering(
        ctx,
        material,
        OfferingInput {
            starts_on: date(demo.dates.0)?,
            ends_on: Some(date(demo.dates.1)?),
            venue: demo.venue.map(Into::into),
            city: Some(demo.city.into()),
            country: Some("NO".into()),
            online_url: None,
            language: "nb-NO".into(),
            price: demo.price.map(|(amount_minor, currency)| MoneyInput {
                amount_minor,
                currency: currency.into(),
            }),
            early_bird_price,
            early_bird_deadline: demo.early_bird.map(|(_, day)| date(day)).transpose()?,
            capacity: Some(40),
            registration_url: None,
            programme,
        },
    )
    .await
    .for_row(&what)?;
    for text in demo.translations {
        anyhow::ensure!(
            text.titles.len() == demo.programme.len() && text.venue.is_empty() == demo.venue.is_none(),
            "the {} demo translation of {what} is incomplete",
            text.locale
        );
        // Programme titles are one a line, as translators edit them.
        let fields = [
            ("venue".to_owned(), text.venue.to_owned()),
            ("programme".to_owned(), text.titles.join("\n")),
        ];
        crate::translation::save_content(
            ctx,
            ContentType::Offering,
            offering.id,
            text.locale,
            &fields,
            TranslationStatus::Reviewed,
        )
        .await
        .for_row(format!("{what}, {}", text.locale))?;
    }
    Ok(())
}
