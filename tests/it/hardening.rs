//! Hardening: what an attacker, a slow client or a crash runs into.
//! Sign-in throttling across parallel requests, addresses and nodes; the
//! cost of expensive fields and the per-operation SQL statement budget;
//! WebSocket limits and shutdown; multipart abuse; slow, idle and surplus
//! connections; many concurrent writers; control and bidi characters in
//! input; what a kill -9 during an upload leaves behind; and metrics kept
//! off the public address.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use futures_util::{SinkExt, StreamExt};
use sammen_entities::{
    auth_token, deliverable_document, document_version, event, project, project_member, project_participant,
};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;

use crate::documents::{PDF, UPLOAD};
use crate::support::{DEMO_PASSWORD, Process, Reply, TestApp};

const LOGIN: &str = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }";
const ACTIVITY: &str = "subscription($p: ID!) { projectActivity(projectId: $p) { verb } }";
const MILESTONE: &str = "mutation($p: ID!, $t: String!) { createMilestone(input: {projectId: $p, title: $t, dueOn: \"2025-05-17\"}) { id } }";
const ADD_PARTICIPANT: &str = "mutation($p: ID!, $o: ID!) { addProjectParticipant(projectId: $p, organisationId: $o, role: PARTNER) { id } }";
const REMOVE_PARTICIPANT: &str =
    "mutation($p: ID!, $o: ID!) { removeProjectParticipant(projectId: $p, organisationId: $o) { id } }";
const LINK: &str =
    "mutation($d: ID!, $doc: ID!) { linkDocumentToDeliverable(deliverableId: $d, documentId: $doc) { id } }";

/// Every demo organisation; a network admin reads them all.
const SLUGS: [&str; 9] = [
    "erfaringssentrum",
    "kbt",
    "sorlandet-sykehus",
    "grone-bildungszentrum",
    "new-england-peer-alliance",
    "peer-netvaerket-danmark",
    "cape-peer-recovery-forum",
    "ubuntu-peer-workers",
    "platform-ervaringsdeskundigen",
];

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>;

// ---------------------------------------------------------------------------
// Signing in: guesses are reserved before any password is verified.
// ---------------------------------------------------------------------------

fn wrong_guess(email: &str) -> Value {
    json!({ "e": email, "p": "not-the-password" })
}

/// Counts UNAUTHENTICATED and RATE_LIMITED answers; anything else fails.
fn tally(replies: &[Reply]) -> (usize, usize) {
    let mut unauthenticated = 0;
    let mut limited = 0;
    for reply in replies {
        assert!(
            !reply.status.is_server_error(),
            "5xx: {} {}",
            reply.status,
            reply.body
        );
        match reply.code() {
            "UNAUTHENTICATED" => unauthenticated += 1,
            "RATE_LIMITED" => {
                let wait = reply.body["errors"][0]["extensions"]["retryAfterSeconds"].as_u64();
                assert!(
                    wait.is_some_and(|seconds| seconds > 0),
                    "RATE_LIMITED without retryAfterSeconds: {}",
                    reply.body
                );
                limited += 1;
            }
            other => panic!(
                "neither UNAUTHENTICATED nor RATE_LIMITED but {other:?}: {}",
                reply.body
            ),
        }
    }
    (unauthenticated, limited)
}

#[tokio::test]
async fn two_hundred_parallel_guesses_verify_at_most_the_allowed_ten() {
    let app = TestApp::spawn_with(|c| {
        c.serve.login_max_failures = 10;
        c.serve.login_max_failures_per_address = 1000;
        c.serve.login_window_secs = 10;
    })
    .await;
    let started = Instant::now();
    let replies = join_all((0..200).map(|_| app.gql(LOGIN, wrong_guess("partner@example.org")))).await;
    let (unauthenticated, limited) = tally(&replies);
    assert!(
        (1..=10).contains(&unauthenticated),
        "{unauthenticated} of 200 parallel guesses were verified ({limited} limited)"
    );
    assert!(limited >= 190, "only {limited} of 200 guesses were limited");

    // Inside the window even the right password is refused, unverified.
    let right = app
        .gql(LOGIN, json!({ "e": "partner@example.org", "p": DEMO_PASSWORD }))
        .await;
    let elapsed = started.elapsed();
    assert_eq!(
        right.code(),
        "RATE_LIMITED",
        "the right password {elapsed:?} after the first guess (window 10 s): {}",
        right.body
    );
    // Once the window is over, the owner signs in.
    tokio::time::sleep(Duration::from_millis(10_500).saturating_sub(started.elapsed())).await;
    app.login("partner@example.org").await;
}

#[tokio::test]
async fn guesses_spread_over_two_nodes_share_one_allowance() {
    let app = TestApp::spawn_with(|c| {
        c.serve.login_max_failures = 10;
        c.serve.login_max_failures_per_address = 1000;
    })
    .await;
    let other = app.another_node().await;
    let (here, there) = futures_util::future::join(
        join_all((0..100).map(|_| app.gql(LOGIN, wrong_guess("partner@example.org")))),
        join_all((0..100).map(|_| other.gql(LOGIN, wrong_guess("partner@example.org")))),
    )
    .await;
    let (unauthenticated_here, limited_here) = tally(&here);
    let (unauthenticated_there, limited_there) = tally(&there);
    let verified = unauthenticated_here + unauthenticated_there;
    assert!(
        (1..=10).contains(&verified),
        "{verified} guesses were verified ({unauthenticated_here} on one node, {unauthenticated_there} on the other)"
    );
    assert!(limited_here + limited_there >= 190);
    // Both nodes agree the account is locked.
    for node in [&app, &other] {
        node.gql(LOGIN, json!({ "e": "partner@example.org", "p": DEMO_PASSWORD }))
            .await
            .expect_error("RATE_LIMITED");
    }
}

#[tokio::test]
async fn spraying_one_password_over_many_accounts_is_limited_per_address() {
    let app = TestApp::spawn_with(|c| c.serve.login_max_failures_per_address = 5).await;
    let emails: Vec<String> = (0..40).map(|i| format!("spray-{i}@example.net")).collect();
    let replies = join_all(emails.iter().map(|email| app.gql(LOGIN, wrong_guess(email)))).await;
    let (unauthenticated, limited) = tally(&replies);
    assert!(
        (1..=5).contains(&unauthenticated),
        "{unauthenticated} of 40 sprayed guesses were verified ({limited} limited)"
    );
    assert!(limited >= 35, "only {limited} of 40 were limited");
    // While the window lasts, this address signs nobody in, right password or not.
    app.gql(LOGIN, json!({ "e": "admin@example.org", "p": DEMO_PASSWORD }))
        .await
        .expect_error("RATE_LIMITED");
    let sessions = auth_token::Entity::find().count(&app.db).await.expect("count");
    assert_eq!(sessions, 0, "a session was created from a locked address");
}

/// A wrong guess for `email`, sent with `X-Forwarded-For: forwarded_for`.
async fn login_via(app: &TestApp, forwarded_for: &str, email: &str) -> Reply {
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("X-Forwarded-For", forwarded_for)
        .json(&json!({ "query": LOGIN, "variables": wrong_guess(email) }))
        .send()
        .await
        .expect("sent");
    TestApp::reply(response).await
}

#[tokio::test]
async fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
    // Behind a trusted proxy every forwarded client has its own allowance.
    let proxied = TestApp::spawn_with(|c| {
        c.serve.login_max_failures_per_address = 3;
        c.serve.trusted_proxies = vec!["127.0.0.1/32".parse().expect("a network")];
    })
    .await;
    for i in 0..3 {
        login_via(&proxied, "203.0.113.7", &format!("proxied-{i}@example.net"))
            .await
            .expect_error("UNAUTHENTICATED");
    }
    login_via(&proxied, "203.0.113.7", "proxied-3@example.net")
        .await
        .expect_error("RATE_LIMITED");
    // An address the client adds on the left does not make it someone else.
    login_via(&proxied, "198.51.100.23, 203.0.113.7", "proxied-4@example.net")
        .await
        .expect_error("RATE_LIMITED");
    login_via(&proxied, "203.0.113.8", "proxied-5@example.net")
        .await
        .expect_error("UNAUTHENTICATED");

    // Without trusted proxies the header is ignored: the TCP peer is the client.
    let direct = TestApp::spawn_with(|c| c.serve.login_max_failures_per_address = 3).await;
    for i in 0..3 {
        login_via(
            &direct,
            &format!("203.0.113.{}", 10 + i),
            &format!("direct-{i}@example.net"),
        )
        .await
        .expect_error("UNAUTHENTICATED");
    }
    login_via(&direct, "203.0.113.99", "direct-3@example.net")
        .await
        .expect_error("RATE_LIMITED");
}

// ---------------------------------------------------------------------------
// Cost and the statement budget.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_batch_of_expensive_aliases_is_refused_before_any_sql_runs() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    // The first request of a token records its use; measure after it.
    app.gql_as(&admin, "{ me { id } }", json!({})).await.ok();
    let aliases = |n: usize| -> Value {
        let fields: Vec<String> = (0..n).map(|i| format!("a{i}:localeCoverage{{locale}}")).collect();
        json!({ "query": format!("query {{ {} }}", fields.join(" ")) })
    };

    // The review's request: 10 operations of 2,500 aliases (0.7 MB). Its
    // text alone is over the token limit, so it is refused unparsed.
    let flood = Value::Array(vec![aliases(2500); 10]);
    let before = app.statements().await;
    let started = Instant::now();
    let reply = app.post_json(Some(&admin), None, &flood).await;
    let took = started.elapsed();
    let statements = app.statements().await.saturating_sub(before);
    reply.expect_error("QUERY_TOO_COMPLEX");
    assert!(reply.message().contains("20,000 tokens"), "{}", reply.message());
    assert!(statements <= 3, "{statements} SQL statements for a refused flood");
    assert!(took < Duration::from_secs(2), "the refusal took {took:?}");

    // Under the token limit, each operation is refused by its cost.
    let batch = Value::Array(vec![aliases(500); 4]);
    let before = app.statements().await;
    let reply = app.post_json(Some(&admin), None, &batch).await;
    let statements = app.statements().await.saturating_sub(before);
    assert!(!reply.status.is_server_error(), "{}", reply.status);
    let answers = reply.body.as_array().expect("a batch answer");
    assert_eq!(answers.len(), 4);
    for answer in answers {
        assert_eq!(
            answer["errors"][0]["extensions"]["code"], "QUERY_TOO_COMPLEX",
            "{answer}"
        );
        assert!(answer["data"].is_null(), "{answer}");
    }
    assert!(
        statements <= 3,
        "{statements} SQL statements for a batch refused as too complex"
    );

    // A fragment that spreads another twice, forty deep, is 2^40 fields in
    // two kilobytes: refused at once, not walked.
    let mut bomb = String::from("query { ...F0 }");
    for i in 0..40 {
        bomb.push_str(&format!(
            " fragment F{i} on QueryRoot {{ ...F{n} ...F{n} }}",
            n = i + 1
        ));
    }
    bomb.push_str(" fragment F40 on QueryRoot { __typename }");
    let started = Instant::now();
    let reply = app.gql(&bomb, json!({})).await;
    reply.expect_error("QUERY_TOO_COMPLEX");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the bomb took {:?}",
        started.elapsed()
    );

    // Two are allowed: one whole-table field costs what it does, not more.
    let two = app.post_json(Some(&admin), None, &aliases(2)).await;
    assert!(two.ok()["a0"].is_array(), "{}", two.body);
}

fn slug_lookups(count: usize) -> String {
    let fields: Vec<String> = (0..count)
        .map(|i| {
            format!(
                "o{i}: organisationBySlug(slug: \"{}\") {{ slug }}",
                SLUGS[i % SLUGS.len()]
            )
        })
        .collect();
    format!("{{ {} }}", fields.join(" "))
}

fn errors_of(reply: &Reply) -> Vec<Value> {
    reply.body["errors"].as_array().cloned().unwrap_or_default()
}

fn refused(errors: &[Value], alias: &str) -> bool {
    errors.iter().any(|e| e["path"][0] == alias)
}

#[tokio::test]
async fn an_operation_running_too_many_statements_is_stopped_field_by_field() {
    let app = TestApp::spawn_with(|c| c.serve.limits.max_sql_statements = 15).await;
    let admin = app.login("admin@example.org").await;

    let many = app.gql_as(&admin, &slug_lookups(40), json!({})).await;
    assert!(
        !many.status.is_server_error(),
        "5xx: {} {}",
        many.status,
        many.body
    );
    let errors = errors_of(&many);
    assert!(
        !errors.is_empty(),
        "40 lookups ran within 15 statements: {}",
        many.body
    );
    for error in &errors {
        assert_eq!(error["extensions"]["code"], "QUERY_TOO_COMPLEX", "{error}");
    }
    // Each field either answered rightly or carries its own error.
    for (i, slug) in SLUGS.iter().cycle().take(40).enumerate() {
        let alias = format!("o{i}");
        let value = &many.body["data"][alias.as_str()];
        if refused(&errors, &alias) {
            assert!(value.is_null(), "{alias} is refused and answered: {value}");
        } else {
            assert_eq!(value["slug"], *slug, "{alias}: {}", many.body);
        }
    }

    let few = app.gql_as(&admin, &slug_lookups(5), json!({})).await;
    let data = few.ok();
    for (i, slug) in SLUGS.iter().take(5).enumerate() {
        assert_eq!(data[format!("o{i}").as_str()]["slug"], *slug);
    }
}

#[tokio::test]
async fn writes_cut_off_by_the_statement_budget_are_whole_or_absent() {
    let app = TestApp::spawn_with(|c| c.serve.limits.max_sql_statements = 15).await;
    let coordinator = app.login("coordinator@example.org").await;
    let participants_before = project_participant::Entity::find()
        .count(&app.db)
        .await
        .expect("count");
    let members_before = project_member::Entity::find()
        .count(&app.db)
        .await
        .expect("count");
    let activity_before = event::Entity::find()
        .filter(event::Column::ProjectId.is_not_null())
        .count(&app.db)
        .await
        .expect("count");

    let writes: Vec<String> = (0..12)
        .map(|i| {
            format!(
                "p{i}: createProject(input: {{code: \"BUDGET-{i}\", title: \"Budget {i}\", startsOn: \"2025-01-01\"}}) {{ code }}"
            )
        })
        .collect();
    let reply = app
        .gql_as(
            &coordinator,
            &format!("mutation {{ {} }}", writes.join(" ")),
            json!({}),
        )
        .await;
    assert!(
        !reply.status.is_server_error(),
        "5xx: {} {}",
        reply.status,
        reply.body
    );
    let errors = errors_of(&reply);
    assert!(
        errors
            .iter()
            .any(|e| e["extensions"]["code"] == "QUERY_TOO_COMPLEX"),
        "twelve project creations fit in 15 statements: {}",
        reply.body
    );

    let stored: Vec<String> = project::Entity::find()
        .filter(project::Column::Code.starts_with("BUDGET-"))
        .all(&app.db)
        .await
        .expect("query")
        .into_iter()
        .map(|p| p.code)
        .collect();
    let is_stored = |i: usize| stored.contains(&format!("BUDGET-{i}"));
    for i in 0..12 {
        let alias = format!("p{i}");
        if reply.body["data"][alias.as_str()].is_object() {
            assert!(is_stored(i), "{alias} answered success but is not stored");
        }
        if refused(&errors, &alias) {
            assert!(!is_stored(i), "{alias} answered an error but is stored");
        }
    }
    // Mutations run one after another: what is stored is the first few.
    let count = stored.len();
    assert!(
        count >= 1,
        "15 statements do not allow one project: {}",
        reply.body
    );
    for i in 0..12 {
        assert_eq!(is_stored(i), i < count, "stored: {stored:?}");
    }
    // Each stored project is whole, and nothing of a refused one is left.
    let grew = |after: u64, before: u64| after.saturating_sub(before);
    let participants = project_participant::Entity::find()
        .count(&app.db)
        .await
        .expect("count");
    let members = project_member::Entity::find()
        .count(&app.db)
        .await
        .expect("count");
    let activity = event::Entity::find()
        .filter(event::Column::ProjectId.is_not_null())
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(
        grew(participants, participants_before),
        count as u64,
        "participants"
    );
    assert_eq!(grew(members, members_before), count as u64, "members");
    assert_eq!(grew(activity, activity_before), count as u64, "activity entries");
    // And the API says the same.
    let listed = app
        .gql_as(
            &coordinator,
            "{ projects(filter: {query: \"BUDGET-\"}) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(listed.ok()["projects"]["totalCount"], count);
}

// ---------------------------------------------------------------------------
// WebSockets (graphql-transport-ws).
// ---------------------------------------------------------------------------

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

/// Runs a mutation that creates something and returns the new id at `field`.
async fn created(app: &TestApp, token: &str, mutation: &str, variables: Value, field: &str) -> String {
    app.gql_as(token, mutation, variables).await.ok()[field]["id"]
        .as_str()
        .expect("an id")
        .to_owned()
}

async fn create_project(app: &TestApp, token: &str, code: &str) -> String {
    let mutation = "mutation($c: String!) { createProject(input: {code: $c, title: \"Hardening\", startsOn: \"2025-01-01\"}) { id } }";
    created(app, token, mutation, json!({ "c": code }), "createProject").await
}

async fn create_document(app: &TestApp, token: &str, title: &str) -> String {
    let mutation = "mutation($t: String!) { createDocument(input: {kind: REPORT, title: $t}) { id } }";
    created(app, token, mutation, json!({ "t": title }), "createDocument").await
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

// ---------------------------------------------------------------------------
// Multipart abuse, over raw TCP so an early answer is seen even while the
// body is still being sent.
// ---------------------------------------------------------------------------

fn host_of(address: &str) -> &str {
    address.trim_start_matches("http://")
}

struct RawResponse {
    status: u16,
    body: String,
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = find(raw, b"\r\n") {
        let size_line = String::from_utf8_lossy(&raw[..line_end]).into_owned();
        let size_text = size_line.split(';').next().unwrap_or_default().trim();
        let Ok(size) = usize::from_str_radix(size_text, 16) else {
            break;
        };
        raw = &raw[line_end + 2..];
        if size == 0 || raw.len() < size {
            break;
        }
        out.extend_from_slice(&raw[..size]);
        raw = raw.get(size + 2..).unwrap_or_default();
    }
    out
}

/// Reads one HTTP/1.1 response; None if the connection ends before its head.
async fn read_response<R: AsyncRead + Unpin>(reader: &mut R) -> Option<RawResponse> {
    let mut buffer = Vec::new();
    let mut chunk = vec![0u8; 16 * 1024];
    let head_end = loop {
        if let Some(at) = find(&buffer, b"\r\n\r\n") {
            break at + 4;
        }
        let n = reader.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
    let status: u16 = head.split_whitespace().nth(1)?.parse().ok()?;
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    let chunked = head
        .lines()
        .any(|l| l.starts_with("transfer-encoding:") && l.contains("chunked"));
    let mut body = buffer[head_end..].to_vec();
    loop {
        let complete = match length {
            Some(length) => body.len() >= length,
            None => chunked && body.ends_with(b"0\r\n\r\n"),
        };
        if complete {
            break;
        }
        match reader.read(&mut chunk).await {
            Ok(n) if n > 0 => body.extend_from_slice(&chunk[..n]),
            _ => break,
        }
    }
    if let Some(length) = length {
        body.truncate(length);
    } else if chunked {
        body = dechunk(&body);
    }
    Some(RawResponse {
        status,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// Sends `head` and then `body` on a fresh connection, from a task so that
/// an answer given before the body is read is still seen, and reads one
/// response. The connection stays open (no FIN) until the answer is read.
async fn raw_exchange(address: &str, head: String, body: Vec<u8>) -> Option<RawResponse> {
    let stream = TcpStream::connect(host_of(address)).await.expect("connected");
    let (mut reader, mut writer) = stream.into_split();
    let sender = tokio::spawn(async move {
        if writer.write_all(head.as_bytes()).await.is_ok() {
            // The server may stop reading once it has decided; that is its right.
            let _ = writer.write_all(&body).await;
        }
        writer
    });
    let response = read_response(&mut reader).await;
    sender.abort();
    response
}

fn form_part(boundary: &str, headers: &str, content: &[u8]) -> Vec<u8> {
    let mut part = format!("--{boundary}\r\n{headers}\r\n\r\n").into_bytes();
    part.extend_from_slice(content);
    part.extend_from_slice(b"\r\n");
    part
}

fn file_part(boundary: &str, name: &str, filename: &str, content: &[u8]) -> Vec<u8> {
    form_part(
        boundary,
        &format!(
            "Content-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream"
        ),
        content,
    )
}

/// The `operations` part and a `map` that declares one file, `0`.
fn upload_preamble(boundary: &str, operations: &Value) -> Vec<u8> {
    let mut body = form_part(
        boundary,
        "Content-Disposition: form-data; name=\"operations\"",
        operations.to_string().as_bytes(),
    );
    body.extend(form_part(
        boundary,
        "Content-Disposition: form-data; name=\"map\"",
        json!({ "0": ["variables.file"] }).to_string().as_bytes(),
    ));
    body
}

fn multipart_head(address: &str, boundary: &str, length: usize, token: Option<&str>) -> String {
    let authorization = token
        .map(|token| format!("Authorization: Bearer {token}\r\n"))
        .unwrap_or_default();
    format!(
        "POST /graphql HTTP/1.1\r\nHost: {}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {length}\r\n{authorization}\r\n",
        host_of(address)
    )
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                found.extend(files_under(&path));
            } else {
                found.push(path);
            }
        }
    }
    found
}

/// Files this process (the server runs in it) holds open. Sockets, pipes,
/// devices and database files are left out: the tests running alongside
/// open and pool those by the hundred.
fn open_files() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| std::fs::read_link(e.path()).ok())
                .filter(|target| {
                    let target = target.to_string_lossy();
                    target.starts_with('/')
                        && !target.starts_with("/dev/")
                        && !target.starts_with("/proc/")
                        && !target.contains(".db")
                })
                .count()
        })
        .unwrap_or(0)
}

/// Open file descriptors pointing into `dir` (deleted files included).
fn descriptors_into(dir: &Path) -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| std::fs::read_link(e.path()).is_ok_and(|target| target.starts_with(dir)))
                .count()
        })
        .unwrap_or(0)
}

fn parse_uuid(id: &str) -> uuid::Uuid {
    uuid::Uuid::parse_str(id).expect("a UUID")
}

#[tokio::test]
async fn an_anonymous_upload_is_refused_before_its_body_is_read() {
    let app = TestApp::spawn().await;
    let boundary = "sammen-many-parts";
    let operations = json!({
        "query": UPLOAD,
        "variables": { "doc": uuid::Uuid::now_v7().to_string(), "file": null }
    });
    let mut body = upload_preamble(boundary, &operations);
    for _ in 0..30_000 {
        body.extend(file_part(boundary, "0", "a.txt", b"x"));
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let head = multipart_head(&app.address, boundary, body.len(), None);
    // Only half the declared body is sent: an answer shows the server did
    // not wait for (or read) the rest.
    body.truncate(body.len() / 2);
    let started = Instant::now();
    let response = tokio::time::timeout(Duration::from_secs(10), raw_exchange(&app.address, head, body))
        .await
        .expect("an answer within 10 s without the rest of the body")
        .expect("an HTTP answer");
    let took = started.elapsed();
    assert_eq!(response.status, 401, "{}", response.body);
    let answer: Value = serde_json::from_str(&response.body).expect("a JSON answer");
    assert_eq!(
        answer["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{answer}"
    );
    assert!(took < Duration::from_secs(2), "the refusal took {took:?}");
}

#[tokio::test]
async fn files_go_only_where_the_operation_declares_an_upload() {
    let app = TestApp::spawn().await;
    let owner = app.login("coordinator@example.org").await;
    let doc = create_document(&app, &owner, "Declared").await;
    let boundary = "sammen-declared";
    let operations = json!({ "query": UPLOAD, "variables": { "doc": doc, "file": null } });
    for target in ["variables.doc", "variables.nothing", "query"] {
        let mut body = form_part(
            boundary,
            "Content-Disposition: form-data; name=\"operations\"",
            operations.to_string().as_bytes(),
        );
        body.extend(form_part(
            boundary,
            "Content-Disposition: form-data; name=\"map\"",
            json!({ "0": [target] }).to_string().as_bytes(),
        ));
        body.extend(file_part(boundary, "0", "m.pdf", PDF));
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let head = multipart_head(&app.address, boundary, body.len(), Some(&owner));
        let response = raw_exchange(&app.address, head, body)
            .await
            .expect("an HTTP answer");
        assert_eq!(response.status, 400, "{target}: {}", response.body);
        let answer: Value = serde_json::from_str(&response.body).expect("a JSON answer");
        assert_eq!(
            answer["errors"][0]["extensions"]["code"], "BAD_REQUEST",
            "{target}: {answer}"
        );
    }
    let versions = document_version::Entity::find()
        .filter(document_version::Column::DocumentId.eq(uuid::Uuid::parse_str(&doc).expect("a uuid")))
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(versions, 0);
}

#[tokio::test]
async fn thirty_thousand_file_parts_are_refused_without_running_out_of_descriptors() {
    let temp = tempfile::tempdir().expect("temp dir");
    let temp_path = temp.path().to_path_buf();
    let app = TestApp::spawn_with(move |c| c.serve.upload_temp_dir = Some(temp_path)).await;
    let owner = app.login("coordinator@example.org").await;
    let doc = create_document(&app, &owner, "Many parts").await;
    let boundary = "sammen-many-files";
    let operations = json!({ "query": UPLOAD, "variables": { "doc": doc, "file": null } });
    let mut body = upload_preamble(boundary, &operations);
    body.extend(file_part(boundary, "0", "m.pdf", PDF));
    // 30,000 parts the map does not declare: its one name again, then others.
    body.extend(file_part(boundary, "0", "a.txt", b"x"));
    for i in 1..30_000 {
        body.extend(file_part(boundary, &format!("x{i}"), "a.txt", b"x"));
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let head = multipart_head(&app.address, boundary, body.len(), Some(&owner));
    let temp_dir = temp
        .path()
        .canonicalize()
        .unwrap_or_else(|_| temp.path().to_path_buf());

    let files_before = open_files();
    let started = Instant::now();
    let response = tokio::time::timeout(Duration::from_secs(20), raw_exchange(&app.address, head, body))
        .await
        .expect("an answer within 20 s")
        .expect("an HTTP answer");
    let took = started.elapsed();
    assert_eq!(response.status, 400, "{}", response.body);
    let answer: Value = serde_json::from_str(&response.body).expect("a JSON answer");
    assert_eq!(
        answer["errors"][0]["extensions"]["code"], "BAD_REQUEST",
        "{answer}"
    );
    let message = answer["errors"][0]["message"].as_str().unwrap_or_default();
    for leak in ["os error", "Too many open files"] {
        assert!(!message.contains(leak), "internals in the message: {message}");
    }
    assert!(took < Duration::from_secs(2), "the refusal took {took:?}");

    // Nothing stays open or on disk (other tests in this process open and
    // close descriptors too, so allow a moment and a little slack).
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let open = open_files();
        let into_temp = descriptors_into(&temp_dir);
        let left = files_under(&temp_dir);
        if open <= files_before + 10 && into_temp == 0 && left.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "after the refusal: {open} files open (before: {files_before}), \
             {into_temp} into the upload folder, files left there: {left:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let versions = document_version::Entity::find()
        .filter(document_version::Column::DocumentId.eq(parse_uuid(&doc)))
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(versions, 0, "a refused upload stored a version");
}

// ---------------------------------------------------------------------------
// Many writers at once.
// ---------------------------------------------------------------------------

fn assert_all_succeeded(replies: &[Reply], what: &str) {
    let failures: Vec<String> = replies
        .iter()
        .filter(|r| !r.status.is_success() || r.body.get("errors").is_some())
        .map(|r| format!("{} {}", r.status, r.body))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} concurrent {what} failed, e.g. {}",
        failures.len(),
        replies.len(),
        failures[0]
    );
}

#[tokio::test]
async fn fifty_concurrent_writers_of_each_kind_all_succeed() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let coordinator = app.login("coordinator@example.org").await;
    let project = create_project(&app, &coordinator, "WRITERS-1").await;
    let deliverable = app
        .gql_as(
            &coordinator,
            "mutation($p: ID!) { createDeliverable(input: {projectId: $p, code: \"D1\", title: \"Report\"}) { id } }",
            json!({ "p": project }),
        )
        .await
        .ok()["createDeliverable"]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let mut documents = Vec::new();
    for i in 0..50 {
        documents.push(create_document(&app, &coordinator, &format!("Writer {i}")).await);
    }
    let mut organisations = Vec::new();
    for i in 0..50 {
        let organisation = app
            .gql_as(
                &admin,
                "mutation($s: String!, $n: String!) { createOrganisation(input: {slug: $s, name: $n, country: \"NO\", kind: NGO, partnershipStatus: ACTIVE}) { id } }",
                json!({ "s": format!("writer-{i}"), "n": format!("Writer {i}") }),
            )
            .await
            .ok()["createOrganisation"]["id"]
            .as_str()
            .expect("an id")
            .to_owned();
        app.gql_as(
            &coordinator,
            ADD_PARTICIPANT,
            json!({ "p": project, "o": organisation }),
        )
        .await
        .ok();
        organisations.push(organisation);
    }

    let uploads = join_all(documents.iter().map(|doc| {
        app.upload(
            Some(&coordinator),
            UPLOAD,
            json!({ "doc": doc, "file": null }),
            "w.pdf",
            "application/pdf",
            PDF,
        )
    }))
    .await;
    assert_all_succeeded(&uploads, "uploads");
    let links = join_all(
        documents
            .iter()
            .map(|doc| app.gql_as(&coordinator, LINK, json!({ "d": deliverable, "doc": doc }))),
    )
    .await;
    assert_all_succeeded(&links, "links");
    let removals = join_all(organisations.iter().map(|organisation| {
        app.gql_as(
            &coordinator,
            REMOVE_PARTICIPANT,
            json!({ "p": project, "o": organisation }),
        )
    }))
    .await;
    assert_all_succeeded(&removals, "participant removals");

    // And every write is there.
    let document_ids: Vec<uuid::Uuid> = documents.iter().map(|d| parse_uuid(d.as_str())).collect();
    let versions = document_version::Entity::find()
        .filter(document_version::Column::DocumentId.is_in(document_ids))
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(versions, 50);
    let linked = deliverable_document::Entity::find()
        .filter(deliverable_document::Column::DeliverableId.eq(parse_uuid(&deliverable)))
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(linked, 50);
    let participants = project_participant::Entity::find()
        .filter(project_participant::Column::ProjectId.eq(parse_uuid(&project)))
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(participants, 1, "only the coordinator is left");
}

// ---------------------------------------------------------------------------
// Slow, idle and surplus connections.
// ---------------------------------------------------------------------------

/// Reads until the peer closes the connection (or it fails).
async fn until_closed<R: AsyncRead + Unpin>(reader: &mut R) {
    let mut buffer = [0u8; 1024];
    while let Ok(n) = reader.read(&mut buffer).await {
        if n == 0 {
            break;
        }
    }
}

#[tokio::test]
async fn a_client_trickling_its_headers_is_cut_off_while_others_are_served() {
    let app = TestApp::spawn_with(|c| {
        c.serve.header_read_timeout_secs = 1;
        c.serve.idle_timeout_secs = 2;
    })
    .await;
    let stream = TcpStream::connect(host_of(&app.address))
        .await
        .expect("connected");
    let (mut reader, mut writer) = stream.into_split();
    writer
        .write_all(b"POST /graphql HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("sent");
    let started = Instant::now();
    let trickle = tokio::spawn(async move {
        for byte in b"X-Slow: ".iter().copied().chain(std::iter::repeat_n(b'a', 200)) {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if writer.write_all(&[byte]).await.is_err() {
                break;
            }
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let reply = app.gql("{ organisations { totalCount } }", json!({})).await;
    assert_eq!(reply.ok()["organisations"]["totalCount"], 7);
    let left = Duration::from_secs(4).saturating_sub(started.elapsed());
    let closed = tokio::time::timeout(left, until_closed(&mut reader)).await;
    trickle.abort();
    assert!(
        closed.is_ok(),
        "a connection trickling its headers was still open {:?} after it started",
        started.elapsed()
    );
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed_after_the_idle_timeout() {
    // The header timeout stays long, so only the idle timeout can close it.
    let app = TestApp::spawn_with(|c| c.serve.idle_timeout_secs = 2).await;
    let host = host_of(&app.address).to_owned();
    let mut stream = TcpStream::connect(&host).await.expect("connected");
    stream
        .write_all(format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes())
        .await
        .expect("sent");
    let response = tokio::time::timeout(Duration::from_secs(5), read_response(&mut stream))
        .await
        .expect("answered within 5 s")
        .expect("a response");
    assert_eq!(response.status, 200);
    assert_eq!(response.body, "ok");
    let idle_since = Instant::now();
    let closed = tokio::time::timeout(Duration::from_millis(4500), until_closed(&mut stream)).await;
    let idle = idle_since.elapsed();
    assert!(closed.is_ok(), "an idle connection was still open after {idle:?}");
    assert!(
        idle >= Duration::from_secs(1),
        "closed after {idle:?}: a kept-alive connection should live until the idle timeout"
    );
}

#[tokio::test]
async fn connections_beyond_the_limit_wait_until_others_close() {
    let app = TestApp::spawn_with(|c| c.serve.max_connections = 4).await;
    let host = host_of(&app.address).to_owned();
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut stream = TcpStream::connect(&host).await.expect("connected");
        stream
            .write_all(format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes())
            .await
            .expect("sent");
        let response = tokio::time::timeout(Duration::from_secs(5), read_response(&mut stream))
            .await
            .expect("answered within 5 s")
            .expect("a response");
        assert_eq!(response.status, 200);
        held.push(stream);
    }
    let client = reqwest::Client::builder().no_proxy().build().expect("client");
    let url = app.url("/healthz");
    let mut pending = tokio::spawn(async move { client.get(url).send().await.map(|r| r.status()) });
    let early = tokio::time::timeout(Duration::from_millis(500), &mut pending).await;
    assert!(
        early.is_err(),
        "a fifth connection was served while four were held: {early:?}"
    );
    drop(held);
    let status = tokio::time::timeout(Duration::from_secs(5), pending)
        .await
        .expect("answered once the held connections closed")
        .expect("the request task finished")
        .expect("the request succeeded");
    assert_eq!(status, 200);
}

#[tokio::test]
async fn one_address_cannot_take_every_connection() {
    let app = TestApp::spawn_with(|c| c.serve.max_connections_per_address = 2).await;
    let host = host_of(&app.address).to_owned();
    let mut held = Vec::new();
    for _ in 0..2 {
        held.push(TcpStream::connect(&host).await.expect("connected"));
    }
    // A third connection from the same address is closed unserved.
    let mut third = TcpStream::connect(&host).await.expect("connected");
    let _ = third
        .write_all(format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes())
        .await;
    let mut buffer = [0u8; 64];
    let read = tokio::time::timeout(Duration::from_secs(5), third.read(&mut buffer))
        .await
        .expect("the server decides within 5 s");
    assert!(
        matches!(read, Ok(0) | Err(_)),
        "a third connection from one address was served: {:?}",
        read.map(|n| String::from_utf8_lossy(&buffer[..n]).into_owned())
    );
    // Once one closes, the address may connect again.
    drop(held.pop());
    let mut served = false;
    for _ in 0..20 {
        let client = reqwest::Client::builder().no_proxy().build().expect("client");
        if client
            .get(app.url("/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(served, "the address was not served after one connection closed");
}

// ---------------------------------------------------------------------------
// kill -9 during an upload.
// ---------------------------------------------------------------------------

async fn gql_at(
    client: &reqwest::Client,
    address: &str,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> Reply {
    let mut request = client
        .post(format!("{address}/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    TestApp::reply(request.send().await.expect("request sent")).await
}

#[tokio::test]
async fn a_server_killed_during_an_upload_leaves_no_stray_file_after_a_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let client = reqwest::Client::builder().no_proxy().build().expect("client");
    let mut first = Process::serve(dir.path(), &["--demo"]).await;
    let address = first.address.clone();
    let admin = gql_at(
        &client,
        &address,
        None,
        LOGIN,
        json!({ "e": "admin@example.org", "p": DEMO_PASSWORD }),
    )
    .await
    .ok()["login"]["token"]
        .as_str()
        .expect("a token")
        .to_owned();
    let doc = gql_at(
        &client,
        &address,
        Some(&admin),
        "mutation { createDocument(input: {kind: REPORT, title: \"Interrupted\"}) { id } }",
        json!({}),
    )
    .await
    .ok()["createDocument"]["id"]
        .as_str()
        .expect("an id")
        .to_owned();

    // A 20 MB upload, sent at full speed; the server is killed while it
    // writes the file into storage (as soon as a new file shows there).
    let storage = dir.path().join("files");
    let demo_files: HashSet<PathBuf> = files_under(&storage).into_iter().collect();
    let boundary = "sammen-interrupted";
    let mut body = upload_preamble(
        boundary,
        &json!({ "query": UPLOAD, "variables": { "doc": doc, "file": null } }),
    );
    let mut content = b"%PDF-1.4\n".to_vec();
    content.resize(20 * 1024 * 1024, b'a');
    body.extend(form_part(
        boundary,
        "Content-Disposition: form-data; name=\"0\"; filename=\"big.pdf\"\r\nContent-Type: application/pdf",
        &content,
    ));
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let upload = tokio::spawn(
        client
            .post(format!("{address}/graphql"))
            .bearer_auth(&admin)
            .header(
                "Content-Type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send(),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut writing = false;
    while !upload.is_finished() && Instant::now() < deadline {
        if files_under(&storage).iter().any(|f| !demo_files.contains(f)) {
            writing = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    first.kill9().await;
    if let Ok(Ok(Ok(response))) = tokio::time::timeout(Duration::from_secs(5), upload).await {
        panic!(
            "the upload was answered ({}) before the server was killed",
            response.status()
        );
    }
    assert!(writing, "no file was being written to storage within 20 s");

    tokio::time::sleep(Duration::from_millis(2500)).await;
    let mut second = Process::serve(dir.path(), &["--request-timeout-secs", "1"]).await;
    let address = second.address.clone();
    let interrupted = gql_at(
        &client,
        &address,
        Some(&admin),
        "query($id: ID!) { document(id: $id) { versions { id } } }",
        json!({ "id": doc }),
    )
    .await;
    assert_eq!(
        interrupted.ok()["document"]["versions"],
        json!([]),
        "the interrupted upload left a version"
    );
    let listed = gql_at(
        &client,
        &address,
        Some(&admin),
        "{ documents(first: 100) { edges { node { versions { id } } } } }",
        json!({}),
    )
    .await;
    let mut versions = HashSet::new();
    for edge in listed.ok()["documents"]["edges"].as_array().expect("edges") {
        for version in edge["node"]["versions"].as_array().expect("versions") {
            versions.insert(version["id"].as_str().expect("an id").to_owned());
        }
    }
    assert!(!versions.is_empty(), "the demo documents have versions");

    // Every file in the storage folder is a stored version's (no staging
    // `…#n` parts, nothing under tmp/), once start-up has cleaned up.
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let present = files_under(&storage);
        let strays: Vec<&PathBuf> = present
            .iter()
            .filter(|path| {
                !path
                    .file_name()
                    .and_then(|name| name.to_str())
                    .is_some_and(|name| versions.contains(name))
            })
            .collect();
        if strays.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "after a restart, files that are no stored version remain: {strays:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // And the clean-up kept every stored version's file.
    let names: HashSet<String> = files_under(&storage)
        .iter()
        .filter_map(|path| path.file_name()?.to_str().map(str::to_owned))
        .collect();
    for version in &versions {
        assert!(names.contains(version), "the file of version {version} is gone");
    }
    second.kill9().await;
}

// ---------------------------------------------------------------------------
// Input that databases or readers choke on.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn control_characters_in_text_arguments_are_bad_input_on_every_engine() {
    let app = TestApp::spawn().await;
    let nul = "a\u{0}b";
    for (query, variables) in [
        (
            "query($q: String!) { organisations(filter: {query: $q}) { totalCount } }",
            json!({ "q": nul }),
        ),
        (
            "query($s: String!) { organisationBySlug(slug: $s) { id } }",
            json!({ "s": nul }),
        ),
        (
            "query($c: String!) { organisations(first: 5, after: $c) { totalCount } }",
            json!({ "c": nul }),
        ),
        (
            "query($q: String!) { documents(filter: {query: $q}) { totalCount } }",
            json!({ "q": nul }),
        ),
        (
            "query($q: String!) { projects(filter: {query: $q}) { totalCount } }",
            json!({ "q": nul }),
        ),
    ] {
        let reply = app.gql_with(None, Some("en-US"), query, variables).await;
        reply.expect_error("BAD_USER_INPUT");
        assert!(
            reply.message().to_lowercase().contains("control character"),
            "{query}: {}",
            reply.message()
        );
    }
    // Written into the query text as an escape, it is refused as well.
    let inline = app
        .gql_with(
            None,
            Some("en-US"),
            "{ organisations(filter: {query: \"a\\u0000b\"}) { totalCount } }",
            json!({}),
        )
        .await;
    assert!(
        !inline.status.is_server_error(),
        "5xx: {} {}",
        inline.status,
        inline.body
    );
    assert!(
        matches!(inline.code(), "BAD_USER_INPUT" | "GRAPHQL_PARSE_FAILED"),
        "{}",
        inline.body
    );
}

#[tokio::test]
async fn an_upload_named_with_unbalanced_bidi_controls_is_refused() {
    let app = TestApp::spawn().await;
    let owner = app.login("coordinator@example.org").await;
    let doc = create_document(&app, &owner, "Bidi").await;
    let reply = app
        .upload(
            Some(&owner),
            UPLOAD,
            json!({ "doc": doc, "file": null }),
            "report\u{202E}fdp.pdf",
            "application/pdf",
            PDF,
        )
        .await;
    reply.expect_error("BAD_USER_INPUT");
    let versions = app
        .gql_as(
            &owner,
            "query($id: ID!) { document(id: $id) { versions { id } } }",
            json!({ "id": doc }),
        )
        .await;
    assert_eq!(versions.ok()["document"]["versions"], json!([]));
    let folder = app.config.global.storage_dir.join("documents").join(&doc);
    let left = files_under(&folder);
    assert!(left.is_empty(), "a refused upload left files: {left:?}");
}

// ---------------------------------------------------------------------------
// Tokens and metrics.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_read_only_token_may_not_log_out_and_keeps_working() {
    let app = TestApp::spawn().await;
    let session = app.login("partner@example.org").await;
    let created = app
        .gql_as(
            &session,
            "mutation { createApiToken(name: \"Reader\", scope: READ) { token } }",
            json!({}),
        )
        .await;
    let api = created.ok()["createApiToken"]["token"]
        .as_str()
        .expect("a secret")
        .to_owned();
    app.gql_as(&api, "mutation { logout }", json!({}))
        .await
        .expect_error("FORBIDDEN");
    let me = app.gql_as(&api, "{ me { displayName } }", json!({})).await;
    assert_eq!(me.ok()["me"]["displayName"], "Pat Partner");
    let tokens = app
        .gql_as(&session, "{ me { apiTokens { name revokedAt } } }", json!({}))
        .await;
    let listed = tokens.ok()["me"]["apiTokens"].as_array().expect("tokens").clone();
    let reader = listed
        .iter()
        .find(|t| t["name"] == "Reader")
        .expect("the token is listed");
    assert!(reader["revokedAt"].is_null(), "the token was revoked: {reader}");

    // Nor can it upload: refused before the body is read.
    let uploaded = app
        .upload(
            Some(&api),
            UPLOAD,
            json!({ "doc": uuid::Uuid::now_v7().to_string(), "file": null }),
            "n.pdf",
            "application/pdf",
            PDF,
        )
        .await;
    uploaded.expect_error("FORBIDDEN");
    assert_eq!(uploaded.status, 403);
}

#[tokio::test]
async fn a_success_gives_back_its_own_attempt_not_the_guessers_allowance() {
    let app = TestApp::spawn_with(|c| {
        c.serve.login_max_failures = 6;
        c.serve.login_max_failures_per_address = 1000;
    })
    .await;
    for _ in 0..5 {
        app.gql(LOGIN, wrong_guess("partner@example.org"))
            .await
            .expect_error("UNAUTHENTICATED");
    }
    // The owner signs in meanwhile; the five failures still count.
    app.login("partner@example.org").await;
    app.gql(LOGIN, wrong_guess("partner@example.org"))
        .await
        .expect_error("UNAUTHENTICATED");
    app.gql(LOGIN, wrong_guess("partner@example.org"))
        .await
        .expect_error("RATE_LIMITED");
}

#[tokio::test]
async fn a_very_long_email_is_just_a_wrong_sign_in_on_every_engine() {
    let app = TestApp::spawn().await;
    let long = format!("{}@example.org", "a".repeat(8000));
    let reply = app.gql(LOGIN, json!({ "e": long, "p": "whatever-it-is" })).await;
    reply.expect_error("UNAUTHENTICATED");
    // The throttle stores a digest, not the address.
    let stored: Vec<String> = sea_orm::ConnectionTrait::query_all_raw(
        &app.db,
        sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            "SELECT \"key\" FROM login_throttle",
        ),
    )
    .await
    .expect("the throttle table")
    .iter()
    .map(|row| row.try_get::<String>("", "key").expect("a key"))
    .collect();
    assert!(!stored.is_empty());
    assert!(
        stored.iter().all(|k| k.len() == 64 && !k.contains('@')),
        "{stored:?}"
    );
}

#[tokio::test]
async fn metrics_are_served_on_their_own_listener_only() {
    let app = TestApp::spawn().await;
    app.gql("{ organisations { totalCount } }", json!({})).await.ok();
    let public = app.client.get(app.url("/metrics")).send().await.expect("sent");
    assert_eq!(public.status(), 404);
    let text = public.text().await.expect("text");
    assert!(!text.contains("sammen_db_statements_total"), "{text}");

    let url = app.metrics_url();
    assert!(
        !url.starts_with(&format!("{}/", app.address)),
        "metrics on the public address: {url}"
    );
    let private = app.client.get(url.as_str()).send().await.expect("sent");
    assert_eq!(private.status(), 200);
    let text = private.text().await.expect("text");
    assert!(
        text.lines().any(|l| l.starts_with("sammen_db_statements_total ")),
        "{text}"
    );
    assert!(app.statements().await > 0, "a request ran SQL");
}
