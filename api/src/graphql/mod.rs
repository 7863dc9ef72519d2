//! The GraphQL API: schema assembly, per-request state, and turning errors
//! into localised messages with stable codes.
//!
//! The schema is built apart from its data, so `sammen schema` and the drift
//! test need no database. One file per domain; resolvers stay thin.

pub mod document;
pub mod filters;
pub mod http;
pub mod loaders;
pub mod money;
pub mod organisation;
pub mod pagination;
pub mod person;
pub mod project;
pub mod scalars;
pub mod training;
pub mod translation;

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
);

#[derive(MergedObject, Default)]
pub struct MutationRoot(
    organisation::OrganisationMutation,
    person::PersonMutation,
    document::DocumentMutation,
    project::ProjectMutation,
    training::TrainingMutation,
    translation::TranslationMutation,
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

/// The schema as served, with the configured depth and complexity limits.
pub fn build_schema(limits: &Limits) -> SammenSchema {
    schema_builder()
        .extension(LocaliseSubscriptions)
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        .finish()
}

/// The SDL that `schema.graphql` must equal.
pub fn export_sdl() -> String {
    schema_builder().finish().sdl()
}

/// Everything a resolver may need for one request.
pub struct RequestState {
    pub db: DatabaseConnection,
    pub caller: Caller,
    pub chain: LocaleChain,
    pub localizer: Arc<Localizer>,
    pub settings: Arc<Settings>,
    pub login_throttle: Arc<crate::auth::throttle::LoginThrottle>,
    pub storage: crate::storage::Storage,
    pub fetcher: crate::net::Fetcher,
    pub activity: crate::activity::ActivityBus,
    pub loaders: loaders::Loaders,
    /// The state of a WebSocket connection, reused by its operations.
    pub long_lived: bool,
}

impl RequestState {
    pub fn new(state: &AppState, caller: Caller, chain: LocaleChain) -> Self {
        Self {
            loaders: loaders::Loaders::new(&state.db, &caller),
            db: state.db.clone(),
            caller,
            chain,
            localizer: state.locales.current(),
            settings: state.settings.clone(),
            login_throttle: state.login_throttle.clone(),
            storage: state.storage.clone(),
            fetcher: state.fetcher.clone(),
            activity: state.activity.clone(),
            long_lived: false,
        }
    }

    pub fn of<'a>(ctx: &Context<'a>) -> ApiResult<&'a RequestState> {
        ctx.data::<RequestState>()
            .map_err(|e| ApiError::internal(anyhow::anyhow!("request state missing: {}", e.message)))
    }

    /// Parses a locale for stored content: a well-formed tag (aliases
    /// applied) that is one of the locales the service has.
    pub fn content_locale(&self, field: &str, raw: &str) -> ApiResult<String> {
        let tag = crate::domain::LocaleTag::parse(field, raw)?;
        if !self.localizer.has_locale(tag.langid()) {
            return Err(ApiError::invalid(field, "input-locale-unsupported").arg("value", raw.to_owned()));
        }
        Ok(tag.to_tag())
    }

    /// Formats message `id` in the caller's language.
    pub fn t(&self, id: &str) -> String {
        self.localizer.message(&self.chain, id, None)
    }
}

/// Parses a GraphQL `ID` that should be a UUID.
pub fn parse_id(id: &async_graphql::ID) -> ApiResult<uuid::Uuid> {
    uuid::Uuid::parse_str(id.as_str()).map_err(|_| ApiError::invalid("id", "input-id-invalid"))
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

/// For operations over WebSocket, which do not pass through the HTTP
/// handler: re-checks the connection's token before each operation (a
/// socket can outlive a revoked or expired token) and localises the errors
/// of subscription responses.
pub struct LocaliseSubscriptions;

impl async_graphql::extensions::ExtensionFactory for LocaliseSubscriptions {
    fn create(&self) -> Arc<dyn async_graphql::extensions::Extension> {
        Arc::new(LocaliseSubscriptions)
    }
}

#[async_trait::async_trait]
impl async_graphql::extensions::Extension for LocaliseSubscriptions {
    async fn prepare_request(
        &self,
        ctx: &async_graphql::extensions::ExtensionContext<'_>,
        request: async_graphql::Request,
        next: async_graphql::extensions::NextPrepareRequest<'_>,
    ) -> async_graphql::ServerResult<async_graphql::Request> {
        if let Some(state) = ctx.data_opt::<RequestState>()
            && state.long_lived
            && !crate::auth::policy::still_signed_in(&state.db, &state.caller).await
        {
            let error = ApiError::new(crate::error::ErrorCode::Unauthenticated, "error-token-invalid");
            let mut errors = vec![error.into_server_error()];
            localise_errors(&mut errors, &state.localizer, &state.chain);
            return Err(errors.remove(0));
        }
        next.run(ctx, request).await
    }

    fn subscribe<'s>(
        &self,
        ctx: &async_graphql::extensions::ExtensionContext<'_>,
        stream: futures_util::stream::BoxStream<'s, async_graphql::Response>,
        next: async_graphql::extensions::NextSubscribe<'_>,
    ) -> futures_util::stream::BoxStream<'s, async_graphql::Response> {
        use futures_util::StreamExt;
        let target = ctx
            .data_opt::<RequestState>()
            .map(|state| (state.localizer.clone(), state.chain.clone()));
        next.run(ctx, stream)
            .map(move |mut response| {
                if let Some((localizer, chain)) = &target {
                    localise_errors(&mut response.errors, localizer, chain);
                }
                response
            })
            .boxed()
    }
}
