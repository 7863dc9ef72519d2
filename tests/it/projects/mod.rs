//! Joint projects: creation and its rules, coordinators and contributors,
//! concurrency, the activity log and its subscription, and no N+1.
//!
//! Shared here: the creation mutation (and a project made with it), and
//! the status and update mutations.

mod activity;
mod lifecycle;
mod listing;
mod team;

use serde_json::{Value, json};

use crate::support::TestApp;

const CREATE: &str = r#"mutation($input: CreateProjectInput!) {
  createProject(input: $input) {
    id code status version budget { amountMinor currency formatted }
    participants { role organisation { slug } } members { role user { displayName } }
  }
}"#;

fn new_project(code: &str) -> Value {
    json!({ "input": {
        "code": code, "title": "Peer work in schools", "startsOn": "2025-01-01", "endsOn": "2025-12-31",
        "fundingProgramme": "Erasmus+", "budget": { "amountMinor": 170000, "currency": "NOK" }
    }})
}

async fn create(app: &TestApp, token: &str, code: &str) -> Value {
    app.gql_as(token, CREATE, new_project(code)).await.ok()["createProject"].clone()
}

const STATUS: &str =
    "mutation($id: ID!, $s: ProjectStatus!) { changeProjectStatus(id: $id, status: $s) { status } }";

const UPDATE: &str = r#"mutation($id: ID!, $v: Int!, $title: String) {
  updateProject(input: {id: $id, expectedVersion: $v, title: $title}) { version title }
}"#;
