//! A refused change (a stale version, a forbidden or bad input, nothing
//! to do) writes no event.

use serde_json::json;

use super::{event_count, my_id};
use crate::support::TestApp;

#[tokio::test]
async fn a_refused_change_writes_no_event() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let partner = app.login("partner@example.org").await;
    let us = app.organisation_id("new-england-peer-alliance").await;
    // Each token's first use is behind us, whatever it records.
    my_id(&app, &partner).await;
    let doc = app
        .gql_as(
            &coordinator,
            "mutation { createDocument(input: {kind: REPORT, title: \"Refusals\", visibility: PARTNERS}) { id } }",
            json!({}),
        )
        .await
        .ok()["createDocument"]["id"]
        .clone();
    let update = "mutation($id: ID!, $s: String!) { updateDocument(input: {id: $id, expectedVersion: 1, summary: $s}) { version } }";
    app.gql_as(&coordinator, update, json!({ "id": doc, "s": "First edit." }))
        .await
        .ok();
    let before = event_count(&app).await;

    // A stale version.
    app.gql_as(&coordinator, update, json!({ "id": doc, "s": "Lost edit." }))
        .await
        .expect_error("CONFLICT");
    // Not allowed.
    app.gql_as(
        &partner,
        "mutation { createOrganisation(input: {slug: \"not-mine\", name: \"Not mine\", country: \"US\", kind: NGO}) { id } }",
        json!({}),
    )
    .await
    .expect_error("FORBIDDEN");
    // Bad input.
    let bad = app
        .gql_as(
            &coordinator,
            "mutation { createProject(input: {code: \"no spaces\", title: \"Bad\", startsOn: \"2025-01-01\"}) { id } }",
            json!({}),
        )
        .await;
    bad.expect_error("BAD_USER_INPUT");
    assert_eq!(bad.field(), "code");
    // Nothing to do: withdrawing a grant that does not exist changes nothing.
    let unshared = app
        .gql_as(
            &coordinator,
            "mutation($d: ID!, $o: ID!) { unshareDocument(documentId: $d, organisationId: $o) }",
            json!({ "d": doc, "o": us }),
        )
        .await;
    assert_eq!(unshared.ok()["unshareDocument"], false);

    assert_eq!(
        event_count(&app).await,
        before,
        "a refused change recorded an event"
    );
}
