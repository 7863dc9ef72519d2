//! Translatable stored content, seen from the translators' side: which
//! entities have which translatable fields, what their source texts are,
//! whether a translation into a locale is missing, outdated or current, and
//! storing a translation. Reading goes through the access policy.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::{TranslationStatus, long_text, name_text};
use crate::error::{ApiError, ApiResult};
use crate::l10n::content::{self, source_digest};

mod existing;
mod items;
mod save;

pub use existing::{translation, translations};
pub use items::{item, items};
pub use save::save;

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

/// A stored list as one text, an item a line (how translators edit lists).
fn list(list: &sammen_entities::list::StringList) -> String {
    list.items().join("\n")
}

/// The source digest of an offering's texts.
pub fn offering_digest(venue: &str, titles: &[String]) -> String {
    source_digest(&[venue, &titles.join("\n")])
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
