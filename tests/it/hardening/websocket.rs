//! WebSockets (graphql-transport-ws): a socket that never says hello, an
//! oversized message, the depth limit, the operations a socket and the
//! sockets a token may hold, the request timeout, and sockets closed as
//! Going Away when the server stops or gets SIGTERM.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use sammen_entities::auth_token;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::support::{Process, TestApp, Ws, create_project};

const ACTIVITY: &str = "subscription($p: ID!) { projectActivity(projectId: $p) { verb } }";
const MILESTONE: &str = "mutation($p: ID!, $t: String!) { createMilestone(input: {projectId: $p, title: $t, dueOn: \"2025-05-17\"}) { id } }";

#[derive(Debug)]
enum WsEvent {
    Text(Value),
    Closed(Option<u16>),
    Ended,
}

/// Opens `/graphql/ws` on `address` (http://host:port) without saying hello.
async fn ws_open(address: &str) -> Ws {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let url = format!("{}/graphql/ws", address.replacen("http://", "ws://", 1));
    let mut request = url.into_client_request().expect("a request");
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().expect("a header"),
    );
    let (socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connected");
    socket
}

async fn ws_send(socket: &mut Ws, message: Value) {
    socket
        .send(Message::text(message.to_string()))
        .await
        .expect("sent");
}

async fn ws_init(socket: &mut Ws, token: Option<&str>) {
    let payload = match token {
        Some(token) => json!({ "Authorization": format!("Bearer {token}") }),
        None => json!({}),
    };
    ws_send(socket, json!({ "type": "connection_init", "payload": payload })).await;
}

/// An acknowledged socket.
async fn ws_connect(address: &str, token: Option<&str>) -> Ws {
    let mut socket = ws_open(address).await;
    ws_init(&mut socket, token).await;
    let ack = next_message(&mut socket, Duration::from_secs(10)).await;
    assert_eq!(
        ack.as_ref().map(|m| m["type"].clone()),
        Some(json!("connection_ack")),
        "{ack:?}"
    );
    socket
}

fn subscribe(id: &str, query: &str, variables: Value) -> Value {
    json!({ "id": id, "type": "subscribe", "payload": { "query": query, "variables": variables } })
}

/// The next text message, Close frame or end of the socket; None when
/// nothing comes within `within`.
async fn ws_event(socket: &mut Ws, within: Duration) -> Option<WsEvent> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let next = tokio::time::timeout_at(deadline, socket.next()).await.ok()?;
        match next {
            Some(Ok(Message::Text(text))) => {
                return Some(WsEvent::Text(
                    serde_json::from_str(text.as_str()).expect("a JSON message"),
                ));
            }
            Some(Ok(Message::Close(frame))) => {
                return Some(WsEvent::Closed(frame.map(|f| u16::from(f.code))));
            }
            Some(Ok(_)) => {}
            Some(Err(_)) | None => return Some(WsEvent::Ended),
        }
    }
}

/// The next graphql-transport-ws message other than ping and pong; None
/// when none comes within `within` or the socket ends.
async fn next_message(socket: &mut Ws, within: Duration) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match ws_event(socket, left).await? {
            WsEvent::Text(message) if message["type"] == "ping" || message["type"] == "pong" => {}
            WsEvent::Text(message) => return Some(message),
            WsEvent::Closed(_) | WsEvent::Ended => return None,
        }
    }
}

/// The first message about operation `id`, within 10 s.
async fn answer_for(socket: &mut Ws, id: &str) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let message = next_message(socket, left)
            .await
            .unwrap_or_else(|| panic!("no answer to operation {id} within 10 s"));
        if message["id"] == id {
            return message;
        }
    }
}

/// The error codes a message carries: an `error` message's payload is a
/// list of errors, a `next` message's payload a GraphQL response.
fn ws_codes(message: &Value) -> Vec<String> {
    let errors = if message["type"] == "error" {
        &message["payload"]
    } else {
        &message["payload"]["errors"]
    };
    errors
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e["extensions"]["code"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn has_type(seen: &[Value], id: &str, kind: &str) -> bool {
    seen.iter().any(|m| m["id"] == id && m["type"] == kind)
}

/// Whether operation `id` delivered data (a `next` with data).
fn delivered(seen: &[Value], id: &str) -> bool {
    seen.iter()
        .any(|m| m["id"] == id && m["type"] == "next" && !m["payload"]["data"].is_null())
}

/// Whether operation `id` got an error (in an `error` or a `next` message).
fn failed(seen: &[Value], id: &str) -> bool {
    seen.iter().any(|m| m["id"] == id && !ws_codes(m).is_empty())
}

/// Adds milestones to `project` until `done` holds for what `socket` has
/// received (a subscription registers asynchronously, so a change made
/// before that is simply not seen); at most 20 tries.
async fn add_milestones_until(
    app: &TestApp,
    token: &str,
    project: &str,
    socket: &mut Ws,
    seen: &mut Vec<Value>,
    done: impl Fn(&[Value]) -> bool,
) {
    for attempt in 0..20 {
        app.gql_as(
            token,
            MILESTONE,
            json!({ "p": project, "t": format!("Milestone {attempt}") }),
        )
        .await
        .ok();
        while let Some(message) = next_message(socket, Duration::from_millis(500)).await {
            seen.push(message);
        }
        if done(seen.as_slice()) {
            return;
        }
    }
}

/// Reads `socket` until the server ends it (answering its Close frame on
/// the way); the code of the Close frame the server sent, if any.
async fn close_code(mut socket: Ws, within: Duration) -> Option<u16> {
    let deadline = tokio::time::Instant::now() + within;
    let mut code = None;
    while let Ok(Some(Ok(message))) = tokio::time::timeout_at(deadline, socket.next()).await {
        if let Message::Close(Some(frame)) = message
            && code.is_none()
        {
            code = Some(u16::from(frame.code));
        }
    }
    code
}

#[tokio::test]
async fn a_websocket_that_never_says_hello_is_closed_with_4408() {
    let app = TestApp::spawn_with(|c| c.serve.ws_init_timeout_secs = 1).await;
    let mut socket = ws_open(&app.address).await;
    let started = Instant::now();
    let event = ws_event(&mut socket, Duration::from_secs(4)).await;
    let waited = started.elapsed();
    match event {
        Some(WsEvent::Closed(code)) => assert_eq!(code, Some(4408), "after {waited:?}"),
        other => panic!("expected a Close frame within 4 s, got {other:?}"),
    }
    assert!(
        waited >= Duration::from_millis(500) && waited < Duration::from_millis(3500),
        "closed after {waited:?} with a 1 s init timeout"
    );
}

#[tokio::test]
async fn an_oversized_websocket_message_closes_that_socket_only() {
    let app = TestApp::spawn_with(|c| c.serve.limits.max_body_bytes = 64 * 1024).await;
    let mut socket = ws_connect(&app.address, None).await;
    let query = format!(
        "subscription {{ projectActivity(projectId: \"{}\") {{ verb }} }} #{}",
        uuid::Uuid::now_v7(),
        "x".repeat(100 * 1024)
    );
    // The server may close while this is still being sent.
    let _ = socket
        .send(Message::text(subscribe("1", &query, json!({})).to_string()))
        .await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match ws_event(&mut socket, left).await {
            Some(WsEvent::Closed(code)) => {
                if let Some(code) = code {
                    assert_eq!(code, 1009, "closed, but not as too big");
                }
                break;
            }
            Some(WsEvent::Ended) => break,
            Some(WsEvent::Text(message)) => {
                assert_ne!(message["id"], "1", "the oversized operation ran: {message}");
            }
            None => panic!("the socket stayed open 5 s after a 100 KB message"),
        }
    }
    // The server itself is fine.
    let reply = app.gql("{ organisations { totalCount } }", json!({})).await;
    assert_eq!(reply.ok()["organisations"]["totalCount"], 7);
    let _fresh = ws_connect(&app.address, None).await;
}

#[tokio::test]
async fn the_depth_limit_applies_over_websockets_too() {
    let app = TestApp::spawn_with(|c| c.serve.limits.max_depth = 4).await;
    let mut socket = ws_connect(&app.address, None).await;
    let deep = format!(
        "subscription {{ projectActivity(projectId: \"{}\") {{ actor {{ organisation {{ translations {{ locale }} }} }} }} }}",
        uuid::Uuid::now_v7()
    );
    ws_send(&mut socket, subscribe("1", &deep, json!({}))).await;
    let answer = answer_for(&mut socket, "1").await;
    assert!(
        ws_codes(&answer).iter().any(|c| c == "QUERY_TOO_DEEP"),
        "{answer}"
    );
}

#[tokio::test]
async fn a_socket_runs_at_most_its_share_of_operations_at_once() {
    let app = TestApp::spawn_with(|c| c.serve.ws_max_operations = 2).await;
    let coordinator = app.login("coordinator@example.org").await;
    let project = create_project(&app, &coordinator, "WS-OPS-1").await;
    let mut socket = ws_connect(&app.address, Some(&coordinator)).await;
    for id in ["1", "2", "3"] {
        ws_send(&mut socket, subscribe(id, ACTIVITY, json!({ "p": project }))).await;
    }
    let mut seen = Vec::new();
    add_milestones_until(&app, &coordinator, &project, &mut socket, &mut seen, |seen| {
        delivered(seen, "1") && delivered(seen, "2") && seen.iter().any(|m| m["id"] == "3")
    })
    .await;
    assert!(
        seen.iter()
            .filter(|m| m["id"] == "3")
            .any(|m| ws_codes(m).iter().any(|c| c == "RATE_LIMITED")),
        "the third operation was not refused as RATE_LIMITED: {seen:?}"
    );
    assert!(!delivered(&seen, "3"), "the third operation ran: {seen:?}");
    for id in ["1", "2"] {
        assert!(delivered(&seen, id), "operation {id} delivered nothing: {seen:?}");
        assert!(
            !failed(&seen, id) && !has_type(&seen, id, "complete"),
            "operation {id} was ended: {seen:?}"
        );
    }

    // Ending one operation frees its place.
    ws_send(&mut socket, json!({ "id": "1", "type": "complete" })).await;
    ws_send(&mut socket, subscribe("4", ACTIVITY, json!({ "p": project }))).await;
    add_milestones_until(&app, &coordinator, &project, &mut socket, &mut seen, |seen| {
        delivered(seen, "4") || failed(seen, "4")
    })
    .await;
    assert!(
        delivered(&seen, "4") && !failed(&seen, "4"),
        "a freed place was not given to a new operation: {seen:?}"
    );
}

#[tokio::test]
async fn a_token_holds_only_so_many_sockets_at_once() {
    let app = TestApp::spawn_with(|c| c.serve.ws_max_sockets_per_token = 2).await;
    let token = app.login("coordinator@example.org").await;
    let mut first = ws_connect(&app.address, Some(&token)).await;
    let _second = ws_connect(&app.address, Some(&token)).await;

    let mut third = ws_open(&app.address).await;
    ws_init(&mut third, Some(&token)).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match ws_event(&mut third, left).await {
            Some(WsEvent::Text(message)) => {
                assert_ne!(
                    message["type"], "connection_ack",
                    "a third socket was accepted for the token"
                );
            }
            Some(WsEvent::Closed(_) | WsEvent::Ended) => break,
            None => panic!("the third socket is neither refused nor closed after 5 s"),
        }
    }

    // Closing one makes room for another.
    first.close(None).await.ok();
    drop(first);
    let mut accepted = false;
    for _ in 0..10 {
        let mut socket = ws_open(&app.address).await;
        ws_init(&mut socket, Some(&token)).await;
        let answer = next_message(&mut socket, Duration::from_secs(2)).await;
        if answer.is_some_and(|m| m["type"] == "connection_ack") {
            accepted = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        accepted,
        "a socket its client closed still counts against the token"
    );
}

#[tokio::test]
async fn an_operation_over_a_websocket_runs_under_the_request_timeout() {
    // Password hashing alone takes longer than a millisecond.
    let app = TestApp::spawn_with(|c| c.serve.limits.request_timeout_secs = 0.001).await;
    let mut socket = ws_connect(&app.address, None).await;
    ws_send(
        &mut socket,
        subscribe(
            "1",
            "mutation { login(email: \"admin@example.org\", password: \"sammen-demo\") { token } }",
            json!({}),
        ),
    )
    .await;
    let answer = answer_for(&mut socket, "1").await;
    assert!(ws_codes(&answer).iter().any(|c| c == "TIMEOUT"), "{answer}");
    // Give the abandoned hashing time to finish: no session may appear.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let sessions = auth_token::Entity::find().count(&app.db).await.expect("count");
    assert_eq!(sessions, 0, "a timed-out login still created a session");
}

#[tokio::test]
async fn stopping_the_server_closes_live_sockets_as_going_away() {
    let mut app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let project = create_project(&app, &coordinator, "STOP-1").await;
    let mut socket = ws_connect(&app.address, Some(&coordinator)).await;
    ws_send(&mut socket, subscribe("1", ACTIVITY, json!({ "p": project }))).await;
    let mut seen = Vec::new();
    add_milestones_until(&app, &coordinator, &project, &mut socket, &mut seen, |seen| {
        delivered(seen, "1")
    })
    .await;
    assert!(delivered(&seen, "1"), "the subscription is not live: {seen:?}");

    // Read (and answer the close handshake) while the server stops.
    let reader = tokio::spawn(close_code(socket, Duration::from_secs(20)));
    tokio::time::timeout(Duration::from_secs(20), app.stop())
        .await
        .expect("the server stops within 20 s");
    let code = tokio::time::timeout(Duration::from_secs(20), reader)
        .await
        .expect("the socket ends")
        .expect("the reader finished");
    assert_eq!(code, Some(1001), "the socket was not closed as Going Away");
}

#[tokio::test]
async fn sigterm_closes_sockets_as_going_away_and_exits_cleanly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut server = Process::serve(dir.path(), &[]).await;
    let socket = ws_connect(&server.address, None).await;
    let reader = tokio::spawn(close_code(socket, Duration::from_secs(20)));
    server.sigterm();
    let code = tokio::time::timeout(Duration::from_secs(20), reader)
        .await
        .expect("the socket ends")
        .expect("the reader finished");
    assert_eq!(code, Some(1001), "the socket was not closed as Going Away");
    let status = tokio::time::timeout(Duration::from_secs(20), server.wait())
        .await
        .expect("the process exits within 20 s of SIGTERM");
    assert!(status.success(), "exit status after SIGTERM: {status}");
}
