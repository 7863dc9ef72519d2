//! Finding projects: the `projects` filter, its SQL condition and the
//! `projects`/`project` queries.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Lookahead, Object};
use sammen_entities::{project, project_participant, project_translation};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, FromQueryResult, JoinType, QueryFilter, QuerySelect, RelationDef,
    Select,
};
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
        let node = crate::graphql::prefetch::connection_nodes(&ctx.look_ahead());
        let locale = translation_locale(state, node.as_ref());
        let (select, total_count) =
            pagination::keyset_select::<project::Entity>(&state.db, &list, condition, &page, count).await?;
        let rows = with_translation(state, select, Some(&page), locale).await?;
        let connection = pagination::keyset_connection(
            rows,
            &list,
            &page,
            total_count,
            |p| (p.id, String::new()),
            Project,
        );
        if let Some(node) = node {
            let page: Vec<_> = connection.edges.iter().map(|edge| &edge.node.0).collect();
            crate::graphql::prefetch::projects(state, &page, &node).await?;
        }
        Ok(connection)
    }

    /// One project; NOT_FOUND when it does not exist or the caller may not read it.
    async fn project(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Project>> {
        let state = RequestState::of(ctx)?;
        let locale = translation_locale(state, Some(&ctx.look_ahead()));
        let select =
            project::Entity::find_by_id(parse_id("id", &id)?).filter(policy::project_read(&state.caller));
        let project = with_translation(state, select, None, locale)
            .await?
            .into_iter()
            .next()
            .ok_or_else(ApiError::not_found)?;
        crate::graphql::prefetch::projects(state, &[&project], &ctx.look_ahead()).await?;
        Ok(Some(Project(project)))
    }
}

/// The reader's first content locale, when `node` shows a project's
/// translated texts and the loaders keep what a page reads: the locale of
/// the translation [`with_translation`] joins.
fn translation_locale(state: &RequestState, node: Option<&Lookahead<'_>>) -> Option<String> {
    let shown = node.is_some_and(|node| {
        ["title", "summary", "resolvedLocale"]
            .iter()
            .any(|name| node.field(name).exists())
    });
    state
        .chain
        .content()
        .next()
        .filter(|_| shown && state.loaders.keeping())
        .map(ToString::to_string)
}

/// The projects `select` reads, each with its translation into `locale`
/// joined in the same statement when given; the translations that decide
/// what the reader is shown are kept ([`crate::graphql::loaders::Decided`]).
async fn with_translation(
    state: &RequestState,
    select: Select<project::Entity>,
    page: Option<&Page>,
    locale: Option<String>,
) -> ApiResult<Vec<project::Model>> {
    let Some(locale) = locale else {
        return Ok(match page {
            Some(page) => {
                pagination::read_page(&state.db, select, page, |row| {
                    project::Model::from_query_result(row, "")
                })
                .await?
            }
            None => select.all(&state.db).await?,
        });
    };
    let key = locale.clone();
    let to_project: RelationDef = project_translation::Entity::belongs_to(project::Entity)
        .from(project_translation::Column::ProjectId)
        .to(project::Column::Id)
        .into();
    let relation = to_project
        .rev()
        .on_condition(move |_, _| Condition::all().add(project_translation::Column::Locale.eq(key.clone())));
    let select = select
        .select_also(project_translation::Entity)
        .join(JoinType::LeftJoin, relation);
    let rows = match page {
        Some(page) => {
            pagination::read_page(&state.db, select, page, |row| {
                Ok((
                    project::Model::from_query_result(row, "A_")?,
                    pagination::joined(row, "B_", "project_id", None)?,
                ))
            })
            .await?
        }
        None => select.all(&state.db).await?,
    };
    let (projects, translations): (Vec<_>, Vec<_>) = rows.into_iter().unzip();
    state.loaders.decided_projects.keep(
        &state.chain,
        Some(&locale),
        projects
            .iter()
            .zip(translations)
            .map(|(p, t)| (p.id, p.original_locale.as_str(), t)),
    );
    Ok(projects)
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
