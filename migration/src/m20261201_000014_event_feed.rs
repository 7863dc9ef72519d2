//! Events across nodes (issue 17). On PostgreSQL every event row gets the
//! id of the transaction that wrote it (`tx`, from `pg_current_xact_id()`),
//! and each insert notifies the channel `sammen_events:<schema>` with the
//! event's id when its transaction commits. A node reads events in `(tx,
//! id)` order, only below the oldest transaction still running, so no
//! event can appear behind one it has already read (see `events::feed`).
//! SQLite is one node: its writers take turns, so event ids (UUIDv7, made
//! under the write lock) already run in commit order.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared(
            "ALTER TABLE event ADD COLUMN tx bigint NOT NULL \
             DEFAULT (pg_current_xact_id()::text::bigint)",
        )
        .await?;
        db.execute_unprepared("CREATE INDEX idx_event_tx_id ON event (tx, id)")
            .await?;
        db.execute_unprepared(
            "CREATE FUNCTION sammen_event_notify() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN \
               PERFORM pg_notify(left('sammen_events:' || TG_TABLE_SCHEMA, 63), NEW.id::text); \
               RETURN NULL; \
             END $$",
        )
        .await?;
        db.execute_unprepared(
            "CREATE TRIGGER event_notify AFTER INSERT ON event \
             FOR EACH ROW EXECUTE FUNCTION sammen_event_notify()",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared("DROP TRIGGER IF EXISTS event_notify ON event")
            .await?;
        db.execute_unprepared("DROP FUNCTION IF EXISTS sammen_event_notify()")
            .await?;
        db.execute_unprepared("DROP INDEX IF EXISTS idx_event_tx_id")
            .await?;
        db.execute_unprepared("ALTER TABLE event DROP COLUMN IF EXISTS tx")
            .await?;
        Ok(())
    }
}
