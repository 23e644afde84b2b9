//! The `samverkan` server binary.

use std::net::TcpListener;
use std::process::ExitCode;
use std::sync::{Arc, mpsc};
use std::time::Duration;

use clap::Parser;
use samverkan_api::auth::{Authenticator, TokenRequest};
use samverkan_api::cli::{Cli, Command, parse_ttl};
use samverkan_api::config::{JwtKey, ProcessEnv, Settings, unknown_variable_warnings};
use samverkan_api::logging::{self, LogFormat};
use samverkan_api::metrics::{Metrics, metrics_server};
use samverkan_api::server::server_with_grace;
use samverkan_api::setup::prepare_database;
use samverkan_api::state::{AppState, Clock, SystemClock};
use samverkan_api::{openapi, setup};
use samverkan_domain::access::Role;
use samverkan_persistence::DbPool;
use samverkan_persistence::db::{PoolOptions, build_pool};

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
        Command::Token {
            sub,
            roles,
            name,
            public_body,
            organizations,
            ttl,
        } => {
            let settings = Settings::from_env(&ProcessEnv)?;
            let roles = roles
                .iter()
                .map(|r| Role::parse(r).ok_or_else(|| format!("--role: unknown role {r:?}")))
                .collect::<Result<Vec<_>, _>>()?;
            let auth = Authenticator::new(&settings.jwt)?;
            let token = auth.mint(&TokenRequest {
                sub,
                name,
                roles,
                public_body_id: public_body,
                organization_ids: organizations,
                ttl_seconds: parse_ttl(&ttl)?,
            })?;
            println!("{token}");
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

fn serve(bind: Option<String>, demo: bool, no_migrate: bool) -> Result<(), String> {
    let mut settings = Settings::from_env(&ProcessEnv)?;
    if let Some(bind) = bind {
        settings.bind = bind;
    }
    let mut demo_key = false;
    if settings.jwt.key.is_none() {
        if !demo {
            return Err(
                "no JWT key configured: set SAMVERKAN_JWT_SECRET (HS256) or SAMVERKAN_JWT_PUBLIC_KEY (RS256/ES256), or run with --demo"
                    .into(),
            );
        }
        // A key of this run's own: tokens die with the process, which is what a demo wants.
        let secret = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        settings.jwt.key = Some(JwtKey::Secret(secret.into_bytes()));
        demo_key = true;
    }
    let auth = Authenticator::new(&settings.jwt)?;
    let pool = open_pool(&settings)?;
    if no_migrate {
        log::info!("--no-migrate: not applying migrations");
    } else {
        prepare_database(&pool)?;
    }
    if demo {
        seed_demo(&pool)?;
    }
    if demo_key {
        let token = auth.mint(&TokenRequest {
            sub: "demo-admin".into(),
            name: Some("Demo Administratör".into()),
            roles: vec![Role::PlatformAdmin],
            public_body_id: None,
            organization_ids: vec![],
            ttl_seconds: 12 * 3600,
        })?;
        println!(
            "Demo mode: a platform administrator token, valid 12 hours (paste into /docs → Authorize):\n\n{token}\n"
        );
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
