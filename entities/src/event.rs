//! One change, as written in the change's transaction: the outbox that the
//! project activity log, subscriptions and (later) webhooks, search and
//! other nodes read.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "event")]
pub struct Model {
    /// UUIDv7: also the order of events.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// What happened, e.g. `document.version_added` (listed in ARCHITECTURE.md).
    pub kind: String,
    /// The kind of thing that changed, e.g. `Document`.
    pub subject_type: String,
    pub subject_id: Uuid,
    /// The project the change belongs to, if any: its activity log.
    pub project_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    /// Ids and changed fields (never secrets), and the arguments of the
    /// human summary for project activity.
    pub payload: Json,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
