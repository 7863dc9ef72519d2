//! Search (issue 15): the text analysis agrees with PostgreSQL's, the index
//! follows every change and can be rebuilt, the `search` query finds what
//! the issue says, never shows what the caller may not read, and reads any
//! syntax.

mod access;
mod analysis;
mod examples;
mod files;
mod golden;
mod index;
mod plans;
mod syntax;

use serde_json::{Value, json};

use crate::support::{Reply, TestApp};

/// The whole of a search result, as a client would ask for it.
pub const SEARCH: &str = r#"query($q: String!, $first: Int, $after: String, $filter: SearchFilter) {
  search(query: $q, first: $first, after: $after, filter: $filter) {
    totalCount
    facets { types { value count } languages { value count } countries { value count }
             eqfLevels { value count } licenses { value count } }
    pageInfo { hasNextPage endCursor }
    edges { cursor node { score matchedLocale highlights { field snippet }
      node { __typename ... on Document { id } ... on Project { id } ... on TrainingMaterial { id }
             ... on Organisation { id } ... on User { id } } } }
  } }"#;

/// Sends a search as `token` (anonymous for `None`).
pub async fn search_reply(
    app: &TestApp,
    token: Option<&str>,
    query: &str,
    filter: Value,
    first: i32,
) -> Reply {
    let variables = json!({ "q": query, "filter": filter, "first": first });
    match token {
        Some(token) => app.gql_as(token, SEARCH, variables).await,
        None => app.gql(SEARCH, variables).await,
    }
}

/// The `search` object of a search that must succeed.
pub async fn search(app: &TestApp, token: Option<&str>, query: &str, filter: Value) -> Value {
    search_reply(app, token, query, filter, 50).await.ok()["search"].clone()
}

/// The ids of the hits, best first.
pub fn ids(found: &Value) -> Vec<String> {
    found["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["node"]["id"].as_str().expect("an id").to_owned())
        .collect()
}

/// The hit for `id`, if found.
pub fn hit<'a>(found: &'a Value, id: &str) -> Option<&'a Value> {
    found["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| &e["node"])
        .find(|h| h["node"]["id"] == id)
}

/// The count of `value` in facet `facet` (0 when absent).
pub fn facet(found: &Value, facet: &str, value: &str) -> u64 {
    found["facets"][facet]
        .as_array()
        .expect("a facet")
        .iter()
        .find(|c| c["value"] == value)
        .map_or(0, |c| c["count"].as_u64().expect("a count"))
}

/// Creates a document as `token`; its id.
pub async fn document(app: &TestApp, token: &str, input: Value) -> String {
    app.gql_as(
        token,
        "mutation($i: CreateDocumentInput!) { createDocument(input: $i) { id } }",
        json!({ "i": input }),
    )
    .await
    .ok()["createDocument"]["id"]
        .as_str()
        .expect("an id")
        .to_owned()
}
