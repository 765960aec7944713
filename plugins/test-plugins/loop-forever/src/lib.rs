//! `loop-forever`: a strategy whose `route` never returns, for the host's deadline tests
//! (epoch interruption must stop it and the engine must carry on).

use std::hint::black_box;

use switchboard_sdk::strategy::{Assignment, RouteInput, Strategy};
use switchboard_sdk::{PluginError, PluginInfo, PluginKind};

/// The plugin.
pub struct LoopForever;

impl Strategy for LoopForever {
    fn describe() -> PluginInfo {
        PluginInfo::new(
            PluginKind::Strategy,
            "loop-forever",
            env!("CARGO_PKG_VERSION"),
        )
        .with_description("Test plugin: route spins forever.")
    }

    fn route(_config: &str, _input: RouteInput) -> Result<Vec<Assignment>, PluginError> {
        // `black_box` makes every step observable, so the optimizer cannot remove the loop.
        let mut spins: u64 = 0;
        loop {
            spins = black_box(spins.wrapping_add(1));
        }
    }
}

switchboard_sdk::export_strategy!(LoopForever);
