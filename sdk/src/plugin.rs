//! What every plugin says about itself, and the error it returns on purpose.

use crate::bindings::meta::switchboard::types::common;

pub use common::{PluginError, PluginInfo, PluginKind};

/// The config schema of a plugin that takes no settings: only `{}` is valid.
pub const NO_CONFIG_SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "additionalProperties": false,
  "properties": {}
}"#;

impl PluginInfo {
    /// A plugin of `kind` called `name` (lowercase letters, digits and `-`) at `version`
    /// (semver), with no description and no settings ([`NO_CONFIG_SCHEMA`]).
    pub fn new(kind: PluginKind, name: &str, version: &str) -> Self {
        PluginInfo {
            name: name.to_owned(),
            version: version.to_owned(),
            kind,
            description: String::new(),
            config_schema: NO_CONFIG_SCHEMA.to_owned(),
        }
    }

    /// Sets the one or two sentences the admin page shows.
    pub fn with_description(mut self, description: &str) -> Self {
        self.description = description.to_owned();
        self
    }

    /// Sets the JSON Schema (draft 2020-12) of the plugin's config, as JSON text. Mark secret
    /// fields `"writeOnly": true`.
    pub fn with_config_schema(mut self, schema: &str) -> Self {
        self.config_schema = schema.to_owned();
        self
    }
}

impl PluginError {
    /// An error with a stable machine-readable `code` (`bad-config`, `bad-input`, …) and a
    /// message for people and logs.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        PluginError {
            code: code.to_owned(),
            message: message.into(),
        }
    }

    /// The config does not fit the plugin (code `bad-config`).
    pub fn bad_config(message: impl Into<String>) -> Self {
        PluginError::new("bad-config", message)
    }

    /// The plugin does not implement an optional step (code `unsupported`).
    pub fn unsupported(step: &str) -> Self {
        PluginError::new(
            "unsupported",
            format!("this plugin does not implement `{step}`"),
        )
    }
}

impl From<switchboard_strategies::RouteError> for PluginError {
    fn from(error: switchboard_strategies::RouteError) -> Self {
        match error {
            switchboard_strategies::RouteError::BadConfig(message) => {
                PluginError::bad_config(message)
            }
        }
    }
}
