//! Settings of the router itself (`[routing]`); campaigns hold everything per channel.

use serde::Deserialize;

use crate::routing::core::RouterSettings;

/// Router settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RoutingConfig {
    /// How long an agent whose connection dropped (closed tab, lost network) keeps its state
    /// before it is marked disconnected, in seconds. Default 60.
    pub disconnect_grace_secs: u64,
}

impl Default for RoutingConfig {
    fn default() -> Self {
        Self {
            disconnect_grace_secs: 60,
        }
    }
}

impl RoutingConfig {
    /// The router's settings.
    pub fn router_settings(&self) -> RouterSettings {
        RouterSettings {
            grace_ms: i64::try_from(self.disconnect_grace_secs.saturating_mul(1000))
                .unwrap_or(i64::MAX / 2),
            ..RouterSettings::default()
        }
    }
}
