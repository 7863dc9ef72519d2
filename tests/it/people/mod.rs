//! People: who sees whom (the privacy matrix, e-mail addresses, disabled
//! people, API tokens), finding names regardless of case and accents,
//! stable pages by name, bad input, and no N+1 for `Organisation.people`.
//!
//! Shared here: the two people queries, their connections, and a fresh
//! organisation.

mod cost;
mod paging;
mod privacy;
mod search;

use serde_json::{Value, json};

use crate::support::TestApp;

const PEOPLE: &str = r#"query($first: Int, $after: String, $filter: PersonFilter) {
  people(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id displayName email organisation { id } } }
  }
}"#;

const ORGANISATION_PEOPLE: &str = r#"query($id: ID!, $first: Int, $after: String) {
  organisation(id: $id) {
    people(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id displayName email organisation { id } } }
    }
  }
}"#;

/// A fresh ACTIVE organisation (so that everyone may see the organisation
/// itself, and only the people rule decides about its people); its id.
async fn new_organisation(app: &TestApp, admin: &str, slug: &str, name: &str, country: &str) -> String {
    app.gql_as(
        admin,
        "mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { id } }",
        json!({ "i": { "slug": slug, "name": name, "country": country, "kind": "NGO", "partnershipStatus": "ACTIVE" } }),
    )
    .await
    .ok()["createOrganisation"]["id"]
        .as_str()
        .expect("an id")
        .to_owned()
}

/// `people(...)` as `token`: the connection.
async fn people(app: &TestApp, token: Option<&str>, variables: Value) -> Value {
    app.gql_with(token, None, PEOPLE, variables).await.ok()["people"].clone()
}

/// `organisation(id) { people(...) }` as `token`: the connection.
async fn organisation_people(app: &TestApp, token: Option<&str>, variables: Value) -> Value {
    app.gql_with(token, None, ORGANISATION_PEOPLE, variables)
        .await
        .ok()["organisation"]["people"]
        .clone()
}

fn edges(connection: &Value) -> &Vec<Value> {
    connection["edges"].as_array().expect("edges")
}

/// The display names of a connection, in its order.
fn names(connection: &Value) -> Vec<String> {
    edges(connection)
        .iter()
        .map(|e| e["node"]["displayName"].as_str().expect("a name").to_owned())
        .collect()
}
