//! One row of the search index: an item's texts in one locale (its
//! metadata), or a document's file text, exactly as indexed. SQLite keeps
//! the stems in `search_fts` (rowid = `id`), PostgreSQL in the `tsv` column
//! (not in this model: reads name their columns).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "search_doc")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// DOCUMENT, PROJECT, TRAINING_MATERIAL, ORGANISATION or PERSON.
    pub item_type: String,
    pub item_id: Uuid,
    /// META (the item's texts) or FILE (a document's file text).
    pub part: String,
    pub locale: String,
    /// The text search configuration: norwegian, english, danish, dutch or simple.
    pub config: String,
    /// Whether `locale` is the item's original one.
    pub is_original: bool,
    /// `[[field, text], …]` as indexed (for highlights).
    pub texts: Json,
    /// FILE rows: the document version the text came from.
    pub source_version_id: Option<Uuid>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
