//! One event for one endpoint: written in the event's transaction, then
//! attempted until it succeeds, fails for good or is skipped. Its id is the
//! `webhook-id` of every attempt.

use sea_orm::entity::prelude::*;

use crate::enums::WebhookDeliveryStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_delivery")]
pub struct Model {
    /// UUIDv7: also the order of deliveries.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub endpoint_id: Uuid,
    pub event_id: Uuid,
    pub event_type: String,
    pub subject_type: String,
    pub subject_id: Uuid,
    pub project_id: Option<Uuid>,
    /// The payload's `data`: ids and changed fields, never content.
    pub data: Json,
    pub occurred_at: DateTimeUtc,
    pub status: WebhookDeliveryStatus,
    pub attempts: i32,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    /// The first few hundred characters of the last response's body.
    pub response_excerpt: Option<String>,
    pub next_attempt_at: Option<DateTimeUtc>,
    /// A worker is attempting it until then (its lease).
    pub claimed_until: Option<DateTimeUtc>,
    /// The claim it is under: only that claim may record the attempt.
    pub claim_id: Option<Uuid>,
    pub last_attempt_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
