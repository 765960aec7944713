//! Shared helpers of Switchboard's integration tests and benchmarks.
//!
//! - [`host`]: a real plugin host (runtime, store, registry) on a temp data dir, the guest
//!   components the build produced, random routing inputs.
//! - [`server`]: a real server (`switchboard::server::run`) on `127.0.0.1:0` with its own temp
//!   data dir and a known admin token, driven over HTTP.
//! - [`mock`]: a scripted provider API on `127.0.0.1:0` that records what it was sent.
//! - [`meta`]: signed WhatsApp Cloud API webhook payloads, and a connector that uses them.

pub mod host;
pub mod meta;
pub mod mock;
pub mod server;
