//! Lists of projects: nested lists cost the same number of statements for
//! 2 or 14 projects (no N+1), alone or sixteen at once, and the demo
//! projects are there.

use serde_json::json;

use super::create;
use crate::support::{TestApp, statements_for, statements_in};

#[tokio::test]
async fn nested_lists_cost_the_same_number_of_statements_for_2_or_14_projects() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let query = "{ projects(first: 50) { totalCount edges { node { code participants { role organisation { name } } deliverables { title responsibleOrganisation { name } } members { user { displayName } } milestones { title } } } } }";
    // The first request of a token reads it; measure after it. The page's
    // children are loaded level by level, so the count is the same on every
    // run, not only on most.
    statements_for(&app, &coordinator, query, json!({})).await;
    let with_two = statements_for(&app, &coordinator, query, json!({})).await;
    assert_eq!(
        with_two,
        statements_for(&app, &coordinator, query, json!({})).await
    );
    for i in 0..12 {
        create(&app, &coordinator, &format!("N1-{i}")).await;
    }
    let listed = app
        .gql_as(&coordinator, "{ projects(first: 50) { totalCount } }", json!({}))
        .await;
    assert_eq!(listed.ok()["projects"]["totalCount"], 14);
    let with_fourteen = statements_for(&app, &coordinator, query, json!({})).await;
    // N+1 would add at least one statement per extra project (12 here).
    assert!(
        with_fourteen <= with_two + 1,
        "statements grew with the number of projects: {with_two} for 2, {with_fourteen} for 14"
    );

    // Under load as alone: sixteen requests at once cost sixteen times one
    // (DataLoader's batching window alone would split levels here).
    let before = app.statements().await;
    let replies =
        futures_util::future::join_all((0..16).map(|_| app.gql_as(&coordinator, query, json!({})))).await;
    for reply in &replies {
        assert_eq!(reply.ok()["projects"]["totalCount"], 14);
    }
    let together = app.statements().await - before;
    assert_eq!(
        together,
        16 * with_fourteen,
        "16 concurrent requests ran {together} statements, one alone {with_fourteen}"
    );
    assert!(with_fourteen <= 12, "{with_fourteen} statements for one request");
}

#[tokio::test]
async fn the_demo_projects_are_there() {
    let app = TestApp::spawn().await;
    let query = r#"{ projects(filter: {query: "ESPSW"}) { totalCount edges { node { code status fundingProgramme
        participants { role organisation { slug country } }
        deliverables { code status documents { title } }
        milestones { title reached } } } } }"#;
    let reply = app.gql(query, json!({})).await;
    let data = reply.ok();
    assert_eq!(
        data["projects"]["totalCount"], 1,
        "the Erasmus+ project is public"
    );
    let espsw = &data["projects"]["edges"][0]["node"];
    assert_eq!(espsw["status"], "COMPLETED");
    assert_eq!(
        espsw["participants"][0]["role"], "COORDINATOR",
        "the coordinator joined first"
    );
    assert_eq!(espsw["participants"][0]["organisation"]["country"], "DE");
    let io3 = espsw["deliverables"]
        .as_array()
        .expect("deliverables")
        .iter()
        .find(|d| d["code"] == "IO3")
        .expect("IO3");
    assert!(
        io3["documents"][0]["title"]
            .as_str()
            .expect("title")
            .starts_with("Guide for the national implementation")
    );

    let partner = app.login("partner@example.org").await;
    let ethics = app
        .gql_with(
            Some(&partner),
            Some("nb-NO"),
            r#"{ projects(filter: {query: "ETHICS", country: "ZA"}) { edges { node { budget { formatted } viewerRole participants { organisation { country } } } } } }"#,
            json!({}),
        )
        .await;
    let node = &ethics.ok()["projects"]["edges"][0]["node"];
    assert_eq!(node["budget"]["formatted"], "170\u{a0}000,00\u{a0}kr");
    assert_eq!(node["viewerRole"], "CONTRIBUTOR");
    let countries: Vec<&str> = node["participants"]
        .as_array()
        .expect("participants")
        .iter()
        .map(|p| p["organisation"]["country"].as_str().unwrap_or("hidden"))
        .collect();
    for country in ["NO", "US", "DK", "NL"] {
        assert!(countries.contains(&country), "{country} in {countries:?}");
    }
    // The draft guidelines are PARTNERS-only, but the project's partners read them.
    let docs = app
        .gql_as(
            &partner,
            "{ documents(filter: {kind: ETHICS}) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(docs.ok()["documents"]["totalCount"], 1);
}

#[tokio::test]
async fn participants_and_their_organisations_are_one_statement() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let id = app
        .gql_as(&coordinator, "{ projects(first: 1) { nodes { id } } }", json!({}))
        .await
        .ok()["projects"]["nodes"][0]["id"]
        .clone();
    let bare = "query($id: ID!) { project(id: $id) { code participants { role } } }";
    let joined =
        "query($id: ID!) { project(id: $id) { code participants { role organisation { id name } } } }";
    let vars = json!({ "id": id });
    let answer = app.gql_as(&coordinator, joined, vars.clone()).await.ok().clone();
    let participants = answer["project"]["participants"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!participants.is_empty(), "{answer}");
    assert!(
        participants.iter().all(|p| p["organisation"]["name"].is_string()),
        "{participants:?}"
    );
    statements_for(&app, &coordinator, bare, vars.clone()).await;
    assert_eq!(
        statements_for(&app, &coordinator, joined, vars.clone()).await,
        statements_for(&app, &coordinator, bare, vars).await
    );
    // So in a page of projects.
    let bare = "{ projects(first: 50) { nodes { participants { role } } } }";
    let joined = "{ projects(first: 50) { nodes { participants { role organisation { id name } } } } }";
    assert_eq!(
        statements_for(&app, &coordinator, joined, json!({})).await,
        statements_for(&app, &coordinator, bare, json!({})).await
    );
}

#[tokio::test]
async fn titles_in_the_readers_language_come_with_the_project() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let project = create(&app, &coordinator, "TIDE-1").await;
    let admin = app.login("admin@example.org").await;
    app.gql_as(
        &admin,
        r#"mutation($id: ID!) { translateProject(id: $id, locale: "nb-NO", title: "Likepersonsarbeid i skolen", summary: "") { id } }"#,
        json!({ "id": project["id"] }),
    )
    .await
    .ok();
    let vars = json!({ "id": project["id"] });
    let one = "query($id: ID!) { project(id: $id) { title resolvedLocale } }";
    let listed = r#"{ projects(first: 50, filter: {query: "TIDE-1"}) { nodes { title resolvedLocale } } }"#;
    let norwegian = json!({"title": "Likepersonsarbeid i skolen", "resolvedLocale": "nb-NO"});
    let english = json!({"title": "Peer work in schools", "resolvedLocale": "en-US"});
    for (language, expected) in [
        (Some("nb-NO"), &norwegian),
        (Some("en-US"), &english),
        // No Danish translation: the Norwegian one, found without the page's help.
        (Some("da-DK, nb-NO;q=0.8"), &norwegian),
    ] {
        let answer = app
            .gql_with(Some(&coordinator), language, one, vars.clone())
            .await
            .ok()
            .clone();
        assert_eq!(&answer["project"], expected, "{language:?}");
        let answer = app
            .gql_with(Some(&coordinator), language, listed, json!({}))
            .await
            .ok()
            .clone();
        assert_eq!(answer["projects"]["nodes"], json!([expected]), "{language:?}");
    }

    // The Norwegian reader's title costs no statement of its own.
    let reader = Some("nb-NO");
    let bare_one = "query($id: ID!) { project(id: $id) { code } }";
    assert_eq!(
        statements_in(&app, &coordinator, reader, one, vars.clone()).await,
        statements_in(&app, &coordinator, reader, bare_one, vars.clone()).await
    );
    let bare_listed = r#"{ projects(first: 50, filter: {query: "TIDE-1"}) { nodes { code } } }"#;
    assert_eq!(
        statements_in(&app, &coordinator, reader, listed, json!({})).await,
        statements_in(&app, &coordinator, reader, bare_listed, json!({})).await
    );
}
