//! `needs-network`: a strategy whose `route` opens a TCP connection with `std::net`, so the
//! component imports `wasi:sockets`. The host links no sockets: loading it must fail.

use std::net::TcpStream;

use switchboard_sdk::strategy::{Assignment, RouteInput, Strategy};
use switchboard_sdk::{PluginError, PluginInfo, PluginKind};

/// The plugin.
pub struct NeedsNetwork;

impl Strategy for NeedsNetwork {
    fn describe() -> PluginInfo {
        PluginInfo::new(
            PluginKind::Strategy,
            "needs-network",
            env!("CARGO_PKG_VERSION"),
        )
        .with_description("Test plugin: route connects to 127.0.0.1:9.")
    }

    fn route(_config: &str, _input: RouteInput) -> Result<Vec<Assignment>, PluginError> {
        let stream =
            TcpStream::connect("127.0.0.1:9").map_err(|e| PluginError::new("io", e.to_string()))?;
        drop(stream);
        Ok(Vec::new())
    }
}

switchboard_sdk::export_strategy!(NeedsNetwork);
