//! A document version whose file text is to be extracted for search (or
//! was): the queue the extraction worker claims from.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "search_extraction")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub version_id: Uuid,
    pub document_id: Uuid,
    pub media_type: String,
    pub size: i64,
    /// PENDING, DONE, FAILED or SKIPPED.
    pub status: String,
    pub reason: Option<String>,
    pub attempts: i32,
    pub chars: Option<i32>,
    pub next_attempt_at: Option<DateTimeUtc>,
    pub claimed_until: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
