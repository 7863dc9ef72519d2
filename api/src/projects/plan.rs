//! A project's plan: deliverables and milestones.

use async_graphql::{ID, MaybeUndefined};
use chrono::Utc;
use sammen_entities::{deliverable, deliverable_document, milestone};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use crate::activity::{self, Entry};
use crate::auth::policy;
use crate::context::Ctx;
use crate::domain::*;
use crate::error::{ApiError, ApiResult};

use super::*;

/// Adds a deliverable (coordinators).
pub async fn create_deliverable(
    ctx: &Ctx<'_>,
    input: CreateDeliverableInput,
) -> ApiResult<deliverable::Model> {
    let project_id = parse_id("input.projectId", input.project_id.as_str())?;
    let project = find_readable(ctx, project_id).await?;
    policy::require_coordinator(ctx.db, ctx.caller, project_id).await?;
    let person = actor(ctx)?;
    let code = parse_code(&input.code)?;
    let title = name_text("title", &input.title, TITLE_MAX)?;
    let original_locale = match &input.original_locale {
        Some(raw) => ctx.content_locale("originalLocale", raw)?,
        None => project.original_locale.clone(),
    };
    let responsible = match &input.responsible_organisation_id {
        Some(id) => Some(responsible_participant(ctx, project_id, id).await?),
        None => None,
    };
    let now = Utc::now();
    let id = Uuid::now_v7();
    let txn = crate::db::begin_write(ctx.db).await?;
    let created = deliverable::ActiveModel {
        id: Set(id),
        project_id: Set(project_id),
        code: Set(code.clone()),
        title: Set(title.clone()),
        original_locale: Set(original_locale),
        due_on: Set(input.due_on.map(|d| d.0)),
        status: Set(DeliverableStatus::Planned),
        responsible_organisation_id: Set(responsible),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(crate::db::on_unique(crate::db::DELIVERABLE_CODE, || {
        ApiError::invalid("code", "deliverable-code-taken")
    }))?;
    let entry = activity::record(
        &txn,
        Entry {
            project_id,
            actor: Some(person),
            verb: "deliverable.created",
            object_type: "Deliverable",
            object_id: Some(id),
            data: json!({ "code": code, "title": title }),
        },
    )
    .await?;
    commit(ctx, txn, vec![entry]).await?;
    Ok(created)
}

/// Changes a deliverable (coordinators, and contributors of the responsible organisation).
pub async fn update_deliverable(
    ctx: &Ctx<'_>,
    input: UpdateDeliverableInput,
) -> ApiResult<deliverable::Model> {
    let current = find_deliverable(ctx, "input.id", &input.id).await?;
    policy::require_deliverable_editor(ctx.db, ctx.caller, &current).await?;
    let person = actor(ctx)?;
    let mut change = <deliverable::ActiveModel as Default>::default();
    if let Some(title) = &input.title {
        change.title = Set(name_text("title", title, TITLE_MAX)?);
    }
    match &input.due_on {
        MaybeUndefined::Value(d) => change.due_on = Set(Some(d.0)),
        MaybeUndefined::Null => change.due_on = Set(None),
        MaybeUndefined::Undefined => {}
    }
    match &input.responsible_organisation_id {
        MaybeUndefined::Value(id) => {
            policy::require_coordinator(ctx.db, ctx.caller, current.project_id).await?;
            change.responsible_organisation_id =
                Set(Some(responsible_participant(ctx, current.project_id, id).await?));
        }
        MaybeUndefined::Null => {
            policy::require_coordinator(ctx.db, ctx.caller, current.project_id).await?;
            change.responsible_organisation_id = Set(None);
        }
        MaybeUndefined::Undefined => {}
    }
    let txn = crate::db::begin_write(ctx.db).await?;
    let updated =
        crate::db::versioned_update(&txn, DELIVERABLE, current.id, input.expected_version, change).await?;
    let entry = activity::record(
        &txn,
        Entry {
            project_id: current.project_id,
            actor: Some(person),
            verb: "deliverable.updated",
            object_type: "Deliverable",
            object_id: Some(current.id),
            data: json!({ "code": updated.code }),
        },
    )
    .await?;
    commit(ctx, txn, vec![entry]).await?;
    Ok(updated)
}

/// Moves a deliverable PLANNED → IN_PROGRESS → SUBMITTED → ACCEPTED (or
/// back from SUBMITTED to IN_PROGRESS).
pub async fn change_deliverable_status(
    ctx: &Ctx<'_>,
    id: ID,
    status: DeliverableStatus,
) -> ApiResult<deliverable::Model> {
    let current = find_deliverable(ctx, "id", &id).await?;
    policy::require_deliverable_editor(ctx.db, ctx.caller, &current).await?;
    let person = actor(ctx)?;
    if status == DeliverableStatus::Accepted {
        // Accepting is the coordinators' call, not the contributors'.
        policy::require_coordinator(ctx.db, ctx.caller, current.project_id).await?;
    }
    let from = current.status;
    if !from.can_become(status) {
        return Err(
            ApiError::invalid("status", "deliverable-status-transition-invalid")
                .arg("from", ctx.t(&from.label_id()))
                .arg("to", ctx.t(&status.label_id())),
        );
    }
    let change = deliverable::ActiveModel {
        status: Set(status),
        ..Default::default()
    };
    let txn = crate::db::begin_write(ctx.db).await?;
    let updated = crate::db::versioned_update(&txn, DELIVERABLE, current.id, current.version, change).await?;
    let entry = activity::record(
        &txn,
        Entry {
            project_id: current.project_id,
            actor: Some(person),
            verb: "deliverable.status_changed",
            object_type: "Deliverable",
            object_id: Some(current.id),
            data: json!({ "code": updated.code, "status": status.label_id() }),
        },
    )
    .await?;
    commit(ctx, txn, vec![entry]).await?;
    Ok(updated)
}

/// Links a document the caller may change to a deliverable (coordinators
/// and contributors). Participants can then read it.
pub async fn link_document_to_deliverable(
    ctx: &Ctx<'_>,
    deliverable_id: ID,
    document_id: ID,
) -> ApiResult<deliverable::Model> {
    let deliverable = find_deliverable(ctx, "deliverableId", &deliverable_id).await?;
    policy::require_contributor(ctx.db, ctx.caller, deliverable.project_id).await?;
    let person = actor(ctx)?;
    let document = linkable_document(ctx, &document_id).await?;
    let txn = crate::db::begin_write(ctx.db).await?;
    let exists = deliverable_document::Entity::find()
        .filter(deliverable_document::Column::DeliverableId.eq(deliverable.id))
        .filter(deliverable_document::Column::DocumentId.eq(document.id))
        .count(&txn)
        .await?;
    let mut entries = Vec::new();
    if exists == 0 {
        deliverable_document::ActiveModel {
            deliverable_id: Set(deliverable.id),
            document_id: Set(document.id),
            created_at: Set(Utc::now()),
        }
        .insert(&txn)
        .await?;
        entries.push(
            activity::record(
                &txn,
                Entry {
                    project_id: deliverable.project_id,
                    actor: Some(person),
                    verb: "deliverable.document_linked",
                    object_type: "Document",
                    object_id: Some(document.id),
                    data: json!({ "code": deliverable.code, "document": document.title }),
                },
            )
            .await?,
        );
    }
    commit(ctx, txn, entries).await?;
    Ok(deliverable)
}

/// Adds a milestone (coordinators).
pub async fn create_milestone(ctx: &Ctx<'_>, input: CreateMilestoneInput) -> ApiResult<milestone::Model> {
    let project_id = parse_id("input.projectId", input.project_id.as_str())?;
    find_readable(ctx, project_id).await?;
    policy::require_coordinator(ctx.db, ctx.caller, project_id).await?;
    let person = actor(ctx)?;
    let title = name_text("title", &input.title, TITLE_MAX)?;
    let id = Uuid::now_v7();
    let txn = crate::db::begin_write(ctx.db).await?;
    let created = milestone::ActiveModel {
        id: Set(id),
        project_id: Set(project_id),
        title: Set(title.clone()),
        due_on: Set(input.due_on.0),
        reached_on: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    let entry = activity::record(
        &txn,
        Entry {
            project_id,
            actor: Some(person),
            verb: "milestone.created",
            object_type: "Milestone",
            object_id: Some(id),
            data: json!({ "title": title, "date": input.due_on.0.to_string() }),
        },
    )
    .await?;
    commit(ctx, txn, vec![entry]).await?;
    Ok(created)
}

/// Marks a milestone as reached, today unless another date is given (coordinators).
pub async fn mark_milestone_reached(
    ctx: &Ctx<'_>,
    id: ID,
    reached_on: Option<Date>,
) -> ApiResult<milestone::Model> {
    let id = parse_id("id", id.as_str())?;
    let found = milestone::Entity::find_by_id(id)
        .one(ctx.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    find_readable(ctx, found.project_id).await?;
    policy::require_coordinator(ctx.db, ctx.caller, found.project_id).await?;
    let person = actor(ctx)?;
    let day = reached_on.map_or_else(|| Utc::now().date_naive(), |d| d.0);
    let txn = crate::db::begin_write(ctx.db).await?;
    let mut active: milestone::ActiveModel = found.clone().into();
    active.reached_on = Set(Some(day));
    let updated = active.update(&txn).await?;
    let entry = activity::record(
        &txn,
        Entry {
            project_id: found.project_id,
            actor: Some(person),
            verb: "milestone.reached",
            object_type: "Milestone",
            object_id: Some(id),
            data: json!({ "title": found.title, "date": day.to_string() }),
        },
    )
    .await?;
    commit(ctx, txn, vec![entry]).await?;
    Ok(updated)
}
