//! The HTTP side of GraphQL: `POST /graphql` (JSON, batches and multipart
//! uploads) and `GET /graphql` (GraphiQL, or a query in the URL).
//!
//! The stock async-graphql-axum extractor reads the raw body stream, so
//! axum's default body limit would not apply. This handler reads the body
//! itself with an explicit limit, counts batched operations, runs the whole
//! request under a timeout, refuses mutations over GET, and localises every
//! error before the response leaves.

use std::any::Any;
use std::net::IpAddr;

use async_graphql::parser::types::OperationType;
use async_graphql::{BatchResponse, Request, Response, ServerError};
use axum::Extension;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;

use crate::app::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorCode};
use crate::graphql::{RequestState, localise_errors};
use crate::l10n::LocaleChain;
use crate::server::PeerAddr;

mod get;
mod post;

pub use get::graphql_get;
pub use post::graphql_post;

/// The media type of GraphQL-over-HTTP responses, for clients that ask for it.
const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json; charset=utf-8";

/// Marks a response that answers a request error (nothing was executed).
#[derive(Clone, Copy)]
struct RequestError;

/// Whether the client accepts `application/graphql-response+json`.
fn wants_graphql_response(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|media| {
            let mut parts = media.split(';');
            let name = parts.next().unwrap_or_default().trim();
            let refused = parts.any(|p| p.trim().replace(' ', "") == "q=0");
            name.eq_ignore_ascii_case("application/graphql-response+json") && !refused
        })
}

/// Answers in the media type the client asked for. With
/// `application/graphql-response+json` a request error (a document that does
/// not parse or validate, variables that do not coerce, a limit) is HTTP
/// 400, as the GraphQL-over-HTTP spec says; with `application/json` every
/// GraphQL answer stays 200, as older clients expect.
fn in_media_type(graphql_response: bool, mut response: axum::response::Response) -> axum::response::Response {
    if graphql_response {
        if response.extensions().get::<RequestError>().is_some() && response.status() == StatusCode::OK {
            *response.status_mut() = StatusCode::BAD_REQUEST;
        }
        let json = response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
        if json {
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(GRAPHQL_RESPONSE_JSON),
            );
        }
    }
    response
}

/// Whether nothing was executed: no data, and only errors without a path.
fn is_request_error(response: &Response) -> bool {
    response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty())
}

/// A response as the client gets it: an executed one serialised straight
/// from async-graphql's value (no intermediate JSON tree); a request error
/// without a `data` entry at all, as the GraphQL spec says of errors raised
/// before execution.
#[derive(serde::Serialize)]
#[serde(untagged)]
enum Answer<'a> {
    Executed(&'a Response),
    Refused(serde_json::Value),
}

fn answer(response: &Response) -> Answer<'_> {
    if !is_request_error(response) {
        return Answer::Executed(response);
    }
    let mut json = serde_json::to_value(response).unwrap_or_default();
    if let Some(object) = json.as_object_mut() {
        object.remove("data");
    }
    Answer::Refused(json)
}

/// Answers one operation or a batch.
fn respond_batch(chain: &LocaleChain, body: &BatchResponse) -> axum::response::Response {
    let mut response = match body {
        BatchResponse::Single(single) => respond(chain, StatusCode::OK, &answer(single)),
        BatchResponse::Batch(responses) => respond(
            chain,
            StatusCode::OK,
            &responses.iter().map(answer).collect::<Vec<_>>(),
        ),
    };
    if let BatchResponse::Single(single) = body
        && is_request_error(single)
    {
        response.extensions_mut().insert(RequestError);
    }
    response
}

/// Runs one operation and localises its errors.
async fn execute(
    state: &AppState,
    caller: &Caller,
    chain: &LocaleChain,
    client_ip: Option<IpAddr>,
    mut request: Request,
) -> Response {
    if let Err(error) = request.parsed_query() {
        let mut errors = vec![crate::graphql::parse_failed(&error)];
        localise_errors(&mut errors, &state.locales.current(), chain);
        count(state, &errors);
        return Response::from_errors(errors);
    }
    let settings = &state.settings;
    let checked = crate::graphql::input::refuse_control_characters(&mut request).and_then(|()| {
        crate::graphql::input::refuse_before_validation(
            &mut request,
            &settings.limits,
            settings.introspection,
        )
    });
    if let Err(error) = checked {
        return operation_error(state, chain, error);
    }
    let name = request.operation_name.clone();
    let is_mutation = request.parsed_query().is_ok_and(|document| {
        crate::graphql::input::operation_type(&document.operations, name.as_deref())
            == Some(OperationType::Mutation)
    });
    let mut request_state = RequestState::new(state, caller.clone(), chain.clone(), client_ip);
    if is_mutation {
        request_state.set_writing(true);
    }
    let request = request.data(request_state);
    let mut response = state.schema.execute(request).await;
    localise_errors(&mut response.errors, &state.locales.current(), chain);
    count(state, &response.errors);
    response
}

/// The caller from `Authorization: Bearer …`; anonymous without the header.
pub async fn caller_for(state: &AppState, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(Caller::anonymous());
    };
    let invalid = || ApiError::new(ErrorCode::Unauthenticated, "error-token-invalid");
    let value = value.to_str().map_err(|_| invalid())?;
    let (scheme, token) = value.split_once(' ').ok_or_else(invalid)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(invalid());
    }
    state
        .callers
        .authenticate(&state.db, &state.events, token.trim())
        .await
}

/// The client's address: the TCP peer, or behind a trusted proxy the
/// address it forwards.
pub fn client_ip(state: &AppState, peer: Option<Extension<PeerAddr>>, headers: &HeaderMap) -> Option<IpAddr> {
    let peer = peer.map(|Extension(PeerAddr(addr))| addr);
    crate::server::client_ip(peer, headers, &state.settings.trusted_proxies)
}

/// The locale chain of a request, from `Accept-Language`.
pub fn locale_chain(state: &AppState, headers: &HeaderMap) -> LocaleChain {
    let header = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    let localizer = state.locales.current();
    LocaleChain::from_accept_language(
        header,
        localizer.available(),
        &state.settings.content_locales(&localizer),
    )
}

fn bad_request(detail: &str) -> ApiError {
    ApiError::new(ErrorCode::BadRequest, "error-bad-request").arg("detail", detail.to_owned())
}

fn timeout_error(state: &AppState) -> ApiError {
    let seconds = state.settings.limits.request_timeout_secs;
    ApiError::new(ErrorCode::Timeout, "error-timeout").arg("seconds", seconds)
}

/// A whole request that ran out of time before any operation ran.
fn timed_out(state: &AppState, chain: &LocaleChain) -> axum::response::Response {
    error_response(state, chain, StatusCode::OK, timeout_error(state))
}

/// One operation of a batch refused before it ran, or out of time.
fn operation_error(state: &AppState, chain: &LocaleChain, error: ApiError) -> Response {
    let mut errors = vec![error.into_server_error()];
    localise_errors(&mut errors, &state.locales.current(), chain);
    count(state, &errors);
    Response::from_errors(errors)
}

fn status_of(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    }
}

/// A response carrying one error and no data.
pub fn error_response(
    state: &AppState,
    chain: &LocaleChain,
    status: StatusCode,
    error: ApiError,
) -> axum::response::Response {
    let mut errors = vec![error.into_server_error()];
    localise_errors(&mut errors, &state.locales.current(), chain);
    count(state, &errors);
    let mut response = respond(chain, status, &answer(&Response::from_errors(errors)));
    response.extensions_mut().insert(RequestError);
    response
}

fn count(state: &AppState, errors: &[ServerError]) {
    for error in errors {
        let code = error.extensions.as_ref().and_then(|e| e.get("code")).map_or_else(
            || "UNKNOWN".to_owned(),
            |c| c.to_string().trim_matches('"').to_owned(),
        );
        state.metrics.count_error(&code);
    }
}

/// Serialises a GraphQL response with the headers every answer carries.
fn respond(
    chain: &LocaleChain,
    status: StatusCode,
    body: &impl serde::Serialize,
) -> axum::response::Response {
    let json = match serde_json::to_vec(body) {
        Ok(json) => json,
        Err(error) => {
            tracing::error!(%error, "serialising a response failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let language = HeaderValue::from_str(&chain.primary().to_string())
        .unwrap_or_else(|_| HeaderValue::from_static("en-US"));
    (
        status,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/json")),
            (header::CONTENT_LANGUAGE, language),
            (
                header::VARY,
                HeaderValue::from_static("Accept, Accept-Language, Authorization"),
            ),
        ],
        json,
    )
        .into_response()
}

/// What a panic becomes: INTERNAL with a reference id, nothing else.
pub fn panic_response(panic: Box<dyn Any + Send + 'static>) -> axum::response::Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    let reference = uuid::Uuid::now_v7().to_string();
    tracing::error!(%reference, %detail, "a request panicked");
    let body = serde_json::json!({
        "errors": [{
            "message": format!("Internal error (reference {reference})."),
            "extensions": { "code": "INTERNAL", "reference": reference },
        }]
    });
    (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response()
}
