//! The delivery worker of one node.
//!
//! It wakes when this node commits an event (the dispatcher) and at least
//! every second (retries, and events other nodes wrote). Each round it
//! finds endpoints with due deliveries and, endpoint by endpoint, claims
//! what it may send in one short write transaction: the endpoint row locked
//! with `FOR UPDATE SKIP LOCKED` on PostgreSQL (so two nodes never claim
//! for one endpoint at once; SQLite has one writer anyway), at most
//! `--webhook-concurrency` deliveries in flight per endpoint across the
//! nodes, and none whose subject has an earlier delivery to the same
//! endpoint still pending (order per subject). A claim is a lease
//! (`claimed_until`): a node killed mid-send leaves the delivery to be
//! claimed again when the lease ends, with the same `webhook-id`.
//!
//! Each claimed delivery is sent in its own task, so one slow endpoint
//! never delays another.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue};
use sammen_entities::{webhook_delivery, webhook_endpoint};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Set,
};
use serde_json::json;
use tokio::sync::{Notify, Semaphore};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::retry::{Outcome, judge, next_wait};
use super::{message_id, payload, readable, signing};
use crate::auth::Caller;
use crate::config::{Settings, WebhookArgs};
use crate::domain::WebhookDeliveryStatus;
use crate::error::ApiResult;
use crate::events::{Change, Dispatcher, NewEvent};
use crate::net::{FetchError, Fetcher, NetConfig, Posted};
use crate::secrets::SecretBox;

/// Bytes of an answer read, and characters of it kept.
const READ_AT_MOST: usize = 4096;
const EXCERPT_CHARS: usize = 256;
/// Endpoints looked at per round.
const ENDPOINTS_PER_ROUND: u64 = 200;
/// Ids bound in one statement when choosing among subjects' first deliveries.
const HEADS_PER_STATEMENT: usize = 500;

/// One node's webhook delivery worker.
#[derive(Clone)]
pub struct Worker {
    db: DatabaseConnection,
    fetcher: Fetcher,
    secrets: SecretBox,
    settings: Arc<Settings>,
    events: Dispatcher,
    metrics: Arc<crate::metrics::Metrics>,
    wake: Arc<Notify>,
    /// Deliveries in flight per endpoint on this node.
    permits: Arc<Mutex<HashMap<Uuid, Arc<Semaphore>>>>,
    /// Where the next round starts when more endpoints are due than one
    /// round looks at, so none waits on the others for long.
    cursor: Arc<Mutex<Option<Uuid>>>,
}

impl Worker {
    pub fn new(
        db: DatabaseConnection,
        settings: Arc<Settings>,
        secrets: SecretBox,
        events: Dispatcher,
        metrics: Arc<crate::metrics::Metrics>,
    ) -> anyhow::Result<Self> {
        let args = &settings.webhooks;
        let fetcher = Fetcher::new(NetConfig {
            allow_loopback: args.webhook_allow_loopback,
            allow_http: args.webhook_allow_loopback,
            timeout: Duration::from_secs(std::cmp::max(args.webhook_timeout_secs, 1)),
            max_redirects: 0,
        })?;
        Ok(Self {
            db,
            fetcher,
            secrets,
            settings,
            events,
            metrics,
            wake: Arc::new(Notify::new()),
            permits: Arc::default(),
            cursor: Arc::default(),
        })
    }

    fn args(&self) -> &WebhookArgs {
        &self.settings.webhooks
    }

    fn concurrency(&self) -> usize {
        self.args().webhook_concurrency.max(1)
    }

    /// How long a claim lasts: the send's timeout and a margin for recording it.
    fn lease(&self) -> chrono::Duration {
        chrono::Duration::seconds(std::cmp::max(self.args().webhook_timeout_secs, 1) as i64 + 5)
    }

    /// Runs until `shutdown`; deliveries in flight finish on their own.
    pub fn spawn(self, shutdown: CancellationToken) -> tokio::task::JoinHandle<()> {
        let mut committed = self.events.subscribe();
        let wake = self.wake.clone();
        let listener = shutdown.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = listener.cancelled() => return,
                    received = committed.recv() => match received {
                        Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => wake.notify_one(),
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                    },
                }
            }
        });
        tokio::spawn(async move {
            loop {
                let busy = match self.round().await {
                    Ok(claimed) => claimed > 0,
                    Err(error) => {
                        tracing::warn!(%error, "webhook delivery round failed");
                        false
                    }
                };
                if busy {
                    tokio::task::yield_now().await;
                    if shutdown.is_cancelled() {
                        return;
                    }
                    continue;
                }
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    _ = self.wake.notified() => {}
                    _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                }
            }
        })
    }

    /// One round: claims and starts what is due; how many deliveries it started.
    pub async fn round(&self) -> anyhow::Result<usize> {
        let now = Utc::now();
        let endpoints: Vec<Uuid> = webhook_endpoint::Entity::find()
            .select_only()
            .column(webhook_endpoint::Column::Id)
            .filter(webhook_endpoint::Column::Paused.eq(false))
            .filter(webhook_endpoint::Column::DisabledAt.is_null())
            .filter(Expr::exists(
                Query::select()
                    .expr(Expr::val(1))
                    .from(webhook_delivery::Entity)
                    .and_where(
                        Expr::col((webhook_delivery::Entity, webhook_delivery::Column::EndpointId))
                            .equals((webhook_endpoint::Entity, webhook_endpoint::Column::Id)),
                    )
                    .cond_where(due(now))
                    .to_owned(),
            ))
            .apply_if(self.cursor_now(), |q, after| {
                q.filter(webhook_endpoint::Column::Id.gt(after))
            })
            .order_by_asc(webhook_endpoint::Column::Id)
            .limit(ENDPOINTS_PER_ROUND)
            .into_tuple()
            .all(&self.db)
            .await?;
        self.set_cursor(if endpoints.len() as u64 == ENDPOINTS_PER_ROUND {
            endpoints.last().copied()
        } else {
            None
        });
        let mut started = 0;
        for endpoint in endpoints {
            let permits = self.permits_of(endpoint);
            let free = permits.available_permits();
            if free == 0 {
                continue;
            }
            for delivery in self.claim(endpoint, free).await? {
                let Ok(permit) = permits.clone().try_acquire_owned() else {
                    break;
                };
                started += 1;
                let worker = self.clone();
                tokio::spawn(async move {
                    if let Err(error) = worker.attempt(delivery).await {
                        tracing::warn!(?error, "webhook delivery failed to record");
                    }
                    drop(permit);
                    worker.wake.notify_one();
                });
            }
        }
        Ok(started)
    }

    fn cursor_now(&self) -> Option<Uuid> {
        *self
            .cursor
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn set_cursor(&self, next: Option<Uuid>) {
        *self
            .cursor
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = next;
    }

    fn permits_of(&self, endpoint: Uuid) -> Arc<Semaphore> {
        let mut permits = self
            .permits
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        permits
            .entry(endpoint)
            .or_insert_with(|| Arc::new(Semaphore::new(self.concurrency())))
            .clone()
    }

    /// Claims up to `wanted` due deliveries of one endpoint (see the module).
    async fn claim(&self, endpoint_id: Uuid, wanted: usize) -> anyhow::Result<Vec<webhook_delivery::Model>> {
        let txn = crate::db::begin_write(&self.db).await?;
        let mut find = webhook_endpoint::Entity::find_by_id(endpoint_id)
            .filter(webhook_endpoint::Column::Paused.eq(false))
            .filter(webhook_endpoint::Column::DisabledAt.is_null());
        if self.db.get_database_backend() == sea_orm::DbBackend::Postgres {
            // NO KEY UPDATE: claims exclude each other (and the endpoint's
            // deletion), not the changes that queue deliveries.
            find = find.lock_with_behavior(
                sea_orm::sea_query::LockType::NoKeyUpdate,
                sea_orm::sea_query::LockBehavior::SkipLocked,
            );
        }
        if find.one(&txn).await?.is_none() {
            txn.rollback().await?;
            return Ok(Vec::new());
        }
        let now = Utc::now();
        let in_flight = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::EndpointId.eq(endpoint_id))
            .filter(webhook_delivery::Column::Status.eq(WebhookDeliveryStatus::Pending.as_str()))
            .filter(webhook_delivery::Column::ClaimedUntil.gt(now))
            .count(&txn)
            .await? as usize;
        let room = wanted.min(self.concurrency().saturating_sub(in_flight));
        if room == 0 {
            txn.rollback().await?;
            return Ok(Vec::new());
        }
        // The first pending delivery of each subject: only those may go
        // (order per subject); of them, the due and unclaimed ones, oldest
        // first. Two statements rather than `id IN (SELECT min(id) …)`,
        // which PostgreSQL may plan as a loop over the aggregate while the
        // table's statistics are young. PostgreSQL has no min() of uuid;
        // their text sorts as they do.
        let first = match self.db.get_database_backend() {
            sea_orm::DbBackend::Postgres => Expr::expr(
                Expr::col(webhook_delivery::Column::Id)
                    .cast_as(Alias::new("text"))
                    .min(),
            )
            .cast_as(Alias::new("uuid")),
            _ => Expr::col(webhook_delivery::Column::Id).min(),
        };
        let mut heads: Vec<Uuid> = webhook_delivery::Entity::find()
            .select_only()
            .expr(first)
            .filter(webhook_delivery::Column::EndpointId.eq(endpoint_id))
            .filter(webhook_delivery::Column::Status.eq(WebhookDeliveryStatus::Pending.as_str()))
            .group_by(webhook_delivery::Column::SubjectId)
            .into_tuple()
            .all(&txn)
            .await?;
        heads.sort_unstable();
        let mut rows = Vec::new();
        for chunk in heads.chunks(HEADS_PER_STATEMENT) {
            let more = webhook_delivery::Entity::find()
                .filter(webhook_delivery::Column::Id.is_in(chunk.iter().copied()))
                .filter(due(now))
                .order_by_asc(webhook_delivery::Column::Id)
                .limit((room - rows.len()) as u64)
                .all(&txn)
                .await?;
            rows.extend(more);
            if rows.len() >= room {
                break;
            }
        }
        if rows.is_empty() {
            txn.rollback().await?;
            return Ok(rows);
        }
        let until = now + self.lease();
        let claim = Uuid::now_v7();
        webhook_delivery::Entity::update_many()
            .col_expr(webhook_delivery::Column::ClaimedUntil, Expr::value(until))
            .col_expr(webhook_delivery::Column::ClaimId, Expr::value(claim))
            .filter(webhook_delivery::Column::Id.is_in(rows.iter().map(|r| r.id)))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(rows
            .into_iter()
            .map(|mut row| {
                row.claimed_until = Some(until);
                row.claim_id = Some(claim);
                row
            })
            .collect())
    }

    /// Makes one attempt at a claimed delivery and records what became of it.
    async fn attempt(&self, delivery: webhook_delivery::Model) -> ApiResult<()> {
        let Some(endpoint) = webhook_endpoint::Entity::find_by_id(delivery.endpoint_id)
            .one(&self.db)
            .await?
        else {
            return Ok(()); // deleted meanwhile, with its deliveries
        };
        if endpoint.paused || endpoint.disabled_at.is_some() {
            self.release(&delivery).await?;
            return Ok(());
        }
        let caller = Caller::system_of(&self.db, endpoint.organisation_id).await?;
        if !readable(&self.db, &caller, &delivery).await? {
            let _ = self
                .finish(
                    &delivery,
                    webhook_delivery::ActiveModel {
                        status: Set(WebhookDeliveryStatus::Skipped),
                        next_attempt_at: Set(None),
                        ..Default::default()
                    },
                )
                .await?;
            return Ok(());
        }
        let started = Utc::now();
        let sent = self.send(&endpoint, &delivery, started).await;
        let (outcome, status_code, error, excerpt) = match sent {
            Ok(posted) => {
                let outcome = judge(&posted);
                let error = match outcome {
                    Outcome::Delivered => None,
                    _ => Some(format!("HTTP {}", posted.status)),
                };
                (
                    outcome,
                    Some(i32::from(posted.status)),
                    error,
                    Some(excerpt_of(&posted.excerpt)),
                )
            }
            Err(error) => {
                let outcome = match error {
                    FetchError::InvalidUrl | FetchError::NotHttps => Outcome::GiveUp,
                    _ => Outcome::Retry(None),
                };
                (outcome, None, Some(error.to_string()), None)
            }
        };
        self.record(
            &endpoint,
            &delivery,
            outcome,
            status_code,
            error,
            excerpt,
            started,
        )
        .await
    }

    /// Signs and POSTs the payload.
    async fn send(
        &self,
        endpoint: &webhook_endpoint::Model,
        delivery: &webhook_delivery::Model,
        now: DateTime<Utc>,
    ) -> Result<Posted, FetchError> {
        let body = serde_json::to_vec(&payload(delivery, &self.settings.public_url)).unwrap_or_default();
        let id = message_id(delivery.id);
        let timestamp = now.timestamp();
        let mut keys = Vec::with_capacity(2);
        match self.secrets.open(&endpoint.secret) {
            Ok(key) => keys.push(key),
            Err(error) => {
                tracing::error!(endpoint = %endpoint.id, %error, "the endpoint's secret cannot be opened");
                return Err(FetchError::Unreachable(
                    "the signing secret cannot be read".into(),
                ));
            }
        }
        if let (Some(previous), Some(until)) = (&endpoint.previous_secret, endpoint.previous_secret_until)
            && until > now
            && let Ok(key) = self.secrets.open(previous)
        {
            keys.push(key);
        }
        let signature = signing::header(&keys, &id, timestamp, &body);
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        for (name, value) in [
            ("webhook-id", id.as_str()),
            ("webhook-timestamp", &timestamp.to_string()),
            ("webhook-signature", &signature),
        ] {
            if let Ok(value) = HeaderValue::from_str(value) {
                headers.insert(name, value);
            }
        }
        self.fetcher
            .post(&endpoint.url, headers, Bytes::from(body), READ_AT_MOST)
            .await
    }

    /// Records an attempt: the delivery's state, and the endpoint's run of
    /// failures (which disables it after `--webhook-disable-after-hours`).
    #[allow(clippy::too_many_arguments)]
    async fn record(
        &self,
        endpoint: &webhook_endpoint::Model,
        delivery: &webhook_delivery::Model,
        outcome: Outcome,
        status_code: Option<i32>,
        error: Option<String>,
        excerpt: Option<String>,
        at: DateTime<Utc>,
    ) -> ApiResult<()> {
        let attempts = delivery.attempts + 1;
        let delays = &self.args().webhook_retry_delays_secs;
        let (status, next) = match outcome {
            Outcome::Delivered => (WebhookDeliveryStatus::Succeeded, None),
            Outcome::GiveUp | Outcome::Gone => (WebhookDeliveryStatus::Failed, None),
            Outcome::Retry(asked) => match delays.get(attempts as usize) {
                Some(secs) => {
                    let wait = next_wait(Duration::from_secs(*secs), asked);
                    let wait = chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::zero());
                    (WebhookDeliveryStatus::Pending, Some(Utc::now() + wait))
                }
                None => (WebhookDeliveryStatus::Failed, None),
            },
        };
        let recorded = self
            .finish(
                delivery,
                webhook_delivery::ActiveModel {
                    status: Set(status),
                    attempts: Set(attempts),
                    last_status_code: Set(status_code),
                    last_error: Set(error.map(|e| e.chars().take(EXCERPT_CHARS).collect())),
                    response_excerpt: Set(excerpt),
                    next_attempt_at: Set(next),
                    last_attempt_at: Set(Some(at)),
                    ..Default::default()
                },
            )
            .await?;
        if !recorded {
            // The claim lapsed and another attempt (or a deletion, or the
            // endpoint's disabling) took over: that one's outcome stands.
            return Ok(());
        }
        self.metrics
            .webhook_attempts
            .get_or_create(&crate::metrics::ErrorLabels {
                code: status.as_str().to_owned(),
            })
            .inc();
        match outcome {
            // The endpoint answered: it is up, whatever it thought of this one.
            Outcome::Delivered | Outcome::GiveUp => {
                if endpoint.failing_since.is_some() {
                    webhook_endpoint::Entity::update_many()
                        .col_expr(
                            webhook_endpoint::Column::FailingSince,
                            Expr::value(Option::<DateTime<Utc>>::None),
                        )
                        .filter(webhook_endpoint::Column::Id.eq(endpoint.id))
                        .exec(&self.db)
                        .await?;
                }
            }
            Outcome::Gone => self.disable(endpoint, "webhook-disabled-gone").await?,
            Outcome::Retry(_) => {
                let since = match endpoint.failing_since {
                    Some(since) => since,
                    None => {
                        webhook_endpoint::Entity::update_many()
                            .col_expr(webhook_endpoint::Column::FailingSince, Expr::value(Some(at)))
                            .filter(webhook_endpoint::Column::Id.eq(endpoint.id))
                            .filter(webhook_endpoint::Column::FailingSince.is_null())
                            .exec(&self.db)
                            .await?;
                        at
                    }
                };
                let limit = chrono::Duration::hours(self.args().webhook_disable_after_hours as i64);
                if Utc::now() - since >= limit {
                    self.disable(endpoint, "webhook-disabled-failing").await?;
                }
            }
        }
        Ok(())
    }

    /// Disables an endpoint: its pending deliveries fail, none are queued
    /// until its organisation resumes it. Recorded as an event.
    async fn disable(&self, endpoint: &webhook_endpoint::Model, reason: &'static str) -> ApiResult<()> {
        let now = Utc::now();
        let mut change = Change::begin(&self.db).await?;
        let disabled = webhook_endpoint::Entity::update_many()
            .col_expr(webhook_endpoint::Column::DisabledAt, Expr::value(Some(now)))
            .col_expr(
                webhook_endpoint::Column::DisabledReason,
                Expr::value(Some(reason)),
            )
            .col_expr(
                webhook_endpoint::Column::Version,
                Expr::col(webhook_endpoint::Column::Version).add(1),
            )
            .col_expr(webhook_endpoint::Column::UpdatedAt, Expr::value(now))
            .filter(webhook_endpoint::Column::Id.eq(endpoint.id))
            .filter(webhook_endpoint::Column::DisabledAt.is_null())
            .exec(change.db())
            .await?;
        if disabled.rows_affected == 0 {
            change.rollback().await?;
            return Ok(());
        }
        webhook_delivery::Entity::update_many()
            .col_expr(
                webhook_delivery::Column::Status,
                Expr::value(WebhookDeliveryStatus::Failed.as_str()),
            )
            .col_expr(
                webhook_delivery::Column::NextAttemptAt,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .col_expr(
                webhook_delivery::Column::ClaimedUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .col_expr(
                webhook_delivery::Column::ClaimId,
                Expr::value(Option::<Uuid>::None),
            )
            .col_expr(
                webhook_delivery::Column::LastError,
                Expr::value("endpoint disabled"),
            )
            .filter(webhook_delivery::Column::EndpointId.eq(endpoint.id))
            .filter(webhook_delivery::Column::Status.eq(WebhookDeliveryStatus::Pending.as_str()))
            .exec(change.db())
            .await?;
        change
            .record(
                NewEvent::new("webhook_endpoint.disabled", "WebhookEndpoint", endpoint.id, None)
                    .payload(json!({ "organisationId": endpoint.organisation_id, "reason": reason })),
            )
            .await?;
        change.commit(&self.events).await?;
        tracing::warn!(endpoint = %endpoint.id, reason, "webhook endpoint disabled");
        Ok(())
    }

    /// Gives a claimed delivery back, unattempted.
    async fn release(&self, delivery: &webhook_delivery::Model) -> ApiResult<()> {
        let _ = self
            .finish(delivery, <webhook_delivery::ActiveModel as Default>::default())
            .await?;
        Ok(())
    }

    /// Applies `change` to a delivery and ends its claim, if the claim is
    /// still this one's (a lapsed claim may have been taken over, the
    /// delivery redelivered, its endpoint disabled or deleted); whether it was.
    async fn finish(
        &self,
        delivery: &webhook_delivery::Model,
        mut change: webhook_delivery::ActiveModel,
    ) -> ApiResult<bool> {
        change.claimed_until = Set(None);
        change.claim_id = Set(None);
        let Some(claim) = delivery.claim_id else {
            return Ok(false);
        };
        let result = webhook_delivery::Entity::update_many()
            .set(change)
            .filter(webhook_delivery::Column::Id.eq(delivery.id))
            .filter(webhook_delivery::Column::ClaimId.eq(claim))
            .filter(webhook_delivery::Column::Status.eq(WebhookDeliveryStatus::Pending.as_str()))
            .exec(&self.db)
            .await?;
        Ok(result.rows_affected == 1)
    }
}

/// Pending, due, and not claimed (or its claim has lapsed).
fn due(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(webhook_delivery::Column::Status.eq(WebhookDeliveryStatus::Pending.as_str()))
        .add(webhook_delivery::Column::NextAttemptAt.lte(now))
        .add(
            Condition::any()
                .add(webhook_delivery::Column::ClaimedUntil.is_null())
                .add(webhook_delivery::Column::ClaimedUntil.lt(now)),
        )
}

fn excerpt_of(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .take(EXCERPT_CHARS)
        .collect()
}
