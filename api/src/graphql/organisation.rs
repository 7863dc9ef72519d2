//! Organisations: the hub association and its partners, their partnership
//! status and their translatable descriptions.

use async_graphql::connection::Connection;
use async_graphql::{ComplexObject, Context, ID, InputObject, Object, SimpleObject};
use chrono::Utc;
use sammen_entities::{organisation, organisation_translation};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::filters;
use super::pagination::{self, ConnectionTotals, Listing, Page, Sort};
use super::scalars::Date;
use super::{RequestState, parse_id};
use crate::auth::policy;
use crate::domain::string_list;
use crate::domain::{CountryCode, LocaleTag, OrganisationKind, PartnershipStatus, TranslationStatus};
use crate::error::{ApiError, ApiResult};
use crate::organisations::{self, CreateOrganisationInput, UpdateOrganisationInput};
use crate::translation::{self, Translatable};

/// An organisation in the network: the hub association or a partner.
pub struct Organisation(pub organisation::Model);

/// An organisation's description in one locale other than its original.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct OrganisationTranslation {
    /// BCP 47 tag, e.g. `nb-NO`.
    pub locale: String,
    pub description: String,
    /// DRAFT until a second translator has reviewed it.
    pub status: TranslationStatus,
    pub updated_at: chrono::DateTime<Utc>,
    #[graphql(skip)]
    source_digest: String,
    #[graphql(skip)]
    current_digest: String,
}

#[ComplexObject]
impl OrganisationTranslation {
    /// True when the original description changed after this translation was made.
    async fn outdated(&self) -> bool {
        self.source_digest != self.current_digest
    }
}

impl Organisation {
    async fn translation_rows(&self, ctx: &Context<'_>) -> ApiResult<Vec<organisation_translation::Model>> {
        let state = RequestState::of(ctx)?;
        Ok(state
            .loaders
            .organisation_translations
            .load_one(self.0.id)
            .await?
            .unwrap_or_default())
    }

    fn to_translation(&self, row: organisation_translation::Model) -> OrganisationTranslation {
        OrganisationTranslation {
            locale: row.locale,
            description: row.description,
            status: row.status,
            updated_at: row.updated_at,
            source_digest: row.source_digest,
            current_digest: self.0.digest(),
        }
    }

    /// The locale and text of the description for this request's chain.
    async fn resolved(&self, ctx: &Context<'_>) -> ApiResult<(String, String)> {
        let state = RequestState::of(ctx)?;
        let rows = super::loaders::shown_translations(
            &state.loaders.organisation_translations,
            &state.chain,
            self.0.id,
            &self.0.original_locale,
        )
        .await?;
        let texts = translation::resolve(&state.chain, &self.0, &rows);
        Ok((texts.locale.clone(), texts.text("description")))
    }

    fn parsed_kind(&self) -> OrganisationKind {
        self.0.kind
    }

    fn parsed_status(&self) -> PartnershipStatus {
        self.0.partnership_status
    }
}

#[Object]
impl Organisation {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// URL-safe handle, unique in the network.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    /// ISO 3166-1 alpha-2 country code, e.g. `NO`, `US`, `DK`, `ZA`, `NL`.
    async fn country(&self) -> &str {
        &self.0.country
    }

    async fn city(&self) -> Option<&str> {
        self.0.city.as_deref()
    }

    async fn kind(&self) -> OrganisationKind {
        self.parsed_kind()
    }

    /// The kind in the reader's language.
    async fn kind_label(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(RequestState::of(ctx)?.t(&self.parsed_kind().label_id()))
    }

    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }

    async fn contact_email(&self) -> Option<&str> {
        self.0.contact_email.as_deref()
    }

    /// Where the association's relationship with this organisation stands.
    async fn partnership_status(&self) -> PartnershipStatus {
        self.parsed_status()
    }

    /// The partnership status in the reader's language.
    async fn partnership_status_label(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(RequestState::of(ctx)?.t(&self.parsed_status().label_id()))
    }

    /// The statuses `changePartnershipStatus` may move this organisation to.
    async fn next_partnership_statuses(&self) -> Vec<PartnershipStatus> {
        self.parsed_status().next().to_vec()
    }

    /// When the partnership agreement was signed.
    async fn agreement_date(&self) -> Option<Date> {
        self.0.agreement_date.map(Date)
    }

    /// Short topics the organisation works on.
    async fn focus_areas(&self) -> Vec<String> {
        string_list(&self.0.focus_areas)
    }

    /// True for the association that runs the network.
    async fn is_hub(&self) -> bool {
        self.0.is_hub
    }

    /// The description in the best locale of the request's chain.
    async fn description(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(self.resolved(ctx).await?.1)
    }

    /// The locale `description` is in.
    async fn resolved_locale(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(self.resolved(ctx).await?.0)
    }

    /// The locale the description was written in.
    async fn original_locale(&self) -> &str {
        &self.0.original_locale
    }

    /// Every locale the description exists in, the original first.
    async fn available_locales(&self, ctx: &Context<'_>) -> ApiResult<Vec<String>> {
        Ok(self.0.available_locales(&self.translation_rows(ctx).await?))
    }

    /// The organisation's people the caller may see, by name (see `people`).
    #[graphql(complexity = "pagination::complexity(first, child_complexity)")]
    async fn people(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<super::person::UserConnection> {
        super::person::organisation_people(ctx, self.0.id, first, after).await
    }

    /// Translations of the description (the original is not among them).
    #[graphql(complexity = "crate::graphql::cost::list(child_complexity)")]
    async fn translations(&self, ctx: &Context<'_>) -> ApiResult<Vec<OrganisationTranslation>> {
        let rows = self.translation_rows(ctx).await?;
        Ok(rows.into_iter().map(|r| self.to_translation(r)).collect())
    }

    /// The translation into one locale, if there is one.
    async fn translation(
        &self,
        ctx: &Context<'_>,
        locale: String,
    ) -> ApiResult<Option<OrganisationTranslation>> {
        let tag = LocaleTag::parse("locale", &locale)?.to_tag();
        let rows = self.translation_rows(ctx).await?;
        Ok(rows
            .into_iter()
            .find(|r| r.locale == tag)
            .map(|r| self.to_translation(r)))
    }

    /// When the organisation was archived; archived organisations are seen by admins only.
    async fn archived_at(&self) -> Option<chrono::DateTime<Utc>> {
        self.0.archived_at
    }

    /// Increases with every change; send it back as `expectedVersion`.
    async fn version(&self) -> i32 {
        self.0.version
    }

    async fn created_at(&self) -> chrono::DateTime<Utc> {
        self.0.created_at
    }

    async fn updated_at(&self) -> chrono::DateTime<Utc> {
        self.0.updated_at
    }
}

/// Narrows `organisations`. Every given field must match.
#[derive(InputObject, Default)]
pub struct OrganisationFilter {
    /// ISO 3166-1 alpha-2 code.
    pub country: Option<String>,
    pub partnership_status: Option<PartnershipStatus>,
    pub kind: Option<OrganisationKind>,
    /// Words to find in the name, slug, city or description (case-insensitive).
    pub query: Option<String>,
    /// Include archived organisations (admins only see them).
    #[graphql(default = false)]
    pub include_archived: bool,
}

/// Orders of `organisations`.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum OrganisationOrderBy {
    /// By name, A to Z.
    #[default]
    Name,
    /// Most recently added first.
    Newest,
}

pub type OrganisationConnection = Connection<String, Organisation, ConnectionTotals>;

#[derive(Default)]
pub struct OrganisationQuery;

#[Object]
impl OrganisationQuery {
    /// Organisations the caller may see: partners with an agreement and the hub
    /// for everyone; prospects for admins and their own members.
    #[graphql(complexity = "pagination::complexity(first, child_complexity)")]
    async fn organisations(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<OrganisationFilter>,
        #[graphql(default)] order_by: OrganisationOrderBy,
    ) -> ApiResult<OrganisationConnection> {
        let state = RequestState::of(ctx)?;
        let page = Page::parse(first, after.as_deref())?;
        let filter = filter.unwrap_or_default();
        let condition = filter_condition(&state.caller, &filter, state.db.get_database_backend())?;

        let list = Listing {
            id: organisation::Column::Id,
            sort: match order_by {
                OrganisationOrderBy::Name => Sort::TextAsc(organisation::Column::Name),
                OrganisationOrderBy::Newest => Sort::NewestFirst,
            },
            order: format!("{order_by:?}"),
        };
        let count = ctx.look_ahead().field("totalCount").exists();
        let connection = pagination::keyset_page::<organisation::Entity, _>(
            &state.db,
            list,
            condition,
            &page,
            count,
            |o| (o.id, o.name.clone()),
            Organisation,
        )
        .await?;
        if let Some(node) = crate::graphql::prefetch::connection_nodes(&ctx.look_ahead()) {
            let page: Vec<_> = connection.edges.iter().map(|edge| &edge.node.0).collect();
            crate::graphql::prefetch::organisations(state, &page, &node).await?;
        }
        Ok(connection)
    }

    /// One organisation; NOT_FOUND when it does not exist or the caller may not see it.
    async fn organisation(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Organisation>> {
        let state = RequestState::of(ctx)?;
        let id = parse_id("id", &id)?;
        Ok(Some(Organisation(find_visible(state, id, &state.db).await?)))
    }

    /// One organisation by its slug.
    async fn organisation_by_slug(&self, ctx: &Context<'_>, slug: String) -> ApiResult<Option<Organisation>> {
        let state = RequestState::of(ctx)?;
        let found = organisation::Entity::find()
            .filter(organisation::Column::Slug.eq(slug.trim().to_ascii_lowercase()))
            .filter(policy::organisation_read(&state.caller))
            .one(&state.db)
            .await?;
        found.map(Organisation).map(Some).ok_or_else(ApiError::not_found)
    }
}

/// The SQL condition for a caller and a filter: the policy first, then the filter.
fn filter_condition(
    caller: &crate::auth::Caller,
    filter: &OrganisationFilter,
    backend: DbBackend,
) -> ApiResult<Condition> {
    let mut condition = Condition::all().add(policy::organisation_read(caller));
    if !filter.include_archived {
        condition = condition.add(organisation::Column::ArchivedAt.is_null());
    }
    if let Some(country) = &filter.country {
        let country = CountryCode::parse("filter.country", country)?;
        condition = condition.add(organisation::Column::Country.eq(country.alpha2()));
    }
    if let Some(status) = filter.partnership_status {
        condition = condition.add(organisation::Column::PartnershipStatus.eq(status.as_str()));
    }
    if let Some(kind) = filter.kind {
        condition = condition.add(organisation::Column::Kind.eq(kind.as_str()));
    }
    if let Some(query) = filter.query.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        if query.chars().count() > 200 {
            return Err(ApiError::invalid("filter.query", "input-too-long").arg("max", 200u64));
        }
        for word in query.split_whitespace().take(8) {
            let mut any = Condition::any();
            for column in [
                organisation::Column::Name,
                organisation::Column::Slug,
                organisation::Column::City,
                organisation::Column::Description,
            ] {
                any = any.add(filters::contains_text(
                    backend,
                    Expr::col((organisation::Entity, column)),
                    word,
                ));
            }
            condition = condition.add(any);
        }
    }
    Ok(condition)
}

/// Loads an organisation the caller may see, or NOT_FOUND.
pub async fn find_visible(
    state: &RequestState,
    id: Uuid,
    db: &impl ConnectionTrait,
) -> ApiResult<organisation::Model> {
    organisations::find_visible(&state.caller, id, db).await
}

#[derive(Default)]
pub struct OrganisationMutation;

#[Object]
impl OrganisationMutation {
    /// Adds an organisation to the network (network admins).
    async fn create_organisation(
        &self,
        ctx: &Context<'_>,
        input: CreateOrganisationInput,
    ) -> ApiResult<Organisation> {
        let state = RequestState::of(ctx)?;
        Ok(Organisation(organisations::create(&state.ctx(), input).await?))
    }

    /// Changes an organisation's profile (network admins and the organisation's
    /// own admins). CONFLICT when `expectedVersion` is stale.
    async fn update_organisation(
        &self,
        ctx: &Context<'_>,
        input: UpdateOrganisationInput,
    ) -> ApiResult<Organisation> {
        let state = RequestState::of(ctx)?;
        Ok(Organisation(organisations::update(&state.ctx(), input).await?))
    }

    /// Moves a partnership along PROSPECT → IN_DIALOGUE → AGREEMENT → ACTIVE ⇄
    /// PAUSED, or ENDS it (network admins). Other moves are BAD_USER_INPUT.
    async fn change_partnership_status(
        &self,
        ctx: &Context<'_>,
        id: ID,
        status: PartnershipStatus,
        expected_version: Option<i32>,
    ) -> ApiResult<Organisation> {
        let state = RequestState::of(ctx)?;
        let id = parse_id("id", &id)?;
        let changed =
            organisations::change_partnership_status(&state.ctx(), id, status, expected_version).await?;
        Ok(Organisation(changed))
    }

    /// Archives an organisation: it disappears for everyone but admins (network admins).
    async fn archive_organisation(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Organisation> {
        let state = RequestState::of(ctx)?;
        let id = parse_id("id", &id)?;
        Ok(Organisation(organisations::archive(&state.ctx(), id).await?))
    }
}
