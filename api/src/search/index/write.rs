//! Writing index rows on each engine: the row in `search_doc` (its raw
//! texts, for highlights) and its stems, in SQLite's FTS5 table
//! `search_fts` or PostgreSQL's `tsv` column.

use sammen_entities::search_doc;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, Set,
    Statement,
};
use uuid::Uuid;

use super::{COLUMNS, Row, weight};
use crate::search::text::{prepared, stems};

/// Replaces the `part` rows of the items `ids` with `rows`.
pub async fn replace(db: &impl ConnectionTrait, ids: &[Uuid], part: &str, rows: &[Row]) -> Result<(), DbErr> {
    delete(db, ids, part).await?;
    for row in rows {
        insert(db, row).await?;
    }
    Ok(())
}

/// Deletes the `part` rows of the items `ids` (their stems first).
pub async fn delete(db: &impl ConnectionTrait, ids: &[Uuid], part: &str) -> Result<(), DbErr> {
    if ids.is_empty() {
        return Ok(());
    }
    let backend = db.get_database_backend();
    if backend == DbBackend::Sqlite {
        let stale = Query::select()
            .column(search_doc::Column::Id)
            .from(search_doc::Entity)
            .and_where(search_doc::Column::ItemId.is_in(ids.iter().copied()))
            .and_where(search_doc::Column::Part.eq(part))
            .to_owned();
        let statement = Query::delete()
            .from_table(Alias::new("search_fts"))
            .and_where(Expr::col(Alias::new("rowid")).in_subquery(stale))
            .to_owned();
        db.execute(&statement).await?;
    }
    search_doc::Entity::delete_many()
        .filter(search_doc::Column::ItemId.is_in(ids.iter().copied()))
        .filter(search_doc::Column::Part.eq(part))
        .exec(db)
        .await?;
    Ok(())
}

/// The texts of a row as stored: `[[field, text], …]`.
pub fn texts_json(row: &Row) -> serde_json::Value {
    serde_json::Value::Array(
        row.texts
            .iter()
            .map(|(field, text)| serde_json::json!([field, text]))
            .collect(),
    )
}

/// The texts of each weight column (A–D), fields joined by a newline.
fn by_weight(row: &Row) -> [String; 4] {
    let mut columns: [String; 4] = Default::default();
    for (field, text) in &row.texts {
        let column = &mut columns[weight(field)];
        if !column.is_empty() {
            column.push('\n');
        }
        column.push_str(text);
    }
    columns
}

async fn insert(db: &impl ConnectionTrait, row: &Row) -> Result<(), DbErr> {
    let stored = search_doc::ActiveModel {
        item_type: Set(row.item_type.as_str().to_owned()),
        item_id: Set(row.item_id),
        part: Set(row.part.to_owned()),
        locale: Set(row.locale.clone()),
        config: Set(row.lang.pg_config().to_owned()),
        is_original: Set(row.is_original),
        texts: Set(texts_json(row)),
        source_version_id: Set(row.source_version_id),
        updated_at: Set(row.updated_at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let columns = by_weight(row);
    let backend = db.get_database_backend();
    let statement = match backend {
        DbBackend::Sqlite => {
            let mut values: Vec<sea_orm::Value> = vec![stored.id.into(), row.lang.pg_config().into()];
            values.extend(columns.iter().map(|text| stems(row.lang, text).into()));
            Statement::from_sql_and_values(
                backend,
                format!(
                    "INSERT INTO search_fts (rowid, lang, {}) VALUES (?, ?, ?, ?, ?, ?)",
                    COLUMNS.join(", ")
                ),
                values,
            )
        }
        _ => {
            // The configuration is one of five names from `Lang`, never
            // user text; the texts are bound.
            let config = row.lang.pg_config();
            let vector = ["A", "B", "C", "D"]
                .iter()
                .enumerate()
                .map(|(i, label)| format!("setweight(to_tsvector('{config}', ${}), '{label}')", i + 1))
                .collect::<Vec<_>>()
                .join(" || ");
            let mut values: Vec<sea_orm::Value> = columns.iter().map(|text| prepared(text).into()).collect();
            values.push(stored.id.into());
            Statement::from_sql_and_values(
                backend,
                format!("UPDATE search_doc SET tsv = {vector} WHERE id = $5"),
                values,
            )
        }
    };
    db.execute_raw(statement).await?;
    Ok(())
}
