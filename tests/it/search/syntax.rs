//! Nothing typed into the search box is an error (but a query longer than
//! 200 characters), and no engine syntax gets through.

use serde_json::{Value, json};

use super::{document, ids, search, search_reply};
use crate::support::TestApp;

#[tokio::test]
async fn any_syntax_is_read_as_words_and_operators_work_as_on_the_web() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let support = document(
        &app,
        &admin,
        json!({"kind": "GUIDELINE", "title": "Peer support in mental health wards", "originalLocale": "en-US",
               "visibility": "PUBLIC"}),
    )
    .await;
    let draft = document(
        &app,
        &admin,
        json!({"kind": "GUIDELINE", "title": "Peer mentoring wards draft", "originalLocale": "en-US",
               "visibility": "PUBLIC"}),
    )
    .await;

    for hostile in [
        "\"unclosed",
        "-",
        "OR",
        "a OR",
        "*",
        "NEAR(a b)",
        "title:x",
        "{lang}: x",
        "^a",
        "AND NOT",
        "'); DROP TABLE document; --",
        "a & b | !c <-> d:*",
        "\\ \" ' ` ; --",
        "\u{E000}\u{E001}",
        "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen",
    ] {
        let reply = search_reply(&app, Some(&admin), hostile, json!(null), 10).await;
        reply.ok();
    }
    let too_long = "a".repeat(201);
    let reply = search_reply(&app, Some(&admin), &too_long, json!(null), 10).await;
    reply.expect_error("BAD_USER_INPUT");
    assert_eq!(reply.field(), "query");

    let mine = |found: &serde_json::Value| {
        let mut found: Vec<String> = ids(found)
            .into_iter()
            .filter(|id| *id == support || *id == draft)
            .collect();
        found.sort();
        found
    };
    let both = {
        let mut both = vec![support.clone(), draft.clone()];
        both.sort();
        both
    };
    assert_eq!(
        mine(&search(&app, Some(&admin), "wards", json!(null)).await),
        both
    );
    assert_eq!(
        mine(&search(&app, Some(&admin), "wards -draft", json!(null)).await),
        vec![support.clone()]
    );
    assert_eq!(
        mine(&search(&app, Some(&admin), "\"peer support\" wards", json!(null)).await),
        vec![support.clone()]
    );
    assert_eq!(
        mine(&search(&app, Some(&admin), "\"support peer\" wards", json!(null)).await),
        Vec::<String>::new()
    );
    assert_eq!(
        mine(&search(&app, Some(&admin), "mentoring OR health", json!(null)).await),
        both
    );
    assert_eq!(
        mine(&search(&app, Some(&admin), "ment* wards", json!(null)).await),
        both
    );
    assert_eq!(
        mine(&search(&app, Some(&admin), "mentor* wards", json!(null)).await),
        vec![draft.clone()]
    );
    // Exclusions alone find nothing (rather than everything else).
    let only_excluded = search(&app, Some(&admin), "-draft", json!(null)).await;
    assert_eq!(only_excluded["totalCount"], 0);
    // Stop words alone find nothing; around words they are ignored.
    assert_eq!(
        search(&app, Some(&admin), "the of in", json!(null)).await["totalCount"],
        0
    );
    assert_eq!(
        mine(&search(&app, Some(&admin), "the wards in the draft", json!(null)).await),
        vec![draft.clone()]
    );
    // Hyphens and punctuation join words into a phrase, as in PostgreSQL.
    assert_eq!(
        mine(&search(&app, Some(&admin), "peer-support", json!(null)).await),
        vec![support.clone()]
    );
}

#[tokio::test]
async fn a_search_runs_the_same_few_statements_whatever_the_page_size() {
    use crate::support::statements_for;
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    for i in 0..12 {
        document(
            &app,
            &admin,
            json!({"kind": "REPORT", "title": format!("Tidevann {i}"), "visibility": "PUBLIC"}),
        )
        .await;
    }
    // The first request of a session also reads it; measure after that.
    statements_for(&app, &admin, super::SEARCH, json!({"q": "tidevann", "first": 1})).await;
    let small = statements_for(&app, &admin, super::SEARCH, json!({"q": "tidevann", "first": 5})).await;
    let large = statements_for(&app, &admin, super::SEARCH, json!({"q": "tidevann", "first": 50})).await;
    assert_eq!(small, large);
    assert!(small <= 8, "{small} statements");
}

#[tokio::test]
async fn the_totals_and_the_hits_agree_however_they_are_asked_for() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    for i in 0..7 {
        // Some titles say it twice, so the scores differ.
        let title = if i % 3 == 0 {
            format!("Springflo og flo {i}")
        } else {
            format!("Springflo {i}")
        };
        document(
            &app,
            &admin,
            json!({"kind": "REPORT", "title": title, "visibility": "PUBLIC"}),
        )
        .await;
    }
    let totals = "query($q: String!) { search(query: $q) { totalCount \
                  facets { types { value count } languages { value count } } } }";
    let page = "pageInfo { hasNextPage endCursor } edges { node { score node { ... on Document { id } } } }";
    let hits = format!(
        "query($q: String!, $after: String) {{ search(query: $q, first: 3, after: $after) {{ {page} }} }}"
    );
    let both = format!(
        "query($q: String!, $after: String) {{ search(query: $q, first: 3, after: $after) {{ totalCount \
         facets {{ types {{ value count }} languages {{ value count }} }} {page} }} }}"
    );
    let alone = app.gql_as(&admin, totals, json!({"q": "springflo"})).await.ok()["search"].clone();
    assert_eq!(alone["totalCount"], 7);
    // Page through asking for the hits alone, then for both at once: the
    // same hits in the same order, and on every page the same totals.
    let mut seen: Vec<Vec<(String, f64)>> = Vec::new();
    for query in [&hits, &both] {
        let (mut after, mut all) = (Value::Null, Vec::new());
        loop {
            let found = app
                .gql_as(&admin, query, json!({"q": "springflo", "after": after}))
                .await
                .ok()["search"]
                .clone();
            if query == &both {
                assert_eq!(found["totalCount"], alone["totalCount"]);
                assert_eq!(found["facets"], alone["facets"]);
            }
            for edge in found["edges"].as_array().expect("edges") {
                let id = edge["node"]["node"]["id"].as_str().expect("id").to_owned();
                all.push((id, edge["node"]["score"].as_f64().expect("score")));
            }
            if found["pageInfo"]["hasNextPage"] != true {
                break;
            }
            after = found["pageInfo"]["endCursor"].clone();
        }
        assert_eq!(all.len(), 7, "{all:?}");
        assert!(all.windows(2).all(|w| w[0].1 >= w[1].1), "best first: {all:?}");
        seen.push(all);
    }
    assert_eq!(seen[0], seen[1]);
}
