//! Joint projects: coordinators run cross-border projects with partners —
//! participants, members, deliverables, milestones, linked documents and an
//! activity log pushed to subscribers.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use sammen_entities::{document, event, project};
use sea_orm::{ColumnTrait, Condition};

use super::RequestState;
use super::document::Document;
use super::money::Money;
use super::pagination::{self, ConnectionTotals, Page};
use super::scalars::Date;
use super::training::TrainingMaterial;
use crate::auth::policy;
use crate::domain::{MemberRole, ProjectStatus, TranslationStatus, Visibility};
use crate::error::{ApiError, ApiResult};
use crate::translation::{self, Translatable};

mod activity;
mod mutation;
mod query;
mod types;

pub use activity::{ActivityEntry, ProjectSubscription};
pub use mutation::{
    CreateDeliverableInput, CreateMilestoneInput, CreateProjectInput, ProjectMutation,
    UpdateDeliverableInput, UpdateProjectInput,
};
pub use query::{ProjectConnection, ProjectFilter, ProjectQuery, find_readable};
pub use types::{Deliverable, Member, Milestone, Participant};

/// A joint project with partners, e.g. an Erasmus+ project.
pub struct Project(pub project::Model);

impl Project {
    async fn resolved(&self, ctx: &Context<'_>) -> ApiResult<(String, String, String)> {
        let state = RequestState::of(ctx)?;
        let rows = super::loaders::deciding_translations(
            &state.loaders.decided_projects,
            &state.loaders.project_translations,
            &state.chain,
            self.0.id,
            &self.0.original_locale,
        )
        .await?;
        let texts = translation::resolve(&state.chain, &self.0, &rows);
        Ok((texts.locale.clone(), texts.text("title"), texts.text("summary")))
    }

    fn parsed_status(&self) -> ProjectStatus {
        self.0.status
    }
}

#[Object]
impl Project {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Short unique code, e.g. `ESPSW-2019`.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// The title in the best locale of the request's chain.
    async fn title(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(self.resolved(ctx).await?.1)
    }

    async fn summary(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(self.resolved(ctx).await?.2)
    }

    /// The locale `title` and `summary` are in.
    async fn resolved_locale(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(self.resolved(ctx).await?.0)
    }

    async fn original_locale(&self) -> &str {
        &self.0.original_locale
    }

    /// Every locale the title and summary exist in, the original first.
    async fn available_locales(&self, ctx: &Context<'_>) -> ApiResult<Vec<String>> {
        let state = RequestState::of(ctx)?;
        let rows = state
            .loaders
            .project_translations
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(self.0.available_locales(&rows))
    }

    /// Translations of the title and summary (the original is not among them).
    #[graphql(complexity = "crate::graphql::cost::list(child_complexity)")]
    async fn translations(&self, ctx: &Context<'_>) -> ApiResult<Vec<ProjectTranslation>> {
        let state = RequestState::of(ctx)?;
        let rows = state
            .loaders
            .project_translations
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        let current = self.0.digest();
        Ok(rows
            .into_iter()
            .map(|row| ProjectTranslation {
                outdated: row.source_digest != current,
                status: row.status,
                locale: row.locale,
                title: row.title,
                summary: row.summary,
                updated_at: row.updated_at,
            })
            .collect())
    }

    async fn status(&self) -> ProjectStatus {
        self.parsed_status()
    }

    /// The status in the reader's language.
    async fn status_label(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(RequestState::of(ctx)?.t(&self.parsed_status().label_id()))
    }

    async fn starts_on(&self) -> Date {
        Date(self.0.starts_on)
    }

    async fn ends_on(&self) -> Option<Date> {
        self.0.ends_on.map(Date)
    }

    /// e.g. `Erasmus+`.
    async fn funding_programme(&self) -> Option<&str> {
        self.0.funding_programme.as_deref()
    }

    async fn grant_reference(&self) -> Option<&str> {
        self.0.grant_reference.as_deref()
    }

    async fn budget(&self) -> Option<Money> {
        match (self.0.budget_minor, &self.0.budget_currency) {
            (Some(amount_minor), Some(currency)) => Some(Money {
                amount_minor,
                currency: currency.clone(),
            }),
            _ => None,
        }
    }

    async fn visibility(&self) -> Visibility {
        self.0.visibility
    }

    /// Organisations taking part, in the order they joined.
    #[graphql(complexity = "crate::graphql::cost::list(child_complexity)")]
    async fn participants(&self, ctx: &Context<'_>) -> ApiResult<Vec<Participant>> {
        let state = RequestState::of(ctx)?;
        let rows = state
            .loaders
            .project_participants
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(Participant).collect())
    }

    /// People working on the project.
    #[graphql(complexity = "crate::graphql::cost::list(child_complexity)")]
    async fn members(&self, ctx: &Context<'_>) -> ApiResult<Vec<Member>> {
        let state = RequestState::of(ctx)?;
        let rows = state
            .loaders
            .project_members
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(Member).collect())
    }

    /// Deliverables, by code.
    #[graphql(complexity = "crate::graphql::cost::list(child_complexity)")]
    async fn deliverables(&self, ctx: &Context<'_>) -> ApiResult<Vec<Deliverable>> {
        let state = RequestState::of(ctx)?;
        let rows = state
            .loaders
            .deliverables
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(Deliverable).collect())
    }

    /// Milestones, by due date.
    #[graphql(complexity = "crate::graphql::cost::list(child_complexity)")]
    async fn milestones(&self, ctx: &Context<'_>) -> ApiResult<Vec<Milestone>> {
        let state = RequestState::of(ctx)?;
        let rows = state
            .loaders
            .milestones
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(Milestone).collect())
    }

    /// Documents linked to the project that the caller may read, newest first.
    #[graphql(complexity = "pagination::complexity(first, child_complexity)")]
    async fn documents(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<Connection<String, Document, ConnectionTotals>> {
        let state = RequestState::of(ctx)?;
        let page = Page::parse(first, after.as_deref())?;
        let condition = Condition::all()
            .add(document::Column::ProjectId.eq(self.0.id))
            .add(policy::document_read(&state.caller));
        let list = pagination::newest_first(document::Column::Id, "project-documents");
        pagination::keyset_page::<document::Entity, _>(
            &state.db,
            list,
            condition,
            &page,
            true,
            |d| (d.id, String::new()),
            Document,
        )
        .await
    }

    /// Training materials linked to the project that the caller may read.
    #[graphql(complexity = "crate::graphql::cost::list(child_complexity)")]
    async fn training_materials(&self, ctx: &Context<'_>) -> ApiResult<Vec<TrainingMaterial>> {
        let state = RequestState::of(ctx)?;
        let rows = state
            .loaders
            .project_training
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(TrainingMaterial).collect())
    }

    /// The activity log, newest first.
    #[graphql(complexity = "pagination::complexity(first, child_complexity)")]
    async fn activity(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<Connection<String, ActivityEntry, ConnectionTotals>> {
        let state = RequestState::of(ctx)?;
        if !policy::is_project_insider(&state.db, &state.caller, self.0.id).await? {
            return Err(ApiError::forbidden());
        }
        let page = Page::parse(first, after.as_deref())?;
        let list = pagination::newest_first(event::Column::Id, "activity");
        let condition = Condition::all().add(event::Column::ProjectId.eq(self.0.id));
        pagination::keyset_page::<event::Entity, _>(
            &state.db,
            list,
            condition,
            &page,
            true,
            |a| (a.id, String::new()),
            |a| ActivityEntry(std::sync::Arc::new(a)),
        )
        .await
    }

    /// The caller's role in the project, if they are a member.
    async fn viewer_role(&self, ctx: &Context<'_>) -> ApiResult<Option<MemberRole>> {
        let state = RequestState::of(ctx)?;
        let Some(person) = &state.caller.person else {
            return Ok(None);
        };
        let members = state
            .loaders
            .project_members
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(members.iter().find(|m| m.person_id == person.id).map(|m| m.role))
    }

    /// Increases with every change; send it back as `expectedVersion`.
    async fn version(&self) -> i32 {
        self.0.version
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// A project's title and summary in one locale other than its original.
#[derive(SimpleObject)]
pub struct ProjectTranslation {
    pub locale: String,
    pub title: String,
    pub summary: String,
    pub status: TranslationStatus,
    /// True when the original changed after this translation was made.
    pub outdated: bool,
    pub updated_at: DateTime<Utc>,
}
