//! The `samverkan` server binary.

use std::net::TcpListener;
use std::process::ExitCode;

use clap::Parser;
use samverkan_api::auth::{Authenticator, TokenRequest};
use samverkan_api::cli::{Cli, Command, parse_ttl};
use samverkan_api::config::{JwtKey, ProcessEnv, Settings};
use samverkan_api::server::server;
use samverkan_api::setup::prepare_database;
use samverkan_api::state::{AppState, Clock, SystemClock};
use samverkan_api::{openapi, setup};
use samverkan_domain::access::Role;
use samverkan_persistence::DbPool;
use samverkan_persistence::db::{PoolOptions, build_pool};

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    match run(Cli::parse()) {
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
    let sweeper = pool.clone();
    let clock = std::sync::Arc::new(SystemClock);
    let sweep_clock = clock.clone();
    std::thread::spawn(move || {
        loop {
            match setup::sweep_reconfirmations(&sweeper, sweep_clock.now()) {
                Ok(0) => {}
                Ok(n) => log::info!("ended {n} accessions not reconfirmed in time"),
                Err(e) => log::error!("reconfirmation sweep failed: {e}"),
            }
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    });
    let listener = TcpListener::bind(&settings.bind)
        .map_err(|e| format!("SAMVERKAN_BIND: cannot listen on {}: {e}", settings.bind))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    println!("Samverkan listening on http://{address}  (API docs: http://{address}/docs/)");
    let state = AppState::new(pool, auth, settings.body_limit)
        .with_clock(clock)
        .with_public_url(settings.public_url.clone());
    let server = server(
        listener,
        state,
        settings.workers,
        settings.client_request_timeout,
    )
    .map_err(|e| e.to_string())?;
    actix_web::rt::System::new()
        .block_on(server)
        .map_err(|e| e.to_string())
}
