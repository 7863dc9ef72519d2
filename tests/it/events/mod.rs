//! The event log: every mutation that changes something records what
//! changed in its own transaction (and never a secret), a refused change
//! records nothing, a project's activity log is a reading of its events,
//! and old events are pruned.
//!
//! Shared here: the `Log` that follows the event table through the
//! scripted run of every mutation, and helpers for ids and counts.

mod demo;
mod every_mutation;
mod project_activity;
mod pruning;
mod refusals;

use std::collections::BTreeSet;

use axum::Router;
use axum::http::header;
use axum::routing::get;
use sammen_entities::event;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::{PDF, Reply, TestApp, user_id};

/// The password of the person `createUser` makes in the scripted run.
const NEW_PASSWORD: &str = "events-long-enough-pw";

/// Follows the event table through a scripted run of mutations.
struct Log {
    /// The newest event seen so far (ids are UUIDv7: their order is the events').
    last: Option<Uuid>,
    /// Mutations that succeeded and recorded the event expected of them.
    covered: BTreeSet<String>,
}

impl Log {
    async fn start(app: &TestApp) -> Self {
        let mut log = Self {
            last: None,
            covered: BTreeSet::new(),
        };
        log.new_events(app).await;
        log
    }

    /// The events written since the last call, oldest first.
    async fn new_events(&mut self, app: &TestApp) -> Vec<event::Model> {
        let mut query = event::Entity::find().order_by_asc(event::Column::Id);
        if let Some(last) = self.last {
            query = query.filter(event::Column::Id.gt(last));
        }
        let rows = query.all(&app.db).await.expect("events");
        if let Some(newest) = rows.last() {
            self.last = Some(newest.id);
        }
        rows
    }

    /// Sends `request` (one call of `mutation`; a future does nothing until
    /// awaited, so nothing runs before this step begins), asserts that it
    /// succeeded and recorded at least one `kind` event, and counts the
    /// mutation as covered. Returns the mutation's data and those events.
    async fn step(
        &mut self,
        app: &TestApp,
        mutation: &str,
        kind: &str,
        request: impl Future<Output = Reply>,
    ) -> (Value, Vec<event::Model>) {
        // Whatever came before (helpers' sign-ins, set-up) is not this step's.
        self.new_events(app).await;
        let reply = request.await;
        assert!(
            reply.status.is_success() && reply.body.get("errors").is_none(),
            "{mutation} failed: {} {}",
            reply.status,
            reply.body
        );
        let data = reply.ok()[mutation].clone();
        assert!(!data.is_null(), "no {mutation} in {}", reply.body);
        let written = self.new_events(app).await;
        let matching: Vec<event::Model> = written.iter().filter(|e| e.kind == kind).cloned().collect();
        assert!(
            !matching.is_empty(),
            "{mutation} recorded no {kind} event; it recorded {:?}",
            written.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>()
        );
        self.covered.insert(mutation.to_owned());
        (data, matching)
    }
}

fn uuid(value: &Value) -> Uuid {
    Uuid::parse_str(value.as_str().expect("an id")).expect("a UUID")
}

async fn my_id(app: &TestApp, token: &str) -> Uuid {
    Uuid::parse_str(&user_id(app, token).await).expect("a UUID")
}

/// Asserts that one of a step's events is about `subject` and was made by `actor`.
fn assert_about(events: &[event::Model], subject: Uuid, actor: Uuid) {
    assert!(
        events
            .iter()
            .any(|e| e.subject_id == subject && e.actor_id == Some(actor)),
        "no event about {subject} by {actor}: {events:?}"
    );
}

async fn event_count(app: &TestApp) -> u64 {
    event::Entity::find().count(&app.db).await.expect("count")
}

/// A web server on loopback serving one PDF, for `importDocumentVersion`
/// (as in `imports.rs`); returns the file's address.
async fn origin() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let app = Router::new().route(
        "/guide.pdf",
        get(|| async { ([(header::CONTENT_TYPE, "application/pdf")], PDF) }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/guide.pdf")
}

/// The names of every mutation in the schema, by introspection.
async fn schema_mutations(app: &TestApp) -> BTreeSet<String> {
    let introspected = app
        .gql("{ __schema { mutationType { fields { name } } } }", json!({}))
        .await;
    let mutations: BTreeSet<String> = introspected.ok()["__schema"]["mutationType"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["name"].as_str().expect("name").to_owned())
        .collect();
    assert!(mutations.contains("login"), "{mutations:?}");
    mutations
}

/// Asserts that no event holds a secret: not a password, none of
/// `secrets`, and no token's hash.
async fn assert_no_secrets(app: &TestApp, secrets: &[String]) {
    let everything = event::Entity::find().all(&app.db).await.expect("events");
    assert!(!everything.is_empty());
    for row in &everything {
        let text = format!("{row:?} {}", row.payload);
        assert!(
            !text.contains("$argon2"),
            "an event holds a password hash: {text}"
        );
        for secret in secrets {
            assert!(!text.contains(secret.as_str()), "an event holds a secret: {text}");
            let hash = sammen_api::auth::token::digest(secret);
            assert!(!text.contains(&hash), "an event holds a token's hash: {text}");
        }
    }
}
