//! The `samverkan` command line.

use clap::{Parser, Subcommand};
use samverkan_domain::access::Role;
use samverkan_persistence::db::{PoolOptions, build_pool};
use samverkan_persistence::{DatabaseUrl, DbPool};
use uuid::Uuid;

use crate::auth::{Authenticator, TokenRequest};
use crate::config::{JwtKey, Settings};

#[derive(Debug, Parser)]
#[command(
    name = "samverkan",
    version,
    about = "Samverkan: local agreements between public bodies and civil society"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server.
    Serve {
        /// Address to listen on (default: SAMVERKAN_BIND or 127.0.0.1:8080).
        #[arg(long)]
        bind: Option<String>,
        /// Load demo data into an empty database and print a token for each kind of user
        /// (the commands that mint them again go beside the database). Without a configured
        /// JWT key, sign with a key kept in the demo database, which `samverkan token` then
        /// uses too.
        #[arg(long)]
        demo: bool,
        /// Do not apply pending migrations at start.
        #[arg(long)]
        no_migrate: bool,
    },
    /// Apply pending database migrations and load the reference data.
    Migrate,
    /// Load the demo data into an empty database.
    SeedDemo,
    /// Write the whole database of DATABASE_URL, as one consistent snapshot, to a portable
    /// archive (JSON lines per table and a manifest with the schema version) that `import`
    /// restores into either backend. The archive holds personal data and the server's keys:
    /// keep it as safe as the database.
    Export {
        /// The archive to write (must not exist yet), e.g. samverkan-backup.zip.
        output: std::path::PathBuf,
    },
    /// Restore an archive written by `export` into the EMPTY database of DATABASE_URL
    /// (SQLite or PostgreSQL): migrates it, then inserts everything in one transaction.
    Import {
        /// The archive written by `samverkan export`.
        input: std::path::PathBuf,
    },
    /// Mint a token with the configured key (or the key `serve --demo` stored in the
    /// database), for local use.
    Token(TokenArgs),
    /// Print the OpenAPI document.
    Openapi,
    /// Read the configuration as `serve` would, print it with secrets masked, and exit
    /// non-zero when it is invalid.
    CheckConfig,
    /// Exit 0 when `GET <url>` answers 200 (the container's HEALTHCHECK; no curl in the
    /// image).
    Probe {
        #[arg(long, default_value = "http://127.0.0.1:8080/ready")]
        url: String,
    },
}

#[derive(Debug, Clone, clap::Args)]
pub struct TokenArgs {
    #[arg(long)]
    pub sub: String,
    /// platform_admin, agreement_admin, steering_member or organization_rep (repeatable).
    #[arg(long = "role", required = true)]
    pub roles: Vec<String>,
    #[arg(long)]
    pub name: Option<String>,
    /// The public body an agreement_admin acts for (required with that role).
    #[arg(long)]
    pub public_body: Option<Uuid>,
    /// An organisation an organization_rep acts for (repeatable; required with that role).
    #[arg(long = "organization")]
    pub organizations: Vec<Uuid>,
    /// Lifetime, e.g. 30m, 1h, 7d; at most SAMVERKAN_JWT_MAX_LIFETIME.
    #[arg(long, default_value = "1h")]
    pub ttl: String,
}

/// The roles of `--role`, refused where a token of them could only ever be refused: an
/// `agreement_admin` acts for a public body and an `organization_rep` for organisations,
/// so each needs its id.
pub fn token_roles(args: &TokenArgs) -> Result<Vec<Role>, String> {
    let roles = args
        .roles
        .iter()
        .map(|r| {
            Role::parse(r).ok_or_else(|| {
                format!(
                    "--role: unknown role {r:?}; use platform_admin, agreement_admin, steering_member or organization_rep"
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if roles.contains(&Role::AgreementAdmin) && args.public_body.is_none() {
        return Err(
            "--role agreement_admin needs --public-body <id>: the public body it administers agreements for (GET /api/v1/public-bodies lists them)".into(),
        );
    }
    if roles.contains(&Role::OrganizationRep) && args.organizations.is_empty() {
        return Err(
            "--role organization_rep needs --organization <id>: the organisation it acts for (GET /api/v1/organizations lists them)".into(),
        );
    }
    Ok(roles)
}

/// `samverkan token`: checks the roles and lifetime, takes the configured key or else the
/// one `serve --demo` stored in the database, checks the ids against the database when it
/// can reach it, and mints.
pub fn mint_token(settings: &Settings, args: &TokenArgs) -> Result<String, String> {
    let roles = token_roles(args)?;
    let ttl_seconds = parse_ttl(&args.ttl)?;
    if ttl_seconds > settings.jwt.max_lifetime_seconds {
        return Err(format!(
            "--ttl: {} is longer than tokens may live here (SAMVERKAN_JWT_MAX_LIFETIME={}s): the server would refuse it",
            args.ttl, settings.jwt.max_lifetime_seconds
        ));
    }
    let pool = reachable_database(settings);
    let mut jwt = settings.jwt.clone();
    if jwt.key.is_none() {
        let stored = match &pool {
            Ok(pool) => crate::setup::stored_demo_jwt_secret(pool).ok().flatten(),
            Err(_) => None,
        };
        let Some(secret) = stored else {
            return Err(
                "no JWT key configured: set SAMVERKAN_JWT_SECRET, or run `samverkan serve --demo` once with this DATABASE_URL (it keeps its key in the database)".into(),
            );
        };
        jwt.key = Some(JwtKey::Secret(secret));
    }
    match &pool {
        Ok(pool) => {
            let unknown =
                crate::setup::unknown_token_ids(pool, args.public_body, &args.organizations)?;
            if !unknown.is_empty() {
                return Err(unknown.join("\n"));
            }
        }
        Err(why) => log::warn!("ids not checked: {why}"),
    }
    Authenticator::new(&jwt)?.mint(&TokenRequest {
        sub: args.sub.clone(),
        name: args.name.clone(),
        roles,
        public_body_id: args.public_body,
        organization_ids: args.organizations.clone(),
        ttl_seconds,
    })
}

/// The database of `DATABASE_URL` when it can be read without creating it (a SQLite file
/// that does not exist is not made by asking).
fn reachable_database(settings: &Settings) -> Result<DbPool, String> {
    if let DatabaseUrl::Sqlite(path) = &settings.database_url
        && !path.exists()
    {
        return Err(format!("{} does not exist", path.display()));
    }
    let pool = build_pool(
        &settings.database_url,
        &PoolOptions {
            max_size: 1,
            connection_timeout: std::time::Duration::from_secs(3),
        },
    )
    .map_err(|e| format!("cannot reach the database: {e}"))?;
    samverkan_persistence::db::get_conn(&pool)
        .map_err(|e| format!("cannot reach the database: {e}"))?;
    Ok(pool)
}

/// `GET url` over plain HTTP/1.0: whether it answered 200 within `timeout`.
pub fn probe(url: &str, timeout: std::time::Duration) -> Result<(), String> {
    use std::io::{Read, Write};
    use std::net::ToSocketAddrs;
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("--url: only http:// addresses, got {url:?}"))?;
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let addr = host
        .to_socket_addrs()
        .map_err(|e| format!("{host}: {e}"))?
        .next()
        .ok_or_else(|| format!("{host}: no address"))?;
    let mut stream =
        std::net::TcpStream::connect_timeout(&addr, timeout).map_err(|e| format!("{url}: {e}"))?;
    stream
        .set_read_timeout(Some(timeout))
        .and_then(|()| stream.set_write_timeout(Some(timeout)))
        .and_then(|()| {
            stream.write_all(format!("GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").as_bytes())
        })
        .map_err(|e| format!("{url}: {e}"))?;
    let mut head = [0u8; 12];
    stream
        .read_exact(&mut head)
        .map_err(|e| format!("{url}: {e}"))?;
    match &head[9..12] {
        b"200" => Ok(()),
        status => Err(format!("{url}: status {}", String::from_utf8_lossy(status))),
    }
}

/// `30s`, `15m`, `1h`, `7d` → seconds.
pub fn parse_ttl(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (number, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = number
        .parse()
        .map_err(|_| format!("--ttl: {s:?} is not like 30m, 1h or 7d"))?;
    let factor = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86400,
        _ => return Err(format!("--ttl: unknown unit {unit:?}; use s, m, h or d")),
    };
    n.checked_mul(factor)
        .filter(|&t| t > 0)
        .ok_or_else(|| "--ttl: must be positive".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-shot server answering `status_line`; returns its address.
    fn answer_once(status_line: &'static str) -> String {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut request = Vec::new();
            let mut buf = [0u8; 512];
            while !request.ends_with(b"\r\n\r\n") {
                let n = s.read(&mut buf).unwrap();
                assert!(n > 0, "the request head ends with an empty line");
                request.extend_from_slice(&buf[..n]);
            }
            assert!(request.starts_with(b"GET /ready HTTP/1.0\r\n"));
            s.write_all(status_line.as_bytes()).unwrap();
        });
        format!("http://{addr}/ready")
    }

    #[test]
    fn probe_passes_on_200_only() {
        let t = std::time::Duration::from_secs(5);
        assert_eq!(probe(&answer_once("HTTP/1.1 200 OK\r\n\r\n"), t), Ok(()));
        let e = probe(&answer_once("HTTP/1.1 503 Service Unavailable\r\n\r\n"), t).unwrap_err();
        assert!(e.ends_with("status 503"), "{e}");
        assert!(
            probe("https://x/ready", t)
                .unwrap_err()
                .starts_with("--url")
        );
    }

    #[test]
    fn ttl() {
        assert_eq!(parse_ttl("1h"), Ok(3600));
        assert_eq!(parse_ttl("30m"), Ok(1800));
        assert_eq!(parse_ttl("45"), Ok(45));
        assert!(parse_ttl("0s").is_err());
        assert!(parse_ttl("1y").is_err());
    }
}
