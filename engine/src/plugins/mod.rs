//! The WebAssembly plugin host.
//!
//! - [`runtime`]: one wasmtime `Engine` (component model, pooling allocator, epoch
//!   interruption), the linker with only the WASI std needs, and compilation through the
//!   on-disk artifact cache ([`artifact_cache`]).
//! - [`sandbox`]: per-call limits: deadline, memory cap, deterministic clock and randomness.
//! - [`component`]: a compiled plugin version: which world it exports, its imports, its
//!   `describe()`.
//! - [`strategy`], [`bot`], [`provider`]: typed calls into each kind, on warm instances
//!   ([`warm`]).
//! - [`registry`]: installed versions, the active one per name (hot swap by pointer swap),
//!   rollback, counts; persisted through the store.

pub mod artifact_cache;
pub mod bindings;
pub mod bot;
pub mod bundled;
pub mod component;
pub mod error;
pub mod kind;
pub mod latency;
pub mod offline;
pub mod provider;
pub mod registry;
pub mod runtime;
pub mod sandbox;
pub mod schema;
pub mod session;
pub mod smoke;
pub mod strategy;
pub mod warm;

pub use component::{LoadedPlugin, Source};
pub use error::PluginError;
pub use kind::{PluginInfo, PluginKind};
pub use registry::{PluginView, Registry, RegistryLimits, VersionView};
pub use runtime::{Runtime, RuntimeConfig};
