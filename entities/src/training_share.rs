//! A grant: an organisation may VIEW or EDIT a training material.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "training_share")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub training_material_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub organisation_id: Uuid,
    pub permission: crate::enums::SharePermission,
    pub expires_at: Option<DateTimeUtc>,
    pub granted_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
