//! A project's activity log: its entries, and the subscription that pushes
//! new ones as they happen.

use async_graphql::{Context, ID, Object, Subscription};
use std::collections::VecDeque;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures_util::Stream;
use sammen_entities::event;
use tokio::sync::broadcast;

use super::find_readable;
use crate::activity::{self};
use crate::auth::policy;
use crate::error::{ApiError, ApiResult};
use crate::events::{Committed, Position, feed};
use crate::graphql::person::User;
use crate::graphql::{RequestState, parse_id};

/// One entry of a project's activity log: an event of the project.
pub struct ActivityEntry(pub Arc<event::Model>);

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
    /// New activity in a project, as it happens, in the same order on
    /// every node, whichever node the change went through. With `after`
    /// (the id of the last entry a client received before it lost its
    /// connection) the entries since then come first, so a client that
    /// reconnects misses none. NOT_FOUND for a project the caller may not
    /// read.
    async fn project_activity(
        &self,
        ctx: &Context<'_>,
        project_id: ID,
        after: Option<ID>,
    ) -> Result<impl Stream<Item = ActivityEntry> + use<>, ApiError> {
        let state = RequestState::of(ctx)?;
        let project_id = parse_id("projectId", &project_id)?;
        find_readable(state, project_id).await?;
        if !policy::is_project_insider(&state.db, &state.caller, project_id).await? {
            return Err(ApiError::forbidden());
        }
        // Subscribe before reading the log, so nothing falls in between.
        let (receiver, seen) = state.events.subscribe_at();
        // Without `after`, what was committed before subscribing is not
        // news, even if this node hands it out late.
        let (now, committed) = match after {
            None => feed::horizon(&state.db).await?,
            Some(_) => Default::default(),
        };
        let resume_from = match after {
            None => None,
            Some(after) => {
                let unknown = || {
                    ApiError::invalid("after", "activity-after-unknown")
                        .arg("days", state.settings.event_retention_days)
                };
                let id = parse_id("after", &after)?;
                let position = feed::position_of(&state.db, id, project_id).await?;
                Some(position.ok_or_else(unknown)?)
            }
        };
        let follow = Follow {
            receiver,
            db: state.db.clone(),
            caller: state.caller.clone(),
            project_id,
            backlog: VecDeque::new(),
            resume_from,
            // Entries up to `after` the client has: one the node hands
            // out late (its feed behind the log) is not sent again.
            read_through: resume_from.or(Some(now)),
            committed,
            seen,
        };
        Ok(futures_util::stream::unfold(follow, |mut follow| async move {
            let entry = follow.next().await?;
            // The connection may outlive the caller's right to see the
            // project, or their token: check again before every entry.
            let allowed = policy::still_signed_in(&follow.db, &follow.caller).await
                && policy::is_project_insider(&follow.db, &follow.caller, follow.project_id)
                    .await
                    .unwrap_or(false);
            allowed.then_some((ActivityEntry(Arc::new(entry.event)), follow))
        }))
    }
}

/// A subscriber's place in a project's activity: entries read back from
/// the log first (after a reconnect, or after falling behind), then the
/// ones this node hands out, never one twice.
struct Follow {
    receiver: broadcast::Receiver<Arc<Committed>>,
    db: sea_orm::DatabaseConnection,
    caller: crate::auth::Caller,
    project_id: uuid::Uuid,
    backlog: VecDeque<Committed>,
    /// Read the log after this position before taking handed-out entries.
    resume_from: Option<Position>,
    /// The last entry read from the log: handed-out ones up to it are
    /// already delivered.
    read_through: Option<Position>,
    /// Events committed beyond `read_through` before subscribing, which
    /// are not news either.
    committed: std::collections::HashSet<uuid::Uuid>,
    /// The last event handed out that this subscriber has passed.
    seen: Position,
}

/// How many entries one reading of the log takes.
const BACKLOG_PAGE: u64 = 100;

impl Follow {
    /// The next entry of the project, or none once the node shuts down or
    /// the log cannot be read.
    async fn next(&mut self) -> Option<Committed> {
        loop {
            if let Some(entry) = self.backlog.pop_front() {
                return Some(entry);
            }
            if let Some(after) = self.resume_from {
                let page = match feed::read_after(&self.db, after, Some(self.project_id), BACKLOG_PAGE).await
                {
                    Ok(page) => page,
                    Err(error) => {
                        tracing::warn!(%error, "reading a project's activity log for a subscriber failed");
                        return None;
                    }
                };
                match page.last() {
                    Some(last) => {
                        self.resume_from = Some(last.position);
                        self.read_through = Some(last.position);
                    }
                    None => self.resume_from = None,
                }
                let committed = &mut self.committed;
                self.backlog.extend(
                    page.into_iter()
                        .filter(|entry| !committed.remove(&entry.event.id)),
                );
                continue;
            }
            match self.receiver.recv().await {
                Ok(committed) => {
                    self.seen = committed.position;
                    let already = self
                        .read_through
                        .is_some_and(|through| committed.position <= through)
                        || self.committed.remove(&committed.event.id);
                    if committed.event.project_id == Some(self.project_id) && !already {
                        return Some(Committed {
                            event: committed.event.clone(),
                            position: committed.position,
                        });
                    }
                }
                // Fell behind: read what was missed from the log.
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    self.resume_from = Some(
                        self.read_through
                            .map_or(self.seen, |through| through.max(self.seen)),
                    );
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }
}
