//! Joint projects: coordinators run cross-border projects with partners —
//! participants, members, deliverables, milestones, linked documents and an
//! activity log pushed to subscribers.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use futures_util::Stream;
use sammen_entities::{
    deliverable, document, event, milestone, project, project_member, project_participant,
};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::document::Document;
use super::money::Money;
use super::organisation::Organisation;
use super::pagination::{self, ConnectionTotals, Page};
use super::person::User;
use super::scalars::Date;
use super::training::TrainingMaterial;
use super::{RequestState, filters, parse_id};
use crate::activity::{self};
use crate::auth::policy;
use crate::domain::{
    CountryCode, DeliverableStatus, MemberRole, ParticipantRole, ProjectStatus, TranslationStatus, Visibility,
};
use crate::error::{ApiError, ApiResult};
use crate::l10n::content;

mod mutation;

pub use mutation::{
    CreateDeliverableInput, CreateMilestoneInput, CreateProjectInput, ProjectMutation,
    UpdateDeliverableInput, UpdateProjectInput,
};

/// A joint project with partners, e.g. an Erasmus+ project.
pub struct Project(pub project::Model);

impl Project {
    async fn resolved(&self, ctx: &Context<'_>) -> ApiResult<(String, String, String)> {
        let state = RequestState::of(ctx)?;
        let rows = state
            .loaders
            .project_translations
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        let locale = content::resolve_locale(
            &state.chain,
            &self.0.original_locale,
            rows.iter()
                .filter(|r| content::complete(&[(&self.0.title, &r.title), (&self.0.summary, &r.summary)]))
                .map(|r| r.locale.as_str()),
        );
        Ok(match rows.iter().find(|r| r.locale == locale) {
            Some(row) => (
                locale.to_owned(),
                content::or_original(&row.title, &self.0.title),
                content::or_original(&row.summary, &self.0.summary),
            ),
            None => (locale.to_owned(), self.0.title.clone(), self.0.summary.clone()),
        })
    }

    fn parsed_status(&self) -> ProjectStatus {
        ProjectStatus::from_db(&self.0.status).unwrap_or(ProjectStatus::Planned)
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
        let mut out = vec![self.0.original_locale.clone()];
        out.extend(
            rows.into_iter()
                .filter(|r| content::complete(&[(&self.0.title, &r.title), (&self.0.summary, &r.summary)]))
                .map(|r| r.locale),
        );
        Ok(out)
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
        let current = content::source_digest(&[&self.0.title, &self.0.summary]);
        Ok(rows
            .into_iter()
            .map(|row| ProjectTranslation {
                outdated: row.source_digest != current,
                status: TranslationStatus::from_db(&row.status).unwrap_or(TranslationStatus::Draft),
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
        Visibility::from_db(&self.0.visibility).unwrap_or(Visibility::Private)
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
        Ok(members
            .iter()
            .find(|m| m.person_id == person.id)
            .and_then(|m| MemberRole::from_db(&m.role)))
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

/// An organisation taking part in a project.
pub struct Participant(pub project_participant::Model);

#[Object]
impl Participant {
    async fn organisation(&self, ctx: &Context<'_>) -> ApiResult<Option<Organisation>> {
        let state = RequestState::of(ctx)?;
        Ok(state
            .loaders
            .organisation
            .load_one(self.0.organisation_id)
            .await?
            .map(Organisation))
    }

    async fn role(&self) -> ParticipantRole {
        ParticipantRole::from_db(&self.0.role).unwrap_or(ParticipantRole::Partner)
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
        MemberRole::from_db(&self.0.role).unwrap_or(MemberRole::Viewer)
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
        DeliverableStatus::from_db(&self.0.status).unwrap_or(DeliverableStatus::Planned)
    }

    async fn status_label(&self, ctx: &Context<'_>) -> ApiResult<String> {
        let status = DeliverableStatus::from_db(&self.0.status).unwrap_or(DeliverableStatus::Planned);
        Ok(RequestState::of(ctx)?.t(&status.label_id()))
    }

    /// The organisation responsible for delivering it.
    async fn responsible_organisation(&self, ctx: &Context<'_>) -> ApiResult<Option<Organisation>> {
        let Some(id) = self.0.responsible_organisation_id else {
            return Ok(None);
        };
        let state = RequestState::of(ctx)?;
        Ok(state.loaders.organisation.load_one(id).await?.map(Organisation))
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
        let rows = state
            .loaders
            .deliverable_translations
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        let locale = content::resolve_locale(
            &state.chain,
            &self.0.original_locale,
            rows.iter()
                .filter(|r| content::complete(&[(&self.0.title, &r.title)]))
                .map(|r| r.locale.as_str()),
        );
        Ok(match rows.iter().find(|r| r.locale == locale) {
            Some(row) => (locale.to_owned(), content::or_original(&row.title, &self.0.title)),
            None => (locale.to_owned(), self.0.title.clone()),
        })
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

/// One entry of a project's activity log: an event of the project.
pub struct ActivityEntry(pub std::sync::Arc<event::Model>);

#[Object]
impl ActivityEntry {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// What happened, e.g. `deliverable.status_changed`.
    async fn verb(&self) -> &str {
        &self.0.kind
    }

    async fn actor(&self, ctx: &Context<'_>) -> ApiResult<Option<User>> {
        let Some(id) = self.0.actor_id else {
            return Ok(None);
        };
        let state = RequestState::of(ctx)?;
        Ok(state.loaders.person.load_one(id).await?.map(User::new))
    }

    async fn object_type(&self) -> &str {
        &self.0.subject_type
    }

    async fn object_id(&self) -> Option<ID> {
        Some(ID(self.0.subject_id.to_string()))
    }

    /// What happened, in a sentence in the reader's language.
    async fn summary(&self, ctx: &Context<'_>) -> ApiResult<String> {
        let state = RequestState::of(ctx)?;
        let mut args = fluent_bundle::FluentArgs::new();
        if let serde_json::Value::Object(map) = &self.0.payload {
            for (key, value) in map {
                let text = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
                // Label ids are shown translated.
                let text = if text.starts_with("enum-") {
                    state.t(&text)
                } else {
                    text
                };
                args.set(key.clone(), text);
            }
        }
        Ok(state
            .localizer
            .message(&state.chain, &activity::summary_id(&self.0.kind), Some(&args)))
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// Narrows `projects`. Every given field must match.
#[derive(InputObject, Default)]
pub struct ProjectFilter {
    pub status: Option<ProjectStatus>,
    /// Projects this organisation takes part in.
    pub participant: Option<ID>,
    /// Projects with a participant from this country (ISO 3166-1 alpha-2).
    pub country: Option<String>,
    /// Words in the code, title or summary.
    pub query: Option<String>,
    /// Projects running on this date.
    pub active_on: Option<Date>,
}

pub type ProjectConnection = Connection<String, Project, ConnectionTotals>;

#[derive(Default)]
pub struct ProjectQuery;

#[Object]
impl ProjectQuery {
    /// Projects the caller may read, newest first.
    #[graphql(complexity = "pagination::complexity(first, child_complexity)")]
    async fn projects(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<ProjectFilter>,
    ) -> ApiResult<ProjectConnection> {
        let state = RequestState::of(ctx)?;
        let page = Page::parse(first, after.as_deref())?;
        let condition = project_condition(state, &filter.unwrap_or_default())?;
        let list = pagination::newest_first(project::Column::Id, "projects");
        let count = ctx.look_ahead().field("totalCount").exists();
        pagination::keyset_page::<project::Entity, _>(
            &state.db,
            list,
            condition,
            &page,
            count,
            |p| (p.id, String::new()),
            Project,
        )
        .await
    }

    /// One project; NOT_FOUND when it does not exist or the caller may not read it.
    async fn project(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Project>> {
        let state = RequestState::of(ctx)?;
        Ok(Some(Project(find_readable(state, parse_id("id", &id)?).await?)))
    }
}

fn project_condition(state: &RequestState, filter: &ProjectFilter) -> ApiResult<Condition> {
    let backend = state.db.get_database_backend();
    let mut condition = Condition::all().add(policy::project_read(&state.caller));
    if let Some(status) = filter.status {
        condition = condition.add(project::Column::Status.eq(status.as_str()));
    }
    if let Some(participant) = &filter.participant {
        let organisation = parse_id("filter.participant", participant)?;
        condition = condition.add(
            project::Column::Id.in_subquery(
                Query::select()
                    .column(project_participant::Column::ProjectId)
                    .from(project_participant::Entity)
                    .and_where(project_participant::Column::OrganisationId.eq(organisation))
                    .to_owned(),
            ),
        );
    }
    if let Some(country) = &filter.country {
        let country = CountryCode::parse("filter.country", country)?;
        condition = condition.add(
            project::Column::Id.in_subquery(
                Query::select()
                    .column((
                        project_participant::Entity,
                        project_participant::Column::ProjectId,
                    ))
                    .from(project_participant::Entity)
                    .inner_join(
                        sammen_entities::organisation::Entity,
                        Expr::col((
                            sammen_entities::organisation::Entity,
                            sammen_entities::organisation::Column::Id,
                        ))
                        .equals((
                            project_participant::Entity,
                            project_participant::Column::OrganisationId,
                        )),
                    )
                    .and_where(
                        Expr::col((
                            sammen_entities::organisation::Entity,
                            sammen_entities::organisation::Column::Country,
                        ))
                        .eq(country.alpha2()),
                    )
                    .to_owned(),
            ),
        );
    }
    if let Some(day) = filter.active_on {
        condition = condition.add(project::Column::StartsOn.lte(day.0)).add(
            Condition::any()
                .add(project::Column::EndsOn.is_null())
                .add(project::Column::EndsOn.gte(day.0)),
        );
    }
    if let Some(query) = filter.query.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        if query.chars().count() > 200 {
            return Err(ApiError::invalid("filter.query", "input-too-long").arg("max", 200u64));
        }
        for word in query.split_whitespace().take(8) {
            let mut any = Condition::any();
            for column in [
                project::Column::Code,
                project::Column::Title,
                project::Column::Summary,
            ] {
                any = any.add(filters::contains_text(
                    backend,
                    Expr::col((project::Entity, column)),
                    word,
                ));
            }
            condition = condition.add(any);
        }
    }
    Ok(condition)
}

/// Loads a project the caller may read, or NOT_FOUND.
pub async fn find_readable(state: &RequestState, id: Uuid) -> ApiResult<project::Model> {
    project::Entity::find_by_id(id)
        .filter(policy::project_read(&state.caller))
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)
}

#[derive(Default)]
pub struct ProjectSubscription;

#[Subscription]
impl ProjectSubscription {
    /// New activity in a project, as it happens. NOT_FOUND for a project the
    /// caller may not read.
    async fn project_activity(
        &self,
        ctx: &Context<'_>,
        project_id: ID,
    ) -> Result<impl Stream<Item = ActivityEntry> + use<>, ApiError> {
        let state = RequestState::of(ctx)?;
        let project_id = parse_id("projectId", &project_id)?;
        find_readable(state, project_id).await?;
        if !policy::is_project_insider(&state.db, &state.caller, project_id).await? {
            return Err(ApiError::forbidden());
        }
        let receiver = state.events.subscribe();
        let (db, caller) = (state.db.clone(), state.caller.clone());
        Ok(futures_util::stream::unfold(receiver, move |mut receiver| {
            let (db, caller) = (db.clone(), caller.clone());
            async move {
                loop {
                    match receiver.recv().await {
                        Ok(entry) if entry.project_id == Some(project_id) => {
                            // The connection may outlive the caller's right to
                            // see the project, or their token: check again.
                            let allowed = policy::still_signed_in(&db, &caller).await
                                && policy::is_project_insider(&db, &caller, project_id)
                                    .await
                                    .unwrap_or(false);
                            return allowed.then_some((ActivityEntry(entry), receiver));
                        }
                        Ok(_) => continue,
                        // A slow subscriber missed entries; carry on with the newest.
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                    }
                }
            }
        }))
    }
}
