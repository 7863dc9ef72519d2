//! Each node's reading of committed events: the one way events reach this
//! node's consumers while it serves, whichever node made the change.
//!
//! The feed reads the `event` table in [`Position`] order from where it
//! last stood. On PostgreSQL it reads only below the oldest transaction
//! still running (`pg_snapshot_xmin`): every transaction with a smaller id
//! has finished, so no event can later appear behind one already read, and
//! a node that missed notifications catches up by reading on. It is woken
//! by this node's commits (the dispatcher), by the other nodes' commits (a
//! trigger on `event` notifies `sammen_events:<schema>` with the event's
//! id; a listening connection of its own, reconnected with backoff), and
//! every second in case a wake-up was lost. On SQLite, one node, writers
//! take turns, so event ids (UUIDv7, made under the write lock) already
//! run in commit order.

use std::collections::HashSet;
use std::time::Duration;

use sammen_entities::event;
use sea_orm::sqlx::postgres::{PgListener, PgPoolOptions};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, FromQueryResult, Statement, Value};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::{Committed, Dispatcher, Position};

/// How many events one read takes.
const PAGE: u64 = 500;
/// How often the feed reads even when nothing woke it.
const IDLE: Duration = Duration::from_secs(1);
/// How long the listening connection waits before reconnecting, at most.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// Starts this node's feed from the newest event committed now, and from
/// then on hands out every event committed by any node, once, in order.
pub async fn start(
    db: DatabaseConnection,
    dispatcher: Dispatcher,
    shutdown: CancellationToken,
) -> Result<(), DbErr> {
    // The feed's reads are not counted in `sammen_db_statements_total`:
    // every node reads every change, so counting them would make a
    // request's statements depend on how many nodes there are.
    let mut db = db;
    db.set_metric_callback(|_| {});
    let (start, settled) = horizon(&db).await?;
    *dispatcher.inner.last.lock().unwrap_or_else(|p| p.into_inner()) = start;
    dispatcher
        .inner
        .fed
        .store(true, std::sync::atomic::Ordering::Release);
    let notified = if db.get_database_backend() == DbBackend::Postgres {
        let schema = db
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT current_schema() AS s",
            ))
            .await?
            .and_then(|row| row.try_get::<String>("", "s").ok())
            .unwrap_or_else(|| "public".to_owned());
        let (sender, receiver) = mpsc::channel(1024);
        tokio::spawn(listen(db.clone(), channel(&schema), sender, shutdown.clone()));
        Some(receiver)
    } else {
        None
    };
    tokio::spawn(follow(db, dispatcher, start, settled, notified, shutdown));
    Ok(())
}

/// The channel a schema's event trigger notifies (see the migration
/// `event_feed`).
pub fn channel(schema: &str) -> String {
    let mut name = format!("sammen_events:{schema}");
    name.truncate(63);
    name
}

/// What the listening connection reports.
enum Heard {
    /// An event committed, by its id.
    Event(Uuid),
    /// The connection was (re)established: notifications may have been
    /// missed, so read on.
    Connected,
}

/// Reads events whenever woken until `shutdown`.
async fn follow(
    db: DatabaseConnection,
    dispatcher: Dispatcher,
    mut position: Position,
    mut settled: HashSet<Uuid>,
    mut notified: Option<mpsc::Receiver<Heard>>,
    shutdown: CancellationToken,
) {
    // Events heard of but not yet readable (an older transaction is still
    // running): read again soon rather than at the next idle tick.
    let mut pending: Vec<(Uuid, tokio::time::Instant)> = Vec::new();
    let mut retry = Duration::from_millis(10);
    loop {
        match read_after(&db, position, None, PAGE).await {
            Ok(page) => {
                let full = page.len() as u64 == PAGE;
                for committed in page {
                    pending.retain(|(id, _)| *id != committed.event.id);
                    position = committed.position;
                    // Committed before this node started: not news.
                    if settled.remove(&committed.event.id) {
                        continue;
                    }
                    dispatcher.count_caller_change(&committed.event);
                    dispatcher.hand_out(committed);
                }
                if full {
                    continue;
                }
            }
            Err(error) => {
                tracing::warn!(%error, "reading committed events failed");
                retry = Duration::from_millis(500);
            }
        }
        // An event that never becomes readable was pruned, or its
        // notification came from a copy of this schema elsewhere.
        pending.retain(|(_, since)| since.elapsed() < Duration::from_secs(30));
        let wait = if pending.is_empty() {
            retry = Duration::from_millis(10);
            IDLE
        } else {
            retry = (retry * 2).min(Duration::from_millis(500));
            retry
        };
        let heard = async {
            match notified.as_mut() {
                Some(receiver) => receiver.recv().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = dispatcher.inner.wake.notified() => {}
            heard = heard => match heard {
                Some(Heard::Event(id)) => pending.push((id, tokio::time::Instant::now())),
                Some(Heard::Connected) => {}
                None => notified = None,
            },
            _ = tokio::time::sleep(wait) => {}
        }
    }
}

/// Keeps a connection listening on `channel`, reconnecting with backoff,
/// and reports what it hears.
async fn listen(
    db: DatabaseConnection,
    channel: String,
    heard: mpsc::Sender<Heard>,
    shutdown: CancellationToken,
) {
    // A connection of its own (the pool's settings, one connection, no
    // idle timeout), named so an operator can tell it in pg_stat_activity.
    let options = db
        .get_postgres_connection_pool()
        .connect_options()
        .as_ref()
        .clone()
        .application_name("sammen events");
    let mut backoff = Duration::from_millis(100);
    loop {
        let connected = async {
            let pool = PgPoolOptions::new()
                .max_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_with(options.clone())
                .await?;
            let mut listener = PgListener::connect_with(&pool).await?;
            listener.ignore_pool_close_event(true);
            listener.listen(&channel).await?;
            Ok::<_, sea_orm::sqlx::Error>(listener)
        };
        let mut listener = tokio::select! {
            _ = shutdown.cancelled() => return,
            connected = connected => match connected {
                Ok(listener) => listener,
                Err(error) => {
                    tracing::warn!(%error, retry_in = ?backoff, "listening for other nodes' events failed");
                    tokio::select! {
                        _ = shutdown.cancelled() => return,
                        _ = tokio::time::sleep(backoff) => {}
                    }
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                    continue;
                }
            },
        };
        backoff = Duration::from_millis(100);
        if heard.send(Heard::Connected).await.is_err() {
            return;
        }
        loop {
            let next = tokio::select! {
                _ = shutdown.cancelled() => return,
                next = listener.try_recv() => next,
            };
            let report = match next {
                Ok(Some(notification)) => match notification.payload().parse() {
                    Ok(id) => Heard::Event(id),
                    Err(_) => continue,
                },
                // Lost and already reconnected: read on.
                Ok(None) => {
                    tracing::warn!("the connection listening for other nodes' events was lost; reconnected");
                    Heard::Connected
                }
                Err(error) => {
                    tracing::warn!(%error, "the connection listening for other nodes' events failed");
                    break;
                }
            };
            if heard.send(report).await.is_err() {
                return;
            }
        }
    }
}

/// Events after `after` (of one project, if given) in position order, at
/// most `limit`; on PostgreSQL only those below the oldest running
/// transaction, so nothing can later appear before the last one returned.
pub async fn read_after(
    db: &impl ConnectionTrait,
    after: Position,
    project: Option<Uuid>,
    limit: u64,
) -> Result<Vec<Committed>, DbErr> {
    let backend = db.get_database_backend();
    let mut values: Vec<Value> = Vec::with_capacity(3);
    let mut sql = match backend {
        DbBackend::Postgres => {
            values.push(after.tx.into());
            values.push(after.id.into());
            "SELECT * FROM event WHERE (tx, id) > ($1, $2) \
             AND tx < pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
                .to_owned()
        }
        _ => {
            values.push(after.id.into());
            "SELECT * FROM event WHERE id > $1".to_owned()
        }
    };
    if let Some(project) = project {
        values.push(project.into());
        sql.push_str(&format!(" AND project_id = ${}", values.len()));
    }
    sql.push_str(match backend {
        DbBackend::Postgres => " ORDER BY tx, id",
        _ => " ORDER BY id",
    });
    sql.push_str(&format!(" LIMIT {limit}"));
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    rows.iter()
        .map(|row| {
            let event = event::Model::from_query_result(row, "")?;
            let tx = match backend {
                DbBackend::Postgres => row.try_get::<i64>("", "tx")?,
                _ => 0,
            };
            Ok(Committed {
                position: Position { tx, id: event.id },
                event,
            })
        })
        .collect()
}

/// The position of one of a project's events, if it is still kept.
pub async fn position_of(
    db: &impl ConnectionTrait,
    id: Uuid,
    project: Uuid,
) -> Result<Option<Position>, DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => "SELECT tx FROM event WHERE id = $1 AND project_id = $2",
        _ => "SELECT 0 AS tx FROM event WHERE id = $1 AND project_id = $2",
    };
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [id.into(), project.into()],
        ))
        .await?;
    row.map(|row| {
        Ok(Position {
            tx: row.try_get("", "tx")?,
            id,
        })
    })
    .transpose()
}

/// What has been committed so far, as a reader who must not take it for
/// news sees it (the feed at start, a new subscriber): the newest event
/// every later one will come after, and (on PostgreSQL) the events
/// already committed beyond it, written by transactions younger than one
/// still running.
pub async fn horizon(db: &impl ConnectionTrait) -> Result<(Position, HashSet<Uuid>), DbErr> {
    let backend = db.get_database_backend();
    let position = |row: Option<sea_orm::QueryResult>| -> Result<Position, DbErr> {
        Ok(match row {
            Some(row) => Position {
                tx: row.try_get("", "tx")?,
                id: row.try_get("", "id")?,
            },
            None => Position::default(),
        })
    };
    if backend != DbBackend::Postgres {
        let sql = "SELECT 0 AS tx, id FROM event ORDER BY id DESC LIMIT 1";
        let row = db.query_one_raw(Statement::from_string(backend, sql)).await?;
        return Ok((position(row)?, HashSet::new()));
    }
    // One horizon for both readings: every transaction below it has ended.
    let horizon: i64 = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS horizon",
        ))
        .await?
        .map(|row| row.try_get("", "horizon"))
        .transpose()?
        .unwrap_or_default();
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            "SELECT tx, id FROM event WHERE tx < $1 ORDER BY tx DESC, id DESC LIMIT 1",
            [horizon.into()],
        ))
        .await?;
    let settled = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            "SELECT id FROM event WHERE tx >= $1",
            [horizon.into()],
        ))
        .await?
        .iter()
        .map(|row| row.try_get("", "id"))
        .collect::<Result<HashSet<Uuid>, DbErr>>()?;
    Ok((position(row)?, settled))
}
