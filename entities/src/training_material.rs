//! Training shared across the network: a course, module, webinar, guide or curriculum.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "training_material")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub provider_organisation_id: Uuid,
    pub kind: crate::enums::TrainingKind,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    #[sea_orm(column_type = "Text")]
    pub prerequisites: String,
    /// A JSON array of sentences.
    #[sea_orm(column_type = "Json")]
    pub learning_outcomes: crate::list::StringList,
    pub original_locale: String,
    /// A JSON array of audience names.
    #[sea_orm(column_type = "Json")]
    pub target_audiences: crate::list::StringList,
    /// 1–8.
    pub eqf_level: Option<i32>,
    pub ects_credits: Option<f64>,
    /// How long it takes, as the provider says it.
    pub duration: Option<String>,
    pub delivery_mode: crate::enums::DeliveryMode,
    /// BCP 47 tags.
    #[sea_orm(column_type = "Json")]
    pub languages: crate::list::StringList,
    pub license: Option<String>,
    #[sea_orm(column_type = "Json")]
    pub topics: crate::list::StringList,
    #[sea_orm(column_type = "Json")]
    pub instructors: crate::list::StringList,
    pub visibility: crate::enums::Visibility,
    pub created_by: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
