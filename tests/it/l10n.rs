//! The per-request locale chain: Accept-Language with q-values, Norwegian
//! aliases, en-US as the fallback, and translated stored content.

use serde_json::json;

use crate::support::{PASSWORD, TestApp, sign_in};

const HUB: &str = r#"{ organisationBySlug(slug: "erfaringssentrum") {
  description resolvedLocale originalLocale availableLocales kindLabel partnershipStatusLabel
  translations { locale description status outdated }
} }"#;

#[tokio::test]
async fn norwegian_readers_get_bokmaal_and_the_response_says_so() {
    let app = TestApp::spawn().await;
    for header in ["nb-NO", "no", "nn-NO", "nb", "de;q=0.9, no;q=0.8, en;q=0.5"] {
        let reply = app.gql_with(None, Some(header), HUB, json!({})).await;
        let hub = &reply.ok()["organisationBySlug"];
        assert_eq!(hub["resolvedLocale"], "nb-NO", "{header}");
        assert!(
            hub["description"]
                .as_str()
                .expect("text")
                .starts_with("Den nasjonale interesseorganisasjonen")
        );
        assert_eq!(hub["kindLabel"], "Nasjonal forening");
        assert_eq!(hub["partnershipStatusLabel"], "Aktiv");
        assert_eq!(reply.headers["content-language"], "nb-NO");
        assert!(
            reply.headers["vary"]
                .to_str()
                .expect("ascii")
                .contains("Accept-Language")
        );
    }
}

#[tokio::test]
async fn english_and_unknown_languages_get_english() {
    let app = TestApp::spawn().await;
    for header in [
        Some("en-US"),
        Some("xx-YY"),
        Some("fr, de;q=0.5"),
        Some("!!!"),
        None,
    ] {
        let reply = app.gql_with(None, header, HUB, json!({})).await;
        let hub = &reply.ok()["organisationBySlug"];
        assert_eq!(hub["resolvedLocale"], "en-US", "{header:?}");
        assert!(
            hub["description"]
                .as_str()
                .expect("text")
                .starts_with("The national association")
        );
        assert_eq!(hub["kindLabel"], "National association");
        assert_eq!(hub["originalLocale"], "nb-NO");
        assert_eq!(hub["availableLocales"], json!(["nb-NO", "en-US"]));
        assert_eq!(reply.headers["content-language"], "en-US");
    }
}

#[tokio::test]
async fn q_values_decide_between_the_two_languages() {
    let app = TestApp::spawn().await;
    let reply = app
        .gql_with(None, Some("en;q=0.4, nb;q=0.9"), HUB, json!({}))
        .await;
    assert_eq!(reply.ok()["organisationBySlug"]["resolvedLocale"], "nb-NO");
    let reply = app
        .gql_with(None, Some("en;q=0.9, nb;q=0.4"), HUB, json!({}))
        .await;
    assert_eq!(reply.ok()["organisationBySlug"]["resolvedLocale"], "en-US");
}

#[tokio::test]
async fn a_translation_becomes_outdated_when_the_original_changes() {
    let app = TestApp::spawn().await;
    let reply = app.gql(HUB, json!({})).await;
    let translations = &reply.ok()["organisationBySlug"]["translations"];
    assert_eq!(translations[0]["locale"], "en-US");
    assert_eq!(translations[0]["outdated"], false);
    assert_eq!(translations[0]["status"], "REVIEWED");

    let admin = app.login("admin@example.org").await;
    let id = app.organisation_id("erfaringssentrum").await;
    app.gql_as(
        &admin,
        "mutation($id: ID!) { updateOrganisation(input: {id: $id, expectedVersion: 1, description: \"Ny beskrivelse.\"}) { version } }",
        json!({ "id": id }),
    )
    .await
    .ok();
    let reply = app.gql(HUB, json!({})).await;
    assert_eq!(
        reply.ok()["organisationBySlug"]["translations"][0]["outdated"],
        true
    );
}

#[tokio::test]
async fn a_single_translation_can_be_asked_for_by_locale() {
    let app = TestApp::spawn().await;
    let query = "query($l: String!) { organisationBySlug(slug: \"kbt\") { translation(locale: $l) { locale description } } }";
    let reply = app.gql(query, json!({ "l": "en" })).await;
    assert_eq!(
        reply.ok()["organisationBySlug"]["translation"],
        serde_json::Value::Null
    );
    let reply = app.gql(query, json!({ "l": "en-US" })).await;
    assert_eq!(reply.ok()["organisationBySlug"]["translation"]["locale"], "en-US");
    let reply = app
        .gql_with(None, Some("nb-NO"), query, json!({ "l": "not a locale" }))
        .await;
    reply.expect_error("BAD_USER_INPUT");
    assert_eq!(
        reply.message(),
        "«not a locale» er ikke en språkkode som nb-NO eller en-US."
    );
}

const TRANSLATE: &str = r#"mutation($t: ContentType!, $id: ID!, $l: String!, $fields: [TextFieldInput!]!) {
  translateContent(type: $t, id: $id, locale: $l, fields: $fields, status: REVIEWED) { locale state }
}"#;

/// A translator for `locales`, created by the admin and signed in.
async fn translator(app: &TestApp, email: &str, locales: &[&str]) -> String {
    let admin = app.login("admin@example.org").await;
    let org = app.organisation_id("peer-netvaerket-danmark").await;
    app.gql_as(
        &admin,
        "mutation($i: CreateUserInput!) { createUser(input: $i) { translatorLocales } }",
        json!({ "i": { "email": email, "displayName": "Mette Højgaard", "password": PASSWORD,
                       "organisationId": org, "translatorLocales": locales } }),
    )
    .await
    .ok();
    sign_in(app, email).await
}

#[tokio::test]
async fn danish_content_is_read_in_danish_with_interface_texts_from_the_best_interface_locale() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let dane = translator(&app, "mette@dk.example", &["da"]).await;
    let id = app
        .gql_as(
            &coordinator,
            "mutation { createDocument(input: {kind: GUIDELINE, title: \"Peer support at work\", summary: \"How teams take on peer workers.\", visibility: PUBLIC}) { id } }",
            json!({}),
        )
        .await
        .ok()["createDocument"]["id"]
        .clone();
    let saved = app
        .gql_as(
            &dane,
            TRANSLATE,
            json!({ "t": "DOCUMENT", "id": id, "l": "da", "fields": [
                { "name": "title", "text": "Peer-støtte på arbejdspladsen" },
                { "name": "summary", "text": "Hvordan teams tager imod peer-medarbejdere." }
            ] }),
        )
        .await;
    assert_eq!(saved.ok()["translateContent"]["locale"], "da-DK");
    assert_eq!(saved.ok()["translateContent"]["state"], "CURRENT");

    let read =
        "query($id: ID!) { document(id: $id) { title summary resolvedLocale kindLabel availableLocales } }";
    for (header, kind_label) in [
        ("da", "Guideline"),
        ("da-DK", "Guideline"),
        ("da, nb;q=0.5", "Veileder"),
    ] {
        let reply = app.gql_with(None, Some(header), read, json!({ "id": id })).await;
        let document = &reply.ok()["document"];
        assert_eq!(document["title"], "Peer-støtte på arbejdspladsen", "{header}");
        assert_eq!(document["resolvedLocale"], "da-DK", "{header}");
        assert_eq!(
            document["kindLabel"], kind_label,
            "{header}: no Danish interface yet"
        );
        assert_eq!(document["availableLocales"], json!(["en-US", "da-DK"]));
    }
    // A Dutch reader falls back along the chain: there is no Dutch text.
    let reply = app.gql_with(None, Some("nl"), read, json!({ "id": id })).await;
    assert_eq!(reply.ok()["document"]["title"], "Peer support at work");
    assert_eq!(reply.ok()["document"]["resolvedLocale"], "en-US");
    // The Danish translator may not write Dutch.
    let refused = app
        .gql_as(
            &dane,
            TRANSLATE,
            json!({ "t": "DOCUMENT", "id": id, "l": "nl-NL", "fields": [{ "name": "title", "text": "Steun" }] }),
        )
        .await;
    assert_eq!(refused.code(), "FORBIDDEN");

    // Danish is a content locale, not an interface one.
    let admin = app.login("admin@example.org").await;
    let coverage = app
        .gql_as(
            &admin,
            "{ localeCoverage { locale userInterface content { translated } } }",
            json!({}),
        )
        .await;
    let danish = coverage.ok()["localeCoverage"]
        .as_array()
        .expect("list")
        .iter()
        .find(|c| c["locale"] == "da-DK")
        .cloned()
        .expect("da-DK is reported");
    assert_eq!(danish["userInterface"], false);
    assert!(
        danish["content"]["translated"].as_u64().expect("n") >= 1,
        "{danish}"
    );
}

#[tokio::test]
async fn content_locales_are_configurable_and_others_are_refused_with_the_field_named() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let create = "mutation($i: CreateUserInput!) { createUser(input: $i) { translatorLocales } }";
    let afrikaans = json!({ "i": { "email": "af@za.example", "displayName": "Anri du Plessis", "password": "long-enough-pw", "translatorLocales": ["af-ZA"] } });
    let refused = app.gql_as(&admin, create, afrikaans.clone()).await;
    assert_eq!(refused.code(), "BAD_USER_INPUT");
    assert_eq!(refused.field(), "translatorLocales");
    let malformed = app
        .gql_as(
            &admin,
            create,
            json!({ "i": { "email": "x@za.example", "displayName": "X", "password": "long-enough-pw", "translatorLocales": ["not a tag!"] } }),
        )
        .await;
    assert_eq!(malformed.code(), "BAD_USER_INPUT");
    let people = app
        .gql_as(
            &admin,
            "{ people(filter: {query: \"Anri\"}) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(people.ok()["people"]["totalCount"], 0, "nothing was stored");

    let app = TestApp::spawn_with(|config| {
        config.serve.content_locales.push("af-ZA".parse().expect("tag"));
    })
    .await;
    let admin = app.login("admin@example.org").await;
    let created = app.gql_as(&admin, create, afrikaans).await;
    assert_eq!(created.ok()["createUser"]["translatorLocales"], json!(["af-ZA"]));
    let coverage = app
        .gql_as(&admin, "{ localeCoverage { locale userInterface } }", json!({}))
        .await;
    let locales: Vec<&str> = coverage.ok()["localeCoverage"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|c| c["locale"].as_str())
        .collect();
    assert_eq!(locales, ["en-US", "nb-NO", "da-DK", "nl-NL", "af-ZA"]);
}
