//! Sammen: the partner collaboration and knowledge-exchange GraphQL API of a
//! national association of peer support workers and its partners.
//!
//! The binary (`main.rs`) only parses the command line and hands over to
//! [`cli::run`]; everything else lives in this library so that the
//! end-to-end tests can start the real application on a random port.

/// The projects' activity log and the bus that pushes it to subscribers.
pub mod activity;
/// `App::build` and the axum router: HTTP routes, middleware and shared state.
pub mod app;
/// Access: passwords, session and API tokens, and the one access policy.
pub mod auth;
/// The command line: `serve`, `migrate`, `seed`, `schema`, `locales`, `user`, `token`.
pub mod cli;
/// Configuration: every flag is also a `SAMMEN_*` environment variable.
pub mod config;

pub mod context;
/// Database connection and migrations.
pub mod db;
/// Adding document versions: names, streaming to storage, sniffing.
pub mod documents;
/// Parsed domain types and enumerations.
pub mod domain;
/// The one boundary error type with its stable codes.
pub mod error;

pub mod events;
/// `GET /files/{versionId}`: downloads, under the access policy.
/// The GraphQL schema, one module per domain, and its HTTP handlers.
pub mod graphql;

pub mod http;
/// Fluent bundles, locale negotiation, ICU4X formatting and `locales check`.
pub mod l10n;
/// Prometheus metrics for `/metrics`.
pub mod metrics;
/// Outbound HTTP with the SSRF guard.
pub mod net;

pub mod organisations;

pub mod people;

pub mod projects;
/// Search: text analysis shared by both engines (more to come, issue 15).
pub mod search;
/// Secrets the service must read back, sealed under the server's key.
pub mod secrets;
/// Demo data.
pub mod seed;
/// The HTTP server loop: connection limits, timeouts, graceful drain.
pub mod server;
/// File storage through `object_store`.
pub mod storage;
/// Logging through tracing.
pub mod telemetry;

pub mod training;
/// Translatable stored content from the translators' side.
pub mod translation;
/// Webhooks: endpoints, deliveries enqueued with events, the delivery worker.
pub mod webhooks;
