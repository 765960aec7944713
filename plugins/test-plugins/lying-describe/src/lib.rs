//! `lying-describe`: exports the strategy world, but `describe()` says kind bot. Installing it
//! must fail: the kind must match the world.

use switchboard_sdk::strategy::{Assignment, RouteInput, Strategy};
use switchboard_sdk::{PluginError, PluginInfo, PluginKind};

/// The plugin.
pub struct LyingDescribe;

impl Strategy for LyingDescribe {
    fn describe() -> PluginInfo {
        PluginInfo::new(PluginKind::Bot, "lying-describe", env!("CARGO_PKG_VERSION"))
            .with_description("Test plugin: a strategy that says it is a bot.")
    }

    fn route(_config: &str, _input: RouteInput) -> Result<Vec<Assignment>, PluginError> {
        Ok(Vec::new())
    }
}

switchboard_sdk::export_strategy!(LyingDescribe);
