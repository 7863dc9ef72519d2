//! Pages of people: stable and ordered by the folded name, the same
//! through `people` and `Organisation.people`, and bad paging or filter
//! input refused with the field named.

use serde_json::json;

use super::{ORGANISATION_PEOPLE, PEOPLE, edges, names, new_organisation, organisation_people, people};
use crate::support::{TestApp, new_person};

/// Pages of three through an organisation's people, by `people(filter:
/// {organisationId})` or, when `nested`, by `organisation(id) { people }`,
/// until there is no next page: the names and ids in order, and the number
/// of pages.
async fn all_pages(
    app: &TestApp,
    token: &str,
    organisation: &str,
    nested: bool,
) -> (Vec<String>, Vec<String>, usize) {
    let mut after: Option<String> = None;
    let mut seen_names = Vec::new();
    let mut ids = Vec::new();
    for pages in 1..=10 {
        let connection = if nested {
            organisation_people(
                app,
                Some(token),
                json!({ "id": organisation, "first": 3, "after": after }),
            )
            .await
        } else {
            people(
                app,
                Some(token),
                json!({ "first": 3, "after": after, "filter": { "organisationId": organisation } }),
            )
            .await
        };
        assert_eq!(connection["totalCount"], 7, "every page counts them all");
        assert!(edges(&connection).len() <= 3, "{connection}");
        seen_names.extend(names(&connection));
        ids.extend(
            edges(&connection)
                .iter()
                .map(|e| e["node"]["id"].as_str().expect("id").to_owned()),
        );
        if connection["pageInfo"]["hasNextPage"] == false {
            return (seen_names, ids, pages);
        }
        after = Some(
            connection["pageInfo"]["endCursor"]
                .as_str()
                .expect("an end cursor")
                .to_owned(),
        );
    }
    panic!("still a next page after 10 pages: {seen_names:?}");
}

#[tokio::test]
async fn people_pages_are_stable_and_ordered_by_name() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let organisation = new_organisation(&app, &admin, "zq-pages", "Zq Pages", "NO").await;
    // Created out of order; two share a name, and fall on both sides of
    // the first page break.
    let mut created = Vec::new();
    for (i, name) in [
        "Zoë Quist",
        "Bjørn Berg",
        "Øystein Dahl",
        "Åse Ødegård",
        "Émile Zola",
        "Bjørn Berg",
        "Ærlig Olsen",
    ]
    .into_iter()
    .enumerate()
    {
        created.push(new_person(&app, &admin, &organisation, name, &format!("p{i}@pages.example")).await);
    }
    // By the folded name: "aerlig olsen", "ase odegard", "bjorn berg" (twice),
    // "emile zola", "oystein dahl", "zoe quist". Sorted by their bytes
    // instead, Æ, Å, É and Ø would all come after Z.
    let expected = [
        "Ærlig Olsen",
        "Åse Ødegård",
        "Bjørn Berg",
        "Bjørn Berg",
        "Émile Zola",
        "Øystein Dahl",
        "Zoë Quist",
    ];
    let mut created_sorted = created.clone();
    created_sorted.sort();

    let (listed, listed_ids, pages) = all_pages(&app, &admin, &organisation, false).await;
    assert_eq!(listed, expected, "people(filter: {{organisationId}})");
    assert_eq!(pages, 3);
    let mut ids = listed_ids.clone();
    ids.sort();
    assert_eq!(ids, created_sorted, "everyone once, nobody twice");

    let (nested, nested_ids, pages) = all_pages(&app, &admin, &organisation, true).await;
    assert_eq!(nested, expected, "Organisation.people");
    assert_eq!(pages, 3);
    assert_eq!(nested_ids, listed_ids, "both lists page in the same order");
}

#[tokio::test]
async fn bad_people_input_is_refused_with_the_field_named() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let hub = app.organisation_id("erfaringssentrum").await;
    // A well-formed cursor, but over documents.
    let documents = app
        .gql_as(
            &admin,
            "{ documents(first: 1) { pageInfo { endCursor } } }",
            json!({}),
        )
        .await;
    let foreign_cursor = documents.ok()["documents"]["pageInfo"]["endCursor"].clone();
    assert!(foreign_cursor.is_string(), "{}", documents.body);

    for (variables, field) in [
        (json!({ "first": 101 }), "first"),
        (json!({ "first": -1 }), "first"),
        (json!({ "after": "not-a-cursor" }), "after"),
        (json!({ "after": foreign_cursor }), "after"),
        (
            json!({ "filter": { "organisationId": "not-an-id" } }),
            "filter.organisationId",
        ),
        (json!({ "filter": { "query": "a".repeat(201) } }), "filter.query"),
    ] {
        let reply = app.gql_as(&admin, PEOPLE, variables.clone()).await;
        reply.expect_error("BAD_USER_INPUT");
        assert_eq!(reply.field(), field, "people {variables}: {}", reply.body);
    }
    for (variables, field) in [
        (json!({ "id": hub, "first": 101 }), "first"),
        (json!({ "id": hub, "first": -1 }), "first"),
        (json!({ "id": hub, "after": "not-a-cursor" }), "after"),
        (json!({ "id": hub, "after": foreign_cursor }), "after"),
    ] {
        let reply = app.gql_as(&admin, ORGANISATION_PEOPLE, variables.clone()).await;
        reply.expect_error("BAD_USER_INPUT");
        assert_eq!(
            reply.field(),
            field,
            "Organisation.people {variables}: {}",
            reply.body
        );
    }

    // The limits themselves are fine; the query's is in characters, not bytes.
    app.gql_as(&admin, PEOPLE, json!({ "first": 100 })).await.ok();
    app.gql_as(&admin, PEOPLE, json!({ "filter": { "query": "ø".repeat(200) } }))
        .await
        .ok();
    app.gql_as(&admin, ORGANISATION_PEOPLE, json!({ "id": hub, "first": 100 }))
        .await
        .ok();
}
