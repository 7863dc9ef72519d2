//! The existing translations of items into a locale.

use std::collections::HashMap;

use sammen_entities::{
    deliverable_translation, document_translation, offering_translation, organisation_translation,
    project_translation, training_translation,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryTrait};
use uuid::Uuid;

use super::{ContentType, Existing, list};
use crate::error::ApiResult;

/// The translations of a type into `locale`, by item id.
pub async fn translations(
    db: &impl ConnectionTrait,
    content_type: ContentType,
    locale: &str,
) -> ApiResult<HashMap<Uuid, Existing>> {
    translations_where(db, content_type, locale, None).await
}

/// The translation of one item into `locale`, if there is one.
pub async fn translation(
    db: &impl ConnectionTrait,
    content_type: ContentType,
    locale: &str,
    id: Uuid,
) -> ApiResult<Option<Existing>> {
    Ok(translations_where(db, content_type, locale, Some(id))
        .await?
        .remove(&id))
}

async fn translations_where(
    db: &impl ConnectionTrait,
    content_type: ContentType,
    locale: &str,
    only: Option<Uuid>,
) -> ApiResult<HashMap<Uuid, Existing>> {
    Ok(match content_type {
        ContentType::Offering => offering_translation::Entity::find()
            .filter(offering_translation::Column::Locale.eq(locale))
            .apply_if(only, |q, id| {
                q.filter(offering_translation::Column::OfferingId.eq(id))
            })
            .all(db)
            .await?
            .into_iter()
            .map(|t| {
                (
                    t.offering_id,
                    Existing {
                        fields: vec![("venue", t.venue), ("programme", list(&t.programme_titles))],
                        source_digest: t.source_digest,
                        status: t.status,
                        updated_at: t.updated_at,
                    },
                )
            })
            .collect(),
        ContentType::Organisation => organisation_translation::Entity::find()
            .filter(organisation_translation::Column::Locale.eq(locale))
            .apply_if(only, |q, id| {
                q.filter(organisation_translation::Column::OrganisationId.eq(id))
            })
            .all(db)
            .await?
            .into_iter()
            .map(|t| {
                (
                    t.organisation_id,
                    Existing {
                        fields: vec![("description", t.description)],
                        source_digest: t.source_digest,
                        status: t.status,
                        updated_at: t.updated_at,
                    },
                )
            })
            .collect(),
        ContentType::Document => document_translation::Entity::find()
            .filter(document_translation::Column::Locale.eq(locale))
            .apply_if(only, |q, id| {
                q.filter(document_translation::Column::DocumentId.eq(id))
            })
            .all(db)
            .await?
            .into_iter()
            .map(|t| {
                (
                    t.document_id,
                    Existing {
                        fields: vec![("title", t.title), ("summary", t.summary)],
                        source_digest: t.source_digest,
                        status: t.status,
                        updated_at: t.updated_at,
                    },
                )
            })
            .collect(),
        ContentType::Project => project_translation::Entity::find()
            .filter(project_translation::Column::Locale.eq(locale))
            .apply_if(only, |q, id| {
                q.filter(project_translation::Column::ProjectId.eq(id))
            })
            .all(db)
            .await?
            .into_iter()
            .map(|t| {
                (
                    t.project_id,
                    Existing {
                        fields: vec![("title", t.title), ("summary", t.summary)],
                        source_digest: t.source_digest,
                        status: t.status,
                        updated_at: t.updated_at,
                    },
                )
            })
            .collect(),
        ContentType::Deliverable => deliverable_translation::Entity::find()
            .filter(deliverable_translation::Column::Locale.eq(locale))
            .apply_if(only, |q, id| {
                q.filter(deliverable_translation::Column::DeliverableId.eq(id))
            })
            .all(db)
            .await?
            .into_iter()
            .map(|t| {
                (
                    t.deliverable_id,
                    Existing {
                        fields: vec![("title", t.title)],
                        source_digest: t.source_digest,
                        status: t.status,
                        updated_at: t.updated_at,
                    },
                )
            })
            .collect(),
        ContentType::TrainingMaterial => training_translation::Entity::find()
            .filter(training_translation::Column::Locale.eq(locale))
            .apply_if(only, |q, id| {
                q.filter(training_translation::Column::TrainingMaterialId.eq(id))
            })
            .all(db)
            .await?
            .into_iter()
            .map(|t| {
                (
                    t.training_material_id,
                    Existing {
                        fields: vec![
                            ("title", t.title),
                            ("summary", t.summary),
                            ("prerequisites", t.prerequisites),
                            ("learningOutcomes", list(&t.learning_outcomes)),
                        ],
                        source_digest: t.source_digest,
                        status: t.status,
                        updated_at: t.updated_at,
                    },
                )
            })
            .collect(),
    })
}
