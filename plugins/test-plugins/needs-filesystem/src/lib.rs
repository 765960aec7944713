//! `needs-filesystem`: a strategy whose `route` reads a file with `std::fs`, so the component
//! imports `wasi:filesystem`. The host links no filesystem: loading it must fail.

use switchboard_sdk::strategy::{Assignment, RouteInput, Strategy};
use switchboard_sdk::{PluginError, PluginInfo, PluginKind};

/// The plugin.
pub struct NeedsFilesystem;

impl Strategy for NeedsFilesystem {
    fn describe() -> PluginInfo {
        PluginInfo::new(
            PluginKind::Strategy,
            "needs-filesystem",
            env!("CARGO_PKG_VERSION"),
        )
        .with_description("Test plugin: route reads /etc/hostname.")
    }

    fn route(_config: &str, _input: RouteInput) -> Result<Vec<Assignment>, PluginError> {
        let text = std::fs::read_to_string("/etc/hostname")
            .map_err(|e| PluginError::new("io", e.to_string()))?;
        switchboard_sdk::log::info(&text);
        Ok(Vec::new())
    }
}

switchboard_sdk::export_strategy!(NeedsFilesystem);
