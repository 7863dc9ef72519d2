//! Changing projects: every mutation checks the policy, validates its input,
//! writes in one transaction with its activity entry, and publishes that
//! entry once committed.

#[allow(clippy::wildcard_imports, reason = "the parent module's types and helpers")]
use super::*;
use sammen_entities::project_training_material;

const PROJECT: crate::db::Versioned<project::Column> = crate::db::Versioned {
    id: project::Column::Id,
    version: project::Column::Version,
    updated_at: project::Column::UpdatedAt,
};

const DELIVERABLE: crate::db::Versioned<deliverable::Column> = crate::db::Versioned {
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

fn parse_code(raw: &str) -> ApiResult<String> {
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

fn check_dates(starts_on: NaiveDate, ends_on: Option<NaiveDate>) -> ApiResult<()> {
    if ends_on.is_some_and(|end| end < starts_on) {
        return Err(ApiError::invalid("endsOn", "project-ends-before-start"));
    }
    Ok(())
}

/// Commits a transaction, then publishes the activity it wrote.
async fn commit(state: &RequestState, txn: DatabaseTransaction, entries: Vec<event::Model>) -> ApiResult<()> {
    txn.commit().await?;
    state.events.publish(entries);
    Ok(())
}

async fn participant_ids(
    db: &impl ConnectionTrait,
    project_id: Uuid,
) -> ApiResult<Vec<project_participant::Model>> {
    Ok(project_participant::Entity::find()
        .filter(project_participant::Column::ProjectId.eq(project_id))
        .all(db)
        .await?)
}

fn actor(state: &RequestState) -> ApiResult<&person::Model> {
    state.caller.writer()
}

#[derive(Default)]
pub struct ProjectMutation;

#[Object]
impl ProjectMutation {
    /// Starts a project. The caller's organisation becomes its COORDINATOR
    /// participant and the caller its COORDINATOR member.
    async fn create_project(&self, ctx: &Context<'_>, input: CreateProjectInput) -> ApiResult<Project> {
        let state = RequestState::of(ctx)?;
        let person = actor(state)?;
        let organisation = person.organisation_id.ok_or_else(ApiError::forbidden)?;
        let code = parse_code(&input.code)?;
        let title = name_text("title", &input.title, TITLE_MAX)?;
        let summary = long_text("summary", &input.summary, SUMMARY_MAX)?;
        let original_locale = match &input.original_locale {
            Some(raw) => state.content_locale("originalLocale", raw)?,
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
        let txn = crate::db::begin_write(&state.db).await?;
        let created = project::ActiveModel {
            id: Set(id),
            code: Set(code.clone()),
            title: Set(title.clone()),
            summary: Set(summary),
            original_locale: Set(original_locale),
            status: Set(ProjectStatus::Planned.as_str().to_owned()),
            starts_on: Set(input.starts_on.0),
            ends_on: Set(input.ends_on.map(|d| d.0)),
            funding_programme: Set(funding_programme),
            grant_reference: Set(grant_reference),
            budget_minor: Set(budget.map(|(amount, _)| amount)),
            budget_currency: Set(budget.map(|(_, currency)| currency.code().to_owned())),
            visibility: Set(input.visibility.as_str().to_owned()),
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
            role: Set(ParticipantRole::Coordinator.as_str().to_owned()),
            created_at: Set(now),
        }
        .insert(&txn)
        .await?;
        project_member::ActiveModel {
            project_id: Set(id),
            person_id: Set(person.id),
            role: Set(MemberRole::Coordinator.as_str().to_owned()),
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
        commit(state, txn, vec![entry]).await?;
        Ok(Project(created))
    }

    /// Changes a project (coordinators). CONFLICT when `expectedVersion` is
    /// stale: of two coordinators editing the same version, one wins and the
    /// other is told, never silently overwritten.
    async fn update_project(&self, ctx: &Context<'_>, input: UpdateProjectInput) -> ApiResult<Project> {
        let state = RequestState::of(ctx)?;
        let id = parse_id("input.id", &input.id)?;
        let current = find_readable(state, id).await?;
        policy::require_coordinator(&state.db, &state.caller, id).await?;
        let person = actor(state)?;
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
            change.visibility = Set(visibility.as_str().to_owned());
        }
        let txn = crate::db::begin_write(&state.db).await?;
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
        commit(state, txn, vec![entry]).await?;
        Ok(Project(updated))
    }

    /// Moves a project PLANNED → ACTIVE → COMPLETED, or CANCELS it (coordinators).
    async fn change_project_status(
        &self,
        ctx: &Context<'_>,
        id: ID,
        status: ProjectStatus,
    ) -> ApiResult<Project> {
        let state = RequestState::of(ctx)?;
        let id = parse_id("id", &id)?;
        let current = find_readable(state, id).await?;
        policy::require_coordinator(&state.db, &state.caller, id).await?;
        let person = actor(state)?;
        let from = ProjectStatus::from_db(&current.status).unwrap_or(ProjectStatus::Planned);
        if !from.can_become(status) {
            return Err(ApiError::invalid("status", "project-status-transition-invalid")
                .arg("from", state.t(&from.label_id()))
                .arg("to", state.t(&status.label_id())));
        }
        let change = project::ActiveModel {
            status: Set(status.as_str().to_owned()),
            ..Default::default()
        };
        let txn = crate::db::begin_write(&state.db).await?;
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
        commit(state, txn, vec![entry]).await?;
        Ok(Project(updated))
    }

    /// Adds an organisation to a project (coordinators).
    async fn add_project_participant(
        &self,
        ctx: &Context<'_>,
        project_id: ID,
        organisation_id: ID,
        role: ParticipantRole,
    ) -> ApiResult<Project> {
        let state = RequestState::of(ctx)?;
        let project_id = parse_id("projectId", &project_id)?;
        let project = find_readable(state, project_id).await?;
        policy::require_coordinator(&state.db, &state.caller, project_id).await?;
        let person = actor(state)?;
        let organisation_id = parse_id("organisationId", &organisation_id)?;
        let organisation = find_visible_organisation(state, organisation_id, &state.db)
            .await
            .map_err(|e| e.with_field("organisationId"))?;
        let txn = crate::db::begin_write(&state.db).await?;
        project_participant::ActiveModel {
            project_id: Set(project_id),
            organisation_id: Set(organisation_id),
            role: Set(role.as_str().to_owned()),
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
        commit(state, txn, vec![entry]).await?;
        Ok(Project(project))
    }

    /// Removes an organisation from a project (coordinators); never the last COORDINATOR.
    async fn remove_project_participant(
        &self,
        ctx: &Context<'_>,
        project_id: ID,
        organisation_id: ID,
    ) -> ApiResult<Project> {
        let state = RequestState::of(ctx)?;
        let project_id = parse_id("projectId", &project_id)?;
        let project = find_readable(state, project_id).await?;
        policy::require_coordinator(&state.db, &state.caller, project_id).await?;
        let person = actor(state)?;
        let organisation_id = parse_id("organisationId", &organisation_id)?;
        let txn = crate::db::begin_write(&state.db).await?;
        lock_project(&txn, project_id).await?;
        let participants = participant_ids(&txn, project_id).await?;
        let Some(leaving) = participants.iter().find(|p| p.organisation_id == organisation_id) else {
            return Err(ApiError::not_found().with_field("organisationId"));
        };
        let coordinators = participants
            .iter()
            .filter(|p| p.role == ParticipantRole::Coordinator.as_str())
            .count();
        if leaving.role == ParticipantRole::Coordinator.as_str() && coordinators <= 1 {
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
            .filter(|m| m.role == MemberRole::Coordinator.as_str() && !leaving_people.contains(&m.person_id))
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
        commit(state, txn, vec![entry]).await?;
        Ok(Project(project))
    }

    /// Adds a person from a participating organisation to a project (coordinators).
    async fn add_project_member(
        &self,
        ctx: &Context<'_>,
        project_id: ID,
        user_id: ID,
        role: MemberRole,
    ) -> ApiResult<Project> {
        let state = RequestState::of(ctx)?;
        let project_id = parse_id("projectId", &project_id)?;
        let project = find_readable(state, project_id).await?;
        policy::require_coordinator(&state.db, &state.caller, project_id).await?;
        let person = actor(state)?;
        let user_id = parse_id("userId", &user_id)?;
        let joining = person::Entity::find_by_id(user_id)
            .one(&state.db)
            .await?
            .ok_or_else(|| ApiError::not_found().with_field("userId"))?;
        let participants = participant_ids(&state.db, project_id).await?;
        let from_participant = joining
            .organisation_id
            .is_some_and(|o| participants.iter().any(|p| p.organisation_id == o));
        if !from_participant {
            return Err(ApiError::invalid("userId", "project-member-not-participant"));
        }
        let txn = crate::db::begin_write(&state.db).await?;
        project_member::ActiveModel {
            project_id: Set(project_id),
            person_id: Set(user_id),
            role: Set(role.as_str().to_owned()),
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
        commit(state, txn, vec![entry]).await?;
        Ok(Project(project))
    }

    /// Removes a person from a project (coordinators); never the last COORDINATOR.
    async fn remove_project_member(
        &self,
        ctx: &Context<'_>,
        project_id: ID,
        user_id: ID,
    ) -> ApiResult<Project> {
        let state = RequestState::of(ctx)?;
        let project_id = parse_id("projectId", &project_id)?;
        let project = find_readable(state, project_id).await?;
        policy::require_coordinator(&state.db, &state.caller, project_id).await?;
        let person = actor(state)?;
        let user_id = parse_id("userId", &user_id)?;
        let txn = crate::db::begin_write(&state.db).await?;
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
            .filter(|m| m.role == MemberRole::Coordinator.as_str())
            .count();
        if leaving.role == MemberRole::Coordinator.as_str() && coordinators <= 1 {
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
        commit(state, txn, vec![entry]).await?;
        Ok(Project(project))
    }

    /// Adds a deliverable (coordinators).
    async fn create_deliverable(
        &self,
        ctx: &Context<'_>,
        input: CreateDeliverableInput,
    ) -> ApiResult<Deliverable> {
        let state = RequestState::of(ctx)?;
        let project_id = parse_id("input.projectId", &input.project_id)?;
        let project = find_readable(state, project_id).await?;
        policy::require_coordinator(&state.db, &state.caller, project_id).await?;
        let person = actor(state)?;
        let code = parse_code(&input.code)?;
        let title = name_text("title", &input.title, TITLE_MAX)?;
        let original_locale = match &input.original_locale {
            Some(raw) => state.content_locale("originalLocale", raw)?,
            None => project.original_locale.clone(),
        };
        let responsible = match &input.responsible_organisation_id {
            Some(id) => Some(responsible_participant(state, project_id, id).await?),
            None => None,
        };
        let now = Utc::now();
        let id = Uuid::now_v7();
        let txn = crate::db::begin_write(&state.db).await?;
        let created = deliverable::ActiveModel {
            id: Set(id),
            project_id: Set(project_id),
            code: Set(code.clone()),
            title: Set(title.clone()),
            original_locale: Set(original_locale),
            due_on: Set(input.due_on.map(|d| d.0)),
            status: Set(DeliverableStatus::Planned.as_str().to_owned()),
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
        commit(state, txn, vec![entry]).await?;
        Ok(Deliverable(created))
    }

    /// Changes a deliverable (coordinators, and contributors of the responsible organisation).
    async fn update_deliverable(
        &self,
        ctx: &Context<'_>,
        input: UpdateDeliverableInput,
    ) -> ApiResult<Deliverable> {
        let state = RequestState::of(ctx)?;
        let current = find_deliverable(state, "input.id", &input.id).await?;
        policy::require_deliverable_editor(&state.db, &state.caller, &current).await?;
        let person = actor(state)?;
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
                policy::require_coordinator(&state.db, &state.caller, current.project_id).await?;
                change.responsible_organisation_id = Set(Some(
                    responsible_participant(state, current.project_id, id).await?,
                ));
            }
            MaybeUndefined::Null => {
                policy::require_coordinator(&state.db, &state.caller, current.project_id).await?;
                change.responsible_organisation_id = Set(None);
            }
            MaybeUndefined::Undefined => {}
        }
        let txn = crate::db::begin_write(&state.db).await?;
        let updated =
            crate::db::versioned_update(&txn, DELIVERABLE, current.id, input.expected_version, change)
                .await?;
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
        commit(state, txn, vec![entry]).await?;
        Ok(Deliverable(updated))
    }

    /// Moves a deliverable PLANNED → IN_PROGRESS → SUBMITTED → ACCEPTED (or
    /// back from SUBMITTED to IN_PROGRESS).
    async fn change_deliverable_status(
        &self,
        ctx: &Context<'_>,
        id: ID,
        status: DeliverableStatus,
    ) -> ApiResult<Deliverable> {
        let state = RequestState::of(ctx)?;
        let current = find_deliverable(state, "id", &id).await?;
        policy::require_deliverable_editor(&state.db, &state.caller, &current).await?;
        let person = actor(state)?;
        if status == DeliverableStatus::Accepted {
            // Accepting is the coordinators' call, not the contributors'.
            policy::require_coordinator(&state.db, &state.caller, current.project_id).await?;
        }
        let from = DeliverableStatus::from_db(&current.status).unwrap_or(DeliverableStatus::Planned);
        if !from.can_become(status) {
            return Err(
                ApiError::invalid("status", "deliverable-status-transition-invalid")
                    .arg("from", state.t(&from.label_id()))
                    .arg("to", state.t(&status.label_id())),
            );
        }
        let change = deliverable::ActiveModel {
            status: Set(status.as_str().to_owned()),
            ..Default::default()
        };
        let txn = crate::db::begin_write(&state.db).await?;
        let updated =
            crate::db::versioned_update(&txn, DELIVERABLE, current.id, current.version, change).await?;
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
        commit(state, txn, vec![entry]).await?;
        Ok(Deliverable(updated))
    }

    /// Links a document the caller may change to a deliverable (coordinators
    /// and contributors). Participants can then read it.
    async fn link_document_to_deliverable(
        &self,
        ctx: &Context<'_>,
        deliverable_id: ID,
        document_id: ID,
    ) -> ApiResult<Deliverable> {
        let state = RequestState::of(ctx)?;
        let deliverable = find_deliverable(state, "deliverableId", &deliverable_id).await?;
        policy::require_contributor(&state.db, &state.caller, deliverable.project_id).await?;
        let person = actor(state)?;
        let document = linkable_document(state, &document_id).await?;
        let txn = crate::db::begin_write(&state.db).await?;
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
        commit(state, txn, entries).await?;
        Ok(Deliverable(deliverable))
    }

    /// Stores a translation of the title and summary (translators of that locale and admins).
    async fn translate_project(
        &self,
        ctx: &Context<'_>,
        id: ID,
        locale: String,
        title: String,
        summary: String,
        #[graphql(default_with = "TranslationStatus::Draft")] status: TranslationStatus,
    ) -> ApiResult<Project> {
        let state = RequestState::of(ctx)?;
        let project = find_readable(state, parse_id("id", &id)?).await?;
        let locale = state.content_locale("locale", &locale)?;
        policy::can_translate(&state.caller, &locale)?;
        if locale == project.original_locale {
            return Err(ApiError::invalid("locale", "translation-original-locale"));
        }
        let title = name_text("title", &title, TITLE_MAX)?;
        let summary = long_text("summary", &summary, SUMMARY_MAX)?;
        let person = actor(state)?;
        let now = Utc::now();
        let txn = crate::db::begin_write(&state.db).await?;
        project_translation::Entity::delete_many()
            .filter(project_translation::Column::ProjectId.eq(project.id))
            .filter(project_translation::Column::Locale.eq(locale.clone()))
            .exec(&txn)
            .await?;
        project_translation::ActiveModel {
            project_id: Set(project.id),
            locale: Set(locale.clone()),
            title: Set(title),
            summary: Set(summary),
            source_digest: Set(content::source_digest(&[&project.title, &project.summary])),
            status: Set(status.as_str().to_owned()),
            translator_id: Set(Some(person.id)),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
        let event = crate::events::record(
            &txn,
            crate::events::NewEvent::new("translation.saved", "Project", project.id, Some(person))
                .payload(json!({ "locale": locale, "status": status.as_str() })),
        )
        .await?;
        commit(state, txn, vec![event]).await?;
        Ok(Project(project))
    }

    /// Links a training material the caller may read to a project (coordinators and contributors).
    async fn link_training_material_to_project(
        &self,
        ctx: &Context<'_>,
        project_id: ID,
        training_material_id: ID,
    ) -> ApiResult<Project> {
        let state = RequestState::of(ctx)?;
        let project_id = parse_id("projectId", &project_id)?;
        let project = find_readable(state, project_id).await?;
        policy::require_contributor(&state.db, &state.caller, project_id).await?;
        let person = actor(state)?;
        let material_id = parse_id("trainingMaterialId", &training_material_id)?;
        let material = crate::graphql::training::find_readable(state, material_id)
            .await
            .map_err(|e| e.with_field("trainingMaterialId"))?;
        let txn = crate::db::begin_write(&state.db).await?;
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
        commit(state, txn, entries).await?;
        Ok(Project(project))
    }

    /// Links a document the caller may change to a project (coordinators and
    /// contributors). Participants can then read it.
    async fn link_document_to_project(
        &self,
        ctx: &Context<'_>,
        project_id: ID,
        document_id: ID,
    ) -> ApiResult<Project> {
        let state = RequestState::of(ctx)?;
        let project_id = parse_id("projectId", &project_id)?;
        let project = find_readable(state, project_id).await?;
        policy::require_contributor(&state.db, &state.caller, project_id).await?;
        let person = actor(state)?;
        let document = linkable_document(state, &document_id).await?;
        if document.project_id.is_some_and(|p| p != project_id) {
            return Err(ApiError::invalid("documentId", "document-linked-elsewhere"));
        }
        let txn = crate::db::begin_write(&state.db).await?;
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
        commit(state, txn, vec![entry]).await?;
        Ok(Project(project))
    }

    /// Adds a milestone (coordinators).
    async fn create_milestone(&self, ctx: &Context<'_>, input: CreateMilestoneInput) -> ApiResult<Milestone> {
        let state = RequestState::of(ctx)?;
        let project_id = parse_id("input.projectId", &input.project_id)?;
        find_readable(state, project_id).await?;
        policy::require_coordinator(&state.db, &state.caller, project_id).await?;
        let person = actor(state)?;
        let title = name_text("title", &input.title, TITLE_MAX)?;
        let id = Uuid::now_v7();
        let txn = crate::db::begin_write(&state.db).await?;
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
        commit(state, txn, vec![entry]).await?;
        Ok(Milestone(created))
    }

    /// Marks a milestone as reached, today unless another date is given (coordinators).
    async fn mark_milestone_reached(
        &self,
        ctx: &Context<'_>,
        id: ID,
        reached_on: Option<Date>,
    ) -> ApiResult<Milestone> {
        let state = RequestState::of(ctx)?;
        let id = parse_id("id", &id)?;
        let found = milestone::Entity::find_by_id(id)
            .one(&state.db)
            .await?
            .ok_or_else(ApiError::not_found)?;
        find_readable(state, found.project_id).await?;
        policy::require_coordinator(&state.db, &state.caller, found.project_id).await?;
        let person = actor(state)?;
        let day = reached_on.map_or_else(|| Utc::now().date_naive(), |d| d.0);
        let txn = crate::db::begin_write(&state.db).await?;
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
        commit(state, txn, vec![entry]).await?;
        Ok(Milestone(updated))
    }
}

async fn find_deliverable(state: &RequestState, field: &str, id: &ID) -> ApiResult<deliverable::Model> {
    let id = parse_id(field, id)?;
    let found = deliverable::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    find_readable(state, found.project_id).await?;
    Ok(found)
}

/// An organisation that takes part in the project, for `responsibleOrganisationId`.
async fn responsible_participant(state: &RequestState, project_id: Uuid, id: &ID) -> ApiResult<Uuid> {
    let organisation = parse_id("responsibleOrganisationId", id)?;
    let participates = participant_ids(&state.db, project_id)
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
async fn linkable_document(state: &RequestState, id: &ID) -> ApiResult<document::Model> {
    let id = parse_id("documentId", id)?;
    let found = crate::graphql::document::find_readable(state, id, &state.db)
        .await
        .map_err(|e| e.with_field("documentId"))?;
    // Linking opens the document to every participant: that is sharing,
    // which only the owner's people (and admins) may do.
    policy::can_manage_document(&state.caller, &found).map_err(|e| e.with_field("documentId"))?;
    Ok(found)
}

/// Serialises changes to one project's participants and members on
/// PostgreSQL (`SELECT … FOR UPDATE`); SQLite already has one writer at a time.
async fn lock_project(txn: &DatabaseTransaction, project_id: Uuid) -> ApiResult<()> {
    if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        project::Entity::find_by_id(project_id)
            .lock_exclusive()
            .one(txn)
            .await?;
    }
    Ok(())
}
