//! Relay-style keyset pagination: opaque cursors that carry the sort key and
//! the id of the last row seen, so pages stay stable under inserts.

use async_graphql::SimpleObject;
use base64::Engine;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};

pub const DEFAULT_PAGE: usize = 20;
pub const MAX_PAGE: usize = 100;

/// Extra connection fields.
#[derive(SimpleObject, Debug, Clone, Copy)]
pub struct ConnectionTotals {
    /// How many items match the filter, across all pages.
    pub total_count: u64,
}

/// A position in a sorted list.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// The order the cursor was made for; a cursor is refused under another order.
    pub o: String,
    /// The sort key of the row.
    pub k: String,
    pub id: Uuid,
}

impl Cursor {
    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
    }

    pub fn decode(raw: &str) -> ApiResult<Self> {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(raw)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or_else(|| ApiError::invalid("after", "input-cursor-invalid"))
    }
}

impl Page {
    /// The `after` cursor, checked to belong to `order`.
    pub fn after_in(&self, order: &str) -> ApiResult<Option<&Cursor>> {
        match &self.after {
            Some(cursor) if cursor.o != order => Err(ApiError::invalid("after", "input-cursor-invalid")),
            other => Ok(other.as_ref()),
        }
    }
}

/// Validated `first` and `after`.
#[derive(Debug, Clone)]
pub struct Page {
    pub first: usize,
    pub after: Option<Cursor>,
}

impl Page {
    pub fn parse(first: Option<i32>, after: Option<&str>) -> ApiResult<Self> {
        let first = match first {
            None => DEFAULT_PAGE,
            Some(n) if (0..=MAX_PAGE as i32).contains(&n) => n as usize,
            Some(_) => {
                return Err(ApiError::invalid("first", "input-page-size").arg("max", MAX_PAGE as u64));
            }
        };
        let after = after.map(Cursor::decode).transpose()?;
        Ok(Self { first, after })
    }
}

/// Cost of a paginated field for the complexity limit: each requested item
/// costs what its selection costs.
pub fn complexity(first: Option<i32>, child: usize) -> usize {
    let n = first.map_or(DEFAULT_PAGE, |n| n.clamp(0, MAX_PAGE as i32) as usize);
    1 + n.max(1) * child
}
