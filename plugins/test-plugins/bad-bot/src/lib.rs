//! `bad-bot`: a bot that misbehaves as its config `{"mode": …}` says, for the host's tests:
//!
//! - `loop` (the default): `handle` never returns (deadline / epoch interruption);
//! - `panic`: `handle` panics (a trap);
//! - `too-many`: 21 sends, one more than the host accepts;
//! - `bad-wait`: a `wait-input` of 0 ms;
//! - `not-last`: a hand-off followed by a send.

use std::hint::black_box;

use serde::Deserialize;
use switchboard_sdk::bot::{Action, Bot, Context, Trigger};
use switchboard_sdk::{PluginError, PluginInfo, PluginKind};

/// The plugin.
pub struct BadBot;

/// How to misbehave.
#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Spin forever.
    #[default]
    Loop,
    /// Panic.
    Panic,
    /// One action more than allowed.
    TooMany,
    /// A zero wait.
    BadWait,
    /// A final action that is not last.
    NotLast,
}

/// The settings.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// How to misbehave.
    pub mode: Mode,
}

const SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "mode": {
      "enum": ["loop", "panic", "too-many", "bad-wait", "not-last"],
      "default": "loop"
    }
  }
}"#;

impl Bot for BadBot {
    fn describe() -> PluginInfo {
        PluginInfo::new(PluginKind::Bot, "bad-bot", env!("CARGO_PKG_VERSION"))
            .with_description("Test plugin: a bot that loops, panics or breaks the host's rules.")
            .with_config_schema(SCHEMA)
    }

    fn handle(
        config: &str,
        _context: Context,
        _trigger: Trigger,
    ) -> Result<Vec<Action>, PluginError> {
        let Config { mode } = switchboard_sdk::config(config)?;
        Ok(match mode {
            Mode::Loop => {
                // `black_box` makes every step observable, so the optimizer keeps the loop.
                let mut spins: u64 = 0;
                loop {
                    spins = black_box(spins.wrapping_add(1));
                }
            }
            Mode::Panic => panic!("the bad-bot test plugin panics when told to"),
            Mode::TooMany => vec![Action::send_text("spam"); 21],
            Mode::BadWait => vec![Action::wait_input(0, "never")],
            Mode::NotLast => vec![Action::handoff(), Action::send_text("late")],
        })
    }
}

switchboard_sdk::export_bot!(BadBot);
