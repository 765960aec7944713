//! Switchboard: a WhatsApp/SMS contact-center routing engine.
//!
//! Module map, in the order a message meets them:
//! - [`store`]: persistence behind a trait (SQLite now, PostgreSQL later); every acknowledged
//!   write goes through one writer task with group commit.
//! - [`plugins`]: the wasmtime host. Loads, validates, sandboxes and calls the WebAssembly
//!   plugins (routing strategies, bots, provider adapters), keeps a registry of versions with
//!   hot swap and rollback.
//! - [`routing`]: a routing pass: ask the campaign's strategy plugin, validate its answer, fall
//!   back to a native strategy when the plugin fails.
//! - [`http`]: the axum routers (health, metrics, admin API).
//! - [`config`] and [`server`]: the typed configuration and the `serve` command that wires
//!   everything together.

pub mod clock;
pub mod plugins;
pub mod routing;
pub mod store;
