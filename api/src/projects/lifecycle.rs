//! Starting and changing a project, translating it, and linking documents
//! and training to it.

use async_graphql::{ID, MaybeUndefined};
use chrono::Utc;
use sammen_entities::{document, project, project_member, project_participant, project_training_material};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use crate::activity::{self, Entry};
use crate::auth::policy;
use crate::context::Ctx;
use crate::domain::*;
use crate::error::{ApiError, ApiResult};
use crate::translation;

use super::*;

/// Starts a project. The caller's organisation becomes its COORDINATOR
/// participant and the caller its COORDINATOR member.
pub async fn create_project(ctx: &Ctx<'_>, input: CreateProjectInput) -> ApiResult<project::Model> {
    let person = actor(ctx)?;
    let organisation = person.organisation_id.ok_or_else(ApiError::forbidden)?;
    let code = parse_code(&input.code)?;
    let title = name_text("title", &input.title, TITLE_MAX)?;
    let summary = long_text("summary", &input.summary, SUMMARY_MAX)?;
    let original_locale = match &input.original_locale {
        Some(raw) => ctx.content_locale("originalLocale", raw)?,
        None => crate::l10n::default_locale().to_string(),
    };
    check_dates(input.starts_on.0, input.ends_on.map(|d| d.0))?;
    let budget = input.budget.as_ref().map(|b| b.parse("budget")).transpose()?;
    let optional =
        |field: &str, raw: &Option<String>| raw.as_deref().map(|v| name_text(field, v, 200)).transpose();
    let funding_programme = optional("fundingProgramme", &input.funding_programme)?;
    let grant_reference = optional("grantReference", &input.grant_reference)?;
    let now = Utc::now();
    let id = Uuid::now_v7();
    let txn = crate::db::begin_write(ctx.db).await?;
    let created = project::ActiveModel {
        id: Set(id),
        code: Set(code.clone()),
        title: Set(title.clone()),
        summary: Set(summary),
        original_locale: Set(original_locale),
        status: Set(ProjectStatus::Planned),
        starts_on: Set(input.starts_on.0),
        ends_on: Set(input.ends_on.map(|d| d.0)),
        funding_programme: Set(funding_programme),
        grant_reference: Set(grant_reference),
        budget_minor: Set(budget.map(|(amount, _)| amount)),
        budget_currency: Set(budget.map(|(_, currency)| currency.code().to_owned())),
        visibility: Set(input.visibility),
        created_by: Set(Some(person.id)),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(crate::db::on_unique(crate::db::PROJECT_CODE, || {
        ApiError::invalid("code", "project-code-taken").arg("code", code.clone())
    }))?;
    project_participant::ActiveModel {
        project_id: Set(id),
        organisation_id: Set(organisation),
        role: Set(ParticipantRole::Coordinator),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    project_member::ActiveModel {
        project_id: Set(id),
        person_id: Set(person.id),
        role: Set(MemberRole::Coordinator),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let entry = activity::record(
        &txn,
        Entry {
            project_id: id,
            actor: Some(person),
            verb: "project.created",
            object_type: "Project",
            object_id: Some(id),
            data: json!({ "project": format!("{code} – {title}") }),
        },
    )
    .await?;
    commit(ctx, txn, vec![entry]).await?;
    Ok(created)
}

/// Changes a project (coordinators). CONFLICT when `expectedVersion` is
/// stale: of two coordinators editing the same version, one wins and the
/// other is told, never silently overwritten.
pub async fn update_project(ctx: &Ctx<'_>, input: UpdateProjectInput) -> ApiResult<project::Model> {
    let id = parse_id("input.id", input.id.as_str())?;
    let current = find_readable(ctx, id).await?;
    policy::require_coordinator(ctx.db, ctx.caller, id).await?;
    let person = actor(ctx)?;
    // Checks below are made against `current`; a newer row is a conflict.
    if current.version != input.expected_version {
        return Err(ApiError::stale_version(input.expected_version, current.version));
    }
    let mut change = <project::ActiveModel as Default>::default();
    if let Some(title) = &input.title {
        change.title = Set(name_text("title", title, TITLE_MAX)?);
    }
    if let Some(summary) = &input.summary {
        change.summary = Set(long_text("summary", summary, SUMMARY_MAX)?);
    }
    let starts_on = input.starts_on.map_or(current.starts_on, |d| d.0);
    let ends_on = match &input.ends_on {
        MaybeUndefined::Value(d) => Some(d.0),
        MaybeUndefined::Null => None,
        MaybeUndefined::Undefined => current.ends_on,
    };
    check_dates(starts_on, ends_on)?;
    if input.starts_on.is_some() {
        change.starts_on = Set(starts_on);
    }
    if !input.ends_on.is_undefined() {
        change.ends_on = Set(ends_on);
    }
    for (field, value, target) in [
        (
            "fundingProgramme",
            &input.funding_programme,
            &mut change.funding_programme,
        ),
        (
            "grantReference",
            &input.grant_reference,
            &mut change.grant_reference,
        ),
    ] {
        match value {
            MaybeUndefined::Value(v) => *target = Set(Some(name_text(field, v, 200)?)),
            MaybeUndefined::Null => *target = Set(None),
            MaybeUndefined::Undefined => {}
        }
    }
    match &input.budget {
        MaybeUndefined::Value(budget) => {
            let (amount, currency) = budget.parse("budget")?;
            change.budget_minor = Set(Some(amount));
            change.budget_currency = Set(Some(currency.code().to_owned()));
        }
        MaybeUndefined::Null => {
            change.budget_minor = Set(None);
            change.budget_currency = Set(None);
        }
        MaybeUndefined::Undefined => {}
    }
    if let Some(visibility) = input.visibility {
        change.visibility = Set(visibility);
    }
    let txn = crate::db::begin_write(ctx.db).await?;
    let updated = crate::db::versioned_update(&txn, PROJECT, id, input.expected_version, change).await?;
    let entry = activity::record(
        &txn,
        Entry {
            project_id: id,
            actor: Some(person),
            verb: "project.updated",
            object_type: "Project",
            object_id: Some(id),
            data: json!({ "project": updated.code }),
        },
    )
    .await?;
    commit(ctx, txn, vec![entry]).await?;
    Ok(updated)
}

/// Moves a project PLANNED → ACTIVE → COMPLETED, or CANCELS it (coordinators).
pub async fn change_project_status(
    ctx: &Ctx<'_>,
    id: ID,
    status: ProjectStatus,
) -> ApiResult<project::Model> {
    let id = parse_id("id", id.as_str())?;
    let current = find_readable(ctx, id).await?;
    policy::require_coordinator(ctx.db, ctx.caller, id).await?;
    let person = actor(ctx)?;
    let from = current.status;
    if !from.can_become(status) {
        return Err(ApiError::invalid("status", "project-status-transition-invalid")
            .arg("from", ctx.t(&from.label_id()))
            .arg("to", ctx.t(&status.label_id())));
    }
    let change = project::ActiveModel {
        status: Set(status),
        ..Default::default()
    };
    let txn = crate::db::begin_write(ctx.db).await?;
    let updated = crate::db::versioned_update(&txn, PROJECT, id, current.version, change).await?;
    let entry = activity::record(
        &txn,
        Entry {
            project_id: id,
            actor: Some(person),
            verb: "project.status_changed",
            object_type: "Project",
            object_id: Some(id),
            data: json!({ "project": updated.code, "status": status.label_id() }),
        },
    )
    .await?;
    commit(ctx, txn, vec![entry]).await?;
    Ok(updated)
}

/// Stores a translation of the title and summary (translators of that locale and admins).
pub async fn translate_project(
    ctx: &Ctx<'_>,
    id: ID,
    locale: String,
    title: String,
    summary: String,
    status: TranslationStatus,
) -> ApiResult<project::Model> {
    let project = find_readable(ctx, parse_id("id", id.as_str())?).await?;
    let locale = ctx.content_locale("locale", &locale)?;
    translation::may_translate(ctx, &project, &locale)?;
    let texts = vec![
        ("title", name_text("title", &title, TITLE_MAX)?),
        ("summary", long_text("summary", &summary, SUMMARY_MAX)?),
    ];
    translation::save(ctx, &project, &locale, texts, status).await?;
    Ok(project)
}

/// Links a training material the caller may read to a project (coordinators and contributors).
pub async fn link_training_material_to_project(
    ctx: &Ctx<'_>,
    project_id: ID,
    training_material_id: ID,
) -> ApiResult<project::Model> {
    let project_id = parse_id("projectId", project_id.as_str())?;
    let project = find_readable(ctx, project_id).await?;
    policy::require_contributor(ctx.db, ctx.caller, project_id).await?;
    let person = actor(ctx)?;
    let material_id = parse_id("trainingMaterialId", training_material_id.as_str())?;
    let material = crate::training::changes::find_readable(ctx.caller, material_id, ctx.db)
        .await
        .map_err(|e| e.with_field("trainingMaterialId"))?;
    let txn = crate::db::begin_write(ctx.db).await?;
    let exists = project_training_material::Entity::find()
        .filter(project_training_material::Column::ProjectId.eq(project_id))
        .filter(project_training_material::Column::TrainingMaterialId.eq(material_id))
        .count(&txn)
        .await?;
    let mut entries = Vec::new();
    if exists == 0 {
        project_training_material::ActiveModel {
            project_id: Set(project_id),
            training_material_id: Set(material_id),
            created_at: Set(Utc::now()),
        }
        .insert(&txn)
        .await?;
        entries.push(
            activity::record(
                &txn,
                Entry {
                    project_id,
                    actor: Some(person),
                    verb: "training.linked",
                    object_type: "TrainingMaterial",
                    object_id: Some(material_id),
                    data: json!({ "training": material.title }),
                },
            )
            .await?,
        );
    }
    commit(ctx, txn, entries).await?;
    Ok(project)
}

/// Links a document the caller may change to a project (coordinators and
/// contributors). Participants can then read it.
pub async fn link_document_to_project(
    ctx: &Ctx<'_>,
    project_id: ID,
    document_id: ID,
) -> ApiResult<project::Model> {
    let project_id = parse_id("projectId", project_id.as_str())?;
    let project = find_readable(ctx, project_id).await?;
    policy::require_contributor(ctx.db, ctx.caller, project_id).await?;
    let person = actor(ctx)?;
    let document = linkable_document(ctx, &document_id).await?;
    if document.project_id.is_some_and(|p| p != project_id) {
        return Err(ApiError::invalid("documentId", "document-linked-elsewhere"));
    }
    let txn = crate::db::begin_write(ctx.db).await?;
    document::Entity::update_many()
        .col_expr(document::Column::ProjectId, Expr::value(Some(project_id)))
        .col_expr(document::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(document::Column::Id.eq(document.id))
        .exec(&txn)
        .await?;
    let entry = activity::record(
        &txn,
        Entry {
            project_id,
            actor: Some(person),
            verb: "document.linked",
            object_type: "Document",
            object_id: Some(document.id),
            data: json!({ "document": document.title }),
        },
    )
    .await?;
    commit(ctx, txn, vec![entry]).await?;
    Ok(project)
}
