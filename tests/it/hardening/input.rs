//! Input that databases or readers choke on: control characters in text
//! arguments, and file names with unbalanced bidi controls.

use serde_json::json;

use crate::support::{PDF, TestApp, UPLOAD, create_document, files_under};

#[tokio::test]
async fn control_characters_in_text_arguments_are_bad_input_on_every_engine() {
    let app = TestApp::spawn().await;
    let nul = "a\u{0}b";
    for (query, variables) in [
        (
            "query($q: String!) { organisations(filter: {query: $q}) { totalCount } }",
            json!({ "q": nul }),
        ),
        (
            "query($s: String!) { organisationBySlug(slug: $s) { id } }",
            json!({ "s": nul }),
        ),
        (
            "query($c: String!) { organisations(first: 5, after: $c) { totalCount } }",
            json!({ "c": nul }),
        ),
        (
            "query($q: String!) { documents(filter: {query: $q}) { totalCount } }",
            json!({ "q": nul }),
        ),
        (
            "query($q: String!) { projects(filter: {query: $q}) { totalCount } }",
            json!({ "q": nul }),
        ),
    ] {
        let reply = app.gql_with(None, Some("en-US"), query, variables).await;
        reply.expect_error("BAD_USER_INPUT");
        assert!(
            reply.message().to_lowercase().contains("control character"),
            "{query}: {}",
            reply.message()
        );
    }
    // Written into the query text as an escape, it is refused as well.
    let inline = app
        .gql_with(
            None,
            Some("en-US"),
            "{ organisations(filter: {query: \"a\\u0000b\"}) { totalCount } }",
            json!({}),
        )
        .await;
    assert!(
        !inline.status.is_server_error(),
        "5xx: {} {}",
        inline.status,
        inline.body
    );
    assert!(
        matches!(inline.code(), "BAD_USER_INPUT" | "GRAPHQL_PARSE_FAILED"),
        "{}",
        inline.body
    );
}

#[tokio::test]
async fn an_upload_named_with_unbalanced_bidi_controls_is_refused() {
    let app = TestApp::spawn().await;
    let owner = app.login("coordinator@example.org").await;
    let doc = create_document(&app, &owner, "Bidi").await;
    let reply = app
        .upload(
            Some(&owner),
            UPLOAD,
            json!({ "doc": doc, "file": null }),
            "report\u{202E}fdp.pdf",
            "application/pdf",
            PDF,
        )
        .await;
    reply.expect_error("BAD_USER_INPUT");
    let versions = app
        .gql_as(
            &owner,
            "query($id: ID!) { document(id: $id) { versions { id } } }",
            json!({ "id": doc }),
        )
        .await;
    assert_eq!(versions.ok()["document"]["versions"], json!([]));
    let folder = app.config.global.storage_dir.join("documents").join(&doc);
    let left = files_under(&folder);
    assert!(left.is_empty(), "a refused upload left files: {left:?}");
}
