//! The GraphQL API: schema assembly, per-request state, and turning errors
//! into localised messages with stable codes.
//!
//! The schema is built apart from its data, so `sammen schema` and the drift
//! test need no database. One module per domain; resolvers stay thin.

pub mod cost;
pub mod document;
pub mod filters;
pub mod input;
pub mod loaders;
pub mod money;
pub mod organisation;
pub mod pagination;
pub mod person;
pub mod prefetch;
pub mod project;
pub mod search;
/// The scalars of the schema (defined with the domain types).
pub mod scalars {
    pub use crate::domain::Date;
}
pub mod training;
pub mod translation;
pub mod webhook;

use std::sync::Arc;

use async_graphql::{Context, MergedObject, MergedSubscription, Schema, SchemaBuilder, ServerError};
use fluent_bundle::{FluentArgs, FluentValue};
use sea_orm::DatabaseConnection;

use crate::app::{AppState, Settings};
use crate::auth::Caller;
use crate::config::Limits;
use crate::error::{ApiError, ApiResult, EXT_ARGS, EXT_MESSAGE_ID};
use crate::l10n::{LocaleChain, Localizer};

#[derive(MergedObject, Default)]
pub struct QueryRoot(
    organisation::OrganisationQuery,
    person::PersonQuery,
    document::DocumentQuery,
    project::ProjectQuery,
    training::TrainingQuery,
    translation::TranslationQuery,
    webhook::WebhookQuery,
    search::SearchQuery,
);

#[derive(MergedObject, Default)]
pub struct MutationRoot(
    organisation::OrganisationMutation,
    person::PersonMutation,
    document::DocumentMutation,
    project::ProjectMutation,
    training::TrainingMutation,
    translation::TranslationMutation,
    webhook::WebhookMutation,
);

#[derive(MergedSubscription, Default)]
pub struct SubscriptionRoot(project::ProjectSubscription);

pub type SammenSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// The schema without data or limits.
pub fn schema_builder() -> SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot::default(),
    )
}

/// The schema as served over HTTP, with the configured limits. The depth
/// limit on data fields is applied before validation (introspection's depth
/// comes from the type system, not the caller); async-graphql's own,
/// counting every field, stays as a backstop well above the standard
/// introspection query's 13 levels.
///
/// It has no extensions: a schema with any extension resolves every field
/// through a boxed `Extension::resolve` future with a registry lookup, and
/// what [`OperationGuard`] does for WebSocket operations the HTTP handler
/// does itself (see `crate::http::graphql`).
pub fn build_schema(limits: &Limits, introspection: bool) -> SammenSchema {
    finish(schema_builder(), limits, introspection)
}

/// The schema of WebSocket operations: the same types and limits, with
/// [`OperationGuard`] giving each operation its own state and deadline.
pub fn build_ws_schema(limits: &Limits, introspection: bool) -> SammenSchema {
    finish(schema_builder().extension(OperationGuard), limits, introspection)
}

fn finish(
    builder: SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot>,
    limits: &Limits,
    introspection: bool,
) -> SammenSchema {
    let builder = builder
        .limit_depth(limits.max_depth.saturating_add(16))
        .limit_complexity(limits.max_complexity);
    if introspection {
        builder.finish()
    } else {
        builder.disable_introspection().finish()
    }
}

/// The SDL that `schema.graphql` must equal.
pub fn export_sdl() -> String {
    schema_builder().finish().sdl()
}

/// Everything a resolver may need for one operation.
pub struct RequestState {
    /// The pool, counting this operation's statements against `budget`.
    pub db: DatabaseConnection,
    pub caller: Caller,
    pub chain: LocaleChain,
    /// The client's address (see `--trusted-proxies`), when known.
    pub client_ip: Option<std::net::IpAddr>,
    pub localizer: Arc<Localizer>,
    pub settings: Arc<Settings>,
    pub login_throttle: Arc<crate::auth::throttle::LoginThrottle>,
    pub storage: crate::storage::Storage,
    pub fetcher: crate::net::Fetcher,
    /// Hands committed events to consumers.
    pub events: crate::events::Dispatcher,
    pub loaders: loaders::Loaders,
    /// SQL statements this operation has run, and may run.
    pub budget: Arc<crate::db::StatementBudget>,
    /// Whether the operation came over a WebSocket (its deadline is applied
    /// here rather than by the HTTP handler).
    pub over_websocket: bool,
    /// Whether the operation is a mutation: once a mutation field has run,
    /// its result is resolved whatever the budget says.
    pub is_mutation: bool,
}

impl RequestState {
    /// The state of one operation, with the statement budget of the limits.
    pub fn new(
        state: &AppState,
        caller: Caller,
        chain: LocaleChain,
        client_ip: Option<std::net::IpAddr>,
    ) -> Self {
        Self::with_budget(
            state,
            caller,
            chain,
            client_ip,
            state.settings.limits.max_sql_statements,
        )
    }

    pub fn with_budget(
        state: &AppState,
        caller: Caller,
        chain: LocaleChain,
        client_ip: Option<std::net::IpAddr>,
        statements: u64,
    ) -> Self {
        let budget = Arc::new(crate::db::StatementBudget::new(statements));
        let db = crate::db::counting(&state.db, state.metrics.db_statements.clone(), budget.clone());
        Self {
            loaders: loaders::Loaders::new(&db, &caller, true),
            db,
            caller,
            chain,
            client_ip,
            localizer: state.locales.current(),
            settings: state.settings.clone(),
            login_throttle: state.login_throttle.clone(),
            storage: state.storage.clone(),
            fetcher: state.fetcher.clone(),
            events: state.events.clone(),
            budget,
            over_websocket: false,
            is_mutation: false,
        }
    }

    /// The state of the operation `ctx` belongs to. Every resolver that
    /// reads or writes goes through here, so this is where the statement
    /// budget stops an operation: once it is spent, a field that would run
    /// SQL is QUERY_TOO_COMPLEX. In a mutation only the top-level fields are
    /// held back: the result of one that ran is resolved, so no change is
    /// reported as lost.
    /// Marks the operation as a mutation (or a subscription): its loaders
    /// keep nothing, so what a field reads after a write is current.
    pub fn set_writing(&mut self, mutation: bool) {
        self.is_mutation = mutation;
        self.loaders = loaders::Loaders::new(&self.db, &self.caller, false);
    }

    pub fn of<'a>(ctx: &Context<'a>) -> ApiResult<&'a RequestState> {
        let state = ctx
            .data::<RequestState>()
            .map_err(|e| ApiError::internal(anyhow::anyhow!("request state missing: {}", e.message)))?;
        if state.budget.spent()
            && (!state.is_mutation || ctx.path_node.is_none_or(|node| node.parent.is_none()))
        {
            return Err(
                ApiError::new(crate::error::ErrorCode::QueryTooComplex, "error-statement-budget")
                    .arg("max", state.settings.limits.max_sql_statements),
            );
        }
        Ok(state)
    }

    /// What domain operations need of this request.
    pub fn ctx(&self) -> crate::context::Ctx<'_> {
        crate::context::Ctx {
            db: &self.db,
            caller: &self.caller,
            chain: &self.chain,
            settings: &self.settings,
            localizer: &self.localizer,
            events: &self.events,
            storage: &self.storage,
            fetcher: &self.fetcher,
        }
    }

    /// Parses a locale for stored content (see [`crate::context::Ctx::content_locale`]).
    pub fn content_locale(&self, field: &str, raw: &str) -> ApiResult<String> {
        self.ctx().content_locale(field, raw)
    }

    /// Formats message `id` in the caller's language.
    pub fn t(&self, id: &str) -> String {
        self.localizer.message(&self.chain, id, None)
    }
}

/// GRAPHQL_PARSE_FAILED for a parser's error: the position goes in
/// `locations` (and, for people, into a short localised message); the
/// parser's English drawing of the line goes nowhere.
pub fn parse_failed(error: &ServerError) -> ServerError {
    let (line, column) = error
        .locations
        .first()
        .map_or((1, 1), |pos| (pos.line, pos.column));
    let mut failed = ApiError::new(crate::error::ErrorCode::GraphqlParseFailed, "error-parse")
        // As text: a position is not a quantity to group in thousands.
        .arg("line", line.to_string())
        .arg("column", column.to_string())
        .into_server_error();
    failed.locations = error.locations.clone();
    failed
}

/// Parses a GraphQL `ID` that should be a UUID; a malformed one is
/// BAD_USER_INPUT naming `field`, the argument's path (`projectId`,
/// `input.projectId`), so that a form can point at it.
pub fn parse_id(field: &str, id: &async_graphql::ID) -> ApiResult<uuid::Uuid> {
    crate::domain::parse_id(field, id.as_str())
}

/// Localises every error of a response and masks anything unexpected.
///
/// Errors raised through [`ApiError`] carry their Fluent id and arguments in
/// private extensions, which are formatted here and removed. Errors that
/// async-graphql raises before execution (validation, depth, complexity) get
/// a code and a localised message, with the library's English text kept in
/// `extensions.detail`. Anything else is an unexpected failure: it is logged
/// under a reference id and replaced by INTERNAL, so no internal text leaks.
pub fn localise_errors(errors: &mut [ServerError], localizer: &Localizer, chain: &LocaleChain) {
    for error in errors {
        let ext = error.extensions.get_or_insert_with(Default::default);
        if ext.get("code").is_some() {
            let id = match ext.get(EXT_MESSAGE_ID) {
                Some(async_graphql::Value::String(s)) => s.clone(),
                _ => error.message.clone(),
            };
            let args = match ext.get(EXT_ARGS) {
                Some(v) => fluent_args(v),
                None => FluentArgs::new(),
            };
            error.message = localizer.message(chain, &id, Some(&args));
            ext.unset(EXT_MESSAGE_ID);
            ext.unset(EXT_ARGS);
            continue;
        }
        let bad_input = error.message.starts_with("Failed to parse")
            || error.message.starts_with("Invalid value for argument")
            || error.message.starts_with("Expected input type");
        if bad_input {
            // An argument or variable that failed to coerce during execution.
            let detail = error.message.clone();
            let args = crate::l10n::args([("detail", detail.as_str())]);
            error.message = localizer.message(chain, "error-input-coercion", Some(&args));
            ext.set("code", "BAD_USER_INPUT");
            ext.set("detail", detail);
            continue;
        }
        if error.path.is_empty() {
            let detail = error.message.clone();
            let (code, id) = match detail.as_str() {
                "Query is nested too deep." => ("QUERY_TOO_DEEP", "error-query-too-deep"),
                "Query is too complex." => ("QUERY_TOO_COMPLEX", "error-query-too-complex"),
                _ => ("GRAPHQL_VALIDATION_FAILED", "error-validation"),
            };
            let args = crate::l10n::args([("detail", detail.as_str())]);
            error.message = localizer.message(chain, id, Some(&args));
            ext.set("code", code);
            ext.set("detail", detail);
            continue;
        }
        let reference = uuid::Uuid::now_v7().to_string();
        tracing::error!(reference = %reference, error = %error.message, path = ?error.path, "unexpected resolver error");
        let args = crate::l10n::args([("reference", reference.as_str())]);
        error.message = localizer.message(chain, "error-internal", Some(&args));
        ext.set("code", "INTERNAL");
        ext.set("reference", reference);
    }
}

fn fluent_args(value: &async_graphql::Value) -> FluentArgs<'static> {
    let mut args = FluentArgs::new();
    if let async_graphql::Value::Object(map) = value {
        for (k, v) in map {
            let v: FluentValue<'static> = match v {
                async_graphql::Value::String(s) => FluentValue::from(s.clone()),
                async_graphql::Value::Number(n) => FluentValue::from(n.as_f64().unwrap_or_default()),
                async_graphql::Value::Boolean(b) => FluentValue::from(b.to_string()),
                other => FluentValue::from(other.to_string()),
            };
            args.set(k.to_string(), v);
        }
    }
    args
}

/// The state of one WebSocket connection, from `connection_init` until it
/// closes. Each operation on it gets its own [`RequestState`] (fresh
/// loaders, its own statement budget); this holds what they share.
pub struct WsSession {
    pub app: AppState,
    pub caller: Caller,
    pub chain: LocaleChain,
    pub client_ip: Option<std::net::IpAddr>,
    /// Operations running at once on this socket (`--ws-max-operations`).
    pub operations: Arc<tokio::sync::Semaphore>,
    /// This socket's place in the per-token count (the HTTP side's
    /// `SocketSlot`), held here and freed when the session goes.
    pub slot: Box<dyn std::any::Any + Send + Sync>,
}

/// Guards every WebSocket operation (the HTTP handler does the same checks
/// itself, so the HTTP schema has no extension):
/// - refuses control characters in any text input (variables and literals)
///   and what the limits refuse before validation;
/// - re-checks the connection's token before each operation (a socket can
///   outlive a revoked or expired token), gives the operation its own
///   state, applies the request deadline to queries and mutations, and caps
///   the operations running at once on the socket;
/// - localises the errors of streamed responses.
pub struct OperationGuard;

impl async_graphql::extensions::ExtensionFactory for OperationGuard {
    fn create(&self) -> Arc<dyn async_graphql::extensions::Extension> {
        Arc::new(OperationGuard)
    }
}

fn localised(error: ApiError, localizer: &Localizer, chain: &LocaleChain) -> ServerError {
    let mut errors = vec![error.into_server_error()];
    localise_errors(&mut errors, localizer, chain);
    errors.remove(0)
}

#[async_trait::async_trait]
impl async_graphql::extensions::Extension for OperationGuard {
    async fn prepare_request(
        &self,
        ctx: &async_graphql::extensions::ExtensionContext<'_>,
        mut request: async_graphql::Request,
        next: async_graphql::extensions::NextPrepareRequest<'_>,
    ) -> async_graphql::ServerResult<async_graphql::Request> {
        // Only WebSocket operations run on this schema, each with its session.
        let Some(session) = ctx.data_opt::<WsSession>() else {
            return next.run(ctx, request).await;
        };
        if let Err(error) = request.parsed_query() {
            return Err(parse_failed(&error));
        }
        // Errors are localised where the response leaves, by `subscribe`
        // below.
        let settings = &session.app.settings;
        let max = settings.limits.max_query_tokens;
        if input::count_tokens(&request.query, max) > max {
            return Err(input::too_many_tokens(max).into_server_error());
        }
        input::refuse_before_execution(&mut request, settings).map_err(ApiError::into_server_error)?;
        // The token may have been revoked, or its person disabled or given
        // other rights, since the socket opened.
        let caller = match session.caller.token_id {
            Some(id) => crate::auth::token::reload(&session.app.db, id)
                .await
                .map_err(ApiError::into_server_error)?,
            None => session.caller.clone(),
        };
        // A subscription lives as long as the client wants; its events are
        // bounded by what happens, not by the request.
        use async_graphql::parser::types::OperationType;
        let name = request.operation_name.clone();
        let kind = request
            .parsed_query()
            .ok()
            .and_then(|document| input::operation_type(&document.operations, name.as_deref()));
        let subscription = kind == Some(OperationType::Subscription);
        let statements = if subscription {
            u64::MAX
        } else {
            settings.limits.max_sql_statements
        };
        let mut state = RequestState::with_budget(
            &session.app,
            caller,
            session.chain.clone(),
            session.client_ip,
            statements,
        );
        state.over_websocket = true;
        if subscription || kind == Some(OperationType::Mutation) {
            state.set_writing(!subscription);
        }
        request = request.data(state);
        next.run(ctx, request).await
    }

    async fn execute(
        &self,
        ctx: &async_graphql::extensions::ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: async_graphql::extensions::NextExecute<'_>,
    ) -> async_graphql::Response {
        let Some(state) = ctx.data_opt::<RequestState>().filter(|s| s.over_websocket) else {
            return next.run(ctx, operation_name).await;
        };
        let limits = &state.settings.limits;
        match tokio::time::timeout(limits.request_timeout(), next.run(ctx, operation_name)).await {
            Ok(response) => response,
            Err(_) => {
                let error = ApiError::new(crate::error::ErrorCode::Timeout, "error-timeout")
                    .arg("seconds", limits.request_timeout_secs);
                async_graphql::Response::from_errors(vec![error.into_server_error()])
            }
        }
    }

    fn subscribe<'s>(
        &self,
        ctx: &async_graphql::extensions::ExtensionContext<'_>,
        stream: futures_util::stream::BoxStream<'s, async_graphql::Response>,
        next: async_graphql::extensions::NextSubscribe<'_>,
    ) -> futures_util::stream::BoxStream<'s, async_graphql::Response> {
        use futures_util::StreamExt;
        let Some(session) = ctx.data_opt::<WsSession>() else {
            return next.run(ctx, stream);
        };
        let localizer = session.app.locales.current();
        let chain = session.chain.clone();
        let Ok(permit) = session.operations.clone().try_acquire_owned() else {
            let error = ApiError::new(crate::error::ErrorCode::RateLimited, "error-too-many-operations")
                .arg("max", session.app.settings.ws_max_operations as u64);
            let response = async_graphql::Response::from_errors(vec![localised(error, &localizer, &chain)]);
            return futures_util::stream::once(async move { response }).boxed();
        };
        next.run(ctx, stream)
            .map(move |mut response| {
                // The permit lives as long as the operation's stream.
                let _running = &permit;
                localise_errors(&mut response.errors, &localizer, &chain);
                response
            })
            .boxed()
    }
}
