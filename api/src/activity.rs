//! The activity log of projects: a reading of the events that name a
//! project (see `events`). Entries are written in the same transaction as
//! the change they describe and dispatched after it commits; the
//! `projectActivity` subscription is a consumer of the dispatcher.

use sammen_entities::event;
use sea_orm::ConnectionTrait;
use serde_json::Value;
use uuid::Uuid;

use crate::error::ApiResult;
use crate::events::{self, NewEvent};

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

/// Writes an entry as an event of its project (inside the caller's transaction).
pub async fn record(db: &impl ConnectionTrait, entry: Entry<'_>) -> ApiResult<event::Model> {
    let mut data = entry.data;
    if let (Some(actor), Value::Object(map)) = (entry.actor, &mut data) {
        map.insert("actor".into(), Value::String(actor.display_name.clone()));
    }
    let row = events::record(
        db,
        NewEvent {
            kind: entry.verb,
            subject_type: entry.object_type,
            subject_id: entry.object_id.unwrap_or(entry.project_id),
            project_id: Some(entry.project_id),
            actor_id: entry.actor.map(|a| a.id),
            payload: data,
        },
    )
    .await?;
    Ok(row)
}

/// The Fluent id of a verb's summary.
pub fn summary_id(verb: &str) -> String {
    format!("activity-{}", verb.replace(['.', '_'], "-"))
}
