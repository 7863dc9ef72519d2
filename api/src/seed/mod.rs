//! Demo data: the association (the hub), its partners in Norway, the United
//! States, Denmark, South Africa, the Netherlands and Germany in several
//! partnership states, with descriptions in English and Norwegian Bokmål,
//! five demo sign-ins, and two or three people in each partner organisation
//! abroad (names with å, æ, ø, é, ë and ü, for finding people regardless of
//! accents). Loaded once: a second run changes nothing.
//!
//! The Norwegian organisations and the Erasmus+ coordinator are the ones the
//! association's own documents name; the partners abroad and their people are
//! illustrative.

use chrono::{NaiveDate, Utc};
use sammen_entities::{organisation, organisation_translation};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::auth::people::NewPerson;
use crate::domain::{Email, OrgRole, TranslationStatus};
use crate::l10n::content::source_digest;
use crate::storage::Storage;

pub mod bench;
mod documents;
mod projects;
mod training;

/// The password of every demo sign-in. Demo mode only.
pub const DEMO_PASSWORD: &str = "sammen-demo";

/// Demo sign-ins and what each may do.
pub const DEMO_USERS: &[(&str, &str)] = &[
    ("admin@example.org", "network admin (Erfaringssentrum)"),
    (
        "coordinator@example.org",
        "project coordinator (Erfaringssentrum)",
    ),
    (
        "translator@example.org",
        "translator into nb-NO (Erfaringssentrum)",
    ),
    (
        "partner@example.org",
        "member of a partner organisation in the US",
    ),
    (
        "oversaetter@example.org",
        "translator into da-DK (Peer-netværket Danmark)",
    ),
];

/// Records the event of a demo row, as the API would have (in the seed's
/// transaction).
async fn record(
    txn: &sea_orm::DatabaseTransaction,
    kind: &'static str,
    subject_type: &'static str,
    subject_id: Uuid,
    actor_id: Option<Uuid>,
) -> anyhow::Result<()> {
    let event = crate::events::NewEvent {
        kind,
        subject_type,
        subject_id,
        project_id: None,
        actor_id,
        payload: serde_json::json!({ "demo": true }),
    };
    crate::events::record(txn, event).await?;
    Ok(())
}

/// The hub's slug; its presence means the demo data is loaded.
pub const HUB_SLUG: &str = "erfaringssentrum";

struct DemoOrganisation {
    slug: &'static str,
    name: &'static str,
    country: &'static str,
    city: &'static str,
    kind: &'static str,
    website: Option<&'static str>,
    status: &'static str,
    agreement: Option<(i32, u32, u32)>,
    original_locale: &'static str,
    /// (en-US, nb-NO)
    description: (&'static str, &'static str),
    focus: &'static [&'static str],
    hub: bool,
}

const ORGANISATIONS: &[DemoOrganisation] = &[
    DemoOrganisation {
        slug: HUB_SLUG,
        name: "Erfaringssentrum",
        country: "NO",
        city: "Oslo",
        kind: "NATIONAL_ASSOCIATION",
        website: Some("https://www.erfaringssentrum.no"),
        status: "ACTIVE",
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
        kind: "COMPETENCE_CENTRE",
        website: Some("https://www.kbt.no"),
        status: "ACTIVE",
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
        kind: "HOSPITAL",
        website: Some("https://www.sshf.no"),
        status: "AGREEMENT",
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
        kind: "TRAINING_PROVIDER",
        website: Some("https://www.grone.de"),
        status: "ACTIVE",
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
        kind: "USER_ORGANISATION",
        website: None,
        status: "ACTIVE",
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
        kind: "NGO",
        website: None,
        status: "AGREEMENT",
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
        kind: "NGO",
        website: None,
        status: "IN_DIALOGUE",
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
        kind: "USER_ORGANISATION",
        website: None,
        status: "PROSPECT",
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
        kind: "TRAINING_PROVIDER",
        website: None,
        status: "PAUSED",
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

/// Loads the demo data unless the hub is already there.
pub async fn demo(db: &DatabaseConnection, storage: &Storage) -> anyhow::Result<()> {
    let loaded = organisation::Entity::find()
        .filter(organisation::Column::Slug.eq(HUB_SLUG))
        .one(db)
        .await?
        .is_some();
    if loaded {
        tracing::info!("demo data already loaded");
        return Ok(());
    }
    let password = crate::auth::password::hash(DEMO_PASSWORD.to_owned()).await?;
    let txn = crate::db::begin_write(db).await?;
    let now = Utc::now();
    let mut ids = std::collections::HashMap::new();
    for org in ORGANISATIONS {
        let id = Uuid::now_v7();
        ids.insert(org.slug, id);
        let (en, nb) = org.description;
        let (original, translated, other_locale) = if org.original_locale == "nb-NO" {
            (nb, en, "en-US")
        } else {
            (en, nb, "nb-NO")
        };
        organisation::ActiveModel {
            id: Set(id),
            slug: Set(org.slug.into()),
            name: Set(org.name.into()),
            country: Set(org.country.into()),
            city: Set(Some(org.city.into())),
            kind: Set(stored(org.kind)?),
            website: Set(org.website.map(Into::into)),
            contact_email: Set(None),
            description: Set(original.into()),
            original_locale: Set(org.original_locale.into()),
            partnership_status: Set(stored(org.status)?),
            agreement_date: Set(org
                .agreement
                .and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))),
            focus_areas: Set(sammen_entities::list::StringList::from(org.focus)),
            is_hub: Set(org.hub),
            archived_at: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
        record(&txn, "organisation.created", "Organisation", id, None).await?;
        organisation_translation::ActiveModel {
            organisation_id: Set(id),
            locale: Set(other_locale.into()),
            description: Set(translated.into()),
            source_digest: Set(source_digest(&[original])),
            status: Set(TranslationStatus::Reviewed),
            translator_id: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
    }
    let org = |slug: &str| {
        ids.get(slug)
            .copied()
            .ok_or_else(|| anyhow::anyhow!("no demo organisation {slug}"))
    };
    let hub = Some(org(HUB_SLUG)?);
    let partner = Some(org("new-england-peer-alliance")?);
    let danish = Some(org("peer-netvaerket-danmark")?);
    let dutch = Some(org("platform-ervaringsdeskundigen")?);
    let german = Some(org("grone-bildungszentrum")?);
    let cape = Some(org("cape-peer-recovery-forum")?);
    let ubuntu = Some(org("ubuntu-peer-workers")?);
    let kbt = Some(org("kbt")?);
    // (e-mail, name, organisation, role there, network admin, translates into, preferred locale)
    let people = [
        (
            "admin@example.org",
            "Ada Admin",
            hub,
            OrgRole::OrgAdmin,
            true,
            vec![],
            Some("en-US"),
        ),
        (
            "coordinator@example.org",
            "Kari Koordinator",
            hub,
            OrgRole::Member,
            false,
            vec![],
            Some("nb-NO"),
        ),
        (
            "translator@example.org",
            "Tore Translatør",
            hub,
            OrgRole::Member,
            false,
            vec!["nb-NO"],
            Some("nb-NO"),
        ),
        (
            "partner@example.org",
            "Pat Partner",
            partner,
            OrgRole::Member,
            false,
            vec![],
            Some("en-US"),
        ),
        (
            "oversaetter@example.org",
            "Line Kjærsgaard",
            danish,
            OrgRole::Member,
            false,
            vec!["da-DK"],
            Some("da-DK"),
        ),
        // People in the partner organisations, who sign in with the same password.
        (
            "marisol@new-england-peers.example",
            "Marisol Ortega",
            partner,
            OrgRole::OrgAdmin,
            false,
            vec![],
            Some("en-US"),
        ),
        (
            "mette@peer-netvaerket.example",
            "Mette Højgaard",
            danish,
            OrgRole::OrgAdmin,
            false,
            vec![],
            Some("da-DK"),
        ),
        (
            "soren@peer-netvaerket.example",
            "Søren Kærgaard",
            danish,
            OrgRole::Member,
            false,
            vec![],
            Some("da-DK"),
        ),
        (
            "renee@platform-ervaringsdeskundigen.example",
            "Renée van der Berg",
            dutch,
            OrgRole::OrgAdmin,
            false,
            vec![],
            Some("nl-NL"),
        ),
        (
            "zoe@platform-ervaringsdeskundigen.example",
            "Zoë Bakker",
            dutch,
            OrgRole::Member,
            false,
            vec![],
            Some("nl-NL"),
        ),
        (
            "juergen@grone-bildungszentrum.example",
            "Jürgen Müller",
            german,
            OrgRole::OrgAdmin,
            false,
            vec![],
            Some("en-US"),
        ),
        (
            "annika@grone-bildungszentrum.example",
            "Annika Schröder",
            german,
            OrgRole::Member,
            false,
            vec![],
            Some("en-US"),
        ),
        (
            "thandiwe@cape-peer-recovery.example",
            "Thandiwe Nkosi",
            cape,
            OrgRole::OrgAdmin,
            false,
            vec![],
            Some("en-US"),
        ),
        (
            "pieter@cape-peer-recovery.example",
            "Pieter van Wyk",
            cape,
            OrgRole::Member,
            false,
            vec![],
            Some("en-US"),
        ),
        (
            "sipho@ubuntu-peer-workers.example",
            "Sipho Dlamini",
            ubuntu,
            OrgRole::OrgAdmin,
            false,
            vec![],
            Some("en-US"),
        ),
        (
            "lerato@ubuntu-peer-workers.example",
            "Lerato Mokoena",
            ubuntu,
            OrgRole::Member,
            false,
            vec![],
            Some("en-US"),
        ),
        (
            "ase@kbt.example",
            "Åse Ødegård",
            kbt,
            OrgRole::Member,
            false,
            vec![],
            Some("nb-NO"),
        ),
    ];
    let mut coordinator = None;
    // (project code, person, role) beyond the coordinator, who coordinates every demo project.
    let mut members: Vec<(&'static str, Uuid, &'static str)> = Vec::new();
    for (email, name, organisation_id, org_role, is_admin, translator, preferred) in people {
        let person = NewPerson {
            email: Email::parse("email", email).map_err(|e| anyhow::anyhow!("demo e-mail {email}: {e:?}"))?,
            display_name: name.into(),
            organisation_id,
            org_role,
            is_admin,
            translator_locales: translator.into_iter().map(Into::into).collect(),
            preferred_locale: preferred.map(Into::into),
            password_hash: password.clone(),
        }
        .insert(&txn, None)
        .await?
        .0;
        // The ethics project has people from Norway, the United States,
        // Denmark, the Netherlands and South Africa.
        match email {
            "coordinator@example.org" => coordinator = Some(person.id),
            "partner@example.org"
            | "mette@peer-netvaerket.example"
            | "renee@platform-ervaringsdeskundigen.example" => {
                members.push(("ETHICS-2024", person.id, "CONTRIBUTOR"))
            }
            "thandiwe@cape-peer-recovery.example" => members.push(("ETHICS-2024", person.id, "VIEWER")),
            _ => {}
        }
    }
    let documents = documents::load(&txn, storage, &ids, coordinator).await?;
    projects::load(&txn, &ids, &documents, coordinator, &members).await?;
    training::load(&txn, &ids, coordinator).await?;
    txn.commit().await?;
    tracing::info!(organisations = ORGANISATIONS.len(), "demo data loaded");
    Ok(())
}

/// A stored enumeration from its name in the demo tables above.
fn stored<E: sea_orm::ActiveEnum<Value = String>>(name: &str) -> anyhow::Result<E> {
    E::try_from_value(&name.to_owned()).map_err(|e| anyhow::anyhow!("demo data: {e}"))
}
