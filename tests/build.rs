//! Two facts the end-to-end tests need at build time:
//!
//! - Whether `SAMVERKAN_TEST_POSTGRES_URL` is set. If not, the PostgreSQL half of every
//!   test is compiled `#[ignore]`d with the reason, so `cargo test` reports it as ignored
//!   instead of counting a test that never ran as passed (`cfg(postgres_tests)`).
//! - Where nginx is (`cfg(nginx_tests)`, `SAMVERKAN_TEST_NGINX`), for the test that puts a
//!   caching reverse proxy in front of the server.
//! - A fingerprint of everything that shapes a freshly prepared database (migrations,
//!   reference data, the code that writes them). The harness migrates one template per
//!   fingerprint and copies it for every test (`SAMVERKAN_TEST_TEMPLATE_KEY`).

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

const POSTGRES_ENV: &str = "SAMVERKAN_TEST_POSTGRES_URL";

/// What a prepared test database is made of. Whole source trees rather than a hand-picked
/// list of files: a template is cheap to rebuild, a stale one would test the wrong schema.
const INPUTS: [&str; 6] = [
    "../migrations",
    "../reference",
    "../domain/src",
    "../persistence/src",
    "../api/src",
    "../Cargo.lock",
];

fn main() {
    println!("cargo::rerun-if-env-changed={POSTGRES_ENV}");
    println!("cargo::rustc-check-cfg=cfg(postgres_tests)");
    if std::env::var_os(POSTGRES_ENV).is_some_and(|v| !v.is_empty()) {
        println!("cargo::rustc-cfg=postgres_tests");
    }

    // nginx for the shared-cache test (`proxy_cache.rs`): `SAMVERKAN_TEST_NGINX`, else
    // `nginx` on the PATH or /usr/sbin/nginx (Debian's nginx-light). Without it that test is
    // compiled `#[ignore]`d with the reason.
    println!("cargo::rerun-if-env-changed=SAMVERKAN_TEST_NGINX");
    println!("cargo::rustc-check-cfg=cfg(nginx_tests)");
    let nginx = std::env::var_os("SAMVERKAN_TEST_NGINX")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|p| p.join("nginx"))
                    .find(|p| p.is_file())
            })
        })
        .or_else(|| Some(PathBuf::from("/usr/sbin/nginx")).filter(|p| p.is_file()));
    if let Some(nginx) = nginx {
        println!("cargo::rustc-cfg=nginx_tests");
        println!("cargo::rustc-env=SAMVERKAN_TEST_NGINX={}", nginx.display());
    }

    // The OpenID provider of `oidc.rs` (node-oidc-provider, `npm ci --prefix
    // tests/oidc-provider`): without Node or the package, its tests are compiled `#[ignore]`d
    // with the reason — except under CI (`CI` set), where they run and fail naming what is
    // missing.
    println!("cargo::rerun-if-env-changed=CI");
    println!("cargo::rerun-if-env-changed=SAMVERKAN_TEST_NODE");
    println!("cargo::rerun-if-changed=oidc-provider/package-lock.json");
    println!("cargo::rerun-if-changed=oidc-provider/node_modules");
    println!("cargo::rustc-check-cfg=cfg(oidc_tests)");
    let node = std::env::var_os("SAMVERKAN_TEST_NODE")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .or_else(|| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|p| p.join("node"))
                    .find(|p| p.is_file())
            })
        });
    let installed = Path::new("oidc-provider/node_modules/oidc-provider/package.json").is_file();
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
    if (node.is_some() && installed) || ci {
        println!("cargo::rustc-cfg=oidc_tests");
    }

    println!("cargo::rerun-if-changed=build.rs");
    let mut hasher = DefaultHasher::new();
    for input in INPUTS {
        println!("cargo::rerun-if-changed={input}");
        let mut files = Vec::new();
        collect(Path::new(input), &mut files);
        files.sort();
        for file in files {
            file.hash(&mut hasher);
            std::fs::read(&file)
                .unwrap_or_else(|e| panic!("read {}: {e}", file.display()))
                .hash(&mut hasher);
        }
    }
    println!(
        "cargo::rustc-env=SAMVERKAN_TEST_TEMPLATE_KEY={:016x}",
        hasher.finish()
    );
}

fn collect(path: &Path, files: &mut Vec<PathBuf>) {
    if path.is_file() {
        files.push(path.to_path_buf());
        return;
    }
    let Ok(entries) = std::fs::read_dir(path) else {
        return;
    };
    for entry in entries.flatten() {
        collect(&entry.path(), files);
    }
}
