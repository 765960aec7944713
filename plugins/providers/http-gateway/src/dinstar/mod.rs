//! Dinstar UC2000/DWG gateways, "new version" HTTP API (providers.md §4): send with
//! `send_sms` (`send.rs`), poll `query_incoming_sms` (`poll.rs`), and read pushes (this
//! file: messages, send results and network delivery reports); both kinds of JSON are read
//! by `events.rs`.
//!
//! Every request carries HTTP Basic auth. Some units demand Digest, which needs the
//! gateway's challenge (a 401 round trip) before each request: the provider contract has no
//! such step, so those units are not supported.

mod events;
mod poll;
mod send;

pub use events::{Report, read, ref_alias};
pub use poll::{prepare_poll, read_poll};
pub use send::{prepare_send, read_send_response};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use switchboard_sdk::provider::{Pair, WebhookError, WebhookRequest, WebhookResult};

use crate::config::DinstarConfig;
use crate::http::{pair, response};

/// The URL of API call `name`.
fn endpoint(config: &DinstarConfig, name: &str) -> String {
    format!("{}/api/{name}", config.base_url.trim_end_matches('/'))
}

/// JSON content type and Basic auth.
fn headers(config: &DinstarConfig) -> Vec<Pair> {
    let credentials = STANDARD.encode(format!("{}:{}", config.username, config.password));
    vec![
        pair("content-type", "application/json"),
        pair("authorization", &format!("Basic {credentials}")),
    ]
}

/// Translates a push from the gateway (Push SMS, Push SMS Result; other pushes are
/// acknowledged and ignored). Pushes are unsigned: the host guards the URL.
pub fn handle_webhook(
    config: &DinstarConfig,
    request: &WebhookRequest,
) -> Result<WebhookResult, WebhookError> {
    if !request.method.eq_ignore_ascii_case("POST") {
        return Err(WebhookError::Malformed(format!(
            "Dinstar pushes with POST, not {}",
            request.method
        )));
    }
    let report = events::read(config, &request.body, None).map_err(WebhookError::Malformed)?;
    Ok(WebhookResult {
        response: response(200, "application/json", br#"{"error_code":200}"#),
        events: report.events,
    })
}
