//! `weighted-random`: uContact's "wrandom". Each conversation goes to a random qualifying agent
//! with a free slot, weighted `101 - penalty` (penalty capped at 100), so a penalty-0 member is
//! 101 times as likely as a penalty-100 one. The randomness comes only from the pass's seed
//! (splitmix64, see `rng`), and agents are drawn in id order, so the same input gives the same
//! answer whatever the order of its lists.

use crate::config::{self, NO_CONFIG_SCHEMA, NoConfig};
use crate::pass::{qualifies, run};
use crate::rank::ById;
use crate::rng::SplitMix64;
use crate::{Agent, Assignment, RouteError, RouteInput, StrategyDef};

/// The `weighted-random` strategy.
pub const DEF: StrategyDef = StrategyDef {
    name: "weighted-random",
    description: "Picks a random agent for each conversation, members with a lower penalty \
                  being more likely. Takes no settings.",
    config_schema: NO_CONFIG_SCHEMA,
    route,
};

/// Routes one pass; the config must be empty or `{}`.
pub fn route(config: &str, input: &RouteInput) -> Result<Vec<Assignment>, RouteError> {
    let NoConfig {} = config::parse(config)?;
    let mut rng = SplitMix64::new(input.seed);
    Ok(run(input, ById, |waiting, pool, excluded| {
        // Two scans, no allocation: sum the weights, draw, find whose share the draw fell in.
        let total: u64 = pool
            .all_ranked()
            .filter(|(_, agent)| qualifies(agent, waiting, excluded))
            .map(|(_, agent)| weight(agent))
            .sum();
        if total == 0 {
            return None;
        }
        let mut draw = rng.below(total);
        for (pos, agent) in pool
            .all_ranked()
            .filter(|(_, agent)| qualifies(agent, waiting, excluded))
        {
            match draw.checked_sub(weight(agent)) {
                Some(rest) => draw = rest,
                None => return Some(pos),
            }
        }
        None
    }))
}

/// An agent's chance relative to others: 101 at penalty 0 down to 1 at penalty 100 or more.
fn weight(agent: &Agent) -> u64 {
    101 - u64::from(agent.penalty.min(100))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{agent, assigned, input, waiting};

    #[test]
    fn weighted_random_is_reproducible_for_a_seed() {
        let agents = (1..=20).map(agent).collect();
        let mut input = input((1..=10).map(waiting).collect(), agents);
        for seed in 0..50 {
            input.seed = seed;
            assert_eq!(route("", &input), route("", &input));
        }
    }

    #[test]
    fn weighted_random_ignores_input_order() {
        let mut input = input(
            (1..=10).map(waiting).collect(),
            (1..=20).map(agent).collect(),
        );
        input.seed = 42;
        let before = route("", &input);
        input.agents.reverse();
        input.waiting.reverse();
        assert_eq!(route("", &input), before);
    }

    #[test]
    fn weighted_random_depends_on_the_seed() {
        let mut input = input(vec![waiting(1)], (1..=20).map(agent).collect());
        let picks: std::collections::HashSet<_> = (0..50)
            .map(|seed| {
                input.seed = seed;
                assigned(route("", &input))
            })
            .collect();
        assert!(
            picks.len() > 5,
            "50 seeds picked only {} agents",
            picks.len()
        );
    }

    #[test]
    fn weighted_random_favours_low_penalty() {
        // Weights 101 vs 1: the low-penalty agent should win ~99 % of draws. Over 2,000 seeds,
        // even 90 % is far outside chance.
        let mut input = input(vec![waiting(1)], vec![agent(1), agent(2)]);
        input.agents[0].penalty = 100;
        input.agents[1].penalty = 0;
        let low_penalty_wins = (0..2_000)
            .filter(|&seed| {
                input.seed = seed;
                assigned(route("", &input)) == [(1, 2)]
            })
            .count();
        assert!(
            low_penalty_wins > 1_800,
            "low penalty won {low_penalty_wins} of 2000"
        );
        assert!(
            low_penalty_wins < 2_000,
            "the high penalty agent is never chosen"
        );
    }

    #[test]
    fn weighted_random_draws_only_qualifying_agents() {
        let mut input = input(vec![waiting(1)], vec![agent(1), agent(2), agent(3)]);
        input.waiting[0].required_skills = 0b100;
        input.agents[1].skills = 0b110;
        for seed in 0..200 {
            input.seed = seed;
            assert_eq!(assigned(route("", &input)), [(1, 2)]);
        }
    }
}
