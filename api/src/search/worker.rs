//! The file-text worker of one node: it takes the extraction jobs that
//! `index::apply` queues when a document gets a new version, extracts the
//! file's text (`extract`, bounded per file) and writes the document's FILE
//! row. It wakes when this node commits a new version and at least every
//! second (jobs other nodes queued, retries, a restart's leftovers).
//!
//! A job is claimed in a short write transaction (`FOR UPDATE SKIP LOCKED`
//! on PostgreSQL), which counts the attempt and leases the job for the
//! extraction's timeout and a margin: a node killed mid-extraction leaves
//! it to be claimed again when the lease ends, and a file that kills the
//! worker on every try is given up after `MAX_ATTEMPTS` claims. Only a
//! storage error is retried; a file that failed to extract is final.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use futures_util::TryStreamExt;
use sammen_entities::{document, document_version, search_extraction};
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, DbErr,
    EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set,
};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::extract::{Extracted, Extractor, Format};
use super::index::{FILE, ItemType, Row, write};
use super::text::{self, Lang};
use crate::config::SearchArgs;
use crate::events::Dispatcher;
use crate::storage::Storage;

/// Claims of one job before it is given up (`gave_up`).
pub const MAX_ATTEMPTS: i32 = 3;
/// Tokens of a file's text that are indexed (PostgreSQL keeps positions up
/// to 16 383); the stored text stops there too, so a highlight never shows
/// text that cannot be found.
pub const MAX_FILE_TOKENS: usize = 16_000;

/// Job states.
pub const PENDING: &str = "PENDING";
pub const DONE: &str = "DONE";
pub const FAILED: &str = "FAILED";
pub const SKIPPED: &str = "SKIPPED";

/// Queues the text of a new version for extraction, in the change's
/// transaction (SKIPPED at once if its media type has no text we read).
pub async fn enqueue(
    db: &impl ConnectionTrait,
    document_id: Uuid,
    version_id: Uuid,
    media_type: &str,
    size: i64,
) -> Result<(), DbErr> {
    search_extraction::Entity::delete_by_id(version_id)
        .exec(db)
        .await?;
    let searchable = Format::of(media_type).is_some();
    search_extraction::ActiveModel {
        version_id: Set(version_id),
        document_id: Set(document_id),
        media_type: Set(media_type.to_owned()),
        size: Set(size),
        status: Set(if searchable { PENDING } else { SKIPPED }.to_owned()),
        reason: Set((!searchable).then(|| "unsupported".to_owned())),
        attempts: Set(0),
        chars: Set(None),
        next_attempt_at: Set(None),
        claimed_until: Set(None),
        created_at: Set(Utc::now()),
        finished_at: Set((!searchable).then(Utc::now)),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Queues every document's current version again (`sammen search reindex
/// --files`); how many.
pub async fn requeue_all(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    let mut queued = 0;
    let versions = document_version::Entity::find()
        .order_by_asc(document_version::Column::DocumentId)
        .order_by_desc(document_version::Column::Number)
        .all(db)
        .await?;
    let mut last = None;
    for version in versions {
        if last == Some(version.document_id) {
            continue;
        }
        last = Some(version.document_id);
        enqueue(
            db,
            version.document_id,
            version.id,
            &version.media_type,
            version.size,
        )
        .await?;
        queued += 1;
    }
    Ok(queued)
}

/// Job counts by status.
pub async fn counts(db: &impl ConnectionTrait) -> Result<Vec<(String, i64)>, DbErr> {
    search_extraction::Entity::find()
        .select_only()
        .column(search_extraction::Column::Status)
        .column_as(search_extraction::Column::VersionId.count(), "n")
        .group_by(search_extraction::Column::Status)
        .order_by_asc(search_extraction::Column::Status)
        .into_tuple()
        .all(db)
        .await
}

/// Deletes finished jobs older than `days` days; how many went.
pub async fn prune(db: &DatabaseConnection, days: u32) -> Result<u64, DbErr> {
    let before = Utc::now() - chrono::Duration::days(i64::from(days));
    Ok(search_extraction::Entity::delete_many()
        .filter(search_extraction::Column::Status.ne(PENDING))
        .filter(search_extraction::Column::FinishedAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}

/// The oldest due job: PENDING, its retry time come, not leased.
fn due(now: chrono::DateTime<Utc>) -> sea_orm::Select<search_extraction::Entity> {
    search_extraction::Entity::find()
        .filter(search_extraction::Column::Status.eq(PENDING))
        .filter(
            Condition::any()
                .add(search_extraction::Column::NextAttemptAt.is_null())
                .add(search_extraction::Column::NextAttemptAt.lte(now)),
        )
        .filter(
            Condition::any()
                .add(search_extraction::Column::ClaimedUntil.is_null())
                .add(search_extraction::Column::ClaimedUntil.lt(now)),
        )
        .order_by_asc(search_extraction::Column::CreatedAt)
        .limit(1)
}

/// What working a job came to.
enum Outcome {
    Text(Box<document_version::Model>, String),
    Failed(&'static str),
    Skipped(&'static str),
    /// Storage did not answer: try again later.
    Retry,
}

/// One node's file-text worker.
#[derive(Clone)]
pub struct Worker {
    db: DatabaseConnection,
    storage: Storage,
    extractor: Extractor,
    max_bytes: u64,
    lease: chrono::Duration,
    wake: Arc<Notify>,
}

impl Worker {
    pub fn new(
        db: DatabaseConnection,
        storage: Storage,
        args: &SearchArgs,
        max_upload_bytes: u64,
    ) -> std::io::Result<Self> {
        Ok(Self {
            db,
            storage,
            extractor: Extractor::new(args)?,
            max_bytes: std::cmp::min(args.search_extract_max_bytes, max_upload_bytes),
            lease: chrono::Duration::seconds(std::cmp::max(args.search_extract_timeout_secs, 1) as i64 + 5),
            wake: Arc::new(Notify::new()),
        })
    }

    /// Runs `workers` loops until `shutdown`.
    pub fn spawn(self, workers: usize, events: &Dispatcher, shutdown: CancellationToken) {
        let mut committed = events.subscribe();
        let wake = self.wake.clone();
        let listener = shutdown.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = listener.cancelled() => return,
                    received = committed.recv() => match received {
                        Ok(committed) if committed.event.kind != "document.version_added" => {}
                        Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => wake.notify_waiters(),
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                    },
                }
            }
        });
        for _ in 0..workers {
            let worker = self.clone();
            let shutdown = shutdown.clone();
            tokio::spawn(async move {
                loop {
                    let busy = match worker.round().await {
                        Ok(worked) => worked,
                        Err(error) => {
                            tracing::warn!(%error, "file text extraction round failed");
                            false
                        }
                    };
                    if shutdown.is_cancelled() {
                        return;
                    }
                    if busy {
                        continue;
                    }
                    tokio::select! {
                        _ = shutdown.cancelled() => return,
                        _ = worker.wake.notified() => {}
                        _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                    }
                }
            });
        }
    }

    /// Works every due job until none is left (`sammen search reindex
    /// --files --wait`); how many.
    pub async fn drain(&self) -> Result<u64, DbErr> {
        let mut worked = 0;
        while self.round().await? {
            worked += 1;
        }
        Ok(worked)
    }

    /// Claims and works one due job; whether there was one.
    pub async fn round(&self) -> Result<bool, DbErr> {
        let Some(job) = self.claim().await? else {
            return Ok(false);
        };
        if job.attempts > MAX_ATTEMPTS {
            self.finish(&job, Outcome::Failed("gave_up")).await?;
            return Ok(true);
        }
        let outcome = self.work(&job).await?;
        self.finish(&job, outcome).await?;
        Ok(true)
    }

    /// The oldest due job, its attempt counted and leased to this worker.
    async fn claim(&self) -> Result<Option<search_extraction::Model>, DbErr> {
        let now = Utc::now();
        // Idle rounds cost one read, not a write transaction.
        if due(now).one(&self.db).await?.is_none() {
            return Ok(None);
        }
        let txn = crate::db::begin_write(&self.db).await?;
        let mut find = due(now);
        if txn.get_database_backend() == DbBackend::Postgres {
            find = find.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        let Some(job) = find.one(&txn).await? else {
            txn.rollback().await?;
            return Ok(None);
        };
        let mut claimed = job.into_active_model();
        claimed.attempts = Set(claimed.attempts.as_ref() + 1);
        claimed.claimed_until = Set(Some(now + self.lease));
        let job = claimed.update(&txn).await?;
        txn.commit().await?;
        Ok(Some(job))
    }

    async fn work(&self, job: &search_extraction::Model) -> Result<Outcome, DbErr> {
        let Some(version) = document_version::Entity::find_by_id(job.version_id)
            .one(&self.db)
            .await?
        else {
            return Ok(Outcome::Skipped("superseded"));
        };
        if u64::try_from(version.size).unwrap_or(u64::MAX) > self.max_bytes {
            return Ok(Outcome::Skipped("too_large"));
        }
        let Some(format) = Format::of(&version.media_type) else {
            return Ok(Outcome::Skipped("unsupported"));
        };
        let bytes = match self.read(&version.storage_key).await {
            Ok(bytes) => bytes,
            Err(error) => {
                tracing::warn!(%error, version = %version.id, "reading a file to extract its text failed");
                return Ok(Outcome::Retry);
            }
        };
        Ok(match self.extractor.extract(format, bytes).await {
            Extracted::Text(text) => Outcome::Text(Box::new(version), text),
            Extracted::Failed(reason) => {
                tracing::info!(version = %job.version_id, reason, "a file's text could not be extracted");
                Outcome::Failed(reason)
            }
        })
    }

    async fn read(&self, key: &str) -> Result<Vec<u8>, object_store::Error> {
        let mut stream = self.storage.read(key).await?;
        let mut bytes = Vec::new();
        while let Some(chunk) = stream.try_next().await? {
            bytes.extend_from_slice(&chunk);
            if bytes.len() as u64 > self.max_bytes {
                break;
            }
        }
        Ok(bytes)
    }

    /// Records the outcome, and for text the FILE row if the version is
    /// still the document's current one.
    async fn finish(&self, job: &search_extraction::Model, outcome: Outcome) -> Result<(), DbErr> {
        let txn = crate::db::begin_write(&self.db).await?;
        let now = Utc::now();
        let (status, reason, chars, next) = match outcome {
            Outcome::Text(version, text) => match current_document(&txn, &version).await? {
                Some(document) => {
                    let text = first_tokens(&text, MAX_FILE_TOKENS);
                    let chars = i32::try_from(text.chars().count()).unwrap_or(i32::MAX);
                    let row = Row {
                        item_type: ItemType::Document,
                        item_id: document.id,
                        part: FILE,
                        locale: document.content_language.clone(),
                        lang: Lang::of_locale(&document.content_language),
                        is_original: document.content_language == document.original_locale,
                        texts: vec![("file", text)],
                        source_version_id: Some(version.id),
                        updated_at: version.created_at,
                    };
                    let rows = if row.texts[0].1.trim().is_empty() {
                        Vec::new()
                    } else {
                        vec![row]
                    };
                    write::replace(&txn, &[document.id], FILE, &rows).await?;
                    (DONE, None, Some(chars), None)
                }
                None => (SKIPPED, Some("superseded"), None, None),
            },
            Outcome::Failed(reason) => (FAILED, Some(reason), None, None),
            Outcome::Skipped(reason) => (SKIPPED, Some(reason), None, None),
            Outcome::Retry if job.attempts < MAX_ATTEMPTS => {
                let wait = chrono::Duration::seconds(10 * i64::from(std::cmp::max(job.attempts, 1)));
                (PENDING, None, None, Some(now + wait))
            }
            Outcome::Retry => (FAILED, Some("storage"), None, None),
        };
        let finished = status != PENDING;
        search_extraction::Entity::update_many()
            .col_expr(search_extraction::Column::Status, Expr::value(status))
            .col_expr(
                search_extraction::Column::Reason,
                Expr::value(reason.map(str::to_owned)),
            )
            .col_expr(search_extraction::Column::Chars, Expr::value(chars))
            .col_expr(search_extraction::Column::NextAttemptAt, Expr::value(next))
            .col_expr(
                search_extraction::Column::ClaimedUntil,
                Expr::value(Option::<chrono::DateTime<Utc>>::None),
            )
            .col_expr(
                search_extraction::Column::FinishedAt,
                Expr::value(finished.then_some(now)),
            )
            .filter(search_extraction::Column::VersionId.eq(job.version_id))
            .filter(search_extraction::Column::Status.eq(PENDING))
            .exec(&txn)
            .await?;
        txn.commit().await
    }
}

/// The document whose current (latest) version `version` is, if it is.
async fn current_document(
    db: &impl ConnectionTrait,
    version: &document_version::Model,
) -> Result<Option<document::Model>, DbErr> {
    let newer = document_version::Entity::find()
        .filter(document_version::Column::DocumentId.eq(version.document_id))
        .filter(document_version::Column::Number.gt(version.number))
        .one(db)
        .await?;
    if newer.is_some() {
        return Ok(None);
    }
    document::Entity::find_by_id(version.document_id).one(db).await
}

/// `text` up to the end of its `max`th token.
fn first_tokens(text: &str, max: usize) -> String {
    let tokens = text::tokens(text);
    match tokens.get(max) {
        Some(token) => text[..token.start].trim_end().to_owned(),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_text_stops_after_its_last_indexed_token() {
        assert_eq!(first_tokens("en to tre fire", 2), "en to");
        assert_eq!(first_tokens("en to", 5), "en to");
    }
}
