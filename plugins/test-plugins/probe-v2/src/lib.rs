//! `probe` 2.0.0: gives each waiting conversation, in input order, to the LAST agent of the
//! input while it has free slots. With `probe-v1` (the first agent) it shows which version of a
//! hot-swapped plugin answered; it is also the trivial plugin of the instantiate + call
//! benchmark.

use switchboard_sdk::strategy::{Assignment, RouteInput, Strategy};
use switchboard_sdk::{PluginError, PluginInfo, PluginKind};

/// The plugin.
pub struct Probe;

impl Strategy for Probe {
    fn describe() -> PluginInfo {
        PluginInfo::new(PluginKind::Strategy, "probe", env!("CARGO_PKG_VERSION"))
            .with_description("Test plugin: everything to the last agent listed.")
    }

    fn route(_config: &str, input: RouteInput) -> Result<Vec<Assignment>, PluginError> {
        let Some(agent) = input.agents.last() else {
            return Ok(Vec::new());
        };
        let slots = agent.free_slots() as usize;
        Ok(input
            .waiting
            .iter()
            .take(slots)
            .map(|w| Assignment {
                conversation: w.id,
                agent: agent.id,
            })
            .collect())
    }
}

switchboard_sdk::export_strategy!(Probe);

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_sdk::strategy::Agent;
    use switchboard_sdk::testing::{RouteInputBuilder, agent, check_assignments, waiting};

    #[test]
    fn probe_v2_fills_the_last_agent() {
        let input = RouteInputBuilder::new()
            .waiting(waiting(3))
            .waiting(waiting(1))
            .waiting(waiting(2))
            .agent(Agent {
                load: 1,
                capacity: 3,
                ..agent(7)
            })
            .agent(agent(8))
            .build();
        let out = Probe::route("", input.clone()).expect("routes");
        assert_eq!(
            out,
            [Assignment {
                conversation: 3,
                agent: 8
            }]
        );
        assert_eq!(check_assignments(&input, &out), Ok(()));
        assert_eq!(
            (
                Probe::describe().name.as_str(),
                Probe::describe().version.as_str()
            ),
            ("probe", "2.0.0")
        );
    }
}
