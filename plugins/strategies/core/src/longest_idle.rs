//! `longest-idle`: the agent idle longest goes first; an agent given a conversation is no
//! longer idle for the rest of the pass.

use crate::config::{self, NO_CONFIG_SCHEMA, NoConfig};
use crate::pass::{best_qualified, run};
use crate::rank::LongestIdle;
use crate::{Assignment, RouteError, RouteInput, StrategyDef};

/// The `longest-idle` strategy.
pub const DEF: StrategyDef = StrategyDef {
    name: "longest-idle",
    description: "Gives each conversation to the agent who has been idle longest. Takes no \
                  settings.",
    config_schema: NO_CONFIG_SCHEMA,
    route,
};

/// Routes one pass; the config must be empty or `{}`.
pub fn route(config: &str, input: &RouteInput) -> Result<Vec<Assignment>, RouteError> {
    let NoConfig {} = config::parse(config)?;
    Ok(run(input, LongestIdle, best_qualified))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{agent, assigned, input, waiting};

    #[test]
    fn longest_idle_prefers_the_longest_idle_agent() {
        let mut input = input(vec![waiting(1)], vec![agent(1), agent(2), agent(3)]);
        input.agents[0].idle_ms = 10;
        input.agents[1].idle_ms = 30;
        input.agents[2].idle_ms = 20;
        assert_eq!(assigned(route("", &input)), [(1, 2)]);
    }

    #[test]
    fn longest_idle_agent_is_not_idle_after_an_assignment() {
        let mut input = input(vec![waiting(1), waiting(2)], vec![agent(1), agent(2)]);
        input.agents[0].capacity = 3;
        input.agents[0].idle_ms = 1_000;
        input.agents[1].idle_ms = 1;
        assert_eq!(assigned(route("", &input)), [(1, 1), (2, 2)]);
    }

    #[test]
    fn longest_idle_breaks_ties_by_lowest_id() {
        let input = input(vec![waiting(1)], vec![agent(9), agent(4)]);
        assert_eq!(assigned(route("", &input)), [(1, 4)]);
    }
}
