//! `memory-bomb`: a strategy whose `route` allocates and touches memory, 1 MiB at a time and
//! never freed, until the allocation fails and the instance dies. For the host's memory-limit
//! tests (the failure must be a typed out-of-memory error).

use std::hint::black_box;

use switchboard_sdk::strategy::{Assignment, RouteInput, Strategy};
use switchboard_sdk::{PluginError, PluginInfo, PluginKind};

/// The plugin.
pub struct MemoryBomb;

const CHUNK: usize = 1 << 20;

impl Strategy for MemoryBomb {
    fn describe() -> PluginInfo {
        PluginInfo::new(
            PluginKind::Strategy,
            "memory-bomb",
            env!("CARGO_PKG_VERSION"),
        )
        .with_description("Test plugin: route allocates until it runs out of memory.")
    }

    fn route(_config: &str, _input: RouteInput) -> Result<Vec<Assignment>, PluginError> {
        let mut hoard: Vec<Vec<u8>> = Vec::new();
        loop {
            // Written, not just reserved: every page is really used.
            let chunk = vec![1u8; CHUNK];
            hoard.push(black_box(chunk));
        }
    }
}

switchboard_sdk::export_strategy!(MemoryBomb);
