//! Documents: the access matrix (visibility × caller × operation), uploads
//! and downloads, sharing, translations and bad input.
//!
//! Shared here: the creation and sharing mutations, and a document made
//! with the first.

mod access;
mod files;
mod listing;
mod metadata;
mod sharing;

use serde_json::{Value, json};

use crate::support::TestApp;

const CREATE: &str = r#"mutation($input: CreateDocumentInput!) {
  createDocument(input: $input) { id version visibility title originalLocale license }
}"#;

const SHARE: &str = r#"mutation($doc: ID!, $org: ID!, $p: SharePermission!, $until: DateTime) {
  shareDocument(documentId: $doc, organisationId: $org, permission: $p, expiresAt: $until) { permission expired }
}"#;

async fn create(app: &TestApp, token: &str, input: Value) -> Value {
    app.gql_as(token, CREATE, json!({ "input": input })).await.ok()["createDocument"].clone()
}
