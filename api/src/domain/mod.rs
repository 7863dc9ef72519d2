//! Parsed domain types. Input becomes one of these once, at the edge, and a
//! failure is a field error; inside, the type carries the guarantee.

mod money;
mod scalars;
mod text;

pub use money::MoneyInput;
pub use sammen_entities::enums::*;
pub use scalars::Date;
pub use text::*;

/// Parses an id that should be a UUID; a malformed one is BAD_USER_INPUT
/// naming `field`, the argument's path (`projectId`, `input.projectId`).
pub fn parse_id(field: &str, id: &str) -> crate::error::ApiResult<uuid::Uuid> {
    uuid::Uuid::parse_str(id).map_err(|_| crate::error::ApiError::invalid(field, "input-id-invalid"))
}

/// A stored list of strings (topics, authors, learning outcomes,
/// languages…) as a vector.
pub fn string_list(list: &sammen_entities::list::StringList) -> Vec<String> {
    list.0.clone()
}
