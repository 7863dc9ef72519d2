//! Prometheus metrics, served as text at `/metrics`: HTTP requests by route
//! and status, their latency, and GraphQL errors by code.

use std::sync::Mutex;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ErrorLabels {
    pub code: String,
}

/// The metrics of one process.
pub struct Metrics {
    registry: Mutex<Registry>,
    pub requests: Family<RequestLabels, Counter>,
    pub latency: Family<RouteLabels, Histogram>,
    pub graphql_errors: Family<ErrorLabels, Counter>,
    /// SQL statements sent to the database (a query's count shows N+1 at a glance).
    pub db_statements: Counter,
    /// Webhook delivery attempts by the state they left the delivery in.
    pub webhook_attempts: Family<ErrorLabels, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("sammen");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.001, 2.0, 16))
        });
        let graphql_errors = Family::<ErrorLabels, Counter>::default();
        let db_statements = Counter::default();
        registry.register(
            "db_statements",
            "SQL statements executed (by requests and workers; not the event feed's reads)",
            db_statements.clone(),
        );
        registry.register(
            "http_requests",
            "HTTP requests by route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency by route",
            latency.clone(),
        );
        registry.register(
            "graphql_errors",
            "GraphQL errors by extensions.code",
            graphql_errors.clone(),
        );
        let webhook_attempts = Family::<ErrorLabels, Counter>::default();
        registry.register(
            "webhook_attempts",
            "Webhook delivery attempts by the delivery's state after it (code)",
            webhook_attempts.clone(),
        );
        Self {
            registry: Mutex::new(registry),
            requests,
            latency,
            graphql_errors,
            db_statements,
            webhook_attempts,
        }
    }
}

impl Metrics {
    /// The exposition text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if let Ok(registry) = self.registry.lock()
            && let Err(error) = prometheus_client::encoding::text::encode(&mut out, &registry)
        {
            tracing::error!(%error, "encoding metrics failed");
        }
        out
    }

    pub fn count_error(&self, code: &str) {
        self.graphql_errors
            .get_or_create(&ErrorLabels {
                code: code.to_owned(),
            })
            .inc();
    }
}
