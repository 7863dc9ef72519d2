//! Every change is an event: written in the change's own transaction to
//! the `event` table (an outbox), and handed to consumers on every node
//! once the transaction has committed.
//!
//! A change goes through a [`Change`]: it begins the write transaction
//! (`db::begin_write`), collects the events the change records, and on
//! commit hands them to the [`Dispatcher`], which wakes this node's
//! [`feed`]; every node's feed reads committed events from the table. The
//! project activity log is a reading of the events that name a project;
//! its subscription is a consumer. Events are kept for
//! `--event-retention-days` and then pruned.
//!
//! Events say what changed (ids and changed fields, never secrets), not who
//! may see it: a consumer decides that at delivery, through `auth::policy`,
//! so an item unshared in between is not delivered.

pub mod feed;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::Utc;
use sammen_entities::{event, person};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, Set,
};
use serde_json::Value;
use tokio::sync::{Notify, broadcast};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};

/// One change to record.
pub struct NewEvent {
    /// e.g. `document.version_added`; one per kind of change.
    pub kind: &'static str,
    /// e.g. `Document`.
    pub subject_type: &'static str,
    pub subject_id: Uuid,
    /// The project whose activity log shows it, if any. Such an event's
    /// summary is the Fluent message `activity-<kind>`.
    pub project_id: Option<Uuid>,
    /// The person who made the change (none for the system).
    pub actor_id: Option<Uuid>,
    /// Ids and changed fields (and, for project activity, the summary's
    /// arguments); never a secret.
    pub payload: Value,
}

impl NewEvent {
    /// An event about `subject` by `actor`, with no payload yet.
    pub fn new(
        kind: &'static str,
        subject_type: &'static str,
        subject_id: Uuid,
        actor: Option<&person::Model>,
    ) -> Self {
        Self {
            kind,
            subject_type,
            subject_id,
            project_id: None,
            actor_id: actor.map(|a| a.id),
            payload: Value::Object(Default::default()),
        }
    }

    pub fn payload(mut self, payload: Value) -> Self {
        self.payload = payload;
        self
    }
}

/// The names (camelCase, as in the API) of the columns an update sets.
pub fn changed_fields<A: sea_orm::ActiveModelTrait>(change: &A) -> Vec<String> {
    use sea_orm::{IdenStatic, Iterable};
    <A::Entity as EntityTrait>::Column::iter()
        .filter(|column| !change.is_not_set(*column))
        .map(|column| camel_case(column.as_str()))
        .collect()
}

fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Writes an event in the caller's transaction, with a webhook delivery
/// for every endpoint subscribed to its kind.
pub async fn record(db: &impl ConnectionTrait, event: NewEvent) -> Result<event::Model, sea_orm::DbErr> {
    let row = event::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set(event.kind.to_owned()),
        subject_type: Set(event.subject_type.to_owned()),
        subject_id: Set(event.subject_id),
        project_id: Set(event.project_id),
        actor_id: Set(event.actor_id),
        payload: Set(event.payload),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    crate::webhooks::enqueue(db, &row).await?;
    Ok(row)
}

/// A write transaction that records the events of its change and hands
/// them to the dispatcher once it has committed.
pub struct Change {
    txn: DatabaseTransaction,
    events: Vec<event::Model>,
}

impl Change {
    /// Begins the change's write transaction.
    pub async fn begin(db: &DatabaseConnection) -> ApiResult<Self> {
        Ok(Self {
            txn: crate::db::begin_write(db).await?,
            events: Vec::new(),
        })
    }

    /// The transaction, for the change's statements.
    pub fn db(&self) -> &DatabaseTransaction {
        &self.txn
    }

    /// Records an event of this change.
    pub async fn record(&mut self, event: NewEvent) -> ApiResult<event::Model> {
        let row = record(&self.txn, event).await?;
        self.events.push(row.clone());
        Ok(row)
    }

    /// Takes an event a lower function recorded in this change's
    /// transaction (e.g. `NewPerson::insert`), to dispatch it on commit.
    pub fn recorded(&mut self, event: event::Model) {
        self.events.push(event);
    }

    /// Abandons the change.
    pub async fn rollback(self) -> ApiResult<()> {
        self.txn.rollback().await?;
        Ok(())
    }

    /// Commits, then dispatches the events (see [`commit`]).
    pub async fn commit(self, dispatcher: &Dispatcher) -> ApiResult<Vec<event::Model>> {
        commit(self.txn, self.events.clone(), dispatcher).await?;
        Ok(self.events)
    }
}

/// Commits a write transaction that recorded `events` (after rewriting the
/// search index rows of what they changed), then dispatches them. A change that recorded no event is a programming error: it is
/// refused, and nothing is stored.
pub async fn commit(
    txn: DatabaseTransaction,
    events: Vec<event::Model>,
    dispatcher: &Dispatcher,
) -> ApiResult<()> {
    if events.is_empty() {
        txn.rollback().await?;
        return Err(ApiError::internal(anyhow::anyhow!("a change recorded no event")));
    }
    // The search index sees the change's final state and is written with it.
    crate::search::index::apply(&txn, &events).await?;
    txn.commit().await?;
    dispatcher.publish(events);
    Ok(())
}

/// Hands committed events to this node's consumers (the project activity
/// subscriptions, the webhook and file text workers), in the order every
/// node reads them.
///
/// While serving, events reach consumers only through [`feed`], which reads
/// them from the `event` table (woken by this node's commits and, on
/// PostgreSQL, by the other nodes' through `LISTEN`), so a change made
/// through any node reaches every node's subscribers, once each and in the
/// same order. Without a feed (`sammen seed`, the command line) published
/// events go straight to the consumers, of which there are none.
#[derive(Clone)]
pub struct Dispatcher {
    inner: Arc<Inner>,
}

struct Inner {
    sender: broadcast::Sender<Arc<Committed>>,
    /// Counts the events after which a signed-in caller may stand for
    /// something else (see [`CALLER_CHANGES`]); a cached caller read
    /// before the latest is not used (`auth::token::CallerCache`).
    callers: AtomicU64,
    /// Set once a feed hands out this node's events.
    fed: AtomicBool,
    /// Wakes the feed when this node has committed events.
    wake: Notify,
    /// The position of the last event handed out. Handing out and
    /// subscribing both hold it, so a subscriber knows exactly which
    /// events its receiver will hold.
    last: Mutex<Position>,
}

/// Where an event stands in the order every node hands events out in: on
/// PostgreSQL the writing transaction's id, then the event id; on SQLite
/// (one writer at a time) the event id alone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub tx: i64,
    pub id: Uuid,
}

/// A committed event and its position.
#[derive(Debug)]
pub struct Committed {
    pub event: event::Model,
    pub position: Position,
}

/// Kinds of events that can change who a token's caller is: fewer rights,
/// another organisation's standing, or no access at all.
pub const CALLER_CHANGES: &[&str] = &[
    "api_token.revoked",
    "session.ended",
    "person.updated",
    "organisation.updated",
    "organisation.archived",
];

impl Default for Dispatcher {
    fn default() -> Self {
        Self {
            inner: Arc::new(Inner {
                sender: broadcast::channel(1024).0,
                callers: AtomicU64::new(0),
                fed: AtomicBool::new(false),
                wake: Notify::new(),
                last: Mutex::new(Position::default()),
            }),
        }
    }
}

impl Dispatcher {
    /// Publishes this node's committed events. Runs before the change's
    /// mutation answers, so a revoked token is refused by the next request
    /// to this node (other nodes hear of it through their feed).
    pub fn publish(&self, events: impl IntoIterator<Item = event::Model>) {
        let fed = self.inner.fed.load(Ordering::Acquire);
        for event in events {
            self.count_caller_change(&event);
            if !fed {
                let position = Position { tx: 0, id: event.id };
                self.hand_out(Committed { event, position });
            }
        }
        if fed {
            self.inner.wake.notify_one();
        }
    }

    fn count_caller_change(&self, event: &event::Model) {
        if CALLER_CHANGES.contains(&event.kind.as_str()) {
            self.inner.callers.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Gives an event to every consumer (nobody listening is fine).
    fn hand_out(&self, committed: Committed) {
        let mut last = self
            .inner
            .last
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *last = committed.position;
        let _ = self.inner.sender.send(Arc::new(committed));
    }

    /// How many caller-changing events this node has seen.
    pub fn callers_generation(&self) -> u64 {
        self.inner.callers.load(Ordering::SeqCst)
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Committed>> {
        self.inner.sender.subscribe()
    }

    /// A receiver and the position of the last event handed out before
    /// it: the receiver gets exactly the events after that position.
    pub fn subscribe_at(&self) -> (broadcast::Receiver<Arc<Committed>>, Position) {
        let last = self
            .inner
            .last
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        (self.inner.sender.subscribe(), *last)
    }
}

/// Deletes events older than `days` days; how many went.
pub async fn prune(db: &DatabaseConnection, days: u32) -> Result<u64, sea_orm::DbErr> {
    let before = Utc::now() - chrono::Duration::days(i64::from(days));
    let result = event::Entity::delete_many()
        .filter(event::Column::CreatedAt.lt(before))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Prunes old events every hour until `shutdown`.
pub fn spawn_pruning(
    db: DatabaseConnection,
    days: u32,
    shutdown: tokio_util::sync::CancellationToken,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = every.tick() => {
                    match prune(&db, days).await {
                        Ok(0) => {}
                        Ok(n) => tracing::info!(pruned = n, days, "old events pruned"),
                        Err(error) => tracing::warn!(%error, "pruning events failed"),
                    }
                    match crate::search::worker::prune(&db, days).await {
                        Ok(0) => {}
                        Ok(n) => tracing::info!(pruned = n, days, "old file text jobs pruned"),
                        Err(error) => tracing::warn!(%error, "pruning file text jobs failed"),
                    }
                    match crate::webhooks::prune(&db, days).await {
                        Ok(0) => {}
                        Ok(n) => tracing::info!(pruned = n, days, "old webhook deliveries pruned"),
                        Err(error) => tracing::warn!(%error, "pruning webhook deliveries failed"),
                    }
                }
            }
        }
    })
}
