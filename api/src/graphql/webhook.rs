//! Webhooks in the API: endpoints, their deliveries, the event types, and
//! the mutations of `webhooks::endpoints`.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use sammen_entities::{webhook_delivery, webhook_endpoint};
use sea_orm::{ColumnTrait, Condition};

use super::organisation::Organisation;
use super::pagination::{self, ConnectionTotals, Page};
use super::{RequestState, parse_id};
use crate::auth::policy;
use crate::domain::WebhookDeliveryStatus;
use crate::error::ApiResult;
use crate::webhooks::endpoints::{self, CreateWebhookEndpointInput, UpdateWebhookEndpointInput};
use crate::webhooks::{self, message_id};

/// Where a partner organisation's system hears about changes to what is
/// shared with it. Seen by its organisation's admins and network admins.
pub struct WebhookEndpoint(pub webhook_endpoint::Model);

#[Object]
impl WebhookEndpoint {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The organisation whose rights decide what the endpoint receives.
    async fn organisation(&self, ctx: &Context<'_>) -> ApiResult<Option<Organisation>> {
        let state = RequestState::of(ctx)?;
        Ok(state
            .loaders
            .visible_organisation(self.0.organisation_id)
            .await?
            .map(Organisation))
    }

    async fn url(&self) -> &str {
        &self.0.url
    }

    async fn description(&self) -> &str {
        &self.0.description
    }

    /// The language of what the service writes about this endpoint.
    async fn locale(&self) -> &str {
        &self.0.locale
    }

    /// The event types it receives, A to Z (see `webhookEventTypes`).
    async fn event_types(&self, ctx: &Context<'_>) -> ApiResult<Vec<String>> {
        let state = RequestState::of(ctx)?;
        let rows = state
            .loaders
            .webhook_subscriptions
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(|r| r.event_type).collect())
    }

    /// Paused by its organisation: deliveries wait until it is resumed.
    async fn paused(&self) -> bool {
        self.0.paused
    }

    /// When the service disabled it (410 Gone, or failing for days); resume
    /// it with `updateWebhookEndpoint(input: {paused: false})`.
    async fn disabled_at(&self) -> Option<DateTime<Utc>> {
        self.0.disabled_at
    }

    /// Why it was disabled, in the caller's language.
    async fn disabled_reason(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        let state = RequestState::of(ctx)?;
        Ok(self.0.disabled_reason.as_deref().map(|id| state.t(id)))
    }

    /// Since when every attempt has failed (none while it is healthy).
    async fn failing_since(&self) -> Option<DateTime<Utc>> {
        self.0.failing_since
    }

    /// Until when the secret before the last rotation still signs too.
    async fn previous_secret_expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.previous_secret_until.filter(|until| *until > Utc::now())
    }

    async fn version(&self) -> i32 {
        self.0.version
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// Its deliveries, newest first.
    #[graphql(complexity = "pagination::complexity(first, child_complexity)")]
    async fn deliveries(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<WebhookDeliveryFilter>,
    ) -> ApiResult<WebhookDeliveryConnection> {
        let state = RequestState::of(ctx)?;
        let page = Page::parse(first, after.as_deref())?;
        let mut condition = Condition::all()
            .add(webhook_delivery::Column::EndpointId.eq(self.0.id))
            .add(policy::webhook_delivery_read(&state.caller));
        if let Some(status) = filter.and_then(|f| f.status) {
            condition = condition.add(webhook_delivery::Column::Status.eq(status.as_str()));
        }
        let count = ctx.look_ahead().field("totalCount").exists();
        pagination::keyset_page::<webhook_delivery::Entity, _>(
            &state.db,
            pagination::newest_first(webhook_delivery::Column::Id, "deliveries"),
            condition,
            &page,
            count,
            |d| (d.id, String::new()),
            WebhookDelivery,
        )
        .await
    }
}

#[derive(InputObject, Default)]
pub struct WebhookDeliveryFilter {
    pub status: Option<WebhookDeliveryStatus>,
}

/// One event for one endpoint, and how its attempts went. Response bodies
/// are not kept beyond a short excerpt.
pub struct WebhookDelivery(pub webhook_delivery::Model);

#[Object]
impl WebhookDelivery {
    /// The `webhook-id` of every attempt (`msg_…`): receivers de-duplicate on it.
    async fn id(&self) -> ID {
        ID(message_id(self.0.id))
    }

    /// e.g. `document.updated`, or `webhook.test`.
    async fn event_type(&self) -> &str {
        &self.0.event_type
    }

    /// The kind of thing the event is about, e.g. `Document`.
    async fn subject_type(&self) -> &str {
        &self.0.subject_type
    }

    async fn subject_id(&self) -> ID {
        ID(self.0.subject_id.to_string())
    }

    async fn status(&self) -> WebhookDeliveryStatus {
        self.0.status
    }

    async fn attempts(&self) -> i32 {
        self.0.attempts
    }

    /// The HTTP status of the last answer, if there was one.
    async fn last_status_code(&self) -> Option<i32> {
        self.0.last_status_code
    }

    /// Why the last attempt failed (`HTTP 503`, a timeout, …).
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }

    /// The first few hundred characters of the last answer's body.
    async fn response_excerpt(&self) -> Option<&str> {
        self.0.response_excerpt.as_deref()
    }

    async fn next_attempt_at(&self) -> Option<DateTime<Utc>> {
        self.0.next_attempt_at
    }

    async fn last_attempt_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_attempt_at
    }

    /// When the event happened.
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

pub type WebhookEndpointConnection = Connection<String, WebhookEndpoint, ConnectionTotals>;
pub type WebhookDeliveryConnection = Connection<String, WebhookDelivery, ConnectionTotals>;

/// An event type endpoints may subscribe to.
#[derive(SimpleObject)]
pub struct WebhookEventType {
    /// e.g. `document.updated`: the payload's `type`.
    pub name: String,
    /// What it means, in the caller's language.
    pub description: String,
}

/// `createWebhookEndpoint`'s answer: the secret is shown this once.
#[derive(SimpleObject)]
pub struct CreateWebhookEndpointPayload {
    /// `whsec_…`: verify each delivery's `webhook-signature` with it
    /// (Standard Webhooks). Store it as a secret; it is not shown again.
    pub secret: String,
    pub endpoint: WebhookEndpoint,
}

/// `rotateWebhookSecret`'s answer: the new secret, shown this once.
#[derive(SimpleObject)]
pub struct RotateWebhookSecretPayload {
    pub secret: String,
    pub endpoint: WebhookEndpoint,
}

#[derive(Default)]
pub struct WebhookQuery;

#[Object]
impl WebhookQuery {
    /// The webhook endpoints the caller manages: their organisation's for
    /// its admins, every one for network admins (`organisationId` narrows).
    #[graphql(complexity = "pagination::complexity(first, child_complexity)")]
    async fn webhook_endpoints(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        organisation_id: Option<ID>,
    ) -> ApiResult<WebhookEndpointConnection> {
        let state = RequestState::of(ctx)?;
        let page = Page::parse(first, after.as_deref())?;
        let mut condition = Condition::all().add(policy::webhook_endpoint_read(&state.caller));
        if let Some(organisation) = &organisation_id {
            let organisation = parse_id("organisationId", organisation)?;
            condition = condition.add(webhook_endpoint::Column::OrganisationId.eq(organisation));
        }
        let count = ctx.look_ahead().field("totalCount").exists();
        pagination::keyset_page::<webhook_endpoint::Entity, _>(
            &state.db,
            pagination::newest_first(webhook_endpoint::Column::Id, "webhookEndpoints"),
            condition,
            &page,
            count,
            |e| (e.id, String::new()),
            WebhookEndpoint,
        )
        .await
    }

    /// One endpoint the caller manages.
    async fn webhook_endpoint(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<WebhookEndpoint>> {
        let state = RequestState::of(ctx)?;
        let id = parse_id("id", &id)?;
        match endpoints::managed(&state.ctx(), id).await {
            Ok(row) => Ok(Some(WebhookEndpoint(row))),
            Err(e) if e.code == crate::error::ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The event types an endpoint may receive, with what each means.
    async fn webhook_event_types(&self, ctx: &Context<'_>) -> ApiResult<Vec<WebhookEventType>> {
        let state = RequestState::of(ctx)?;
        Ok(webhooks::EVENT_TYPES
            .iter()
            .map(|name| WebhookEventType {
                name: (*name).to_owned(),
                description: state.t(&webhooks::description_id(name)),
            })
            .collect())
    }
}

#[derive(Default)]
pub struct WebhookMutation;

#[Object]
impl WebhookMutation {
    /// Adds an endpoint for an organisation (its admins; network admins for
    /// any). Deliveries are signed per Standard Webhooks with the returned
    /// secret, shown this once.
    async fn create_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        input: CreateWebhookEndpointInput,
    ) -> ApiResult<CreateWebhookEndpointPayload> {
        let state = RequestState::of(ctx)?;
        let (secret, row) = endpoints::create(&state.ctx(), input).await?;
        Ok(CreateWebhookEndpointPayload {
            secret,
            endpoint: WebhookEndpoint(row),
        })
    }

    /// Changes an endpoint's URL, event types, description or locale;
    /// pauses or resumes it (resuming re-enables a disabled endpoint).
    async fn update_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        input: UpdateWebhookEndpointInput,
    ) -> ApiResult<WebhookEndpoint> {
        let state = RequestState::of(ctx)?;
        Ok(WebhookEndpoint(endpoints::update(&state.ctx(), input).await?))
    }

    /// A new secret, shown this once. For 24 hours deliveries carry a
    /// signature with the old secret too, so receivers can switch over.
    async fn rotate_webhook_secret(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> ApiResult<RotateWebhookSecretPayload> {
        let state = RequestState::of(ctx)?;
        let id = parse_id("id", &id)?;
        let (secret, row) = endpoints::rotate_secret(&state.ctx(), id).await?;
        Ok(RotateWebhookSecretPayload {
            secret,
            endpoint: WebhookEndpoint(row),
        })
    }

    /// Deletes an endpoint and its deliveries; returns its id.
    async fn delete_webhook_endpoint(&self, ctx: &Context<'_>, id: ID) -> ApiResult<ID> {
        let state = RequestState::of(ctx)?;
        let id = parse_id("id", &id)?;
        Ok(ID(endpoints::delete(&state.ctx(), id).await?.to_string()))
    }

    /// Sends a delivery again as soon as possible, with the same
    /// `webhook-id` and a fresh retry schedule.
    async fn redeliver_webhook(&self, ctx: &Context<'_>, delivery_id: ID) -> ApiResult<WebhookDelivery> {
        let state = RequestState::of(ctx)?;
        let id = webhooks::parse_message_id(&delivery_id)
            .ok_or_else(|| crate::error::ApiError::invalid("deliveryId", "input-id-invalid"))?;
        Ok(WebhookDelivery(endpoints::redeliver(&state.ctx(), id).await?))
    }

    /// Queues a `webhook.test` delivery to the endpoint, whatever it subscribes to.
    async fn send_test_webhook(&self, ctx: &Context<'_>, endpoint_id: ID) -> ApiResult<WebhookDelivery> {
        let state = RequestState::of(ctx)?;
        let id = parse_id("endpointId", &endpoint_id)?;
        Ok(WebhookDelivery(endpoints::send_test(&state.ctx(), id).await?))
    }
}
