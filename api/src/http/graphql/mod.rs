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
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use futures_util::{StreamExt, TryStreamExt};

use async_graphql::http::MultipartOptions;
use async_graphql::parser::types::{DocumentOperations, OperationType};
use async_graphql::{BatchRequest, BatchResponse, Request, Response, ServerError};
use axum::Extension;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;

use super::multipart::MultipartError;
use crate::app::AppState;
use crate::auth::{Caller, token};
use crate::error::{ApiError, ErrorCode};
use crate::graphql::{RequestState, localise_errors};
use crate::l10n::LocaleChain;
use crate::server::PeerAddr;

/// Most files one upload request may carry.
const MAX_FILES: usize = 16;

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

/// A response as JSON; a request error has no `data` entry at all, as the
/// GraphQL spec says of errors raised before execution.
fn response_json(response: &Response) -> serde_json::Value {
    let mut json = serde_json::to_value(response).unwrap_or_default();
    if is_request_error(response)
        && let Some(object) = json.as_object_mut()
    {
        object.remove("data");
    }
    json
}

/// Answers one operation or a batch.
fn respond_batch(chain: &LocaleChain, body: &BatchResponse) -> axum::response::Response {
    let (json, request_error) = match body {
        BatchResponse::Single(response) => (response_json(response), is_request_error(response)),
        BatchResponse::Batch(responses) => (
            serde_json::Value::Array(responses.iter().map(response_json).collect()),
            false,
        ),
    };
    let mut response = respond(chain, StatusCode::OK, &json);
    if request_error {
        response.extensions_mut().insert(RequestError);
    }
    response
}

/// `POST /graphql`.
pub async fn graphql_post(
    State(state): State<AppState>,
    peer: Option<Extension<PeerAddr>>,
    headers: HeaderMap,
    body: Body,
) -> axum::response::Response {
    let graphql_response = wants_graphql_response(&headers);
    in_media_type(graphql_response, post(state, peer, headers, body).await)
}

async fn post(
    state: AppState,
    peer: Option<Extension<PeerAddr>>,
    headers: HeaderMap,
    body: Body,
) -> axum::response::Response {
    let chain = locale_chain(&state, &headers);
    let client_ip = client_ip(&state, peer, &headers);
    // One deadline for the whole request: reading a slowly sent body and
    // checking the token count against it as well as running the operations.
    let deadline = tokio::time::Instant::now() + state.settings.limits.request_timeout();
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    // JSON, the older `application/graphql` (the body is the query), or an
    // upload; anything else (no type, text/plain…) is 415.
    let media = content_type
        .as_deref()
        .and_then(|c| c.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase());
    if !matches!(
        media.as_deref(),
        Some("application/json" | "application/graphql" | "multipart/form-data")
    ) {
        let error = ApiError::new(ErrorCode::BadRequest, "error-content-type-missing");
        return error_response(&state, &chain, StatusCode::UNSUPPORTED_MEDIA_TYPE, error);
    }
    // Uploads (the GraphQL multipart request spec) may be as large as the
    // upload limit; everything else is held to the body limit.
    let is_multipart = content_type
        .as_deref()
        .is_some_and(|c| c.trim_start().to_ascii_lowercase().starts_with("multipart/"));
    let limits = &state.settings.limits;
    let limit = if is_multipart {
        state.settings.max_upload_bytes + limits.max_body_bytes as u64
    } else {
        limits.max_body_bytes as u64
    };
    let too_large = || ApiError::new(ErrorCode::PayloadTooLarge, "error-payload-too-large").arg("max", limit);
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit) {
        return error_response(&state, &chain, StatusCode::PAYLOAD_TOO_LARGE, too_large());
    }
    let Ok(caller) = tokio::time::timeout_at(deadline, caller_for(&state, &headers)).await else {
        return timed_out(&state, &chain);
    };
    let caller = match caller {
        Ok(caller) => caller,
        Err(error) => return error_response(&state, &chain, status_of(error.code), error),
    };
    // Only people who may upload get their upload read at all.
    if is_multipart {
        if caller.person.is_none() {
            let error = ApiError::new(ErrorCode::Unauthenticated, "error-upload-unauthenticated");
            return error_response(&state, &chain, StatusCode::UNAUTHORIZED, error);
        }
        // A READ token can never upload.
        if let Err(error) = caller.writer() {
            return error_response(&state, &chain, StatusCode::FORBIDDEN, error);
        }
    }
    // The body is read as a stream, counted on the way, so a body without
    // Content-Length (or lying about it) is cut off at the limit too.
    let exceeded = Arc::new(AtomicBool::new(false));
    let mut seen: u64 = 0;
    let flag = exceeded.clone();
    let stream = body.into_data_stream().map(move |chunk| {
        let chunk = chunk.map_err(std::io::Error::other)?;
        seen += chunk.len() as u64;
        if seen > limit {
            flag.store(true, Ordering::Relaxed);
            return Err(std::io::Error::other("request body over the limit"));
        }
        Ok(chunk)
    });
    let received = if is_multipart {
        let boundary = content_type
            .as_deref()
            .and_then(|c| multer::parse_boundary(c).ok());
        let Some(boundary) = boundary else {
            let error = bad_request("a multipart request needs a boundary");
            return error_response(&state, &chain, StatusCode::BAD_REQUEST, error);
        };
        let settings = &state.settings;
        let receive = super::multipart::receive(
            stream,
            boundary,
            settings.max_upload_bytes,
            limits.max_body_bytes,
            MAX_FILES,
            settings.upload_temp_dir.as_deref(),
        );
        match tokio::time::timeout_at(deadline, receive).await {
            Err(_) => return timed_out(&state, &chain),
            Ok(Ok(batch)) => Ok(batch),
            Ok(Err(_)) if exceeded.load(Ordering::Relaxed) => {
                return error_response(&state, &chain, StatusCode::PAYLOAD_TOO_LARGE, too_large());
            }
            Ok(Err(error)) => Err(error),
        }
    } else {
        let reader = stream.into_async_read();
        let options = MultipartOptions::default();
        match tokio::time::timeout_at(
            deadline,
            async_graphql::http::receive_batch_body(content_type, reader, options),
        )
        .await
        {
            Err(_) => return timed_out(&state, &chain),
            Ok(Ok(batch)) => Ok(batch),
            Ok(Err(_)) if exceeded.load(Ordering::Relaxed) => {
                return error_response(&state, &chain, StatusCode::PAYLOAD_TOO_LARGE, too_large());
            }
            Ok(Err(async_graphql::ParseRequestError::PayloadTooLarge)) => {
                return error_response(&state, &chain, StatusCode::PAYLOAD_TOO_LARGE, too_large());
            }
            Ok(Err(error)) => Err(MultipartError::Malformed(parse_error_detail(&error))),
        }
    };
    let batch = match received {
        Ok(batch) => batch,
        Err(MultipartError::TooLarge) => {
            return error_response(&state, &chain, StatusCode::PAYLOAD_TOO_LARGE, too_large());
        }
        Err(MultipartError::TooManyParts) => {
            let error =
                ApiError::new(ErrorCode::BadRequest, "error-upload-parts").arg("max", MAX_FILES as u64);
            return error_response(&state, &chain, StatusCode::BAD_REQUEST, error);
        }
        Err(MultipartError::Malformed(detail)) => {
            return error_response(&state, &chain, StatusCode::BAD_REQUEST, bad_request(detail));
        }
        Err(MultipartError::Buffer(error)) => {
            let error = ApiError::internal(anyhow::Error::new(error).context("buffering an upload"));
            return error_response(&state, &chain, StatusCode::INTERNAL_SERVER_ERROR, error);
        }
    };
    let (requests, is_batch) = match batch {
        BatchRequest::Single(request) => (vec![request], false),
        BatchRequest::Batch(requests) => (requests, true),
    };
    let max_batch = state.settings.limits.max_batch;
    // serde reads `[]` as a single request with every field defaulted.
    let named_by_hash = |r: &Request| r.extensions.get("persistedQuery").is_some();
    if requests.is_empty()
        || (!is_batch && requests[0].query.trim().is_empty() && !named_by_hash(&requests[0]))
    {
        return error_response(
            &state,
            &chain,
            StatusCode::BAD_REQUEST,
            bad_request("empty batch"),
        );
    }
    let max_tokens = state.settings.limits.max_query_tokens;
    // Automatic persisted queries: a hash becomes its query (or an error of
    // that operation alone) before anything else looks at the text.
    let requests: Vec<(Request, Option<ApiError>)> = requests
        .into_iter()
        .map(|mut request| {
            let unknown = state.persisted_queries.resolve(&mut request, max_tokens).err();
            (request, unknown)
        })
        .collect();
    let mut tokens = 0usize;
    for (request, _) in &requests {
        tokens = tokens.saturating_add(crate::graphql::input::count_tokens(&request.query, max_tokens));
        if tokens > max_tokens {
            return error_response(
                &state,
                &chain,
                StatusCode::OK,
                crate::graphql::input::too_many_tokens(max_tokens),
            );
        }
    }
    if requests.len() > max_batch {
        let error = ApiError::new(ErrorCode::BatchTooLarge, "error-batch-too-large")
            .arg("max", max_batch as u64)
            .arg("count", requests.len() as u64);
        return error_response(&state, &chain, StatusCode::BAD_REQUEST, error);
    }
    // Operations run one after another; each that does not finish by the
    // deadline answers TIMEOUT, while those that finished keep their results
    // (a mutation that committed must not be reported as lost).
    let mut responses = Vec::with_capacity(requests.len());
    for (request, refused) in requests {
        if let Some(error) = refused {
            responses.push(operation_error(&state, &chain, error));
            continue;
        }
        let run = execute(&state, &caller, &chain, client_ip, request);
        let response = match tokio::time::timeout_at(deadline, run).await {
            Ok(response) => response,
            Err(_) => operation_error(&state, &chain, timeout_error(&state)),
        };
        responses.push(response);
    }
    let body = if is_batch {
        BatchResponse::Batch(responses)
    } else {
        BatchResponse::Single(responses.remove(0))
    };
    respond_batch(&chain, &body)
}

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
        return super::explorer::page(&state, &headers);
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
    let name = request.operation_name.clone();
    let is_mutation = request.parsed_query().is_ok_and(|document| {
        crate::graphql::input::operation_type(&document.operations, name.as_deref())
            == Some(OperationType::Mutation)
    });
    let mut request_state = RequestState::new(state, caller.clone(), chain.clone(), client_ip);
    request_state.is_mutation = is_mutation;
    let request = request.data(request_state);
    let mut response = state.schema.execute(request).await;
    localise_errors(&mut response.errors, &state.locales.current(), chain);
    count(state, &response.errors);
    response
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
    token::authenticate(&state.db, token.trim()).await
}

/// The client's address: the TCP peer, or behind a trusted proxy the
/// address it forwards.
pub fn client_ip(state: &AppState, peer: Option<Extension<PeerAddr>>, headers: &HeaderMap) -> Option<IpAddr> {
    let peer = peer.map(|Extension(PeerAddr(addr))| addr);
    crate::server::client_ip(peer, headers, &state.settings.trusted_proxies)
}

/// What a client may read of a request-parsing error: our words for the
/// kinds we know, never the text of an I/O error.
fn parse_error_detail(error: &async_graphql::ParseRequestError) -> &'static str {
    use async_graphql::ParseRequestError as E;
    match error {
        E::InvalidRequest(_) => "the body is not a GraphQL request in JSON",
        E::InvalidFilesMap(_) => "the files map is malformed",
        E::InvalidMultipart(_) => "the multipart body is malformed",
        E::MissingOperatorsPart => "the request has no `operations` part",
        E::MissingMapPart => "the request has no `map` part",
        E::NotUpload => "a file part is not an upload",
        E::MissingFiles => "a file the map declares is missing",
        E::UnsupportedBatch => "batches are not supported here",
        _ => "the request body could not be read",
    }
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
    let mut response = respond(chain, status, &response_json(&Response::from_errors(errors)));
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
