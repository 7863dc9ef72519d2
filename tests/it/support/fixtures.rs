//! Fixtures several test modules share: a small PDF and the upload
//! mutation, the project participant and member mutations, people,
//! projects and documents made through the API, the statements one
//! request costs, and the files under a folder.

use std::path::{Path, PathBuf};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use super::{LOGIN, TestApp};

/// A minimal PDF file.
pub const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

/// Uploads `file` as a new version of the document `doc`.
pub const UPLOAD: &str = r#"mutation($doc: ID!, $file: Upload!, $note: String) {
  uploadDocumentVersion(documentId: $doc, file: $file, changeNote: $note) {
    id number filename mediaType size sha256 downloadUrl changeNote
  }
}"#;

/// The mutations that add and remove a project's participating organisations and members.
pub const ADD_PARTICIPANT: &str = "mutation($p: ID!, $o: ID!, $r: ParticipantRole!) { addProjectParticipant(projectId: $p, organisationId: $o, role: $r) { id } }";
pub const REMOVE_PARTICIPANT: &str =
    "mutation($p: ID!, $o: ID!) { removeProjectParticipant(projectId: $p, organisationId: $o) { id } }";
pub const ADD_MEMBER: &str = "mutation($p: ID!, $u: ID!, $r: MemberRole!) { addProjectMember(projectId: $p, userId: $u, role: $r) { id } }";
pub const REMOVE_MEMBER: &str =
    "mutation($p: ID!, $u: ID!) { removeProjectMember(projectId: $p, userId: $u) { id } }";

/// Uploads the test PDF as `filename`, a new version of `doc`, as `token`;
/// the version's id.
pub async fn upload_pdf(app: &TestApp, token: &str, doc: &str, filename: &str) -> String {
    let uploaded = app
        .upload(
            Some(token),
            UPLOAD,
            json!({ "doc": doc, "file": null }),
            filename,
            "application/pdf",
            PDF,
        )
        .await;
    uploaded.ok()["uploadDocumentVersion"]["id"]
        .as_str()
        .expect("a version")
        .to_owned()
}

/// The password of the people the tests create.
pub const PASSWORD: &str = "long-enough-pw";

/// A WebSocket to the server.
pub type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A new person named `name` in `organisation` (created by the admin); their id.
pub async fn new_person(app: &TestApp, admin: &str, organisation: &str, name: &str, email: &str) -> String {
    app.gql_as(
        admin,
        "mutation($i: CreateUserInput!) { createUser(input: $i) { id } }",
        json!({ "i": { "email": email, "displayName": name, "password": PASSWORD, "organisationId": organisation } }),
    )
    .await
    .ok()["createUser"]["id"]
        .as_str()
        .expect("an id")
        .to_owned()
}

/// Signs a person made by [`new_person`] in; the session token.
pub async fn sign_in(app: &TestApp, email: &str) -> String {
    app.gql(LOGIN, json!({ "e": email, "p": PASSWORD })).await.ok()["login"]["token"]
        .as_str()
        .expect("a token")
        .to_owned()
}

/// The id of the person signed in with `token`.
pub async fn user_id(app: &TestApp, token: &str) -> String {
    app.gql_as(token, "{ me { id } }", json!({})).await.ok()["me"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

/// Runs a mutation that creates something and returns the new id at `field`.
async fn created(app: &TestApp, token: &str, mutation: &str, variables: Value, field: &str) -> String {
    app.gql_as(token, mutation, variables).await.ok()[field]["id"]
        .as_str()
        .expect("an id")
        .to_owned()
}

/// A new project with `code`, made by `token`; its id.
pub async fn create_project(app: &TestApp, token: &str, code: &str) -> String {
    let mutation = "mutation($c: String!) { createProject(input: {code: $c, title: \"Hardening\", startsOn: \"2025-01-01\"}) { id } }";
    created(app, token, mutation, json!({ "c": code }), "createProject").await
}

/// A new REPORT document titled `title`, owned by `token`; its id.
pub async fn create_document(app: &TestApp, token: &str, title: &str) -> String {
    let mutation = "mutation($t: String!) { createDocument(input: {kind: REPORT, title: $t}) { id } }";
    created(app, token, mutation, json!({ "t": title }), "createDocument").await
}

/// SQL statements the server ran for one request, read from /metrics. The
/// token is used just before, so that its caller is in the server's cache
/// (kept 5 s: on a loaded machine a test's requests can be further apart)
/// and the count is the operation's alone.
pub async fn statements_for(app: &TestApp, token: &str, query: &str, variables: Value) -> u64 {
    statements_in(app, token, None, query, variables).await
}

/// [`statements_for`] a reader of `language` (an Accept-Language header).
pub async fn statements_in(
    app: &TestApp,
    token: &str,
    language: Option<&str>,
    query: &str,
    variables: Value,
) -> u64 {
    // The server's background workers read now and then, and /metrics
    // counts those too: of two runs, the one they did not add to.
    let mut fewest = u64::MAX;
    for _ in 0..2 {
        app.gql_as(token, "{ __typename }", json!({})).await.ok();
        let before = app.statements().await;
        app.gql_with(Some(token), language, query, variables.clone())
            .await
            .ok();
        fewest = fewest.min(app.statements().await - before);
    }
    fewest
}

/// Every file under `dir`, in its subfolders too.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
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

/// A graphql-transport-ws socket to the server at `address`, signed in
/// with `token` (if any), reading Norwegian, acknowledged.
pub async fn ws_connect(address: &str, token: Option<&str>) -> Ws {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let url = format!("{address}/graphql/ws").replace("http://", "ws://");
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

/// The next JSON message within `wait`, if one comes.
pub async fn try_next_json(socket: &mut Ws, wait: std::time::Duration) -> Option<Value> {
    loop {
        let message = tokio::time::timeout(wait, socket.next()).await.ok()??.ok()?;
        if let Message::Text(text) = message {
            return serde_json::from_str(text.as_str()).ok();
        }
    }
}

/// The next JSON message; fails the test after 10 s.
pub async fn next_json(socket: &mut Ws) -> Value {
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
