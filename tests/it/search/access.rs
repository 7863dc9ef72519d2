//! Search never shows what it must not: for every caller and item, a search
//! for the item's own word finds it exactly when the item's own query
//! (`document(id)`, `trainingMaterial(id)`) lets the caller read it, and
//! the counts and facets agree.

use serde_json::{Value, json};

use super::{document, facet, ids, search};
use crate::support::TestApp;

/// Whether `token` may read `id` through `query` (e.g. `document`).
async fn readable(app: &TestApp, token: Option<&str>, query: &str, id: &str) -> bool {
    let q = format!("query($id: ID!) {{ {query}(id: $id) {{ id }} }}");
    let reply = match token {
        Some(token) => app.gql_as(token, &q, json!({ "id": id })).await,
        None => app.gql(&q, json!({ "id": id })).await,
    };
    if reply.body.get("errors").is_some() {
        reply.expect_error("NOT_FOUND");
        false
    } else {
        reply.body["data"][query]["id"] == id
    }
}

#[tokio::test]
async fn search_finds_an_item_exactly_when_the_caller_may_read_it() {
    let app = TestApp::spawn().await;
    let owner = app.login("partner@example.org").await;
    let admin = app.login("admin@example.org").await;
    let grantee = app.login("mette@peer-netvaerket.example").await;
    let network = app.login("juergen@grone-bildungszentrum.example").await;
    let prospect = app.login("sipho@ubuntu-peer-workers.example").await;
    let grantee_org = app.organisation_id("peer-netvaerket-danmark").await;

    // (word, query, id): one unique word per item.
    let mut items: Vec<(&str, &str, String)> = Vec::new();
    for (word, visibility) in [
        ("quillwort", "PRIVATE"),
        ("bladderwrack", "PARTNERS"),
        ("samphire", "NETWORK"),
        ("glasswort", "PUBLIC"),
    ] {
        let id = document(
            &app,
            &owner,
            json!({"kind": "REPORT", "title": format!("The {word} report"), "visibility": visibility,
                   "topics": ["peer support"]}),
        )
        .await;
        items.push((word, "document", id));
    }
    // The PARTNERS one is shared with the grantee's organisation.
    app.gql_as(
        &owner,
        "mutation($d: ID!, $o: ID!) { shareDocument(documentId: $d, organisationId: $o, permission: VIEW) { permission } }",
        json!({ "d": items[1].2, "o": grantee_org }),
    )
    .await
    .ok();
    for (word, visibility) in [("sandwort", "PRIVATE"), ("saltwort", "PUBLIC")] {
        let id = app
            .gql_as(
                &owner,
                "mutation($i: CreateTrainingMaterialInput!) { createTrainingMaterial(input: $i) { id } }",
                json!({"i": {"kind": "COURSE", "title": format!("A {word} course"), "visibility": visibility}}),
            )
            .await
            .ok()["createTrainingMaterial"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        items.push((word, "trainingMaterial", id));
    }

    let callers: [(&str, Option<&str>); 6] = [
        ("anonymous", None),
        ("owner", Some(&owner)),
        ("admin", Some(&admin)),
        ("grantee", Some(&grantee)),
        ("network member", Some(&network)),
        ("prospect", Some(&prospect)),
    ];
    for (who, token) in callers {
        for (word, query, id) in &items {
            let may = readable(&app, token, query, id).await;
            let found = search(&app, token, word, json!(null)).await;
            let want: Vec<String> = if may { vec![id.clone()] } else { Vec::new() };
            assert_eq!(ids(&found), want, "{who} searching {word}: {found}");
            assert_eq!(found["totalCount"], u64::from(may), "{who}, {word}");
            let types: u64 = ["DOCUMENT", "TRAINING_MATERIAL"]
                .iter()
                .map(|t| facet(&found, "types", t))
                .sum();
            assert_eq!(types, u64::from(may), "{who}, {word}: {found}");
            assert_eq!(
                facet(&found, "languages", "en-US"),
                u64::from(may),
                "{who}, {word}"
            );
            if !may {
                assert!(!found.to_string().contains(word), "{who} sees {word}: {found}");
            }
        }
    }
    // The issue's own case, said plainly: a PRIVATE document's word is
    // found by its owner and admins only.
    for (who, token) in callers {
        let found = search(&app, token, "quillwort", json!(null)).await;
        let expected = u64::from(matches!(who, "owner" | "admin"));
        assert_eq!(found["totalCount"], expected, "{who}");
        assert_eq!(facet(&found, "types", "DOCUMENT"), expected, "{who}");
    }
}

#[tokio::test]
async fn people_translations_and_countries_follow_their_own_rules() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;

    // People are seen under the people rule: nobody by anonymous callers.
    let found = search(&app, None, "Søren", json!(null)).await;
    assert!(
        found["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .all(|e| e["node"]["node"]["__typename"] != "User"),
        "{found}"
    );
    assert_eq!(facet(&found, "types", "PERSON"), 0);
    let admin_found = search(&app, Some(&admin), "Søren", json!(null)).await;
    assert_eq!(facet(&admin_found, "types", "PERSON"), 1, "{admin_found}");

    // A translation readers are not shown (its summary is missing) is not
    // searchable, even by admins.
    let id = document(
        &app,
        &admin,
        json!({"kind": "REPORT", "title": "Bølgebryter", "summary": "Om havner", "originalLocale": "nb-NO",
               "visibility": "PUBLIC"}),
    )
    .await;
    app.gql_as(
        &admin,
        r#"mutation($id: ID!) { translateDocument(id: $id, locale: "en-US", title: "Breakwaterish", summary: "") { id } }"#,
        json!({ "id": id }),
    )
    .await
    .ok();
    assert_eq!(
        search(&app, Some(&admin), "breakwaterish", json!(null)).await["totalCount"],
        0
    );

    // A public document of a prospect (whose organisation only admins and
    // its own people see) is found, but its country is not counted.
    let prospect = app.organisation_id("ubuntu-peer-workers").await;
    let public = document(
        &app,
        &admin,
        json!({"kind": "REPORT", "title": "Protea findings", "visibility": "PUBLIC", "ownerOrganisationId": prospect}),
    )
    .await;
    let anonymous: Value = search(&app, None, "protea", json!(null)).await;
    assert_eq!(ids(&anonymous), vec![public.clone()]);
    assert_eq!(anonymous["facets"]["countries"], json!([]), "{anonymous}");
    let nowhere = search(&app, None, "protea", json!({"countries": ["ZA"]})).await;
    assert_eq!(
        nowhere["totalCount"], 0,
        "filtering by a hidden country reveals nothing"
    );
    let as_admin = search(&app, Some(&admin), "protea", json!(null)).await;
    assert_eq!(facet(&as_admin, "countries", "ZA"), 1, "{as_admin}");
}
