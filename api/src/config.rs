//! Configuration. Every flag is also an environment variable `SAMMEN_…`, so
//! the same binary is configured by flags on a laptop and by the environment
//! in a container.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use ipnet::IpNet;

/// Sammen: the partner collaboration and knowledge-exchange GraphQL API.
#[derive(Parser, Debug)]
#[command(name = "sammen", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command shares.
#[derive(Args, Debug, Clone)]
pub struct GlobalArgs {
    /// Database URL: `sqlite://FILE?mode=rwc` (embedded default) or `postgres://…`.
    #[arg(
        long,
        env = "SAMMEN_DATABASE_URL",
        default_value = "sqlite://sammen.db?mode=rwc",
        global = true
    )]
    pub database_url: String,

    /// PostgreSQL schema to work in (its `search_path`); for sharing one database.
    #[arg(long, env = "SAMMEN_DATABASE_SCHEMA", global = true)]
    pub database_schema: Option<String>,

    /// Maximum number of pooled database connections.
    #[arg(
        long,
        env = "SAMMEN_DATABASE_MAX_CONNECTIONS",
        default_value_t = 10,
        global = true
    )]
    pub database_max_connections: u32,

    /// Folder of `<locale>/*.ftl` files; the copy compiled into the binary by default.
    #[arg(long, env = "SAMMEN_LOCALES_DIR", global = true)]
    pub locales_dir: Option<PathBuf>,

    /// Folder for uploaded files (the local object store).
    #[arg(long, env = "SAMMEN_STORAGE_DIR", default_value = "data/files", global = true)]
    pub storage_dir: PathBuf,

    /// Object store for files instead of the folder: `s3://bucket/prefix`
    /// (credentials and region from the usual `AWS_*` variables; `AWS_ENDPOINT`
    /// for S3-compatible stores such as MinIO) or `memory://` for trials.
    #[arg(long, env = "SAMMEN_STORAGE_URL", global = true)]
    pub storage_url: Option<String>,

    /// A setting of the object store of `--storage-url`, as `KEY=VALUE`
    /// (e.g. `aws_endpoint=https://minio.internal:9000`,
    /// `aws_region=eu-north-1`), over the `AWS_*` variables; repeatable.
    #[arg(
        long = "storage-option",
        env = "SAMMEN_STORAGE_OPTIONS",
        value_delimiter = ',',
        global = true
    )]
    pub storage_options: Vec<String>,

    /// Log format: `text` or `json`.
    #[arg(long, env = "SAMMEN_LOG_FORMAT", default_value = "text", global = true)]
    pub log_format: String,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the HTTP server.
    Serve(Box<ServeArgs>),
    /// Apply or roll back database migrations.
    Migrate {
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Load data into the database.
    Seed {
        #[command(subcommand)]
        what: SeedWhat,
    },
    /// Print the GraphQL schema (SDL) that the server serves.
    Schema,
    /// Work on the Fluent locale files.
    Locales {
        #[command(subcommand)]
        action: LocalesAction,
    },
    /// Manage people who sign in.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Look after the search index.
    Search {
        #[command(subcommand)]
        action: SearchAction,
    },
}

#[derive(Subcommand, Debug, Clone)]
pub enum SearchAction {
    /// Rebuild the index from the tables, in one transaction.
    Reindex {
        /// Also extract the text of every document's current file again
        /// (queued for the servers' workers).
        #[arg(long)]
        files: bool,
        /// With `--files`: extract here and now, and return when done.
        #[arg(long, requires = "files")]
        wait: bool,
    },
    /// Print the index's rows by type and part, its version and the
    /// file-text queue.
    Status,
    /// Extract the text of one file from stdin (run by the server, in a
    /// child process with its resources limited).
    #[command(hide = true)]
    Extract {
        /// pdf, html or office.
        #[arg(long)]
        format: String,
        #[arg(long)]
        max_chars: usize,
        #[arg(long)]
        memory_mib: u64,
        #[arg(long)]
        cpu_secs: u64,
    },
}

#[derive(Subcommand, Debug, Clone, Copy)]
pub enum MigrateAction {
    /// Apply every pending migration.
    Up,
    /// Roll back the last migration.
    Down,
    /// List migrations and whether each is applied.
    Status,
    /// Drop everything and migrate from scratch (destroys data).
    Fresh,
}

#[derive(Subcommand, Debug, Clone, Copy)]
pub enum SeedWhat {
    /// The demo network: the association, partners in NO/US/DK/ZA/NL, demo sign-ins.
    Demo,
    /// The demo network plus N organisations, 10·N documents, N projects and N trainings.
    Bench {
        #[arg(long, default_value_t = 100)]
        scale: usize,
    },
}

#[derive(Subcommand, Debug)]
pub enum LocalesAction {
    /// Lint the locale files against en-US; exits 1 on errors.
    Check {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// Missing and obsolete messages are errors (for the shipped
        /// locales; a new locale may be partial without it).
        #[arg(long)]
        strict: bool,
        /// The folder to check (default: `--locales-dir`, else `./locales`).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserAction {
    /// Create a person who can sign in.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Read from `SAMMEN_NEW_PASSWORD` so it stays out of shell history.
        #[arg(long, env = "SAMMEN_NEW_PASSWORD", hide_env_values = true)]
        password: String,
        /// The organisation's slug.
        #[arg(long)]
        organisation: Option<String>,
        /// Make the person a network admin.
        #[arg(long)]
        admin: bool,
        /// Make the person an admin of their organisation.
        #[arg(long)]
        org_admin: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenAction {
    /// Create an API token for a person's organisation; prints it once.
    Create {
        /// E-mail of the person the token acts as.
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_enum, default_value_t = ScopeArg::Read)]
        scope: ScopeArg,
        /// Days until the token expires.
        #[arg(long, default_value_t = 365)]
        days: u32,
    },
}

#[derive(ValueEnum, Debug, Clone, Copy)]
pub enum ScopeArg {
    Read,
    ReadWrite,
}

/// Options of `sammen serve`.
#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "SAMMEN_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Load the demo data (once) and print the demo sign-ins.
    #[arg(long, env = "SAMMEN_DEMO")]
    pub demo: bool,

    /// Do not run pending migrations at start-up.
    #[arg(long, env = "SAMMEN_NO_MIGRATE")]
    pub no_migrate: bool,

    /// Refuse introspection (`__schema`, `__type`); it is open to anyone by
    /// default, since a partner needs the schema before it has a token.
    #[arg(long, env = "SAMMEN_NO_INTROSPECTION")]
    pub no_introspection: bool,

    #[command(flatten)]
    pub limits: Limits,

    /// Reload the locale files when they change on disk (`--locales-dir`, else
    /// `./locales`); a tree with errors never replaces working bundles.
    #[arg(long, env = "SAMMEN_WATCH_LOCALES")]
    pub watch_locales: bool,

    /// Locales stored content may be translated into and read in, comma
    /// separated BCP 47 tags (any tag, e.g. `af-ZA`). The interface's own
    /// locales (the Fluent folders) are always among them.
    #[arg(
        long,
        env = "SAMMEN_CONTENT_LOCALES",
        value_delimiter = ',',
        default_value = "nb-NO,en-US,da-DK,nl-NL",
        value_parser = parse_content_locale
    )]
    pub content_locales: Vec<unic_langid::LanguageIdentifier>,

    /// Hours a session from `login` lasts.
    #[arg(long, env = "SAMMEN_SESSION_HOURS", default_value_t = 12)]
    pub session_hours: u32,

    /// Largest uploaded or imported file in bytes.
    #[arg(long, env = "SAMMEN_MAX_UPLOAD_BYTES", default_value_t = 50 * 1024 * 1024)]
    pub max_upload_bytes: u64,

    /// Seconds an import from a URL may take.
    #[arg(long, env = "SAMMEN_IMPORT_TIMEOUT_SECS", default_value_t = 30)]
    pub import_timeout_secs: u64,

    /// Let imports reach loopback addresses (for tests only; never in production).
    #[arg(long, env = "SAMMEN_IMPORT_ALLOW_LOOPBACK")]
    pub import_allow_loopback: bool,

    /// Let imports use plain http (for tests only; never in production).
    #[arg(long, env = "SAMMEN_IMPORT_ALLOW_HTTP")]
    pub import_allow_http: bool,

    /// Failed sign-ins for one account (e-mail address) before it is locked out for the window.
    #[arg(long, env = "SAMMEN_LOGIN_MAX_FAILURES", default_value_t = 10)]
    pub login_max_failures: u32,

    /// Seconds a sign-in lockout window lasts.
    #[arg(long, env = "SAMMEN_LOGIN_WINDOW_SECS", default_value_t = 900)]
    pub login_window_secs: u64,

    /// Failed sign-ins from one client address (whatever the accounts) before
    /// that address is locked out for the window.
    #[arg(long, env = "SAMMEN_LOGIN_MAX_FAILURES_PER_ADDRESS", default_value_t = 100)]
    pub login_max_failures_per_address: u32,

    /// Proxies (addresses or CIDR ranges, comma-separated) whose
    /// `X-Forwarded-For` is believed; the client is the rightmost address in
    /// it that is not itself a trusted proxy. Without this the TCP peer is the client.
    #[arg(long, env = "SAMMEN_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<IpNet>,

    /// Address `/metrics` (Prometheus text) is served on; keep it private.
    #[arg(long, env = "SAMMEN_METRICS_LISTEN", default_value = "127.0.0.1:9464")]
    pub metrics_listen: SocketAddr,

    /// Seconds a client has to send a request's headers, counted from when
    /// the connection starts waiting for them.
    #[arg(long, env = "SAMMEN_HEADER_READ_TIMEOUT_SECS", default_value_t = 10)]
    pub header_read_timeout_secs: u64,

    /// Seconds a connection may sit idle (no request in flight, no bytes
    /// moving) before it is closed.
    #[arg(long, env = "SAMMEN_IDLE_TIMEOUT_SECS", default_value_t = 60)]
    pub idle_timeout_secs: u64,

    /// Most client connections served at once; more wait to be accepted.
    #[arg(long, env = "SAMMEN_MAX_CONNECTIONS", default_value_t = 1024)]
    pub max_connections: usize,

    /// Most client connections from one address at once (`--trusted-proxies`
    /// are exempt: behind a load balancer, name it there); more are closed.
    #[arg(long, env = "SAMMEN_MAX_CONNECTIONS_PER_ADDRESS", default_value_t = 256)]
    pub max_connections_per_address: usize,

    /// Most operations running at once on one WebSocket.
    #[arg(long, env = "SAMMEN_WS_MAX_OPERATIONS", default_value_t = 16)]
    pub ws_max_operations: usize,

    /// Most WebSockets open at once for one token (or one anonymous client address).
    #[arg(long, env = "SAMMEN_WS_MAX_SOCKETS_PER_TOKEN", default_value_t = 8)]
    pub ws_max_sockets_per_token: usize,

    /// Seconds a new WebSocket has to send `connection_init`.
    #[arg(long, env = "SAMMEN_WS_INIT_TIMEOUT_SECS", default_value_t = 10)]
    pub ws_init_timeout_secs: u64,

    /// Days the event log (every change, the projects' activity) is kept;
    /// older events are pruned every hour.
    #[arg(long, env = "SAMMEN_EVENT_RETENTION_DAYS", default_value_t = 90)]
    pub event_retention_days: u32,

    /// Folder where uploaded file parts are buffered (default: the OS temp folder).
    #[arg(long, env = "SAMMEN_UPLOAD_TEMP_DIR")]
    pub upload_temp_dir: Option<PathBuf>,

    /// The address partners reach this service at, for the links in webhook
    /// payloads (e.g. `https://sammen.example.org`); `http://<listen>` by default.
    #[arg(long, env = "SAMMEN_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// The key stored secrets (webhook signing secrets) are sealed with: 32
    /// bytes in base64. Every node of one network needs the same key.
    #[arg(long, env = "SAMMEN_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,

    /// The file holding that key, created with a new key on first start
    /// (default: `secret.key` beside the storage folder).
    #[arg(long, env = "SAMMEN_SECRET_KEY_FILE")]
    pub secret_key_file: Option<PathBuf>,

    #[command(flatten)]
    pub webhooks: WebhookArgs,

    #[command(flatten)]
    pub search: SearchArgs,
}

/// How the text of documents' files is extracted for search: in a child
/// process per file, with its memory, CPU time and output bounded.
#[derive(Args, Debug, Clone)]
pub struct SearchArgs {
    /// Seconds one file's extraction may take; the child is killed after.
    #[arg(long, env = "SAMMEN_SEARCH_EXTRACT_TIMEOUT_SECS", default_value_t = 10)]
    pub search_extract_timeout_secs: u64,

    /// Address space (MiB) the extracting child may use.
    #[arg(long, env = "SAMMEN_SEARCH_EXTRACT_MEMORY_MIB", default_value_t = 512)]
    pub search_extract_memory_mib: u64,

    /// Larger files are not extracted (SKIPPED `too_large`).
    #[arg(long, env = "SAMMEN_SEARCH_EXTRACT_MAX_BYTES", default_value_t = 25 * 1024 * 1024)]
    pub search_extract_max_bytes: u64,

    /// Characters of a file's text that are kept and searchable.
    #[arg(long, env = "SAMMEN_SEARCH_EXTRACT_MAX_CHARS", default_value_t = 200_000)]
    pub search_extract_max_chars: usize,

    /// Files this node extracts at once (0: none; another node does it).
    #[arg(long, env = "SAMMEN_SEARCH_EXTRACT_WORKERS", default_value_t = 1)]
    pub search_extract_workers: usize,

    /// The program run to extract (default: this one, as `sammen search extract`).
    #[arg(long, env = "SAMMEN_SEARCH_EXTRACTOR")]
    pub search_extractor: Option<PathBuf>,
}

impl Default for SearchArgs {
    fn default() -> Self {
        Self {
            search_extract_timeout_secs: 10,
            search_extract_memory_mib: 512,
            search_extract_max_bytes: 25 * 1024 * 1024,
            search_extract_max_chars: 200_000,
            search_extract_workers: 1,
            search_extractor: None,
        }
    }
}

/// How webhooks are delivered.
#[derive(Args, Debug, Clone)]
pub struct WebhookArgs {
    /// Allow webhook endpoints at `http://` loopback addresses (tests and
    /// local development only; endpoints are https and public otherwise).
    #[arg(long, env = "SAMMEN_WEBHOOK_ALLOW_LOOPBACK")]
    pub webhook_allow_loopback: bool,

    /// Deliveries in flight to one endpoint at once.
    #[arg(long, env = "SAMMEN_WEBHOOK_CONCURRENCY", default_value_t = 4)]
    pub webhook_concurrency: usize,

    /// Seconds an endpoint has to answer a delivery.
    #[arg(long, env = "SAMMEN_WEBHOOK_TIMEOUT_SECS", default_value_t = 10)]
    pub webhook_timeout_secs: u64,

    /// The schedule of a delivery's attempts, in seconds after the previous
    /// one: the first entry is the first attempt (0: at once), each further
    /// entry a retry (the schedule Standard Webhooks recommends). After the
    /// last, the delivery is FAILED.
    #[arg(
        long,
        env = "SAMMEN_WEBHOOK_RETRY_DELAYS_SECS",
        value_delimiter = ',',
        default_value = "0,5,300,1800,7200,18000,36000,50400,72000,86400"
    )]
    pub webhook_retry_delays_secs: Vec<u64>,

    /// Hours an endpoint may keep failing before it is disabled.
    #[arg(long, env = "SAMMEN_WEBHOOK_DISABLE_AFTER_HOURS", default_value_t = 120)]
    pub webhook_disable_after_hours: u64,
}

impl Default for WebhookArgs {
    fn default() -> Self {
        Self {
            webhook_allow_loopback: false,
            webhook_concurrency: 4,
            webhook_timeout_secs: 10,
            webhook_retry_delays_secs: vec![0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400],
            webhook_disable_after_hours: 120,
        }
    }
}

impl ServeArgs {
    /// The options `sammen serve` would run with here: the defaults and the
    /// `SAMMEN_…` environment. For commands that change data through the
    /// domain without serving (`sammen seed`), so they accept the same
    /// content locales and file sizes as the server.
    pub fn from_env() -> anyhow::Result<Self> {
        #[derive(Parser)]
        struct Serve {
            #[command(flatten)]
            serve: ServeArgs,
        }
        Ok(Serve::try_parse_from(["sammen"])?.serve)
    }
}

/// Request limits. Each has a clear error when exceeded.
#[derive(Args, Debug, Clone)]
pub struct Limits {
    /// Largest `/graphql` request body in bytes.
    #[arg(long, env = "SAMMEN_MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,

    /// Deepest allowed query nesting.
    #[arg(long, env = "SAMMEN_MAX_DEPTH", default_value_t = 12)]
    pub max_depth: usize,

    /// Highest allowed query complexity; a list field costs `first` times its selection.
    #[arg(long, env = "SAMMEN_MAX_COMPLEXITY", default_value_t = 5000)]
    pub max_complexity: usize,

    /// Most operations in one batched request.
    #[arg(long, env = "SAMMEN_MAX_BATCH", default_value_t = 10)]
    pub max_batch: usize,

    /// Seconds a request may run before it is abandoned.
    #[arg(long, env = "SAMMEN_REQUEST_TIMEOUT_SECS", default_value_t = 30.0)]
    pub request_timeout_secs: f64,

    /// Most SQL statements one operation may run; beyond it the remaining
    /// fields fail with QUERY_TOO_COMPLEX.
    #[arg(long, env = "SAMMEN_MAX_SQL_STATEMENTS", default_value_t = 500)]
    pub max_sql_statements: u64,

    /// Most tokens in the GraphQL text of one request (all operations of a
    /// batch together), counted before the text is parsed.
    #[arg(long, env = "SAMMEN_MAX_QUERY_TOKENS", default_value_t = 20_000)]
    pub max_query_tokens: usize,
}

impl Limits {
    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs_f64(self.request_timeout_secs.max(0.001))
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_bytes: 1024 * 1024,
            max_depth: 12,
            max_complexity: 5000,
            max_batch: 10,
            request_timeout_secs: 30.0,
            max_sql_statements: 500,
            max_query_tokens: 20_000,
        }
    }
}

/// A content locale from the command line: a well-formed BCP 47 tag, with
/// the Norwegian aliases applied (`no`, `nb` and `nn` mean nb-NO).
fn parse_content_locale(raw: &str) -> Result<unic_langid::LanguageIdentifier, String> {
    crate::l10n::negotiate::parse_tag(raw).ok_or_else(|| format!("not a BCP 47 language tag: {raw:?}"))
}

/// Everything `App::build` needs.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub global: GlobalArgs,
    pub serve: ServeArgs,
}

impl ServeConfig {
    /// A configuration for tests and embedding: the given database, port 0,
    /// default limits.
    pub fn for_database(database_url: impl Into<String>, database_schema: Option<String>) -> Self {
        Self {
            global: GlobalArgs {
                database_url: database_url.into(),
                database_schema,
                database_max_connections: 5,
                locales_dir: None,
                storage_dir: PathBuf::from("data/files"),
                storage_url: None,
                storage_options: Vec::new(),
                log_format: "text".into(),
            },
            serve: ServeArgs {
                listen: SocketAddr::from(([127, 0, 0, 1], 0)),
                demo: false,
                no_migrate: false,
                no_introspection: false,
                limits: Limits::default(),
                watch_locales: false,
                content_locales: ["nb-NO", "en-US", "da-DK", "nl-NL"]
                    .iter()
                    .filter_map(|t| t.parse().ok())
                    .collect(),
                session_hours: 12,
                login_max_failures: 10,
                login_window_secs: 900,
                max_upload_bytes: 50 * 1024 * 1024,
                import_timeout_secs: 30,
                import_allow_loopback: false,
                import_allow_http: false,
                login_max_failures_per_address: 100,
                trusted_proxies: Vec::new(),
                metrics_listen: SocketAddr::from(([127, 0, 0, 1], 0)),
                header_read_timeout_secs: 10,
                idle_timeout_secs: 60,
                max_connections: 1024,
                max_connections_per_address: 256,
                ws_max_operations: 16,
                ws_max_sockets_per_token: 8,
                ws_init_timeout_secs: 10,
                event_retention_days: 90,
                upload_temp_dir: None,
                public_url: None,
                secret_key: None,
                secret_key_file: None,
                webhooks: WebhookArgs::default(),
                search: SearchArgs::default(),
            },
        }
    }
}

/// Settings handlers and resolvers need beyond the limits.
#[derive(Debug, Clone)]
pub struct Settings {
    pub limits: Limits,
    pub max_upload_bytes: u64,
    pub session_lifetime: chrono::Duration,
    pub trusted_proxies: Vec<IpNet>,
    pub ws_max_operations: usize,
    pub ws_max_sockets_per_token: usize,
    pub ws_init_timeout: std::time::Duration,
    /// A WebSocket silent this long (pings unanswered) is closed.
    pub ws_idle_timeout: std::time::Duration,
    pub upload_temp_dir: Option<std::path::PathBuf>,
    /// Whether `__schema` and `__type` are answered.
    pub introspection: bool,
    /// `--content-locales`: what stored content may be translated into,
    /// besides the interface's own locales.
    pub content_locales: Vec<unic_langid::LanguageIdentifier>,
    /// Days events are kept.
    pub event_retention_days: u32,
    /// `--public-url`, without a trailing slash.
    pub public_url: String,
    /// How webhooks are delivered.
    pub webhooks: WebhookArgs,
    /// How files' text is extracted for search.
    pub search: SearchArgs,
    /// Seals stored secrets; `serve` sets it from `--secret-key(-file)`,
    /// other commands have none.
    pub secrets: Option<crate::secrets::SecretBox>,
}

impl Settings {
    /// The settings of `serve`'s options.
    pub fn from_args(serve: &ServeArgs) -> Self {
        Self {
            limits: serve.limits.clone(),
            max_upload_bytes: serve.max_upload_bytes,
            session_lifetime: chrono::Duration::hours(i64::from(serve.session_hours.max(1))),
            trusted_proxies: serve.trusted_proxies.clone(),
            ws_max_operations: serve.ws_max_operations.max(1),
            ws_max_sockets_per_token: serve.ws_max_sockets_per_token.max(1),
            ws_init_timeout: std::time::Duration::from_secs(serve.ws_init_timeout_secs.max(1)),
            ws_idle_timeout: std::time::Duration::from_secs(serve.idle_timeout_secs.max(1)),
            upload_temp_dir: serve.upload_temp_dir.clone(),
            introspection: !serve.no_introspection,
            content_locales: serve.content_locales.clone(),
            event_retention_days: serve.event_retention_days.max(1),
            public_url: serve
                .public_url
                .clone()
                .unwrap_or_else(|| format!("http://{}", serve.listen))
                .trim_end_matches('/')
                .to_owned(),
            webhooks: serve.webhooks.clone(),
            search: serve.search.clone(),
            secrets: None,
        }
    }

    /// The locales stored content may be in: `--content-locales` and every
    /// locale the interface has, en-US first.
    pub fn content_locales(
        &self,
        localizer: &crate::l10n::Localizer,
    ) -> Vec<unic_langid::LanguageIdentifier> {
        let mut out: Vec<unic_langid::LanguageIdentifier> = localizer.available().to_vec();
        for locale in &self.content_locales {
            if !out.contains(locale) {
                out.push(locale.clone());
            }
        }
        out
    }
}
