//! The application: shared state, the axum router and the server's life
//! cycle. [`App::build`] binds the listener first, so port 0 works in tests,
//! then [`App::run_until_stopped`] serves until SIGTERM or ctrl-c.

use std::sync::Arc;

use anyhow::Context as _;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderName, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::auth::throttle::LoginThrottle;
pub use crate::config::Settings;
use crate::config::{GlobalArgs, ServeArgs, ServeConfig};
use crate::events::Dispatcher;
use crate::graphql::{self, SammenSchema};
use crate::l10n::{LocaleSources, Locales, Localizer};
use crate::metrics::Metrics;
use crate::net::{Fetcher, NetConfig};
use crate::server::ConnectionLimits;
use crate::storage::Storage;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// What every request handler shares. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    /// The schema of HTTP requests (without extensions: the fast path).
    pub schema: SammenSchema,
    /// The schema of WebSocket operations, guarded per operation.
    pub ws_schema: SammenSchema,
    pub locales: Arc<Locales>,
    pub settings: Arc<Settings>,
    pub metrics: Arc<Metrics>,
    pub login_throttle: Arc<LoginThrottle>,
    /// Callers of recently seen tokens (see `auth::token::CallerCache`).
    pub callers: Arc<crate::auth::token::CallerCache>,
    pub storage: Storage,
    pub fetcher: Fetcher,
    pub events: Dispatcher,
    /// Cancelled when the server begins to shut down.
    pub shutdown: CancellationToken,
    /// The WebSocket connections, so shutdown can wait for their close frames.
    pub sockets: TaskTracker,
    /// Open WebSockets per token (or anonymous address), on this node.
    pub socket_counts: crate::http::ws::SocketCounts,
    /// Automatic persisted queries this node has learnt.
    pub persisted_queries: crate::http::apq::PersistedQueries,
}

/// A built application, listening but not yet serving.
pub struct App {
    listener: TcpListener,
    metrics_listener: TcpListener,
    router: Router,
    state: AppState,
    connections: ConnectionLimits,
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

impl App {
    /// Connects to the database, migrates, loads demo data if asked, and
    /// binds the listener.
    pub async fn build(config: ServeConfig) -> anyhow::Result<Self> {
        let mut db = crate::db::connect(&config.global).await?;
        let metrics = Arc::new(Metrics::default());
        let statements = metrics.db_statements.clone();
        db.set_metric_callback(move |_| {
            statements.inc();
        });
        if !config.serve.no_migrate {
            crate::db::migrate(&db).await?;
        }
        crate::search::index::ensure_current(&db)
            .await
            .context("bringing the search index up to date")?;
        let storage = Storage::configured(&config.global).context("opening file storage")?;
        let locales = Arc::new(Locales::new(load_localizer(&config.global)?));
        if config.serve.watch_locales {
            let dir = config
                .global
                .locales_dir
                .clone()
                .unwrap_or_else(|| "locales".into());
            crate::l10n::watch(locales.clone(), dir, std::time::Duration::from_millis(500));
        }
        let mut settings = Settings::from_args(&config.serve);
        let key_file = config
            .serve
            .secret_key_file
            .clone()
            .unwrap_or_else(|| crate::secrets::default_key_file(&config.global.storage_dir));
        settings.secrets = Some(
            crate::secrets::SecretBox::configured(config.serve.secret_key.as_deref(), &key_file)
                .context("loading the secret key")?,
        );
        let settings = Arc::new(settings);
        storage.sweep_unfinished(settings.limits.request_timeout()).await;
        let events = Dispatcher::default();
        let fetcher = fetcher(&config.serve)?;
        if config.serve.demo {
            // Through the domain, as the API would: it needs the settings,
            // locales and dispatcher, so it runs once they exist.
            let localizer = locales.current();
            crate::seed::demo(crate::seed::Service {
                db: &db,
                settings: &settings,
                localizer: &localizer,
                events: &events,
                storage: &storage,
                fetcher: &fetcher,
            })
            .await?;
        }
        let state = AppState {
            schema: graphql::build_schema(&settings.limits, !config.serve.no_introspection),
            ws_schema: graphql::build_ws_schema(&settings.limits, !config.serve.no_introspection),
            db,
            locales,
            settings,
            metrics,
            storage,
            events,
            fetcher,
            login_throttle: Arc::new(LoginThrottle::new(
                config.serve.login_max_failures,
                config.serve.login_max_failures_per_address,
                std::time::Duration::from_secs(config.serve.login_window_secs),
            )),
            callers: Arc::new(crate::auth::token::CallerCache::new(
                10_000,
                crate::auth::token::CALLER_CACHE_TTL,
            )),
            shutdown: CancellationToken::new(),
            sockets: TaskTracker::new(),
            socket_counts: crate::http::ws::SocketCounts::default(),
            persisted_queries: crate::http::apq::PersistedQueries::default(),
        };
        let listener = TcpListener::bind(config.serve.listen)
            .await
            .with_context(|| format!("binding {}", config.serve.listen))?;
        let metrics_listener = TcpListener::bind(config.serve.metrics_listen)
            .await
            .with_context(|| format!("binding {} for metrics", config.serve.metrics_listen))?;
        Ok(Self {
            router: router(state.clone()),
            listener,
            metrics_listener,
            state,
            connections: ConnectionLimits {
                header_read_timeout: std::time::Duration::from_secs(
                    config.serve.header_read_timeout_secs.max(1),
                ),
                idle_timeout: std::time::Duration::from_secs(config.serve.idle_timeout_secs.max(1)),
                max_connections: config.serve.max_connections.max(1),
                max_per_address: config.serve.max_connections_per_address.max(1),
            },
        })
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or_default()
    }

    /// The port `/metrics` is served on.
    pub fn metrics_port(&self) -> u16 {
        self.metrics_listener
            .local_addr()
            .map(|a| a.port())
            .unwrap_or_default()
    }

    /// The address `/metrics` is served on.
    pub fn metrics_address(&self) -> Option<std::net::SocketAddr> {
        self.metrics_listener.local_addr().ok()
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until SIGTERM or ctrl-c, then lets requests in flight finish.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `stop` resolves, then shuts down gracefully: stops
    /// accepting, tells every WebSocket it is going away (close code 1001),
    /// and lets requests in flight finish.
    pub async fn run_until(self, stop: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let Self {
            listener,
            metrics_listener,
            router,
            state,
            connections,
        } = self;
        let shutdown = state.shutdown.clone();
        tokio::spawn({
            let shutdown = shutdown.clone();
            async move {
                stop.await;
                tracing::info!("shutting down: finishing requests in flight");
                shutdown.cancel();
            }
        });
        // Before serving: a change answered from now on reaches every
        // subscriber.
        crate::events::feed::start(state.db.clone(), state.events.clone(), shutdown.clone())
            .await
            .context("starting the event feed")?;
        LoginThrottle::sweep_periodically(state.db.clone());
        crate::events::spawn_pruning(
            state.db.clone(),
            state.settings.event_retention_days,
            shutdown.clone(),
        );
        state
            .storage
            .sweep_periodically(state.settings.limits.request_timeout(), shutdown.clone());
        if let Some(secrets) = state.settings.secrets.clone() {
            crate::webhooks::worker::Worker::new(
                state.db.clone(),
                state.settings.clone(),
                secrets,
                state.events.clone(),
                state.metrics.clone(),
            )?
            .spawn(shutdown.clone());
        }
        let search = &state.settings.search;
        if search.search_extract_workers > 0 {
            crate::search::worker::Worker::new(
                state.db.clone(),
                state.storage.clone(),
                search,
                state.settings.max_upload_bytes,
            )
            .context("starting the file text worker")?
            .spawn(search.search_extract_workers, &state.events, shutdown.clone());
        }
        let metrics = Router::new()
            .route("/metrics", get(metrics))
            .with_state(state.clone());
        let metrics_server = tokio::spawn(crate::server::serve(
            metrics_listener,
            metrics,
            connections,
            Vec::new(),
            shutdown.clone(),
            std::time::Duration::from_secs(1),
        ));
        let drain = state.settings.limits.request_timeout() + std::time::Duration::from_secs(5);
        let trusted = state.settings.trusted_proxies.clone();
        crate::server::serve(listener, router, connections, trusted, shutdown, drain).await;
        state.sockets.close();
        if tokio::time::timeout(std::time::Duration::from_secs(5), state.sockets.wait())
            .await
            .is_err()
        {
            tracing::warn!("WebSockets still open after shutdown were dropped");
        }
        metrics_server.await.ok();
        state.db.close().await.ok();
        tracing::info!("stopped");
        Ok(())
    }
}

/// The locales of `--locales-dir`, else the compiled-in copy.
fn load_localizer(global: &GlobalArgs) -> anyhow::Result<Localizer> {
    let sources = match &global.locales_dir {
        Some(dir) => {
            LocaleSources::from_dir(dir).with_context(|| format!("reading locales from {}", dir.display()))?
        }
        None => LocaleSources::embedded(),
    };
    Ok(Localizer::from_sources(&sources))
}

/// The client for imports from URLs, as `serve`'s options say.
fn fetcher(serve: &ServeArgs) -> anyhow::Result<Fetcher> {
    Fetcher::new(NetConfig {
        allow_loopback: serve.import_allow_loopback,
        allow_http: serve.import_allow_http,
        timeout: std::time::Duration::from_secs(serve.import_timeout_secs.max(1)),
        max_redirects: 3,
    })
}

/// What the domain needs of the service besides the database and the
/// caller, built as [`App::build`] builds it, for changing data without
/// serving (`sammen seed`, tests). Its dispatcher has no listeners.
pub struct ServiceParts {
    pub settings: Settings,
    pub localizer: Localizer,
    pub events: Dispatcher,
    pub storage: Storage,
    pub fetcher: Fetcher,
}

impl ServiceParts {
    pub fn new(global: &GlobalArgs, serve: &ServeArgs) -> anyhow::Result<Self> {
        Ok(Self {
            settings: Settings::from_args(serve),
            localizer: load_localizer(global)?,
            events: Dispatcher::default(),
            storage: Storage::configured(global).context("opening file storage")?,
            fetcher: fetcher(serve)?,
        })
    }

    /// What a domain operation by `caller` needs.
    pub fn ctx<'a>(
        &'a self,
        db: &'a DatabaseConnection,
        caller: &'a crate::auth::Caller,
        chain: &'a crate::l10n::LocaleChain,
    ) -> crate::context::Ctx<'a> {
        crate::context::Ctx {
            db,
            caller,
            chain,
            settings: &self.settings,
            localizer: &self.localizer,
            events: &self.events,
            storage: &self.storage,
            fetcher: &self.fetcher,
        }
    }

    /// The service the demo and benchmark data are loaded into.
    pub fn seed_service<'a>(&'a self, db: &'a DatabaseConnection) -> crate::seed::Service<'a> {
        crate::seed::Service {
            db,
            settings: &self.settings,
            localizer: &self.localizer,
            events: &self.events,
            storage: &self.storage,
            fetcher: &self.fetcher,
        }
    }
}

/// The HTTP routes with their middleware.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(
            "/graphql",
            get(crate::http::graphql::graphql_get).post(crate::http::graphql::graphql_post),
        )
        .route("/graphql/ws", get(crate::http::ws::graphql_ws))
        .route("/graphiql/{file}", get(crate::http::explorer::asset))
        .route("/files/{version_id}", get(crate::http::files::download))
        .route("/training/{file}", get(crate::http::jsonld::download))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::http::track))
        .layer(CatchPanicLayer::custom(crate::http::graphql::panic_response))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
                let id = request
                    .headers()
                    .get(REQUEST_ID)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!("request", id = %id, method = %request.method(), uri = %request.uri().path())
            }),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state)
}

/// Liveness: the process answers.
async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers too.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    if crate::db::ping(&state.db).await {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
    }
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for ctrl-c");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
