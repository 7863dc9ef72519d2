//! The list of documents with their owners: read in the page's statement,
//! and an owner the reader may not see is null while its document is listed.

use serde_json::json;

use super::create;
use crate::support::{TestApp, statements_for};

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
