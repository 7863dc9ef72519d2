//! A person who can sign in (table `person`: `user` is reserved in PostgreSQL).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "person")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Stored lower-cased, so uniqueness is case-insensitive on both engines.
    #[sea_orm(unique)]
    pub email: String,
    pub display_name: String,
    /// `display_name` folded for searching (`search::fold`); kept in step by
    /// every write of the name.
    pub search_name: String,
    pub organisation_id: Option<Uuid>,
    /// MEMBER or ORG_ADMIN.
    pub org_role: crate::enums::OrgRole,
    /// Network administrator of the association.
    pub is_admin: bool,
    /// A JSON array of BCP 47 tags this person may translate into.
    #[sea_orm(column_type = "Json")]
    pub translator_locales: crate::list::StringList,
    pub preferred_locale: Option<String>,
    /// Argon2id PHC string; `None` means the person cannot sign in with a password.
    #[serde(skip_serializing)]
    pub password_hash: Option<String>,
    pub disabled: bool,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::organisation::Entity",
        from = "Column::OrganisationId",
        to = "super::organisation::Column::Id"
    )]
    Organisation,
    #[sea_orm(has_many = "super::auth_token::Entity")]
    AuthToken,
}

impl Related<super::organisation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organisation.def()
    }
}

impl Related<super::auth_token::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AuthToken.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
