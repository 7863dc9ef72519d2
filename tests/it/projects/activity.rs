//! The activity log: it reads in the reader's language, subscribers see
//! new activity and outsiders cannot subscribe, only insiders read the log
//! of a public project, and a socket does not outlive its token.

use futures_util::SinkExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use super::{STATUS, create};
use crate::support::{TestApp, next_json, try_next_json, ws_connect};

#[tokio::test]
async fn the_activity_log_reads_in_the_readers_language() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let id = create(&app, &coordinator, "LOG-1").await["id"].clone();
    app.gql_as(&coordinator, STATUS, json!({ "id": id, "s": "ACTIVE" }))
        .await
        .ok();
    app.gql_as(
        &coordinator,
        "mutation($p: ID!) { createMilestone(input: {projectId: $p, title: \"Kick-off\", dueOn: \"2025-05-17\"}) { id } }",
        json!({ "p": id }),
    )
    .await
    .ok();
    let query = "query($id: ID!) { project(id: $id) { activity(first: 10) { totalCount edges { node { verb summary actor { displayName } } } } } }";
    let nb = app
        .gql_with(Some(&coordinator), Some("nb-NO"), query, json!({ "id": id }))
        .await;
    let activity = &nb.ok()["project"]["activity"];
    assert_eq!(activity["totalCount"], 3);
    let summaries: Vec<&str> = activity["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["summary"].as_str().expect("summary"))
        .collect();
    assert_eq!(
        summaries,
        [
            "Kari Koordinator planla milepælen «Kick-off» til 17.05.2025.",
            "Kari Koordinator satte statusen til LOG-1 til «Aktivt».",
            "Kari Koordinator startet prosjektet LOG-1 – Peer work in schools.",
        ]
    );
    let en = app
        .gql_with(Some(&coordinator), Some("en-US"), query, json!({ "id": id }))
        .await;
    assert_eq!(
        en.ok()["project"]["activity"]["edges"][0]["node"]["summary"],
        "Kari Koordinator planned the milestone “Kick-off” for 5/17/2025."
    );
}

#[tokio::test]
async fn subscribers_see_new_activity_and_outsiders_cannot_subscribe() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let id = create(&app, &coordinator, "LIVE-1").await["id"].clone();

    let mut socket = ws_connect(&app.address, Some(&coordinator)).await;
    let subscribe = json!({
        "id": "1", "type": "subscribe",
        "payload": { "query": "subscription($p: ID!) { projectActivity(projectId: $p) { verb summary } }", "variables": { "p": id } }
    });
    socket
        .send(Message::text(subscribe.to_string()))
        .await
        .expect("subscribe");
    // The subscription is registered asynchronously: add milestones until
    // one arrives (a change made before registration is simply not seen).
    let mut next = None;
    for attempt in 0..20 {
        app.gql_as(
            &coordinator,
            "mutation($p: ID!, $t: String!) { createMilestone(input: {projectId: $p, title: $t, dueOn: \"2025-05-17\"}) { id } }",
            json!({ "p": id, "t": format!("Milestone {attempt}") }),
        )
        .await
        .ok();
        if let Some(message) = try_next_json(&mut socket, std::time::Duration::from_millis(500)).await {
            next = Some(message);
            break;
        }
    }
    let next = next.expect("an activity entry arrived");
    assert_eq!(next["type"], "next", "{next}");
    let entry = &next["payload"]["data"]["projectActivity"];
    assert_eq!(entry["verb"], "milestone.created");
    let summary = entry["summary"].as_str().expect("summary");
    assert!(
        summary.starts_with("Kari Koordinator planla milepælen «Milestone ")
            && summary.ends_with("» til 17.05.2025."),
        "{summary}"
    );

    let mut outsider = ws_connect(&app.address, None).await;
    outsider
        .send(Message::text(subscribe.to_string()))
        .await
        .expect("subscribe");
    let refused = next_json(&mut outsider).await;
    assert_eq!(refused["payload"]["data"], Value::Null, "{refused}");
    assert_eq!(refused["payload"]["errors"][0]["extensions"]["code"], "NOT_FOUND");
    assert_eq!(refused["payload"]["errors"][0]["message"], "Finnes ikke.");
}

#[tokio::test]
async fn only_insiders_read_the_activity_log_of_a_public_project() {
    let app = TestApp::spawn().await;
    let query =
        r#"{ projects(filter: {query: "ESPSW"}) { edges { node { code activity { totalCount } } } } }"#;
    let outsider = app.gql(query, json!({})).await;
    outsider.expect_error("FORBIDDEN");
    let coordinator = app.login("coordinator@example.org").await;
    let insider = app.gql_as(&coordinator, query, json!({})).await;
    // The demo data made the project through the API's functions, so its
    // log tells how it was started, staffed and walked to COMPLETED.
    let entries = insider.ok()["projects"]["edges"][0]["node"]["activity"]["totalCount"]
        .as_u64()
        .expect("a count");
    assert!(entries > 1, "{entries} entries");
}

#[tokio::test]
async fn a_socket_does_not_outlive_its_token() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let id = create(&app, &coordinator, "SOCKET-1").await["id"].clone();
    let session = app.login("coordinator@example.org").await;
    let mut socket = ws_connect(&app.address, Some(&session)).await;
    app.gql_as(&session, "mutation { logout }", json!({})).await.ok();
    let subscribe = json!({
        "id": "1", "type": "subscribe",
        "payload": { "query": "subscription($p: ID!) { projectActivity(projectId: $p) { verb } }", "variables": { "p": id } }
    });
    socket
        .send(Message::text(subscribe.to_string()))
        .await
        .expect("subscribe");
    let answer = next_json(&mut socket).await;
    let text = answer.to_string();
    assert!(text.contains("UNAUTHENTICATED"), "{text}");
}
