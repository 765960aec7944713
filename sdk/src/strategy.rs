//! Routing strategies: given a campaign's queue and its eligible agents, say who takes what.
//!
//! The types are those of the `switchboard-strategies` crate, the same ones the engine and the
//! bundled strategies use. The host sends the queue and the agents as columns (one block copy
//! each, see `waiting-table` in the WIT); [`rows`] turns them back into rows before your
//! strategy sees them. Implement [`Strategy`] and export it with [`export_strategy!`].
//!
//! [`export_strategy!`]: crate::export_strategy

use std::marker::PhantomData;

use crate::bindings::meta::exports::switchboard::types::metadata;
use crate::bindings::strategy::exports::switchboard::strategy::strategy as wit;
use crate::{PluginError, PluginInfo};

/// The reference algorithms of the bundled strategies (`least_busy`, `round_robin`, …), to
/// build on or to export as they are with [`export_reference_strategy!`].
///
/// [`export_reference_strategy!`]: crate::export_reference_strategy
pub use switchboard_strategies as reference;
pub use switchboard_strategies::{
    Agent, Assignment, Attribute, Exclusion, PreviousAgent, RouteInput, Waiting,
};

/// A routing strategy. Both functions are pure: everything a call needs comes in its
/// arguments (time is `input.now_ms`, randomness is seeded from `input.seed`), and nothing is
/// kept between calls.
pub trait Strategy {
    /// Name, version, description and config schema, with kind [`PluginKind::Strategy`].
    /// Must be cheap and independent of any input.
    ///
    /// [`PluginKind::Strategy`]: crate::PluginKind::Strategy
    fn describe() -> PluginInfo;

    /// One routing pass of one campaign. `config` is the campaign's config for this plugin
    /// (JSON, already validated against the schema; empty means defaults). Return the
    /// assignments to make; the host rejects the whole answer if one is invalid (unknown id,
    /// a conversation twice, more than an agent's `capacity - load`, an excluded pair), and
    /// uses its built-in strategy for the pass on any error.
    fn route(config: &str, input: RouteInput) -> Result<Vec<Assignment>, PluginError>;
}

/// Exports a [`Strategy`] as the plugin's implementation of `switchboard:plugins/strategy`.
/// Use once per crate, with `crate-type = ["cdylib", "rlib"]`. In a native build it exports
/// nothing (so `cargo test` works) but still checks the trait is implemented.
#[macro_export]
macro_rules! export_strategy {
    ($plugin:ty) => {
        const _: fn() = || {
            fn implements<T: $crate::strategy::Strategy>() {}
            implements::<$plugin>();
        };
        #[cfg(target_arch = "wasm32")]
        #[allow(unsafe_code)]
        const _: () = {
            type SwitchboardExport = $crate::strategy::Export<$plugin>;
            $crate::__private::meta::__export_meta_world!(
                SwitchboardExport with_types_in $crate::__private::meta
            );
            $crate::__private::strategy::__export_strategy_world!(
                SwitchboardExport with_types_in $crate::__private::strategy
            );
        };
    };
}

/// Exports a reference strategy (a module of [`reference`]: `least_busy`, `round_robin`, …)
/// as this crate's plugin, named, described and configured as the reference defines it, with
/// this crate's version. How the bundled strategies are built; defines `Plugin`.
#[macro_export]
macro_rules! export_reference_strategy {
    ($module:ident) => {
        /// The plugin: the reference strategy as a component.
        pub struct Plugin;

        impl $crate::strategy::Strategy for Plugin {
            fn describe() -> $crate::PluginInfo {
                let def = &$crate::strategy::reference::$module::DEF;
                $crate::PluginInfo::new(
                    $crate::PluginKind::Strategy,
                    def.name,
                    env!("CARGO_PKG_VERSION"),
                )
                .with_description(def.description)
                .with_config_schema(def.config_schema)
            }

            fn route(
                config: &str,
                input: $crate::strategy::RouteInput,
            ) -> Result<Vec<$crate::strategy::Assignment>, $crate::PluginError> {
                Ok(($crate::strategy::reference::$module::DEF.route)(
                    config, &input,
                )?)
            }
        }

        $crate::export_strategy!(Plugin);
    };
}

/// The adapter [`export_strategy!`](crate::export_strategy) exports: the generated traits,
/// implemented by calling `T`.
#[doc(hidden)]
pub struct Export<T>(PhantomData<T>);

impl<T: Strategy> metadata::Guest for Export<T> {
    fn describe() -> PluginInfo {
        T::describe()
    }
}

impl<T: Strategy> wit::Guest for Export<T> {
    fn route(config: String, input: wit::RouteInput) -> Result<Vec<Assignment>, PluginError> {
        T::route(&config, rows(input)?)
    }
}

/// Turns the host's columns into rows. Columns of unequal length are a host bug, answered
/// with a `bad-input` error rather than a guess.
pub fn rows(input: wit::RouteInput) -> Result<RouteInput, PluginError> {
    let (w, a) = (&input.waiting, &input.agents);
    let n = w.ids.len();
    let waiting_ok = [
        w.waited_ms.len(),
        w.priorities.len(),
        w.required_skills.len(),
        w.previous_agents.len(),
        w.previous_at_ms.len(),
    ]
    .iter()
    .all(|&len| len == n);
    let m = a.ids.len();
    let agents_ok = [
        a.loads.len(),
        a.capacities.len(),
        a.idle_ms.len(),
        a.last_assigned_at_ms.len(),
        a.penalties.len(),
        a.skills.len(),
    ]
    .iter()
    .all(|&len| len == m);
    if !waiting_ok || !agents_ok {
        return Err(PluginError::new(
            "bad-input",
            "the host sent columns of unequal length",
        ));
    }
    let waiting = (0..n)
        .map(|i| Waiting {
            id: w.ids[i],
            waited_ms: w.waited_ms[i],
            priority: w.priorities[i],
            required_skills: w.required_skills[i],
            previous: (w.previous_agents[i] != 0).then(|| PreviousAgent {
                agent: w.previous_agents[i],
                at_ms: w.previous_at_ms[i],
            }),
        })
        .collect();
    let agents = (0..m)
        .map(|i| Agent {
            id: a.ids[i],
            load: a.loads[i],
            capacity: a.capacities[i],
            idle_ms: a.idle_ms[i],
            last_assigned_at_ms: (a.last_assigned_at_ms[i] != 0)
                .then_some(a.last_assigned_at_ms[i]),
            penalty: a.penalties[i],
            skills: a.skills[i],
        })
        .collect();
    Ok(RouteInput {
        now_ms: input.now_ms,
        seed: input.seed,
        campaign: input.campaign,
        waiting,
        agents,
        exclusions: input.exclusions,
        attributes: input.attributes,
    })
}

/// The columns of `input`: what the host sends. For tests of [`rows`] and of exports.
#[cfg(test)]
fn columns(input: &RouteInput) -> wit::RouteInput {
    wit::RouteInput {
        now_ms: input.now_ms,
        seed: input.seed,
        campaign: input.campaign,
        waiting: wit::WaitingTable {
            ids: input.waiting.iter().map(|w| w.id).collect(),
            waited_ms: input.waiting.iter().map(|w| w.waited_ms).collect(),
            priorities: input.waiting.iter().map(|w| w.priority).collect(),
            required_skills: input.waiting.iter().map(|w| w.required_skills).collect(),
            previous_agents: input
                .waiting
                .iter()
                .map(|w| w.previous.map_or(0, |p| p.agent))
                .collect(),
            previous_at_ms: input
                .waiting
                .iter()
                .map(|w| w.previous.map_or(0, |p| p.at_ms))
                .collect(),
        },
        agents: wit::AgentTable {
            ids: input.agents.iter().map(|a| a.id).collect(),
            loads: input.agents.iter().map(|a| a.load).collect(),
            capacities: input.agents.iter().map(|a| a.capacity).collect(),
            idle_ms: input.agents.iter().map(|a| a.idle_ms).collect(),
            last_assigned_at_ms: input
                .agents
                .iter()
                .map(|a| a.last_assigned_at_ms.unwrap_or(0))
                .collect(),
            penalties: input.agents.iter().map(|a| a.penalty).collect(),
            skills: input.agents.iter().map(|a| a.skills).collect(),
        },
        exclusions: input.exclusions.clone(),
        attributes: input.attributes.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{RouteInputBuilder, agent, waiting};

    struct First;

    impl Strategy for First {
        fn describe() -> PluginInfo {
            PluginInfo::new(crate::PluginKind::Strategy, "first", "0.1.0")
        }

        fn route(_: &str, input: RouteInput) -> Result<Vec<Assignment>, PluginError> {
            let agent = input
                .agents
                .first()
                .map(|a| a.id)
                .ok_or_else(|| PluginError::new("no-agent", "none"))?;
            Ok(input
                .waiting
                .iter()
                .map(|w| Assignment {
                    conversation: w.id,
                    agent,
                })
                .collect())
        }
    }

    #[test]
    fn the_export_adapter_calls_the_strategy() {
        let input = RouteInputBuilder::new()
            .waiting(waiting(1))
            .agent(agent(9))
            .build();
        let out =
            <Export<First> as wit::Guest>::route(String::new(), columns(&input)).expect("routes");
        assert_eq!(
            out,
            [Assignment {
                conversation: 1,
                agent: 9
            }]
        );
        assert_eq!(<Export<First> as metadata::Guest>::describe().name, "first");
        let error =
            <Export<First> as wit::Guest>::route(String::new(), columns(&RouteInput::default()));
        assert_eq!(error.map_err(|e| e.code), Err("no-agent".to_owned()));
    }

    #[test]
    fn columns_become_the_same_rows() {
        let input = RouteInputBuilder::new()
            .waiting(Waiting {
                previous: Some(PreviousAgent { agent: 9, at_ms: 5 }),
                priority: 2,
                ..waiting(1)
            })
            .waiting(waiting(2))
            .agent(Agent {
                last_assigned_at_ms: Some(77),
                penalty: 30,
                skills: 0b101,
                ..agent(9)
            })
            .agent(agent(10))
            .build();
        assert_eq!(rows(columns(&input)).expect("rows"), input);
    }

    #[test]
    fn columns_of_unequal_length_are_bad_input() {
        let mut cols = columns(
            &RouteInputBuilder::new()
                .waiting(waiting(1))
                .agent(agent(9))
                .build(),
        );
        cols.agents.loads.push(3);
        assert_eq!(rows(cols).map_err(|e| e.code), Err("bad-input".to_owned()));
    }
}
