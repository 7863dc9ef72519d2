//! Webhooks: partners' endpoints, and deliveries that lose nothing and leak
//! nothing. A `Receiver` on loopback stands in for a partner's system; each
//! delivery it gets is checked against the Standard Webhooks signature
//! rules, implemented here from the specification (CI also verifies
//! deliveries with the reference implementation, `.ci/webhooks_reference.py`).

mod access;
mod api;
mod burst;
mod delivery;
mod nodes;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::IntoResponse;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::support::TestApp;

pub const CREATE: &str = "mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret endpoint { id version eventTypes } } }";

/// One request the receiver got.
#[derive(Clone, Debug)]
pub struct Received {
    pub path: String,
    pub id: String,
    pub timestamp: String,
    pub signature: String,
    pub body: Vec<u8>,
    pub json: Value,
}

/// A partner's system on loopback. What it answers depends on the path:
/// `/ok` 204; `/flaky` 500 to the first attempt of each message, then 204;
/// `/busy` 429 with `Retry-After: 2` first, then 204; `/bad` 400; `/gone`
/// 410; `/moved` 302; `/slow` 204 after 300 ms; `/stuck` 204 after 4 s.
#[derive(Clone)]
pub struct Receiver {
    pub base: String,
    log: Arc<Mutex<Vec<Received>>>,
    in_flight: Arc<AtomicUsize>,
    most_in_flight: Arc<AtomicUsize>,
}

impl Receiver {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://127.0.0.1:{}", listener.local_addr().expect("addr").port());
        let receiver = Self {
            base,
            log: Arc::default(),
            in_flight: Arc::default(),
            most_in_flight: Arc::default(),
        };
        let state = receiver.clone();
        let router = Router::new().fallback(move |uri: Uri, headers: HeaderMap, body: Bytes| {
            let state = state.clone();
            async move { state.answer(uri, headers, body).await }
        });
        tokio::spawn(async move { axum::serve(listener, router).await.expect("receiver") });
        receiver
    }

    async fn answer(&self, uri: Uri, headers: HeaderMap, body: Bytes) -> axum::response::Response {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.most_in_flight.fetch_max(now, Ordering::SeqCst);
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        let received = Received {
            path: uri.path().to_owned(),
            id: header("webhook-id"),
            timestamp: header("webhook-timestamp"),
            signature: header("webhook-signature"),
            json: serde_json::from_slice(&body).unwrap_or(Value::Null),
            body: body.to_vec(),
        };
        let seen_before = {
            let mut log = self.log.lock().expect("log");
            let seen = log.iter().any(|r| r.id == received.id);
            log.push(received);
            seen
        };
        let response = match uri.path() {
            "/ok" => StatusCode::NO_CONTENT.into_response(),
            "/flaky" if !seen_before => (StatusCode::INTERNAL_SERVER_ERROR, "try later").into_response(),
            "/flaky" => StatusCode::NO_CONTENT.into_response(),
            "/busy" if !seen_before => {
                (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "2")], "slow down").into_response()
            }
            "/busy" => StatusCode::NO_CONTENT.into_response(),
            "/bad" => (StatusCode::BAD_REQUEST, "no thanks").into_response(),
            "/gone" => (StatusCode::GONE, "gone").into_response(),
            "/moved" => (StatusCode::FOUND, [("location", "http://127.0.0.1:9/elsewhere")]).into_response(),
            "/slow" => {
                tokio::time::sleep(Duration::from_millis(300)).await;
                StatusCode::NO_CONTENT.into_response()
            }
            "/stuck" => {
                tokio::time::sleep(Duration::from_secs(4)).await;
                StatusCode::NO_CONTENT.into_response()
            }
            _ => StatusCode::NOT_FOUND.into_response(),
        };
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        response
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Everything received so far, in order of arrival.
    pub fn received(&self) -> Vec<Received> {
        self.log.lock().expect("log").clone()
    }

    /// What arrived at `path`.
    pub fn at(&self, path: &str) -> Vec<Received> {
        self.received().into_iter().filter(|r| r.path == path).collect()
    }

    /// The most requests it was answering at once.
    pub fn most_in_flight(&self) -> usize {
        self.most_in_flight.load(Ordering::SeqCst)
    }

    /// Waits (up to `secs`) until `enough` holds of what arrived at `path`.
    pub async fn wait_for(
        &self,
        path: &str,
        secs: u64,
        enough: impl Fn(&[Received]) -> bool,
    ) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        loop {
            let got = self.at(path);
            if enough(&got) {
                return got;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "waited {secs} s at {path}; got {} requests: {:?}",
                got.len(),
                got.iter().map(|r| r.json["type"].clone()).collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Whether `received` carries a valid signature by `secret`, as the
/// specification says: HMAC-SHA256 over `id.timestamp.body`, keyed with the
/// base64-decoded secret after `whsec_`, any of the space-separated `v1,`
/// signatures matching.
pub fn verify(secret: &str, received: &Received) -> bool {
    verify_body(secret, received, &received.body)
}

pub fn verify_body(secret: &str, received: &Received, body: &[u8]) -> bool {
    let Some(key) = secret
        .strip_prefix("whsec_")
        .and_then(|k| STANDARD.decode(k).ok())
    else {
        return false;
    };
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key);
    let mut signed = format!("{}.{}.", received.id, received.timestamp).into_bytes();
    signed.extend_from_slice(body);
    received.signature.split(' ').any(|candidate| {
        candidate
            .strip_prefix("v1,")
            .and_then(|s| STANDARD.decode(s).ok())
            .is_some_and(|tag| ring::hmac::verify(&key, &signed, &tag).is_ok())
    })
}

/// The app with demo data, webhooks allowed to loopback, and quick retries
/// (immediately, then after 1 s and 1 s).
pub async fn spawn() -> TestApp {
    TestApp::spawn_with(configure).await
}

pub fn configure(c: &mut sammen_api::config::ServeConfig) {
    c.serve.webhooks.webhook_allow_loopback = true;
    c.serve.webhooks.webhook_retry_delays_secs = vec![0, 1, 1];
    c.serve.webhooks.webhook_timeout_secs = 2;
}

/// Creates an endpoint at `url` for `types` as `token`; its id and secret.
pub async fn endpoint(app: &TestApp, token: &str, url: &str, types: &[&str]) -> (String, String) {
    let reply = app
        .gql_as(token, CREATE, json!({ "i": { "url": url, "eventTypes": types } }))
        .await;
    let data = &reply.ok()["createWebhookEndpoint"];
    (
        data["endpoint"]["id"].as_str().expect("id").to_owned(),
        data["secret"].as_str().expect("secret").to_owned(),
    )
}

/// An endpoint for organisation `organisation`, made by the network admin.
pub async fn endpoint_for(
    app: &TestApp,
    admin: &str,
    organisation: &str,
    url: &str,
    types: &[&str],
) -> (String, String) {
    let reply = app
        .gql_as(
            admin,
            CREATE,
            json!({ "i": { "url": url, "eventTypes": types, "organisationId": organisation } }),
        )
        .await;
    let data = &reply.ok()["createWebhookEndpoint"];
    (
        data["endpoint"]["id"].as_str().expect("id").to_owned(),
        data["secret"].as_str().expect("secret").to_owned(),
    )
}

/// The deliveries of an endpoint as `token` sees them, newest first.
pub async fn deliveries(app: &TestApp, token: &str, endpoint: &str) -> Vec<Value> {
    let reply = app
        .gql_as(
            token,
            "query($id: ID!) { webhookEndpoint(id: $id) { deliveries(first: 100) { nodes { id eventType subjectId status attempts lastStatusCode lastError responseExcerpt nextAttemptAt } } } }",
            json!({ "id": endpoint }),
        )
        .await;
    reply.ok()["webhookEndpoint"]["deliveries"]["nodes"]
        .as_array()
        .expect("nodes")
        .clone()
}

/// Waits until no delivery of the endpoint is PENDING (as a network admin,
/// who sees every delivery, sees it); returns them as `token` sees them.
pub async fn settled(app: &TestApp, token: &str, endpoint: &str, secs: u64) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    let admin = app.login("admin@example.org").await;
    loop {
        let all = deliveries(app, &admin, endpoint).await;
        if !all.is_empty() && !all.iter().any(|d| d["status"] == "PENDING") {
            return deliveries(app, token, endpoint).await;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "still pending after {secs} s: {all:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Changes a document's title as `token` (any version): the next version.
pub async fn retitle(app: &TestApp, token: &str, document: &str, title: &str) -> i64 {
    let current = app
        .gql_as(
            token,
            "query($id: ID!) { document(id: $id) { version } }",
            json!({ "id": document }),
        )
        .await;
    let version = current.ok()["document"]["version"].as_i64().expect("version");
    let reply = app
        .gql_as(
            token,
            "mutation($i: UpdateDocumentInput!) { updateDocument(input: $i) { version } }",
            json!({ "i": { "id": document, "expectedVersion": version, "title": title } }),
        )
        .await;
    reply.ok()["updateDocument"]["version"].as_i64().expect("version")
}
