//! The HTTP side: the GraphQL endpoint over POST and GET (media types,
//! multipart uploads, persisted queries, the explorer page), WebSockets,
//! file downloads and JSON-LD, and the pieces every route shares (the
//! caller, the locale chain, the client's address, the one error response).

pub mod apq;
pub mod explorer;
pub mod files;
pub mod graphql;
pub mod jsonld;
pub mod multipart;
pub mod ws;

pub use graphql::{caller_for, client_ip, error_response, locale_chain};

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::app::AppState;
use crate::metrics::{RequestLabels, RouteLabels};

/// Middleware recording every request.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    // Only standard methods become label values, so made-up ones cannot grow the series.
    let method = match request.method().as_str() {
        m @ ("GET" | "POST" | "HEAD" | "OPTIONS" | "PUT" | "DELETE" | "PATCH") => m.to_owned(),
        _ => "OTHER".to_owned(),
    };
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    let metrics = &state.metrics;
    metrics
        .requests
        .get_or_create(&RequestLabels {
            method,
            route: route.clone(),
            status: response.status().as_u16(),
        })
        .inc();
    metrics
        .latency
        .get_or_create(&RouteLabels { route })
        .observe(started.elapsed().as_secs_f64());
    response
}
