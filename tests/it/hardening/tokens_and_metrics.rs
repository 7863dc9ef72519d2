//! Tokens and metrics: a read-only token may neither log out nor upload
//! and keeps working; metrics are served on their own listener only.

use serde_json::json;

use crate::support::{PDF, TestApp, UPLOAD};

#[tokio::test]
async fn a_read_only_token_may_not_log_out_and_keeps_working() {
    let app = TestApp::spawn().await;
    let session = app.login("partner@example.org").await;
    let created = app
        .gql_as(
            &session,
            "mutation { createApiToken(name: \"Reader\", scope: READ) { token } }",
            json!({}),
        )
        .await;
    let api = created.ok()["createApiToken"]["token"]
        .as_str()
        .expect("a secret")
        .to_owned();
    app.gql_as(&api, "mutation { logout }", json!({}))
        .await
        .expect_error("FORBIDDEN");
    let me = app.gql_as(&api, "{ me { displayName } }", json!({})).await;
    assert_eq!(me.ok()["me"]["displayName"], "Pat Partner");
    let tokens = app
        .gql_as(&session, "{ me { apiTokens { name revokedAt } } }", json!({}))
        .await;
    let listed = tokens.ok()["me"]["apiTokens"].as_array().expect("tokens").clone();
    let reader = listed
        .iter()
        .find(|t| t["name"] == "Reader")
        .expect("the token is listed");
    assert!(reader["revokedAt"].is_null(), "the token was revoked: {reader}");

    // Nor can it upload: refused before the body is read.
    let uploaded = app
        .upload(
            Some(&api),
            UPLOAD,
            json!({ "doc": uuid::Uuid::now_v7().to_string(), "file": null }),
            "n.pdf",
            "application/pdf",
            PDF,
        )
        .await;
    uploaded.expect_error("FORBIDDEN");
    assert_eq!(uploaded.status, 403);
}

#[tokio::test]
async fn metrics_are_served_on_their_own_listener_only() {
    let app = TestApp::spawn().await;
    app.gql("{ organisations { totalCount } }", json!({})).await.ok();
    let public = app.client.get(app.url("/metrics")).send().await.expect("sent");
    assert_eq!(public.status(), 404);
    let text = public.text().await.expect("text");
    assert!(!text.contains("sammen_db_statements_total"), "{text}");

    let url = app.metrics_url();
    assert!(
        !url.starts_with(&format!("{}/", app.address)),
        "metrics on the public address: {url}"
    );
    let private = app.client.get(url.as_str()).send().await.expect("sent");
    assert_eq!(private.status(), 200);
    let text = private.text().await.expect("text");
    assert!(
        text.lines().any(|l| l.starts_with("sammen_db_statements_total ")),
        "{text}"
    );
    assert!(app.statements().await > 0, "a request ran SQL");
}
