//! Translatable stored content, seen from the translators' side: which
//! entities have which translatable fields, what their source texts are,
//! whether a translation into a locale is missing, outdated or current, and
//! storing a translation. Reading goes through the access policy.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sammen_entities::{
    deliverable, deliverable_translation, document, document_translation, offering, offering_translation,
    organisation, organisation_translation, programme_item, project, project_translation, training_material,
    training_translation,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QueryTrait, Set,
};
use uuid::Uuid;

use crate::auth::{Caller, policy};
use crate::domain::{TranslationStatus, long_text, name_text};
use crate::error::{ApiError, ApiResult};
use crate::l10n::content::{self, source_digest};

/// The kinds of stored content that have translations.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContentType {
    Organisation,
    Document,
    Project,
    Deliverable,
    TrainingMaterial,
    /// An offering's venue and programme titles.
    Offering,
}

impl ContentType {
    /// The subject type of its events.
    pub fn subject_type(self) -> &'static str {
        match self {
            Self::Organisation => "Organisation",
            Self::Document => "Document",
            Self::Project => "Project",
            Self::Deliverable => "Deliverable",
            Self::TrainingMaterial => "TrainingMaterial",
            Self::Offering => "Offering",
        }
    }

    pub const ALL: [ContentType; 6] = [
        Self::Organisation,
        Self::Document,
        Self::Project,
        Self::Deliverable,
        Self::TrainingMaterial,
        Self::Offering,
    ];

    /// The translatable fields and their length limits. `learningOutcomes`
    /// is one sentence a line.
    pub fn fields(self) -> &'static [(&'static str, usize)] {
        match self {
            Self::Organisation => &[("description", 10_000)],
            Self::Document | Self::Project => &[("title", 300), ("summary", 10_000)],
            Self::Deliverable => &[("title", 300)],
            Self::TrainingMaterial => &[
                ("title", 300),
                ("summary", 10_000),
                ("prerequisites", 10_000),
                ("learningOutcomes", 15_000),
            ],
            Self::Offering => &[("venue", 200), ("programme", 30_000)],
        }
    }
}

/// Where a translation into a locale stands.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TranslationState {
    /// There is none.
    Missing,
    /// It was made from an older source text.
    Outdated,
    /// It matches the current source text.
    Current,
}

/// One translatable item with its source texts.
#[derive(Clone, Debug)]
pub struct Item {
    pub content_type: ContentType,
    pub id: Uuid,
    pub original_locale: String,
    pub source: Vec<(&'static str, String)>,
    pub digest: String,
}

/// An existing translation of an item.
#[derive(Clone, Debug)]
pub struct Existing {
    pub fields: Vec<(&'static str, String)>,
    pub source_digest: String,
    pub status: TranslationStatus,
    pub updated_at: DateTime<Utc>,
}

fn list(json: &serde_json::Value) -> String {
    json.as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

fn status(raw: &str) -> TranslationStatus {
    TranslationStatus::from_db(raw).unwrap_or(TranslationStatus::Draft)
}

/// The source digest of an offering's texts.
pub fn offering_digest(venue: &str, titles: &[String]) -> String {
    source_digest(&[venue, &titles.join("\n")])
}

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
                        status: status(&t.status),
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
                        status: status(&t.status),
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
                        status: status(&t.status),
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
                        status: status(&t.status),
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
                        status: status(&t.status),
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
                        status: status(&t.status),
                        updated_at: t.updated_at,
                    },
                )
            })
            .collect(),
    })
}

/// Where `existing` stands against `item`. A translation that leaves out a
/// text the source has (an empty summary, no learning outcomes, an
/// untitled programme item) is not shown to readers, so it is MISSING.
pub fn state_of(item: &Item, existing: Option<&Existing>) -> TranslationState {
    match existing {
        Some(e) if !is_complete(item, e) => TranslationState::Missing,
        None => TranslationState::Missing,
        Some(e) if e.source_digest != item.digest => TranslationState::Outdated,
        Some(_) => TranslationState::Current,
    }
}

/// Whether `existing` has every text `item` has (programme titles position
/// by position).
fn is_complete(item: &Item, existing: &Existing) -> bool {
    item.source.iter().all(|(name, source)| {
        let translated = existing
            .fields
            .iter()
            .find(|(f, _)| f == name)
            .map_or("", |(_, t)| t.as_str());
        if *name == "programme" {
            let lines = |text: &str| text.split('\n').map(str::to_owned).collect::<Vec<_>>();
            let source = if source.is_empty() {
                Vec::new()
            } else {
                lines(source)
            };
            content::complete_by_position(&source, &lines(translated))
        } else {
            content::complete(&[(source, translated)])
        }
    })
}

/// Checks translated fields against the type's fields and limits.
pub fn parse_fields(
    content_type: ContentType,
    raw: &[(String, String)],
) -> ApiResult<Vec<(&'static str, String)>> {
    let allowed = content_type.fields();
    let mut out: Vec<(&'static str, String)> = Vec::new();
    for (i, (name, text)) in raw.iter().enumerate() {
        let field = format!("fields[{i}].name");
        let Some((known, max)) = allowed.iter().find(|(f, _)| f == name) else {
            return Err(ApiError::invalid(field, "translation-field-unknown").arg("name", name.clone()));
        };
        if out.iter().any(|(f, _)| f == known) {
            return Err(ApiError::invalid(field, "translation-field-repeated").arg("name", name.clone()));
        }
        let value_field = format!("fields[{i}].text");
        let text = if *known == "title" {
            name_text(&value_field, text, *max)?
        } else {
            long_text(&value_field, text, *max)?
        };
        out.push((known, text));
    }
    Ok(out)
}

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
    let status = status.as_str().to_owned();
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
                programme_titles: Set(serde_json::Value::from(titles)),
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
                learning_outcomes: Set(serde_json::Value::from(outcomes)),
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
