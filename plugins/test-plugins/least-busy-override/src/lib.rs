//! `least-busy` 9.0.0, a test plugin: it takes the name of a bundled strategy to show that an
//! installed version overrides the bundled one (and that rollback returns to it). It answers
//! like `probe` 1.0.0, so a test can tell which version routed.

use switchboard_sdk::strategy::{Assignment, RouteInput, Strategy};
use switchboard_sdk::{PluginError, PluginInfo, PluginKind};

/// The plugin.
pub struct Override;

impl Strategy for Override {
    fn describe() -> PluginInfo {
        PluginInfo::new(
            PluginKind::Strategy,
            "least-busy",
            env!("CARGO_PKG_VERSION"),
        )
        .with_description(
            "Test plugin: overrides the bundled least-busy; everything to the first agent.",
        )
    }

    fn route(_config: &str, input: RouteInput) -> Result<Vec<Assignment>, PluginError> {
        Ok(probe_common::all_to(input.agents.first(), &input))
    }
}

switchboard_sdk::export_strategy!(Override);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_itself_as_least_busy_9_0_0() {
        let info = Override::describe();
        assert_eq!(
            (info.name.as_str(), info.version.as_str()),
            ("least-busy", "9.0.0")
        );
    }
}
