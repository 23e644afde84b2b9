//! The in-memory cache of public list responses (the signatory list as JSON and CSV, the
//! embeddable page): what municipal websites and open-data clients read most.
//!
//! A hit answers without the database or the blocking pool. Every change clears the whole
//! cache: this process's own successful writes at once (the request middleware), and
//! writes of other processes or of background jobs through a watcher thread that notices
//! commits within `WATCH_INTERVAL` — PostgreSQL by `LISTEN`/`NOTIFY` (every write
//! transaction notifies), SQLite by `PRAGMA data_version`. A response computed from data
//! read before a change is never stored after it (the generation check in `put`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;

use actix_web::body::MessageBody as _;
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::web::Bytes;
use diesel::connection::SimpleConnection;
use diesel::{QueryableByName, RunQueryDsl};
use samverkan_persistence::DbPool;
use samverkan_persistence::db::{CHANGES_CHANNEL, DbConnection};

pub const WATCH_INTERVAL: Duration = Duration::from_millis(50);
/// Pooled connections the watcher holds while it runs (one, for the server's life); a pool
/// is sized this much above the connections meant for requests.
pub const WATCHER_CONNECTIONS: u32 = 1;
/// Past this many bytes of cached responses — keys, headers and bodies — the cache starts
/// over (its memory returned: the map shrinks, the bodies are freed).
pub const MAX_BYTES: usize = 32 * 1024 * 1024;
/// Past this many entries the cache starts over too: many small entries cost more than
/// their bytes.
pub const MAX_ENTRIES: usize = 1024;
/// The query parameters the cached reads take (`SignatoryParams`, `PageParams`, `CsvParams`,
/// `EmbedParams`, `AsOf`); any other is ignored by them, so it is left out of the key. The
/// embed page's theme parameters are applied to the cached page at response time
/// (`render::theme`), so they are not keys either.
const RECOGNISED: [&str; 13] = [
    "as_of",
    "cursor",
    "delimiter",
    "fragment",
    "headers",
    "include",
    "labels",
    "lang",
    "limit",
    "municipality",
    "public_body",
    "q",
    "rows",
];

/// One stored response: status 200, its headers (ETag included) and body.
pub struct Cached {
    pub etag: String,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Bytes,
    /// The route template that produced it, for the metrics and the log of a hit answered
    /// before routing: asking actix for it (`match_pattern`) tries every route's pattern,
    /// which cost more than the rest of a hit together.
    pub route: Option<String>,
}

/// The route template of a request answered from the cache before routing, kept in the
/// request's extensions for the request middleware.
#[derive(Debug, Clone)]
pub struct CachedRoute(pub String);

pub struct PublicCache {
    generation: AtomicU64,
    /// Random per process, so that a generation counted from zero again after a restart
    /// never names data of the run before (`data_version`).
    instance: u64,
    entries: RwLock<(HashMap<String, Arc<Cached>>, usize)>,
    stats: CacheStats,
}

/// What the cache counts for the metrics.
#[derive(Default)]
pub struct CacheStats {
    pub hits: AtomicU64,
    pub misses: AtomicU64,
    /// Entries dropped because the cache was full (not those cleared by a change).
    pub evictions: AtomicU64,
}

impl Default for PublicCache {
    fn default() -> Self {
        Self {
            generation: AtomicU64::new(0),
            // The random bits of a UUID v7 (its low 62 bits).
            instance: uuid::Uuid::now_v7().as_u128() as u64,
            entries: RwLock::default(),
            stats: CacheStats::default(),
        }
    }
}

impl PublicCache {
    /// The version of the data as this process knows it, for entity tags that must be known
    /// before the body is made (a streamed export): the generation, which every write here
    /// advances at once and every write of another process through the watcher, in this
    /// process's own numbering. Read it before the data.
    pub fn data_version(&self) -> String {
        format!("{:016x}.{}", self.instance, self.generation())
    }

    /// Read before computing a response; pass to `put`.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    pub fn get(&self, key: &str) -> Option<Arc<Cached>> {
        self.entries.read().ok()?.0.get(key).cloned()
    }

    /// Stores a response unless the data changed since `generation` was read. The budget
    /// counts the key, the headers and the body; past it, or past `MAX_ENTRIES`, the cache
    /// starts over. A response bigger than the whole budget is not stored.
    pub fn put(&self, key: String, generation: u64, cached: Cached) -> Arc<Cached> {
        let cached = Arc::new(cached);
        let size = key.len() + cached.size();
        if size > MAX_BYTES {
            return cached;
        }
        if let Ok(mut guard) = self.entries.write()
            && self.generation() == generation
        {
            let (map, bytes) = &mut *guard;
            if let Some(old) = map.remove(&key) {
                *bytes -= key.len() + old.size();
            }
            if *bytes + size > MAX_BYTES || map.len() >= MAX_ENTRIES {
                self.stats
                    .evictions
                    .fetch_add(map.len() as u64, Ordering::Relaxed);
                clear(map);
                *bytes = 0;
            }
            *bytes += size;
            map.insert(key, cached.clone());
        }
        cached
    }

    /// Something changed: forget everything.
    pub fn invalidate(&self) {
        if let Ok(mut guard) = self.entries.write() {
            self.generation.fetch_add(1, Ordering::AcqRel);
            clear(&mut guard.0);
            guard.1 = 0;
        }
    }

    /// How many entries the cache holds, and their bytes as the budget counts them.
    pub fn usage(&self) -> (usize, usize) {
        self.entries
            .read()
            .map(|g| (g.0.len(), g.1))
            .unwrap_or((0, 0))
    }

    pub fn len(&self) -> usize {
        self.entries.read().map(|g| g.0.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn stats(&self) -> &CacheStats {
        &self.stats
    }

    /// Entries and bytes of cached bodies.
    pub fn size(&self) -> (usize, usize) {
        self.entries
            .read()
            .map(|g| (g.0.len(), g.1))
            .unwrap_or((0, 0))
    }

    fn count(&self, hit: bool) {
        let counter = if hit {
            &self.stats.hits
        } else {
            &self.stats.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// Empties the map and gives its table back to the allocator (the bodies are freed with the
/// last reference to them).
///
/// Why no more than this (issue 13, "memory after eviction"): the cache is bounded by
/// `MAX_BYTES` and `MAX_ENTRIES`, and each stored body is an exact-size copy (`put_body`), so
/// what it holds is what the budget counts. Freed memory goes back to glibc's malloc, which
/// unmaps large blocks (the map's table, big bodies) and trims the top of its heap on its
/// own; small freed blocks stay in its arenas and are reused by the next entries, so the
/// resident size is bounded by the cache's bounds, not by the traffic that went through it.
/// We decided against a different global allocator (jemalloc, mimalloc: a heavy C build for
/// a bound we already have) and against calling `malloc_trim` (FFI needs `unsafe`, which the
/// workspace forbids, and no small safe crate offers it). An operator who wants a tighter
/// resident size can tune glibc without code (`MALLOC_ARENA_MAX=2`,
/// `GLIBC_TUNABLES=glibc.malloc.trim_threshold=…`); see ARCHITECTURE.md.
fn clear(map: &mut HashMap<String, Arc<Cached>>) {
    map.clear();
    map.shrink_to_fit();
}

impl Cached {
    /// The bytes this entry holds: headers and body.
    fn size(&self) -> usize {
        self.etag.len()
            + self.body.len()
            + self.route.as_ref().map_or(0, String::len)
            + self
                .headers
                .iter()
                .map(|(k, v)| k.as_str().len() + v.len())
                .sum::<usize>()
    }
}

#[derive(QueryableByName)]
struct DataVersion {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    data_version: i64,
}

/// The thread that watches the database for commits made elsewhere and clears the cache.
/// It ends when this guard is dropped (the server it belongs to has stopped: the guard's
/// drop waits for it) or when the cache is gone, so no watcher outlives its server or holds
/// a pooled connection past it.
pub struct Watcher {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Starts the watcher of `cache` on its own thread with its own pooled connection.
pub fn spawn_watcher(pool: DbPool, cache: Weak<PublicCache>) -> Watcher {
    let stop = Arc::new(AtomicBool::new(false));
    let stopped = stop.clone();
    let thread = std::thread::Builder::new()
        .name("cache-watcher".into())
        .spawn(move || {
            loop {
                let result = watch(&pool, &cache, &stopped);
                if !running(&cache, &stopped) {
                    return;
                }
                if let Err(e) = result {
                    log::warn!("cache watcher: {e}; restarting");
                }
                // Whatever happened while not watching is unknown: start clean.
                if !invalidate(&cache, &stopped) {
                    return;
                }
                for _ in 0..20 {
                    if !running(&cache, &stopped) {
                        return;
                    }
                    std::thread::sleep(WATCH_INTERVAL);
                }
            }
        })
        .map_err(|e| log::error!("cannot start the cache watcher: {e}"))
        .ok();
    Watcher { stop, thread }
}

fn running(cache: &Weak<PublicCache>, stop: &AtomicBool) -> bool {
    !stop.load(Ordering::Acquire) && cache.strong_count() > 0
}

/// Clears the cache if it still exists; `false` when the watcher should stop.
fn invalidate(cache: &Weak<PublicCache>, stop: &AtomicBool) -> bool {
    if stop.load(Ordering::Acquire) {
        return false;
    }
    match cache.upgrade() {
        Some(cache) => {
            cache.invalidate();
            true
        }
        None => false,
    }
}

/// Watches until stopped (`Ok`) or until the connection fails.
fn watch(pool: &DbPool, cache: &Weak<PublicCache>, stop: &AtomicBool) -> Result<(), String> {
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    match &mut *conn {
        DbConnection::Postgresql(pg) => {
            pg.batch_execute(&format!("LISTEN {CHANGES_CHANNEL}"))
                .map_err(|e| e.to_string())?;
            while running(cache, stop) {
                // A round trip lets libpq read notifications that have arrived.
                pg.batch_execute("SELECT 1").map_err(|e| e.to_string())?;
                let mut changed = false;
                for n in pg.notifications_iter() {
                    n.map_err(|e| e.to_string())?;
                    changed = true;
                }
                if changed && !invalidate(cache, stop) {
                    break;
                }
                std::thread::sleep(WATCH_INTERVAL);
            }
            // The connection goes back to the pool: without the listener.
            pg.batch_execute("UNLISTEN *").map_err(|e| e.to_string())
        }
        DbConnection::Sqlite(lite) => {
            // `data_version` changes when another connection commits to the file.
            let mut last: Option<i64> = None;
            while running(cache, stop) {
                let v = diesel::sql_query("PRAGMA data_version")
                    .get_result::<DataVersion>(lite)
                    .map_err(|e| e.to_string())?
                    .data_version;
                if last.is_some_and(|l| l != v) && !invalidate(cache, stop) {
                    break;
                }
                last = Some(v);
                std::thread::sleep(WATCH_INTERVAL);
            }
            Ok(())
        }
    }
}

/// Whether a response may be stored: a 200 that any cache may keep.
pub fn cacheable(status: StatusCode, headers: &actix_web::http::header::HeaderMap) -> bool {
    status == StatusCode::OK
        && headers
            .get(actix_web::http::header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("public"))
}

/// Answers a public read from the cache, or computes it with `produce` and stores it when
/// it may be shared. `key` names everything the response depends on.
pub async fn serve_cached<Fut>(
    req: &actix_web::HttpRequest,
    cache: &PublicCache,
    key: Option<String>,
    produce: Fut,
) -> Result<actix_web::HttpResponse, crate::problem::ApiError>
where
    Fut: std::future::Future<Output = Result<actix_web::HttpResponse, crate::problem::ApiError>>,
{
    let Some(key) = key else {
        return produce.await;
    };
    if let Some(hit) = cache.get(&key) {
        cache.count(true);
        return Ok(respond(req, &hit));
    }
    cache.count(false);
    let generation = cache.generation();
    let res = produce.await?;
    // A streamed body (a large export) is sent as it is made, never gathered to be stored.
    if !cacheable(res.status(), res.headers())
        || matches!(res.body().size(), actix_web::body::BodySize::Stream)
    {
        return Ok(res);
    }
    let (head, body) = res.into_parts();
    let body = put_body(
        actix_web::body::to_bytes(body)
            .await
            .map_err(|e| crate::problem::ApiError::Internal(e.to_string()))?,
    );
    let headers = head
        .headers()
        .iter()
        .filter(|(k, _)| *k != actix_web::http::header::CONTENT_LENGTH)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let etag = head
        .headers()
        .get(actix_web::http::header::ETAG)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let cached = cache.put(
        key,
        generation,
        Cached {
            etag,
            headers,
            body,
            route: req.match_pattern(),
        },
    );
    Ok(respond(req, &cached))
}

/// The body as the cache keeps it: in a buffer of exactly its length. A body serialised into
/// a growing `Vec` can hold up to twice its length in capacity, which `Bytes` keeps and the
/// budget (which counts lengths) would not see; one copy on a miss frees the slack.
fn put_body(body: Bytes) -> Bytes {
    Bytes::copy_from_slice(&body)
}

fn respond(req: &actix_web::HttpRequest, cached: &Cached) -> actix_web::HttpResponse {
    use actix_web::http::header;
    let not_modified = !cached.etag.is_empty()
        && req
            .headers()
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|inm| {
                inm.split(',').any(|t| {
                    let t = t.trim();
                    t == "*" || crate::http::base_tag(t).trim_start_matches("W/") == cached.etag
                })
            });
    let mut res = if not_modified {
        actix_web::HttpResponse::NotModified()
    } else {
        actix_web::HttpResponse::Ok()
    };
    for (k, v) in &cached.headers {
        if not_modified && *k == header::CONTENT_TYPE {
            continue;
        }
        res.insert_header((k.clone(), v.clone()));
    }
    if not_modified {
        res.finish()
    } else {
        res.body(cached.body.clone())
    }
}

/// The cache key of a public list request: the day (`as_of` defaults to `today`), the
/// representation (negotiated XLSX, CSV or JSON), the path and the recognised query parameters
/// (`RECOGNISED`), sorted, with `limit`'s default left out — so that parameters the reads
/// ignore neither make entries nor get past the cache. `None` (not cached) when the query
/// cannot be read or names a recognised parameter twice (the read answers 400 then). The
/// open-data catalogue's representation is the RDF syntax `Accept` negotiates (`None` when
/// it names none: the read answers 406).
pub fn key_for(req: &actix_web::HttpRequest, today: chrono::NaiveDate) -> Option<String> {
    let representation = if req.path().ends_with("/catalog") {
        let accept = req
            .headers()
            .get(actix_web::http::header::ACCEPT)
            .and_then(|v| v.to_str().ok());
        crate::render::dcat::RdfFormat::negotiate(accept)?.into()
    } else if crate::http::wants_xlsx(req) {
        "xlsx"
    } else if crate::http::wants_csv(req) {
        "csv"
    } else {
        "json"
    };
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(req.query_string()).ok()?;
    let mut kept: Vec<(String, String)> = pairs
        .into_iter()
        .filter(|(k, _)| RECOGNISED.contains(&k.as_str()))
        .filter(|(k, v)| !(k == "limit" && v == "50"))
        .collect();
    kept.sort();
    if kept.windows(2).any(|w| w[0].0 == w[1].0) {
        return None;
    }
    let query = serde_urlencoded::to_string(&kept).ok()?;
    Some(format!(
        "{}|{}|{}?{}",
        today,
        representation,
        req.path(),
        query
    ))
}

/// A hit for an anonymous GET, answered before routing: the hot path of embedded lists.
/// Requests with a token go the whole way (a bad token must still get its 401).
pub fn fast_hit(
    req: &actix_web::HttpRequest,
    cache: &PublicCache,
    today: chrono::NaiveDate,
) -> Option<actix_web::HttpResponse> {
    if req.method() != actix_web::http::Method::GET
        || req
            .headers()
            .contains_key(actix_web::http::header::AUTHORIZATION)
    {
        return None;
    }
    // A themed embed page shares the base page's entry; the handler applies the theme.
    if crate::render::theme::requested(req.path(), req.query_string()) {
        return None;
    }
    let hit = cache.get(&key_for(req, today)?)?;
    cache.count(true);
    if let Some(route) = &hit.route {
        actix_web::HttpMessage::extensions_mut(req).insert(CachedRoute(route.clone()));
    }
    Some(respond(req, &hit))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(body: &'static str) -> Cached {
        Cached {
            etag: "\"h1\"".into(),
            headers: vec![],
            body: Bytes::from_static(body.as_bytes()),
            route: None,
        }
    }

    #[test]
    fn a_stored_body_is_its_own_exact_copy() {
        let mut grown = Vec::with_capacity(4096);
        grown.extend_from_slice("Föreningen Åkerblomman".as_bytes());
        let body = Bytes::from(grown);
        let stored = put_body(body.clone());
        assert_eq!(stored, body);
        assert_ne!(
            stored.as_ptr(),
            body.as_ptr(),
            "a new buffer, not the grown one"
        );
    }

    #[test]
    fn the_key_holds_the_recognised_parameters_only_in_order() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let key = |q: &str| {
            let req = actix_web::test::TestRequest::get()
                .uri(&format!("/api/v1/agreements/x/signatories?{q}"))
                .to_http_request();
            key_for(&req, today)
        };
        let plain = key("q=%C3%A5s&municipality=1285");
        assert!(plain.is_some());
        assert_eq!(key("municipality=1285&q=%C3%A5s&x=1&utm_source=zzz"), plain);
        assert_eq!(key("municipality=1285&q=%C3%A5s&limit=50"), plain);
        assert_ne!(key("municipality=1285&q=%C3%A5s&limit=20"), plain);
        assert_eq!(key("q=a&q=b"), None);
    }

    #[test]
    fn the_cache_stays_within_its_entry_and_byte_bounds() {
        let cache = PublicCache::default();
        let g = cache.generation();
        for i in 0..(MAX_ENTRIES * 2 + 7) {
            cache.put(format!("k{i}"), g, entry("x"));
            let (entries, bytes) = cache.usage();
            assert!(entries <= MAX_ENTRIES && bytes <= MAX_BYTES);
        }
        let big = Cached {
            etag: String::new(),
            headers: vec![],
            body: Bytes::from(vec![b'a'; MAX_BYTES / 3]),
            route: None,
        };
        for i in 0..7 {
            cache.put(format!("stor{i}"), g, big.clone_for_test());
            assert!(cache.usage().1 <= MAX_BYTES);
        }
        // A key counts as well as its body.
        let before = cache.usage().1;
        cache.put("k".repeat(1000), g, entry("x"));
        assert!(cache.usage().1 >= before + 1000 || cache.usage().0 == 1);
    }

    impl Cached {
        fn clone_for_test(&self) -> Cached {
            Cached {
                etag: self.etag.clone(),
                headers: self.headers.clone(),
                body: self.body.clone(),
                route: self.route.clone(),
            }
        }
    }

    #[test]
    fn a_response_read_before_a_change_is_not_stored_after_it() {
        let cache = PublicCache::default();
        let before = cache.generation();
        cache.invalidate();
        cache.put("k".into(), before, entry("gammal"));
        assert!(cache.get("k").is_none());
        let now = cache.generation();
        cache.put("k".into(), now, entry("färsk"));
        assert_eq!(
            cache.get("k").unwrap().body,
            Bytes::from_static("färsk".as_bytes())
        );
        cache.invalidate();
        assert!(cache.is_empty());
    }
}
