//! The Samverkan HTTP API: handlers, auth, problem+json errors and the OpenAPI document.
//! The server binary (`samverkan`) and its CLI live in `main.rs` and `cli.rs`.

pub mod app;
pub mod auth;
pub mod cache;
pub mod cli;
pub mod config;
pub mod demo;
pub mod http;
pub mod idempotency;
pub mod openapi;
pub mod problem;
pub mod reference;
pub mod render;
pub mod routes;
pub mod setup;
