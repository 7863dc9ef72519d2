//! The database connection. SQLite is the embedded default (a file in the
//! working directory, WAL mode, foreign keys on); PostgreSQL is the engine
//! for production, optionally inside a named schema.

use std::time::Duration;

use anyhow::Context as _;
use sammen_migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};

use crate::config::GlobalArgs;

/// Opens a pool. For PostgreSQL with a schema, the schema is created if
/// missing and set as the `search_path` of every connection.
pub async fn connect(global: &GlobalArgs) -> anyhow::Result<DatabaseConnection> {
    let url = &global.database_url;
    let mut options = ConnectOptions::new(url.clone());
    options
        .max_connections(global.database_max_connections.max(1))
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        // A connection taken from the pool is pinged only when it has been
        // idle long enough to have been dropped by the server or a
        // firewall: pinging on every checkout (sqlx's default) doubled the
        // round trips of every statement.
        .test_before_acquire_if_idle_for(Duration::from_secs(30))
        // SQLite: each pooled connection reads the file through mmap (up to
        // 1 GiB; the pages are the kernel's page cache, shared) and keeps
        // up to 32 MiB of pages itself, instead of one pread per page into
        // the default 2 MiB cache. On scale 1000, a common word's search
        // spent a quarter of its time in pread.
        .map_sqlx_sqlite_opts(|sqlite| {
            sqlite
                .pragma("mmap_size", "1073741824")
                .pragma("cache_size", "-32768")
        });
    let is_postgres = url.starts_with("postgres:") || url.starts_with("postgresql:");
    if let Some(schema) = &global.database_schema {
        anyhow::ensure!(is_postgres, "--database-schema only applies to PostgreSQL");
        anyhow::ensure!(
            !schema.is_empty() && schema.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'),
            "the database schema name may hold only letters, digits and `_`"
        );
        let bootstrap = Database::connect(ConnectOptions::new(url.clone()).sqlx_logging(false).to_owned())
            .await
            .context("connecting to the database")?;
        bootstrap
            .execute_unprepared(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))
            .await
            .context("creating the database schema")?;
        bootstrap.close().await.ok();
        options.set_schema_search_path(schema.clone());
    }
    let db = Database::connect(options)
        .await
        .with_context(|| format!("connecting to the database ({})", redact(url)))?;
    if db.get_database_backend() == DbBackend::Sqlite {
        // sqlx already turns foreign keys on and sets a busy timeout on every
        // connection. WAL lets readers run beside the writer; unlike those
        // pragmas it is stored in the file, so once is enough.
        db.execute_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA journal_mode = WAL",
        ))
        .await
        .context("switching SQLite to WAL")?;
    }
    Ok(db)
}

/// Starts a transaction that writes. On SQLite it begins as a writer
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads first and then
/// writes cannot wait for another writer (SQLite answers "database is
/// locked" at once), while one that takes the write lock up front waits its
/// turn under the busy timeout. PostgreSQL ignores the mode.
pub async fn begin_write(db: &DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, sea_orm::DbErr> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}

/// Counts the SQL statements of one operation against its budget.
#[derive(Debug)]
pub struct StatementBudget {
    used: std::sync::atomic::AtomicU64,
    limit: u64,
}

impl StatementBudget {
    pub fn new(limit: u64) -> Self {
        Self {
            used: std::sync::atomic::AtomicU64::new(0),
            limit,
        }
    }

    pub fn used(&self) -> u64 {
        self.used.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Whether the operation has used up its budget.
    pub fn spent(&self) -> bool {
        self.used() >= self.limit
    }
}

/// A handle on the pool that also counts statements into `budget` (and the
/// process-wide counter). Cloning a connection shares the pool.
pub fn counting(
    db: &DatabaseConnection,
    total: prometheus_client::metrics::counter::Counter,
    budget: std::sync::Arc<StatementBudget>,
) -> DatabaseConnection {
    let mut db = db.clone();
    db.set_metric_callback(move |_| {
        total.inc();
        budget.used.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    });
    db
}

/// Applies pending migrations, then rebuilds the search index if it was
/// made by another version of the analysis.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await.context("running migrations")?;
    crate::search::index::ensure_current(db)
        .await
        .context("bringing the search index up to date")
}

/// Whether the database answers.
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.ping().await.is_ok()
}

/// The URL without its password, for logs and error messages.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// A unique constraint as each engine names it in its error: SQLite by
/// the columns (`table.column, …`), PostgreSQL by the constraint or index.
#[derive(Clone, Copy, Debug)]
pub struct Unique {
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

pub const ORGANISATION_SLUG: Unique = Unique {
    sqlite: "organisation.slug",
    postgres: "organisation_slug_key",
};
pub const PERSON_EMAIL: Unique = Unique {
    sqlite: "person.email",
    postgres: "person_email_key",
};
pub const PROJECT_CODE: Unique = Unique {
    sqlite: "project.code",
    postgres: "project_code_key",
};
pub const PROJECT_PARTICIPANT: Unique = Unique {
    sqlite: "project_participant.project_id, project_participant.organisation_id",
    postgres: "project_participant_pkey",
};
pub const PROJECT_MEMBER: Unique = Unique {
    sqlite: "project_member.project_id, project_member.person_id",
    postgres: "project_member_pkey",
};
pub const DELIVERABLE_CODE: Unique = Unique {
    sqlite: "deliverable.project_id, deliverable.code",
    postgres: "idx_deliverable_code",
};
pub const DOCUMENT_VERSION_NUMBER: Unique = Unique {
    sqlite: "document_version.document_id, document_version.number",
    postgres: "idx_document_version_number",
};
pub const TRAINING_DOCUMENT: Unique = Unique {
    sqlite: "training_document.training_material_id, training_document.document_id",
    postgres: "training_document_pkey",
};

/// Whether `error` violates `constraint`.
pub fn violates(error: &sea_orm::DbErr, constraint: Unique) -> bool {
    match error.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(message)) => {
            message.contains(constraint.sqlite) || message.contains(constraint.postgres)
        }
        _ => false,
    }
}

/// The one mapping from a unique-constraint violation to a field error:
/// `.map_err(on_unique(ORGANISATION_SLUG, || ApiError::invalid("slug", …)))`.
/// Any other database error stays what it is (INTERNAL).
pub fn on_unique(
    constraint: Unique,
    field_error: impl FnOnce() -> crate::error::ApiError,
) -> impl FnOnce(sea_orm::DbErr) -> crate::error::ApiError {
    move |error| {
        if violates(&error, constraint) {
            field_error()
        } else {
            error.into()
        }
    }
}

/// The columns optimistic concurrency works with.
pub struct Versioned<C> {
    pub id: C,
    pub version: C,
    pub updated_at: C,
}

/// Applies `change` to row `id` only if it is still at version `expected`,
/// bumping the version and `updated_at` in the same statement; otherwise
/// CONFLICT with the version the row has now (NOT_FOUND if it is gone).
pub async fn versioned_update<E, A>(
    db: &impl sea_orm::ConnectionTrait,
    columns: Versioned<E::Column>,
    id: uuid::Uuid,
    expected: i32,
    change: A,
) -> crate::error::ApiResult<E::Model>
where
    E: sea_orm::EntityTrait,
    A: sea_orm::ActiveModelTrait<Entity = E> + Send,
    E::Model: sea_orm::ModelTrait<Entity = E> + Send + Sync,
{
    versioned_update_or(db, columns, id, expected, change, crate::error::ApiError::from).await
}

/// [`versioned_update`], with `on_error` for the update's own database
/// errors (e.g. [`on_unique`] for a changed unique column).
pub async fn versioned_update_or<E, A>(
    db: &impl sea_orm::ConnectionTrait,
    columns: Versioned<E::Column>,
    id: uuid::Uuid,
    expected: i32,
    change: A,
    on_error: impl FnOnce(sea_orm::DbErr) -> crate::error::ApiError,
) -> crate::error::ApiResult<E::Model>
where
    E: sea_orm::EntityTrait,
    A: sea_orm::ActiveModelTrait<Entity = E> + Send,
    E::Model: sea_orm::ModelTrait<Entity = E> + Send + Sync,
{
    use sea_orm::sea_query::{Expr, ExprTrait};
    use sea_orm::{ColumnTrait, ModelTrait, QueryFilter};

    let result = E::update_many()
        .set(change)
        .col_expr(columns.version, Expr::col(columns.version).add(1))
        .col_expr(columns.updated_at, Expr::value(chrono::Utc::now()))
        .filter(columns.id.eq(id))
        .filter(columns.version.eq(expected))
        .exec(db)
        .await
        .map_err(on_error)?;
    let row = E::find()
        .filter(columns.id.eq(id))
        .one(db)
        .await?
        .ok_or_else(crate::error::ApiError::not_found)?;
    if result.rows_affected == 0 {
        let current = match row.get(columns.version) {
            sea_orm::Value::Int(Some(v)) => v,
            _ => expected,
        };
        return Err(crate::error::ApiError::stale_version(expected, current));
    }
    Ok(row)
}
