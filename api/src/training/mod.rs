//! Training materials below the API: their translatable texts, which
//! translation a reader gets, the digest translations are checked against,
//! and the schema.org JSON-LD built from them.

use sammen_entities::{training_material, training_translation};

pub use crate::domain::string_list;
use crate::l10n::{LocaleChain, content};

pub mod changes;
mod inputs;

pub use inputs::{
    CreateTrainingMaterialInput, OfferingInput, ProgrammeItemInput, UpdateTrainingMaterialInput,
};
pub mod jsonld;

/// The translatable texts of a training material in one locale.
#[derive(Clone, Debug)]
pub struct Texts {
    pub locale: String,
    pub title: String,
    pub summary: String,
    pub prerequisites: String,
    pub learning_outcomes: Vec<String>,
}

/// The digest translations are checked against.
pub fn digest(material: &training_material::Model) -> String {
    let outcomes = string_list(&material.learning_outcomes).join("\u{1e}");
    content::source_digest(&[
        &material.title,
        &material.summary,
        &material.prerequisites,
        &outcomes,
    ])
}

/// Picks the texts for a locale chain.
pub fn resolve(
    chain: &LocaleChain,
    material: &training_material::Model,
    translations: &[training_translation::Model],
) -> Texts {
    let picked = content::pick(
        chain,
        &material.original_locale,
        translations,
        |t| &t.locale,
        |t| complete(material, t),
    );
    match picked {
        Some(t) => {
            let or = |translated: &str, original: &str| {
                if translated.is_empty() {
                    original
                } else {
                    translated
                }
                .to_owned()
            };
            let outcomes = string_list(&t.learning_outcomes);
            Texts {
                locale: t.locale.clone(),
                title: content::or_original(&t.title, &material.title),
                summary: or(&t.summary, &material.summary),
                prerequisites: or(&t.prerequisites, &material.prerequisites),
                learning_outcomes: if outcomes.is_empty() {
                    string_list(&material.learning_outcomes)
                } else {
                    outcomes
                },
            }
        }
        None => Texts {
            locale: material.original_locale.clone(),
            title: material.title.clone(),
            summary: material.summary.clone(),
            prerequisites: material.prerequisites.clone(),
            learning_outcomes: string_list(&material.learning_outcomes),
        },
    }
}

/// Whether a translation has every text the material has: only complete
/// translations are shown, so a page is in one language.
pub fn complete(material: &training_material::Model, translation: &training_translation::Model) -> bool {
    let outcomes = string_list(&material.learning_outcomes).join("\n");
    let translated = string_list(&translation.learning_outcomes).join("\n");
    content::complete(&[
        (&material.title, &translation.title),
        (&material.summary, &translation.summary),
        (&material.prerequisites, &translation.prerequisites),
        (&outcomes, &translated),
    ])
}
