//! A partner organisation's webhook endpoint: where its events go, and the
//! secret they are signed with (sealed with the server's key, never stored
//! in the clear: the signature needs the secret itself, so it cannot be a
//! hash).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_endpoint")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub url: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    /// The language of what the service writes about this endpoint
    /// (why it was disabled, the test event).
    pub locale: String,
    /// The signing secret, sealed (`secrets::SecretBox`).
    pub secret: String,
    /// The secret before the last rotation, sealed; it signs too until
    /// `previous_secret_until`.
    pub previous_secret: Option<String>,
    pub previous_secret_until: Option<DateTimeUtc>,
    /// Paused by its organisation: deliveries wait until it is resumed.
    pub paused: bool,
    /// Disabled by the service (gone, or failing for days): no deliveries.
    pub disabled_at: Option<DateTimeUtc>,
    /// Why, as a Fluent message id (`webhook-disabled-…`).
    pub disabled_reason: Option<String>,
    /// When the current run of failed attempts began.
    pub failing_since: Option<DateTimeUtc>,
    pub created_by: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
