//! The search index, kept in the change's own transaction: when
//! `events::commit` is about to commit a change, [`apply`] rewrites the
//! index rows of every item whose texts the change's events name, so a
//! change is searchable the moment its mutation returns. Rows are derived
//! data: writing them records no event. [`reindex`] rebuilds everything
//! from the tables (`sammen search reindex`, and at start-up when
//! [`INDEX_VERSION`] changed); [`drift`] says where the index and the
//! tables disagree (for tests).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use sammen_entities::{deliverable, event, search_doc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Statement,
};
use uuid::Uuid;

use super::text::Lang;

pub mod rows;
pub mod write;

/// The version of what the index holds. Bump it whenever the tokenizer,
/// folding, stop lists, stemmer, weights or rows change: every node then
/// rebuilds the index at start-up.
pub const INDEX_VERSION: &str = "1";

/// A row with an item's texts in one locale.
pub const META: &str = "META";
/// A row with a document's file text.
pub const FILE: &str = "FILE";

/// The weight columns of the FTS5 table, A (titles, names) to D (file text).
pub const COLUMNS: [&str; 4] = ["a", "b", "c", "d"];

/// The kinds of items search finds.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[graphql(name = "SearchType")]
pub enum ItemType {
    Document,
    Project,
    TrainingMaterial,
    Organisation,
    Person,
}

impl ItemType {
    pub const ALL: [ItemType; 5] = [
        Self::Document,
        Self::Project,
        Self::TrainingMaterial,
        Self::Organisation,
        Self::Person,
    ];

    /// Its name in `search_doc.item_type` (as in the API).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Document => "DOCUMENT",
            Self::Project => "PROJECT",
            Self::TrainingMaterial => "TRAINING_MATERIAL",
            Self::Organisation => "ORGANISATION",
            Self::Person => "PERSON",
        }
    }

    pub fn parse(stored: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == stored)
    }
}

/// Which weight column a field's text goes to: 0 (A) titles and names,
/// 1 (B) summaries and descriptions, 3 (D) file text, 2 (C) the rest.
pub fn weight(field: &str) -> usize {
    match field {
        "title" | "name" => 0,
        "summary" | "description" => 1,
        "file" => 3,
        _ => 2,
    }
}

/// One row of the index, before it is written.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub item_type: ItemType,
    pub item_id: Uuid,
    pub part: &'static str,
    pub locale: String,
    pub lang: Lang,
    pub is_original: bool,
    /// `(field, raw text)`, empty texts left out.
    pub texts: Vec<(&'static str, String)>,
    pub source_version_id: Option<Uuid>,
    pub updated_at: DateTime<Utc>,
}

/// The item whose index rows an event's change may have made stale: the
/// events that create or update an item's texts, or save a translation of
/// them. (Shares, visibility, status and membership change who may read an
/// item, which search reads live from the tables.)
async fn indexed_subject(
    db: &impl ConnectionTrait,
    event: &event::Model,
) -> Result<Option<(ItemType, Uuid)>, DbErr> {
    let kind = event.kind.as_str();
    if !(kind.ends_with(".created") || kind.ends_with(".updated") || kind == "translation.saved") {
        return Ok(None);
    }
    let item_type = match event.subject_type.as_str() {
        "Document" => ItemType::Document,
        "TrainingMaterial" => ItemType::TrainingMaterial,
        "Project" => ItemType::Project,
        "Organisation" => ItemType::Organisation,
        "Person" => ItemType::Person,
        "Deliverable" => {
            // A deliverable's title is found through its project.
            let project = match event.project_id {
                Some(project) => Some(project),
                None => deliverable::Entity::find_by_id(event.subject_id)
                    .one(db)
                    .await?
                    .map(|d| d.project_id),
            };
            return Ok(project.map(|p| (ItemType::Project, p)));
        }
        _ => return Ok(None),
    };
    Ok(Some((item_type, event.subject_id)))
}

/// Rewrites, in the change's transaction `db`, the META rows of every item
/// the change's `events` name (an item that no longer exists loses its rows).
pub async fn apply(db: &impl ConnectionTrait, events: &[event::Model]) -> Result<(), DbErr> {
    let mut stale: BTreeMap<ItemType, BTreeSet<Uuid>> = BTreeMap::new();
    for event in events {
        if event.kind == "document.version_added" {
            new_file(db, event).await?;
        }
        if let Some((item_type, id)) = indexed_subject(db, event).await? {
            stale.entry(item_type).or_default().insert(id);
        }
    }
    for (item_type, ids) in stale {
        let ids: Vec<Uuid> = ids.into_iter().collect();
        let rows = rows::of_items(db, item_type, &ids).await?;
        write::replace(db, &ids, META, &rows).await?;
    }
    Ok(())
}

/// A document has a new current file: its old file text is no longer
/// searchable, and the new one's is queued for the extraction worker.
async fn new_file(db: &impl ConnectionTrait, event: &event::Model) -> Result<(), DbErr> {
    let version = event.payload["versionId"]
        .as_str()
        .and_then(|id| Uuid::parse_str(id).ok());
    let Some(version) = version else {
        return Ok(());
    };
    let Some(version) = sammen_entities::document_version::Entity::find_by_id(version)
        .one(db)
        .await?
    else {
        return Ok(());
    };
    write::delete(db, &[version.document_id], FILE).await?;
    super::worker::enqueue(
        db,
        version.document_id,
        version.id,
        &version.media_type,
        version.size,
    )
    .await
}

/// Items per statement batch when rebuilding.
const PAGE: u64 = 200;

/// Rebuilds every META row from the tables in `db` (a transaction, so that
/// readers see the old index or the new one, never half of it), and records
/// [`INDEX_VERSION`]. FILE rows are kept: their text comes from files.
pub async fn reindex(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    if backend == DbBackend::Sqlite {
        let stale = Query::select()
            .column(search_doc::Column::Id)
            .from(search_doc::Entity)
            .and_where(search_doc::Column::Part.eq(META))
            .to_owned();
        db.execute(
            &Query::delete()
                .from_table(Alias::new("search_fts"))
                .and_where(Expr::col(Alias::new("rowid")).in_subquery(stale))
                .to_owned(),
        )
        .await?;
    }
    search_doc::Entity::delete_many()
        .filter(search_doc::Column::Part.eq(META))
        .exec(db)
        .await?;
    let mut written = 0;
    for item_type in ItemType::ALL {
        let mut after = None;
        loop {
            let ids = rows::ids_after(db, item_type, after, PAGE).await?;
            let Some(last) = ids.last() else { break };
            after = Some(*last);
            let rows = rows::of_items(db, item_type, &ids).await?;
            write::replace(db, &[], META, &rows).await?;
            written += rows.len() as u64;
        }
    }
    // A rebuild writes the index a page at a time: merge SQLite's FTS5
    // segments into one (a common word's match then reads one list instead
    // of hundreds, about twice as fast), and give PostgreSQL's planner the
    // new table's statistics now rather than at autovacuum's next visit.
    match backend {
        DbBackend::Sqlite => {
            db.execute_unprepared("INSERT INTO search_fts (search_fts) VALUES ('optimize')")
                .await?;
        }
        _ => {
            db.execute_unprepared("ANALYZE search_doc").await?;
        }
    }
    set_version(db).await?;
    Ok(written)
}

async fn set_version(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Sqlite => {
            "INSERT INTO search_meta (key, value) VALUES ('index_version', ?) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        }
        _ => {
            "INSERT INTO search_meta (key, value) VALUES ('index_version', $1) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        }
    };
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        sql,
        [INDEX_VERSION.into()],
    ))
    .await?;
    Ok(())
}

/// The index version the database holds, if any.
pub async fn stored_version(db: &impl ConnectionTrait) -> Result<Option<String>, DbErr> {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT value FROM search_meta WHERE key = 'index_version'",
        ))
        .await?;
    row.map(|r| r.try_get::<String>("", "value")).transpose()
}

/// Rebuilds the index if it was made by another [`INDEX_VERSION`] (or
/// never): at start-up, after migrating. One node rebuilds; the others wait
/// for its write transaction and find the version current.
pub async fn ensure_current(db: &DatabaseConnection) -> Result<(), DbErr> {
    if stored_version(db).await?.as_deref() == Some(INDEX_VERSION) {
        return Ok(());
    }
    let txn = crate::db::begin_write(db).await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(7262015, hashtext(current_schema()))")
            .await?;
    }
    if stored_version(&txn).await?.as_deref() != Some(INDEX_VERSION) {
        let rows = reindex(&txn).await?;
        tracing::info!(rows, version = INDEX_VERSION, "search index rebuilt");
    }
    txn.commit().await
}

/// The index's rows by item type and part.
pub async fn counts(db: &impl ConnectionTrait) -> Result<Vec<(String, String, i64)>, DbErr> {
    use sea_orm::QuerySelect;
    search_doc::Entity::find()
        .select_only()
        .column(search_doc::Column::ItemType)
        .column(search_doc::Column::Part)
        .column_as(search_doc::Column::Id.count(), "rows")
        .group_by(search_doc::Column::ItemType)
        .group_by(search_doc::Column::Part)
        .order_by_asc(search_doc::Column::ItemType)
        .order_by_asc(search_doc::Column::Part)
        .into_tuple()
        .all(db)
        .await
}

/// Where the stored index differs from what the tables say it should hold
/// (empty when it is true to them): META rows missing, extra or with other
/// texts, and on SQLite stems missing for a row. For tests and operators.
pub async fn drift(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    type Key = (String, Uuid, String);
    let mut expected: BTreeMap<Key, (serde_json::Value, bool, &'static str)> = BTreeMap::new();
    for item_type in ItemType::ALL {
        let mut after = None;
        loop {
            let ids = rows::ids_after(db, item_type, after, PAGE).await?;
            let Some(last) = ids.last() else { break };
            after = Some(*last);
            for row in rows::of_items(db, item_type, &ids).await? {
                expected.insert(
                    (item_type.as_str().to_owned(), row.item_id, row.locale.clone()),
                    (write::texts_json(&row), row.is_original, row.lang.pg_config()),
                );
            }
        }
    }
    let stored = search_doc::Entity::find()
        .filter(search_doc::Column::Part.eq(META))
        .order_by_asc(search_doc::Column::Id)
        .all(db)
        .await?;
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for row in &stored {
        let key = (row.item_type.clone(), row.item_id, row.locale.clone());
        match expected.get(&key) {
            None => problems.push(format!("{key:?}: stored, but the tables give no such row")),
            Some((texts, is_original, config)) => {
                if *texts != row.texts || *is_original != row.is_original || *config != row.config {
                    problems.push(format!(
                        "{key:?}: stored {} but the tables give {texts}",
                        row.texts
                    ));
                }
            }
        }
        if !seen.insert(key.clone()) {
            problems.push(format!("{key:?}: stored twice"));
        }
    }
    for key in expected.keys().filter(|k| !seen.contains(*k)) {
        problems.push(format!("{key:?}: missing from the index"));
    }
    if db.get_database_backend() == DbBackend::Sqlite {
        let count = |sql: &'static str| async move {
            let row = db
                .query_one_raw(Statement::from_string(DbBackend::Sqlite, sql))
                .await?
                .ok_or_else(|| DbErr::RecordNotFound("a count".into()))?;
            row.try_get::<i64>("", "n")
        };
        let docs = count("SELECT COUNT(*) AS n FROM search_doc").await?;
        let stems =
            count("SELECT COUNT(*) AS n FROM search_doc JOIN search_fts ON search_fts.rowid = search_doc.id")
                .await?;
        if docs != stems {
            problems.push(format!("{docs} rows but stems for {stems}"));
        }
    }
    Ok(problems)
}
