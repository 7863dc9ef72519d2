//! `GET /files/{versionId}`: streams a document version to a caller who may
//! read the document (bearer token, or anonymous for PUBLIC). Everyone else,
//! and every id that does not exist, gets the same 404.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sammen_entities::document_version;
use sea_orm::{EntityTrait, QueryFilter, QuerySelect, RelationTrait};
use uuid::Uuid;

use super::{caller_for, error_response, locale_chain};
use crate::app::AppState;
use crate::auth::policy;
use crate::error::ApiError;

pub async fn download(
    State(state): State<AppState>,
    Path(version_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let chain = locale_chain(&state, &headers);
    let not_found = || error_response(&state, &chain, StatusCode::NOT_FOUND, ApiError::not_found());
    let caller = match caller_for(&state, &headers).await {
        Ok(caller) => caller,
        Err(error) => return error_response(&state, &chain, StatusCode::UNAUTHORIZED, error),
    };
    let Ok(id) = Uuid::parse_str(&version_id) else {
        return not_found();
    };
    let found = document_version::Entity::find_by_id(id)
        .join(
            sea_orm::JoinType::InnerJoin,
            document_version::Relation::Document.def(),
        )
        .filter(policy::document_read(&caller))
        .one(&state.db)
        .await;
    let version = match found {
        Ok(Some(version)) => version,
        Ok(None) => return not_found(),
        Err(error) => {
            let status = StatusCode::INTERNAL_SERVER_ERROR;
            return error_response(&state, &chain, status, ApiError::internal(error));
        }
    };
    let etag = format!("\"{}\"", version.sha256);
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if matches {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let stream = match state.storage.read(&version.storage_key).await {
        Ok(stream) => stream,
        Err(error) => {
            let status = StatusCode::INTERNAL_SERVER_ERROR;
            return error_response(&state, &chain, status, ApiError::internal(error));
        }
    };
    let mut response = Body::from_stream(stream).into_response();
    let h = response.headers_mut();
    let text = |s: &str| {
        HeaderValue::from_str(s).unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"))
    };
    h.insert(header::CONTENT_TYPE, text(&version.media_type));
    h.insert(
        header::CONTENT_LENGTH,
        HeaderValue::from(version.size.max(0) as u64),
    );
    h.insert(header::ETAG, text(&etag));
    if let Ok(v) = HeaderValue::from_str(&content_disposition(&version.filename)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    // The file is someone's upload: never let a browser run it as our page.
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=0, must-revalidate"),
    );
    h.insert(header::VARY, HeaderValue::from_static("Authorization"));
    response
}

/// `attachment` with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987).
fn content_disposition(filename: &str) -> String {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in filename.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn content_disposition_has_an_ascii_fallback_and_the_utf8_name() {
        assert_eq!(
            super::content_disposition("Rapport ø.pdf"),
            "attachment; filename=\"Rapport _.pdf\"; filename*=UTF-8''Rapport%20%C3%B8.pdf"
        );
    }
}
