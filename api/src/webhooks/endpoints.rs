//! What partners do with their webhook endpoints: the operations behind
//! `createWebhookEndpoint`, `updateWebhookEndpoint`, `rotateWebhookSecret`,
//! `deleteWebhookEndpoint`, `redeliverWebhook` and `sendTestWebhook`. Each
//! is one change with its event (`webhook_endpoint.…`); none of those
//! events is itself delivered by webhook.

use async_graphql::InputObject;
use chrono::{DateTime, Duration, Utc};
use sammen_entities::{organisation, webhook_delivery, webhook_endpoint, webhook_subscription};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use url::Url;
use uuid::Uuid;

use super::{EVENT_TYPES, TEST_EVENT, new_delivery, signing};
use crate::auth::policy;
use crate::context::Ctx;
use crate::domain::WebhookDeliveryStatus;
use crate::domain::long_text;
use crate::error::{ApiError, ApiResult};
use crate::events::{Change, NewEvent, changed_fields};
use crate::net::{FetchError, NetConfig};

/// Endpoints one organisation may have.
pub const MAX_ENDPOINTS_PER_ORGANISATION: u64 = 20;
/// How long a rotated-out secret keeps signing.
pub const ROTATION_OVERLAP_HOURS: i64 = 24;
const URL_MAX: usize = 2000;
const DESCRIPTION_MAX: usize = 500;

#[derive(InputObject, Debug, Clone)]
pub struct CreateWebhookEndpointInput {
    /// Where deliveries are POSTed: an https URL on the public internet.
    pub url: String,
    /// The event types to receive (see `webhookEventTypes`); at least one.
    pub event_types: Vec<String>,
    pub description: Option<String>,
    /// The language of what the service writes about this endpoint (why it
    /// was disabled, for instance); the caller's language by default.
    pub locale: Option<String>,
    /// The organisation whose events these are (network admins only); the
    /// caller's own by default.
    pub organisation_id: Option<async_graphql::ID>,
}

#[derive(InputObject, Debug, Clone)]
pub struct UpdateWebhookEndpointInput {
    pub id: async_graphql::ID,
    /// The `version` the change was made against (CONFLICT if it moved on).
    pub expected_version: i32,
    pub url: Option<String>,
    /// Replaces the event types received.
    pub event_types: Option<Vec<String>>,
    pub description: Option<String>,
    pub locale: Option<String>,
    /// `true` holds deliveries until `false` again; `false` also re-enables
    /// an endpoint the service disabled.
    pub paused: Option<bool>,
}

/// Creates an endpoint; returns its secret (shown this once) and the row.
pub async fn create(
    ctx: &Ctx<'_>,
    input: CreateWebhookEndpointInput,
) -> ApiResult<(String, webhook_endpoint::Model)> {
    let person = ctx.caller.writer()?;
    let organisation_id = match &input.organisation_id {
        Some(id) => crate::domain::parse_id("organisationId", id)?,
        None => person
            .organisation_id
            .ok_or_else(|| ApiError::invalid("organisationId", "input-required"))?,
    };
    require_manager(ctx, organisation_id).await?;
    let url = check_endpoint_url(ctx, &input.url)?;
    let event_types = check_event_types(&input.event_types)?;
    let description = long_text(
        "description",
        input.description.as_deref().unwrap_or(""),
        DESCRIPTION_MAX,
    )?;
    let locale = ctx.interface_locale("locale", input.locale.as_deref())?;
    let (secret, key) = signing::new_secret().map_err(ApiError::internal)?;
    let sealed = secrets(ctx)?.seal(&key).map_err(ApiError::internal)?;
    let now = Utc::now();
    let id = Uuid::now_v7();
    let mut change = Change::begin(ctx.db).await?;
    // Counted under the organisation's row lock (PostgreSQL; SQLite has one
    // writer), so parallel requests cannot pass the limit together.
    if ctx.db.get_database_backend() == sea_orm::DbBackend::Postgres {
        organisation::Entity::find_by_id(organisation_id)
            .lock_exclusive()
            .one(change.db())
            .await?;
    }
    let existing = webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::OrganisationId.eq(organisation_id))
        .count(change.db())
        .await?;
    if existing >= MAX_ENDPOINTS_PER_ORGANISATION {
        change.rollback().await?;
        return Err(ApiError::invalid("organisationId", "webhook-endpoint-limit")
            .arg("max", MAX_ENDPOINTS_PER_ORGANISATION));
    }
    let row = webhook_endpoint::ActiveModel {
        id: Set(id),
        organisation_id: Set(organisation_id),
        url: Set(url),
        description: Set(description),
        locale: Set(locale),
        secret: Set(sealed),
        previous_secret: Set(None),
        previous_secret_until: Set(None),
        paused: Set(false),
        disabled_at: Set(None),
        disabled_reason: Set(None),
        failing_since: Set(None),
        created_by: Set(Some(person.id)),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(change.db())
    .await?;
    subscribe(change.db(), id, &event_types).await?;
    change
        .record(
            NewEvent::new("webhook_endpoint.created", "WebhookEndpoint", id, Some(person)).payload(json!({
                "organisationId": organisation_id,
                "eventTypes": event_types,
            })),
        )
        .await?;
    change.commit(ctx.events).await?;
    Ok((secret, row))
}

/// Changes an endpoint's URL, event types, description or locale, pauses
/// or resumes it.
pub async fn update(ctx: &Ctx<'_>, input: UpdateWebhookEndpointInput) -> ApiResult<webhook_endpoint::Model> {
    ctx.caller.writer()?;
    let id = crate::domain::parse_id("id", &input.id)?;
    let current = managed(ctx, id).await?;
    let mut change = <webhook_endpoint::ActiveModel as Default>::default();
    if let Some(url) = &input.url {
        change.url = Set(check_endpoint_url(ctx, url)?);
    }
    let event_types = input.event_types.as_deref().map(check_event_types).transpose()?;
    if let Some(description) = &input.description {
        change.description = Set(long_text("description", description, DESCRIPTION_MAX)?);
    }
    if input.locale.is_some() {
        change.locale = Set(ctx.interface_locale("locale", input.locale.as_deref())?);
    }
    if let Some(paused) = input.paused {
        change.paused = Set(paused);
        if !paused && current.disabled_at.is_some() {
            change.disabled_at = Set(None);
            change.disabled_reason = Set(None);
            change.failing_since = Set(None);
        }
    }
    let mut fields = changed_fields(&change);
    if event_types.is_some() {
        fields.push("eventTypes".into());
    }
    let columns = crate::db::Versioned {
        id: webhook_endpoint::Column::Id,
        version: webhook_endpoint::Column::Version,
        updated_at: webhook_endpoint::Column::UpdatedAt,
    };
    let mut write = Change::begin(ctx.db).await?;
    let row = crate::db::versioned_update(write.db(), columns, id, input.expected_version, change).await?;
    if let Some(event_types) = &event_types {
        webhook_subscription::Entity::delete_many()
            .filter(webhook_subscription::Column::EndpointId.eq(id))
            .exec(write.db())
            .await?;
        subscribe(write.db(), id, event_types).await?;
    }
    write
        .record(
            NewEvent::new("webhook_endpoint.updated", "WebhookEndpoint", id, ctx.actor()).payload(json!({
                "organisationId": row.organisation_id,
                "fields": fields,
                "version": row.version,
            })),
        )
        .await?;
    write.commit(ctx.events).await?;
    Ok(row)
}

/// A new secret; the old one keeps signing beside it for 24 hours.
pub async fn rotate_secret(ctx: &Ctx<'_>, id: Uuid) -> ApiResult<(String, webhook_endpoint::Model)> {
    ctx.caller.writer()?;
    let current = managed(ctx, id).await?;
    let (secret, key) = signing::new_secret().map_err(ApiError::internal)?;
    let sealed = secrets(ctx)?.seal(&key).map_err(ApiError::internal)?;
    let until = Utc::now() + Duration::hours(ROTATION_OVERLAP_HOURS);
    let change = webhook_endpoint::ActiveModel {
        secret: Set(sealed),
        previous_secret: Set(Some(current.secret.clone())),
        previous_secret_until: Set(Some(until)),
        ..Default::default()
    };
    let columns = crate::db::Versioned {
        id: webhook_endpoint::Column::Id,
        version: webhook_endpoint::Column::Version,
        updated_at: webhook_endpoint::Column::UpdatedAt,
    };
    let mut write = Change::begin(ctx.db).await?;
    let row = crate::db::versioned_update(write.db(), columns, id, current.version, change).await?;
    write
        .record(
            NewEvent::new(
                "webhook_endpoint.secret_rotated",
                "WebhookEndpoint",
                id,
                ctx.actor(),
            )
            .payload(json!({ "organisationId": row.organisation_id, "previousSecretUntil": until })),
        )
        .await?;
    write.commit(ctx.events).await?;
    Ok((secret, row))
}

/// Deletes an endpoint with its deliveries.
pub async fn delete(ctx: &Ctx<'_>, id: Uuid) -> ApiResult<Uuid> {
    ctx.caller.writer()?;
    let current = managed(ctx, id).await?;
    let mut write = Change::begin(ctx.db).await?;
    // The endpoint first, then its deliveries: the order a worker's claim
    // locks them in (PostgreSQL; SQLite has one writer).
    if ctx.db.get_database_backend() == sea_orm::DbBackend::Postgres {
        webhook_endpoint::Entity::find_by_id(id)
            .lock_exclusive()
            .one(write.db())
            .await?;
    }
    webhook_delivery::Entity::delete_many()
        .filter(webhook_delivery::Column::EndpointId.eq(id))
        .exec(write.db())
        .await?;
    webhook_subscription::Entity::delete_many()
        .filter(webhook_subscription::Column::EndpointId.eq(id))
        .exec(write.db())
        .await?;
    let deleted = webhook_endpoint::Entity::delete_by_id(id)
        .exec(write.db())
        .await?;
    if deleted.rows_affected == 0 {
        write.rollback().await?;
        return Err(ApiError::not_found());
    }
    write
        .record(
            NewEvent::new("webhook_endpoint.deleted", "WebhookEndpoint", id, ctx.actor())
                .payload(json!({ "organisationId": current.organisation_id })),
        )
        .await?;
    write.commit(ctx.events).await?;
    Ok(id)
}

/// Sends a finished delivery again, as soon as possible, with the same
/// `webhook-id` and a fresh retry schedule. A pending one is refused (it is
/// being sent); a SKIPPED one stays skipped: its organisation could not
/// read the subject.
pub async fn redeliver(ctx: &Ctx<'_>, delivery_id: Uuid) -> ApiResult<webhook_delivery::Model> {
    ctx.caller.writer()?;
    let delivery = webhook_delivery::Entity::find_by_id(delivery_id)
        .filter(policy::webhook_delivery_read(ctx.caller))
        .one(ctx.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let endpoint = managed(ctx, delivery.endpoint_id).await?;
    if delivery.status == WebhookDeliveryStatus::Skipped {
        return Err(ApiError::invalid("deliveryId", "webhook-delivery-skipped"));
    }
    if endpoint.disabled_at.is_some() {
        return Err(ApiError::invalid("deliveryId", "webhook-endpoint-disabled"));
    }
    if delivery.status == WebhookDeliveryStatus::Pending {
        return Err(ApiError::invalid("deliveryId", "webhook-delivery-pending"));
    }
    let mut write = Change::begin(ctx.db).await?;
    let reset = webhook_delivery::Entity::update_many()
        .col_expr(
            webhook_delivery::Column::Status,
            Expr::value(WebhookDeliveryStatus::Pending.as_str()),
        )
        .col_expr(webhook_delivery::Column::Attempts, Expr::value(0))
        .col_expr(
            webhook_delivery::Column::NextAttemptAt,
            Expr::value(Some(Utc::now())),
        )
        .col_expr(
            webhook_delivery::Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            webhook_delivery::Column::ClaimId,
            Expr::value(Option::<Uuid>::None),
        )
        .filter(webhook_delivery::Column::Id.eq(delivery.id))
        .filter(webhook_delivery::Column::Status.ne(WebhookDeliveryStatus::Pending.as_str()))
        .exec(write.db())
        .await?;
    if reset.rows_affected == 0 {
        write.rollback().await?;
        return Err(ApiError::not_found());
    }
    let row = webhook_delivery::Entity::find_by_id(delivery.id)
        .one(write.db())
        .await?
        .ok_or_else(ApiError::not_found)?;
    write
        .record(
            NewEvent::new(
                "webhook_delivery.redelivered",
                "WebhookEndpoint",
                endpoint.id,
                ctx.actor(),
            )
            .payload(json!({ "organisationId": endpoint.organisation_id, "deliveryId": delivery.id })),
        )
        .await?;
    write.commit(ctx.events).await?;
    Ok(row)
}

/// Queues a `webhook.test` delivery to one endpoint.
pub async fn send_test(ctx: &Ctx<'_>, endpoint_id: Uuid) -> ApiResult<webhook_delivery::Model> {
    ctx.caller.writer()?;
    let endpoint = managed(ctx, endpoint_id).await?;
    if endpoint.disabled_at.is_some() {
        return Err(ApiError::invalid("endpointId", "webhook-endpoint-disabled"));
    }
    let mut write = Change::begin(ctx.db).await?;
    let event = write
        .record(
            NewEvent::new(
                "webhook_endpoint.tested",
                "WebhookEndpoint",
                endpoint.id,
                ctx.actor(),
            )
            .payload(json!({ "organisationId": endpoint.organisation_id })),
        )
        .await?;
    let now = Utc::now();
    let row = new_delivery(
        endpoint.id,
        event.id,
        TEST_EVENT,
        "WebhookEndpoint",
        endpoint.id,
        None,
        json!({ "id": endpoint.id, "subjectType": "WebhookEndpoint", "eventId": event.id }),
        event.created_at,
        now,
    )
    .insert(write.db())
    .await?;
    write.commit(ctx.events).await?;
    Ok(row)
}

/// The endpoint `id`, if the caller manages it; NOT_FOUND otherwise.
pub async fn managed(ctx: &Ctx<'_>, id: Uuid) -> ApiResult<webhook_endpoint::Model> {
    webhook_endpoint::Entity::find_by_id(id)
        .filter(policy::webhook_endpoint_read(ctx.caller))
        .one(ctx.db)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// The event types an endpoint receives, A to Z.
pub async fn event_types_of(db: &impl sea_orm::ConnectionTrait, endpoint: Uuid) -> ApiResult<Vec<String>> {
    Ok(webhook_subscription::Entity::find()
        .select_only()
        .column(webhook_subscription::Column::EventType)
        .filter(webhook_subscription::Column::EndpointId.eq(endpoint))
        .order_by_asc(webhook_subscription::Column::EventType)
        .into_tuple()
        .all(db)
        .await?)
}

/// May the caller manage `organisation`'s endpoints? FORBIDDEN if they can
/// see the organisation, NOT_FOUND if they cannot.
async fn require_manager(ctx: &Ctx<'_>, organisation_id: Uuid) -> ApiResult<()> {
    let visible = organisation::Entity::find_by_id(organisation_id)
        .filter(policy::organisation_read(ctx.caller))
        .one(ctx.db)
        .await?;
    match visible {
        None => Err(ApiError::not_found()),
        Some(_) if policy::can_manage_webhooks(ctx.caller, organisation_id) => Ok(()),
        Some(_) => Err(ApiError::forbidden()),
    }
}

fn secrets<'a>(ctx: &Ctx<'a>) -> ApiResult<&'a crate::secrets::SecretBox> {
    ctx.settings
        .secrets
        .as_ref()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("no secret key configured")))
}

async fn subscribe(
    db: &impl sea_orm::ConnectionTrait,
    endpoint: Uuid,
    event_types: &[String],
) -> ApiResult<()> {
    let rows = event_types.iter().map(|t| webhook_subscription::ActiveModel {
        endpoint_id: Set(endpoint),
        event_type: Set(t.clone()),
    });
    webhook_subscription::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

/// Known event types, each once, A to Z; at least one.
fn check_event_types(raw: &[String]) -> ApiResult<Vec<String>> {
    if raw.is_empty() {
        return Err(ApiError::invalid("eventTypes", "input-required"));
    }
    let mut out = Vec::with_capacity(raw.len());
    for name in raw {
        let name = name.trim();
        if !EVENT_TYPES.contains(&name) {
            let shown: String = name.chars().take(60).collect();
            return Err(ApiError::invalid("eventTypes", "webhook-event-type-unknown").arg("value", shown));
        }
        out.push(name.to_owned());
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// An https URL on the public internet (or, with
/// `--webhook-allow-loopback`, http on a loopback address).
fn check_endpoint_url(ctx: &Ctx<'_>, raw: &str) -> ApiResult<String> {
    let raw = raw.trim();
    if raw.chars().count() > URL_MAX {
        return Err(ApiError::invalid("url", "input-too-long").arg("max", URL_MAX as u64));
    }
    let url = Url::parse(raw).map_err(|_| ApiError::invalid("url", "webhook-url-invalid"))?;
    let allow_loopback = ctx.settings.webhooks.webhook_allow_loopback;
    let loopback = crate::net::is_loopback_host(&url);
    if url.scheme() == "http" && !(allow_loopback && loopback) {
        return Err(ApiError::invalid("url", "webhook-url-not-https"));
    }
    let config = NetConfig {
        allow_loopback,
        allow_http: allow_loopback,
        ..NetConfig::default()
    };
    match crate::net::check_url(&url, &config) {
        Ok(()) => Ok(url.to_string()),
        Err(FetchError::NotHttps) => Err(ApiError::invalid("url", "webhook-url-not-https")),
        Err(FetchError::Forbidden) => Err(ApiError::invalid("url", "webhook-url-private")),
        Err(_) => Err(ApiError::invalid("url", "webhook-url-invalid")),
    }
}
