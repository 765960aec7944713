//! `probe` 1.0.0: gives each waiting conversation, in input order, to the FIRST agent of the
//! input while it has free slots. With `probe-v2` (the last agent) it shows which version of a
//! hot-swapped plugin answered; it is also the trivial plugin of the instantiate + call
//! benchmark.

use switchboard_sdk::strategy::{Assignment, RouteInput, Strategy};
use switchboard_sdk::{PluginError, PluginInfo, PluginKind};

/// The plugin.
pub struct Probe;

impl Strategy for Probe {
    fn describe() -> PluginInfo {
        PluginInfo::new(PluginKind::Strategy, "probe", env!("CARGO_PKG_VERSION"))
            .with_description("Test plugin: everything to the first agent listed.")
    }

    fn route(_config: &str, input: RouteInput) -> Result<Vec<Assignment>, PluginError> {
        Ok(probe_common::all_to(input.agents.first(), &input))
    }
}

switchboard_sdk::export_strategy!(Probe);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_itself_as_probe_1_0_0() {
        let info = Probe::describe();
        assert_eq!(
            (info.name.as_str(), info.version.as_str()),
            ("probe", "1.0.0")
        );
    }
}
