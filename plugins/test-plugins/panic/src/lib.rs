//! `panic`: a strategy whose `route` panics. Guests are built with `panic = "abort"`, so the
//! host sees a trap (and the message on the plugin's stderr); the engine must carry on.

use switchboard_sdk::strategy::{Assignment, RouteInput, Strategy};
use switchboard_sdk::{PluginError, PluginInfo, PluginKind};

/// The plugin.
pub struct Panic;

/// What `route` panics with.
pub const MESSAGE: &str = "the panic test plugin panics on every route call";

impl Strategy for Panic {
    fn describe() -> PluginInfo {
        PluginInfo::new(PluginKind::Strategy, "panic", env!("CARGO_PKG_VERSION"))
            .with_description("Test plugin: route panics.")
    }

    fn route(_config: &str, _input: RouteInput) -> Result<Vec<Assignment>, PluginError> {
        panic!("{MESSAGE}")
    }
}

switchboard_sdk::export_strategy!(Panic);
