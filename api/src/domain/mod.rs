//! Parsed domain types. Input becomes one of these once, at the edge, and a
//! failure is a field error; inside, the type carries the guarantee.

mod enums;
mod money;
mod scalars;
mod text;

pub use enums::*;
pub use money::MoneyInput;
pub use scalars::Date;
pub use text::*;

/// Parses an id that should be a UUID; a malformed one is BAD_USER_INPUT
/// naming `field`, the argument's path (`projectId`, `input.projectId`).
pub fn parse_id(field: &str, id: &str) -> crate::error::ApiResult<uuid::Uuid> {
    uuid::Uuid::parse_str(id).map_err(|_| crate::error::ApiError::invalid(field, "input-id-invalid"))
}

/// A stored JSON array of strings (topics, authors, learning outcomes,
/// languages…) as a list; anything else in the column reads as empty.
pub fn string_list(json: &serde_json::Value) -> Vec<String> {
    json.as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
