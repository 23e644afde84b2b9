//! Operational metrics in the Prometheus text format, served on a bind address of their own
//! (`SAMVERKAN_METRICS_BIND`), never on the public port.
//!
//! One `Metrics` per server (in `AppState`), with its own registry: the counters move at the
//! narrowest points (the request middleware's last step, the pool checkout and the write
//! transaction in `AppState`, the cache, the sweep), and what is a state rather than an event
//! (the pool's connections, the cache's entries and bytes) is read when scraped.

use std::net::TcpListener;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::{App, HttpResponse, HttpServer, web};
use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts,
    Registry, TextEncoder,
};
use samverkan_persistence::DbPool;

use crate::cache::PublicCache;

/// The version of this build and its git commit (`SAMVERKAN_GIT_COMMIT` at build time, as the
/// Dockerfile passes it), `unknown` when not given.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
pub const GIT_COMMIT: &str = match option_env!("SAMVERKAN_GIT_COMMIT") {
    Some(c) => c,
    None => "unknown",
};

/// Latency buckets in seconds, from 50 µs (a cached public list) to 10 s (the client timeout).
pub const LATENCY_BUCKETS: &[f64] = &[
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
    2.5, 5.0, 10.0,
];

/// The label of requests that matched no route: raw paths would make a series per path.
pub const UNMATCHED_ROUTE: &str = "unmatched";

pub struct Metrics {
    registry: Registry,
    http_requests: IntCounterVec,
    http_duration: HistogramVec,
    cache_hits: IntCounter,
    cache_misses: IntCounter,
    cache_evictions: IntCounter,
    cache_entries: IntGauge,
    cache_bytes: IntGauge,
    pool_max: IntGauge,
    pool_connections: IntGauge,
    pool_in_use: IntGauge,
    pool_wait: Histogram,
    pool_timeouts: IntCounter,
    transactions: IntCounterVec,
    transaction_retries: IntCounter,
    sweep_runs: IntCounterVec,
    sweep_ended: IntCounter,
    sweep_last_run: IntGauge,
    changes_held_back: IntGauge,
    changes_held_back_age: IntGauge,
    cache: Mutex<Option<Weak<PublicCache>>>,
}

fn counter_vec(registry: &Registry, name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
    let c = IntCounterVec::new(Opts::new(name, help), labels).expect("valid metric");
    registry
        .register(Box::new(c.clone()))
        .expect("unique metric");
    c
}

fn counter(registry: &Registry, name: &str, help: &str) -> IntCounter {
    let c = IntCounter::new(name, help).expect("valid metric");
    registry
        .register(Box::new(c.clone()))
        .expect("unique metric");
    c
}

fn gauge(registry: &Registry, name: &str, help: &str) -> IntGauge {
    let g = IntGauge::new(name, help).expect("valid metric");
    registry
        .register(Box::new(g.clone()))
        .expect("unique metric");
    g
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

#[allow(clippy::expect_used)] // fixed names and labels: a failure is a bug seen at once
impl Metrics {
    pub fn new() -> Self {
        let r = Registry::new();
        let http_duration = HistogramVec::new(
            HistogramOpts::new(
                "samverkan_http_request_duration_seconds",
                "Time from request to response head, by route template and method.",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["route", "method"],
        )
        .expect("valid metric");
        r.register(Box::new(http_duration.clone()))
            .expect("unique metric");
        let pool_wait = Histogram::with_opts(
            HistogramOpts::new(
                "samverkan_db_pool_wait_seconds",
                "Time a request waited for a pooled database connection.",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
        )
        .expect("valid metric");
        r.register(Box::new(pool_wait.clone()))
            .expect("unique metric");
        let start = gauge(
            &r,
            "process_start_time_seconds",
            "Start time of the process since the Unix epoch, in seconds.",
        );
        start.set(process_start().timestamp());
        let build = IntGaugeVecLite::new(&r);
        build.set(VERSION, GIT_COMMIT);
        Self {
            http_requests: counter_vec(
                &r,
                "samverkan_http_requests_total",
                "HTTP requests by route template, method and status class.",
                &["route", "method", "status"],
            ),
            http_duration,
            cache_hits: counter(
                &r,
                "samverkan_cache_hits_total",
                "Public list requests answered from the cache.",
            ),
            cache_misses: counter(
                &r,
                "samverkan_cache_misses_total",
                "Public list requests computed because the cache did not hold them.",
            ),
            cache_evictions: counter(
                &r,
                "samverkan_cache_evictions_total",
                "Cached responses dropped because the cache was full.",
            ),
            cache_entries: gauge(&r, "samverkan_cache_entries", "Responses in the cache."),
            cache_bytes: gauge(&r, "samverkan_cache_bytes", "Bytes of cached bodies."),
            pool_max: gauge(
                &r,
                "samverkan_db_pool_max_connections",
                "Configured size of the database pool.",
            ),
            pool_connections: gauge(
                &r,
                "samverkan_db_pool_connections",
                "Open connections of the database pool.",
            ),
            pool_in_use: gauge(
                &r,
                "samverkan_db_pool_in_use",
                "Connections checked out of the database pool.",
            ),
            pool_wait,
            pool_timeouts: counter(
                &r,
                "samverkan_db_pool_timeouts_total",
                "Checkouts that gave up waiting for a connection (answered 503).",
            ),
            transactions: counter_vec(
                &r,
                "samverkan_db_transactions_total",
                "Write transactions by outcome: commit or rollback.",
                &["outcome"],
            ),
            transaction_retries: counter(
                &r,
                "samverkan_db_transaction_retries_total",
                "Write transactions retried after a serialization or lock failure.",
            ),
            sweep_runs: counter_vec(
                &r,
                "samverkan_sweep_runs_total",
                "Runs of the reconfirmation sweep by result: ok or error.",
                &["result"],
            ),
            sweep_ended: counter(
                &r,
                "samverkan_sweep_ended_accessions_total",
                "Accessions the sweep ended because they were not reconfirmed in time.",
            ),
            sweep_last_run: gauge(
                &r,
                "samverkan_sweep_last_run_timestamp_seconds",
                "When the sweep last ran, since the Unix epoch.",
            ),
            changes_held_back: gauge(
                &r,
                "samverkan_changes_held_back",
                "Committed changes the feed does not show yet: an older transaction is open.",
            ),
            changes_held_back_age: gauge(
                &r,
                "samverkan_changes_held_back_age_seconds",
                "Age of the oldest committed change the feed does not show yet (0: none).",
            ),
            registry: r,
            cache: Mutex::new(None),
        }
    }

    /// One answered request. `route` is the matched route template, never the raw path.
    pub fn request(&self, route: Option<&str>, method: &str, status: u16, elapsed: Duration) {
        let route = route.unwrap_or(UNMATCHED_ROUTE);
        let class = match status {
            100..=199 => "1xx",
            200..=299 => "2xx",
            300..=399 => "3xx",
            400..=499 => "4xx",
            _ => "5xx",
        };
        self.http_requests
            .with_label_values(&[route, method, class])
            .inc();
        self.http_duration
            .with_label_values(&[route, method])
            .observe(elapsed.as_secs_f64());
    }

    /// One checkout from the pool: how long it waited, and whether it got a connection.
    pub fn pool_checkout(&self, waited: Duration, ok: bool) {
        self.pool_wait.observe(waited.as_secs_f64());
        if !ok {
            self.pool_timeouts.inc();
        }
    }

    /// One write transaction's outcome.
    pub fn transaction(&self, committed: bool) {
        self.transactions
            .with_label_values(&[if committed { "commit" } else { "rollback" }])
            .inc();
    }

    /// A write transaction retried. Nothing retries today (SQLite writers queue on the busy
    /// timeout, PostgreSQL ones on row locks), so this stays 0 until something does.
    pub fn transaction_retry(&self) {
        self.transaction_retries.inc();
    }

    /// One run of the reconfirmation sweep: the accessions it ended, or its failure.
    pub fn sweep(&self, result: Result<usize, ()>) {
        self.sweep_last_run.set(chrono::Utc::now().timestamp());
        match result {
            Ok(n) => {
                self.sweep_runs.with_label_values(&["ok"]).inc();
                self.sweep_ended.inc_by(n as u64);
            }
            Err(()) => self.sweep_runs.with_label_values(&["error"]).inc(),
        }
    }

    /// The server's public cache, read at every scrape.
    pub fn watch_cache(&self, cache: Weak<PublicCache>) {
        if let Ok(mut c) = self.cache.lock() {
            *c = Some(cache);
        }
    }

    /// The text exposition, with the states read now.
    pub fn render(&self, pool: &DbPool) -> String {
        let state = pool.state();
        self.pool_max.set(i64::from(pool.max_size()));
        self.pool_connections.set(i64::from(state.connections));
        self.pool_in_use
            .set(i64::from(state.connections - state.idle_connections));
        let cache = self
            .cache
            .lock()
            .ok()
            .and_then(|c| c.as_ref().and_then(Weak::upgrade));
        if let Some(cache) = cache {
            let s = cache.stats();
            catch_up(&self.cache_hits, s.hits.load(Ordering::Relaxed));
            catch_up(&self.cache_misses, s.misses.load(Ordering::Relaxed));
            catch_up(&self.cache_evictions, s.evictions.load(Ordering::Relaxed));
            let (entries, bytes) = cache.size();
            self.cache_entries.set(gauge_value(entries as u64));
            self.cache_bytes.set(gauge_value(bytes as u64));
        }
        match samverkan_persistence::db::get_conn(pool).map(|mut conn| {
            samverkan_persistence::changes::held_back(&mut conn, chrono::Utc::now())
        }) {
            Ok(Ok((count, age))) => {
                self.changes_held_back.set(count);
                self.changes_held_back_age.set(age);
            }
            Ok(Err(e)) => log::warn!("metrics: cannot read the change feed's horizon: {e}"),
            Err(e) => log::warn!("metrics: no connection for the change feed's horizon: {e}"),
        }
        let mut buf = Vec::new();
        match TextEncoder::new().encode(&self.registry.gather(), &mut buf) {
            Ok(()) => String::from_utf8_lossy(&buf).into_owned(),
            Err(e) => {
                log::error!("metrics: cannot encode: {e}");
                String::new()
            }
        }
    }
}

/// Moves a counter up to a count kept elsewhere (the cache counts its own hits).
fn catch_up(counter: &IntCounter, seen: u64) {
    let current = counter.get();
    if seen > current {
        counter.inc_by(seen - current);
    }
}

fn gauge_value(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// `samverkan_build_info{version, commit} 1`.
struct IntGaugeVecLite(prometheus::IntGaugeVec);

#[allow(clippy::expect_used)]
impl IntGaugeVecLite {
    fn new(r: &Registry) -> Self {
        let g = prometheus::IntGaugeVec::new(
            Opts::new(
                "samverkan_build_info",
                "The running build: version and git commit; always 1.",
            ),
            &["version", "commit"],
        )
        .expect("valid metric");
        r.register(Box::new(g.clone())).expect("unique metric");
        Self(g)
    }

    fn set(&self, version: &str, commit: &str) {
        self.0.with_label_values(&[version, commit]).set(1);
    }
}

/// When this process started (first asked: `main` asks at once).
pub fn process_start() -> chrono::DateTime<chrono::Utc> {
    static START: std::sync::OnceLock<chrono::DateTime<chrono::Utc>> = std::sync::OnceLock::new();
    *START.get_or_init(chrono::Utc::now)
}

struct MetricsSource {
    metrics: Arc<Metrics>,
    pool: DbPool,
}

async fn scrape(source: web::Data<MetricsSource>) -> HttpResponse {
    let source = source.into_inner();
    let text = web::block(move || source.metrics.render(&source.pool))
        .await
        .unwrap_or_default();
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(text)
}

/// The metrics server: `GET /metrics` and nothing else, one worker, no signal handling of
/// its own (it is stopped with the main server).
pub fn metrics_server(
    listener: TcpListener,
    metrics: Arc<Metrics>,
    pool: DbPool,
) -> std::io::Result<Server> {
    let source = web::Data::new(MetricsSource { metrics, pool });
    Ok(HttpServer::new(move || {
        App::new()
            .app_data(source.clone())
            .route("/metrics", web::get().to(scrape))
    })
    .workers(1)
    .disable_signals()
    .shutdown_timeout(1)
    .listen(listener)?
    .run())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_classes_and_unmatched_routes() {
        let m = Metrics::new();
        m.request(Some("/api/v1/agreements/{id}"), "GET", 200, Duration::ZERO);
        m.request(None, "GET", 404, Duration::from_micros(80));
        m.request(None, "POST", 503, Duration::from_micros(80));
        let families = m.registry.gather();
        let text = {
            let mut buf = Vec::new();
            TextEncoder::new().encode(&families, &mut buf).unwrap();
            String::from_utf8(buf).unwrap()
        };
        assert!(text.contains(
            r#"samverkan_http_requests_total{method="GET",route="/api/v1/agreements/{id}",status="2xx"} 1"#
        ), "{text}");
        assert!(text.contains(
            r#"samverkan_http_requests_total{method="GET",route="unmatched",status="4xx"} 1"#
        ));
        assert!(text.contains(
            r#"samverkan_http_requests_total{method="POST",route="unmatched",status="5xx"} 1"#
        ));
        // The two 80 µs requests fall in the 100 µs bucket, not the 50 µs one.
        assert!(text.contains(
            r#"samverkan_http_request_duration_seconds_bucket{method="GET",route="unmatched",le="0.0001"} 1"#
        ));
        assert!(text.contains(
            r#"samverkan_http_request_duration_seconds_bucket{method="GET",route="unmatched",le="0.00005"} 0"#
        ));
    }
}
