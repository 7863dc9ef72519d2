//! Sharing: the rules for grants are enforced, grantees do not see the
//! grant list, and grants can be withdrawn.

use serde_json::json;

use super::{SHARE, create};
use crate::support::TestApp;

#[tokio::test]
async fn sharing_rules_are_enforced_and_grants_can_be_withdrawn() {
    let app = TestApp::spawn().await;
    let owner = app.login("coordinator@example.org").await;
    let partner = app.login("partner@example.org").await;
    let doc = create(
        &app,
        &owner,
        json!({ "kind": "REPORT", "title": "Shared", "visibility": "PARTNERS" }),
    )
    .await;
    let id = doc["id"].as_str().expect("id");
    let hub = app.organisation_id("erfaringssentrum").await;
    let us = app.organisation_id("new-england-peer-alliance").await;
    let get = "query($id: ID!) { document(id: $id) { title shares { permission organisation { slug } } viewerCanEdit } }";

    app.gql_as(&partner, get, json!({ "id": id }))
        .await
        .expect_error("NOT_FOUND");
    app.gql_as(&owner, SHARE, json!({ "doc": id, "org": hub, "p": "VIEW" }))
        .await
        .expect_error("BAD_USER_INPUT");
    app.gql_as(
        &owner,
        SHARE,
        json!({ "doc": id, "org": us, "p": "VIEW", "until": "2001-01-01T00:00:00Z" }),
    )
    .await
    .expect_error("BAD_USER_INPUT");
    app.gql_as(&owner, SHARE, json!({ "doc": id, "org": us, "p": "VIEW" }))
        .await
        .ok();

    let seen = app.gql_as(&partner, get, json!({ "id": id })).await;
    assert_eq!(seen.ok()["document"]["title"], "Shared");
    assert_eq!(
        seen.ok()["document"]["shares"],
        json!([]),
        "grantees do not see the grant list"
    );
    assert_eq!(seen.ok()["document"]["viewerCanEdit"], false);
    let shared_with_me = app
        .gql_as(
            &partner,
            "{ documents(filter: {sharedWithMe: true}) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(shared_with_me.ok()["documents"]["totalCount"], 1);
    let owner_view = app.gql_as(&owner, get, json!({ "id": id })).await;
    assert_eq!(
        owner_view.ok()["document"]["shares"],
        json!([{ "permission": "VIEW", "organisation": { "slug": "new-england-peer-alliance" } }])
    );

    let unshare =
        "mutation($doc: ID!, $org: ID!) { unshareDocument(documentId: $doc, organisationId: $org) }";
    assert_eq!(
        app.gql_as(&owner, unshare, json!({ "doc": id, "org": us }))
            .await
            .ok()["unshareDocument"],
        true
    );
    app.gql_as(&partner, get, json!({ "id": id }))
        .await
        .expect_error("NOT_FOUND");

    let private = create(&app, &owner, json!({ "kind": "REPORT", "title": "Private" })).await;
    let reply = app
        .gql_with(
            Some(&owner),
            Some("nb-NO"),
            SHARE,
            json!({ "doc": private["id"], "org": us, "p": "VIEW" }),
        )
        .await;
    reply.expect_error("BAD_USER_INPUT");
    assert!(
        reply.message().starts_with("Private dokumenter kan ikke deles"),
        "{}",
        reply.message()
    );
}
