//! Finding projects: the `projects` filter, its SQL condition and the
//! `projects`/`project` queries.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object};
use sammen_entities::{project, project_participant};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::Project;
use crate::auth::policy;
use crate::domain::{CountryCode, ProjectStatus};
use crate::error::{ApiError, ApiResult};
use crate::graphql::pagination::{self, ConnectionTotals, Page};
use crate::graphql::scalars::Date;
use crate::graphql::{RequestState, filters, parse_id};

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
        let connection = pagination::keyset_page::<project::Entity, _>(
            &state.db,
            list,
            condition,
            &page,
            count,
            |p| (p.id, String::new()),
            Project,
        )
        .await?;
        if let Some(node) = crate::graphql::prefetch::connection_nodes(&ctx.look_ahead()) {
            let page: Vec<_> = connection.edges.iter().map(|edge| &edge.node.0).collect();
            crate::graphql::prefetch::projects(state, &page, &node).await?;
        }
        Ok(connection)
    }

    /// One project; NOT_FOUND when it does not exist or the caller may not read it.
    async fn project(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Project>> {
        let state = RequestState::of(ctx)?;
        let project = find_readable(state, parse_id("id", &id)?).await?;
        crate::graphql::prefetch::projects(state, &[&project], &ctx.look_ahead()).await?;
        Ok(Some(Project(project)))
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
