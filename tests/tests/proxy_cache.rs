//! Issue 13: a caching reverse proxy in front of the server — nginx with a default
//! `proxy_cache` — never serves an administrator's response to an anonymous request. The
//! administrator's list (drafts included) is `private`; every read says
//! `Vary: Authorization`; and the proxy does cache the public reads (so the test can fail).
//!
//! Needs nginx (Debian: `apt-get install nginx-light`), found at build time (`build.rs`:
//! `SAMVERKAN_TEST_NGINX`, `nginx` on the PATH or /usr/sbin/nginx); without it the test is
//! ignored with that reason.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use samverkan_e2e::*;
use serde_json::{Value, json};

/// A private nginx with a proxy cache in front of `upstream`; stopped when dropped.
struct Proxy {
    child: Child,
    dir: PathBuf,
    port: u16,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(nginx_tests)]
const NGINX: &str = env!("SAMVERKAN_TEST_NGINX");
#[cfg(not(nginx_tests))]
const NGINX: &str = "nginx";

impl Proxy {
    fn start(upstream: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("samverkan-nginx-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(dir.join("cache")).expect("dir");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let d = dir.display();
        let conf = format!(
            "daemon off;\nmaster_process off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
             events {{ worker_connections 64; }}\n\
             http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n  \
             fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n  \
             proxy_cache_path {d}/cache keys_zone=api:1m;\n  \
             server {{\n    listen 127.0.0.1:{port};\n    location / {{\n      proxy_pass http://{upstream};\n      \
             proxy_cache api;\n      add_header X-Cache-Status $upstream_cache_status always;\n    }}\n  }}\n}}\n"
        );
        let conf_path = dir.join("nginx.conf");
        std::fs::write(&conf_path, conf).expect("nginx.conf");
        let child = Command::new(NGINX)
            .arg("-p")
            .arg(&dir)
            .arg("-c")
            .arg(&conf_path)
            .arg("-e")
            .arg(dir.join("error.log"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {NGINX}: {e}"));
        let proxy = Self { child, dir, port };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "nginx did not start: {}",
                std::fs::read_to_string(proxy.dir.join("error.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        proxy
    }

    fn get(&self, path: &str, token: Option<&str>) -> (u16, Option<String>, Value) {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .new_agent();
        let mut req = agent.get(format!("http://127.0.0.1:{}{path}", self.port));
        if let Some(t) = token {
            req = req.header("authorization", &format!("Bearer {t}"));
        }
        let mut res = req.call().expect("through nginx");
        let status = res.status().as_u16();
        let cache = res
            .headers()
            .get("x-cache-status")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = res.body_mut().read_to_string().unwrap_or_default();
        (
            status,
            cache,
            serde_json::from_str(&body).unwrap_or(Value::Null),
        )
    }
}

fn titles(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| i["id"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn run(app: &TestApp) {
    let body = app.public_body("municipality", "1285");
    let admin = app.agreement_admin(body);
    let settings = json!({"approval_mode": "registration"});
    let public = app.adopted_agreement(&admin, body, "1285", settings.clone());
    let draft = app.create_agreement(&admin, body, "1285", settings);
    let proxy = Proxy::start(app.socket_addr());

    for path in [
        "/api/v1/agreements".to_owned(),
        "/api/v1/agreements?municipality=1285".to_owned(),
        format!("/api/v1/agreements/{draft}"),
        format!("/api/v1/agreements/{draft}/versions"),
    ] {
        // The administrator first, twice: whatever the proxy keeps of it…
        let (status, _, _) = proxy.get(&path, Some(&admin));
        assert_eq!(status, 200, "{path} as the administrator");
        proxy.get(&path, Some(&admin));
        // …is never what an anonymous visitor gets.
        for _ in 0..2 {
            let (status, _, anonymous) = proxy.get(&path, None);
            // A 404 names the path (`instance`); a 200 must not hold the draft.
            let leaked = status == 200 && anonymous.to_string().contains(&draft.to_string());
            assert!(
                !leaked,
                "{path}: the proxy served the administrator's draft to an anonymous request ({status})"
            );
        }
    }
    // The proxy does cache public reads: the second anonymous read is a hit.
    let path = format!("/api/v1/agreements/{public}");
    let (first, _, _) = proxy.get(&path, None);
    assert_eq!(first, 200);
    let (_, cache, _) = proxy.get(&path, None);
    assert_eq!(cache.as_deref(), Some("HIT"), "nginx caches public reads");
    // And an administrator after an anonymous visitor still sees the drafts (Vary).
    let (_, _, anonymous) = proxy.get("/api/v1/agreements", None);
    let (_, _, admins) = proxy.get("/api/v1/agreements", Some(&admin));
    assert!(!titles(&anonymous).contains(&draft.to_string()));
    assert!(titles(&admins).contains(&draft.to_string()), "{admins}");
}

mod an_administrators_response_is_never_served_to_anonymous_requests {
    use super::*;

    #[test]
    #[cfg_attr(
        not(nginx_tests),
        ignore = "nginx not found: install nginx-light (Debian) or set SAMVERKAN_TEST_NGINX, then rebuild"
    )]
    fn sqlite() {
        with_app(Backend::Sqlite, run);
    }

    #[test]
    #[cfg_attr(
        not(nginx_tests),
        ignore = "nginx not found: install nginx-light (Debian) or set SAMVERKAN_TEST_NGINX, then rebuild"
    )]
    #[cfg_attr(
        not(postgres_tests),
        ignore = "PostgreSQL not tested: SAMVERKAN_TEST_POSTGRES_URL is not set"
    )]
    fn postgres() {
        with_app(Backend::Postgres, run);
    }
}
