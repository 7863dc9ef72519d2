//! Importing a document version from a URL: the SSRF guard, redirects,
//! limits, and a successful import from a local origin server.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use sammen_entities::document_version;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;

use crate::support::{PDF, TestApp, create_document};

/// A small web server on loopback that counts every request it gets.
struct Origin {
    addr: SocketAddr,
    hits: Arc<AtomicUsize>,
}

impl Origin {
    async fn start() -> Self {
        let hits = Arc::new(AtomicUsize::new(0));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let app = Router::new()
            .route(
                "/guide.pdf",
                get(|| async { ([(header::CONTENT_TYPE, "application/pdf")], PDF) }),
            )
            .route("/big", get(|| async { vec![b'a'; 8192] }))
            .route(
                "/stream",
                get(|| async {
                    let chunks = (0..64).map(|_| Ok::<_, std::io::Error>(vec![b'b'; 128]));
                    axum::body::Body::from_stream(futures_util::stream::iter(chunks))
                }),
            )
            .route(
                "/lie",
                get(|| async {
                    (
                        [(header::CONTENT_TYPE, "application/pdf")],
                        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
                    )
                }),
            )
            .route(
                "/to-metadata",
                get(|| async { Redirect::temporary("http://169.254.169.254/latest/meta-data/") }),
            )
            .route(
                "/to-private",
                get(|| async { Redirect::temporary("http://10.0.0.1/report.pdf") }),
            )
            .route(
                "/to-numeric-loopback",
                get(|| async { Redirect::temporary("http://2130706433/") }),
            )
            .route("/loop", get(|| async { Redirect::temporary("/loop") }))
            .route(
                "/missing",
                get(|| async { StatusCode::NOT_FOUND.into_response() }),
            )
            .layer(axum::middleware::from_fn_with_state(hits.clone(), count));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { addr, hits }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

async fn count(State(hits): State<Arc<AtomicUsize>>, request: Request, next: Next) -> Response {
    hits.fetch_add(1, Ordering::SeqCst);
    next.run(request).await
}

const IMPORT: &str = r#"mutation($doc: ID!, $url: String!) {
  importDocumentVersion(documentId: $doc, url: $url, changeNote: "Imported") {
    number filename mediaType size sha256 sourceUrl downloadUrl
  }
}"#;

async fn new_document(app: &TestApp) -> (String, String) {
    let owner = app.login("coordinator@example.org").await;
    let id = create_document(app, &owner, "Imported").await;
    (owner, id)
}

#[tokio::test]
async fn private_addresses_are_refused_in_every_spelling_and_the_origin_sees_nothing() {
    let origin = Origin::start().await;
    // Plain http allowed, loopback not: what is left to stop these is the address check.
    let app = TestApp::spawn_with(|c| c.serve.import_allow_http = true).await;
    let (owner, doc) = new_document(&app).await;
    let port = origin.addr.port();
    for url in [
        format!("http://127.0.0.1:{port}/guide.pdf"),
        format!("http://2130706433:{port}/guide.pdf"),
        format!("http://0x7f.1:{port}/guide.pdf"),
        format!("http://[::ffff:127.0.0.1]:{port}/guide.pdf"),
        format!("http://localhost:{port}/guide.pdf"),
        format!("https://127.0.0.1:{port}/guide.pdf"),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "http://10.0.0.1/report.pdf".to_owned(),
        "http://[fd00::1]/report.pdf".to_owned(),
        "http://100.64.0.1/report.pdf".to_owned(),
    ] {
        let reply = app
            .gql_with(
                Some(&owner),
                Some("nb-NO"),
                IMPORT,
                json!({ "doc": doc, "url": url }),
            )
            .await;
        reply.expect_error("BAD_USER_INPUT");
        assert_eq!(reply.field(), "url", "{url}");
        assert!(
            reply
                .message()
                .starts_with("Det kan ikke importeres fra denne adressen"),
            "{url}: {}",
            reply.message()
        );
    }
    assert_eq!(origin.hits(), 0, "a refused import reached the origin");
    assert_eq!(
        document_version::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        5,
        "only the demo files"
    );
}

#[tokio::test]
async fn only_https_is_imported_by_default() {
    let app = TestApp::spawn().await;
    let (owner, doc) = new_document(&app).await;
    for url in [
        "http://example.org/report.pdf",
        "ftp://example.org/report.pdf",
        "file:///etc/passwd",
        "not a url",
    ] {
        let reply = app
            .gql_as(&owner, IMPORT, json!({ "doc": doc, "url": url }))
            .await;
        reply.expect_error("BAD_USER_INPUT");
        assert_eq!(reply.field(), "url");
    }
}

#[tokio::test]
async fn every_redirect_hop_is_checked_again() {
    let origin = Origin::start().await;
    let app = TestApp::spawn_with(|c| {
        c.serve.import_allow_http = true;
        c.serve.import_allow_loopback = true;
    })
    .await;
    let (owner, doc) = new_document(&app).await;
    for path in ["/to-metadata", "/to-private"] {
        let reply = app
            .gql_as(&owner, IMPORT, json!({ "doc": doc, "url": origin.url(path) }))
            .await;
        reply.expect_error("BAD_USER_INPUT");
        assert!(
            reply
                .message()
                .starts_with("This address cannot be imported from"),
            "{}",
            reply.message()
        );
    }
    assert_eq!(origin.hits(), 2, "only the redirecting pages were fetched");
    let looping = app
        .gql_as(&owner, IMPORT, json!({ "doc": doc, "url": origin.url("/loop") }))
        .await;
    looping.expect_error("BAD_USER_INPUT");
    assert_eq!(looping.message(), "The address redirected too many times.");
    assert_eq!(
        origin.hits(),
        2 + 4,
        "the first request and three redirects, no more"
    );
}

#[tokio::test]
async fn an_import_stores_the_file_and_records_where_it_came_from() {
    let origin = Origin::start().await;
    let app = TestApp::spawn_with(|c| {
        c.serve.import_allow_http = true;
        c.serve.import_allow_loopback = true;
    })
    .await;
    let (owner, doc) = new_document(&app).await;
    let url = origin.url("/guide.pdf");
    let reply = app
        .gql_as(&owner, IMPORT, json!({ "doc": doc, "url": url }))
        .await;
    let version = &reply.ok()["importDocumentVersion"];
    assert_eq!(version["number"], 1);
    assert_eq!(version["filename"], "guide.pdf");
    assert_eq!(version["mediaType"], "application/pdf");
    assert_eq!(version["size"], PDF.len());
    assert_eq!(version["sourceUrl"], url);
    let file = app
        .client
        .get(app.url(version["downloadUrl"].as_str().expect("url")))
        .bearer_auth(&owner)
        .send()
        .await
        .expect("sent");
    assert_eq!(file.bytes().await.expect("bytes").as_ref(), PDF);
}

#[tokio::test]
async fn large_missing_lying_or_unreachable_imports_store_nothing() {
    let origin = Origin::start().await;
    let app = TestApp::spawn_with(|c| {
        c.serve.import_allow_http = true;
        c.serve.import_allow_loopback = true;
        c.serve.max_upload_bytes = 4096;
    })
    .await;
    let (owner, doc) = new_document(&app).await;
    let before = document_version::Entity::find()
        .count(&app.db)
        .await
        .expect("count");
    for (url, code) in [
        (origin.url("/big"), "PAYLOAD_TOO_LARGE"),
        (origin.url("/stream"), "PAYLOAD_TOO_LARGE"),
        (origin.url("/missing"), "BAD_USER_INPUT"),
        (origin.url("/lie"), "BAD_USER_INPUT"),
        (
            "http://127.0.0.1:1/nothing-listens-here".to_owned(),
            "BAD_USER_INPUT",
        ),
    ] {
        let reply = app
            .gql_as(&owner, IMPORT, json!({ "doc": doc, "url": url }))
            .await;
        reply.expect_error(code);
    }
    assert_eq!(
        document_version::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        before
    );
}
