//! A partner organisation, or the hub association itself.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "organisation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    /// ISO 3166-1 alpha-2, upper case.
    pub country: String,
    pub city: Option<String>,
    pub kind: crate::enums::OrganisationKind,
    pub website: Option<String>,
    pub contact_email: Option<String>,
    /// The description in `original_locale`; translations live in
    /// `organisation_translation`.
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub original_locale: String,
    pub partnership_status: crate::enums::PartnershipStatus,
    pub agreement_date: Option<Date>,
    /// A JSON array of short strings.
    #[sea_orm(column_type = "Json")]
    pub focus_areas: crate::list::StringList,
    pub is_hub: bool,
    pub archived_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::organisation_translation::Entity")]
    Translation,
    #[sea_orm(has_many = "super::person::Entity")]
    Person,
}

impl Related<super::organisation_translation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Translation.def()
    }
}

impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Person.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
