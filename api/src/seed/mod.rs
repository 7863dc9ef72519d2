//! Demo data: the association (the hub), its partners in Norway, the United
//! States, Denmark, South Africa, the Netherlands and Germany in several
//! partnership states, with descriptions in English and Norwegian Bokmål,
//! five demo sign-ins, and two or three people in each partner organisation
//! abroad (names with å, æ, ø, é, ë and ü, for finding people regardless of
//! accents).
//!
//! The Norwegian organisations and the Erasmus+ coordinator are the ones the
//! association's own documents name; the partners abroad and their people are
//! illustrative.
//!
//! The data is loaded as the API would load it: every row is made by the
//! domain function its mutation calls, which checks the policy, validates,
//! and writes the row with its event in one change. The loader acts as the
//! demo's people, each with a session's rights: the network admin (Ada
//! Admin) for most of it, the people who start and coordinate the projects
//! for theirs. States the domain only reaches by transitions (a completed
//! project, an accepted deliverable, a reached milestone) are reached by
//! walking them, as a coordinator would.
//!
//! One step cannot go through a checked function: nobody may add the first
//! admin, so she is stored as `sammen user create --admin` stores a person
//! (with her `person.created` event), and then adds the hub as any admin
//! adds an organisation. `bootstrap` explains the two facts no change in
//! the API can set.
//!
//! Loaded once: a second run changes nothing. Each step commits on its own,
//! so a load that was interrupted (a crash, a full disk) leaves part of the
//! data behind. The last thing a load writes is its `demo_load` row, which
//! nothing else touches (renaming or deleting demo rows does not matter):
//! without it, the next run does not build on top of what is there, nor
//! take it for loaded: it fails and asks for an empty database.

use std::collections::HashMap;

use async_graphql::ID;
use chrono::NaiveDate;
use sammen_entities::{demo_load, organisation, person};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use crate::auth::Caller;
use crate::auth::people::NewPerson;
use crate::config::Settings;
use crate::context::Ctx;
use crate::domain::{Date, Email};
use crate::error::ApiResult;
use crate::events::{Change, Dispatcher, NewEvent};
use crate::l10n::{LocaleChain, Localizer};
use crate::net::Fetcher;
use crate::storage::Storage;

pub mod bench;
mod corpus;
mod documents;
pub use documents::pdf_of;
mod organisations;
mod people;
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

/// The hub's slug; its presence means the demo data is loaded (or an
/// earlier load was interrupted).
pub const HUB_SLUG: &str = "erfaringssentrum";

/// Why a load refuses to run on data an earlier load left half done.
const INTERRUPTED: &str = "the demo data is only partly loaded: an earlier load was interrupted. \
     Load it into an empty database (`sammen migrate fresh` empties one, deleting everything in it)";

/// The service the data is loaded into: what a domain change needs but the
/// caller, who differs from step to step.
#[derive(Clone, Copy)]
pub struct Service<'a> {
    pub db: &'a DatabaseConnection,
    pub settings: &'a Settings,
    pub localizer: &'a Localizer,
    pub events: &'a Dispatcher,
    pub storage: &'a Storage,
    pub fetcher: &'a Fetcher,
}

/// The service with the locale chain the loader's changes run in (en-US,
/// for the rare message a domain function formats).
struct Loader<'a> {
    service: Service<'a>,
    chain: LocaleChain,
}

impl<'a> Loader<'a> {
    fn new(service: Service<'a>) -> Self {
        let chain = LocaleChain::negotiate(&[crate::l10n::default_locale()], service.localizer.available());
        Self { service, chain }
    }

    /// The context of a change made by `caller`.
    fn ctx<'b>(&'b self, caller: &'b Caller) -> Ctx<'b> {
        Ctx {
            db: self.service.db,
            caller,
            chain: &self.chain,
            settings: self.service.settings,
            localizer: self.service.localizer,
            events: self.service.events,
            storage: self.service.storage,
            fetcher: self.service.fetcher,
        }
    }

    /// `person` acting with their own rights, as with a session.
    async fn as_person(&self, person: &person::Model) -> anyhow::Result<Caller> {
        Caller::session_of(self.service.db, person.clone())
            .await
            .for_row(format!("person {}", person.email))
    }
}

/// What has been loaded so far, by the names the tables use.
#[derive(Default)]
struct Loaded {
    /// By slug.
    organisations: HashMap<&'static str, Uuid>,
    /// By e-mail address.
    people: HashMap<&'static str, person::Model>,
    /// By file name.
    documents: HashMap<&'static str, Uuid>,
}

impl Loaded {
    fn organisation(&self, slug: &str) -> anyhow::Result<Uuid> {
        self.organisations
            .get(slug)
            .copied()
            .ok_or_else(|| anyhow::anyhow!("no demo organisation {slug}"))
    }

    fn person(&self, email: &str) -> anyhow::Result<&person::Model> {
        self.people
            .get(email)
            .ok_or_else(|| anyhow::anyhow!("no demo person {email}"))
    }

    fn document(&self, file: &str) -> anyhow::Result<Uuid> {
        self.documents
            .get(file)
            .copied()
            .ok_or_else(|| anyhow::anyhow!("no demo document {file}"))
    }
}

/// Names the demo row a refused or failed domain change was for.
trait ForRow<T> {
    fn for_row(self, row: impl std::fmt::Display) -> anyhow::Result<T>;
}

impl<T> ForRow<T> for ApiResult<T> {
    fn for_row(self, row: impl std::fmt::Display) -> anyhow::Result<T> {
        self.map_err(|e| anyhow::anyhow!("demo {row}: {e:?}"))
    }
}

/// A calendar day as (year, month, day).
type Ymd = (i32, u32, u32);

fn date((y, m, d): Ymd) -> anyhow::Result<Date> {
    NaiveDate::from_ymd_opt(y, m, d)
        .map(Date)
        .ok_or_else(|| anyhow::anyhow!("bad demo date {y}-{m}-{d}"))
}

/// An id as the API's inputs take it.
fn id(uuid: Uuid) -> ID {
    ID(uuid.to_string())
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// The `demo_load` row a finished demo load writes.
const DEMO_LOAD: &str = "demo";

/// Loads the demo data unless it is there; fails if an earlier load was
/// interrupted.
pub async fn demo(service: Service<'_>) -> anyhow::Result<()> {
    let db = service.db;
    let finished = demo_load::Entity::find_by_id(DEMO_LOAD.to_owned())
        .one(db)
        .await?;
    if finished.is_some() {
        tracing::info!("demo data already loaded");
        return Ok(());
    }
    // Anything of the demo without the marker: a load stopped half way.
    let admin = people::admin()?;
    let hub = organisation::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(organisation::Column::Slug.eq(HUB_SLUG))
                .add(organisation::Column::IsHub.eq(true)),
        )
        .one(db)
        .await?;
    let first_admin = person::Entity::find()
        .filter(person::Column::Email.eq(admin.email))
        .one(db)
        .await?;
    anyhow::ensure!(hub.is_none() && first_admin.is_none(), INTERRUPTED);
    let loader = Loader::new(service);
    let mut loaded = Loaded::default();
    let admin = bootstrap(&loader, &mut loaded).await?;
    organisations::load(&loader, &admin, &mut loaded).await?;
    people::load(&loader, &admin, &mut loaded).await?;
    documents::load(&loader, &admin, &mut loaded).await?;
    projects::load(&loader, &admin, &loaded).await?;
    training::load(&loader, &admin, &loaded).await?;
    // Last: the marker that tells a finished load from an interrupted one
    // (bookkeeping of the loader, not a change of the network: no event).
    demo_load::ActiveModel {
        name: Set(DEMO_LOAD.to_owned()),
        finished_at: Set(chrono::Utc::now()),
    }
    .insert(db)
    .await?;
    tracing::info!(
        organisations = loaded.organisations.len(),
        people = loaded.people.len(),
        "demo data loaded"
    );
    Ok(())
}

/// The first admin and the hub, and the admin's session.
///
/// The admin is stored first, without an organisation, as the command line
/// stores one; she then adds the hub through `organisations::create`. Two
/// facts remain that no change in the API can set: that this organisation
/// is the hub (nothing makes one), and that the admin works there (she
/// existed before it). They are written together in one change, each with
/// an event. Being part of making the hub and its first admin rather than
/// edits of them, they leave both rows at version 1, like every other demo
/// row.
async fn bootstrap(loader: &Loader<'_>, loaded: &mut Loaded) -> anyhow::Result<Caller> {
    let db = loader.service.db;
    let demo = people::admin()?;
    anyhow::ensure!(demo.organisation == HUB_SLUG, "the demo admin works at the hub");
    let row = format!("person {}", demo.email);
    let email = Email::parse("email", demo.email).for_row(&row)?;
    let password_hash = crate::auth::password::hash(DEMO_PASSWORD.to_owned()).await?;
    let txn = crate::db::begin_write(db).await?;
    let (admin, created) = NewPerson {
        email,
        display_name: demo.name.into(),
        organisation_id: None,
        org_role: demo.org_role,
        is_admin: true,
        translator_locales: strings(demo.translates_into),
        preferred_locale: Some(demo.preferred_locale.into()),
        password_hash,
    }
    .insert(&txn, None)
    .await?;
    crate::events::commit(txn, vec![created], loader.service.events)
        .await
        .for_row(&row)?;

    let caller = loader.as_person(&admin).await?;
    let hub = organisations::hub()?;
    let hub_id = organisations::create(loader, &caller, hub).await?;

    let mut change = Change::begin(db).await.for_row(&row)?;
    organisation::ActiveModel {
        id: Set(hub_id),
        is_hub: Set(true),
        ..Default::default()
    }
    .update(change.db())
    .await?;
    change
        .record(
            NewEvent::new("organisation.updated", "Organisation", hub_id, Some(&admin))
                .payload(json!({ "fields": ["isHub"], "version": 1 })),
        )
        .await
        .for_row(&row)?;
    let admin = person::ActiveModel {
        id: Set(admin.id),
        organisation_id: Set(Some(hub_id)),
        ..Default::default()
    }
    .update(change.db())
    .await?;
    change
        .record(
            NewEvent::new("person.updated", "Person", admin.id, Some(&admin)).payload(json!({
                "fields": ["organisationId"],
                "organisationId": hub_id,
                "version": admin.version,
            })),
        )
        .await
        .for_row(&row)?;
    change.commit(loader.service.events).await.for_row(&row)?;

    let caller = loader.as_person(&admin).await?;
    loaded.organisations.insert(hub.slug, hub_id);
    loaded.people.insert(demo.email, admin);
    Ok(caller)
}
