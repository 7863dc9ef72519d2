//! Search's index (issue 15; `docs/design/search.md`): `search_doc`, one
//! row per item, locale and part (its metadata, or a document's file text),
//! with the texts as indexed; on SQLite a contentless FTS5 table
//! `search_fts` keyed by the row's id holding the stems (made in Rust), on
//! PostgreSQL a `tsv` column with a GIN index. `search_extraction` queues
//! file versions whose text is to be extracted; `search_meta` records the
//! index's version.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SearchDoc::Table)
                    .col(
                        ColumnDef::new(SearchDoc::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(string(SearchDoc::ItemType))
                    .col(uuid(SearchDoc::ItemId))
                    .col(string(SearchDoc::Part))
                    .col(string(SearchDoc::Locale))
                    .col(string(SearchDoc::Config))
                    .col(boolean(SearchDoc::IsOriginal))
                    .col(json(SearchDoc::Texts))
                    .col(uuid_null(SearchDoc::SourceVersionId))
                    .col(timestamp_with_time_zone(SearchDoc::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_search_doc")
                    .table(SearchDoc::Table)
                    .col(SearchDoc::ItemId)
                    .col(SearchDoc::Part)
                    .col(SearchDoc::Locale)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_search_doc_type")
                    .table(SearchDoc::Table)
                    .col(SearchDoc::ItemType)
                    .col(SearchDoc::ItemId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SearchExtraction::Table)
                    .col(pk_uuid(SearchExtraction::VersionId))
                    .col(uuid(SearchExtraction::DocumentId))
                    .col(string(SearchExtraction::MediaType))
                    .col(big_integer(SearchExtraction::Size))
                    .col(string(SearchExtraction::Status))
                    .col(string_null(SearchExtraction::Reason))
                    .col(integer(SearchExtraction::Attempts))
                    .col(integer_null(SearchExtraction::Chars))
                    .col(timestamp_with_time_zone_null(SearchExtraction::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(SearchExtraction::ClaimedUntil))
                    .col(timestamp_with_time_zone(SearchExtraction::CreatedAt))
                    .col(timestamp_with_time_zone_null(SearchExtraction::FinishedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_search_extraction_due")
                    .table(SearchExtraction::Table)
                    .col(SearchExtraction::Status)
                    .col(SearchExtraction::NextAttemptAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SearchMeta::Table)
                    .col(string(SearchMeta::Key).primary_key())
                    .col(string(SearchMeta::Value))
                    .to_owned(),
            )
            .await?;

        let db = manager.get_connection();
        match manager.get_database_backend() {
            // The stems by weight: a titles and names; b summaries and
            // descriptions; c outcomes, topics and the like; d file text.
            // Contentless (the texts are in search_doc), with deletes
            // (SQLite 3.43 and later; the bundled one is newer).
            DbBackend::Sqlite => {
                db.execute_unprepared(
                    "CREATE VIRTUAL TABLE search_fts USING fts5(lang, a, b, c, d, content='', \
                     contentless_delete=1, tokenize='unicode61 remove_diacritics 0', prefix='2 3')",
                )
                .await?;
            }
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "ALTER TABLE search_doc ADD COLUMN tsv tsvector NOT NULL DEFAULT ''::tsvector",
                )
                .await?;
                db.execute_unprepared("CREATE INDEX idx_search_doc_tsv ON search_doc USING gin (tsv)")
                    .await?;
            }
            _ => {}
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Sqlite {
            manager
                .get_connection()
                .execute_unprepared("DROP TABLE IF EXISTS search_fts")
                .await?;
        }
        for table in [
            SearchMeta::Table.into_iden(),
            SearchExtraction::Table.into_iden(),
            SearchDoc::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum SearchDoc {
    Table,
    Id,
    ItemType,
    ItemId,
    Part,
    Locale,
    Config,
    IsOriginal,
    Texts,
    SourceVersionId,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SearchExtraction {
    Table,
    VersionId,
    DocumentId,
    MediaType,
    Size,
    Status,
    Reason,
    Attempts,
    Chars,
    NextAttemptAt,
    ClaimedUntil,
    CreatedAt,
    FinishedAt,
}

#[derive(DeriveIden)]
enum SearchMeta {
    Table,
    Key,
    Value,
}
