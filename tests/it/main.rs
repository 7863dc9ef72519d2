//! End-to-end tests: each starts the real server on 127.0.0.1:0 against a
//! fresh database (SQLite, or PostgreSQL when `SAMMEN_TEST_POSTGRES_URL` is
//! set) and talks HTTP to it.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a test fails loudly where it stands"
)]

mod auth;
mod documents;
mod events;
mod hardening;
mod imports;
mod l10n;
mod limits;
mod nodes;
mod organisations;
mod people;
mod platform;
mod projects;
mod races;
mod search;
mod support;
mod tools;
mod training;
mod translators;
mod webhooks;
