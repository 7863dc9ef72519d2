//! `TestApp`: the real server on 127.0.0.1:0 against a fresh database, and
//! a small GraphQL client over real HTTP.
//!
//! The database is a SQLite file in a temporary folder, or, when
//! `SAMMEN_TEST_POSTGRES_URL` is set, a fresh schema in that PostgreSQL
//! database (dropped again when the test ends).
//!
//! `fixtures` holds what several test modules share (a PDF and the upload
//! mutation, people, projects and documents made through the API, …);
//! `process` runs the real program as a child process.

mod fixtures;
mod process;
mod s3;

pub use fixtures::{
    ADD_MEMBER, ADD_PARTICIPANT, PASSWORD, PDF, REMOVE_MEMBER, REMOVE_PARTICIPANT, UPLOAD, Ws,
    create_document, create_project, files_under, new_person, next_json, sign_in, statements_for,
    statements_in, try_next_json, upload_pdf, user_id, ws_connect,
};
pub use process::{Process, gql_at};
pub use s3::S3;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use sammen_api::app::App;
use sammen_api::config::ServeConfig;
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};

pub const DEMO_PASSWORD: &str = "sammen-demo";

/// The sign-in mutation, with the e-mail address as `e` and the password as `p`.
pub const LOGIN: &str = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }";

pub struct TestApp {
    pub address: String,
    /// Where `/metrics` is served (a listener of its own).
    pub metrics_address: String,
    pub client: reqwest::Client,
    /// A connection to the same database, for checks behind the API's back.
    pub db: DatabaseConnection,
    pub config: ServeConfig,
    postgres_schema: Option<(String, String)>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    _dir: tempfile::TempDir,
}

/// A GraphQL multipart request (the upload spec) with one file as
/// `variables.file`: its boundary and body.
pub fn multipart_upload(
    query: &str,
    variables: Value,
    filename: &str,
    content_type: &str,
    bytes: &[u8],
) -> (String, Vec<u8>) {
    let boundary = format!("sammen-{}", uuid::Uuid::now_v7().simple());
    let operations = json!({ "query": query, "variables": variables });
    let mut body = Vec::new();
    let mut part = |headers: String, content: &[u8]| {
        body.extend_from_slice(format!("--{boundary}\r\n{headers}\r\n\r\n").as_bytes());
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    };
    part(
        "Content-Disposition: form-data; name=\"operations\"".into(),
        operations.to_string().as_bytes(),
    );
    part(
        "Content-Disposition: form-data; name=\"map\"".into(),
        json!({ "0": ["variables.file"] }).to_string().as_bytes(),
    );
    part(
        format!(
            "Content-Disposition: form-data; name=\"0\"; filename=\"{filename}\"\r\nContent-Type: {content_type}"
        ),
        bytes,
    );
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (boundary, body)
}

/// One HTTP answer to a GraphQL request.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    /// The first error's `extensions.code`, or "" when there is none.
    pub fn code(&self) -> &str {
        self.body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or("")
    }

    pub fn message(&self) -> &str {
        self.body["errors"][0]["message"].as_str().unwrap_or("")
    }

    pub fn field(&self) -> &str {
        self.body["errors"][0]["extensions"]["field"]
            .as_str()
            .unwrap_or("")
    }

    /// Panics with the whole body unless the request succeeded without errors.
    pub fn ok(&self) -> &Value {
        assert!(
            self.status.is_success() && self.body.get("errors").is_none(),
            "expected success, got {} {}",
            self.status,
            self.body
        );
        &self.body["data"]
    }

    /// Asserts an error with `code` and no 5xx.
    pub fn expect_error(&self, code: &str) -> &Self {
        assert!(
            !self.status.is_server_error(),
            "5xx: {} {}",
            self.status,
            self.body
        );
        assert_eq!(self.code(), code, "body: {}", self.body);
        self
    }
}

impl TestApp {
    /// The app with demo data and default limits.
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// The app with demo data, after `adjust` changed the configuration.
    pub async fn spawn_with(adjust: impl FnOnce(&mut ServeConfig)) -> Self {
        sammen_api::telemetry::init_for_tests();
        let dir = tempfile::tempdir().expect("temp dir");
        let (mut config, postgres_schema) = match std::env::var("SAMMEN_TEST_POSTGRES_URL") {
            Ok(url) if !url.is_empty() => {
                let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
                (
                    ServeConfig::for_database(url.clone(), Some(schema.clone())),
                    Some((url, schema)),
                )
            }
            _ => {
                let url = format!("sqlite://{}/sammen.db?mode=rwc", dir.path().display());
                (ServeConfig::for_database(url, None), None)
            }
        };
        config.serve.demo = true;
        config.global.storage_dir = dir.path().join("files");
        // The program that extracts files' text: the server's own, never
        // this test binary (which would run the tests again).
        config.serve.search.search_extractor = Some(env!("CARGO_BIN_EXE_sammen-under-test").into());
        // No file-text worker unless a test asks for one: its rounds would
        // count in the tests that measure SQL statements.
        config.serve.search.search_extract_workers = 0;
        adjust(&mut config);
        Self::start(config, postgres_schema, dir).await
    }

    async fn start(
        config: ServeConfig,
        postgres_schema: Option<(String, String)>,
        dir: tempfile::TempDir,
    ) -> Self {
        let app = App::build(config.clone()).await.expect("the app builds");
        let address = format!("http://127.0.0.1:{}", app.port());
        let metrics_address = format!("http://127.0.0.1:{}", app.metrics_port());
        let db = app.state().db.clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(app.run_until(async move {
            let _ = stopped.await;
        }));
        Self {
            address,
            metrics_address,
            client: reqwest::Client::builder().no_proxy().build().expect("client"),
            db,
            config,
            postgres_schema,
            stop: Some(stop),
            server: Some(server),
            _dir: dir,
        }
    }

    /// A second server on the same database (the same SQLite file or
    /// PostgreSQL schema) and file storage, as a second node behind a load
    /// balancer would be. It loads no demo data of its own.
    pub async fn another_node(&self) -> TestApp {
        let mut config = self.config.clone();
        config.serve.demo = false;
        let dir = tempfile::tempdir().expect("temp dir");
        Self::start(config, None, dir).await
    }

    /// Shuts the server down as SIGTERM would, and waits until it has stopped.
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server
                .await
                .expect("the server task")
                .expect("the server stops cleanly");
        }
    }

    /// `/metrics` on the metrics listener.
    pub fn metrics_url(&self) -> String {
        format!("{}/metrics", self.metrics_address)
    }

    /// The Prometheus text of `/metrics`.
    pub async fn metrics_text(&self) -> String {
        self.client
            .get(self.metrics_url())
            .send()
            .await
            .expect("metrics")
            .text()
            .await
            .expect("metrics text")
    }

    /// SQL statements the server has run so far (`sammen_db_statements_total`).
    pub async fn statements(&self) -> u64 {
        self.metrics_text()
            .await
            .lines()
            .find_map(|line| line.strip_prefix("sammen_db_statements_total "))
            .and_then(|n| n.trim().parse::<f64>().ok())
            .expect("a statement count") as u64
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Sends a GraphQL request as `token` (if any) in `locale` (if any).
    pub async fn gql_with(
        &self,
        token: Option<&str>,
        locale: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Reply {
        self.post_json(token, locale, &json!({ "query": query, "variables": variables }))
            .await
    }

    /// Sends a GraphQL request anonymously.
    pub async fn gql(&self, query: &str, variables: Value) -> Reply {
        self.gql_with(None, None, query, variables).await
    }

    /// Sends a GraphQL request as `token`.
    pub async fn gql_as(&self, token: &str, query: &str, variables: Value) -> Reply {
        self.gql_with(Some(token), None, query, variables).await
    }

    /// Posts any JSON body to `/graphql`.
    pub async fn post_json(&self, token: Option<&str>, locale: Option<&str>, body: &Value) -> Reply {
        let mut request = self.client.post(self.url("/graphql")).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(locale) = locale {
            request = request.header("Accept-Language", locale);
        }
        Self::reply(request.send().await.expect("request sent")).await
    }

    pub async fn reply(response: reqwest::Response) -> Reply {
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body read");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Reply {
            status,
            headers,
            body,
        }
    }

    /// Sends a GraphQL multipart request (the upload spec) with one file
    /// bound to the variable `file`.
    pub async fn upload(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
        filename: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Reply {
        self.upload_with(token, None, query, variables, filename, content_type, bytes)
            .await
    }

    /// Like [`TestApp::upload`], asking for answers in `locale`.
    #[allow(
        clippy::too_many_arguments,
        reason = "a test helper mirroring the request's parts"
    )]
    pub async fn upload_with(
        &self,
        token: Option<&str>,
        locale: Option<&str>,
        query: &str,
        variables: Value,
        filename: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Reply {
        let (boundary, body) = multipart_upload(query, variables, filename, content_type, bytes);
        let mut request = self
            .client
            .post(self.url("/graphql"))
            .header(
                "Content-Type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(locale) = locale {
            request = request.header("Accept-Language", locale);
        }
        Self::reply(request.send().await.expect("request sent")).await
    }

    /// Downloads `/files/{id}` as `token`.
    pub async fn download(&self, token: Option<&str>, version_id: &str) -> reqwest::Response {
        let mut request = self.client.get(self.url(&format!("/files/{version_id}")));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request sent")
    }

    /// Creates a person in the organisation `slug` (as the admin) and signs them in.
    pub async fn member_of(&self, slug: &str, email: &str) -> String {
        let admin = self.login("admin@example.org").await;
        let org = self.organisation_id(slug).await;
        new_person(self, &admin, &org, email, email).await;
        sign_in(self, email).await
    }

    /// Signs in and returns the session token.
    pub async fn login(&self, email: &str) -> String {
        let reply = self.gql(LOGIN, json!({ "e": email, "p": DEMO_PASSWORD })).await;
        reply.ok()["login"]["token"].as_str().expect("a token").to_owned()
    }

    /// The id of the organisation with `slug`, looked up as an admin.
    pub async fn organisation_id(&self, slug: &str) -> String {
        let admin = self.login("admin@example.org").await;
        let reply = self
            .gql_as(
                &admin,
                "query($s: String!) { organisationBySlug(slug: $s) { id } }",
                json!({ "s": slug }),
            )
            .await;
        reply.ok()["organisationBySlug"]["id"]
            .as_str()
            .expect("an id")
            .to_owned()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let Some((url, schema)) = self.postgres_schema.take() else {
            return;
        };
        // Drop cannot await; a short-lived runtime on its own thread can.
        // This runtime is blocked meanwhile, so a task of the server that
        // holds a lock (a webhook claim half-way) cannot let go of it: the
        // drop waits for locks at most 2 s at a time, and the test waits
        // for it at most 3 s, after which its runtime ends (closing the
        // server's connections) and the thread finishes on its own.
        let (done, finished) = std::sync::mpsc::channel::<()>();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async move {
                use sea_orm::ConnectionTrait;
                let options = sea_orm::ConnectOptions::new(url)
                    .max_connections(1)
                    .sqlx_logging(false)
                    .to_owned();
                let db = sea_orm::Database::connect(options).await.ok()?;
                db.execute_unprepared("SET lock_timeout = '2s'").await.ok()?;
                for _ in 0..30 {
                    let dropped = db
                        .execute_unprepared(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
                        .await;
                    if dropped.is_ok() {
                        break;
                    }
                }
                db.close().await.ok()
            })?;
            done.send(()).ok()
        });
        let _ = finished.recv_timeout(std::time::Duration::from_secs(3));
    }
}
