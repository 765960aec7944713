//! `sticky`: a returning customer goes back to the agent who served them recently, if that
//! agent qualifies and has a free slot; optionally the conversation waits a while for that
//! agent to free up; otherwise the fallback order decides.

use serde::{Deserialize, Serialize};

use crate::config;
use crate::pass::{best_qualified, qualifies, run};
use crate::pool::Pool;
use crate::queue::Excluded;
use crate::rank::{LeastBusy, LongestIdle, Rank, RoundRobin};
use crate::{Assignment, RouteError, RouteInput, StrategyDef, Waiting};

/// The `sticky` strategy.
pub const DEF: StrategyDef = StrategyDef {
    name: "sticky",
    description: "Gives a returning customer to the agent who served them recently, when that \
                  agent is free; otherwise uses a fallback order.",
    config_schema: SCHEMA,
    route,
};

/// Settings of `sticky`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// How recent the previous agent's assignment must be to count.
    pub max_age_seconds: u64,
    /// How long a conversation may wait for a recent previous agent who is busy or away.
    pub wait_for_previous_seconds: u64,
    /// Order used when the previous agent does not take the conversation.
    pub fallback: Fallback,
}

/// The order used when the previous agent does not take the conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fallback {
    /// Like `least-busy`.
    LeastBusy,
    /// Like `longest-idle`.
    LongestIdle,
    /// Like `round-robin`.
    RoundRobin,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_age_seconds: 86_400,
            wait_for_previous_seconds: 0,
            fallback: Fallback::LeastBusy,
        }
    }
}

const SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "max_age_seconds": {
      "description": "The previous agent counts if they were assigned this customer at most this many seconds ago.",
      "type": "integer",
      "minimum": 0,
      "default": 86400
    },
    "wait_for_previous_seconds": {
      "description": "While a conversation has waited less than this, it waits for a recent previous agent who is busy or away instead of going to someone else.",
      "type": "integer",
      "minimum": 0,
      "default": 0
    },
    "fallback": {
      "description": "Order used when the previous agent does not take the conversation.",
      "enum": ["least-busy", "longest-idle", "round-robin"],
      "default": "least-busy"
    }
  }
}"#;

/// Routes one pass with `config` (empty means defaults).
pub fn route(config: &str, input: &RouteInput) -> Result<Vec<Assignment>, RouteError> {
    let config: Config = config::parse(config)?;
    Ok(match config.fallback {
        Fallback::LeastBusy => pass(input, LeastBusy::new(&input.agents), &config),
        Fallback::LongestIdle => pass(input, LongestIdle, &config),
        Fallback::RoundRobin => pass(input, RoundRobin::new(input.now_ms, &input.agents), &config),
    })
}

fn pass<R: Rank>(input: &RouteInput, rank: R, config: &Config) -> Vec<Assignment> {
    let max_age_ms = config.max_age_seconds.saturating_mul(1000);
    let wait_ms = config.wait_for_previous_seconds.saturating_mul(1000);
    run(input, rank, |waiting, pool, excluded| match previous_agent(
        waiting,
        pool,
        excluded,
        input.now_ms,
        max_age_ms,
    ) {
        Previous::Takes(pos) => Some(pos),
        Previous::Unavailable if waiting.waited_ms < wait_ms => None,
        Previous::Unavailable | Previous::None => best_qualified(waiting, pool, excluded),
    })
}

/// What the previous agent can do for a conversation.
enum Previous {
    /// Recent, qualifies, has a slot: at this pool position.
    Takes(usize),
    /// Recent but busy or away: worth waiting for.
    Unavailable,
    /// None, too old, excluded, or lacking a skill: not worth waiting for.
    None,
}

fn previous_agent<R: Rank>(
    waiting: &Waiting,
    pool: &Pool<'_, R>,
    excluded: Excluded<'_>,
    now_ms: u64,
    max_age_ms: u64,
) -> Previous {
    let Some(previous) = waiting.previous else {
        return Previous::None;
    };
    // A time after `now` (clock skew) counts as just now.
    if now_ms.saturating_sub(previous.at_ms) > max_age_ms || excluded.contains(previous.agent) {
        return Previous::None;
    }
    match pool.position(previous.agent) {
        Some(pos) if qualifies(pool.agent(pos), waiting, excluded) => Previous::Takes(pos),
        Some(_) => Previous::None,
        None => Previous::Unavailable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::tests::assert_schema_matches;
    use crate::testing::{NOW_MS, agent, assigned, input, waiting};
    use crate::{Exclusion, PreviousAgent};

    /// Conversation 1 last served by agent 2 `age_ms` ago; agent 1 is the least busy.
    fn returning(age_ms: u64) -> RouteInput {
        let mut input = input(vec![waiting(1)], vec![agent(1), agent(2)]);
        input.waiting[0].previous = Some(PreviousAgent {
            agent: 2,
            at_ms: NOW_MS - age_ms,
        });
        (input.agents[1].load, input.agents[1].capacity) = (1, 3);
        input
    }

    #[test]
    fn sticky_returns_to_recent_previous_agent() {
        assert_eq!(assigned(route("", &returning(3_600_000))), [(1, 2)]);
    }

    #[test]
    fn sticky_ignores_a_previous_agent_older_than_max_age() {
        assert_eq!(assigned(route("", &returning(86_400_001))), [(1, 1)]);
        assert_eq!(
            assigned(route(r#"{"max_age_seconds": 10}"#, &returning(10_000))),
            [(1, 2)]
        );
        assert_eq!(
            assigned(route(r#"{"max_age_seconds": 10}"#, &returning(10_001))),
            [(1, 1)]
        );
    }

    #[test]
    fn sticky_waits_for_a_busy_previous_agent() {
        let mut input = returning(1_000);
        input.agents[1].load = 3;
        input.waiting[0].waited_ms = 29_999;
        let config = r#"{"wait_for_previous_seconds": 30}"#;
        assert_eq!(assigned(route(config, &input)), []);
        input.waiting[0].waited_ms = 30_000;
        assert_eq!(assigned(route(config, &input)), [(1, 1)]);
    }

    #[test]
    fn sticky_waits_for_an_absent_previous_agent() {
        let mut input = returning(1_000);
        input.agents.remove(1);
        assert_eq!(
            assigned(route(r#"{"wait_for_previous_seconds": 30}"#, &input)),
            []
        );
        assert_eq!(assigned(route("", &input)), [(1, 1)]);
    }

    #[test]
    fn sticky_does_not_wait_for_an_agent_who_rejected_the_conversation() {
        let mut input = returning(1_000);
        input.exclusions.push(Exclusion {
            conversation: 1,
            agent: 2,
        });
        assert_eq!(
            assigned(route(r#"{"wait_for_previous_seconds": 30}"#, &input)),
            [(1, 1)]
        );
    }

    #[test]
    fn sticky_skips_a_previous_agent_without_the_skills() {
        let mut input = returning(1_000);
        input.waiting[0].required_skills = 1;
        input.agents[0].skills = 1;
        assert_eq!(
            assigned(route(r#"{"wait_for_previous_seconds": 30}"#, &input)),
            [(1, 1)]
        );
    }

    #[test]
    fn sticky_uses_the_configured_fallback() {
        let mut input = input(vec![waiting(1)], vec![agent(1), agent(2)]);
        (
            input.agents[0].load,
            input.agents[0].capacity,
            input.agents[0].idle_ms,
        ) = (1, 2, 100);
        input.agents[1].last_assigned_at_ms = Some(5);
        assert_eq!(
            assigned(route(r#"{"fallback": "least-busy"}"#, &input)),
            [(1, 2)]
        );
        assert_eq!(
            assigned(route(r#"{"fallback": "longest-idle"}"#, &input)),
            [(1, 1)]
        );
        assert_eq!(
            assigned(route(r#"{"fallback": "round-robin"}"#, &input)),
            [(1, 1)]
        );
    }

    #[test]
    fn bad_config_is_rejected() {
        let input = returning(0);
        for bad in [
            r#"{"fallback": "skills"}"#,
            r#"{"max_age_seconds": -1}"#,
            r#"{"wait": 1}"#,
            "x",
        ] {
            assert!(
                matches!(route(bad, &input), Err(RouteError::BadConfig(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn sticky_schema_matches_config() {
        assert_schema_matches::<Config>(SCHEMA);
    }
}
