//! The SDK for Switchboard plugins: routing strategies, bots and provider adapters, written in
//! Rust and built as WebAssembly components (`cargo build --target wasm32-wasip2`).
//!
//! A plugin is a crate with `crate-type = ["cdylib", "rlib"]` that implements one trait and
//! exports it with one macro:
//!
//! | kind | trait | macro | world |
//! |---|---|---|---|
//! | strategy | [`strategy::Strategy`] | [`export_strategy!`] | `switchboard:plugins/strategy@0.1.0` |
//! | bot | [`bot::Bot`] | [`export_bot!`] | `switchboard:plugins/bot@0.1.0` |
//! | provider | [`provider::Provider`] | [`export_provider!`] | `switchboard:plugins/provider@0.1.0` |
//!
//! ```
//! use switchboard_sdk::strategy::{Assignment, RouteInput, Strategy};
//! use switchboard_sdk::{PluginError, PluginInfo, PluginKind};
//!
//! struct FirstAgent;
//!
//! impl Strategy for FirstAgent {
//!     fn describe() -> PluginInfo {
//!         PluginInfo::new(PluginKind::Strategy, "first-agent", env!("CARGO_PKG_VERSION"))
//!             .with_description("Everything to the first agent listed.")
//!     }
//!
//!     fn route(_config: &str, input: RouteInput) -> Result<Vec<Assignment>, PluginError> {
//!         let Some(agent) = input.agents.first() else { return Ok(vec![]) };
//!         let slots = agent.free_slots() as usize;
//!         Ok(input.waiting.iter().take(slots).map(|w| Assignment { conversation: w.id, agent: agent.id }).collect())
//!     }
//! }
//!
//! switchboard_sdk::export_strategy!(FirstAgent);
//! ```
//!
//! Plugins are pure functions of their input: time and randomness come in each call, and the
//! host gives them no files, network, environment or clock. The one host service is [`log`].
//! [`config()`] reads a plugin's JSON settings; [`testing`] helps unit-test plugin logic
//! natively.
//!
//! Modules: `bindings` (private, generated from `wit/`), [`strategy`], [`bot`], [`provider`]
//! (a trait, its types and its export macro each), [`types`] (message content shared by bots
//! and providers), [`text`] (reading customers' replies: case, accents, whole words),
//! [`log`], `plugin` ([`PluginInfo`], [`PluginError`]), `config`, [`testing`].

mod bindings;
pub mod bot;
mod config;
pub mod http;
pub mod log;
mod plugin;
pub mod provider;
pub mod strategy;
#[cfg(not(target_arch = "wasm32"))]
pub mod testing;
pub mod text;
pub mod types;

pub use config::config;
pub use plugin::{NO_CONFIG_SCHEMA, PluginError, PluginInfo, PluginKind};

/// What the export macros expand to. Not an API.
#[doc(hidden)]
pub mod __private {
    pub use crate::bindings::{bot, meta, provider, strategy};
}
