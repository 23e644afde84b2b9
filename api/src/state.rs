//! What every handler shares: the database pool, the token verifier, the body limit and the
//! clock. Database work runs on the blocking pool, never on an actix worker.

use std::sync::Arc;

use actix_web::web;
use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use samverkan_domain::accession::swedish_date;
use samverkan_persistence::DbPool;
use samverkan_persistence::db::{DbConnection, get_conn, write_transaction};

use crate::auth::Authenticator;
use crate::metrics::Metrics;
use crate::problem::ApiError;

/// Where "now" comes from. The domain never reads a clock; handlers, workflows, the cache
/// key and the sweep ask this one, so a test can set the date.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;

    /// Today in Sweden: the date every rule of the agreements counts in.
    fn today(&self) -> NaiveDate {
        swedish_date(self.now())
    }
}

/// The system clock: production's. Read to the microsecond, the precision both databases
/// store, so a timestamp answered at once equals the one read back later.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now().trunc_subsecs(6)
    }
}

/// Built once per server and shared by every worker.
pub struct AppState {
    pub pool: DbPool,
    pub auth: Authenticator,
    pub body_limit: usize,
    pub clock: Arc<dyn Clock>,
    /// The public address the served OpenAPI document names as its server
    /// (`SAMVERKAN_PUBLIC_URL`); `None` for the relative `/`.
    pub public_url: Option<String>,
    /// This server's metrics (served on `SAMVERKAN_METRICS_BIND` when set).
    pub metrics: Arc<Metrics>,
    /// The cache of public lists the server answers from (shared here so that its bounds
    /// can be observed).
    pub cache: Arc<crate::cache::PublicCache>,
    /// Rows per batch of a streamed export (CSV): a list longer than one batch is streamed.
    pub export_batch: i64,
    /// Days an application made on the form waits for its confirmation
    /// (`SAMVERKAN_VERIFICATION_DAYS`).
    pub verification_days: u32,
}

/// Rows per batch of a streamed export: one connection, one query per table and about
/// 100 kB of CSV at a time.
pub const EXPORT_BATCH: i64 = 1_000;

impl AppState {
    /// The state with the system clock.
    pub fn new(pool: DbPool, auth: Authenticator, body_limit: usize) -> Self {
        Self {
            pool,
            auth,
            body_limit,
            clock: Arc::new(SystemClock),
            public_url: None,
            metrics: Arc::new(Metrics::new()),
            cache: Arc::default(),
            export_batch: EXPORT_BATCH,
            verification_days: samverkan_domain::accession::DEFAULT_VERIFICATION_DAYS,
        }
    }

    /// Smaller batches make short lists stream too (tests).
    pub fn with_export_batch(self, export_batch: i64) -> Self {
        Self {
            export_batch: export_batch.max(1),
            ..self
        }
    }

    pub fn with_verification_days(self, verification_days: u32) -> Self {
        Self {
            verification_days: verification_days.clamp(1, 365),
            ..self
        }
    }

    pub fn with_public_url(self, public_url: Option<String>) -> Self {
        Self { public_url, ..self }
    }

    pub fn with_metrics(self, metrics: Arc<Metrics>) -> Self {
        Self { metrics, ..self }
    }

    pub fn with_clock(self, clock: Arc<dyn Clock>) -> Self {
        Self { clock, ..self }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn today(&self) -> NaiveDate {
        self.clock.today()
    }

    /// Runs blocking database work on the blocking pool; the pooled connection is taken and
    /// returned inside, never held across an `.await`.
    pub async fn read<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    {
        let pool = self.pool.clone();
        let metrics = self.metrics.clone();
        web::block(move || {
            let started = std::time::Instant::now();
            let conn = get_conn(&pool);
            metrics.pool_checkout(started.elapsed(), conn.is_ok());
            f(&mut *conn?)
        })
        .await?
    }

    /// Like `read`, inside one write transaction: everything `f` does lands, or nothing.
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    {
        let metrics = self.metrics.clone();
        self.read(move |conn| {
            let result = write_transaction(conn, f);
            metrics.transaction(result.is_ok());
            result
        })
        .await
    }
}
