//! One dated run of a training material, with venue and price.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "offering")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub training_material_id: Uuid,
    pub starts_on: Date,
    pub ends_on: Date,
    pub venue: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub online_url: Option<String>,
    pub language: String,
    pub price_minor: Option<i64>,
    pub price_currency: Option<String>,
    /// In `price_currency`.
    pub early_bird_minor: Option<i64>,
    pub early_bird_deadline: Option<Date>,
    pub capacity: Option<i32>,
    pub registration_url: Option<String>,
    /// SCHEDULED or CANCELLED.
    pub status: crate::enums::OfferingStatus,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
