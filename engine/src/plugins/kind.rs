//! Plugin kinds and self-descriptions, as the engine (not the bindings) sees them.

use serde::Serialize;

use super::bindings::common;

/// The kind of a plugin, named after the world it exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PluginKind {
    Strategy,
    Bot,
    Provider,
}

impl PluginKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Strategy => "strategy",
            Self::Bot => "bot",
            Self::Provider => "provider",
        }
    }

    /// Parses the stored word back.
    pub fn parse(word: &str) -> Option<Self> {
        match word {
            "strategy" => Some(Self::Strategy),
            "bot" => Some(Self::Bot),
            "provider" => Some(Self::Provider),
            _ => None,
        }
    }

    /// The kind's exported interface in the contract version this engine serves.
    pub fn export_name(self) -> &'static str {
        match self {
            Self::Strategy => "switchboard:strategy/strategy@0.1.0",
            Self::Bot => "switchboard:bot/bot@0.1.0",
            Self::Provider => "switchboard:provider/provider@0.1.0",
        }
    }

    pub const ALL: [PluginKind; 3] = [Self::Strategy, Self::Bot, Self::Provider];
}

impl From<common::PluginKind> for PluginKind {
    fn from(kind: common::PluginKind) -> Self {
        match kind {
            common::PluginKind::Strategy => Self::Strategy,
            common::PluginKind::Bot => Self::Bot,
            common::PluginKind::Provider => Self::Provider,
        }
    }
}

/// What a plugin says about itself (`describe()`), after the host checked it.
#[derive(Debug, Clone, Serialize)]
pub struct PluginInfo {
    pub name: String,
    pub version: String,
    pub kind: PluginKind,
    pub description: String,
    /// JSON Schema of the plugin's config, as JSON text.
    pub config_schema: String,
}
