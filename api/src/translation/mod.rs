//! Translatable stored content: one trait, `Translatable`, implemented per
//! content type (in `kinds`), says what a type's translatable texts are,
//! their source digest, how its readable items and its translations are
//! loaded and how a translation is stored. Everything else is written once
//! over it: which translation a reader gets (`Translatable::pick`,
//! `resolve`), where a translation stands for translators (MISSING,
//! OUTDATED, CURRENT), and storing one with its event (`save`), used by
//! `translateContent` and by each type's own translate mutation.

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DatabaseTransaction};
use std::future::Future;
use uuid::Uuid;

use crate::auth::Caller;
use crate::domain::{TranslationStatus, long_text, name_text};
use crate::error::{ApiError, ApiResult};
use crate::l10n::LocaleChain;
use crate::l10n::content::{self, source_digest};

mod kinds;
mod save;

pub use kinds::OfferingTexts;
pub use save::{may_translate, save, save_content};

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
    /// is one sentence a line, `programme` one title a line.
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

/// Runs `$body` with `$t` the `Translatable` type of content type `$ct`:
/// the one place a content type becomes a Rust type.
macro_rules! by_type {
    ($ct:expr, $t:ident => $body:expr) => {
        match $ct {
            $crate::translation::ContentType::Organisation => {
                type $t = sammen_entities::organisation::Model;
                $body
            }
            $crate::translation::ContentType::Document => {
                type $t = sammen_entities::document::Model;
                $body
            }
            $crate::translation::ContentType::Project => {
                type $t = sammen_entities::project::Model;
                $body
            }
            $crate::translation::ContentType::Deliverable => {
                type $t = sammen_entities::deliverable::Model;
                $body
            }
            $crate::translation::ContentType::TrainingMaterial => {
                type $t = sammen_entities::training_material::Model;
                $body
            }
            $crate::translation::ContentType::Offering => {
                type $t = $crate::translation::OfferingTexts;
                $body
            }
        }
    };
}
pub(crate) use by_type;

/// Named texts, in the order of `ContentType::fields`; lists are one item a
/// line.
pub type Texts = Vec<(&'static str, String)>;

/// A kind of stored content with translations.
pub trait Translatable: Sized + Send + Sync + 'static {
    /// Its stored translation (one row per locale).
    type Translation: Send + Sync + 'static;

    const TYPE: ContentType;

    fn id(&self) -> Uuid;

    /// The locale the source texts are written in.
    fn original_locale(&self) -> &str;

    /// The source texts.
    fn source(&self) -> Texts;

    /// The digest of the source texts, which a translation records so that
    /// a later change to the source makes it OUTDATED.
    fn digest(&self) -> String {
        let source = self.source();
        source_digest(&source.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>())
    }

    /// A translation's locale.
    fn locale_of(translation: &Self::Translation) -> &str;

    /// The id of the item a translation translates.
    fn item_id(translation: &Self::Translation) -> Uuid;

    /// A translation's texts (as `source`), digest, status and time.
    fn existing(translation: &Self::Translation) -> Existing;

    /// Whether readers are shown `translation`: only when it has every
    /// text the source has, so that a page is in one language and its
    /// `resolvedLocale` is true of every text on it.
    fn shows(&self, translation: &Self::Translation) -> bool {
        is_complete(&self.source(), &Self::existing(translation).fields)
    }

    /// The translation a reader with `chain` gets, if any (`None`: the
    /// original): the one place that decides it, for every type.
    fn pick<'a>(&self, chain: &LocaleChain, rows: &'a [Self::Translation]) -> Option<&'a Self::Translation> {
        content::pick(chain, self.original_locale(), rows, Self::locale_of, |r| {
            self.shows(r)
        })
    }

    /// The locales a reader can get: the original first, then those of the
    /// translations shown.
    fn available_locales(&self, rows: &[Self::Translation]) -> Vec<String> {
        std::iter::once(self.original_locale())
            .chain(rows.iter().filter(|r| self.shows(r)).map(Self::locale_of))
            .map(str::to_owned)
            .collect()
    }

    /// The items of this type the caller may read, in id order (`only`:
    /// just that one, reading only its rows).
    fn readable(
        db: &DatabaseConnection,
        caller: &Caller,
        only: Option<Uuid>,
    ) -> impl Future<Output = ApiResult<Vec<Self>>> + Send;

    /// The translations into `locale` (`only`: of that item).
    fn translations(
        db: &DatabaseConnection,
        locale: &str,
        only: Option<Uuid>,
    ) -> impl Future<Output = ApiResult<Vec<Self::Translation>>> + Send;

    /// Replaces the translation `row` describes, in `txn`.
    fn store(txn: &DatabaseTransaction, row: NewTranslation) -> impl Future<Output = ApiResult<()>> + Send;
}

/// A translation to store.
pub struct NewTranslation {
    pub id: Uuid,
    pub locale: String,
    /// Every field of the type, in order.
    pub texts: Texts,
    pub source_digest: String,
    pub status: TranslationStatus,
    pub translator: Uuid,
    pub now: DateTime<Utc>,
}

impl NewTranslation {
    /// The text of field `name` (empty if absent).
    pub fn text(&self, name: &str) -> String {
        text_of(&self.texts, name).to_owned()
    }

    /// The lines of field `name`, trimmed, empty lines dropped.
    pub fn lines(&self, name: &str) -> Vec<String> {
        text_of(&self.texts, name)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

fn text_of<'a>(texts: &'a [(&'static str, String)], name: &str) -> &'a str {
    texts
        .iter()
        .find(|(f, _)| *f == name)
        .map_or("", |(_, t)| t.as_str())
}

/// The texts a reader gets, in their locale: the picked translation's, a
/// text it leaves empty falling back to the original's.
pub struct Resolved {
    pub locale: String,
    texts: Texts,
}

impl Resolved {
    /// The text of field `name`.
    pub fn text(&self, name: &str) -> String {
        text_of(&self.texts, name).to_owned()
    }
}

/// What a reader with `chain` is shown of `item`, given its translations.
pub fn resolve<T: Translatable>(chain: &LocaleChain, item: &T, rows: &[T::Translation]) -> Resolved {
    let source = item.source();
    match item.pick(chain, rows) {
        Some(row) => {
            let translated = T::existing(row).fields;
            Resolved {
                locale: T::locale_of(row).to_owned(),
                texts: source
                    .iter()
                    .map(|(name, original)| {
                        (*name, content::or_original(text_of(&translated, name), original))
                    })
                    .collect(),
            }
        }
        None => Resolved {
            locale: item.original_locale().to_owned(),
            texts: source,
        },
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

/// One translatable item with its source texts, whatever its type.
#[derive(Clone, Debug)]
pub struct Item {
    pub content_type: ContentType,
    pub id: Uuid,
    pub original_locale: String,
    pub source: Texts,
    pub digest: String,
}

impl Item {
    pub fn of<T: Translatable>(item: &T) -> Self {
        Self {
            content_type: T::TYPE,
            id: item.id(),
            original_locale: item.original_locale().to_owned(),
            source: item.source(),
            digest: item.digest(),
        }
    }
}

/// An existing translation of an item.
#[derive(Clone, Debug)]
pub struct Existing {
    pub fields: Texts,
    pub source_digest: String,
    pub status: TranslationStatus,
    pub updated_at: DateTime<Utc>,
}

/// Where `existing` stands against `item`. A translation that leaves out a
/// text the source has (an empty summary, no learning outcomes, an
/// untitled programme item) is not shown to readers, so it is MISSING.
pub fn state_of(item: &Item, existing: Option<&Existing>) -> TranslationState {
    match existing {
        Some(e) if !is_complete(&item.source, &e.fields) => TranslationState::Missing,
        None => TranslationState::Missing,
        Some(e) if e.source_digest != item.digest => TranslationState::Outdated,
        Some(_) => TranslationState::Current,
    }
}

/// Whether `translated` has every text `source` has (programme titles
/// position by position).
fn is_complete(source: &[(&'static str, String)], translated: &[(&'static str, String)]) -> bool {
    source.iter().all(|(name, source)| {
        let translated = text_of(translated, name);
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

/// The readable items of a type (`only`: that one).
pub async fn items(
    db: &DatabaseConnection,
    caller: &Caller,
    content_type: ContentType,
    only: Option<Uuid>,
) -> ApiResult<Vec<Item>> {
    by_type!(content_type, T => Ok(T::readable(db, caller, only).await?.iter().map(Item::of).collect()))
}

/// The translations of a type into `locale` (`only`: of that item), by item id.
pub async fn translations(
    db: &DatabaseConnection,
    content_type: ContentType,
    locale: &str,
    only: Option<Uuid>,
) -> ApiResult<std::collections::HashMap<Uuid, Existing>> {
    async fn of<T: Translatable>(
        db: &DatabaseConnection,
        locale: &str,
        only: Option<Uuid>,
    ) -> ApiResult<std::collections::HashMap<Uuid, Existing>> {
        Ok(T::translations(db, locale, only)
            .await?
            .iter()
            .map(|t| (T::item_id(t), T::existing(t)))
            .collect())
    }
    by_type!(content_type, T => of::<T>(db, locale, only).await)
}

/// Checks translated fields against the type's fields and limits.
pub fn parse_fields(content_type: ContentType, raw: &[(String, String)]) -> ApiResult<Texts> {
    let allowed = content_type.fields();
    let mut out: Texts = Vec::new();
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
