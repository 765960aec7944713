//! The FAQ's entries and behaviour. Strict: an unknown key is refused. [`SCHEMA`] says the same
//! as JSON Schema.

use serde::Deserialize;
use switchboard_sdk::bot::MAX_WAIT_MS;
use switchboard_sdk::{PluginError, text};

/// JSON Schema (draft 2020-12) of [`Config`].
pub const SCHEMA: &str = include_str!("schema.json");

/// One question the bot answers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Words or phrases that pick this entry.
    pub keywords: Vec<String>,
    /// The reply.
    pub answer: String,
}

/// What a question without an answer does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NoMatch {
    /// Hand the conversation to the queue.
    #[default]
    Handoff,
    /// Wait for another question.
    Wait,
}

/// The settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The entries, tried in order.
    pub entries: Vec<Entry>,
    /// Sent on start, if set.
    pub greeting: Option<String>,
    /// What a question without an answer does.
    pub no_match: NoMatch,
    /// Sent when a question has no answer; empty: nothing.
    pub no_match_reply: String,
    /// How long to wait for the next question.
    pub timeout_ms: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            entries: Vec::new(),
            greeting: None,
            no_match: NoMatch::Handoff,
            no_match_reply: String::new(),
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
        for (i, entry) in config.entries.iter().enumerate() {
            if entry.answer.trim().is_empty() {
                return Err(PluginError::bad_config(format!(
                    "`entries[{i}].answer` is empty"
                )));
            }
            let searchable = entry.keywords.iter().all(|k| !text::words(k).is_empty());
            if entry.keywords.is_empty() || !searchable {
                return Err(PluginError::bad_config(format!(
                    "`entries[{i}].keywords` needs words (letters or digits) to match"
                )));
            }
        }
        Ok(config)
    }

    /// The greeting, if one is set.
    pub fn greeting(&self) -> Option<&str> {
        self.greeting.as_deref().filter(|g| !g.trim().is_empty())
    }

    /// The answer of the first entry with a keyword in `question`.
    pub fn answer(&self, question: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|entry| {
                entry
                    .keywords
                    .iter()
                    .any(|keyword| text::contains_phrase(question, keyword))
            })
            .map(|entry| entry.answer.as_str())
    }
}
