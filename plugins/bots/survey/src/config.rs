//! The survey's texts and wait. Strict: an unknown key is refused. [`SCHEMA`] says the same as
//! JSON Schema.

use serde::Deserialize;
use switchboard_sdk::PluginError;
use switchboard_sdk::bot::MAX_WAIT_MS;

/// JSON Schema (draft 2020-12) of [`Config`].
pub const SCHEMA: &str = include_str!("schema.json");

/// The settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The question.
    pub question: String,
    /// After a rating.
    pub thanks: String,
    /// After an answer without a rating.
    pub invalid_reply: String,
    /// How long to wait for the rating.
    pub timeout_ms: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            question: "How would you rate the service you received? Reply with a number from 1 \
                       (very bad) to 5 (excellent)."
                .to_owned(),
            thanks: "Thank you for your feedback!".to_owned(),
            invalid_reply: "Sorry, please reply with a number from 1 to 5.".to_owned(),
            timeout_ms: 600_000,
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
