//! Projects: starting and changing them, their participants, members,
//! deliverables and milestones, translations and links, each checked
//! against the policy, validated, and written in one transaction with its
//! activity event.

mod lifecycle;
mod plan;
mod team;

pub use lifecycle::*;
pub use plan::*;
pub use team::*;

use async_graphql::{ID, InputObject, MaybeUndefined};
use chrono::NaiveDate;
use sammen_entities::{deliverable, document, event, person, project, project_participant};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::auth::policy;
use crate::context::Ctx;
use crate::domain::*;
use crate::error::{ApiError, ApiResult};

pub const TITLE_MAX: usize = 300;
pub const SUMMARY_MAX: usize = 10_000;

/// Loads a project the caller may read, or NOT_FOUND.
pub async fn find_readable(ctx: &Ctx<'_>, id: Uuid) -> ApiResult<project::Model> {
    project::Entity::find_by_id(id)
        .filter(policy::project_read(ctx.caller))
        .one(ctx.db)
        .await?
        .ok_or_else(ApiError::not_found)
}

pub(super) const PROJECT: crate::db::Versioned<project::Column> = crate::db::Versioned {
    id: project::Column::Id,
    version: project::Column::Version,
    updated_at: project::Column::UpdatedAt,
};

pub(super) const DELIVERABLE: crate::db::Versioned<deliverable::Column> = crate::db::Versioned {
    id: deliverable::Column::Id,
    version: deliverable::Column::Version,
    updated_at: deliverable::Column::UpdatedAt,
};

/// A new project.
#[derive(InputObject)]
pub struct CreateProjectInput {
    /// Short unique code, e.g. `ESPSW-2019`: 2–40 of letters, digits, `-`, `_`, `.`.
    pub code: String,
    pub title: String,
    #[graphql(default)]
    pub summary: String,
    /// The locale the title and summary are written in (default en-US).
    pub original_locale: Option<String>,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub funding_programme: Option<String>,
    pub grant_reference: Option<String>,
    pub budget: Option<MoneyInput>,
    #[graphql(default_with = "Visibility::Partners")]
    pub visibility: Visibility,
}

/// Changes to a project. Omitted fields stay; `null` clears optional ones.
#[derive(InputObject)]
pub struct UpdateProjectInput {
    pub id: ID,
    /// The `version` the change was based on; CONFLICT if someone changed the project since.
    pub expected_version: i32,
    pub title: Option<String>,
    pub summary: Option<String>,
    pub starts_on: Option<Date>,
    pub ends_on: MaybeUndefined<Date>,
    pub funding_programme: MaybeUndefined<String>,
    pub grant_reference: MaybeUndefined<String>,
    pub budget: MaybeUndefined<MoneyInput>,
    pub visibility: Option<Visibility>,
}

/// A new deliverable.
#[derive(InputObject)]
pub struct CreateDeliverableInput {
    pub project_id: ID,
    /// Unique in the project, e.g. `IO3`.
    pub code: String,
    pub title: String,
    /// The locale of the title (default: the project's).
    pub original_locale: Option<String>,
    pub due_on: Option<Date>,
    /// Must take part in the project.
    pub responsible_organisation_id: Option<ID>,
}

/// Changes to a deliverable.
#[derive(InputObject)]
pub struct UpdateDeliverableInput {
    pub id: ID,
    pub expected_version: i32,
    pub title: Option<String>,
    pub due_on: MaybeUndefined<Date>,
    pub responsible_organisation_id: MaybeUndefined<ID>,
}

/// A new milestone.
#[derive(InputObject)]
pub struct CreateMilestoneInput {
    pub project_id: ID,
    pub title: String,
    pub due_on: Date,
}

pub(super) fn parse_code(raw: &str) -> ApiResult<String> {
    let code = raw.trim();
    let ok = (2..=40).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok {
        Ok(code.to_owned())
    } else {
        Err(ApiError::invalid("code", "project-code-invalid"))
    }
}

pub(super) fn check_dates(starts_on: NaiveDate, ends_on: Option<NaiveDate>) -> ApiResult<()> {
    if ends_on.is_some_and(|end| end < starts_on) {
        return Err(ApiError::invalid("endsOn", "project-ends-before-start"));
    }
    Ok(())
}

/// Commits a project change and dispatches its activity events (the one
/// commit of every change, `events::commit`).
pub(super) async fn commit(
    ctx: &Ctx<'_>,
    txn: DatabaseTransaction,
    entries: Vec<event::Model>,
) -> ApiResult<()> {
    crate::events::commit(txn, entries, ctx.events).await
}

pub(super) async fn participant_ids(
    db: &impl ConnectionTrait,
    project_id: Uuid,
) -> ApiResult<Vec<project_participant::Model>> {
    Ok(project_participant::Entity::find()
        .filter(project_participant::Column::ProjectId.eq(project_id))
        .all(db)
        .await?)
}

pub(super) fn actor<'a>(ctx: &Ctx<'a>) -> ApiResult<&'a person::Model> {
    ctx.caller.writer()
}

pub(super) async fn find_deliverable(ctx: &Ctx<'_>, field: &str, id: &ID) -> ApiResult<deliverable::Model> {
    let id = parse_id(field, id.as_str())?;
    let found = deliverable::Entity::find_by_id(id)
        .one(ctx.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    find_readable(ctx, found.project_id).await?;
    Ok(found)
}

/// An organisation that takes part in the project, for `responsibleOrganisationId`.
pub(super) async fn responsible_participant(ctx: &Ctx<'_>, project_id: Uuid, id: &ID) -> ApiResult<Uuid> {
    let organisation = parse_id("responsibleOrganisationId", id.as_str())?;
    let participates = participant_ids(ctx.db, project_id)
        .await?
        .iter()
        .any(|p| p.organisation_id == organisation);
    if participates {
        Ok(organisation)
    } else {
        Err(ApiError::invalid(
            "responsibleOrganisationId",
            "project-not-participant",
        ))
    }
}

/// A document the caller may change (linking opens it to participants, so
/// reading it is not enough).
pub(super) async fn linkable_document(ctx: &Ctx<'_>, id: &ID) -> ApiResult<document::Model> {
    let id = parse_id("documentId", id.as_str())?;
    let found = crate::documents::find_readable(ctx.caller, id, ctx.db)
        .await
        .map_err(|e| e.with_field("documentId"))?;
    // Linking opens the document to every participant: that is sharing,
    // which only the owner's people (and admins) may do.
    policy::can_manage_document(ctx.caller, &found).map_err(|e| e.with_field("documentId"))?;
    Ok(found)
}

/// Serialises changes to one project's participants and members on
/// PostgreSQL (`SELECT … FOR UPDATE`); SQLite already has one writer at a time.
pub(super) async fn lock_project(txn: &DatabaseTransaction, project_id: Uuid) -> ApiResult<()> {
    if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        project::Entity::find_by_id(project_id)
            .lock_exclusive()
            .one(txn)
            .await?;
    }
    Ok(())
}
