//! The list of documents with their owners: read in the page's statement,
//! and an owner the reader may not see is null while its document is listed.

use serde_json::json;

use super::create;
use crate::support::{TestApp, statements_for, statements_in};

#[tokio::test]
async fn owners_come_with_the_page_and_one_the_reader_may_not_see_is_null() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let partner = app.login("partner@example.org").await;
    // A public document of a prospect, whose organisation only admins and
    // its own people see.
    let prospect = app.organisation_id("ubuntu-peer-workers").await;
    let public = create(
        &app,
        &admin,
        json!({"kind": "REPORT", "title": "Protea findings", "visibility": "PUBLIC", "ownerOrganisationId": prospect}),
    )
    .await;
    let listed = |token: String| {
        let app = &app;
        async move {
            app.gql_as(
                &token,
                r#"{ documents(first: 50, filter: {query: "Protea"}) { nodes { id title owner { slug } } } }"#,
                json!({}),
            )
            .await
            .ok()["documents"]["nodes"]
                .clone()
        }
    };
    assert_eq!(
        listed(partner.clone()).await,
        json!([{"id": public["id"], "title": "Protea findings", "owner": null}])
    );
    assert_eq!(
        listed(admin.clone()).await,
        json!([{"id": public["id"], "title": "Protea findings", "owner": {"slug": "ubuntu-peer-workers"}}])
    );

    // The owners cost no statement of their own, for either reader.
    for token in [&partner, &admin] {
        let bare = "{ documents(first: 50) { nodes { id } } }";
        let owned = "{ documents(first: 50) { nodes { id owner { id name } } } }";
        statements_for(&app, token, bare, json!({})).await;
        assert_eq!(
            statements_for(&app, token, owned, json!({})).await,
            statements_for(&app, token, bare, json!({})).await
        );
    }
}

#[tokio::test]
async fn titles_in_the_readers_language_come_with_the_page() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let report = create(
        &app,
        &admin,
        json!({"kind": "REPORT", "title": "Tidewater report", "originalLocale": "en-US", "visibility": "PUBLIC"}),
    )
    .await;
    app.gql_as(
        &admin,
        r#"mutation($id: ID!) { translateDocument(id: $id, locale: "nb-NO", title: "Tidevannsrapport", summary: "") { id } }"#,
        json!({ "id": report["id"] }),
    )
    .await
    .ok();
    let query =
        r#"{ documents(first: 50, filter: {query: "Tidewater"}) { nodes { title resolvedLocale } } }"#;
    let read = |language: Option<&'static str>| {
        let (app, admin) = (&app, &admin);
        async move {
            app.gql_with(Some(admin), language, query, json!({})).await.ok()["documents"]["nodes"].clone()
        }
    };
    let norwegian = json!([{"title": "Tidevannsrapport", "resolvedLocale": "nb-NO"}]);
    assert_eq!(read(Some("nb-NO")).await, norwegian);
    assert_eq!(
        read(Some("en-US")).await,
        json!([{"title": "Tidewater report", "resolvedLocale": "en-US"}])
    );
    // A Danish reader who also reads Norwegian: no Danish translation, so
    // the Norwegian one (the page cannot decide this alone).
    assert_eq!(read(Some("da-DK, nb-NO;q=0.8")).await, norwegian);

    // The titles cost no statement of their own (where the first locale
    // decides: the Norwegian reader of an English original).
    let bare = r#"{ documents(first: 50, filter: {query: "Tidewater"}) { nodes { id } } }"#;
    let titled = r#"{ documents(first: 50, filter: {query: "Tidewater"}) { nodes { id title } } }"#;
    let norwegian_reader = Some("nb-NO");
    assert_eq!(
        statements_in(&app, &admin, norwegian_reader, titled, json!({})).await,
        statements_in(&app, &admin, norwegian_reader, bare, json!({})).await
    );
    // (Where it does not, one statement more: the translations.)
    let danish_reader = Some("da-DK, nb-NO;q=0.8");
    assert_eq!(
        statements_in(&app, &admin, danish_reader, titled, json!({})).await,
        statements_in(&app, &admin, danish_reader, bare, json!({})).await + 1
    );
}
