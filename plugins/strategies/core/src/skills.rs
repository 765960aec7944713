//! `skills`: only agents with every skill the conversation needs, in least-busy or longest-idle
//! order. Once a conversation has waited `relax_after_seconds`, agents with some of the skills
//! may take it too: those with more of them first, then the order.

use serde::{Deserialize, Serialize};

use crate::config;
use crate::pass::{best_qualified, run};
use crate::pool::Pool;
use crate::queue::Excluded;
use crate::rank::{LeastBusy, LongestIdle, Rank};
use crate::{Assignment, RouteError, RouteInput, StrategyDef, Waiting};

/// The `skills` strategy.
pub const DEF: StrategyDef = StrategyDef {
    name: "skills",
    description: "Gives each conversation to an agent with every skill it needs; after a \
                  configurable wait, to the agent with the most of them.",
    config_schema: SCHEMA,
    route,
};

/// Settings of `skills`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Wait after which agents with only some of the skills qualify; `None` never relaxes.
    pub relax_after_seconds: Option<u64>,
    /// Order among the agents that qualify.
    pub order: Order,
}

/// Order among qualifying agents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Order {
    /// Lowest load/capacity ratio first.
    LeastBusy,
    /// Longest idle first.
    LongestIdle,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            relax_after_seconds: Some(60),
            order: Order::LeastBusy,
        }
    }
}

const SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "relax_after_seconds": {
      "description": "After a conversation has waited this many seconds, agents with only some of its skills may take it (most skills first). null never relaxes.",
      "type": ["integer", "null"],
      "minimum": 0,
      "default": 60
    },
    "order": {
      "description": "Order among qualifying agents: lowest share of capacity in use, or longest idle.",
      "enum": ["least-busy", "longest-idle"],
      "default": "least-busy"
    }
  }
}"#;

/// Routes one pass with `config` (empty means defaults).
pub fn route(config: &str, input: &RouteInput) -> Result<Vec<Assignment>, RouteError> {
    let config: Config = config::parse(config)?;
    let relax_after_ms = config.relax_after_seconds.map(|s| s.saturating_mul(1000));
    Ok(match config.order {
        Order::LeastBusy => pass(input, LeastBusy::new(&input.agents), relax_after_ms),
        Order::LongestIdle => pass(input, LongestIdle, relax_after_ms),
    })
}

fn pass<R: Rank>(input: &RouteInput, rank: R, relax_after_ms: Option<u64>) -> Vec<Assignment> {
    run(
        input,
        rank,
        |waiting, pool, excluded| match relax_after_ms {
            Some(after) if waiting.waited_ms >= after => most_skilled(waiting, pool, excluded),
            _ => best_qualified(waiting, pool, excluded),
        },
    )
}

/// The agent with the most of the required skills (at least one), the pool's order among
/// equals. A conversation needing no skills is matched fully by anyone.
fn most_skilled<R: Rank>(
    waiting: &Waiting,
    pool: &mut Pool<'_, R>,
    excluded: Excluded<'_>,
) -> Option<usize> {
    let required = waiting.required_skills;
    let all = required.count_ones();
    let mut best: Option<(usize, u32)> = None;
    for (pos, agent) in pool.all_ranked() {
        let matched = (agent.skills & required).count_ones();
        let better = best.is_none_or(|(_, most)| matched > most);
        if (matched > 0 || all == 0) && better && !excluded.contains(agent.id) {
            if matched == all {
                return Some(pos);
            }
            best = Some((pos, matched));
        }
    }
    best.map(|(pos, _)| pos)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::tests::assert_schema_matches;
    use crate::testing::{agent, assigned, input, waiting};

    /// A conversation needing skills 0b111, and agents with 2, 1 and 0 of them.
    fn partial_match_input(waited_ms: u64) -> RouteInput {
        let mut input = input(vec![waiting(1)], vec![agent(1), agent(2), agent(3)]);
        input.waiting[0].required_skills = 0b111;
        input.waiting[0].waited_ms = waited_ms;
        input.agents[0].skills = 0b001;
        input.agents[1].skills = 0b110;
        input.agents[2].skills = 0b1000;
        input
    }

    #[test]
    fn skills_requires_every_skill_before_the_relax_time() {
        assert_eq!(assigned(route("", &partial_match_input(59_999))), []);
    }

    #[test]
    fn skills_relax_after_wait() {
        assert_eq!(assigned(route("", &partial_match_input(60_000))), [(1, 2)]);
        let config = r#"{"relax_after_seconds": 5}"#;
        assert_eq!(
            assigned(route(config, &partial_match_input(5_000))),
            [(1, 2)]
        );
    }

    #[test]
    fn skills_never_relax_when_null() {
        let config = r#"{"relax_after_seconds": null}"#;
        assert_eq!(assigned(route(config, &partial_match_input(u64::MAX))), []);
    }

    #[test]
    fn skills_relaxed_prefers_a_full_match() {
        let mut input = partial_match_input(100_000);
        input.agents.push(agent(4));
        (
            input.agents[3].skills,
            input.agents[3].load,
            input.agents[3].capacity,
        ) = (0b111, 8, 9);
        assert_eq!(assigned(route("", &input)), [(1, 4)]);
    }

    #[test]
    fn skills_relaxed_uses_the_order_among_equal_matches() {
        let mut input = partial_match_input(100_000);
        input.agents[1].skills = 0b001;
        (input.agents[0].load, input.agents[0].capacity) = (1, 2);
        input.agents[1].idle_ms = 0;
        input.agents[0].idle_ms = 9;
        assert_eq!(assigned(route("", &input)), [(1, 2)]);
        assert_eq!(
            assigned(route(r#"{"order": "longest-idle"}"#, &input)),
            [(1, 1)]
        );
    }

    #[test]
    fn skills_orders_full_matches_by_config() {
        let mut input = input(vec![waiting(1)], vec![agent(1), agent(2)]);
        (
            input.agents[0].load,
            input.agents[0].capacity,
            input.agents[0].idle_ms,
        ) = (1, 2, 100);
        assert_eq!(
            assigned(route(r#"{"order": "least-busy"}"#, &input)),
            [(1, 2)]
        );
        assert_eq!(
            assigned(route(r#"{"order": "longest-idle"}"#, &input)),
            [(1, 1)]
        );
    }

    #[test]
    fn bad_config_is_rejected() {
        let input = partial_match_input(0);
        for bad in [
            r#"{"order": "random"}"#,
            r#"{"relax_after_seconds": "60"}"#,
            r#"{"x": 1}"#,
            "[]",
        ] {
            assert!(
                matches!(route(bad, &input), Err(RouteError::BadConfig(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn skills_schema_matches_config() {
        assert_schema_matches::<Config>(SCHEMA);
    }
}
