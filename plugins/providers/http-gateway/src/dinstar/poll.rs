//! Polling a Dinstar gateway for inbound messages: `POST /api/query_incoming_sms`.
//!
//! The cursor is the highest `incoming_sms_id` read so far; the gateway returns the messages
//! with a greater id. With no cursor yet (a new connector) only unread messages are asked for,
//! so years of old messages on the SIMs are not imported; from then on `flag: "all"` with the
//! cursor, so a message someone read on the gateway's web page is not missed, and reading
//! does not depend on the gateway's unread marks.
//!
//! The gateway caps an answer's size without saying so: an answer that moved the cursor asks
//! the host to poll again at once (`more`), until one comes back with nothing new. The cursor
//! never moves back: messages at or below it (firmware that ignores the filter, or ids that
//! restarted after the gateway's store was reset) are skipped with a warning.

use serde_json::json;
use switchboard_sdk::PluginError;
use switchboard_sdk::provider::{HttpRequest, HttpResponse, PollBatch};

use super::{endpoint, events, headers};
use crate::config::DinstarConfig;
use crate::http::body_text;

/// The id a cursor holds; `None` for no cursor (or one this adapter did not write).
fn cursor_id(cursor: Option<&str>) -> Option<u64> {
    cursor.map(str::trim).and_then(|c| c.parse().ok())
}

/// Builds the poll request after `cursor`.
pub fn prepare_poll(
    config: &DinstarConfig,
    cursor: Option<&str>,
) -> Result<HttpRequest, PluginError> {
    let (flag, after) = match cursor.map(str::trim).filter(|c| !c.is_empty()) {
        None => ("unread", 0),
        Some(c) => {
            let id = c.parse::<u64>().map_err(|_| {
                PluginError::new(
                    "bad-input",
                    format!("cursor `{c}` is not an incoming_sms_id"),
                )
            })?;
            ("all", id)
        }
    };
    let mut body = json!({ "flag": flag, "incoming_sms_id": after });
    if !config.ports.is_empty() {
        body["port"] = json!(config.ports);
    }
    Ok(HttpRequest {
        method: "POST".into(),
        url: endpoint(config, "query_incoming_sms"),
        headers: headers(config),
        body: body.to_string().into_bytes(),
    })
}

/// Reads the answer to a poll from `cursor`: the new inbound messages and the next cursor.
pub fn read_poll(
    config: &DinstarConfig,
    cursor: Option<&str>,
    response: &HttpResponse,
) -> Result<PollBatch, PluginError> {
    let status = response.status;
    if status == 401 || status == 403 {
        return Err(PluginError::new(
            "unauthorized",
            format!("the gateway refused the credentials (HTTP {status}, Basic auth)"),
        ));
    }
    if !(200..300).contains(&status) {
        return Err(PluginError::new(
            "unavailable",
            format!("HTTP {status}: {}", body_text(&response.body)),
        ));
    }
    let after = cursor_id(cursor);
    let report = events::read(config, &response.body, after)
        .map_err(|why| PluginError::new("bad-response", why))?;
    if let Some(code) = report.error_code.filter(|&c| c != 200) {
        return Err(PluginError::new(
            "gateway-error",
            format!("query_incoming_sms answered error_code {code}"),
        ));
    }
    if report.skipped > 0 {
        switchboard_sdk::log::warn(&format!(
            "the gateway answered {} messages at or below the cursor {}: skipped (if its \
             message store was reset, clear the connector's cursor)",
            report.skipped,
            after.unwrap_or_default()
        ));
    }
    let next = report.last_incoming_id;
    Ok(PollBatch {
        events: report.events,
        cursor: next.map(|id| id.to_string()),
        more: next.is_some(),
    })
}
