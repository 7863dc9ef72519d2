//! A training material's texts in a locale other than its original one.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "training_translation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub training_material_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub locale: String,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    #[sea_orm(column_type = "Text")]
    pub prerequisites: String,
    #[sea_orm(column_type = "Json")]
    pub learning_outcomes: crate::list::StringList,
    pub source_digest: String,
    pub status: crate::enums::TranslationStatus,
    pub translator_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
