//! Training materials below the API: their translatable texts, which
//! translation a reader gets, the digest translations are checked against,
//! and the schema.org JSON-LD built from them.

use sammen_entities::{training_material, training_translation};

pub use crate::domain::string_list;
use crate::l10n::LocaleChain;

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

/// The material's audiences. A stored name no `Audience` has is an error,
/// as for every stored enumeration, never silently left out.
pub fn audiences(
    material: &training_material::Model,
) -> crate::error::ApiResult<Vec<crate::domain::Audience>> {
    string_list(&material.target_audiences)
        .iter()
        .map(|name| {
            crate::domain::Audience::from_db(name).ok_or_else(|| {
                crate::error::ApiError::internal(anyhow::anyhow!(
                    "training material {} has an unknown audience {name:?}",
                    material.id
                ))
            })
        })
        .collect()
}

/// The texts a reader with `chain` gets (see `Translatable::pick`).
pub fn resolve(
    chain: &LocaleChain,
    material: &training_material::Model,
    translations: &[training_translation::Model],
) -> Texts {
    let texts = crate::translation::resolve(chain, material, translations);
    Texts {
        locale: texts.locale.clone(),
        title: texts.text("title"),
        summary: texts.text("summary"),
        prerequisites: texts.text("prerequisites"),
        learning_outcomes: texts
            .text("learningOutcomes")
            .split('\n')
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
    }
}
