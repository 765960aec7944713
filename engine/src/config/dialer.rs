//! Settings of the dialer (`[dialer]`): list upload size, and who may use the uContact-style
//! send endpoint without a token.

use ipnet::IpNet;
use serde::Deserialize;

/// Dialer settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DialerConfig {
    /// Largest list upload, in bytes. Default 1 GiB (about 15 million rows).
    pub max_list_bytes: usize,
    /// Networks whose integrations may call `/Integra/resources/SMS/SendSMS` without an API
    /// token (CIDR, e.g. `10.0.0.0/8`). Default none: a token is always needed.
    pub trusted_networks: Vec<IpNet>,
}

impl Default for DialerConfig {
    fn default() -> Self {
        Self {
            max_list_bytes: 1 << 30,
            trusted_networks: Vec::new(),
        }
    }
}
