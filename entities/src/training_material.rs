//! Training shared across the network: a course, module, webinar, guide or curriculum.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "training_material")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub provider_organisation_id: Uuid,
    /// COURSE, MODULE, WEBINAR, GUIDE or CURRICULUM.
    pub kind: String,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    #[sea_orm(column_type = "Text")]
    pub prerequisites: String,
    /// A JSON array of sentences.
    pub learning_outcomes: Json,
    pub original_locale: String,
    /// A JSON array of audience names.
    pub target_audiences: Json,
    /// 1–8.
    pub eqf_level: Option<i32>,
    pub ects_credits: Option<f64>,
    /// How long it takes, as the provider says it.
    pub duration: Option<String>,
    /// IN_PERSON, ONLINE or BLENDED.
    pub delivery_mode: String,
    /// BCP 47 tags.
    pub languages: Json,
    pub license: Option<String>,
    pub topics: Json,
    pub instructors: Json,
    pub visibility: String,
    pub created_by: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
