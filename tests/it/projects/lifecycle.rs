//! A project's life: the creator coordinates and money is formatted for
//! the reader, bad projects are refused with the field named, status moves
//! only along legal transitions, concurrent updates of one version let one
//! through, and translations go stale when the project changes.

use sammen_entities::project;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;

use super::{CREATE, STATUS, UPDATE, create, new_project};
use crate::support::TestApp;

async fn project_count(app: &TestApp) -> u64 {
    project::Entity::find().count(&app.db).await.expect("count")
}

#[tokio::test]
async fn the_creator_coordinates_and_money_is_formatted_for_the_reader() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let created = create(&app, &coordinator, "SCHOOLS-2025").await;
    assert_eq!(created["status"], "PLANNED");
    assert_eq!(
        created["participants"],
        json!([{ "role": "COORDINATOR", "organisation": { "slug": "erfaringssentrum" } }])
    );
    assert_eq!(
        created["members"],
        json!([{ "role": "COORDINATOR", "user": { "displayName": "Kari Koordinator" } }])
    );
    assert_eq!(created["budget"]["formatted"], "NOK\u{a0}1,700.00");
    let nb = app
        .gql_with(
            Some(&coordinator),
            Some("nb-NO"),
            "query($id: ID!) { project(id: $id) { budget { formatted } statusLabel } }",
            json!({ "id": created["id"] }),
        )
        .await;
    assert_eq!(nb.ok()["project"]["budget"]["formatted"], "1\u{a0}700,00\u{a0}kr");
    assert_eq!(nb.ok()["project"]["statusLabel"], "Planlagt");
}

#[tokio::test]
async fn bad_projects_are_refused_with_the_field_named_and_nothing_stored() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    create(&app, &coordinator, "TAKEN-1").await;
    let before = project_count(&app).await;
    for (patch, field, code) in [
        (json!({ "code": "TAKEN-1" }), "code", "BAD_USER_INPUT"),
        (json!({ "code": "no spaces" }), "code", "BAD_USER_INPUT"),
        (json!({ "endsOn": "2024-12-31" }), "endsOn", "BAD_USER_INPUT"),
        (
            json!({ "budget": { "amountMinor": 100, "currency": "XYZ" } }),
            "budget.currency",
            "BAD_USER_INPUT",
        ),
        (
            json!({ "budget": { "amountMinor": -1, "currency": "NOK" } }),
            "budget.amountMinor",
            "BAD_USER_INPUT",
        ),
        (
            json!({ "originalLocale": "tlh" }),
            "originalLocale",
            "BAD_USER_INPUT",
        ),
    ] {
        let mut input = new_project("NEW-1");
        for (k, v) in patch.as_object().expect("object") {
            input["input"][k] = v.clone();
        }
        let reply = app
            .gql_with(Some(&coordinator), Some("nb-NO"), CREATE, input)
            .await;
        reply.expect_error(code);
        assert_eq!(reply.field(), field, "{}", reply.body);
    }
    let reply = app
        .gql_with(Some(&coordinator), Some("nb-NO"), CREATE, {
            let mut input = new_project("NEW-1");
            input["input"]["endsOn"] = json!("2024-12-31");
            input
        })
        .await;
    assert_eq!(reply.message(), "Et prosjekt kan ikke slutte før det begynner.");
    assert_eq!(project_count(&app).await, before);
}

#[tokio::test]
async fn status_moves_only_along_legal_transitions() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let id = create(&app, &coordinator, "STATUS-1").await["id"].clone();
    let illegal = app
        .gql_with(
            Some(&coordinator),
            Some("nb-NO"),
            STATUS,
            json!({ "id": id, "s": "COMPLETED" }),
        )
        .await;
    illegal.expect_error("BAD_USER_INPUT");
    assert_eq!(
        illegal.message(),
        "Et prosjekt kan ikke gå fra «Planlagt» til «Fullført»."
    );
    for status in ["ACTIVE", "COMPLETED"] {
        let reply = app
            .gql_as(&coordinator, STATUS, json!({ "id": id, "s": status }))
            .await;
        assert_eq!(reply.ok()["changeProjectStatus"]["status"], status);
    }
    app.gql_as(&coordinator, STATUS, json!({ "id": id, "s": "CANCELLED" }))
        .await
        .expect_error("BAD_USER_INPUT");
}

#[tokio::test]
async fn twenty_concurrent_updates_of_one_version_let_exactly_one_through() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let id = create(&app, &coordinator, "RACE-1").await["id"].clone();
    let mut tasks = Vec::new();
    for i in 0..20 {
        let body =
            json!({ "query": UPDATE, "variables": { "id": id, "v": 1, "title": format!("Title {i}") } });
        let request = app
            .client
            .post(app.url("/graphql"))
            .bearer_auth(&coordinator)
            .json(&body);
        tasks.push(tokio::spawn(async move {
            TestApp::reply(request.send().await.expect("sent")).await
        }));
    }
    let mut winners = Vec::new();
    for task in tasks {
        let reply = task.await.expect("joined");
        if reply.body.get("errors").is_none() {
            winners.push(reply.body["data"]["updateProject"]["title"].clone());
        } else {
            reply.expect_error("CONFLICT");
            assert_eq!(reply.body["errors"][0]["extensions"]["currentVersion"], 2);
        }
    }
    assert_eq!(winners.len(), 1, "exactly one update wins");
    let now = app
        .gql_as(
            &coordinator,
            "query($id: ID!) { project(id: $id) { version title } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(now.ok()["project"]["version"], 2);
    assert_eq!(
        now.ok()["project"]["title"],
        winners[0],
        "the winner's title is the one kept"
    );
}

#[tokio::test]
async fn translators_translate_a_project_and_see_when_it_goes_stale() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let translator = app.login("translator@example.org").await;
    let id = create(&app, &coordinator, "TRANSL-1").await["id"].clone();
    let translate = "mutation($id: ID!, $l: String!) { translateProject(id: $id, locale: $l, title: \"Likepersonsarbeid i skolen\", summary: \"\", status: REVIEWED) { id } }";
    app.gql_as(&coordinator, translate, json!({ "id": id, "l": "nb-NO" }))
        .await
        .expect_error("FORBIDDEN");
    app.gql_as(&translator, translate, json!({ "id": id, "l": "en-US" }))
        .await
        .expect_error("FORBIDDEN");
    app.gql_as(&translator, translate, json!({ "id": id, "l": "no" }))
        .await
        .ok();
    let read = "query($id: ID!) { project(id: $id) { title resolvedLocale availableLocales translations { locale status outdated } } }";
    let nb = app
        .gql_with(Some(&coordinator), Some("nb"), read, json!({ "id": id }))
        .await;
    assert_eq!(nb.ok()["project"]["title"], "Likepersonsarbeid i skolen");
    assert_eq!(nb.ok()["project"]["resolvedLocale"], "nb-NO");
    assert_eq!(nb.ok()["project"]["availableLocales"], json!(["en-US", "nb-NO"]));
    assert_eq!(
        nb.ok()["project"]["translations"],
        json!([{ "locale": "nb-NO", "status": "REVIEWED", "outdated": false }])
    );
    app.gql_as(
        &coordinator,
        UPDATE,
        json!({ "id": id, "v": 1, "title": "Peer work in schools, revised" }),
    )
    .await
    .ok();
    let stale = app
        .gql_with(Some(&coordinator), Some("nb"), read, json!({ "id": id }))
        .await;
    assert_eq!(stale.ok()["project"]["translations"][0]["outdated"], true);
}
