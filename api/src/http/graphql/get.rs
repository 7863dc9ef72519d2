//! `GET /graphql`: GraphiQL for a browser, or a query (never a mutation) in
//! the URL.

use async_graphql::BatchResponse;
use async_graphql::parser::types::{DocumentOperations, OperationType};
use axum::Extension;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};

use super::{
    bad_request, caller_for, client_ip, error_response, execute, in_media_type, locale_chain, respond_batch,
    status_of, timed_out, wants_graphql_response,
};
use crate::app::AppState;
use crate::error::{ApiError, ErrorCode};
use crate::server::PeerAddr;

/// `GET /graphql`: GraphiQL for a browser, or a query (never a mutation)
/// passed in the URL, as the GraphQL-over-HTTP spec allows.
pub async fn graphql_get(
    State(state): State<AppState>,
    peer: Option<Extension<PeerAddr>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> axum::response::Response {
    let graphql_response = wants_graphql_response(&headers);
    in_media_type(graphql_response, get(state, peer, headers, query).await)
}

async fn get(
    state: AppState,
    peer: Option<Extension<PeerAddr>>,
    headers: HeaderMap,
    query: Option<String>,
) -> axum::response::Response {
    let Some(query) = query.filter(|q| !q.is_empty()) else {
        return crate::http::explorer::page(&state, &headers);
    };
    let chain = locale_chain(&state, &headers);
    let mut request = match async_graphql::http::parse_query_string(&query) {
        Ok(request) => request,
        Err(error) => {
            return error_response(
                &state,
                &chain,
                StatusCode::BAD_REQUEST,
                bad_request(&error.to_string()),
            );
        }
    };
    let max_tokens = state.settings.limits.max_query_tokens;
    if let Err(error) = state.persisted_queries.resolve(&mut request, max_tokens) {
        return error_response(&state, &chain, StatusCode::OK, error);
    }
    if crate::graphql::input::count_tokens(&request.query, max_tokens) > max_tokens {
        return error_response(
            &state,
            &chain,
            StatusCode::OK,
            crate::graphql::input::too_many_tokens(max_tokens),
        );
    }
    let operation_name = request.operation_name.clone();
    if let Ok(document) = request.parsed_query()
        && is_mutation(&document.operations, operation_name.as_deref())
    {
        let error = ApiError::new(ErrorCode::MethodNotAllowed, "error-mutation-over-get");
        let mut response = error_response(&state, &chain, StatusCode::METHOD_NOT_ALLOWED, error);
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    let caller = match caller_for(&state, &headers).await {
        Ok(caller) => caller,
        Err(error) => return error_response(&state, &chain, status_of(error.code), error),
    };
    let run = execute(
        &state,
        &caller,
        &chain,
        client_ip(&state, peer, &headers),
        request,
    );
    match tokio::time::timeout(state.settings.limits.request_timeout(), run).await {
        Ok(response) => respond_batch(&chain, &BatchResponse::Single(response)),
        Err(_) => timed_out(&state, &chain),
    }
}

fn is_mutation(operations: &DocumentOperations, name: Option<&str>) -> bool {
    match operations {
        DocumentOperations::Single(op) => op.node.ty == OperationType::Mutation,
        DocumentOperations::Multiple(ops) => match name {
            Some(name) => ops
                .iter()
                .any(|(n, op)| n.as_str() == name && op.node.ty == OperationType::Mutation),
            None => ops.values().any(|op| op.node.ty == OperationType::Mutation),
        },
    }
}
