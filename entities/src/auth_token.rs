//! A session token (from `login`) or a named API token. Only the SHA-256 of
//! the secret is stored; the secret itself is shown once.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "auth_token")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// SESSION or API.
    pub kind: crate::enums::TokenKind,
    /// The name an API token was given; `None` for sessions.
    pub name: Option<String>,
    #[sea_orm(unique)]
    #[serde(skip_serializing)]
    pub token_hash: String,
    pub person_id: Uuid,
    /// The organisation an API token acts for.
    pub organisation_id: Option<Uuid>,
    /// READ or READ_WRITE.
    pub scope: crate::enums::TokenScope,
    pub expires_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
    pub last_used_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::person::Entity",
        from = "Column::PersonId",
        to = "super::person::Column::Id",
        on_delete = "Cascade"
    )]
    Person,
}

impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Person.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
