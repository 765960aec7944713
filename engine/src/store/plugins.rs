//! The rows of the plugin registry: uploaded versions and the version active per plugin.

/// A plugin version to store, as the registry validated it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPluginVersion {
    /// Plugin name, unique per plugin across versions.
    pub name: String,
    /// Version string the plugin reported; `(name, version)` is unique.
    pub version: String,
    /// `"strategy"`, `"bot"` or `"provider"`.
    pub kind: String,
    /// Hex sha256 of `wasm`; tells an idempotent re-upload from a conflicting one.
    pub sha256: String,
    /// One-line description the plugin reported.
    pub description: String,
    /// JSON schema of the plugin's configuration, as text.
    pub config_schema: String,
    /// The component bytes.
    pub wasm: Vec<u8>,
    /// When it was uploaded, ms since the Unix epoch.
    pub installed_at_ms: i64,
}

/// A stored plugin version, without its bytes (listing must not load every component).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginVersionRow {
    /// Plugin name.
    pub name: String,
    /// Version string.
    pub version: String,
    /// `"strategy"`, `"bot"` or `"provider"`.
    pub kind: String,
    /// Hex sha256 of the component bytes.
    pub sha256: String,
    /// One-line description.
    pub description: String,
    /// JSON schema of the configuration, as text.
    pub config_schema: String,
    /// Size of the component in bytes.
    pub size: i64,
    /// When it was first uploaded, ms since the Unix epoch.
    pub installed_at_ms: i64,
}

/// The version of a plugin that serves calls, and the one a rollback returns to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivePlugin {
    /// Plugin name.
    pub name: String,
    /// The active version.
    pub version: String,
    /// The version a rollback makes active again, if any.
    pub previous: Option<String>,
    /// When `version` became active, ms since the Unix epoch.
    pub activated_at_ms: i64,
}
