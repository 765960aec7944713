//! Every way a plugin can fail, typed, so callers decide from the kind and never from text.

use crate::store::StoreError;

/// A plugin failure. `code()` gives the stable machine-readable word the API returns.
#[derive(Debug, thiserror::Error)]
pub enum PluginError {
    /// The guest trapped (a panic, `unreachable`, out-of-bounds access…).
    #[error("plugin trapped: {0}")]
    Trap(String),
    /// The call ran past its deadline and was interrupted.
    #[error("plugin exceeded its {deadline_ms} ms deadline")]
    Timeout { deadline_ms: u64 },
    /// The guest tried to grow its memory past the cap.
    #[error("plugin exceeded its {cap_bytes}-byte memory cap")]
    OutOfMemory { cap_bytes: usize },
    /// The call finished but what it returned breaks the contract (e.g. an unknown agent).
    #[error("plugin returned invalid output: {0}")]
    InvalidOutput(String),
    /// The plugin returned an error on purpose.
    #[error("plugin error {code}: {message}")]
    Returned { code: String, message: String },
    /// The file is not a component exporting a Switchboard world of a version we serve.
    #[error("incompatible plugin: {0}")]
    IncompatibleWorld(String),
    /// The component imports something the host does not provide (files, sockets…).
    #[error("plugin imports a capability the host does not provide: {0}")]
    ForbiddenImport(String),
    /// The bytes are not a valid WebAssembly component.
    #[error("not a valid WebAssembly component: {0}")]
    InvalidComponent(String),
    /// The upload is larger than the configured cap.
    #[error("plugin is {size} bytes, over the {limit}-byte limit")]
    TooLarge { size: usize, limit: usize },
    /// `describe()` returned something unusable (bad name, bad version, wrong kind, bad schema).
    #[error("plugin describes itself badly: {0}")]
    BadDescription(String),
    /// A config does not satisfy the plugin's JSON Schema.
    #[error("config rejected by the plugin's schema: {0}")]
    BadConfig(String),
    /// No plugin, or no such version, by that name.
    #[error("{0}")]
    NotFound(String),
    /// The request contradicts the registry's state (same version, other bytes; nothing to roll back to).
    #[error("{0}")]
    Conflict(String),
    /// The plugin is of another kind than the caller needs.
    #[error("plugin {name} is a {actual}, not a {expected}")]
    WrongKind {
        name: String,
        expected: &'static str,
        actual: &'static str,
    },
    /// Too many plugin calls at once; the call was not started.
    #[error("plugin host is at its concurrency limit")]
    Busy,
    /// Persisting the registry failed.
    #[error("plugin store: {0}")]
    Store(#[from] StoreError),
    /// A host-side failure that is not the plugin's fault (should not happen; logged).
    #[error("plugin host error: {0}")]
    Host(String),
}

impl PluginError {
    /// The stable code the HTTP API returns for this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Trap(_) => "plugin_trap",
            Self::Timeout { .. } => "plugin_timeout",
            Self::OutOfMemory { .. } => "plugin_out_of_memory",
            Self::InvalidOutput(_) => "plugin_invalid_output",
            Self::Returned { .. } => "plugin_error",
            Self::IncompatibleWorld(_) => "plugin_incompatible_world",
            Self::ForbiddenImport(_) => "plugin_forbidden_import",
            Self::InvalidComponent(_) => "plugin_invalid_component",
            Self::TooLarge { .. } => "plugin_too_large",
            Self::BadDescription(_) => "plugin_bad_description",
            Self::BadConfig(_) => "plugin_bad_config",
            Self::NotFound(_) => "not_found",
            Self::Conflict(_) => "conflict",
            Self::WrongKind { .. } => "plugin_wrong_kind",
            Self::Busy => "plugin_busy",
            Self::Store(_) => "store_error",
            Self::Host(_) => "internal",
        }
    }

    /// Whether the plugin (as opposed to the request or the host) is at fault: these count as
    /// plugin errors and drop a warm instance.
    pub fn is_plugin_fault(&self) -> bool {
        matches!(
            self,
            Self::Trap(_)
                | Self::Timeout { .. }
                | Self::OutOfMemory { .. }
                | Self::InvalidOutput(_)
                | Self::Returned { .. }
        )
    }
}
