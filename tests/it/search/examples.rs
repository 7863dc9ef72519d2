//! The issue's examples, and what a reader sees of a hit: ranking, the
//! locale that matched, highlights, facets, pages.

use serde_json::json;

use super::{document, facet, hit, ids, search, search_reply};
use crate::support::TestApp;

#[tokio::test]
async fn the_issues_examples_find_what_they_should() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let report = document(
        &app,
        &admin,
        json!({"kind": "REPORT", "title": "Rapport fra erfaringskonsulentundersøkelsen",
               "summary": "Hvordan erfaringskonsulenter har det i kommunene", "originalLocale": "nb-NO",
               "visibility": "PUBLIC"}),
    )
    .await;
    let ethics = document(
        &app,
        &admin,
        json!({"kind": "ETHICS", "title": "Ethics guidelines for peer workers",
               "summary": "How peer support workers keep confidentiality", "originalLocale": "en-US",
               "visibility": "PUBLIC"}),
    )
    .await;
    let course = app
        .gql_as(
            &admin,
            r#"mutation { createTrainingMaterial(input: {kind: COURSE, title: "Kurs for erfaringskonsulenter",
                summary: "Grunnkurs", originalLocale: "nb-NO", visibility: PUBLIC, eqfLevel: 5}) { id } }"#,
            json!({}),
        )
        .await
        .ok()["createTrainingMaterial"]["id"]
        .as_str()
        .expect("id")
        .to_owned();

    // Stems: `rapporter` (plural) finds the report.
    let found = search(&app, Some(&admin), "rapporter", json!(null)).await;
    assert!(ids(&found).contains(&report), "{found}");
    let report_hit = hit(&found, &report).expect("the report");
    assert_eq!(report_hit["matchedLocale"], "nb-NO");
    assert_eq!(report_hit["node"]["__typename"], "Document");
    assert_eq!(
        report_hit["highlights"][0],
        json!({"field": "title", "snippet": "<mark>Rapport</mark> fra erfaringskonsulentundersøkelsen"})
    );

    // All words must match, in any order.
    let found = search(&app, Some(&admin), "guidelines ethics", json!(null)).await;
    assert!(ids(&found).contains(&ethics), "{found}");
    assert!(!ids(&found).contains(&report));
    let found = search(&app, Some(&admin), "guidelines rapport", json!(null)).await;
    assert!(
        !ids(&found).contains(&ethics) && !ids(&found).contains(&report),
        "{found}"
    );

    // A course whose title has the plural.
    let found = search(&app, Some(&admin), "erfaringskonsulent", json!(null)).await;
    assert!(ids(&found).contains(&course), "{found}");
    assert!(ids(&found).contains(&report), "the summary matches too: {found}");
    assert_eq!(
        hit(&found, &course).expect("the course")["node"]["__typename"],
        "TrainingMaterial"
    );

    // Søren and Soren are the same person (the demo's Danish partner).
    let with = search(&app, Some(&admin), "Søren", json!({"types": ["PERSON"]})).await;
    let without = search(&app, Some(&admin), "Soren", json!({"types": ["PERSON"]})).await;
    assert!(!ids(&with).is_empty(), "{with}");
    assert_eq!(ids(&with), ids(&without));
    let person = &with["edges"][0]["node"];
    assert_eq!(person["node"]["__typename"], "User");
    assert_eq!(person["matchedLocale"], json!(null));
    assert!(
        person["highlights"][0]["snippet"]
            .as_str()
            .expect("a snippet")
            .contains("<mark>Søren</mark>")
    );

    // A Danish translation matches a Danish query, in its own words.
    app.gql_as(
        &admin,
        r#"mutation($id: ID!) { translateDocument(id: $id, locale: "da-DK",
            title: "Retningslinjer for etik i peerstøtte", summary: "Hvordan peer-medarbejdere bevarer fortroligheden",
            status: REVIEWED) { id } }"#,
        json!({ "id": ethics }),
    )
    .await
    .ok();
    let found = search(&app, Some(&admin), "retningslinjerne", json!(null)).await;
    assert!(ids(&found).contains(&ethics), "{found}");
    let danish = hit(&found, &ethics).expect("the guidelines");
    assert_eq!(danish["matchedLocale"], "da-DK");
    assert_eq!(
        danish["highlights"][0]["snippet"],
        "<mark>Retningslinjer</mark> for etik i peerstøtte"
    );
    assert!(facet(&found, "languages", "da-DK") >= 1);
}

#[tokio::test]
async fn counts_facets_filters_and_pages_describe_the_same_hits() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let mut docs = Vec::new();
    for (title, locale, license) in [
        ("Kvartsblomst rapport", "nb-NO", "CC-BY-4.0"),
        ("Kvartsblomst report", "en-US", "CC-BY-4.0"),
        ("Kvartsblomst rapport to", "nb-NO", "MIT"),
    ] {
        docs.push(
            document(
                &app,
                &admin,
                json!({"kind": "REPORT", "title": title, "originalLocale": locale, "license": license,
                       "visibility": "PUBLIC"}),
            )
            .await,
        );
    }
    app.gql_as(
        &admin,
        r#"mutation { createTrainingMaterial(input: {kind: MODULE, title: "Kvartsblomst verksted",
            originalLocale: "nb-NO", visibility: PUBLIC, eqfLevel: 4, targetAudiences: [PEER_WORKERS]}) { id } }"#,
        json!({}),
    )
    .await
    .ok();

    let all = search(&app, Some(&admin), "kvartsblomst", json!(null)).await;
    assert_eq!(all["totalCount"], 4, "{all}");
    assert_eq!(ids(&all).len(), 4);
    assert_eq!(facet(&all, "types", "DOCUMENT"), 3);
    assert_eq!(facet(&all, "types", "TRAINING_MATERIAL"), 1);
    assert_eq!(facet(&all, "languages", "nb-NO"), 3);
    assert_eq!(facet(&all, "languages", "en-US"), 1);
    assert_eq!(facet(&all, "licenses", "CC-BY-4.0"), 2);
    assert_eq!(facet(&all, "eqfLevels", "4"), 1);
    assert_eq!(facet(&all, "countries", "NO"), 4, "the hub owns them all: {all}");

    let only_docs = search(&app, Some(&admin), "kvartsblomst", json!({"types": ["DOCUMENT"]})).await;
    assert_eq!(only_docs["totalCount"], 3);
    let mut got = ids(&only_docs);
    got.sort();
    let mut want = docs.clone();
    want.sort();
    assert_eq!(got, want);
    let english = search(&app, Some(&admin), "kvartsblomst", json!({"languages": ["en"]})).await;
    assert_eq!(ids(&english), vec![docs[1].clone()]);
    let licensed = search(&app, Some(&admin), "kvartsblomst", json!({"licenses": ["MIT"]})).await;
    assert_eq!(ids(&licensed), vec![docs[2].clone()]);
    let level = search(
        &app,
        Some(&admin),
        "kvartsblomst",
        json!({"eqfLevels": [4], "audiences": ["PEER_WORKERS"]}),
    )
    .await;
    assert_eq!(level["totalCount"], 1);
    assert_eq!(
        level["edges"][0]["node"]["node"]["__typename"],
        "TrainingMaterial"
    );
    let kinds = search(&app, Some(&admin), "kvartsblomst", json!({"kinds": ["MODULE"]})).await;
    assert_eq!(kinds["totalCount"], 1);
    let nowhere = search(&app, Some(&admin), "kvartsblomst", json!({"countries": ["ZA"]})).await;
    assert_eq!(nowhere["totalCount"], 0);
    assert!(ids(&nowhere).is_empty());

    // Pages of two: every hit once, in the same order as one page.
    let mut paged = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let reply = app
            .gql_as(
                &admin,
                super::SEARCH,
                json!({"q": "kvartsblomst", "first": 2, "after": after}),
            )
            .await;
        let page = reply.ok()["search"].clone();
        paged.extend(ids(&page));
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    assert_eq!(paged, ids(&all));

    // A cursor belongs to its query.
    let first_page = search_reply(&app, Some(&admin), "kvartsblomst", json!(null), 1).await;
    let cursor = first_page.ok()["search"]["pageInfo"]["endCursor"].clone();
    app.gql_as(
        &admin,
        super::SEARCH,
        json!({"q": "rapport", "first": 1, "after": cursor}),
    )
    .await
    .expect_error("BAD_USER_INPUT");

    // Bad filter values are named.
    for (filter, field) in [
        (json!({"languages": ["not a tag!"]}), "filter.languages[0]"),
        (json!({"countries": ["XX"]}), "filter.countries[0]"),
        (json!({"eqfLevels": [9]}), "filter.eqfLevels[0]"),
        (json!({"licenses": ["NOT-A-LICENSE"]}), "filter.licenses[0]"),
        (json!({"kinds": ["SPACESHIP"]}), "filter.kinds[0]"),
    ] {
        let reply = search_reply(&app, Some(&admin), "kvartsblomst", filter, 5).await;
        reply.expect_error("BAD_USER_INPUT");
        assert_eq!(reply.field(), field, "{}", reply.body);
    }
}

#[tokio::test]
async fn a_change_is_searchable_when_its_mutation_returns() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let id = document(
        &app,
        &admin,
        json!({"kind": "REPORT", "title": "Glimmerstein", "visibility": "PUBLIC"}),
    )
    .await;
    assert_eq!(
        ids(&search(&app, None, "glimmerstein", json!(null)).await),
        vec![id.clone()]
    );
    app.gql_as(
        &admin,
        r#"mutation($id: ID!) { updateDocument(input: {id: $id, expectedVersion: 1, title: "Skiferflis"}) { id } }"#,
        json!({ "id": id }),
    )
    .await
    .ok();
    assert!(ids(&search(&app, None, "glimmerstein", json!(null)).await).is_empty());
    assert_eq!(
        ids(&search(&app, None, "skiferflis", json!(null)).await),
        vec![id.clone()]
    );
    // Who may read it is read live: made private, it is gone at once.
    app.gql_as(
        &admin,
        r#"mutation($id: ID!) { updateDocument(input: {id: $id, expectedVersion: 2, visibility: PRIVATE}) { id } }"#,
        json!({ "id": id }),
    )
    .await
    .ok();
    let found = search(&app, None, "skiferflis", json!(null)).await;
    assert!(ids(&found).is_empty());
    assert_eq!(found["totalCount"], 0);
}
