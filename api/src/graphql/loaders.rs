//! DataLoaders: every reference and nested list goes through one of these,
//! so the number of SQL statements for a request does not grow with the
//! number of rows returned. Loaders are built per request, for its caller,
//! and apply the access policy inside their queries.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};
use sammen_entities::{auth_token, organisation, organisation_translation};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::auth::{Caller, policy};
use crate::error::ApiError;

/// A loader failure, cheap to clone as DataLoader requires.
pub type LoadError = Arc<DbErr>;

impl From<LoadError> for ApiError {
    fn from(e: LoadError) -> Self {
        ApiError::internal(anyhow::anyhow!("{e}"))
    }
}

/// The loaders of one request.
pub struct Loaders {
    pub organisation: DataLoader<OrganisationLoader>,
    pub organisation_translations: DataLoader<OrganisationTranslationsLoader>,
    pub api_tokens: DataLoader<ApiTokensLoader>,
}

impl Loaders {
    pub fn new(db: &DatabaseConnection, caller: &Caller) -> Self {
        Self {
            organisation: DataLoader::new(
                OrganisationLoader {
                    db: db.clone(),
                    visible: policy::organisation_read(caller),
                },
                tokio::spawn,
            ),
            organisation_translations: DataLoader::new(
                OrganisationTranslationsLoader { db: db.clone() },
                tokio::spawn,
            ),
            api_tokens: DataLoader::new(ApiTokensLoader { db: db.clone() }, tokio::spawn),
        }
    }
}

/// Organisations by id, as far as the caller may see them.
pub struct OrganisationLoader {
    db: DatabaseConnection,
    visible: Condition,
}

impl Loader<Uuid> for OrganisationLoader {
    type Value = organisation::Model;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = organisation::Entity::find()
            .filter(organisation::Column::Id.is_in(keys.iter().copied()))
            .filter(self.visible.clone())
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|o| (o.id, o)).collect())
    }
}

/// The translations of organisations' descriptions, by organisation id.
pub struct OrganisationTranslationsLoader {
    db: DatabaseConnection,
}

impl Loader<Uuid> for OrganisationTranslationsLoader {
    type Value = Vec<organisation_translation::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = organisation_translation::Entity::find()
            .filter(organisation_translation::Column::OrganisationId.is_in(keys.iter().copied()))
            .order_by_asc(organisation_translation::Column::Locale)
            .all(&self.db)
            .await?;
        let mut out: HashMap<Uuid, Self::Value> = HashMap::new();
        for row in rows {
            out.entry(row.organisation_id).or_default().push(row);
        }
        Ok(out)
    }
}

/// A person's API tokens (the caller's right to see them is checked by the resolver).
pub struct ApiTokensLoader {
    db: DatabaseConnection,
}

impl Loader<Uuid> for ApiTokensLoader {
    type Value = Vec<auth_token::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = auth_token::Entity::find()
            .filter(auth_token::Column::PersonId.is_in(keys.iter().copied()))
            .filter(auth_token::Column::Kind.eq(crate::auth::token::TokenKind::Api.as_str()))
            .order_by_desc(auth_token::Column::CreatedAt)
            .all(&self.db)
            .await?;
        let mut out: HashMap<Uuid, Self::Value> = HashMap::new();
        for row in rows {
            out.entry(row.person_id).or_default().push(row);
        }
        Ok(out)
    }
}
