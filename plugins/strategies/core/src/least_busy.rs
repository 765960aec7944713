//! `least-busy`: the agent with the lowest share of their capacity in use goes first, ties to
//! the longest idle; each assignment counts toward the load for the rest of the pass.

use crate::config::{self, NO_CONFIG_SCHEMA, NoConfig};
use crate::pass::{best_qualified, run};
use crate::rank::LeastBusy;
use crate::{Assignment, RouteError, RouteInput, StrategyDef};

/// The `least-busy` strategy.
pub const DEF: StrategyDef = StrategyDef {
    name: "least-busy",
    description: "Gives each conversation to the agent using the smallest share of their \
                  capacity, the longest idle first among equals. Takes no settings.",
    config_schema: NO_CONFIG_SCHEMA,
    route,
};

/// Routes one pass; the config must be empty or `{}`.
pub fn route(config: &str, input: &RouteInput) -> Result<Vec<Assignment>, RouteError> {
    let NoConfig {} = config::parse(config)?;
    Ok(run(input, LeastBusy::new(&input.agents), best_qualified))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{agent, assigned, input, waiting};

    #[test]
    fn least_busy_prefers_lower_load_ratio() {
        let mut input = input(vec![waiting(1)], vec![agent(1), agent(2)]);
        (input.agents[0].load, input.agents[0].capacity) = (1, 2); // 50 %
        (input.agents[1].load, input.agents[1].capacity) = (2, 5); // 40 %
        assert_eq!(assigned(route("", &input)), [(1, 2)]);
    }

    #[test]
    fn least_busy_breaks_ties_by_longest_idle() {
        let mut input = input(vec![waiting(1)], vec![agent(1), agent(2)]);
        input.agents[1].idle_ms = 5;
        assert_eq!(assigned(route("", &input)), [(1, 2)]);
    }

    #[test]
    fn least_busy_counts_assignments_made_in_the_pass() {
        let mut input = input((1..=3).map(waiting).collect(), vec![agent(1), agent(2)]);
        (input.agents[0].load, input.agents[0].capacity) = (0, 4);
        (input.agents[1].load, input.agents[1].capacity) = (1, 4);
        // 0/4 → agent 1; then 1/4 each, agent 1 by id; then 2/4 vs 1/4 → agent 2.
        assert_eq!(assigned(route("", &input)), [(1, 1), (2, 1), (3, 2)]);
    }

    #[test]
    fn least_busy_skips_agents_without_the_required_skills() {
        let mut input = input(vec![waiting(1)], vec![agent(1), agent(2)]);
        input.waiting[0].required_skills = 0b11;
        input.agents[0].skills = 0b01;
        (
            input.agents[1].load,
            input.agents[1].capacity,
            input.agents[1].skills,
        ) = (3, 4, 0b111);
        assert_eq!(assigned(route("", &input)), [(1, 2)]);
    }
}
