//! A stopped server leaves nothing running: its cache watcher (a thread with a pooled
//! database connection) ends with it. The suite starts hundreds of servers in one process;
//! watchers left in libpq at process exit once crashed it.
//!
//! One test in its own binary, so that no other test's server is running beside it.

use samverkan_e2e::*;

/// The threads of this process named like the cache watcher.
fn watchers() -> usize {
    std::fs::read_dir("/proc/self/task")
        .map(|tasks| {
            tasks
                .filter_map(Result::ok)
                .filter(|t| {
                    std::fs::read_to_string(t.path().join("comm"))
                        .is_ok_and(|name| name.trim() == "cache-watcher")
                })
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn a_dropped_test_app_leaves_no_cache_watcher_behind() {
    if !std::path::Path::new("/proc/self/task").exists() {
        eprintln!("skipped: no /proc to count threads in");
        return;
    }
    let backends: &[Backend] = if cfg!(postgres_tests) {
        &[Backend::Sqlite, Backend::Postgres]
    } else {
        eprintln!("PostgreSQL not tested: {POSTGRES_ENV} is not set");
        &[Backend::Sqlite]
    };
    for &backend in backends {
        assert_eq!(watchers(), 0, "{backend:?}: none before");
        let app = TestApp::spawn(backend);
        assert_eq!(app.get("/health").status, 200);
        assert_eq!(
            watchers(),
            1,
            "{backend:?}: the server watches its database"
        );
        drop(app);
        assert_eq!(
            watchers(),
            0,
            "{backend:?}: the watcher stopped with the server"
        );
    }
}
