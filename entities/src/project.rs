//! A joint project the association runs with partners.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "project")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub code: String,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    pub original_locale: String,
    pub status: crate::enums::ProjectStatus,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub funding_programme: Option<String>,
    pub grant_reference: Option<String>,
    /// Budget in minor units of `budget_currency`.
    pub budget_minor: Option<i64>,
    /// ISO 4217.
    pub budget_currency: Option<String>,
    pub visibility: crate::enums::Visibility,
    pub created_by: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
