//! Finding training: the `trainingMaterials` filter, its SQL condition and
//! the `trainingMaterials`/`trainingMaterial` queries.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object};
use chrono::Utc;
use sammen_entities::{offering, organisation, training_material, training_translation};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, EntityTrait};
use uuid::Uuid;

use super::TrainingMaterial;
use crate::auth::policy;
use crate::domain::{Audience, CountryCode, DeliveryMode, LocaleTag, OfferingStatus, name_text};
use crate::error::{ApiError, ApiResult};
use crate::graphql::pagination::{self, ConnectionTotals, Page};
use crate::graphql::{RequestState, filters, parse_id};

/// Narrows `trainingMaterials`. Every given field must match.
#[derive(InputObject, Default)]
pub struct TrainingFilter {
    pub audience: Option<Audience>,
    pub eqf_level: Option<i32>,
    pub min_eqf_level: Option<i32>,
    pub max_eqf_level: Option<i32>,
    pub delivery_mode: Option<DeliveryMode>,
    /// A language it is taught in (BCP 47); `en` matches `en-US` too.
    pub language: Option<String>,
    /// Has an offering in this country (ISO 3166-1 alpha-2).
    pub country: Option<String>,
    pub topic: Option<String>,
    pub provider: Option<ID>,
    /// Has a scheduled offering starting today or later.
    pub upcoming: Option<bool>,
    /// Words in the title or summary, in any stored language.
    pub query: Option<String>,
}

pub type TrainingConnection = Connection<String, TrainingMaterial, ConnectionTotals>;

#[derive(Default)]
pub struct TrainingQuery;

#[Object]
impl TrainingQuery {
    /// Training materials the caller may read, newest first.
    #[graphql(complexity = "pagination::complexity(first, child_complexity)")]
    async fn training_materials(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<TrainingFilter>,
    ) -> ApiResult<TrainingConnection> {
        let state = RequestState::of(ctx)?;
        let page = Page::parse(first, after.as_deref())?;
        let condition = training_condition(state, &filter.unwrap_or_default())?;
        let list = pagination::newest_first(training_material::Column::Id, "training");
        let count = ctx.look_ahead().field("totalCount").exists();
        let node = crate::graphql::prefetch::connection_nodes(&ctx.look_ahead());
        // The providers asked for are read with the page, in its statement.
        let providers = node
            .as_ref()
            .is_some_and(|node| node.field("provider").exists() && state.loaders.keeping())
            .then(|| pagination::AlsoOrganisation {
                relation: training_material::Entity::belongs_to(organisation::Entity)
                    .from(training_material::Column::ProviderOrganisationId)
                    .to(organisation::Column::Id)
                    .into(),
                visible: policy::organisation_read(&state.caller),
            });
        let joined = providers.is_some();
        let (connection, providers) =
            pagination::keyset_page_with_organisation::<training_material::Entity, _>(
                &state.db,
                list,
                condition,
                &page,
                count,
                providers,
                |m| (m.id, String::new()),
                TrainingMaterial,
            )
            .await?;
        if let Some(node) = node {
            let page: Vec<_> = connection.edges.iter().map(|edge| &edge.node.0).collect();
            crate::graphql::prefetch::training(state, &page, &node, joined.then_some(providers)).await?;
        }
        Ok(connection)
    }

    /// One training material; NOT_FOUND when it does not exist or the caller may not read it.
    async fn training_material(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<TrainingMaterial>> {
        let state = RequestState::of(ctx)?;
        Ok(Some(TrainingMaterial(
            find_readable(state, parse_id("id", &id)?).await?,
        )))
    }
}

fn eqf(field: &str, level: i32) -> ApiResult<i32> {
    if (1..=8).contains(&level) {
        Ok(level)
    } else {
        Err(ApiError::invalid(field, "training-eqf-invalid"))
    }
}

fn json_contains(
    backend: sea_orm::DbBackend,
    column: training_material::Column,
    needle: &str,
) -> sea_orm::sea_query::SimpleExpr {
    filters::contains_text(
        backend,
        Expr::col((training_material::Entity, column)).cast_as("TEXT"),
        needle,
    )
}

fn training_condition(state: &RequestState, filter: &TrainingFilter) -> ApiResult<Condition> {
    let backend = state.db.get_database_backend();
    let mut condition = Condition::all().add(policy::training_read(&state.caller));
    if let Some(audience) = filter.audience {
        condition = condition.add(json_contains(
            backend,
            training_material::Column::TargetAudiences,
            &format!("\"{}\"", audience.as_str()),
        ));
    }
    if let Some(level) = filter.eqf_level {
        condition = condition.add(training_material::Column::EqfLevel.eq(eqf("filter.eqfLevel", level)?));
    }
    if let Some(level) = filter.min_eqf_level {
        condition = condition.add(training_material::Column::EqfLevel.gte(eqf("filter.minEqfLevel", level)?));
    }
    if let Some(level) = filter.max_eqf_level {
        condition = condition.add(training_material::Column::EqfLevel.lte(eqf("filter.maxEqfLevel", level)?));
    }
    if let Some(mode) = filter.delivery_mode {
        condition = condition.add(training_material::Column::DeliveryMode.eq(mode.as_str()));
    }
    if let Some(language) = &filter.language {
        let tag = LocaleTag::parse("filter.language", language)?.to_tag();
        condition = condition.add(json_contains(
            backend,
            training_material::Column::Languages,
            &format!("\"{tag}"),
        ));
    }
    if let Some(topic) = &filter.topic {
        let topic = name_text("filter.topic", topic, 80)?;
        let quoted = serde_json::to_string(&topic).map_err(ApiError::internal)?;
        condition = condition.add(json_contains(backend, training_material::Column::Topics, &quoted));
    }
    if let Some(provider) = &filter.provider {
        let provider = parse_id("filter.provider", provider)?;
        condition = condition.add(training_material::Column::ProviderOrganisationId.eq(provider));
    }
    let mut offerings = Condition::all();
    let mut need_offering = false;
    if let Some(country) = &filter.country {
        let country = CountryCode::parse("filter.country", country)?;
        offerings = offerings.add(offering::Column::Country.eq(country.alpha2()));
        need_offering = true;
    }
    if filter.upcoming == Some(true) {
        offerings = offerings
            .add(offering::Column::StartsOn.gte(Utc::now().date_naive()))
            .add(offering::Column::Status.eq(OfferingStatus::Scheduled.as_str()));
        need_offering = true;
    }
    if need_offering {
        condition = condition.add(
            training_material::Column::Id.in_subquery(
                Query::select()
                    .column(offering::Column::TrainingMaterialId)
                    .from(offering::Entity)
                    .cond_where(offerings)
                    .to_owned(),
            ),
        );
    }
    if let Some(query) = filter.query.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        if query.chars().count() > 200 {
            return Err(ApiError::invalid("filter.query", "input-too-long").arg("max", 200u64));
        }
        for word in query.split_whitespace().take(8) {
            let translated = Query::select()
                .column(training_translation::Column::TrainingMaterialId)
                .from(training_translation::Entity)
                .cond_where(
                    Condition::any()
                        .add(filters::contains_text(
                            backend,
                            Expr::col((training_translation::Entity, training_translation::Column::Title)),
                            word,
                        ))
                        .add(filters::contains_text(
                            backend,
                            Expr::col((
                                training_translation::Entity,
                                training_translation::Column::Summary,
                            )),
                            word,
                        )),
                )
                .to_owned();
            condition = condition.add(
                Condition::any()
                    .add(filters::contains_text(
                        backend,
                        Expr::col((training_material::Entity, training_material::Column::Title)),
                        word,
                    ))
                    .add(filters::contains_text(
                        backend,
                        Expr::col((training_material::Entity, training_material::Column::Summary)),
                        word,
                    ))
                    .add(training_material::Column::Id.in_subquery(translated)),
            );
        }
    }
    Ok(condition)
}

/// Loads a training material the caller may read, or NOT_FOUND.
pub async fn find_readable(state: &RequestState, id: Uuid) -> ApiResult<training_material::Model> {
    crate::training::changes::find_readable(&state.caller, id, &state.db).await
}
