//! Demo organisations: the association (the hub), the Norwegian
//! organisations its documents name, and partners abroad in every
//! partnership state, each described in English and Norwegian Bokmål.

use sammen_entities::organisation;
use uuid::Uuid;

use super::{ForRow, Loaded, Loader, Ymd, date, strings};
use crate::auth::Caller;
use crate::domain::{OrganisationKind, PartnershipStatus, TranslationStatus};
use crate::organisations::CreateOrganisationInput;
use crate::translation::ContentType;

pub(super) struct DemoOrganisation {
    pub slug: &'static str,
    name: &'static str,
    country: &'static str,
    city: &'static str,
    kind: OrganisationKind,
    website: Option<&'static str>,
    status: PartnershipStatus,
    agreement: Option<Ymd>,
    original_locale: &'static str,
    /// (en-US, nb-NO)
    description: (&'static str, &'static str),
    focus: &'static [&'static str],
    hub: bool,
}

const ORGANISATIONS: &[DemoOrganisation] = &[
    DemoOrganisation {
        slug: super::HUB_SLUG,
        name: "Erfaringssentrum",
        country: "NO",
        city: "Oslo",
        kind: OrganisationKind::NationalAssociation,
        website: Some("https://www.erfaringssentrum.no"),
        status: PartnershipStatus::Active,
        agreement: Some((2017, 6, 1)),
        original_locale: "nb-NO",
        description: (
            "The national association of peer support workers in Norway, founded in 2017: a meeting place and a source of information for peer support workers, prospective peer support workers and employers. It runs the yearly national conference “Stronger together” and the yearly Peer Support Worker Survey.",
            "Den nasjonale interesseorganisasjonen for erfaringskonsulenter i Norge, stiftet i 2017: en møteplass og en kilde til informasjon for erfaringskonsulenter, kommende erfaringskonsulenter og arbeidsgivere. Den arrangerer den årlige nasjonale konferansen «Sterkere sammen» og den årlige erfaringskonsulentundersøkelsen.",
        ),
        focus: &["peer support", "recognition", "training", "ethics"],
        hub: true,
    },
    DemoOrganisation {
        slug: "kbt",
        name: "KBT – Kompetansesenter for brukererfaring og tjenesteutvikling",
        country: "NO",
        city: "Trondheim",
        kind: OrganisationKind::CompetenceCentre,
        website: Some("https://www.kbt.no"),
        status: PartnershipStatus::Active,
        agreement: Some((2018, 3, 15)),
        original_locale: "nb-NO",
        description: (
            "A user-run competence centre for user experience and service development. It trains peer support specialists and the services that employ them, and runs development projects for peer support specialists in outreach teams and municipal services.",
            "Et brukerstyrt kompetansesenter for brukererfaring og tjenesteutvikling. Senteret lærer opp erfaringskonsulenter og tjenestene som ansetter dem, og leder utviklingsprosjekter for erfaringskonsulenter i oppsøkende team og kommunale tjenester.",
        ),
        focus: &["training", "service development", "employers"],
        hub: false,
    },
    DemoOrganisation {
        slug: "sorlandet-sykehus",
        name: "Sørlandet sykehus HF",
        country: "NO",
        city: "Kristiansand",
        kind: OrganisationKind::Hospital,
        website: Some("https://www.sshf.no"),
        status: PartnershipStatus::Agreement,
        agreement: Some((2021, 9, 1)),
        original_locale: "nb-NO",
        description: (
            "A hospital trust in southern Norway. It developed the guide for the national implementation of further training for peer support workers at EQF levels 4 and 5 in the Erasmus+ project European Standards for Peer Support Workers.",
            "Et helseforetak på Sørlandet. Det utviklet veilederen for nasjonal innføring av videreutdanning for erfaringskonsulenter på EQF-nivå 4 og 5 i Erasmus+-prosjektet European Standards for Peer Support Workers.",
        ),
        focus: &["mental health", "EQF", "vocational training"],
        hub: false,
    },
    DemoOrganisation {
        slug: "grone-bildungszentrum",
        name: "Grone-Bildungszentrum für Gesundheits- und Sozialberufe gGmbH",
        country: "DE",
        city: "Hamburg",
        kind: OrganisationKind::TrainingProvider,
        website: Some("https://www.grone.de"),
        status: PartnershipStatus::Active,
        agreement: Some((2019, 10, 1)),
        original_locale: "en-US",
        description: (
            "Coordinator of the Erasmus+ project European Standards for Peer Support Workers in Mental Health, which developed a further training concept for peer support workers at EQF levels 4 and 5.",
            "Koordinator for Erasmus+-prosjektet European Standards for Peer Support Workers in Mental Health, som utviklet et videreutdanningskonsept for erfaringskonsulenter på EQF-nivå 4 og 5.",
        ),
        focus: &["Erasmus+", "EQF", "further training"],
        hub: false,
    },
    DemoOrganisation {
        slug: "new-england-peer-alliance",
        name: "New England Peer Support Alliance",
        country: "US",
        city: "Boston",
        kind: OrganisationKind::UserOrganisation,
        website: None,
        status: PartnershipStatus::Active,
        agreement: Some((2022, 4, 20)),
        original_locale: "en-US",
        description: (
            "A peer-run organisation of certified peer specialists. It shares its experience with peer certification and workforce surveys with the Norwegian association.",
            "En brukerstyrt organisasjon for sertifiserte erfaringskonsulenter. Den deler erfaringer med sertifisering og arbeidslivsundersøkelser med den norske foreningen.",
        ),
        focus: &["certification", "workforce surveys"],
        hub: false,
    },
    DemoOrganisation {
        slug: "peer-netvaerket-danmark",
        name: "Peer-netværket Danmark",
        country: "DK",
        city: "Aarhus",
        kind: OrganisationKind::Ngo,
        website: None,
        status: PartnershipStatus::Agreement,
        agreement: Some((2024, 1, 10)),
        original_locale: "en-US",
        description: (
            "A Danish network of peer workers in psychiatry and addiction services, working on ethics guidelines for peer work.",
            "Et dansk nettverk av erfaringsmedarbeidere i psykiatri og rustjenester, som arbeider med etiske retningslinjer for erfaringsarbeid.",
        ),
        focus: &["ethics", "psychiatry"],
        hub: false,
    },
    DemoOrganisation {
        slug: "cape-peer-recovery-forum",
        name: "Cape Peer Recovery Forum",
        country: "ZA",
        city: "Cape Town",
        kind: OrganisationKind::Ngo,
        website: None,
        status: PartnershipStatus::InDialogue,
        agreement: None,
        original_locale: "en-US",
        description: (
            "A South African forum of people with lived experience of mental illness and substance use who support one another into work.",
            "Et sørafrikansk forum for mennesker med egenerfaring fra psykisk sykdom og rusbruk som støtter hverandre inn i arbeid.",
        ),
        focus: &["recovery", "employment"],
        hub: false,
    },
    DemoOrganisation {
        slug: "ubuntu-peer-workers",
        name: "Ubuntu Peer Workers Collective",
        country: "ZA",
        city: "Johannesburg",
        kind: OrganisationKind::UserOrganisation,
        website: None,
        status: PartnershipStatus::Prospect,
        agreement: None,
        original_locale: "en-US",
        description: (
            "A young collective of peer workers in community mental health.",
            "Et ungt kollektiv av erfaringskonsulenter i lokalt psykisk helsearbeid.",
        ),
        focus: &["community mental health"],
        hub: false,
    },
    DemoOrganisation {
        slug: "platform-ervaringsdeskundigen",
        name: "Platform Ervaringsdeskundigen Nederland",
        country: "NL",
        city: "Utrecht",
        kind: OrganisationKind::TrainingProvider,
        website: None,
        status: PartnershipStatus::Paused,
        agreement: Some((2020, 5, 5)),
        original_locale: "en-US",
        description: (
            "A Dutch platform for experts by experience that offers vocational training for peer workers.",
            "En nederlandsk plattform for erfaringseksperter som tilbyr yrkesutdanning for erfaringskonsulenter.",
        ),
        focus: &["vocational training", "EQF"],
        hub: false,
    },
];

/// The hub's row.
pub(super) fn hub() -> anyhow::Result<&'static DemoOrganisation> {
    ORGANISATIONS
        .iter()
        .find(|o| o.hub)
        .ok_or_else(|| anyhow::anyhow!("the demo data has no hub"))
}

/// Adds every organisation but the hub (which `bootstrap` adds), as the admin.
pub(super) async fn load(loader: &Loader<'_>, admin: &Caller, loaded: &mut Loaded) -> anyhow::Result<()> {
    for demo in ORGANISATIONS.iter().filter(|o| !o.hub) {
        let id = create(loader, admin, demo).await?;
        loaded.organisations.insert(demo.slug, id);
    }
    Ok(())
}

/// Adds one organisation with its description in the original locale, and
/// the description's translation into the other (reviewed).
pub(super) async fn create(
    loader: &Loader<'_>,
    admin: &Caller,
    demo: &DemoOrganisation,
) -> anyhow::Result<Uuid> {
    let ctx = loader.ctx(admin);
    let row = format!("organisation {}", demo.slug);
    let (en, nb) = demo.description;
    let (original, translated, other_locale) = if demo.original_locale == "nb-NO" {
        (nb, en, "en-US")
    } else {
        (en, nb, "nb-NO")
    };
    let created: organisation::Model = crate::organisations::create(
        &ctx,
        CreateOrganisationInput {
            slug: demo.slug.into(),
            name: demo.name.into(),
            country: demo.country.into(),
            city: Some(demo.city.into()),
            kind: demo.kind,
            website: demo.website.map(Into::into),
            contact_email: None,
            description: original.into(),
            original_locale: Some(demo.original_locale.into()),
            partnership_status: Some(demo.status),
            agreement_date: demo.agreement.map(date).transpose()?,
            focus_areas: strings(demo.focus),
        },
    )
    .await
    .for_row(&row)?;
    crate::translation::save_content(
        &ctx,
        ContentType::Organisation,
        created.id,
        other_locale,
        &[("description".to_owned(), translated.to_owned())],
        TranslationStatus::Reviewed,
    )
    .await
    .for_row(format!("{row}, {other_locale}"))?;
    Ok(created.id)
}
