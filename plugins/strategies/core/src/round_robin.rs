//! `round-robin`: uContact's "rrmemory". The agent whose last assignment in this campaign is
//! oldest goes first (never assigned before anyone), ties to the longest idle; an agent given a
//! conversation goes to the back for the rest of the pass.

use crate::config::{self, NO_CONFIG_SCHEMA, NoConfig};
use crate::pass::{best_qualified, run};
use crate::rank::RoundRobin;
use crate::{Assignment, RouteError, RouteInput, StrategyDef};

/// The `round-robin` strategy.
pub const DEF: StrategyDef = StrategyDef {
    name: "round-robin",
    description: "Takes agents in turn: the one whose last conversation in this campaign is \
                  oldest goes first. Takes no settings.",
    config_schema: NO_CONFIG_SCHEMA,
    route,
};

/// Routes one pass; the config must be empty or `{}`.
pub fn route(config: &str, input: &RouteInput) -> Result<Vec<Assignment>, RouteError> {
    let NoConfig {} = config::parse(config)?;
    Ok(run(
        input,
        RoundRobin::new(input.now_ms, &input.agents),
        best_qualified,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{agent, assigned, input, waiting};

    #[test]
    fn round_robin_prefers_the_oldest_last_assignment() {
        let mut input = input(vec![waiting(1)], vec![agent(1), agent(2), agent(3)]);
        input.agents[0].last_assigned_at_ms = Some(300);
        input.agents[1].last_assigned_at_ms = Some(100);
        input.agents[2].last_assigned_at_ms = Some(200);
        assert_eq!(assigned(route("", &input)), [(1, 2)]);
    }

    #[test]
    fn round_robin_serves_never_assigned_agents_first() {
        let mut input = input(vec![waiting(1)], vec![agent(1), agent(2)]);
        input.agents[0].last_assigned_at_ms = Some(1);
        assert_eq!(assigned(route("", &input)), [(1, 2)]);
    }

    #[test]
    fn round_robin_breaks_ties_by_longest_idle() {
        let mut input = input(vec![waiting(1)], vec![agent(1), agent(2)]);
        input.agents[1].idle_ms = 50;
        assert_eq!(assigned(route("", &input)), [(1, 2)]);
    }

    #[test]
    fn round_robin_rotates_within_one_pass() {
        let mut agents = vec![agent(1), agent(2)];
        for a in &mut agents {
            a.capacity = 5;
        }
        agents[0].last_assigned_at_ms = Some(10);
        agents[1].last_assigned_at_ms = Some(20);
        let input = input((1..=3).map(waiting).collect(), agents);
        assert_eq!(assigned(route("{}", &input)), [(1, 1), (2, 2), (3, 1)]);
    }

    #[test]
    fn round_robin_rejects_any_setting() {
        let input = input(vec![waiting(1)], vec![agent(1)]);
        assert!(matches!(
            route(r#"{"x": 1}"#, &input),
            Err(RouteError::BadConfig(_))
        ));
    }
}
