//! `bad-output`: a strategy that returns what the host must reject, chosen by its config
//! `{"mode": …}`:
//!
//! - `unknown-agent` (the default): the first waiting conversation to agent 999999999;
//! - `over-capacity`: the first agent one conversation more than its free slots (give it at
//!   least `capacity - load + 1` waiting conversations);
//! - `duplicate`: the first waiting conversation twice, to the first agent;
//! - `excluded`: the first exclusion's pair.

use serde::Deserialize;
use switchboard_sdk::strategy::{Assignment, RouteInput, Strategy};
use switchboard_sdk::{PluginError, PluginInfo, PluginKind};

/// The plugin.
pub struct BadOutput;

/// An agent id no host hands out.
pub const UNKNOWN_AGENT: u64 = 999_999_999;

/// The settings.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Which rule to break.
    pub mode: Mode,
}

/// Which rule the answer breaks.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// An agent that is not in the input.
    #[default]
    UnknownAgent,
    /// More than an agent's free slots.
    OverCapacity,
    /// A conversation twice.
    Duplicate,
    /// An excluded pair.
    Excluded,
}

const SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "mode": {
      "description": "Which rule the answer breaks.",
      "enum": ["unknown-agent", "over-capacity", "duplicate", "excluded"],
      "default": "unknown-agent"
    }
  }
}"#;

impl Strategy for BadOutput {
    fn describe() -> PluginInfo {
        PluginInfo::new(
            PluginKind::Strategy,
            "bad-output",
            env!("CARGO_PKG_VERSION"),
        )
        .with_description("Test plugin: returns invalid assignments.")
        .with_config_schema(SCHEMA)
    }

    fn route(config: &str, input: RouteInput) -> Result<Vec<Assignment>, PluginError> {
        let Config { mode } = switchboard_sdk::config(config)?;
        let missing = || PluginError::new("bad-input", format!("{mode:?} needs more input"));
        let first_waiting = input.waiting.first().map(|w| w.id).ok_or_else(missing)?;
        let first_agent = input.agents.first().ok_or_else(missing);
        let to = |conversation, agent| Assignment {
            conversation,
            agent,
        };
        Ok(match mode {
            Mode::UnknownAgent => vec![to(first_waiting, UNKNOWN_AGENT)],
            Mode::OverCapacity => {
                let agent = first_agent?;
                let over = agent.free_slots() as usize + 1;
                input
                    .waiting
                    .iter()
                    .take(over)
                    .map(|w| to(w.id, agent.id))
                    .collect()
            }
            Mode::Duplicate => {
                let agent = first_agent?.id;
                vec![to(first_waiting, agent), to(first_waiting, agent)]
            }
            Mode::Excluded => {
                let pair = input.exclusions.first().ok_or_else(missing)?;
                vec![to(pair.conversation, pair.agent)]
            }
        })
    }
}

switchboard_sdk::export_strategy!(BadOutput);

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_sdk::strategy::Agent;
    use switchboard_sdk::testing::{RouteInputBuilder, agent, check_assignments, waiting};

    #[test]
    fn every_mode_breaks_the_hosts_rules() {
        let input = RouteInputBuilder::new()
            .waiting(waiting(1))
            .waiting(waiting(2))
            .waiting(waiting(3))
            .agent(Agent {
                load: 1,
                capacity: 3,
                ..agent(7)
            });
        for (config, broken, input) in [
            ("", "not eligible", input.clone().build()),
            (
                r#"{"mode": "unknown-agent"}"#,
                "not eligible",
                input.clone().build(),
            ),
            (
                r#"{"mode": "over-capacity"}"#,
                "free slots",
                input.clone().build(),
            ),
            (r#"{"mode": "duplicate"}"#, "twice", input.clone().build()),
            (
                r#"{"mode": "excluded"}"#,
                "excluded",
                input.exclude(2, 7).build(),
            ),
        ] {
            let out = BadOutput::route(config, input.clone()).expect("answers");
            let error = check_assignments(&input, &out).expect_err(config);
            assert!(error.contains(broken), "{config}: {error}");
        }
    }
}
