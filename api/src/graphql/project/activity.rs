//! A project's activity log: its entries, and the subscription that pushes
//! new ones as they happen.

use async_graphql::{Context, ID, Object, Subscription};
use chrono::{DateTime, Utc};
use futures_util::Stream;
use sammen_entities::event;

use super::find_readable;
use crate::activity::{self};
use crate::auth::policy;
use crate::error::{ApiError, ApiResult};
use crate::graphql::person::User;
use crate::graphql::{RequestState, parse_id};

/// One entry of a project's activity log: an event of the project.
pub struct ActivityEntry(pub std::sync::Arc<event::Model>);

#[Object]
impl ActivityEntry {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// What happened, e.g. `deliverable.status_changed`.
    async fn verb(&self) -> &str {
        &self.0.kind
    }

    async fn actor(&self, ctx: &Context<'_>) -> ApiResult<Option<User>> {
        let Some(id) = self.0.actor_id else {
            return Ok(None);
        };
        let state = RequestState::of(ctx)?;
        Ok(state.loaders.person.load_one(id).await?.map(User::new))
    }

    async fn object_type(&self) -> &str {
        &self.0.subject_type
    }

    async fn object_id(&self) -> Option<ID> {
        Some(ID(self.0.subject_id.to_string()))
    }

    /// What happened, in a sentence in the reader's language.
    async fn summary(&self, ctx: &Context<'_>) -> ApiResult<String> {
        let state = RequestState::of(ctx)?;
        let mut args = fluent_bundle::FluentArgs::new();
        if let serde_json::Value::Object(map) = &self.0.payload {
            for (key, value) in map {
                let text = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
                // Label ids are shown translated.
                let text = if text.starts_with("enum-") {
                    state.t(&text)
                } else {
                    text
                };
                args.set(key.clone(), text);
            }
        }
        Ok(state
            .localizer
            .message(&state.chain, &activity::summary_id(&self.0.kind), Some(&args)))
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

#[derive(Default)]
pub struct ProjectSubscription;

#[Subscription]
impl ProjectSubscription {
    /// New activity in a project, as it happens. NOT_FOUND for a project the
    /// caller may not read.
    async fn project_activity(
        &self,
        ctx: &Context<'_>,
        project_id: ID,
    ) -> Result<impl Stream<Item = ActivityEntry> + use<>, ApiError> {
        let state = RequestState::of(ctx)?;
        let project_id = parse_id("projectId", &project_id)?;
        find_readable(state, project_id).await?;
        if !policy::is_project_insider(&state.db, &state.caller, project_id).await? {
            return Err(ApiError::forbidden());
        }
        let receiver = state.events.subscribe();
        let (db, caller) = (state.db.clone(), state.caller.clone());
        Ok(futures_util::stream::unfold(receiver, move |mut receiver| {
            let (db, caller) = (db.clone(), caller.clone());
            async move {
                loop {
                    match receiver.recv().await {
                        Ok(entry) if entry.project_id == Some(project_id) => {
                            // The connection may outlive the caller's right to
                            // see the project, or their token: check again.
                            let allowed = policy::still_signed_in(&db, &caller).await
                                && policy::is_project_insider(&db, &caller, project_id)
                                    .await
                                    .unwrap_or(false);
                            return allowed.then_some((ActivityEntry(entry), receiver));
                        }
                        Ok(_) => continue,
                        // A slow subscriber missed entries; carry on with the newest.
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                    }
                }
            }
        }))
    }
}
