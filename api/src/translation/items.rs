//! The translatable items the caller may read, with their source texts and
//! digests.

use std::collections::HashMap;

use sammen_entities::{
    deliverable, document, offering, organisation, programme_item, project, training_material,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QueryTrait};
use uuid::Uuid;

use super::{ContentType, Item, list, offering_digest};
use crate::auth::{Caller, policy};
use crate::error::ApiResult;
use crate::l10n::content::source_digest;

/// Every item of a type the caller may read, oldest first.
pub async fn items(
    db: &impl ConnectionTrait,
    caller: &Caller,
    content_type: ContentType,
) -> ApiResult<Vec<Item>> {
    items_where(db, caller, content_type, None).await
}

/// One item the caller may read (its rows only, not the whole type's).
pub async fn item(
    db: &impl ConnectionTrait,
    caller: &Caller,
    content_type: ContentType,
    id: Uuid,
) -> ApiResult<Option<Item>> {
    Ok(items_where(db, caller, content_type, Some(id)).await?.pop())
}

async fn items_where(
    db: &impl ConnectionTrait,
    caller: &Caller,
    content_type: ContentType,
    only: Option<Uuid>,
) -> ApiResult<Vec<Item>> {
    Ok(match content_type {
        ContentType::Offering => {
            let mut offerings = offering::Entity::find().order_by_asc(offering::Column::Id);
            let mut materials = training_material::Entity::find().filter(policy::training_read(caller));
            if let Some(id) = only {
                offerings = offerings.filter(offering::Column::Id.eq(id));
                let material = offering::Entity::find_by_id(id)
                    .one(db)
                    .await?
                    .map(|o| o.training_material_id);
                materials = materials.filter(training_material::Column::Id.eq(material));
            }
            let materials: HashMap<Uuid, String> = materials
                .all(db)
                .await?
                .into_iter()
                .map(|m| (m.id, m.original_locale))
                .collect();
            let offerings = offerings
                .filter(offering::Column::TrainingMaterialId.is_in(materials.keys().copied()))
                .all(db)
                .await?;
            let mut titles: HashMap<Uuid, Vec<String>> = HashMap::new();
            for item in programme_item::Entity::find()
                .filter(programme_item::Column::OfferingId.is_in(offerings.iter().map(|o| o.id)))
                .order_by_asc(programme_item::Column::Position)
                .all(db)
                .await?
            {
                titles.entry(item.offering_id).or_default().push(item.title);
            }
            offerings
                .into_iter()
                .map(|o| {
                    let titles = titles.remove(&o.id).unwrap_or_default();
                    let venue = o.venue.clone().unwrap_or_default();
                    Item {
                        content_type,
                        id: o.id,
                        digest: offering_digest(&venue, &titles),
                        original_locale: materials
                            .get(&o.training_material_id)
                            .cloned()
                            .unwrap_or_default(),
                        source: vec![("venue", venue), ("programme", titles.join("\n"))],
                    }
                })
                .collect()
        }
        ContentType::Organisation => organisation::Entity::find()
            .apply_if(only, |q, id| q.filter(organisation::Column::Id.eq(id)))
            .filter(policy::organisation_read(caller))
            .order_by_asc(organisation::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(|o| Item {
                content_type,
                id: o.id,
                digest: source_digest(&[&o.description]),
                original_locale: o.original_locale,
                source: vec![("description", o.description)],
            })
            .collect(),
        ContentType::Document => document::Entity::find()
            .apply_if(only, |q, id| q.filter(document::Column::Id.eq(id)))
            .filter(policy::document_read(caller))
            .order_by_asc(document::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(|d| Item {
                content_type,
                id: d.id,
                digest: source_digest(&[&d.title, &d.summary]),
                original_locale: d.original_locale,
                source: vec![("title", d.title), ("summary", d.summary)],
            })
            .collect(),
        ContentType::Project => project::Entity::find()
            .apply_if(only, |q, id| q.filter(project::Column::Id.eq(id)))
            .filter(policy::project_read(caller))
            .order_by_asc(project::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(|p| Item {
                content_type,
                id: p.id,
                digest: source_digest(&[&p.title, &p.summary]),
                original_locale: p.original_locale,
                source: vec![("title", p.title), ("summary", p.summary)],
            })
            .collect(),
        ContentType::Deliverable => deliverable::Entity::find()
            .apply_if(only, |q, id| q.filter(deliverable::Column::Id.eq(id)))
            .filter(
                deliverable::Column::ProjectId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(project::Column::Id)
                        .from(project::Entity)
                        .cond_where(policy::project_read(caller))
                        .to_owned(),
                ),
            )
            .order_by_asc(deliverable::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(|d| Item {
                content_type,
                id: d.id,
                digest: source_digest(&[&d.title]),
                original_locale: d.original_locale,
                source: vec![("title", d.title)],
            })
            .collect(),
        ContentType::TrainingMaterial => training_material::Entity::find()
            .apply_if(only, |q, id| q.filter(training_material::Column::Id.eq(id)))
            .filter(policy::training_read(caller))
            .order_by_asc(training_material::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(|t| Item {
                content_type,
                id: t.id,
                digest: crate::training::digest(&t),
                original_locale: t.original_locale.clone(),
                source: vec![
                    ("title", t.title.clone()),
                    ("summary", t.summary.clone()),
                    ("prerequisites", t.prerequisites.clone()),
                    ("learningOutcomes", list(&t.learning_outcomes)),
                ],
            })
            .collect(),
    })
}
