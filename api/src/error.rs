//! The one boundary error type. An [`ApiError`] carries a stable code for
//! machines (`extensions.code`), a Fluent message id with arguments for
//! people, an optional input field, and an internal cause that is logged and
//! never shown.
//!
//! Resolvers return `Result<T, ApiError>`; the conversion to
//! `async_graphql::Error` stores the message id and arguments in private
//! extensions, and [`crate::graphql::finish_response`] replaces them with the
//! message in the caller's language once the locale chain is known.

use std::fmt;
use std::sync::Arc;

use async_graphql::ErrorExtensions;
use serde_json::{Map, Value};

/// Private extension keys, removed before a response leaves the server.
pub(crate) const EXT_MESSAGE_ID: &str = "x-sammen-message";
pub(crate) const EXT_ARGS: &str = "x-sammen-args";

/// Stable error codes, as sent in `extensions.code`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    BadUserInput,
    Unauthenticated,
    Forbidden,
    NotFound,
    Conflict,
    PayloadTooLarge,
    RateLimited,
    Internal,
    /// The HTTP request itself is malformed (not JSON, not a GraphQL request).
    BadRequest,
    /// More operations in one batch than allowed.
    BatchTooLarge,
    /// The request ran longer than the configured timeout.
    Timeout,
    /// A mutation sent with GET.
    MethodNotAllowed,
    /// The query is not valid GraphQL syntax.
    GraphqlParseFailed,
    /// The operation costs more than allowed (complexity or SQL statements).
    QueryTooComplex,
    /// Data fields nest deeper than allowed.
    QueryTooDeep,
    /// The document is valid GraphQL but not acceptable here.
    GraphqlValidationFailed,
    /// An automatic persisted query's hash the server does not know (yet).
    PersistedQueryNotFound,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadUserInput => "BAD_USER_INPUT",
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::NotFound => "NOT_FOUND",
            Self::Conflict => "CONFLICT",
            Self::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            Self::RateLimited => "RATE_LIMITED",
            Self::Internal => "INTERNAL",
            Self::BadRequest => "BAD_REQUEST",
            Self::BatchTooLarge => "BATCH_TOO_LARGE",
            Self::Timeout => "TIMEOUT",
            Self::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            Self::GraphqlParseFailed => "GRAPHQL_PARSE_FAILED",
            Self::QueryTooComplex => "QUERY_TOO_COMPLEX",
            Self::QueryTooDeep => "QUERY_TOO_DEEP",
            Self::GraphqlValidationFailed => "GRAPHQL_VALIDATION_FAILED",
            Self::PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND",
        }
    }
}

/// An error that reaches a client.
///
/// It deliberately does not implement `Display`: async-graphql converts any
/// `Display` type into an error by its text, which would lose the code.
#[derive(Clone)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message_id: &'static str,
    pub args: Vec<(&'static str, Value)>,
    pub field: Option<String>,
    pub extra: Vec<(&'static str, Value)>,
    cause: Option<Arc<anyhow::Error>>,
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("code", &self.code.as_str())
            .field("message_id", &self.message_id)
            .field("field", &self.field)
            .field("cause", &self.cause)
            .finish()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(code: ErrorCode, message_id: &'static str) -> Self {
        Self {
            code,
            message_id,
            args: Vec::new(),
            field: None,
            extra: Vec::new(),
            cause: None,
        }
    }

    /// Bad input in `field` (the GraphQL input field name, e.g. `country`).
    pub fn invalid(field: impl Into<String>, message_id: &'static str) -> Self {
        let field = field.into();
        Self::new(ErrorCode::BadUserInput, message_id)
            .arg("field", field.clone())
            .with_field(field)
    }

    pub fn unauthenticated() -> Self {
        Self::new(ErrorCode::Unauthenticated, "error-unauthenticated")
    }

    pub fn forbidden() -> Self {
        Self::new(ErrorCode::Forbidden, "error-forbidden")
    }

    pub fn not_found() -> Self {
        Self::new(ErrorCode::NotFound, "error-not-found")
    }

    /// Optimistic concurrency failure: the row is at `current` now.
    pub fn stale_version(expected: i32, current: i32) -> Self {
        Self::new(ErrorCode::Conflict, "error-stale-version")
            .arg("expected", expected)
            .arg("current", current)
            .with_field("expectedVersion")
            .extra("currentVersion", current)
    }

    /// An unexpected failure; `cause` is logged under a reference id.
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        let mut e = Self::new(ErrorCode::Internal, "error-internal");
        e.cause = Some(Arc::new(cause.into()));
        e
    }

    pub fn arg(mut self, name: &'static str, value: impl Into<Value>) -> Self {
        self.args.push((name, value.into()));
        self
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn extra(mut self, name: &'static str, value: impl Into<Value>) -> Self {
        self.extra.push((name, value.into()));
        self
    }

    /// Turns the error into a GraphQL error whose message is still an id.
    /// Internal errors are logged here, with a reference id the client sees.
    pub fn into_graphql(self) -> async_graphql::Error {
        let mut error = async_graphql::Error::new(self.message_id);
        let mut args = Map::new();
        for (k, v) in &self.args {
            args.insert((*k).to_owned(), v.clone());
        }
        if self.code == ErrorCode::Internal {
            let reference = uuid::Uuid::now_v7().to_string();
            tracing::error!(reference = %reference, cause = ?self.cause, "internal error");
            args.insert("reference".into(), Value::String(reference.clone()));
            error = error.extend_with(|_, e| e.set("reference", reference.clone()));
        }
        let code = self.code.as_str();
        let message_id = self.message_id;
        error.extend_with(|_, e| {
            e.set("code", code);
            e.set(EXT_MESSAGE_ID, message_id);
            if let Ok(v) = async_graphql::Value::from_json(Value::Object(args.clone())) {
                e.set(EXT_ARGS, v);
            }
            if let Some(field) = &self.field {
                e.set("field", field.as_str());
            }
            for (k, v) in &self.extra {
                if let Ok(v) = async_graphql::Value::from_json(v.clone()) {
                    e.set(*k, v);
                }
            }
        })
    }
}

impl ApiError {
    /// The error as a response-level GraphQL error (no path, no location),
    /// for failures before or outside execution.
    pub fn into_server_error(self) -> async_graphql::ServerError {
        let error = self.into_graphql();
        let mut server = async_graphql::ServerError::new(error.message, None);
        server.extensions = error.extensions;
        server
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(e: ApiError) -> Self {
        e.into_graphql()
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::internal(e)
    }
}

impl From<sea_orm::TransactionError<ApiError>> for ApiError {
    fn from(e: sea_orm::TransactionError<ApiError>) -> Self {
        match e {
            sea_orm::TransactionError::Connection(db) => Self::internal(db),
            sea_orm::TransactionError::Transaction(api) => api,
        }
    }
}
