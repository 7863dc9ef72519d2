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
        .sqlx_logging(false);
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

/// Applies pending migrations.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await.context("running migrations")
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
