//! The Samverkan HTTP API. Read the modules in this order:
//!
//! - `state`: what every handler shares (pool, token verifier, clock); `server`: the server,
//!   the middleware every request passes, the fallback for unknown paths.
//! - `routes`: one module per area, translating HTTP to the domain and back; `contract`: the
//!   API's own JSON forms of the aggregates (request bodies into domain inputs, views from
//!   the domain's read methods), the only schemas of their types; `extract`: what
//!   handlers take from a request (caller, strict JSON, paging); `http`: how responses look
//!   (ETags, caching, lists); `problem`: every error as problem+json.
//! - `workflows`: what spans areas (termination ends accessions, revisions carry them over,
//!   the sweep, the public signatory list), without HTTP.
//! - `auth` (JWT), `oidc` (identity providers: discovery, keys, the claims mapping), `cache` (public lists in memory), `idempotency`, `render` (CSV and the
//!   embeddable page), `openapi` and `schemas` (the contract), `setup`, `demo`, `reference`.
//! - `metrics` (Prometheus, on a bind of its own) and `logging` (text or JSON lines).
//! - The `samverkan` binary: `main.rs`, `cli.rs`, `config.rs`.

pub mod auth;
pub mod backup;
pub mod cache;
pub mod cli;
pub mod compression;
pub mod config;
pub mod contract;
pub mod demo;
pub mod extract;
pub mod http;
pub mod idempotency;
pub mod logging;
pub mod metrics;
pub mod oidc;
pub mod openapi;
pub mod problem;
pub mod problem_pages;
pub mod reference;
pub mod render;
pub mod routes;
pub mod schemas;
pub mod server;
pub mod service_tokens;
pub mod setup;
pub mod state;
pub mod webhooks;
pub mod workflows;
