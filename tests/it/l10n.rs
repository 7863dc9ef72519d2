//! The per-request locale chain: Accept-Language with q-values, Norwegian
//! aliases, en-US as the fallback, and translated stored content.

use serde_json::json;

use crate::support::TestApp;

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
