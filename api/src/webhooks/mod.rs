//! Webhooks: partner systems hear about what is shared with them.
//!
//! - `endpoints`: the operations behind the API (create, update, rotate the
//!   secret, delete, redeliver, test).
//! - [`enqueue`]: called by `events::record` for every event, in the
//!   change's own transaction, it writes one delivery per endpoint
//!   subscribed to the event's type. A crash after the commit loses nothing.
//! - `worker`: each node's delivery worker claims due deliveries (one
//!   endpoint at a time, the endpoint row locked with `FOR UPDATE SKIP
//!   LOCKED` on PostgreSQL), checks the endpoint organisation may read the
//!   subject *now* (`auth::policy`), signs per Standard Webhooks and sends
//!   through `net::Fetcher`, retrying on the configured schedule.
//! - `signing`: the Standard Webhooks signature.
//!
//! Payloads are thin: ids, the names of changed fields, and how to fetch
//! the subject over GraphQL; never content the receiver would need to be
//! re-authorised for.

pub mod endpoints;
pub mod retry;
pub mod signing;
pub mod worker;

use chrono::{DateTime, SecondsFormat, Utc};
use sammen_entities::{
    deliverable, document, event, milestone, offering, organisation, person, project, training_material,
    webhook_delivery, webhook_endpoint, webhook_subscription,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::auth::Caller;
use crate::auth::policy;
use crate::domain::WebhookDeliveryStatus;
use crate::error::ApiResult;

/// The event types an endpoint may subscribe to: the domain's events about
/// shared content. Each has a description `webhook-event-<type>`.
pub const EVENT_TYPES: &[&str] = &[
    "document.created",
    "document.updated",
    "document.shared",
    "document.unshared",
    "document.version_added",
    "document.linked",
    "training.created",
    "training.updated",
    "training.document_attached",
    "training.shared",
    "training.unshared",
    "training.linked",
    "training.offering_scheduled",
    "training.offering_updated",
    "training.offering_cancelled",
    "translation.saved",
    "project.created",
    "project.updated",
    "project.status_changed",
    "participant.added",
    "participant.removed",
    "member.added",
    "member.removed",
    "deliverable.created",
    "deliverable.updated",
    "deliverable.status_changed",
    "deliverable.document_linked",
    "milestone.created",
    "milestone.reached",
];

/// The type of the deliveries `sendTestWebhook` makes; sent to the one
/// endpoint whatever it subscribes to.
pub const TEST_EVENT: &str = "webhook.test";

/// The `webhook-id` of a delivery: the same on every attempt.
pub fn message_id(id: Uuid) -> String {
    format!("msg_{}", id.simple())
}

/// The delivery id in a `webhook-id`.
pub fn parse_message_id(raw: &str) -> Option<Uuid> {
    Uuid::try_parse(raw.strip_prefix("msg_")?).ok()
}

/// The Fluent id of an event type's description.
pub fn description_id(event_type: &str) -> String {
    format!("webhook-event-{}", event_type.replace(['.', '_'], "-"))
}

/// Writes a delivery of `event` for every endpoint subscribed to its type
/// (not disabled), in the caller's transaction.
pub async fn enqueue(db: &impl ConnectionTrait, event: &event::Model) -> Result<u64, sea_orm::DbErr> {
    if !EVENT_TYPES.contains(&event.kind.as_str()) {
        return Ok(0);
    }
    let endpoints: Vec<Uuid> = webhook_endpoint::Entity::find()
        .select_only()
        .column(webhook_endpoint::Column::Id)
        .filter(webhook_endpoint::Column::DisabledAt.is_null())
        .filter(
            webhook_endpoint::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(webhook_subscription::Column::EndpointId)
                    .from(webhook_subscription::Entity)
                    .and_where(webhook_subscription::Column::EventType.eq(event.kind.as_str()))
                    .to_owned(),
            ),
        )
        .order_by_asc(webhook_endpoint::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    if endpoints.is_empty() {
        return Ok(0);
    }
    let data = thin_data(event);
    let now = Utc::now();
    let rows = endpoints.iter().map(|endpoint| {
        new_delivery(
            *endpoint,
            event.id,
            &event.kind,
            &event.subject_type,
            event.subject_id,
            event.project_id,
            data.clone(),
            event.created_at,
            now,
        )
    });
    webhook_delivery::Entity::insert_many(rows).exec(db).await?;
    Ok(endpoints.len() as u64)
}

/// A delivery due now.
#[allow(clippy::too_many_arguments)]
pub(crate) fn new_delivery(
    endpoint_id: Uuid,
    event_id: Uuid,
    event_type: &str,
    subject_type: &str,
    subject_id: Uuid,
    project_id: Option<Uuid>,
    data: Value,
    occurred_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> webhook_delivery::ActiveModel {
    webhook_delivery::ActiveModel {
        id: Set(Uuid::now_v7()),
        endpoint_id: Set(endpoint_id),
        event_id: Set(event_id),
        event_type: Set(event_type.to_owned()),
        subject_type: Set(subject_type.to_owned()),
        subject_id: Set(subject_id),
        project_id: Set(project_id),
        data: Set(data),
        occurred_at: Set(occurred_at),
        status: Set(WebhookDeliveryStatus::Pending),
        attempts: Set(0),
        last_status_code: Set(None),
        last_error: Set(None),
        response_excerpt: Set(None),
        next_attempt_at: Set(Some(now)),
        claimed_until: Set(None),
        claim_id: Set(None),
        last_attempt_at: Set(None),
        created_at: Set(now),
    }
}

/// What a payload's `data` says of an event: the subject, its project, and
/// of the event's own payload only ids, changed field names and states.
/// Names, titles and other content stay out: the receiver fetches them with
/// its own rights.
pub fn thin_data(event: &event::Model) -> Value {
    let mut data = Map::new();
    data.insert("id".into(), json!(event.subject_id));
    data.insert("subjectType".into(), json!(event.subject_type));
    data.insert("eventId".into(), json!(event.id));
    if let Some(project) = event.project_id {
        data.insert("projectId".into(), json!(project));
    }
    if let Value::Object(payload) = &event.payload {
        for (key, value) in payload {
            let keep = match key.as_str() {
                "fields" => value.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
                "version" => value.is_number(),
                "visibility" | "status" | "locale" | "startsOn" | "endsOn" => {
                    value.is_string() || value.is_null()
                }
                // Ids of what the receiver reads with the subject (its owner,
                // its offering). Not a share's grantee, permission or expiry
                // (GraphQL shows grants to the owner only), nor an attached
                // document the receiver may not read.
                "ownerOrganisationId" | "providerOrganisationId" | "offeringId" => value.is_string(),
                _ => false,
            };
            if keep {
                data.insert(key.clone(), value.clone());
            }
        }
    }
    Value::Object(data)
}

/// The payload of a delivery, as sent: `{type, timestamp, data}`, `data`
/// with `fetch`, the GraphQL request that reads the subject.
pub fn payload(delivery: &webhook_delivery::Model, public_url: &str) -> Value {
    let mut data = match &delivery.data {
        Value::Object(map) => map.clone(),
        _ => Map::new(),
    };
    if let Some((query, id)) = fetch_query(delivery) {
        data.insert(
            "fetch".into(),
            json!({
                "url": format!("{public_url}/graphql"),
                "query": query,
                "variables": { "id": id },
            }),
        );
    }
    json!({
        "type": delivery.event_type,
        "timestamp": delivery.occurred_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        "data": Value::Object(data),
    })
}

/// The query that reads what a delivery is about, and its `$id`.
fn fetch_query(delivery: &webhook_delivery::Model) -> Option<(&'static str, Uuid)> {
    let project = "query($id: ID!) { project(id: $id) { id code title version } }";
    Some(match delivery.subject_type.as_str() {
        "Document" => (
            "query($id: ID!) { document(id: $id) { id title version } }",
            delivery.subject_id,
        ),
        "TrainingMaterial" => (
            "query($id: ID!) { trainingMaterial(id: $id) { id title version } }",
            delivery.subject_id,
        ),
        "Project" => (project, delivery.subject_id),
        "WebhookEndpoint" => (
            "query($id: ID!) { webhookEndpoint(id: $id) { id url } }",
            delivery.subject_id,
        ),
        "Organisation" if delivery.project_id.is_none() => (
            "query($id: ID!) { organisation(id: $id) { id name } }",
            delivery.subject_id,
        ),
        _ => (project, delivery.project_id?),
    })
}

/// Whether `caller` (an endpoint's organisation) may read what a delivery
/// is about, now: the subject under the same policy as every list, and the
/// project the event belongs to.
pub async fn readable(
    db: &impl ConnectionTrait,
    caller: &Caller,
    delivery: &webhook_delivery::Model,
) -> ApiResult<bool> {
    if let Some(project) = delivery.project_id
        && !visible::<project::Entity>(db, project, policy::project_read(caller)).await?
    {
        return Ok(false);
    }
    let id = delivery.subject_id;
    Ok(match delivery.subject_type.as_str() {
        "Document" => visible::<document::Entity>(db, id, policy::document_read(caller)).await?,
        "TrainingMaterial" => {
            visible::<training_material::Entity>(db, id, policy::training_read(caller)).await?
        }
        "Project" => visible::<project::Entity>(db, id, policy::project_read(caller)).await?,
        "Deliverable" => match deliverable::Entity::find_by_id(id).one(db).await? {
            Some(row) => visible::<project::Entity>(db, row.project_id, policy::project_read(caller)).await?,
            None => false,
        },
        "Milestone" => match milestone::Entity::find_by_id(id).one(db).await? {
            Some(row) => visible::<project::Entity>(db, row.project_id, policy::project_read(caller)).await?,
            None => false,
        },
        "Offering" => match offering::Entity::find_by_id(id).one(db).await? {
            Some(row) => {
                visible::<training_material::Entity>(
                    db,
                    row.training_material_id,
                    policy::training_read(caller),
                )
                .await?
            }
            None => false,
        },
        "User" => visible::<person::Entity>(db, id, policy::person_read(caller)).await?,
        "Organisation" => visible::<organisation::Entity>(db, id, policy::organisation_read(caller)).await?,
        "WebhookEndpoint" => true,
        _ => false,
    })
}

/// Whether row `id` of `E` exists and passes `rule` (a policy condition).
async fn visible<E>(db: &impl ConnectionTrait, id: Uuid, rule: sea_orm::Condition) -> ApiResult<bool>
where
    E: EntityTrait,
    E::Model: Sync,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<Uuid>,
{
    use sea_orm::PaginatorTrait;
    Ok(E::find_by_id(id).filter(rule).count(db).await? > 0)
}

/// Deletes finished deliveries older than `days` days, and any left of a
/// deleted endpoint; how many went.
pub async fn prune(db: &impl ConnectionTrait, days: u32) -> Result<u64, sea_orm::DbErr> {
    let before = Utc::now() - chrono::Duration::days(i64::from(days));
    let old = webhook_delivery::Entity::delete_many()
        .filter(webhook_delivery::Column::Status.ne(WebhookDeliveryStatus::Pending.as_str()))
        .filter(webhook_delivery::Column::CreatedAt.lt(before))
        .exec(db)
        .await?;
    let orphans = webhook_delivery::Entity::delete_many()
        .filter(
            webhook_delivery::Column::EndpointId.not_in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(webhook_endpoint::Column::Id)
                    .from(webhook_endpoint::Entity)
                    .to_owned(),
            ),
        )
        .exec(db)
        .await?;
    Ok(old.rows_affected + orphans.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_name_their_delivery() {
        let id = Uuid::now_v7();
        assert_eq!(parse_message_id(&message_id(id)), Some(id));
        assert_eq!(parse_message_id("evt_123"), None);
    }
}
