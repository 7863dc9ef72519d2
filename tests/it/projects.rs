//! Joint projects: creation and its rules, coordinators and contributors,
//! concurrency, the activity log and its subscription, and no N+1.

use futures_util::{SinkExt, StreamExt};
use sammen_entities::{project, project_participant};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::support::TestApp;

const CREATE: &str = r#"mutation($input: CreateProjectInput!) {
  createProject(input: $input) {
    id code status version budget { amountMinor currency formatted }
    participants { role organisation { slug } } members { role user { displayName } }
  }
}"#;

fn new_project(code: &str) -> Value {
    json!({ "input": {
        "code": code, "title": "Peer work in schools", "startsOn": "2025-01-01", "endsOn": "2025-12-31",
        "fundingProgramme": "Erasmus+", "budget": { "amountMinor": 170000, "currency": "NOK" }
    }})
}

async fn create(app: &TestApp, token: &str, code: &str) -> Value {
    app.gql_as(token, CREATE, new_project(code)).await.ok()["createProject"].clone()
}

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

const STATUS: &str =
    "mutation($id: ID!, $s: ProjectStatus!) { changeProjectStatus(id: $id, status: $s) { status } }";

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

const ADD_PARTICIPANT: &str = "mutation($p: ID!, $o: ID!, $r: ParticipantRole!) { addProjectParticipant(projectId: $p, organisationId: $o, role: $r) { id } }";
const REMOVE_PARTICIPANT: &str =
    "mutation($p: ID!, $o: ID!) { removeProjectParticipant(projectId: $p, organisationId: $o) { id } }";
const ADD_MEMBER: &str = "mutation($p: ID!, $u: ID!, $r: MemberRole!) { addProjectMember(projectId: $p, userId: $u, role: $r) { id } }";
const REMOVE_MEMBER: &str =
    "mutation($p: ID!, $u: ID!) { removeProjectMember(projectId: $p, userId: $u) { id } }";

async fn user_id(app: &TestApp, token: &str) -> String {
    app.gql_as(token, "{ me { id } }", json!({})).await.ok()["me"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

#[tokio::test]
async fn participants_and_members_keep_a_coordinator_and_are_not_added_twice() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let id = create(&app, &coordinator, "TEAM-1").await["id"].clone();
    let hub = app.organisation_id("erfaringssentrum").await;
    let us = app.organisation_id("new-england-peer-alliance").await;

    app.gql_as(
        &coordinator,
        ADD_PARTICIPANT,
        json!({ "p": id, "o": us, "r": "PARTNER" }),
    )
    .await
    .ok();
    let twice = app
        .gql_as(
            &coordinator,
            ADD_PARTICIPANT,
            json!({ "p": id, "o": us, "r": "PARTNER" }),
        )
        .await;
    twice.expect_error("BAD_USER_INPUT");
    assert_eq!(twice.field(), "organisationId");
    let last = app
        .gql_as(&coordinator, REMOVE_PARTICIPANT, json!({ "p": id, "o": hub }))
        .await;
    last.expect_error("BAD_USER_INPUT");
    assert_eq!(last.field(), "organisationId");

    let me = user_id(&app, &coordinator).await;
    let partner = app.login("partner@example.org").await;
    let partner_id = user_id(&app, &partner).await;
    app.gql_as(&coordinator, REMOVE_MEMBER, json!({ "p": id, "u": me }))
        .await
        .expect_error("BAD_USER_INPUT");
    app.gql_as(
        &coordinator,
        ADD_MEMBER,
        json!({ "p": id, "u": partner_id, "r": "CONTRIBUTOR" }),
    )
    .await
    .ok();
    app.gql_as(
        &coordinator,
        ADD_MEMBER,
        json!({ "p": id, "u": partner_id, "r": "VIEWER" }),
    )
    .await
    .expect_error("BAD_USER_INPUT");
    // Someone whose organisation does not take part cannot join.
    let dk = app.member_of("peer-netvaerket-danmark", "dk@dk.example").await;
    let dk_id = user_id(&app, &dk).await;
    app.gql_as(
        &coordinator,
        ADD_MEMBER,
        json!({ "p": id, "u": dk_id, "r": "VIEWER" }),
    )
    .await
    .expect_error("BAD_USER_INPUT");

    let participants = project_participant::Entity::find()
        .count(&app.db)
        .await
        .expect("count");
    // The two demo projects have 9 participants; this one has 2.
    assert_eq!(participants, 9 + 2);
}

const UPDATE: &str = r#"mutation($id: ID!, $v: Int!, $title: String) {
  updateProject(input: {id: $id, expectedVersion: $v, title: $title}) { version title }
}"#;

#[tokio::test]
async fn only_coordinators_change_a_project_and_outsiders_do_not_see_it() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let id = create(&app, &coordinator, "ROLES-1").await["id"].clone();
    let us = app.organisation_id("new-england-peer-alliance").await;
    app.gql_as(
        &coordinator,
        ADD_PARTICIPANT,
        json!({ "p": id, "o": us, "r": "PARTNER" }),
    )
    .await
    .ok();
    let partner = app.login("partner@example.org").await;
    let partner_id = user_id(&app, &partner).await;

    // A participant's member who is not a project member reads but may not change.
    let read = "query($id: ID!) { project(id: $id) { code viewerRole } }";
    assert_eq!(
        app.gql_as(&partner, read, json!({ "id": id })).await.ok()["project"]["viewerRole"],
        Value::Null
    );
    app.gql_as(&partner, UPDATE, json!({ "id": id, "v": 1, "title": "Mine" }))
        .await
        .expect_error("FORBIDDEN");
    app.gql_as(
        &coordinator,
        ADD_MEMBER,
        json!({ "p": id, "u": partner_id, "r": "VIEWER" }),
    )
    .await
    .ok();
    app.gql_as(&partner, UPDATE, json!({ "id": id, "v": 1, "title": "Mine" }))
        .await
        .expect_error("FORBIDDEN");
    app.gql_as(&partner, STATUS, json!({ "id": id, "s": "ACTIVE" }))
        .await
        .expect_error("FORBIDDEN");

    // Outsiders of a PARTNERS project: NOT_FOUND, and not in lists.
    let dk = app.member_of("peer-netvaerket-danmark", "dk@dk.example").await;
    app.gql_as(&dk, read, json!({ "id": id }))
        .await
        .expect_error("NOT_FOUND");
    app.gql_as(&dk, UPDATE, json!({ "id": id, "v": 1, "title": "X" }))
        .await
        .expect_error("NOT_FOUND");
    let listed = app
        .gql_as(
            &dk,
            "{ projects(filter: {query: \"ROLES-1\"}) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(listed.ok()["projects"]["totalCount"], 0);
    app.gql(read, json!({ "id": id })).await.expect_error("NOT_FOUND");

    let reply = app
        .gql_as(
            &coordinator,
            UPDATE,
            json!({ "id": id, "v": 1, "title": "Renamed" }),
        )
        .await;
    assert_eq!(reply.ok()["updateProject"]["version"], 2);
}

#[tokio::test]
async fn contributors_add_documents_and_update_their_own_deliverables_only() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let id = create(&app, &coordinator, "DELIV-1").await["id"].clone();
    let us = app.organisation_id("new-england-peer-alliance").await;
    let hub = app.organisation_id("erfaringssentrum").await;
    app.gql_as(
        &coordinator,
        ADD_PARTICIPANT,
        json!({ "p": id, "o": us, "r": "PARTNER" }),
    )
    .await
    .ok();
    let partner = app.login("partner@example.org").await;
    let partner_id = user_id(&app, &partner).await;
    app.gql_as(
        &coordinator,
        ADD_MEMBER,
        json!({ "p": id, "u": partner_id, "r": "CONTRIBUTOR" }),
    )
    .await
    .ok();

    let create_deliverable = "mutation($p: ID!, $c: String!, $o: ID) { createDeliverable(input: {projectId: $p, code: $c, title: \"Report\", dueOn: \"2025-06-01\", responsibleOrganisationId: $o}) { id status version } }";
    let ours = app
        .gql_as(
            &coordinator,
            create_deliverable,
            json!({ "p": id, "c": "D1", "o": us }),
        )
        .await
        .ok()["createDeliverable"]
        .clone();
    let theirs = app
        .gql_as(
            &coordinator,
            create_deliverable,
            json!({ "p": id, "c": "D2", "o": hub }),
        )
        .await
        .ok()["createDeliverable"]
        .clone();
    app.gql_as(
        &coordinator,
        create_deliverable,
        json!({ "p": id, "c": "D1", "o": us }),
    )
    .await
    .expect_error("BAD_USER_INPUT");
    app.gql_as(
        &partner,
        create_deliverable,
        json!({ "p": id, "c": "D9", "o": us }),
    )
    .await
    .expect_error("FORBIDDEN");

    let change = "mutation($id: ID!, $s: DeliverableStatus!) { changeDeliverableStatus(id: $id, status: $s) { status } }";
    assert_eq!(
        app.gql_as(&partner, change, json!({ "id": ours["id"], "s": "IN_PROGRESS" }))
            .await
            .ok()["changeDeliverableStatus"]["status"],
        "IN_PROGRESS"
    );
    app.gql_as(
        &partner,
        change,
        json!({ "id": theirs["id"], "s": "IN_PROGRESS" }),
    )
    .await
    .expect_error("FORBIDDEN");
    app.gql_as(&partner, change, json!({ "id": ours["id"], "s": "ACCEPTED" }))
        .await
        .expect_error("FORBIDDEN");
    app.gql_as(&partner, change, json!({ "id": ours["id"], "s": "PLANNED" }))
        .await
        .expect_error("BAD_USER_INPUT");
    app.gql_as(&partner, change, json!({ "id": ours["id"], "s": "SUBMITTED" }))
        .await
        .ok();
    // Accepting is the coordinators' call.
    app.gql_as(&partner, change, json!({ "id": ours["id"], "s": "ACCEPTED" }))
        .await
        .expect_error("FORBIDDEN");
    app.gql_as(&coordinator, change, json!({ "id": ours["id"], "s": "ACCEPTED" }))
        .await
        .ok();

    // A contributor links a PRIVATE document of their own; every participant may then read it.
    let doc = app
        .gql_as(
            &partner,
            "mutation { createDocument(input: {kind: REPORT, title: \"Field notes\"}) { id } }",
            json!({}),
        )
        .await
        .ok()["createDocument"]["id"]
        .clone();
    let link = "mutation($d: ID!, $doc: ID!) { linkDocumentToDeliverable(deliverableId: $d, documentId: $doc) { documents { id } } }";
    let linked = app
        .gql_as(&partner, link, json!({ "d": ours["id"], "doc": doc }))
        .await;
    assert_eq!(
        linked.ok()["linkDocumentToDeliverable"]["documents"],
        json!([{ "id": doc }])
    );
    let seen = app
        .gql_as(
            &coordinator,
            "query($id: ID!) { document(id: $id) { title } }",
            json!({ "id": doc }),
        )
        .await;
    assert_eq!(seen.ok()["document"]["title"], "Field notes");
    // But nobody links a document they may not change.
    let hub_doc = app
        .gql_as(&coordinator, "mutation { createDocument(input: {kind: REPORT, title: \"Hub only\", visibility: PUBLIC}) { id } }", json!({}))
        .await
        .ok()["createDocument"]["id"]
        .clone();
    app.gql_as(&partner, link, json!({ "d": ours["id"], "doc": hub_doc }))
        .await
        .expect_error("FORBIDDEN");
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

async fn ws_connect(
    app: &TestApp,
    token: Option<&str>,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let url = app.url("/graphql/ws").replace("http://", "ws://");
    let mut request = url.into_client_request().expect("request");
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().expect("header"),
    );
    request
        .headers_mut()
        .insert("Accept-Language", "nb-NO".parse().expect("header"));
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connected");
    let payload = match token {
        Some(token) => json!({ "Authorization": format!("Bearer {token}") }),
        None => json!({}),
    };
    socket
        .send(Message::text(
            json!({ "type": "connection_init", "payload": payload }).to_string(),
        ))
        .await
        .expect("init");
    let ack = next_json(&mut socket).await;
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    socket
}

async fn try_next_json(
    socket: &mut tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    wait: std::time::Duration,
) -> Option<Value> {
    loop {
        let message = tokio::time::timeout(wait, socket.next()).await.ok()??.ok()?;
        if let Message::Text(text) = message {
            return serde_json::from_str(text.as_str()).ok();
        }
    }
}

async fn next_json(
    socket: &mut tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
) -> Value {
    loop {
        let message = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
            .await
            .expect("a message within 10 s")
            .expect("open")
            .expect("ok");
        if let Message::Text(text) = message {
            return serde_json::from_str(text.as_str()).expect("json");
        }
    }
}

#[tokio::test]
async fn subscribers_see_new_activity_and_outsiders_cannot_subscribe() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let id = create(&app, &coordinator, "LIVE-1").await["id"].clone();

    let mut socket = ws_connect(&app, Some(&coordinator)).await;
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

    let mut outsider = ws_connect(&app, None).await;
    outsider
        .send(Message::text(subscribe.to_string()))
        .await
        .expect("subscribe");
    let refused = next_json(&mut outsider).await;
    assert_eq!(refused["payload"]["data"], Value::Null, "{refused}");
    assert_eq!(refused["payload"]["errors"][0]["extensions"]["code"], "NOT_FOUND");
    assert_eq!(refused["payload"]["errors"][0]["message"], "Finnes ikke.");
}

/// SQL statements the server ran for one request, read from /metrics.
async fn statements_for(app: &TestApp, token: &str, query: &str) -> u64 {
    let before = app.statements().await;
    app.gql_as(token, query, json!({})).await.ok();
    app.statements().await - before
}

#[tokio::test]
async fn nested_lists_cost_the_same_number_of_statements_for_2_or_14_projects() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let query = "{ projects(first: 50) { totalCount edges { node { code participants { role organisation { name } } deliverables { title responsibleOrganisation { name } } members { user { displayName } } milestones { title } } } } }";
    // The first request of a token records its use; measure after it.
    statements_for(&app, &coordinator, query).await;
    // DataLoaders batch by a short time window, so one batch may now and
    // then split in two; the fewest of three runs is the honest figure.
    let mut with_two = u64::MAX;
    for _ in 0..3 {
        with_two = with_two.min(statements_for(&app, &coordinator, query).await);
    }
    for i in 0..12 {
        create(&app, &coordinator, &format!("N1-{i}")).await;
    }
    let listed = app
        .gql_as(&coordinator, "{ projects(first: 50) { totalCount } }", json!({}))
        .await;
    assert_eq!(listed.ok()["projects"]["totalCount"], 14);
    let mut with_fourteen = u64::MAX;
    for _ in 0..3 {
        with_fourteen = with_fourteen.min(statements_for(&app, &coordinator, query).await);
    }
    // N+1 would add at least one statement per extra project (12 here).
    assert!(
        with_fourteen <= with_two + 1,
        "statements grew with the number of projects: {with_two} for 2, {with_fourteen} for 14"
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

#[tokio::test]
async fn only_insiders_read_the_activity_log_of_a_public_project() {
    let app = TestApp::spawn().await;
    let query =
        r#"{ projects(filter: {query: "ESPSW"}) { edges { node { code activity { totalCount } } } } }"#;
    let outsider = app.gql(query, json!({})).await;
    outsider.expect_error("FORBIDDEN");
    let coordinator = app.login("coordinator@example.org").await;
    let insider = app.gql_as(&coordinator, query, json!({})).await;
    assert_eq!(
        insider.ok()["projects"]["edges"][0]["node"]["activity"]["totalCount"],
        1
    );
}

#[tokio::test]
async fn an_organisation_leaving_a_project_takes_its_people_with_it() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let id = create(&app, &coordinator, "LEAVE-1").await["id"].clone();
    let us = app.organisation_id("new-england-peer-alliance").await;
    app.gql_as(
        &coordinator,
        ADD_PARTICIPANT,
        json!({ "p": id, "o": us, "r": "PARTNER" }),
    )
    .await
    .ok();
    let partner = app.login("partner@example.org").await;
    let partner_id = user_id(&app, &partner).await;
    app.gql_as(
        &coordinator,
        ADD_MEMBER,
        json!({ "p": id, "u": partner_id, "r": "COORDINATOR" }),
    )
    .await
    .ok();
    app.gql_as(&coordinator, REMOVE_PARTICIPANT, json!({ "p": id, "o": us }))
        .await
        .ok();
    let read = "query($id: ID!) { project(id: $id) { members { user { displayName } } } }";
    app.gql_as(&partner, read, json!({ "id": id }))
        .await
        .expect_error("NOT_FOUND");
    app.gql_as(
        &partner,
        UPDATE,
        json!({ "id": id, "v": 1, "title": "Still mine?" }),
    )
    .await
    .expect_error("NOT_FOUND");
    let members = app.gql_as(&coordinator, read, json!({ "id": id })).await;
    assert_eq!(
        members.ok()["project"]["members"],
        json!([{ "user": { "displayName": "Kari Koordinator" } }])
    );
}

#[tokio::test]
async fn linking_a_document_is_sharing_it_so_only_its_owner_may() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let partner = app.login("partner@example.org").await;
    let first = create(&app, &coordinator, "LINK-1").await["id"].clone();
    let second = create(&app, &coordinator, "LINK-2").await["id"].clone();
    let us = app.organisation_id("new-england-peer-alliance").await;
    app.gql_as(
        &coordinator,
        ADD_PARTICIPANT,
        json!({ "p": first, "o": us, "r": "PARTNER" }),
    )
    .await
    .ok();
    let partner_id = user_id(&app, &partner).await;
    app.gql_as(
        &coordinator,
        ADD_MEMBER,
        json!({ "p": first, "u": partner_id, "r": "CONTRIBUTOR" }),
    )
    .await
    .ok();
    // A hub document the partner may edit through a grant, but not share.
    let doc = app
        .gql_as(&coordinator, "mutation { createDocument(input: {kind: REPORT, title: \"Hub notes\", visibility: PARTNERS}) { id } }", json!({}))
        .await
        .ok()["createDocument"]["id"]
        .clone();
    app.gql_as(
        &coordinator,
        "mutation($d: ID!, $o: ID!) { shareDocument(documentId: $d, organisationId: $o, permission: EDIT) { permission } }",
        json!({ "d": doc, "o": us }),
    )
    .await
    .ok();
    let link = "mutation($p: ID!, $d: ID!) { linkDocumentToProject(projectId: $p, documentId: $d) { id } }";
    app.gql_as(&partner, link, json!({ "p": first, "d": doc }))
        .await
        .expect_error("FORBIDDEN");
    app.gql_as(&coordinator, link, json!({ "p": first, "d": doc }))
        .await
        .ok();
    let elsewhere = app
        .gql_as(&coordinator, link, json!({ "p": second, "d": doc }))
        .await;
    elsewhere.expect_error("BAD_USER_INPUT");
    assert_eq!(elsewhere.field(), "documentId");
}

#[tokio::test]
async fn a_socket_does_not_outlive_its_token() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let id = create(&app, &coordinator, "SOCKET-1").await["id"].clone();
    let session = app.login("coordinator@example.org").await;
    let mut socket = ws_connect(&app, Some(&session)).await;
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
