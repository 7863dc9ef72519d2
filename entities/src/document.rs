//! A document an organisation shares: a report, a guideline, an agreement…

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "document")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub owner_organisation_id: Uuid,
    /// The joint project the document belongs to, if any.
    pub project_id: Option<Uuid>,
    pub kind: crate::enums::DocumentKind,
    /// Title and summary in `original_locale`; translations live in `document_translation`.
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    pub original_locale: String,
    /// The language the file itself is written in (BCP 47).
    pub content_language: String,
    /// SPDX license id, e.g. `CC-BY-NC-SA-4.0`.
    pub license: Option<String>,
    /// A JSON array of names.
    #[sea_orm(column_type = "Json")]
    pub authors: crate::list::StringList,
    pub published_on: Option<Date>,
    /// A JSON array of short strings.
    #[sea_orm(column_type = "Json")]
    pub topics: crate::list::StringList,
    pub visibility: crate::enums::Visibility,
    pub created_by: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::organisation::Entity",
        from = "Column::OwnerOrganisationId",
        to = "super::organisation::Column::Id"
    )]
    Owner,
    #[sea_orm(has_many = "super::document_version::Entity")]
    Version,
    #[sea_orm(has_many = "super::document_share::Entity")]
    Share,
    #[sea_orm(has_many = "super::document_translation::Entity")]
    Translation,
}

impl Related<super::document_version::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Version.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
