//! Organisations: adding them to the network, changing their profile,
//! moving a partnership along its lifecycle and archiving, each checked
//! against the policy, validated, written in one transaction with its
//! event.

use async_graphql::{ID, InputObject, MaybeUndefined};
use chrono::Utc;
use sammen_entities::organisation;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::auth::{Caller, policy};
use crate::context::Ctx;
use crate::db::{ORGANISATION_SLUG, Versioned, on_unique};
use crate::domain::{
    CountryCode, Date, Email, OrganisationKind, PartnershipStatus, Slug, WebAddress, long_text, name_text,
    parse_id,
};
use crate::error::{ApiError, ApiResult};
use crate::events::{Change, NewEvent, changed_fields};

pub const NAME_MAX: usize = 200;
pub const DESCRIPTION_MAX: usize = 10_000;
const FOCUS_AREAS_MAX: usize = 20;

const COLUMNS: Versioned<organisation::Column> = Versioned {
    id: organisation::Column::Id,
    version: organisation::Column::Version,
    updated_at: organisation::Column::UpdatedAt,
};

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

/// Adds an organisation to the network (network admins).
pub async fn create(ctx: &Ctx<'_>, input: CreateOrganisationInput) -> ApiResult<organisation::Model> {
    policy::require_admin(ctx.caller)?;
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
        Some(raw) => ctx.content_locale("originalLocale", raw)?,
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
        kind: Set(input.kind),
        website: Set(website.map(|w| w.as_str().to_owned())),
        contact_email: Set(contact_email.map(Email::into_string)),
        description: Set(description),
        original_locale: Set(original_locale),
        partnership_status: Set(input.partnership_status.unwrap_or(PartnershipStatus::Prospect)),
        agreement_date: Set(input.agreement_date.map(|d| d.0)),
        focus_areas: Set(focus_areas),
        is_hub: Set(false),
        archived_at: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let mut change = Change::begin(ctx.db).await?;
    let model = model
        .insert(change.db())
        .await
        .map_err(on_unique(ORGANISATION_SLUG, slug_taken))?;
    change
        .record(
            NewEvent::new("organisation.created", "Organisation", model.id, ctx.actor())
                .payload(json!({ "slug": model.slug, "partnershipStatus": model.partnership_status })),
        )
        .await?;
    change.commit(ctx.events).await?;
    Ok(model)
}

/// Changes an organisation's profile (network admins and the organisation's
/// own admins). CONFLICT when `expectedVersion` is stale.
pub async fn update(ctx: &Ctx<'_>, input: UpdateOrganisationInput) -> ApiResult<organisation::Model> {
    let id = parse_id("input.id", &input.id)?;
    let current = find_visible(ctx.caller, id, ctx.db).await?;
    policy::can_edit_organisation(ctx.caller, id)?;

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
        change.kind = Set(kind);
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
    let mut write = Change::begin(ctx.db).await?;
    if let Some(slug) = input
        .slug
        .as_deref()
        .map(str::trim)
        .filter(|s| *s != current.slug)
    {
        ensure_slug_free(write.db(), slug, Some(id)).await?;
    }
    let updated = crate::db::versioned_update_or(
        write.db(),
        COLUMNS,
        id,
        input.expected_version,
        change,
        on_unique(ORGANISATION_SLUG, slug_taken),
    )
    .await?;
    write
        .record(
            NewEvent::new("organisation.updated", "Organisation", id, ctx.actor())
                .payload(json!({ "fields": changed, "version": updated.version })),
        )
        .await?;
    write.commit(ctx.events).await?;
    Ok(updated)
}

/// Moves a partnership along PROSPECT → IN_DIALOGUE → AGREEMENT → ACTIVE ⇄
/// PAUSED, or ENDS it (network admins). Other moves are BAD_USER_INPUT.
pub async fn change_partnership_status(
    ctx: &Ctx<'_>,
    id: Uuid,
    status: PartnershipStatus,
    expected_version: Option<i32>,
) -> ApiResult<organisation::Model> {
    let current = find_visible(ctx.caller, id, ctx.db).await?;
    policy::require_admin(ctx.caller)?;
    let from = current.partnership_status;
    if !from.can_become(status) {
        return Err(
            ApiError::invalid("status", "organisation-status-transition-invalid")
                .arg("from", ctx.t(&from.label_id()))
                .arg("to", ctx.t(&status.label_id())),
        );
    }
    let mut change = organisation::ActiveModel {
        partnership_status: Set(status),
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
    let mut write = Change::begin(ctx.db).await?;
    let updated = crate::db::versioned_update(write.db(), COLUMNS, id, current.version, change).await?;
    write
        .record(
            NewEvent::new(
                "organisation.partnership_status_changed",
                "Organisation",
                id,
                ctx.actor(),
            )
            .payload(json!({ "from": from.as_str(), "to": status.as_str(), "version": updated.version })),
        )
        .await?;
    write.commit(ctx.events).await?;
    Ok(updated)
}

/// Archives an organisation: it disappears for everyone but admins (network admins).
pub async fn archive(ctx: &Ctx<'_>, id: Uuid) -> ApiResult<organisation::Model> {
    let current = find_visible(ctx.caller, id, ctx.db).await?;
    policy::require_admin(ctx.caller)?;
    if current.is_hub {
        return Err(ApiError::invalid("id", "organisation-hub-archive"));
    }
    if current.archived_at.is_some() {
        return Ok(current);
    }
    let change = organisation::ActiveModel {
        archived_at: Set(Some(Utc::now())),
        ..Default::default()
    };
    let mut write = Change::begin(ctx.db).await?;
    let updated = crate::db::versioned_update(write.db(), COLUMNS, id, current.version, change).await?;
    write
        .record(NewEvent::new(
            "organisation.archived",
            "Organisation",
            id,
            ctx.actor(),
        ))
        .await?;
    write.commit(ctx.events).await?;
    Ok(updated)
}

/// Loads an organisation the caller may see, or NOT_FOUND.
pub async fn find_visible(
    caller: &Caller,
    id: Uuid,
    db: &impl ConnectionTrait,
) -> ApiResult<organisation::Model> {
    organisation::Entity::find_by_id(id)
        .filter(policy::organisation_read(caller))
        .one(db)
        .await?
        .ok_or_else(ApiError::not_found)
}

fn parse_focus_areas(raw: &[String]) -> ApiResult<sammen_entities::list::StringList> {
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
    Ok(sammen_entities::list::StringList(out))
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
fn slug_taken() -> ApiError {
    ApiError::invalid("slug", "organisation-slug-taken")
}
