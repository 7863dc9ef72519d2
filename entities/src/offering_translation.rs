//! An offering's venue and programme titles in another locale.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "offering_translation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub offering_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub locale: String,
    pub venue: String,
    /// The programme items' titles, in programme order.
    #[sea_orm(column_type = "Json")]
    pub programme_titles: crate::list::StringList,
    pub source_digest: String,
    pub status: crate::enums::TranslationStatus,
    pub translator_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
