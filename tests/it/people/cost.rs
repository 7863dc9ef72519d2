//! No N+1: `Organisation.people` for many organisations costs a constant
//! number of statements.

use serde_json::json;

use super::{names, new_organisation};
use crate::support::{TestApp, new_person, statements_for};

#[tokio::test]
async fn organisation_people_of_many_organisations_cost_a_constant_number_of_statements() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    // Two organisations that come first by name, with three people each.
    for (slug, name) in [
        ("aardvark-one", "Aardvark Peer One"),
        ("aardvark-two", "Aardvark Peer Two"),
    ] {
        let organisation = new_organisation(&app, &admin, slug, name, "NO").await;
        for i in 0..3 {
            new_person(
                &app,
                &admin,
                &organisation,
                &format!("{name} Person {i}"),
                &format!("p{i}@{slug}.example"),
            )
            .await;
        }
    }
    let query = "query($n: Int) { organisations(first: $n) { edges { node { slug people(first: 2) { totalCount edges { node { displayName } } } } } } }";

    let two = app.gql_as(&admin, query, json!({ "n": 2 })).await;
    let two = two.ok()["organisations"]["edges"].clone();
    let two = two.as_array().expect("edges");
    let slugs: Vec<&str> = two
        .iter()
        .map(|e| e["node"]["slug"].as_str().expect("slug"))
        .collect();
    assert_eq!(slugs, ["aardvark-one", "aardvark-two"]);
    for edge in two {
        let connection = &edge["node"]["people"];
        assert_eq!(connection["totalCount"], 3, "{edge}");
        assert_eq!(names(connection).len(), 2, "{edge}");
    }
    let ten = app.gql_as(&admin, query, json!({ "n": 10 })).await;
    let ten = ten.ok()["organisations"]["edges"].clone();
    let ten = ten.as_array().expect("edges");
    assert_eq!(ten.len(), 10);
    for edge in ten {
        let connection = &edge["node"]["people"];
        let total = connection["totalCount"].as_u64().expect("a count");
        assert_eq!(names(connection).len() as u64, total.min(2), "{edge}");
    }

    // The requests above already recorded the token's use. DataLoaders
    // batch by a short time window, so one batch may now and then split in
    // two; the fewest of three runs is the honest figure.
    let mut with_two = u64::MAX;
    let mut with_ten = u64::MAX;
    for _ in 0..3 {
        with_two = with_two.min(statements_for(&app, &admin, query, json!({ "n": 2 })).await);
        with_ten = with_ten.min(statements_for(&app, &admin, query, json!({ "n": 10 })).await);
    }
    // N+1 would add at least one statement per extra organisation (8 here).
    assert_eq!(
        with_ten, with_two,
        "statements grew with the number of organisations: {with_two} for 2, {with_ten} for 10"
    );
}
