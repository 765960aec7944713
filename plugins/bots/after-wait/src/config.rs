//! The after-wait bot's texts and wait. Strict: an unknown key is refused. [`SCHEMA`] says the
//! same as JSON Schema.

use serde::Deserialize;
use switchboard_sdk::PluginError;
use switchboard_sdk::bot::MAX_WAIT_MS;

/// JSON Schema (draft 2020-12) of [`Config`].
pub const SCHEMA: &str = include_str!("schema.json");

/// The settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Where the customer stands: `{position}`, `{waiting}`, `{minutes}`.
    pub status_message: String,
    /// Instead of `status_message` when there are no queue figures.
    pub unknown_status_message: String,
    /// The two choices.
    pub offer: String,
    /// After choice 1.
    pub keep_waiting_reply: String,
    /// After choice 2.
    pub callback_reply: String,
    /// After an answer that is neither.
    pub invalid_reply: String,
    /// How long to wait for the choice.
    pub timeout_ms: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            status_message: "Thank you for waiting. You are number {position} of {waiting} in the \
                             queue; the expected wait is about {minutes} min."
                .to_owned(),
            unknown_status_message: "Thank you for waiting. All our agents are still busy."
                .to_owned(),
            offer: "Reply 1 to keep waiting, or 2 to be contacted later.".to_owned(),
            keep_waiting_reply: "Thank you, an agent will be with you as soon as possible."
                .to_owned(),
            callback_reply: "Done: we will contact you as soon as an agent is free.".to_owned(),
            invalid_reply: "Sorry, please reply 1 or 2.".to_owned(),
            timeout_ms: 300_000,
        }
    }
}

impl Config {
    /// Parses and checks a campaign's config; errors have code `bad-config` and name the key.
    pub fn load(json: &str) -> Result<Config, PluginError> {
        let config: Config = switchboard_sdk::config(json)?;
        if config.timeout_ms == 0 || config.timeout_ms > MAX_WAIT_MS {
            return Err(PluginError::bad_config(format!(
                "`timeout_ms` must be 1 to {MAX_WAIT_MS}"
            )));
        }
        Ok(config)
    }
}
