//! What goes in the index for each kind of item: one META row per locale a
//! reader can get it in (the original and every translation readers are
//! shown), and for people one row of their name. Short texts that are not
//! translated (topics, focus areas, an organisation's name) are repeated in
//! every locale's row, so that a query in any language can match all its
//! words within one row.

use std::collections::HashMap;

use sammen_entities::{
    deliverable, deliverable_translation, document, document_translation, organisation,
    organisation_translation, person, project, project_translation, training_material, training_translation,
};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::{ItemType, META, Row};
use crate::search::text::Lang;
use crate::translation::{Texts, Translatable};

/// The ids of items of `item_type` after `after`, in id order, at most
/// `limit` (for rebuilding the index page by page).
pub async fn ids_after(
    db: &impl ConnectionTrait,
    item_type: ItemType,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<Uuid>, DbErr> {
    macro_rules! page {
        ($entity:ident) => {{
            let mut query = $entity::Entity::find()
                .select_only()
                .column($entity::Column::Id)
                .order_by_asc($entity::Column::Id)
                .limit(limit);
            if let Some(after) = after {
                query = query.filter($entity::Column::Id.gt(after));
            }
            query.into_tuple::<Uuid>().all(db).await
        }};
    }
    match item_type {
        ItemType::Document => page!(document),
        ItemType::Project => page!(project),
        ItemType::TrainingMaterial => page!(training_material),
        ItemType::Organisation => page!(organisation),
        ItemType::Person => page!(person),
    }
}

/// The index rows of the items of `item_type` with these ids (none for an
/// id that no longer exists), in id order.
pub async fn of_items(
    db: &impl ConnectionTrait,
    item_type: ItemType,
    ids: &[Uuid],
) -> Result<Vec<Row>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = ids.to_vec();
    /// The items with `ids` and their translations, grouped by item.
    macro_rules! load {
        ($entity:ident, $translation:ident, $item_column:ident) => {{
            let items = $entity::Entity::find()
                .filter($entity::Column::Id.is_in(ids.clone()))
                .order_by_asc($entity::Column::Id)
                .all(db)
                .await?;
            let mut translations: HashMap<Uuid, Vec<$translation::Model>> = HashMap::new();
            for t in $translation::Entity::find()
                .filter($translation::Column::$item_column.is_in(ids.clone()))
                .order_by_asc($translation::Column::Locale)
                .all(db)
                .await?
            {
                translations
                    .entry(<$entity::Model as Translatable>::item_id(&t))
                    .or_default()
                    .push(t);
            }
            (items, translations)
        }};
    }
    let mut rows = Vec::new();
    match item_type {
        ItemType::Document => {
            let (items, translations) = load!(document, document_translation, DocumentId);
            rows = with_fixed_tail(
                item_type,
                &items,
                &translations,
                |d| d.updated_at,
                |d| vec![("topics", d.topics.items().join("\n"))],
            );
        }
        ItemType::TrainingMaterial => {
            let (items, translations) = load!(training_material, training_translation, TrainingMaterialId);
            rows = with_fixed_tail(
                item_type,
                &items,
                &translations,
                |m| m.updated_at,
                |m| vec![("topics", m.topics.items().join("\n"))],
            );
        }
        ItemType::Organisation => {
            let (items, translations) = load!(organisation, organisation_translation, OrganisationId);
            rows = with_fixed_tail(
                item_type,
                &items,
                &translations,
                |o| o.updated_at,
                |o| {
                    vec![
                        ("name", o.name.clone()),
                        ("focusAreas", o.focus_areas.items().join("\n")),
                    ]
                },
            );
        }
        ItemType::Project => {
            let (items, translations) = load!(project, project_translation, ProjectId);
            let deliverables = deliverable::Entity::find()
                .filter(deliverable::Column::ProjectId.is_in(ids.clone()))
                .order_by_asc(deliverable::Column::Code)
                .all(db)
                .await?;
            let mut deliverable_translations: HashMap<Uuid, Vec<deliverable_translation::Model>> =
                HashMap::new();
            if !deliverables.is_empty() {
                for t in deliverable_translation::Entity::find()
                    .filter(
                        deliverable_translation::Column::DeliverableId
                            .is_in(deliverables.iter().map(|d| d.id).collect::<Vec<_>>()),
                    )
                    .all(db)
                    .await?
                {
                    deliverable_translations
                        .entry(t.deliverable_id)
                        .or_default()
                        .push(t);
                }
            }
            for item in &items {
                let of_project: Vec<_> = deliverables.iter().filter(|d| d.project_id == item.id).collect();
                let titles_in = |locale: &str, is_original: bool| {
                    let titles: Vec<String> = of_project
                        .iter()
                        .filter_map(|d| {
                            let rows = deliverable_translations.get(&d.id).map_or(&[][..], Vec::as_slice);
                            deliverable_title(d, rows, locale, is_original)
                        })
                        .collect();
                    vec![("deliverables", titles.join("\n"))]
                };
                rows.extend(meta_rows(
                    item_type,
                    item,
                    translations.get(&item.id).map_or(&[][..], Vec::as_slice),
                    item.updated_at,
                    titles_in,
                ));
            }
        }
        ItemType::Person => {
            for item in person::Entity::find()
                .filter(person::Column::Id.is_in(ids))
                .order_by_asc(person::Column::Id)
                .all(db)
                .await?
            {
                rows.push(Row {
                    item_type,
                    item_id: item.id,
                    part: META,
                    locale: "und".to_owned(),
                    lang: Lang::Simple,
                    is_original: true,
                    texts: vec![("name", item.display_name)],
                    source_version_id: None,
                    updated_at: item.updated_at,
                });
            }
        }
    }
    Ok(rows)
}

/// The META rows of `items` whose untranslated texts (`tail`) are the
/// same in every locale.
fn with_fixed_tail<T: Translatable>(
    item_type: ItemType,
    items: &[T],
    translations: &HashMap<Uuid, Vec<T::Translation>>,
    updated_at: impl Fn(&T) -> chrono::DateTime<chrono::Utc>,
    tail: impl Fn(&T) -> Texts,
) -> Vec<Row> {
    let mut rows = Vec::new();
    for item in items {
        let fixed = tail(item);
        rows.extend(meta_rows(
            item_type,
            item,
            translations.get(&item.id()).map_or(&[][..], Vec::as_slice),
            updated_at(item),
            |_, _| fixed.clone(),
        ));
    }
    rows
}

/// A deliverable's title in `locale`: its original's or a translation's
/// readers are shown. In the project's original row, a deliverable with no
/// title in that locale gives its original one, so every title is found.
fn deliverable_title(
    d: &deliverable::Model,
    rows: &[deliverable_translation::Model],
    locale: &str,
    is_original: bool,
) -> Option<String> {
    if d.original_locale == locale {
        return Some(d.title.clone());
    }
    if let Some(t) = rows.iter().find(|t| t.locale == locale && d.shows(t)) {
        return Some(t.title.clone());
    }
    is_original.then(|| d.title.clone())
}

/// The META rows of one item: its original texts, then one row per
/// translation readers are shown (a text a translation leaves empty is the
/// original's, as readers get it). `tail(locale, is_original)` adds the
/// texts that are not translated.
fn meta_rows<T: Translatable>(
    item_type: ItemType,
    item: &T,
    translations: &[T::Translation],
    updated_at: chrono::DateTime<chrono::Utc>,
    tail: impl Fn(&str, bool) -> Texts,
) -> Vec<Row> {
    let source = item.source();
    let row = |locale: &str, is_original: bool, texts: Texts, updated_at| Row {
        item_type,
        item_id: item.id(),
        part: META,
        locale: locale.to_owned(),
        lang: Lang::of_locale(locale),
        is_original,
        texts: texts
            .into_iter()
            .chain(tail(locale, is_original))
            .filter(|(_, text)| !text.trim().is_empty())
            .collect(),
        source_version_id: None,
        updated_at,
    };
    let mut rows = vec![row(item.original_locale(), true, source.clone(), updated_at)];
    for t in translations {
        let locale = T::locale_of(t);
        if locale == item.original_locale() || !item.shows(t) {
            continue;
        }
        let existing = T::existing(t);
        let texts = source
            .iter()
            .map(|(name, original)| {
                let translated = existing
                    .fields
                    .iter()
                    .find(|(f, _)| f == name)
                    .map_or("", |(_, text)| text.as_str());
                (*name, crate::l10n::content::or_original(translated, original))
            })
            .collect();
        rows.push(row(locale, false, texts, existing.updated_at));
    }
    rows.retain(|r| !r.texts.is_empty());
    rows
}
