//! Changing projects through the API: arguments → `projects` → GraphQL types.

use async_graphql::{Context, ID, Object};

use super::{Deliverable, Milestone, Project};
use crate::domain::{Date, DeliverableStatus, MemberRole, ParticipantRole, ProjectStatus, TranslationStatus};
use crate::error::ApiResult;
use crate::graphql::RequestState;
use crate::projects as changes;
pub use crate::projects::{
    CreateDeliverableInput, CreateMilestoneInput, CreateProjectInput, UpdateDeliverableInput,
    UpdateProjectInput,
};

#[derive(Default)]
pub struct ProjectMutation;

#[Object]
impl ProjectMutation {
    /// Starts a project. The caller's organisation becomes its COORDINATOR
    /// participant and the caller its COORDINATOR member.
    async fn create_project(&self, ctx: &Context<'_>, input: CreateProjectInput) -> ApiResult<Project> {
        let state = RequestState::of(ctx)?;
        Ok(Project(changes::create_project(&state.ctx(), input).await?))
    }

    /// Changes a project (coordinators). CONFLICT when `expectedVersion` is
    /// stale: of two coordinators editing the same version, one wins and the
    /// other is told, never silently overwritten.
    async fn update_project(&self, ctx: &Context<'_>, input: UpdateProjectInput) -> ApiResult<Project> {
        let state = RequestState::of(ctx)?;
        Ok(Project(changes::update_project(&state.ctx(), input).await?))
    }

    /// Moves a project PLANNED → ACTIVE → COMPLETED, or CANCELS it (coordinators).
    async fn change_project_status(
        &self,
        ctx: &Context<'_>,
        id: ID,
        status: ProjectStatus,
    ) -> ApiResult<Project> {
        let state = RequestState::of(ctx)?;
        Ok(Project(
            changes::change_project_status(&state.ctx(), id, status).await?,
        ))
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
        Ok(Project(
            changes::add_project_participant(&state.ctx(), project_id, organisation_id, role).await?,
        ))
    }

    /// Removes an organisation from a project (coordinators); never the last COORDINATOR.
    async fn remove_project_participant(
        &self,
        ctx: &Context<'_>,
        project_id: ID,
        organisation_id: ID,
    ) -> ApiResult<Project> {
        let state = RequestState::of(ctx)?;
        Ok(Project(
            changes::remove_project_participant(&state.ctx(), project_id, organisation_id).await?,
        ))
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
        Ok(Project(
            changes::add_project_member(&state.ctx(), project_id, user_id, role).await?,
        ))
    }

    /// Removes a person from a project (coordinators); never the last COORDINATOR.
    async fn remove_project_member(
        &self,
        ctx: &Context<'_>,
        project_id: ID,
        user_id: ID,
    ) -> ApiResult<Project> {
        let state = RequestState::of(ctx)?;
        Ok(Project(
            changes::remove_project_member(&state.ctx(), project_id, user_id).await?,
        ))
    }

    /// Adds a deliverable (coordinators).
    async fn create_deliverable(
        &self,
        ctx: &Context<'_>,
        input: CreateDeliverableInput,
    ) -> ApiResult<Deliverable> {
        let state = RequestState::of(ctx)?;
        Ok(Deliverable(
            changes::create_deliverable(&state.ctx(), input).await?,
        ))
    }

    /// Changes a deliverable (coordinators, and contributors of the responsible organisation).
    async fn update_deliverable(
        &self,
        ctx: &Context<'_>,
        input: UpdateDeliverableInput,
    ) -> ApiResult<Deliverable> {
        let state = RequestState::of(ctx)?;
        Ok(Deliverable(
            changes::update_deliverable(&state.ctx(), input).await?,
        ))
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
        Ok(Deliverable(
            changes::change_deliverable_status(&state.ctx(), id, status).await?,
        ))
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
        Ok(Deliverable(
            changes::link_document_to_deliverable(&state.ctx(), deliverable_id, document_id).await?,
        ))
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
        Ok(Project(
            changes::translate_project(&state.ctx(), id, locale, title, summary, status).await?,
        ))
    }

    /// Links a training material the caller may read to a project (coordinators and contributors).
    async fn link_training_material_to_project(
        &self,
        ctx: &Context<'_>,
        project_id: ID,
        training_material_id: ID,
    ) -> ApiResult<Project> {
        let state = RequestState::of(ctx)?;
        Ok(Project(
            changes::link_training_material_to_project(&state.ctx(), project_id, training_material_id)
                .await?,
        ))
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
        Ok(Project(
            changes::link_document_to_project(&state.ctx(), project_id, document_id).await?,
        ))
    }

    /// Adds a milestone (coordinators).
    async fn create_milestone(&self, ctx: &Context<'_>, input: CreateMilestoneInput) -> ApiResult<Milestone> {
        let state = RequestState::of(ctx)?;
        Ok(Milestone(changes::create_milestone(&state.ctx(), input).await?))
    }

    /// Marks a milestone as reached, today unless another date is given (coordinators).
    async fn mark_milestone_reached(
        &self,
        ctx: &Context<'_>,
        id: ID,
        reached_on: Option<Date>,
    ) -> ApiResult<Milestone> {
        let state = RequestState::of(ctx)?;
        Ok(Milestone(
            changes::mark_milestone_reached(&state.ctx(), id, reached_on).await?,
        ))
    }
}
