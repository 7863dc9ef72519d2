//! The append-only activity log of projects, and the bus that pushes new
//! entries to subscribers.
//!
//! Entries are written in the same transaction as the change they describe
//! and published after it commits. The bus is in-process: every API node
//! delivers the entries written through it. (Fanning out between nodes through
//! PostgreSQL LISTEN/NOTIFY is the next step for multi-node deployments.)

use chrono::Utc;
use sammen_entities::project_activity;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde_json::Value;
use tokio::sync::broadcast;
use uuid::Uuid;

use crate::error::ApiResult;

/// One thing that happened in a project.
pub struct Entry<'a> {
    pub project_id: Uuid,
    pub actor: Option<&'a sammen_entities::person::Model>,
    /// e.g. `deliverable.status_changed`; its summary is the Fluent message
    /// `activity-deliverable-status-changed`.
    pub verb: &'static str,
    pub object_type: &'static str,
    pub object_id: Option<Uuid>,
    /// Arguments of the summary. Values that are Fluent ids of labels
    /// (`enum-…`) are shown translated.
    pub data: Value,
}

/// Writes an entry (inside the caller's transaction).
pub async fn record(db: &impl ConnectionTrait, entry: Entry<'_>) -> ApiResult<project_activity::Model> {
    let mut data = entry.data;
    if let (Some(actor), Value::Object(map)) = (entry.actor, &mut data) {
        map.insert("actor".into(), Value::String(actor.display_name.clone()));
    }
    let row = project_activity::ActiveModel {
        id: Set(Uuid::now_v7()),
        project_id: Set(entry.project_id),
        actor_id: Set(entry.actor.map(|a| a.id)),
        verb: Set(entry.verb.to_owned()),
        object_type: Set(entry.object_type.to_owned()),
        object_id: Set(entry.object_id),
        data: Set(data),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(row)
}

/// Fans new entries out to subscriptions in this process.
#[derive(Clone)]
pub struct ActivityBus {
    sender: broadcast::Sender<project_activity::Model>,
}

impl Default for ActivityBus {
    fn default() -> Self {
        Self {
            sender: broadcast::channel(1024).0,
        }
    }
}

impl ActivityBus {
    /// Publishes committed entries; nobody listening is fine.
    pub fn publish(&self, entries: impl IntoIterator<Item = project_activity::Model>) {
        for entry in entries {
            let _ = self.sender.send(entry);
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<project_activity::Model> {
        self.sender.subscribe()
    }
}

/// The Fluent id of a verb's summary.
pub fn summary_id(verb: &str) -> String {
    format!("activity-{}", verb.replace(['.', '_'], "-"))
}
