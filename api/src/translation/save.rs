//! Storing a translation of an item, with its event.

use chrono::Utc;
use sammen_entities::{
    deliverable_translation, document_translation, offering_translation, organisation_translation,
    project_translation, training_translation,
};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use uuid::Uuid;

use super::{ContentType, Item, translation};
use crate::domain::TranslationStatus;
use crate::error::ApiResult;

/// Stores a translation of `item` into `locale`, keeping fields it does not
/// mention from the previous translation (or empty, which reads as the original).
pub async fn save(
    db: &sea_orm::DatabaseConnection,
    events: &crate::events::Dispatcher,
    item: &Item,
    locale: &str,
    fields: Vec<(&'static str, String)>,
    status: TranslationStatus,
    translator: Uuid,
) -> ApiResult<()> {
    let previous = translation(db, item.content_type, locale, item.id).await?;
    let get = |name: &str| -> String {
        fields
            .iter()
            .find(|(f, _)| *f == name)
            .map(|(_, t)| t.clone())
            .or_else(|| {
                previous
                    .as_ref()
                    .and_then(|p| p.fields.iter().find(|(f, _)| *f == name).map(|(_, t)| t.clone()))
            })
            .unwrap_or_default()
    };
    let now = Utc::now();
    let mut change = crate::events::Change::begin(db).await?;
    let txn = change.db();
    let digest = item.digest.clone();
    let status_name = status.as_str();
    match item.content_type {
        ContentType::Offering => {
            offering_translation::Entity::delete_by_id((item.id, locale.to_owned()))
                .exec(txn)
                .await?;
            let titles: Vec<String> = get("programme")
                .split('\n')
                .map(|l| l.trim().to_owned())
                .collect();
            offering_translation::ActiveModel {
                offering_id: Set(item.id),
                locale: Set(locale.to_owned()),
                venue: Set(get("venue")),
                programme_titles: Set(sammen_entities::list::StringList::from(titles)),
                source_digest: Set(digest),
                status: Set(status),
                translator_id: Set(Some(translator)),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(txn)
            .await?;
        }
        ContentType::Organisation => {
            organisation_translation::Entity::delete_by_id((item.id, locale.to_owned()))
                .exec(txn)
                .await?;
            organisation_translation::ActiveModel {
                organisation_id: Set(item.id),
                locale: Set(locale.to_owned()),
                description: Set(get("description")),
                source_digest: Set(digest),
                status: Set(status),
                translator_id: Set(Some(translator)),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(txn)
            .await?;
        }
        ContentType::Document => {
            document_translation::Entity::delete_by_id((item.id, locale.to_owned()))
                .exec(txn)
                .await?;
            document_translation::ActiveModel {
                document_id: Set(item.id),
                locale: Set(locale.to_owned()),
                title: Set(get("title")),
                summary: Set(get("summary")),
                source_digest: Set(digest),
                status: Set(status),
                translator_id: Set(Some(translator)),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(txn)
            .await?;
        }
        ContentType::Project => {
            project_translation::Entity::delete_by_id((item.id, locale.to_owned()))
                .exec(txn)
                .await?;
            project_translation::ActiveModel {
                project_id: Set(item.id),
                locale: Set(locale.to_owned()),
                title: Set(get("title")),
                summary: Set(get("summary")),
                source_digest: Set(digest),
                status: Set(status),
                translator_id: Set(Some(translator)),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(txn)
            .await?;
        }
        ContentType::Deliverable => {
            deliverable_translation::Entity::delete_by_id((item.id, locale.to_owned()))
                .exec(txn)
                .await?;
            deliverable_translation::ActiveModel {
                deliverable_id: Set(item.id),
                locale: Set(locale.to_owned()),
                title: Set(get("title")),
                source_digest: Set(digest),
                status: Set(status),
                translator_id: Set(Some(translator)),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(txn)
            .await?;
        }
        ContentType::TrainingMaterial => {
            training_translation::Entity::delete_by_id((item.id, locale.to_owned()))
                .exec(txn)
                .await?;
            let outcomes: Vec<String> = get("learningOutcomes")
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect();
            training_translation::ActiveModel {
                training_material_id: Set(item.id),
                locale: Set(locale.to_owned()),
                title: Set(get("title")),
                summary: Set(get("summary")),
                prerequisites: Set(get("prerequisites")),
                learning_outcomes: Set(sammen_entities::list::StringList::from(outcomes)),
                source_digest: Set(digest),
                status: Set(status),
                translator_id: Set(Some(translator)),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(txn)
            .await?;
        }
    }
    let event = crate::events::NewEvent {
        kind: "translation.saved",
        subject_type: item.content_type.subject_type(),
        subject_id: item.id,
        project_id: None,
        actor_id: Some(translator),
        payload: serde_json::json!({ "locale": locale, "status": status_name }),
    };
    change.record(event).await?;
    change.commit(events).await?;
    Ok(())
}
