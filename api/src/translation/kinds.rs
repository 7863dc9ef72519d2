//! `Translatable` for each content type: its texts, how its readable items
//! and its translations are loaded, and how a translation row is stored.

use std::collections::HashMap;

use sammen_entities::list::StringList;
use sammen_entities::{
    deliverable, deliverable_translation, document, document_translation, offering, offering_translation,
    organisation, organisation_translation, programme_item, project, project_translation, training_material,
    training_translation,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QueryTrait, Set,
};
use uuid::Uuid;

use super::{ContentType, Existing, NewTranslation, Texts, Translatable};
use crate::auth::{Caller, policy};
use crate::domain::string_list;
use crate::error::ApiResult;

/// Lists as translators edit them: an item a line.
fn lines(list: &StringList) -> String {
    list.items().join("\n")
}

/// The translations of an entity into a locale, optionally of one item.
macro_rules! translations_of {
    ($db:expr, $entity:ident, $item_column:ident, $locale:expr, $only:expr) => {
        Ok($entity::Entity::find()
            .filter($entity::Column::Locale.eq($locale))
            .apply_if($only, |q, id| q.filter($entity::Column::$item_column.eq(id)))
            .all($db)
            .await?)
    };
}

/// Removes the translation a new one replaces.
macro_rules! replace {
    ($txn:expr, $entity:ident, $row:expr) => {
        $entity::Entity::delete_by_id(($row.id, $row.locale.clone()))
            .exec($txn)
            .await?;
    };
}

/// `Translatable` for a type whose translatable texts are plain text
/// columns of the same names in it and in its translation rows.
macro_rules! text_translatable {
    (
        $model:ident, $translation:ident, $item_id:ident ($item_column:ident), $type:ident,
        readable: |$caller:ident| $readable:expr,
        texts: { $($name:literal => $field:ident),+ $(,)? }
    ) => {
        impl Translatable for $model::Model {
            type Translation = $translation::Model;
            const TYPE: ContentType = ContentType::$type;

            fn id(&self) -> Uuid {
                self.id
            }

            fn original_locale(&self) -> &str {
                &self.original_locale
            }

            fn source(&self) -> Texts {
                vec![$(($name, self.$field.clone())),+]
            }

            fn locale_of(t: &Self::Translation) -> &str {
                &t.locale
            }

            fn item_id(t: &Self::Translation) -> Uuid {
                t.$item_id
            }

            fn existing(t: &Self::Translation) -> Existing {
                Existing {
                    fields: vec![$(($name, t.$field.clone())),+],
                    source_digest: t.source_digest.clone(),
                    status: t.status,
                    updated_at: t.updated_at,
                }
            }

            async fn readable(db: &DatabaseConnection, $caller: &Caller, only: Option<Uuid>) -> ApiResult<Vec<Self>> {
                Ok($model::Entity::find()
                    .apply_if(only, |q, id| q.filter($model::Column::Id.eq(id)))
                    .filter($readable)
                    .order_by_asc($model::Column::Id)
                    .all(db)
                    .await?)
            }

            async fn translations(
                db: &DatabaseConnection,
                locale: &str,
                only: Option<Uuid>,
            ) -> ApiResult<Vec<Self::Translation>> {
                translations_of!(db, $translation, $item_column, locale, only)
            }

            async fn store(txn: &DatabaseTransaction, row: NewTranslation) -> ApiResult<()> {
                replace!(txn, $translation, row);
                $translation::ActiveModel {
                    $item_id: Set(row.id),
                    locale: Set(row.locale.clone()),
                    $($field: Set(row.text($name)),)+
                    source_digest: Set(row.source_digest),
                    status: Set(row.status),
                    translator_id: Set(Some(row.translator)),
                    created_at: Set(row.now),
                    updated_at: Set(row.now),
                }
                .insert(txn)
                .await?;
                Ok(())
            }
        }
    };
}

text_translatable!(
    organisation, organisation_translation, organisation_id (OrganisationId), Organisation,
    readable: |caller| policy::organisation_read(caller),
    texts: { "description" => description }
);

text_translatable!(
    document, document_translation, document_id (DocumentId), Document,
    readable: |caller| policy::document_read(caller),
    texts: { "title" => title, "summary" => summary }
);

text_translatable!(
    project, project_translation, project_id (ProjectId), Project,
    readable: |caller| policy::project_read(caller),
    texts: { "title" => title, "summary" => summary }
);

// The deliverables of projects the caller may read.
text_translatable!(
    deliverable, deliverable_translation, deliverable_id (DeliverableId), Deliverable,
    readable: |caller| deliverable::Column::ProjectId.in_subquery(
        sea_orm::sea_query::Query::select()
            .column(project::Column::Id)
            .from(project::Entity)
            .cond_where(policy::project_read(caller))
            .to_owned(),
    ),
    texts: { "title" => title }
);

impl Translatable for training_material::Model {
    type Translation = training_translation::Model;
    const TYPE: ContentType = ContentType::TrainingMaterial;

    fn id(&self) -> Uuid {
        self.id
    }

    fn original_locale(&self) -> &str {
        &self.original_locale
    }

    fn source(&self) -> Texts {
        vec![
            ("title", self.title.clone()),
            ("summary", self.summary.clone()),
            ("prerequisites", self.prerequisites.clone()),
            ("learningOutcomes", lines(&self.learning_outcomes)),
        ]
    }

    /// Learning outcomes are joined with a record separator, so that the
    /// digest does not depend on how translators edit them.
    fn digest(&self) -> String {
        let outcomes = string_list(&self.learning_outcomes).join("\u{1e}");
        crate::l10n::content::source_digest(&[&self.title, &self.summary, &self.prerequisites, &outcomes])
    }

    fn locale_of(t: &Self::Translation) -> &str {
        &t.locale
    }

    fn item_id(t: &Self::Translation) -> Uuid {
        t.training_material_id
    }

    fn existing(t: &Self::Translation) -> Existing {
        Existing {
            fields: vec![
                ("title", t.title.clone()),
                ("summary", t.summary.clone()),
                ("prerequisites", t.prerequisites.clone()),
                ("learningOutcomes", lines(&t.learning_outcomes)),
            ],
            source_digest: t.source_digest.clone(),
            status: t.status,
            updated_at: t.updated_at,
        }
    }

    async fn readable(db: &DatabaseConnection, caller: &Caller, only: Option<Uuid>) -> ApiResult<Vec<Self>> {
        Ok(training_material::Entity::find()
            .apply_if(only, |q, id| q.filter(training_material::Column::Id.eq(id)))
            .filter(policy::training_read(caller))
            .order_by_asc(training_material::Column::Id)
            .all(db)
            .await?)
    }

    async fn translations(
        db: &DatabaseConnection,
        locale: &str,
        only: Option<Uuid>,
    ) -> ApiResult<Vec<Self::Translation>> {
        translations_of!(db, training_translation, TrainingMaterialId, locale, only)
    }

    async fn store(txn: &DatabaseTransaction, row: NewTranslation) -> ApiResult<()> {
        replace!(txn, training_translation, row);
        training_translation::ActiveModel {
            training_material_id: Set(row.id),
            locale: Set(row.locale.clone()),
            title: Set(row.text("title")),
            summary: Set(row.text("summary")),
            prerequisites: Set(row.text("prerequisites")),
            learning_outcomes: Set(StringList::from(row.lines("learningOutcomes"))),
            source_digest: Set(row.source_digest),
            status: Set(row.status),
            translator_id: Set(Some(row.translator)),
            created_at: Set(row.now),
            updated_at: Set(row.now),
        }
        .insert(txn)
        .await?;
        Ok(())
    }
}

/// An offering with what its translatable texts need: the titles of its
/// programme in order, and its material's original locale.
#[derive(Clone, Debug)]
pub struct OfferingTexts {
    pub offering: offering::Model,
    pub titles: Vec<String>,
    pub original_locale: String,
}

impl Translatable for OfferingTexts {
    type Translation = offering_translation::Model;
    const TYPE: ContentType = ContentType::Offering;

    fn id(&self) -> Uuid {
        self.offering.id
    }

    fn original_locale(&self) -> &str {
        &self.original_locale
    }

    fn source(&self) -> Texts {
        vec![
            ("venue", self.offering.venue.clone().unwrap_or_default()),
            ("programme", self.titles.join("\n")),
        ]
    }

    fn locale_of(t: &Self::Translation) -> &str {
        &t.locale
    }

    fn item_id(t: &Self::Translation) -> Uuid {
        t.offering_id
    }

    fn existing(t: &Self::Translation) -> Existing {
        Existing {
            fields: vec![
                ("venue", t.venue.clone()),
                ("programme", lines(&t.programme_titles)),
            ],
            source_digest: t.source_digest.clone(),
            status: t.status,
            updated_at: t.updated_at,
        }
    }

    /// Titles are matched to programme items by position, so a translation
    /// made for another programme (reordered, changed) is not shown either:
    /// it is OUTDATED.
    fn shows(&self, t: &Self::Translation) -> bool {
        t.source_digest == self.digest() && super::is_complete(&self.source(), &Self::existing(t).fields)
    }

    /// The offerings of training materials the caller may read.
    async fn readable(db: &DatabaseConnection, caller: &Caller, only: Option<Uuid>) -> ApiResult<Vec<Self>> {
        let material_of_only = match only {
            Some(id) => Some(
                offering::Entity::find_by_id(id)
                    .one(db)
                    .await?
                    .map(|o| o.training_material_id),
            ),
            None => None,
        };
        let materials: HashMap<Uuid, String> = training_material::Entity::find()
            .filter(policy::training_read(caller))
            .apply_if(material_of_only, |q, material| {
                q.filter(training_material::Column::Id.eq(material))
            })
            .all(db)
            .await?
            .into_iter()
            .map(|m| (m.id, m.original_locale))
            .collect();
        let offerings = offering::Entity::find()
            .apply_if(only, |q, id| q.filter(offering::Column::Id.eq(id)))
            .filter(offering::Column::TrainingMaterialId.is_in(materials.keys().copied()))
            .order_by_asc(offering::Column::Id)
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
        Ok(offerings
            .into_iter()
            .map(|offering| OfferingTexts {
                titles: titles.remove(&offering.id).unwrap_or_default(),
                original_locale: materials
                    .get(&offering.training_material_id)
                    .cloned()
                    .unwrap_or_default(),
                offering,
            })
            .collect())
    }

    async fn translations(
        db: &DatabaseConnection,
        locale: &str,
        only: Option<Uuid>,
    ) -> ApiResult<Vec<Self::Translation>> {
        translations_of!(db, offering_translation, OfferingId, locale, only)
    }

    /// Programme titles keep their positions, empty ones included.
    async fn store(txn: &DatabaseTransaction, row: NewTranslation) -> ApiResult<()> {
        replace!(txn, offering_translation, row);
        let titles: Vec<String> = row
            .text("programme")
            .split('\n')
            .map(|l| l.trim().to_owned())
            .collect();
        offering_translation::ActiveModel {
            offering_id: Set(row.id),
            locale: Set(row.locale.clone()),
            venue: Set(row.text("venue")),
            programme_titles: Set(StringList::from(titles)),
            source_digest: Set(row.source_digest),
            status: Set(row.status),
            translator_id: Set(Some(row.translator)),
            created_at: Set(row.now),
            updated_at: Set(row.now),
        }
        .insert(txn)
        .await?;
        Ok(())
    }
}
