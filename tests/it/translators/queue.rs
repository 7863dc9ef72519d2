//! Coverage and the queue: coverage reports messages and content for every
//! locale, the queue shows what to translate and translating empties it,
//! and bad translations are refused and store nothing.

use serde_json::json;

use super::{QUEUE, TRANSLATE};
use crate::support::TestApp;

#[tokio::test]
async fn coverage_reports_messages_and_content_for_every_locale() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let reply = app
        .gql_as(
            &admin,
            "{ localeCoverage { locale userInterface messages { total translated missing } content { total translated outdated missing } } }",
            json!({}),
        )
        .await;
    let coverage = reply.ok()["localeCoverage"].as_array().expect("list").clone();
    let locales: Vec<&str> = coverage
        .iter()
        .map(|c| c["locale"].as_str().expect("locale"))
        .collect();
    // The interface's locales first, then the content-only ones.
    assert_eq!(locales, ["en-US", "nb-NO", "da-DK", "nl-NL"]);
    for c in &coverage {
        let m = &c["messages"];
        if c["userInterface"] == true {
            assert_eq!(m["missing"], 0, "{c}");
            assert_eq!(m["total"], m["translated"], "{c}");
        } else {
            assert_eq!(m["translated"], 0, "{c}");
            assert_eq!(m["total"], m["missing"], "{c}");
        }
        let content = &c["content"];
        let sum = content["translated"].as_u64().expect("n")
            + content["outdated"].as_u64().expect("n")
            + content["missing"].as_u64().expect("n");
        assert_eq!(content["total"].as_u64().expect("n"), sum, "{c}");
    }
    assert_eq!(
        coverage
            .iter()
            .map(|c| c["userInterface"] == true)
            .collect::<Vec<_>>(),
        [true, true, false, false]
    );
    let nb = &coverage[1]["content"];
    assert!(
        nb["translated"].as_u64().expect("n") >= 9,
        "the demo organisations are translated: {nb}"
    );
    assert!(
        nb["missing"].as_u64().expect("n") >= 6,
        "the demo deliverables are not: {nb}"
    );
}

#[tokio::test]
async fn the_queue_shows_what_to_translate_and_translating_empties_it() {
    let app = TestApp::spawn().await;
    let translator = app.login("translator@example.org").await;
    let partner = app.login("partner@example.org").await;
    let filter = json!({ "l": "nb-NO", "f": { "type": "DELIVERABLE" } });
    app.gql_as(&partner, QUEUE, filter.clone())
        .await
        .expect_error("FORBIDDEN");

    let queue = app.gql_as(&translator, QUEUE, filter.clone()).await;
    let data = queue.ok()["translationQueue"].clone();
    assert_eq!(data["totalCount"], 6, "the demo projects' deliverables");
    let first = &data["edges"][0]["node"];
    assert_eq!(first["type"], "DELIVERABLE");
    assert_eq!(first["state"], "MISSING");
    assert_eq!(first["source"][0]["name"], "title");
    assert_eq!(first["current"], json!([]));
    let id = first["id"].clone();

    let done = app
        .gql_as(
            &translator,
            TRANSLATE,
            json!({ "t": "DELIVERABLE", "id": id, "l": "nb", "fields": [{ "name": "title", "text": "Kompetanseprofil" }], "s": "REVIEWED" }),
        )
        .await;
    assert_eq!(done.ok()["translateContent"]["state"], "CURRENT");
    assert_eq!(done.ok()["translateContent"]["currentStatus"], "REVIEWED");
    assert_eq!(
        app.gql_as(&translator, QUEUE, filter.clone()).await.ok()["translationQueue"]["totalCount"],
        5
    );

    // The organisations are all translated; changing a source makes its translation OUTDATED.
    let organisations = json!({ "l": "nb-NO", "f": { "type": "ORGANISATION" } });
    assert_eq!(
        app.gql_as(&translator, QUEUE, organisations.clone()).await.ok()["translationQueue"]["totalCount"],
        0
    );
    let admin = app.login("admin@example.org").await;
    let us = app.organisation_id("new-england-peer-alliance").await;
    app.gql_as(
        &admin,
        "mutation($id: ID!) { updateOrganisation(input: {id: $id, expectedVersion: 1, description: \"A peer-run organisation.\"}) { version } }",
        json!({ "id": us }),
    )
    .await
    .ok();
    let outdated = app.gql_as(&translator, QUEUE, organisations).await;
    let task = &outdated.ok()["translationQueue"]["edges"][0]["node"];
    assert_eq!(task["state"], "OUTDATED");
    assert_eq!(task["source"][0]["text"], "A peer-run organisation.");
    assert!(
        task["current"][0]["text"]
            .as_str()
            .expect("text")
            .starts_with("En brukerstyrt organisasjon")
    );
}

#[tokio::test]
async fn bad_translations_are_refused_and_store_nothing() {
    let app = TestApp::spawn().await;
    let translator = app.login("translator@example.org").await;
    let queue = app.gql_as(&translator, QUEUE, json!({ "l": "nb-NO" })).await;
    let before = queue.ok()["translationQueue"]["totalCount"].clone();
    let task = queue.ok()["translationQueue"]["edges"][0]["node"].clone();
    let (t, id) = (task["type"].clone(), task["id"].clone());
    let field = task["source"][0]["name"].as_str().expect("name").to_owned();
    for (locale, fields, bad_field) in [
        ("xx-YY", json!([{ "name": field, "text": "x" }]), "locale"),
        ("fr-FR", json!([{ "name": field, "text": "x" }]), "locale"),
        (
            "nb-NO",
            json!([{ "name": "slug", "text": "x" }]),
            "fields[0].name",
        ),
        (
            "nb-NO",
            json!([{ "name": field, "text": "x".repeat(20_000) }]),
            "fields[0].text",
        ),
        (
            "nb-NO",
            json!([{ "name": field, "text": "Tekst \u{202E}snudd" }]),
            "fields[0].text",
        ),
    ] {
        let reply = app
            .gql_with(
                Some(&translator),
                Some("nb-NO"),
                TRANSLATE,
                json!({ "t": t, "id": id, "l": locale, "fields": fields }),
            )
            .await;
        reply.expect_error("BAD_USER_INPUT");
        assert_eq!(reply.field(), bad_field, "{}", reply.body);
    }
    let bidi = app
        .gql_with(
            Some(&translator),
            Some("nb-NO"),
            TRANSLATE,
            json!({ "t": t, "id": id, "l": "nb-NO", "fields": [{ "name": field, "text": "Tekst \u{202E}snudd" }] }),
        )
        .await;
    assert!(bidi.message().contains("skriveretning"), "{}", bidi.message());
    let partner = app.login("partner@example.org").await;
    app.gql_as(
        &partner,
        TRANSLATE,
        json!({ "t": t, "id": id, "l": "nb-NO", "fields": [{ "name": field, "text": "x" }] }),
    )
    .await
    .expect_error("FORBIDDEN");
    let after = app.gql_as(&translator, QUEUE, json!({ "l": "nb-NO" })).await;
    assert_eq!(after.ok()["translationQueue"]["totalCount"], before);
}
