//! The menu's settings. Strict: an unknown key is refused. [`SCHEMA`] says the same as JSON
//! Schema for the admin page and the host's check when a campaign binds the bot.

use serde::Deserialize;
use switchboard_sdk::bot::MAX_WAIT_MS;
use switchboard_sdk::{PluginError, text};

/// JSON Schema (draft 2020-12) of [`Config`].
pub const SCHEMA: &str = include_str!("schema.json");

/// One line of the menu.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MenuOption {
    /// What the customer types (`1`).
    pub key: String,
    /// What the option is (`Sales`); typing it works too.
    pub label: String,
    /// The campaign to move to; `None` or empty: this campaign's queue.
    #[serde(default)]
    pub campaign: Option<String>,
}

/// The settings of one menu.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Sent above the options.
    pub greeting: String,
    /// The options, in order.
    pub options: Vec<MenuOption>,
    /// Sent with the options again after an answer that matches none.
    pub invalid_reply: String,
    /// Answers matching no option before the hand-off.
    pub max_attempts: u32,
    /// How long to wait for an answer.
    pub timeout_ms: u64,
    /// Sent when the wait runs out; empty: nothing.
    pub timeout_message: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            greeting: "Hello! Reply with the number of the option you need:".to_owned(),
            options: Vec::new(),
            invalid_reply: "Sorry, that is not one of the options.".to_owned(),
            max_attempts: 3,
            timeout_ms: 300_000,
            timeout_message: String::new(),
        }
    }
}

impl Config {
    /// Parses and checks a campaign's config; errors have code `bad-config` and name the key.
    pub fn load(json: &str) -> Result<Config, PluginError> {
        let config: Config = switchboard_sdk::config(json)?;
        if config.max_attempts == 0 {
            return Err(PluginError::bad_config("`max_attempts` must be at least 1"));
        }
        if config.timeout_ms == 0 || config.timeout_ms > MAX_WAIT_MS {
            return Err(PluginError::bad_config(format!(
                "`timeout_ms` must be 1 to {MAX_WAIT_MS}"
            )));
        }
        for (i, option) in config.options.iter().enumerate() {
            if option.key.trim().is_empty() || option.label.trim().is_empty() {
                return Err(PluginError::bad_config(format!(
                    "`options[{i}]` needs a key and a label"
                )));
            }
            let clash = config.options[..i]
                .iter()
                .any(|earlier| text::same(&earlier.key, &option.key));
            if clash {
                return Err(PluginError::bad_config(format!(
                    "`options[{i}].key` {:?} is used twice",
                    option.key
                )));
            }
        }
        Ok(config)
    }
}

impl MenuOption {
    /// The campaign to transfer to, if it names one.
    pub fn campaign(&self) -> Option<&str> {
        self.campaign
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
    }
}
