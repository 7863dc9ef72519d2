//! A project's participants (organisations) and members (people).

use async_graphql::ID;
use chrono::Utc;
use sammen_entities::{person, project, project_member, project_participant};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use crate::activity::{self, Entry};
use crate::auth::policy;
use crate::context::Ctx;
use crate::domain::*;
use crate::error::{ApiError, ApiResult};

use super::*;

/// Adds an organisation to a project (coordinators).
pub async fn add_project_participant(
    ctx: &Ctx<'_>,
    project_id: ID,
    organisation_id: ID,
    role: ParticipantRole,
) -> ApiResult<project::Model> {
    let project_id = parse_id("projectId", project_id.as_str())?;
    let project = find_readable(ctx, project_id).await?;
    policy::require_coordinator(ctx.db, ctx.caller, project_id).await?;
    let person = actor(ctx)?;
    let organisation_id = parse_id("organisationId", organisation_id.as_str())?;
    let organisation = crate::organisations::find_visible(ctx.caller, organisation_id, ctx.db)
        .await
        .map_err(|e| e.with_field("organisationId"))?;
    let txn = crate::db::begin_write(ctx.db).await?;
    project_participant::ActiveModel {
        project_id: Set(project_id),
        organisation_id: Set(organisation_id),
        role: Set(role),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await
    .map_err(crate::db::on_unique(crate::db::PROJECT_PARTICIPANT, || {
        ApiError::invalid("organisationId", "project-participant-exists")
    }))?;
    let entry = activity::record(
        &txn,
        Entry {
            project_id,
            actor: Some(person),
            verb: "participant.added",
            object_type: "Organisation",
            object_id: Some(organisation_id),
            data: json!({ "organisation": organisation.name, "role": role.label_id() }),
        },
    )
    .await?;
    commit(ctx, txn, vec![entry]).await?;
    Ok(project)
}

/// Removes an organisation from a project (coordinators); never the last COORDINATOR.
pub async fn remove_project_participant(
    ctx: &Ctx<'_>,
    project_id: ID,
    organisation_id: ID,
) -> ApiResult<project::Model> {
    let project_id = parse_id("projectId", project_id.as_str())?;
    let project = find_readable(ctx, project_id).await?;
    policy::require_coordinator(ctx.db, ctx.caller, project_id).await?;
    let person = actor(ctx)?;
    let organisation_id = parse_id("organisationId", organisation_id.as_str())?;
    let txn = crate::db::begin_write(ctx.db).await?;
    lock_project(&txn, project_id).await?;
    let participants = participant_ids(&txn, project_id).await?;
    let Some(leaving) = participants.iter().find(|p| p.organisation_id == organisation_id) else {
        return Err(ApiError::not_found().with_field("organisationId"));
    };
    let coordinators = participants
        .iter()
        .filter(|p| p.role == ParticipantRole::Coordinator)
        .count();
    if leaving.role == ParticipantRole::Coordinator && coordinators <= 1 {
        return Err(ApiError::invalid("organisationId", "project-last-coordinator"));
    }
    // The organisation's people leave with it; a coordinator must remain.
    let members = project_member::Entity::find()
        .filter(project_member::Column::ProjectId.eq(project_id))
        .all(&txn)
        .await?;
    let leaving_people: Vec<Uuid> = person::Entity::find()
        .filter(person::Column::Id.is_in(members.iter().map(|m| m.person_id)))
        .filter(person::Column::OrganisationId.eq(organisation_id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let remaining_coordinators = members
        .iter()
        .filter(|m| m.role == MemberRole::Coordinator && !leaving_people.contains(&m.person_id))
        .count();
    if remaining_coordinators == 0 {
        return Err(ApiError::invalid("organisationId", "project-last-coordinator"));
    }
    project_member::Entity::delete_many()
        .filter(project_member::Column::ProjectId.eq(project_id))
        .filter(project_member::Column::PersonId.is_in(leaving_people))
        .exec(&txn)
        .await?;
    project_participant::Entity::delete_many()
        .filter(project_participant::Column::ProjectId.eq(project_id))
        .filter(project_participant::Column::OrganisationId.eq(organisation_id))
        .exec(&txn)
        .await?;
    let name = sammen_entities::organisation::Entity::find_by_id(organisation_id)
        .one(&txn)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let entry = activity::record(
        &txn,
        Entry {
            project_id,
            actor: Some(person),
            verb: "participant.removed",
            object_type: "Organisation",
            object_id: Some(organisation_id),
            data: json!({ "organisation": name }),
        },
    )
    .await?;
    commit(ctx, txn, vec![entry]).await?;
    Ok(project)
}

/// Adds a person from a participating organisation to a project (coordinators).
pub async fn add_project_member(
    ctx: &Ctx<'_>,
    project_id: ID,
    user_id: ID,
    role: MemberRole,
) -> ApiResult<project::Model> {
    let project_id = parse_id("projectId", project_id.as_str())?;
    let project = find_readable(ctx, project_id).await?;
    policy::require_coordinator(ctx.db, ctx.caller, project_id).await?;
    let person = actor(ctx)?;
    let user_id = parse_id("userId", user_id.as_str())?;
    let joining = person::Entity::find_by_id(user_id)
        .one(ctx.db)
        .await?
        .ok_or_else(|| ApiError::not_found().with_field("userId"))?;
    let participants = participant_ids(ctx.db, project_id).await?;
    let from_participant = joining
        .organisation_id
        .is_some_and(|o| participants.iter().any(|p| p.organisation_id == o));
    if !from_participant {
        return Err(ApiError::invalid("userId", "project-member-not-participant"));
    }
    let txn = crate::db::begin_write(ctx.db).await?;
    project_member::ActiveModel {
        project_id: Set(project_id),
        person_id: Set(user_id),
        role: Set(role),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await
    .map_err(crate::db::on_unique(crate::db::PROJECT_MEMBER, || {
        ApiError::invalid("userId", "project-member-exists")
    }))?;
    let entry = activity::record(
        &txn,
        Entry {
            project_id,
            actor: Some(person),
            verb: "member.added",
            object_type: "User",
            object_id: Some(user_id),
            data: json!({ "person": joining.display_name, "role": role.label_id() }),
        },
    )
    .await?;
    commit(ctx, txn, vec![entry]).await?;
    Ok(project)
}

/// Removes a person from a project (coordinators); never the last COORDINATOR.
pub async fn remove_project_member(ctx: &Ctx<'_>, project_id: ID, user_id: ID) -> ApiResult<project::Model> {
    let project_id = parse_id("projectId", project_id.as_str())?;
    let project = find_readable(ctx, project_id).await?;
    policy::require_coordinator(ctx.db, ctx.caller, project_id).await?;
    let person = actor(ctx)?;
    let user_id = parse_id("userId", user_id.as_str())?;
    let txn = crate::db::begin_write(ctx.db).await?;
    lock_project(&txn, project_id).await?;
    let members = project_member::Entity::find()
        .filter(project_member::Column::ProjectId.eq(project_id))
        .all(&txn)
        .await?;
    let Some(leaving) = members.iter().find(|m| m.person_id == user_id) else {
        return Err(ApiError::not_found().with_field("userId"));
    };
    let coordinators = members
        .iter()
        .filter(|m| m.role == MemberRole::Coordinator)
        .count();
    if leaving.role == MemberRole::Coordinator && coordinators <= 1 {
        return Err(ApiError::invalid("userId", "project-last-coordinator"));
    }
    project_member::Entity::delete_many()
        .filter(project_member::Column::ProjectId.eq(project_id))
        .filter(project_member::Column::PersonId.eq(user_id))
        .exec(&txn)
        .await?;
    let name = person::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .map(|p| p.display_name)
        .unwrap_or_default();
    let entry = activity::record(
        &txn,
        Entry {
            project_id,
            actor: Some(person),
            verb: "member.removed",
            object_type: "User",
            object_id: Some(user_id),
            data: json!({ "person": name }),
        },
    )
    .await?;
    commit(ctx, txn, vec![entry]).await?;
    Ok(project)
}
