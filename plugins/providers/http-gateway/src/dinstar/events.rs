//! The JSON a Dinstar gateway reports with, pushed or polled, to events.
//!
//! - `sms[]` `{incoming_sms_id, port, number, smsc, timestamp, text, imsi}`: inbound messages
//!   (the answer of `query_incoming_sms`, or a "Push SMS").
//! - `sms_result[]` `{port, user_id, number, time, status, count, succ_count, ref_id, imsi}`:
//!   what became of a sent message; `user_id` is the host's message id we sent it with. Its
//!   `ref_id` (the network's message reference on that port) becomes an alias of the message,
//!   [`ref_alias`], which the host records.
//! - `sms_deliver_status[]` `{port, number, time, ref_id, status_code, imsi}`: the network's
//!   delivery report. It names the message only by `ref_id`, so its status names the message
//!   by the alias the `sms_result` gave: `status_code` 0 delivered, 64–255 failed (32–63 are
//!   temporary errors the network is still retrying, 1–31 completed without confirmation:
//!   no event).
//!
//! Other keys (`register`, `ussd`, `cdr`, …) carry nothing for the engine. A field of the
//! wrong type skips its item, never the whole batch: a poll must still move past it.

use serde_json::{Map, Value};
use switchboard_sdk::provider::{
    ContactAddress, Content, DeliveryState, DeliveryStatus, Event, InboundMessage, SendError,
};

use crate::config::DinstarConfig;
use crate::http::failure;
use crate::{number, time};

/// What one JSON body reported.
#[derive(Debug, Default, PartialEq)]
pub struct Report {
    /// Events, in the body's order: messages, then results, then delivery reports.
    pub events: Vec<Event>,
    /// The highest `incoming_sms_id` read, the next poll's cursor.
    pub last_incoming_id: Option<u64>,
    /// How many messages were at or below the `after` id given to [`read`], and skipped.
    pub skipped: usize,
    /// The body's `error_code`, when it has one.
    pub error_code: Option<u64>,
}

/// A non-negative integer given as a JSON number or as digits in a string.
fn uint(value: Option<&Value>) -> Option<u64> {
    match value? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A string field, or a number written as one.
fn string(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn items<'a>(
    body: &'a Map<String, Value>,
    key: &str,
) -> impl Iterator<Item = &'a Map<String, Value>> {
    body.get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
}

/// The alias of a sent message by the network reference `ref_id` the gateway's port `port`
/// gave it (`ref:<sn>:<port>:<ref_id>`). References count 0–255 per SIM and then repeat, so
/// the host keeps the latest message recorded under an alias.
pub fn ref_alias(sn: Option<&str>, port: u64, ref_id: u64) -> String {
    format!("ref:{}:{port}:{ref_id}", sn.unwrap_or_default())
}

/// Reads a Dinstar JSON body; inbound messages with an id at or below `after` (a poll's
/// cursor) are skipped. `Err` when the body is not a JSON object.
pub fn read(config: &DinstarConfig, body: &[u8], after: Option<u64>) -> Result<Report, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    let Value::Object(body) = value else {
        return Err("not a JSON object".into());
    };
    let sn = string(body.get("sn")).filter(|s| !s.is_empty());
    let mut report = Report {
        error_code: uint(body.get("error_code")),
        ..Report::default()
    };
    for item in items(&body, "sms") {
        let Some(id) = uint(item.get("incoming_sms_id")) else {
            continue;
        };
        if after.is_some_and(|after| id <= after) {
            report.skipped += 1;
            continue;
        }
        report.last_incoming_id = report.last_incoming_id.max(Some(id));
        if let Some(message) = inbound(config, sn.as_deref(), id, item) {
            report.events.push(Event::Message(message));
        }
    }
    for item in items(&body, "sms_result") {
        if let Some(status) = result(config, sn.as_deref(), item) {
            report.events.push(Event::Status(status));
        }
    }
    for item in items(&body, "sms_deliver_status") {
        if let Some(status) = delivery(config, sn.as_deref(), item) {
            report.events.push(Event::Status(status));
        }
    }
    Ok(report)
}

/// The alias an item's `port` and `ref_id` make, when it has both.
fn item_alias(sn: Option<&str>, item: &Map<String, Value>) -> Option<String> {
    Some(ref_alias(
        sn,
        uint(item.get("port"))?,
        uint(item.get("ref_id"))?,
    ))
}

/// A time field in gateway-local time, as ms since the epoch; 0 when missing or unreadable.
fn time_ms(config: &DinstarConfig, item: &Map<String, Value>, key: &str) -> u64 {
    string(item.get(key))
        .and_then(|t| time::parse_datetime_ms(&t, config.utc_offset_minutes))
        .unwrap_or(0)
}

/// The customer a result or report names.
fn recipient(config: &DinstarConfig, item: &Map<String, Value>) -> Option<ContactAddress> {
    string(item.get("number"))
        .filter(|n| !n.trim().is_empty())
        .map(|n| number::contact(&n, config.digits_are_international))
}

/// A network delivery report, named by its alias; `None` while the network is still trying.
fn delivery(
    config: &DinstarConfig,
    sn: Option<&str>,
    item: &Map<String, Value>,
) -> Option<DeliveryStatus> {
    let alias = item_alias(sn, item)?;
    let code = uint(item.get("status_code"))?;
    let (state, error) = match code {
        0 => (DeliveryState::Delivered, None),
        64..=255 => {
            let detail = format!("the network reported status {code}: not delivered");
            let failure = failure(&format!("status-{code}"), detail);
            (DeliveryState::Failed, Some(SendError::Permanent(failure)))
        }
        _ => return None,
    };
    Some(DeliveryStatus {
        provider_message_id: alias,
        state,
        at_ms: time_ms(config, item, "time"),
        error,
        message_id: None,
        recipient: recipient(config, item),
        aliases: Vec::new(),
    })
}

fn inbound(
    config: &DinstarConfig,
    sn: Option<&str>,
    id: u64,
    item: &Map<String, Value>,
) -> Option<InboundMessage> {
    let from = string(item.get("number")).filter(|n| !n.trim().is_empty())?;
    let port = uint(item.get("port"));
    let to = port.map_or_else(String::new, |port| {
        config
            .sim_numbers
            .get(&port.to_string())
            .cloned()
            .unwrap_or_else(|| format!("port-{port}"))
    });
    let at_ms = time_ms(config, item, "timestamp");
    Some(InboundMessage {
        // Ids are per gateway: the serial number keeps two gateways' ids apart.
        provider_message_id: sn.map_or_else(|| id.to_string(), |sn| format!("{sn}:{id}")),
        from: number::contact(&from, config.digits_are_international),
        to,
        at_ms,
        content: Content::Text(string(item.get("text")).unwrap_or_default()),
        reply_to: None,
        attachments: Vec::new(),
        attributes: Vec::new(),
    })
}

fn result(
    config: &DinstarConfig,
    sn: Option<&str>,
    item: &Map<String, Value>,
) -> Option<DeliveryStatus> {
    let user_id = uint(item.get("user_id"))?;
    let status = string(item.get("status"))?.trim().to_ascii_uppercase();
    let (state, error) = match status.as_str() {
        "SENT_OK" | "SENT" => (DeliveryState::Sent, None),
        "DELIVERED" => (DeliveryState::Delivered, None),
        s if s.contains("FAIL") => {
            let detail = format!(
                "{s}: {} of {} parts sent",
                uint(item.get("succ_count")).unwrap_or(0),
                uint(item.get("count")).unwrap_or(0)
            );
            (
                DeliveryState::Failed,
                Some(SendError::Permanent(failure(s, detail))),
            )
        }
        // SENDING and the like: nothing settled yet.
        _ => return None,
    };
    Some(DeliveryStatus {
        provider_message_id: user_id.to_string(),
        state,
        at_ms: time_ms(config, item, "time"),
        error,
        message_id: Some(user_id),
        recipient: recipient(config, item),
        aliases: item_alias(sn, item).into_iter().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_may_come_as_strings() {
        let body = br#"{"sms":[{"incoming_sms_id":"12","port":"1","number":6717,"text":"x"}]}"#;
        let report = read(&DinstarConfig::default(), body, None).expect("reads");
        assert_eq!(report.last_incoming_id, Some(12));
        let [Event::Message(m)] = report.events.as_slice() else {
            panic!("one message")
        };
        assert_eq!(
            (m.provider_message_id.as_str(), m.to.as_str()),
            ("12", "port-1")
        );
        assert_eq!(m.from.user_id.as_deref(), Some("6717"));
    }

    #[test]
    fn a_bad_item_is_skipped_but_still_moves_the_cursor() {
        let body =
            br#"{"sms":[{"incoming_sms_id":5,"text":"no number"},{"incoming_sms_id":"x"},7]}"#;
        let report = read(&DinstarConfig::default(), body, None).expect("reads");
        assert!(report.events.is_empty());
        assert_eq!(report.last_incoming_id, Some(5));
    }

    #[test]
    fn ids_at_or_below_the_cursor_are_skipped_and_counted() {
        let body = br#"{"sms":[{"incoming_sms_id":4,"number":"1","text":"old"},
            {"incoming_sms_id":5,"number":"1","text":"old"},{"incoming_sms_id":6,"number":"1","text":"new"}]}"#;
        let report = read(&DinstarConfig::default(), body, Some(5)).expect("reads");
        assert_eq!((report.skipped, report.last_incoming_id), (2, Some(6)));
        assert_eq!(report.events.len(), 1);
    }

    #[test]
    fn only_json_objects_are_read() {
        assert!(read(&DinstarConfig::default(), b"[1]", None).is_err());
        assert!(read(&DinstarConfig::default(), b"{", None).is_err());
        assert_eq!(
            read(
                &DinstarConfig::default(),
                br#"{"sn":"a","register":[{"port":1}]}"#,
                None
            ),
            Ok(Report::default())
        );
    }
}
