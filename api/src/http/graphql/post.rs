//! `POST /graphql`: JSON, `application/graphql` and multipart upload bodies,
//! read as a counted stream under the body limit, batched operations under
//! one deadline.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use futures_util::{StreamExt, TryStreamExt};

use async_graphql::http::MultipartOptions;
use async_graphql::{BatchRequest, BatchResponse, Request};
use axum::Extension;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};

use super::{
    bad_request, caller_for, client_ip, error_response, execute, in_media_type, locale_chain,
    operation_error, respond_batch, status_of, timed_out, timeout_error, wants_graphql_response,
};
use crate::app::AppState;
use crate::error::{ApiError, ErrorCode};
use crate::http::multipart::MultipartError;
use crate::server::PeerAddr;

/// Most files one upload request may carry.
const MAX_FILES: usize = 16;

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
        let receive = crate::http::multipart::receive(
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
