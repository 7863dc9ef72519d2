//! Organisations: the hub association and its partners, their partnership
//! status and their translatable descriptions.

use async_graphql::connection::Connection;
use async_graphql::{ComplexObject, Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::Utc;
use sammen_entities::{organisation, organisation_translation};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait,
    QueryFilter, Set, SqlErr,
};
use serde_json::json;
use uuid::Uuid;

use super::filters;
use super::pagination::{self, ConnectionTotals, Listing, Page, Sort};
use super::scalars::Date;
use super::{RequestState, parse_id};
use crate::auth::policy;
use crate::domain::{
    CountryCode, Email, LocaleTag, OrganisationKind, PartnershipStatus, Slug, TranslationStatus, WebAddress,
    long_text, name_text,
};
use crate::error::{ApiError, ApiResult};
use crate::events::{Change, NewEvent, changed_fields};
use crate::l10n::content;

const NAME_MAX: usize = 200;
const DESCRIPTION_MAX: usize = 10_000;
const FOCUS_AREAS_MAX: usize = 20;

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

    fn current_digest(&self) -> String {
        content::source_digest(&[&self.0.description])
    }

    fn to_translation(&self, row: organisation_translation::Model) -> OrganisationTranslation {
        OrganisationTranslation {
            locale: row.locale,
            description: row.description,
            status: TranslationStatus::from_db(&row.status).unwrap_or(TranslationStatus::Draft),
            updated_at: row.updated_at,
            source_digest: row.source_digest,
            current_digest: self.current_digest(),
        }
    }

    /// The locale and text of the description for this request's chain.
    async fn resolved(&self, ctx: &Context<'_>) -> ApiResult<(String, String)> {
        let state = RequestState::of(ctx)?;
        let rows = self.translation_rows(ctx).await?;
        let locale = content::resolve_locale(
            &state.chain,
            &self.0.original_locale,
            rows.iter()
                .filter(|r| content::complete(&[(&self.0.description, &r.description)]))
                .map(|r| r.locale.as_str()),
        );
        let text = rows.iter().find(|r| r.locale == locale).map_or_else(
            || self.0.description.clone(),
            |r| content::or_original(&r.description, &self.0.description),
        );
        Ok((locale.to_owned(), text))
    }

    fn parsed_kind(&self) -> OrganisationKind {
        OrganisationKind::from_db(&self.0.kind).unwrap_or(OrganisationKind::Other)
    }

    fn parsed_status(&self) -> PartnershipStatus {
        PartnershipStatus::from_db(&self.0.partnership_status).unwrap_or(PartnershipStatus::Prospect)
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
        let mut out = vec![self.0.original_locale.clone()];
        out.extend(
            self.translation_rows(ctx)
                .await?
                .into_iter()
                .filter(|r| content::complete(&[(&self.0.description, &r.description)]))
                .map(|r| r.locale),
        );
        Ok(out)
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
        pagination::keyset_page::<organisation::Entity, _>(
            &state.db,
            list,
            condition,
            &page,
            count,
            |o| (o.id, o.name.clone()),
            Organisation,
        )
        .await
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
    organisation::Entity::find_by_id(id)
        .filter(policy::organisation_read(&state.caller))
        .one(db)
        .await?
        .ok_or_else(ApiError::not_found)
}

fn string_list(json: &serde_json::Value) -> Vec<String> {
    json.as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn parse_focus_areas(raw: &[String]) -> ApiResult<serde_json::Value> {
    if raw.len() > FOCUS_AREAS_MAX {
        return Err(ApiError::invalid("focusAreas", "input-too-many").arg("max", FOCUS_AREAS_MAX as u64));
    }
    let mut out = Vec::new();
    for item in raw {
        let item = name_text("focusAreas", item, 80)?;
        if !out.contains(&item) {
            out.push(item);
        }
    }
    Ok(serde_json::Value::from(out))
}

/// A new organisation.
#[derive(InputObject)]
pub struct CreateOrganisationInput {
    /// 2–64 of `a-z`, `0-9` and inner `-`; unique.
    pub slug: String,
    pub name: String,
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    pub city: Option<String>,
    pub kind: OrganisationKind,
    pub website: Option<String>,
    pub contact_email: Option<String>,
    /// The description, written in `originalLocale`.
    #[graphql(default)]
    pub description: String,
    /// The locale the description is written in (default en-US).
    pub original_locale: Option<String>,
    /// Defaults to PROSPECT.
    pub partnership_status: Option<PartnershipStatus>,
    pub agreement_date: Option<Date>,
    #[graphql(default)]
    pub focus_areas: Vec<String>,
}

/// Changes to an organisation. Omitted fields stay as they are; `null`
/// clears an optional field.
#[derive(InputObject)]
pub struct UpdateOrganisationInput {
    pub id: ID,
    /// The `version` the change was based on; CONFLICT if the organisation changed since.
    pub expected_version: i32,
    pub slug: Option<String>,
    pub name: Option<String>,
    pub country: Option<String>,
    pub city: MaybeUndefined<String>,
    pub kind: Option<OrganisationKind>,
    pub website: MaybeUndefined<String>,
    pub contact_email: MaybeUndefined<String>,
    /// The description in the original locale; translations become OUTDATED.
    pub description: Option<String>,
    pub agreement_date: MaybeUndefined<Date>,
    pub focus_areas: Option<Vec<String>>,
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
        policy::require_admin(&state.caller)?;
        let slug = Slug::parse("slug", &input.slug)?;
        let name = name_text("name", &input.name, NAME_MAX)?;
        let country = CountryCode::parse("country", &input.country)?;
        let city = input
            .city
            .as_deref()
            .map(|c| name_text("city", c, NAME_MAX))
            .transpose()?;
        let website = input
            .website
            .as_deref()
            .map(|w| WebAddress::parse("website", w))
            .transpose()?;
        let contact_email = input
            .contact_email
            .as_deref()
            .map(|e| Email::parse("contactEmail", e))
            .transpose()?;
        let description = long_text("description", &input.description, DESCRIPTION_MAX)?;
        let original_locale = match &input.original_locale {
            Some(raw) => state.content_locale("originalLocale", raw)?,
            None => crate::l10n::default_locale().to_string(),
        };
        let focus_areas = parse_focus_areas(&input.focus_areas)?;

        // The unique index decides, so two admins racing for a slug get the
        // same field error; a separate check first would only add a window.
        let now = Utc::now();
        let model = organisation::ActiveModel {
            id: Set(Uuid::now_v7()),
            slug: Set(slug.as_str().to_owned()),
            name: Set(name),
            country: Set(country.alpha2().to_owned()),
            city: Set(city),
            kind: Set(input.kind.as_str().to_owned()),
            website: Set(website.map(|w| w.as_str().to_owned())),
            contact_email: Set(contact_email.map(Email::into_string)),
            description: Set(description),
            original_locale: Set(original_locale),
            partnership_status: Set(input
                .partnership_status
                .unwrap_or(PartnershipStatus::Prospect)
                .as_str()
                .to_owned()),
            agreement_date: Set(input.agreement_date.map(|d| d.0)),
            focus_areas: Set(focus_areas),
            is_hub: Set(false),
            archived_at: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        };
        let mut change = Change::begin(&state.db).await?;
        let model = model.insert(change.db()).await.map_err(slug_conflict)?;
        change
            .record(
                NewEvent::new(
                    "organisation.created",
                    "Organisation",
                    model.id,
                    state.caller.person.as_ref(),
                )
                .payload(json!({ "slug": model.slug, "partnershipStatus": model.partnership_status })),
            )
            .await?;
        change.commit(&state.events).await?;
        Ok(Organisation(model))
    }

    /// Changes an organisation's profile (network admins and the organisation's
    /// own admins). CONFLICT when `expectedVersion` is stale.
    async fn update_organisation(
        &self,
        ctx: &Context<'_>,
        input: UpdateOrganisationInput,
    ) -> ApiResult<Organisation> {
        let state = RequestState::of(ctx)?;
        let id = parse_id("input.id", &input.id)?;
        let current = find_visible(state, id, &state.db).await?;
        policy::can_edit_organisation(&state.caller, id)?;

        let mut change = <organisation::ActiveModel as Default>::default();
        if let Some(slug) = &input.slug {
            change.slug = Set(Slug::parse("slug", slug)?.as_str().to_owned());
        }
        if let Some(name) = &input.name {
            change.name = Set(name_text("name", name, NAME_MAX)?);
        }
        if let Some(country) = &input.country {
            change.country = Set(CountryCode::parse("country", country)?.alpha2().to_owned());
        }
        match &input.city {
            MaybeUndefined::Value(city) => change.city = Set(Some(name_text("city", city, NAME_MAX)?)),
            MaybeUndefined::Null => change.city = Set(None),
            MaybeUndefined::Undefined => {}
        }
        if let Some(kind) = input.kind {
            change.kind = Set(kind.as_str().to_owned());
        }
        match &input.website {
            MaybeUndefined::Value(w) => {
                change.website = Set(Some(WebAddress::parse("website", w)?.as_str().to_owned()));
            }
            MaybeUndefined::Null => change.website = Set(None),
            MaybeUndefined::Undefined => {}
        }
        match &input.contact_email {
            MaybeUndefined::Value(e) => {
                change.contact_email = Set(Some(Email::parse("contactEmail", e)?.into_string()));
            }
            MaybeUndefined::Null => change.contact_email = Set(None),
            MaybeUndefined::Undefined => {}
        }
        if let Some(description) = &input.description {
            change.description = Set(long_text("description", description, DESCRIPTION_MAX)?);
        }
        match &input.agreement_date {
            MaybeUndefined::Value(d) => change.agreement_date = Set(Some(d.0)),
            MaybeUndefined::Null => change.agreement_date = Set(None),
            MaybeUndefined::Undefined => {}
        }
        if let Some(areas) = &input.focus_areas {
            change.focus_areas = Set(parse_focus_areas(areas)?);
        }

        let changed = changed_fields(&change);
        let mut write = Change::begin(&state.db).await?;
        if let Some(slug) = input
            .slug
            .as_deref()
            .map(str::trim)
            .filter(|s| *s != current.slug)
        {
            ensure_slug_free(write.db(), slug, Some(id)).await?;
        }
        let updated = versioned_update(write.db(), id, input.expected_version, change).await?;
        write
            .record(
                NewEvent::new(
                    "organisation.updated",
                    "Organisation",
                    id,
                    state.caller.person.as_ref(),
                )
                .payload(json!({ "fields": changed, "version": updated.version })),
            )
            .await?;
        write.commit(&state.events).await?;
        Ok(Organisation(updated))
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
        let current = find_visible(state, id, &state.db).await?;
        policy::require_admin(&state.caller)?;
        let from =
            PartnershipStatus::from_db(&current.partnership_status).unwrap_or(PartnershipStatus::Prospect);
        if !from.can_become(status) {
            return Err(
                ApiError::invalid("status", "organisation-status-transition-invalid")
                    .arg("from", state.t(&from.label_id()))
                    .arg("to", state.t(&status.label_id())),
            );
        }
        let mut change = organisation::ActiveModel {
            partnership_status: Set(status.as_str().to_owned()),
            ..Default::default()
        };
        if status == PartnershipStatus::Agreement && current.agreement_date.is_none() {
            change.agreement_date = Set(Some(Utc::now().date_naive()));
        }
        // The transition was checked against `current`, so the update must
        // apply to exactly that version; a client's newer or older
        // expectation is a conflict, not a licence.
        if let Some(expected) = expected_version
            && expected != current.version
        {
            return Err(ApiError::stale_version(expected, current.version));
        }
        let mut write = Change::begin(&state.db).await?;
        let updated = versioned_update(write.db(), id, current.version, change).await?;
        write
            .record(
                NewEvent::new(
                    "organisation.partnership_status_changed",
                    "Organisation",
                    id,
                    state.caller.person.as_ref(),
                )
                .payload(json!({ "from": from.as_str(), "to": status.as_str(), "version": updated.version })),
            )
            .await?;
        write.commit(&state.events).await?;
        Ok(Organisation(updated))
    }

    /// Archives an organisation: it disappears for everyone but admins (network admins).
    async fn archive_organisation(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Organisation> {
        let state = RequestState::of(ctx)?;
        let id = parse_id("id", &id)?;
        let current = find_visible(state, id, &state.db).await?;
        policy::require_admin(&state.caller)?;
        if current.is_hub {
            return Err(ApiError::invalid("id", "organisation-hub-archive"));
        }
        if current.archived_at.is_some() {
            return Ok(Organisation(current));
        }
        let change = organisation::ActiveModel {
            archived_at: Set(Some(Utc::now())),
            ..Default::default()
        };
        let mut write = Change::begin(&state.db).await?;
        let updated = versioned_update(write.db(), id, current.version, change).await?;
        write
            .record(NewEvent::new(
                "organisation.archived",
                "Organisation",
                id,
                state.caller.person.as_ref(),
            ))
            .await?;
        write.commit(&state.events).await?;
        Ok(Organisation(updated))
    }
}

/// Applies `change` only if the row is still at `expected`, bumping the
/// version in the same statement; otherwise CONFLICT with the current version.
async fn versioned_update(
    db: &impl ConnectionTrait,
    id: Uuid,
    expected: i32,
    change: organisation::ActiveModel,
) -> ApiResult<organisation::Model> {
    let result = organisation::Entity::update_many()
        .set(change)
        .col_expr(
            organisation::Column::Version,
            Expr::col(organisation::Column::Version).add(1),
        )
        .col_expr(organisation::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(organisation::Column::Id.eq(id))
        .filter(organisation::Column::Version.eq(expected))
        .exec(db)
        .await
        .map_err(slug_conflict)?;
    let row = organisation::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if result.rows_affected == 0 {
        return Err(ApiError::stale_version(expected, row.version));
    }
    Ok(row)
}

async fn ensure_slug_free(db: &impl ConnectionTrait, slug: &str, except: Option<Uuid>) -> ApiResult<()> {
    let mut query = organisation::Entity::find().filter(organisation::Column::Slug.eq(slug));
    if let Some(id) = except {
        query = query.filter(organisation::Column::Id.ne(id));
    }
    if query.count(db).await? > 0 {
        return Err(ApiError::invalid("slug", "organisation-slug-taken").arg("slug", slug.to_owned()));
    }
    Ok(())
}

/// A unique-constraint violation on the slug (a race with another insert)
/// is the same field error as the check before it.
fn slug_conflict(error: sea_orm::DbErr) -> ApiError {
    match error.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => ApiError::invalid("slug", "organisation-slug-taken"),
        _ => ApiError::from(error),
    }
}
