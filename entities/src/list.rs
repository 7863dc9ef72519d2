//! `StringList`: the one type of the JSON columns that hold a list of
//! strings (topics, authors, languages, learning outcomes, programme
//! titles, focus areas, translator locales). A row whose column is not such
//! a list fails to load, rather than reading as empty.

use sea_orm::FromJsonQueryResult;
use serde::{Deserialize, Serialize};

/// A list of strings stored as a JSON array.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
#[serde(transparent)]
pub struct StringList(pub Vec<String>);

impl StringList {
    /// The items, in order.
    pub fn items(&self) -> &[String] {
        &self.0
    }

    /// Whether `item` is in the list.
    pub fn contains(&self, item: &str) -> bool {
        self.0.iter().any(|i| i == item)
    }
}

impl From<Vec<String>> for StringList {
    fn from(items: Vec<String>) -> Self {
        Self(items)
    }
}

impl<'a> From<&'a [&'a str]> for StringList {
    fn from(items: &'a [&'a str]) -> Self {
        Self(items.iter().map(|s| (*s).to_owned()).collect())
    }
}
