//! Switchboard's routing data model and the reference algorithms of its six bundled strategies.
//!
//! Plain Rust with no I/O: the engine runs these natively (its built-in fallback and the
//! benchmarks' baseline) and the bundled wasm plugins (plugins/strategies/*) wrap them, so a
//! strategy behaves the same wherever it runs.
//!
//! - [`model`]: what a routing pass sees ([`RouteInput`]) and returns ([`Assignment`]).
//! - `queue`: the order every strategy serves waiting conversations in, and exclusions.
//! - `rank`, `ranking` and `pool`: the agent orders, fast sorting by their keys, and the
//!   lazily ranked pool a pass draws agents from.
//! - `repeats`: detecting ids that repeat (they never should).
//! - `pass`: the loop every strategy shares; each strategy only picks an agent per
//!   conversation.
//! - one module per strategy ([`round_robin`], [`longest_idle`], [`least_busy`],
//!   [`weighted_random`], [`skills`], [`sticky`]), each with its [`StrategyDef`].
//!
//! Every strategy serves conversations by priority (higher first), then longest wait, then
//! lowest id; gives each conversation at most once; never gives an agent more than
//! `capacity - load` in a pass; never matches an excluded pair; only gives a conversation to an
//! agent with all its required skills (unless `skills` relaxes it); and breaks every tie the same
//! way, by the lowest agent id last. The output depends only on the input and the config.

mod config;
mod def;
mod error;
pub mod model;
mod pass;
mod pool;
mod queue;
mod rank;
mod ranking;
mod repeats;
mod rng;
#[cfg(test)]
mod testing;

pub mod least_busy;
pub mod longest_idle;
pub mod round_robin;
pub mod skills;
pub mod sticky;
pub mod weighted_random;

pub use config::NoConfig;
pub use def::{RouteFn, StrategyDef};
pub use error::RouteError;
pub use model::{Agent, Assignment, Attribute, Exclusion, PreviousAgent, RouteInput, Waiting};

/// The bundled strategies, in the order the admin page lists them.
pub const ALL: &[StrategyDef] = &[
    round_robin::DEF,
    longest_idle::DEF,
    least_busy::DEF,
    weighted_random::DEF,
    skills::DEF,
    sticky::DEF,
];

/// The bundled strategy called `name`.
pub fn by_name(name: &str) -> Option<&'static StrategyDef> {
    ALL.iter().find(|def| def.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_strategy_is_found_by_its_name() {
        let names: Vec<_> = ALL.iter().map(|d| d.name).collect();
        assert_eq!(
            names,
            [
                "round-robin",
                "longest-idle",
                "least-busy",
                "weighted-random",
                "skills",
                "sticky"
            ]
        );
        for def in ALL {
            assert_eq!(by_name(def.name).map(|d| d.name), Some(def.name));
        }
        assert!(by_name("fastest").is_none());
    }

    #[test]
    fn every_schema_is_json_and_closed() {
        for def in ALL {
            let schema: serde_json::Value =
                serde_json::from_str(def.config_schema).expect(def.name);
            assert_eq!(schema["additionalProperties"], false, "{}", def.name);
        }
    }

    #[test]
    fn empty_config_and_empty_object_are_the_defaults() {
        let input = RouteInput::default();
        for def in ALL {
            assert_eq!((def.route)("", &input), Ok(vec![]), "{}", def.name);
            assert_eq!((def.route)("{}", &input), Ok(vec![]), "{}", def.name);
        }
    }

    #[test]
    fn bad_config_is_rejected() {
        let input = RouteInput::default();
        for def in ALL {
            for bad in [r#"{"unknown": true}"#, "[1]", "{", "null"] {
                let result = (def.route)(bad, &input);
                assert!(
                    matches!(result, Err(RouteError::BadConfig(_))),
                    "{} accepted {bad}",
                    def.name
                );
            }
        }
    }
}
