//! The `samverkan` server binary.

use std::net::TcpListener;
use std::process::ExitCode;
use std::sync::{Arc, mpsc};
use std::time::Duration;

use clap::Parser;
use samverkan_api::auth::Authenticator;
use samverkan_api::cli::{Cli, Command, parse_ttl};
use samverkan_api::config::{JwtKey, ProcessEnv, Settings, unknown_variable_warnings};
use samverkan_api::logging::{self, LogFormat};
use samverkan_api::metrics::{Metrics, metrics_server};
use samverkan_api::server::server_with_grace;
use samverkan_api::setup::prepare_database;
use samverkan_api::state::{AppState, Clock, SystemClock};
use samverkan_api::{openapi, setup};
use samverkan_persistence::db::{PoolOptions, build_pool};
use samverkan_persistence::{DatabaseUrl, DbPool};

fn main() -> ExitCode {
    samverkan_api::metrics::process_start();
    let cli = Cli::parse();
    // The log format is the one setting read before the others: errors in them are logged.
    let format = std::env::var("SAMVERKAN_LOG_FORMAT")
        .ok()
        .and_then(|v| LogFormat::parse(&v).ok())
        .unwrap_or_default();
    logging::init(format);
    let names: Vec<String> = std::env::vars_os()
        .filter_map(|(k, _)| k.into_string().ok())
        .collect();
    for warning in unknown_variable_warnings(names.iter().map(String::as_str)) {
        log::warn!("{warning}");
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("samverkan: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Openapi => {
            print!("{}", openapi::api_document_text());
            Ok(())
        }
        Command::Probe { url } => samverkan_api::cli::probe(&url, Duration::from_secs(3)),
        Command::CheckConfig => {
            let settings = Settings::from_env(&ProcessEnv)?;
            println!("{}", settings.describe());
            Ok(())
        }
        Command::Migrate => {
            let settings = Settings::from_env(&ProcessEnv)?;
            let pool = open_pool(&settings)?;
            prepare_database(&pool)
        }
        Command::SeedDemo => {
            let settings = Settings::from_env(&ProcessEnv)?;
            let pool = open_pool(&settings)?;
            prepare_database(&pool)?;
            seed_demo(&pool)
        }
        Command::Export { output } => {
            let settings = Settings::from_env(&ProcessEnv)?;
            let pool = open_pool(&settings)?;
            let manifest = samverkan_api::backup::export(&pool, &output, chrono::Utc::now())?;
            let rows: u64 = manifest.tables.iter().map(|t| t.rows).sum();
            println!(
                "exported {rows} rows of {} tables (schema {}) to {}",
                manifest.tables.len(),
                manifest.schema_version,
                output.display()
            );
            Ok(())
        }
        Command::Import { input } => {
            let settings = Settings::from_env(&ProcessEnv)?;
            let pool = open_pool(&settings)?;
            let restored = samverkan_api::backup::import(&pool, &input)?;
            println!(
                "restored {} rows of {} tables (schema {}, exported from {} at {}) into {}",
                restored.rows,
                restored.manifest.tables.len(),
                restored.manifest.schema_version,
                restored.manifest.source_backend,
                restored.manifest.exported_at.to_rfc3339(),
                settings.database_url.describe()
            );
            for warning in &restored.warnings {
                log::warn!("{warning}");
            }
            Ok(())
        }
        Command::Token(args) => {
            let settings = Settings::from_env(&ProcessEnv)?;
            println!("{}", samverkan_api::cli::mint_token(&settings, &args)?);
            Ok(())
        }
        Command::Serve {
            bind,
            demo,
            no_migrate,
        } => serve(bind, demo, no_migrate),
    }
}

fn open_pool(settings: &Settings) -> Result<DbPool, String> {
    log::info!("database: {}", settings.database_url.describe());
    build_pool(
        &settings.database_url,
        &PoolOptions {
            // The cache's watcher keeps one connection for the server's life: the pool has
            // `SAMVERKAN_DB_POOL_SIZE` for requests besides it (with 1, the server could not
            // even start).
            max_size: settings.pool_size.max(1) + samverkan_api::cache::WATCHER_CONNECTIONS,
            ..PoolOptions::default()
        },
    )
    .map_err(|e| format!("DATABASE_URL: cannot open the database: {e}"))
}

fn seed_demo(pool: &DbPool) -> Result<(), String> {
    if setup::seed_demo(pool)? {
        log::info!("loaded demo data");
    } else {
        log::info!("database not empty: demo data not loaded");
    }
    Ok(())
}

/// The table of ready demo tokens, and beside the database the commands that mint them
/// again (the tokens themselves expire; the commands do not).
fn print_demo_tokens(
    settings: &Settings,
    pool: &DbPool,
    auth: &Authenticator,
) -> Result<(), String> {
    let identities = setup::demo_identities(pool)?;
    let ttl_seconds = settings.jwt.max_lifetime_seconds.min(12 * 3600);
    let ttl = if ttl_seconds.is_multiple_of(3600) {
        format!("{}h", ttl_seconds / 3600)
    } else {
        format!("{}m", (ttl_seconds / 60).max(1))
    };
    let ttl_seconds = parse_ttl(&ttl)?;
    let mut table = format!(
        "Demo mode: tokens valid {ttl} (paste one into /docs → Authorize, then try GET /api/v1/me):\n"
    );
    let mut script = format!(
        "#!/bin/sh\n# The demo's tokens, minted again: run with the same DATABASE_URL{} as `serve --demo`.\n",
        if matches!(settings.jwt.key, Some(JwtKey::Secret(_)))
            && std::env::var_os("SAMVERKAN_JWT_SECRET").is_some()
        {
            " and SAMVERKAN_JWT_SECRET"
        } else {
            ""
        }
    );
    for identity in &identities {
        let token = match auth.mint(&identity.token_request(ttl_seconds)) {
            Ok(token) => token,
            Err(why) => format!("(cannot mint here: {why})"),
        };
        table.push_str(&format!(
            "\n  {}\n    sub {}, roles {}, acts for {}\n    {token}\n",
            identity.who,
            identity.sub,
            identity
                .roles
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            identity.acts_for()
        ));
        script.push_str(&format!(
            "\n# {}\n{}\n",
            identity.who,
            identity.command(&ttl)
        ));
    }
    let file = demo_tokens_file(&settings.database_url);
    match std::fs::write(&file, script) {
        Ok(()) => table.push_str(&format!(
            "\nThe commands that mint these again: {}\n",
            file.display()
        )),
        Err(e) => log::warn!("cannot write {}: {e}", file.display()),
    }
    println!("{table}");
    Ok(())
}

/// Beside the SQLite file (`demo.db` → `demo.db.tokens.sh`); for PostgreSQL, which has no
/// file, in the working directory.
fn demo_tokens_file(url: &DatabaseUrl) -> std::path::PathBuf {
    match url {
        DatabaseUrl::Sqlite(path) => {
            let mut name = path.file_name().unwrap_or_default().to_os_string();
            name.push(".tokens.sh");
            path.with_file_name(name)
        }
        DatabaseUrl::Postgres(_) => "samverkan-demo-tokens.sh".into(),
    }
}

fn serve(bind: Option<String>, demo: bool, no_migrate: bool) -> Result<(), String> {
    let mut settings = Settings::from_env(&ProcessEnv)?;
    if let Some(bind) = bind {
        settings.bind = bind;
    }
    if settings.jwt.key.is_none() && settings.oidc.is_none() && !demo {
        return Err(
            "no JWT key configured: set SAMVERKAN_JWT_SECRET (HS256) or SAMVERKAN_JWT_PUBLIC_KEY (RS256/ES256), or SAMVERKAN_OIDC_ISSUER with SAMVERKAN_CLAIMS_MAP, or run with --demo"
                .into(),
        );
    }
    let pool = open_pool(&settings)?;
    if no_migrate {
        log::info!("--no-migrate: not applying migrations");
    } else {
        prepare_database(&pool)?;
    }
    if demo {
        seed_demo(&pool)?;
        if settings.jwt.key.is_none() {
            // The demo database's own key, so `samverkan token` on the same DATABASE_URL
            // mints tokens this server accepts.
            settings.jwt.key = Some(JwtKey::Secret(setup::demo_jwt_secret(&pool)?));
        }
    }
    // The identity providers' mapping is checked against the register (a wrong one fails
    // here); their keys are fetched by a thread of their own, so an unreachable provider
    // does not stop the start (`/ready` answers 503 until its keys arrive).
    let oidc = settings
        .oidc
        .as_ref()
        .map(|o| {
            samverkan_api::oidc::prepare(
                o,
                &pool,
                samverkan_api::oidc::OidcOptions {
                    leeway_seconds: settings.jwt.leeway_seconds,
                    max_lifetime_seconds: settings.jwt.max_lifetime_seconds,
                    ..Default::default()
                },
            )
        })
        .transpose()?;
    let auth = Authenticator::with_providers(&settings.jwt, oidc)?;
    if demo && let Err(why) = print_demo_tokens(&settings, &pool, &auth) {
        // A database holding other data than the demo's has no demo identities.
        log::warn!("no demo tokens: {why}");
    }
    // Accessions not reconfirmed for a revised agreement end when their deadline passes.
    // The sweep stops between runs (never inside one's transaction) when the server stops.
    let metrics = Arc::new(Metrics::new());
    let sweeper = pool.clone();
    let clock = Arc::new(SystemClock);
    let sweep_clock = clock.clone();
    let sweep_metrics = metrics.clone();
    let (stop_sweep, sweep_stopped) = mpsc::channel::<()>();
    let sweep = std::thread::Builder::new()
        .name("sweep".into())
        .spawn(move || {
            loop {
                let result = setup::sweep_reconfirmations(&sweeper, sweep_clock.now());
                match &result {
                    Ok(0) => {}
                    Ok(n) => log::info!("ended {n} accessions not reconfirmed in time"),
                    Err(e) => log::error!("reconfirmation sweep failed: {e}"),
                }
                sweep_metrics.sweep(result.map_err(|_| ()));
                match sweep_stopped.recv_timeout(Duration::from_secs(3600)) {
                    Err(mpsc::RecvTimeoutError::Timeout) => {}
                    _ => return,
                }
            }
        })
        .map_err(|e| format!("cannot start the sweep: {e}"))?;
    let listener = TcpListener::bind(&settings.bind)
        .map_err(|e| format!("SAMVERKAN_BIND: cannot listen on {}: {e}", settings.bind))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let metrics_listener = settings
        .metrics_bind
        .as_ref()
        .map(|bind| {
            TcpListener::bind(bind)
                .map_err(|e| format!("SAMVERKAN_METRICS_BIND: cannot listen on {bind}: {e}"))
        })
        .transpose()?;
    println!("Samverkan listening on http://{address}  (API docs: http://{address}/docs/)");
    let state = AppState::new(pool.clone(), auth, settings.body_limit)
        .with_clock(clock)
        .with_public_url(settings.public_url.clone())
        .with_verification_days(settings.verification_days)
        .with_metrics(metrics.clone());
    let result = actix_web::rt::System::new().block_on(async move {
        let metrics_handle = match metrics_listener {
            Some(listener) => {
                let at = listener.local_addr().map_err(|e| e.to_string())?;
                log::info!("metrics on http://{at}/metrics");
                let srv = metrics_server(listener, metrics, pool).map_err(|e| e.to_string())?;
                let handle = srv.handle();
                actix_web::rt::spawn(srv);
                Some(handle)
            }
            None => None,
        };
        let server = server_with_grace(
            listener,
            state,
            settings.workers,
            settings.client_request_timeout,
            settings.shutdown_grace,
        )
        .map_err(|e| e.to_string())?;
        // Runs until SIGTERM/SIGINT: stops accepting, lets in-flight requests finish within
        // the grace, then returns.
        let result = server.await.map_err(|e| e.to_string());
        if let Some(handle) = metrics_handle {
            handle.stop(true).await;
        }
        result
    });
    drop(stop_sweep);
    let _ = sweep.join();
    log::info!("stopped");
    result
}
