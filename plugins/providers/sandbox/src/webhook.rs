//! Webhook calls from the engine's sandbox: `POST {"events": [E, …]}`, every event in order,
//! answered `200 {"ok":true}`; `GET` is a liveness check answered `200 sandbox`.
//!
//! ```json
//! {"type": "message", "id": "in-1", "from": {"number": "+5491155550123", "user_id": null,
//!  "name": "Ana"}, "to": "+15550100", "at_ms": 1700000000000, "content": {"type": "text",
//!  "text": "Hola"}}
//! {"type": "status", "id": "sb-42", "state": "failed", "at_ms": 1700000000000,
//!  "error": {"code": "window-closed", "message": "…"}, "message_id": 42}
//! {"type": "template", "name": "order_update", "language": "es_AR", "status": "APPROVED",
//!  "reason": null}
//! ```
//!
//! A message may also carry `reply_to`, `attachments` (media objects without `type`) and
//! `attributes` (`{"name": "value"}`). Content of a `type` this adapter does not know becomes
//! `unsupported` with that type, and the event's JSON goes in the `raw` attribute. A missing
//! `at_ms` on a message is 0 (unknown). A failed status's `error` is `window-closed` or
//! permanent. Anything unreadable refuses the whole call as malformed, naming the event and
//! field: the sandbox is the engine's own, so a bad call is a bug to see, not traffic to skip.

use serde::Deserialize;
use serde_json::{Map, Value};
use switchboard_sdk::http::{failure, pair};
use switchboard_sdk::provider::{
    ContactAddress, Content, DeliveryState, DeliveryStatus, Event, HttpResponse, InboundMessage,
    Pair, SendError, TemplateStatus, WebhookError, WebhookRequest, WebhookResult,
};

use crate::content::{self, Parsed, WireMedia};

/// The attribute carrying the JSON of a message whose content type is unknown.
pub const RAW_ATTRIBUTE: &str = "raw";

/// Translates one webhook call.
pub fn handle(request: &WebhookRequest) -> Result<WebhookResult, WebhookError> {
    let method = request.method.as_str();
    if method.eq_ignore_ascii_case("GET") {
        return Ok(WebhookResult {
            response: response("text/plain", b"sandbox"),
            events: Vec::new(),
        });
    }
    if !method.eq_ignore_ascii_case("POST") {
        return Err(malformed(format!(
            "method {method} is neither POST (events) nor GET (liveness)"
        )));
    }
    let body: Value = serde_json::from_slice(&request.body)
        .map_err(|e| malformed(format!("body is not JSON: {e}")))?;
    let Some(items) = body.get("events") else {
        return Err(malformed("missing field `events`"));
    };
    let items = items
        .as_array()
        .ok_or_else(|| malformed("`events` is not a list"))?;
    let events = items
        .iter()
        .enumerate()
        .map(|(index, item)| event(item).map_err(|why| malformed(format!("events[{index}]{why}"))))
        .collect::<Result<_, _>>()?;
    Ok(WebhookResult {
        response: response("application/json", br#"{"ok":true}"#),
        events,
    })
}

fn malformed(why: impl Into<String>) -> WebhookError {
    WebhookError::Malformed(why.into())
}

fn response(content_type: &str, body: &[u8]) -> HttpResponse {
    HttpResponse {
        status: 200,
        headers: vec![pair("Content-Type", content_type)],
        body: body.to_vec(),
    }
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum WireEvent {
    Message(WireMessage),
    Status(WireStatus),
    Template(WireTemplateStatus),
}

#[derive(Deserialize)]
struct WireMessage {
    id: String,
    from: WireFrom,
    to: String,
    at_ms: Option<u64>,
    content: Value,
    reply_to: Option<String>,
    #[serde(default)]
    attachments: Vec<WireMedia>,
    #[serde(default)]
    attributes: Map<String, Value>,
}

#[derive(Deserialize)]
struct WireFrom {
    number: Option<String>,
    user_id: Option<String>,
    name: Option<String>,
}

#[derive(Deserialize)]
struct WireStatus {
    id: String,
    state: WireState,
    at_ms: u64,
    error: Option<WireError>,
    message_id: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum WireState {
    Sent,
    Delivered,
    Read,
    Failed,
}

#[derive(Deserialize)]
struct WireError {
    code: String,
    #[serde(default)]
    message: String,
}

#[derive(Deserialize)]
struct WireTemplateStatus {
    name: String,
    language: String,
    status: String,
    reason: Option<String>,
}

/// One event; the error starts with where, after `events[i]`.
fn event(item: &Value) -> Result<Event, String> {
    let wire = WireEvent::deserialize(item).map_err(|e| format!(": {e}"))?;
    Ok(match wire {
        WireEvent::Message(message) => Event::Message(inbound(message, item)?),
        WireEvent::Status(status) => Event::Status(delivery(status)),
        WireEvent::Template(template) => Event::Template(TemplateStatus {
            name: template.name,
            language: template.language,
            status: template.status,
            reason: template.reason,
        }),
    })
}

fn inbound(message: WireMessage, item: &Value) -> Result<InboundMessage, String> {
    let WireFrom {
        number,
        user_id,
        name,
    } = message.from;
    if number.is_none() && user_id.is_none() {
        return Err(".from: needs a `number` or a `user_id`".into());
    }
    let mut attributes = Vec::new();
    for (name, value) in message.attributes {
        let Value::String(value) = value else {
            return Err(format!(".attributes.{name}: not a string"));
        };
        attributes.push(Pair { name, value });
    }
    let content = match content::parse(&message.content).map_err(|e| format!(".content: {e}"))? {
        Parsed::Known(content) => content,
        Parsed::Unknown(kind) => {
            attributes.push(Pair {
                name: RAW_ATTRIBUTE.into(),
                value: item.to_string(),
            });
            Content::Unsupported(kind)
        }
    };
    Ok(InboundMessage {
        provider_message_id: message.id,
        from: ContactAddress {
            number,
            user_id,
            display_name: name,
        },
        to: message.to,
        at_ms: message.at_ms.unwrap_or(0),
        content,
        reply_to: message.reply_to,
        attachments: message.attachments.into_iter().map(Into::into).collect(),
        attributes,
    })
}

fn delivery(status: WireStatus) -> DeliveryStatus {
    let state = match status.state {
        WireState::Sent => DeliveryState::Sent,
        WireState::Delivered => DeliveryState::Delivered,
        WireState::Read => DeliveryState::Read,
        WireState::Failed => DeliveryState::Failed,
    };
    let error = status
        .error
        .filter(|_| state == DeliveryState::Failed)
        .map(|error| {
            let failure = failure(&error.code, error.message);
            if failure.code == "window-closed" {
                SendError::WindowClosed(failure)
            } else {
                SendError::Permanent(failure)
            }
        });
    DeliveryStatus {
        provider_message_id: status.id,
        state,
        at_ms: status.at_ms,
        error,
        message_id: status.message_id,
        recipient: None,
        aliases: Vec::new(),
    }
}
