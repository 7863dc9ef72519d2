//! The people, organisations and plan of a project: participants, members,
//! deliverables and milestones.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use sammen_entities::{deliverable, milestone, project_member, project_participant};

use crate::domain::{DeliverableStatus, MemberRole, ParticipantRole};
use crate::error::ApiResult;
use crate::graphql::RequestState;
use crate::graphql::document::Document;
use crate::graphql::organisation::Organisation;
use crate::graphql::person::User;
use crate::graphql::scalars::Date;
use crate::translation;

/// An organisation taking part in a project.
pub struct Participant(pub project_participant::Model);

#[Object]
impl Participant {
    async fn organisation(&self, ctx: &Context<'_>) -> ApiResult<Option<Organisation>> {
        let state = RequestState::of(ctx)?;
        Ok(state
            .loaders
            .visible_organisation(self.0.organisation_id)
            .await?
            .map(Organisation))
    }

    async fn role(&self) -> ParticipantRole {
        self.0.role
    }

    async fn joined_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// A person working on a project.
pub struct Member(pub project_member::Model);

#[Object]
impl Member {
    async fn user(&self, ctx: &Context<'_>) -> ApiResult<Option<User>> {
        let state = RequestState::of(ctx)?;
        Ok(state
            .loaders
            .person
            .load_one(self.0.person_id)
            .await?
            .map(User::new))
    }

    async fn role(&self) -> MemberRole {
        self.0.role
    }
}

/// Something the project promises to deliver (an intellectual output, a report…).
pub struct Deliverable(pub deliverable::Model);

#[Object]
impl Deliverable {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// e.g. `IO3`.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// The title in the best locale of the request's chain.
    async fn title(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(self.resolved(ctx).await?.1)
    }

    /// The locale `title` is in.
    async fn resolved_locale(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(self.resolved(ctx).await?.0)
    }

    async fn original_locale(&self) -> &str {
        &self.0.original_locale
    }

    async fn due_on(&self) -> Option<Date> {
        self.0.due_on.map(Date)
    }

    async fn status(&self) -> DeliverableStatus {
        self.0.status
    }

    async fn status_label(&self, ctx: &Context<'_>) -> ApiResult<String> {
        let status = self.0.status;
        Ok(RequestState::of(ctx)?.t(&status.label_id()))
    }

    /// The organisation responsible for delivering it.
    async fn responsible_organisation(&self, ctx: &Context<'_>) -> ApiResult<Option<Organisation>> {
        let Some(id) = self.0.responsible_organisation_id else {
            return Ok(None);
        };
        let state = RequestState::of(ctx)?;
        Ok(state.loaders.visible_organisation(id).await?.map(Organisation))
    }

    /// Documents that make up the deliverable, as far as the caller may read them.
    #[graphql(complexity = "crate::graphql::cost::list(child_complexity)")]
    async fn documents(&self, ctx: &Context<'_>) -> ApiResult<Vec<Document>> {
        let state = RequestState::of(ctx)?;
        let rows = state
            .loaders
            .deliverable_documents
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(Document).collect())
    }

    async fn version(&self) -> i32 {
        self.0.version
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

impl Deliverable {
    async fn resolved(&self, ctx: &Context<'_>) -> ApiResult<(String, String)> {
        let state = RequestState::of(ctx)?;
        let rows = crate::graphql::loaders::shown_translations(
            &state.loaders.deliverable_translations,
            &state.chain,
            self.0.id,
            &self.0.original_locale,
        )
        .await?;
        let texts = translation::resolve(&state.chain, &self.0, &rows);
        Ok((texts.locale.clone(), texts.text("title")))
    }
}

/// A dated point in a project's plan.
pub struct Milestone(pub milestone::Model);

#[Object]
impl Milestone {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn title(&self) -> &str {
        &self.0.title
    }

    async fn due_on(&self) -> Date {
        Date(self.0.due_on)
    }

    async fn reached_on(&self) -> Option<Date> {
        self.0.reached_on.map(Date)
    }

    async fn reached(&self) -> bool {
        self.0.reached_on.is_some()
    }
}
