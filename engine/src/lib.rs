//! Switchboard: a WhatsApp/SMS contact-center routing engine.
//!
//! Module map, in the order a message meets them:
//! - [`store`]: persistence behind a trait (SQLite now, PostgreSQL later); every acknowledged
//!   write goes through one writer task with group commit.
//! - [`plugins`]: the wasmtime host. Loads, validates, sandboxes and calls the WebAssembly
//!   plugins (routing strategies, bots, provider adapters), keeps a registry of versions with
//!   hot swap and rollback.
//! - [`routing`]: campaigns, queues, agents, the router task, timers, transfers and the live
//!   event hub.
//! - [`bots`]: run a campaign's bot plugin on start, after a long wait, at the end and on each
//!   message it waits for; check its actions (a failing bot hands the conversation to the
//!   queue).
//! - [`http`]: the axum router: health, metrics, REST v1 and the plugin admin API behind users
//!   and roles (session cookies for people, API tokens for machines, the audit log), and
//!   errors as `{ "code", "message" }`.
//! - [`config`] and [`server`]: the typed configuration (defaults, TOML file, `SWITCHBOARD_*`
//!   environment, flags) and `serve`, which opens the store, the plugin host and the HTTP app.
//! - [`cli`]: the `switchboard` command line: `serve`, `plugin …` against a running server or
//!   offline, `user …` on a data directory.

pub mod bots;
pub mod cli;
pub mod clock;
pub mod config;
pub mod conversations;
pub mod demo;
pub mod dialer;
pub mod http;
pub mod plugins;
pub mod providers;
pub mod routing;
pub mod secrets;
pub mod server;
pub mod store;
