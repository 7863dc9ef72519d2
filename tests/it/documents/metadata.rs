//! What a document says about itself: bad metadata is a field error and
//! stores nothing, translations follow the reader's language and go
//! stale, and documents page by title without gaps or repeats.

use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;

use super::{CREATE, create};
use crate::support::TestApp;

#[tokio::test]
async fn bad_metadata_is_a_field_error_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let owner = app.login("coordinator@example.org").await;
    let before = sammen_entities::document::Entity::find()
        .count(&app.db)
        .await
        .expect("count");
    for (patch, field) in [
        (json!({ "license": "Do-What-I-Say-1.0" }), "license"),
        (json!({ "originalLocale": "xx-YY" }), "originalLocale"),
        (json!({ "originalLocale": "not a locale" }), "originalLocale"),
        (json!({ "contentLanguage": "!!" }), "contentLanguage"),
        (json!({ "title": "" }), "title"),
    ] {
        let mut input = json!({ "kind": "REPORT", "title": "T" });
        for (k, v) in patch.as_object().expect("object") {
            input[k] = v.clone();
        }
        let reply = app
            .gql_with(Some(&owner), Some("nb-NO"), CREATE, json!({ "input": input }))
            .await;
        reply.expect_error("BAD_USER_INPUT");
        assert_eq!(reply.field(), field, "{}", reply.body);
    }
    let license = app
        .gql_with(
            Some(&owner),
            Some("nb-NO"),
            CREATE,
            json!({ "input": { "kind": "REPORT", "title": "T", "license": "Do-What-I-Say-1.0" } }),
        )
        .await;
    assert_eq!(
        license.message(),
        "«Do-What-I-Say-1.0» er ikke en SPDX-lisens-ID som CC-BY-NC-SA-4.0 eller MIT."
    );
    let after = sammen_entities::document::Entity::find()
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(before, after);
}

#[tokio::test]
async fn translations_follow_the_readers_language_and_go_stale() {
    let app = TestApp::spawn().await;
    let owner = app.login("coordinator@example.org").await;
    let translator = app.login("translator@example.org").await;
    let doc = create(
        &app,
        &owner,
        json!({ "kind": "ETHICS", "title": "Ethics in peer work", "summary": "Draft.", "visibility": "PUBLIC" }),
    )
    .await;
    let id = doc["id"].as_str().expect("id");
    let translate = "mutation($id: ID!, $l: String!, $t: String!, $s: String!) { translateDocument(id: $id, locale: $l, title: $t, summary: $s) { id } }";
    app.gql_as(
        &owner,
        translate,
        json!({ "id": id, "l": "nb-NO", "t": "Etikk", "s": "Utkast." }),
    )
    .await
    .expect_error("FORBIDDEN");
    app.gql_as(
        &translator,
        translate,
        json!({ "id": id, "l": "en-US", "t": "X", "s": "Y" }),
    )
    .await
    .expect_error("FORBIDDEN");
    app.gql_as(
        &translator,
        translate,
        json!({ "id": id, "l": "xx-YY", "t": "X", "s": "Y" }),
    )
    .await
    .expect_error("BAD_USER_INPUT");
    app.gql_as(
        &translator,
        translate,
        json!({ "id": id, "l": "nb", "t": "Etikk i likepersonsarbeid", "s": "Utkast." }),
    )
    .await
    .ok();

    let read = "query($id: ID!) { document(id: $id) { title resolvedLocale translations { locale outdated status } } }";
    let nb = app.gql_with(None, Some("nb-NO"), read, json!({ "id": id })).await;
    assert_eq!(nb.ok()["document"]["title"], "Etikk i likepersonsarbeid");
    assert_eq!(nb.ok()["document"]["resolvedLocale"], "nb-NO");
    assert_eq!(
        nb.ok()["document"]["translations"],
        json!([{ "locale": "nb-NO", "outdated": false, "status": "DRAFT" }])
    );
    let en = app.gql_with(None, Some("en"), read, json!({ "id": id })).await;
    assert_eq!(en.ok()["document"]["title"], "Ethics in peer work");

    app.gql_as(
        &owner,
        "mutation($id: ID!) { updateDocument(input: {id: $id, expectedVersion: 1, summary: \"Second draft.\"}) { version } }",
        json!({ "id": id }),
    )
    .await
    .ok();
    let stale = app.gql_with(None, Some("nb-NO"), read, json!({ "id": id })).await;
    assert_eq!(stale.ok()["document"]["translations"][0]["outdated"], true);
}

#[tokio::test]
async fn documents_page_by_title_without_gaps_or_repeats() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let query = "query($after: String) { documents(first: 2, orderBy: TITLE, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { title } } } }";
    let mut after: Option<String> = None;
    let mut titles = Vec::new();
    for _ in 0..10 {
        let reply = app.gql_as(&admin, query, json!({ "after": after })).await;
        let data = reply.ok()["documents"].clone();
        assert_eq!(data["totalCount"], 5, "the demo documents");
        for edge in data["edges"].as_array().expect("edges") {
            titles.push(edge["node"]["title"].as_str().expect("title").to_owned());
        }
        if data["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = data["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    assert_eq!(titles.len(), 5, "{titles:?}");
    let mut sorted = titles.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 5, "a title repeated: {titles:?}");
    // A cursor from the newest-first order is refused under TITLE.
    let newest = app
        .gql_as(
            &admin,
            "{ documents(first: 1) { pageInfo { endCursor } } }",
            json!({}),
        )
        .await;
    let cursor = newest.ok()["documents"]["pageInfo"]["endCursor"].clone();
    app.gql_as(&admin, query, json!({ "after": cursor }))
        .await
        .expect_error("BAD_USER_INPUT");
}
