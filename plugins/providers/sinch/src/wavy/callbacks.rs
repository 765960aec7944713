//! Wavy callbacks: `{"total", "data": [...]}` batches of inbound messages (items with a
//! `message`) or of statuses (items with `sent`, `delivered`, `read` and their codes and times).
//! They are unsigned: the host protects the URL (secret path, IP allow-list), so this only
//! translates. An item that cannot be read is skipped with a warning rather than refusing the
//! batch, which Wavy would resend forever along with every good item in it.

use serde_json::Value;
use switchboard_sdk::log;
use switchboard_sdk::provider::{
    Content, DeliveryState, DeliveryStatus, Event, InboundMessage, Location, MediaRef,
    SharedContact, WebhookError, WebhookRequest, WebhookResult,
};

use super::codes;
use crate::address::from_identity;
use crate::http::ok;
use crate::json::{self, bool_at, object_at, str_at, string_at, strings_at, text_at};
use crate::time::ms_at;

/// Translates one batch.
pub fn handle_webhook(request: &WebhookRequest) -> Result<WebhookResult, WebhookError> {
    if !request.method.eq_ignore_ascii_case("POST") {
        return Err(WebhookError::Malformed(
            "Wavy callbacks are POST requests".to_owned(),
        ));
    }
    let body: Value = serde_json::from_slice(&request.body)
        .map_err(|e| WebhookError::Malformed(format!("callback is not JSON: {e}")))?;
    let items = body
        .get("data")
        .and_then(Value::as_array)
        .ok_or_else(|| WebhookError::Malformed("callback has no `data` list".to_owned()))?;
    let mut events = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let event = if item.get("message").is_some() {
            inbound(item).map(Event::Message)
        } else {
            status(item).map(Event::Status)
        };
        match event {
            Some(event) => events.push(event),
            None => log::warn(&format!("wavy callback: skipped unreadable item {index}")),
        }
    }
    Ok(WebhookResult {
        response: ok(),
        events,
    })
}

fn inbound(item: &Value) -> Option<InboundMessage> {
    let id = str_at(item, "id")?;
    let name = object_at(item, "userProfile").and_then(|p| string_at(p, "name"));
    let from = from_identity(str_at(item, "source")?, name)?;
    let message = item.get("message")?;
    Some(InboundMessage {
        provider_message_id: id.to_owned(),
        from,
        to: string_at(item, "origin").unwrap_or_default(),
        // The docs swap the formats of these two; accept either in either.
        at_ms: ms_at(item, "receivedAt")
            .or_else(|| ms_at(item, "receivedDate"))
            .unwrap_or(0),
        content: content(message),
        reply_to: None,
        attachments: Vec::new(),
        attributes: Vec::new(),
    })
}

/// `message.type` TEXT, IMAGE, AUDIO, VIDEO, DOCUMENT… with `messageText` or `mediaUrl`;
/// locations and contacts come as objects, with or without a type.
fn content(message: &Value) -> Content {
    if let Some(location) = object_at(message, "location") {
        return location_content(location);
    }
    if let Some(contacts) = message.get("contacts").and_then(Value::as_array) {
        return Content::Contacts(contacts.iter().map(shared_contact).collect());
    }
    let kind = str_at(message, "type")
        .unwrap_or_default()
        .to_ascii_uppercase();
    match kind.as_str() {
        "TEXT" => Content::Text(text(message)),
        "" if message.get("messageText").is_some() => Content::Text(text(message)),
        "IMAGE" | "AUDIO" | "VOICE" | "VIDEO" | "DOCUMENT" | "STICKER" => {
            match string_at(message, "mediaUrl") {
                Some(url) => Content::Media(MediaRef {
                    locator: url,
                    mime_type: string_at(message, "mimeType"),
                    filename: string_at(message, "fileName"),
                    caption: string_at(message, "caption"),
                }),
                None => Content::Unsupported(kind.to_ascii_lowercase()),
            }
        }
        "" => Content::Unsupported("unknown".to_owned()),
        // Button replies and newer types: their shape is not documented.
        other => Content::Unsupported(other.to_ascii_lowercase()),
    }
}

fn text(message: &Value) -> String {
    str_at(message, "messageText")
        .unwrap_or_default()
        .to_owned()
}

/// `{"geoPoint": "latitude,longitude", "name", "address"}`.
fn location_content(location: &Value) -> Content {
    let point = str_at(location, "geoPoint").and_then(|p| {
        let (lat, lon) = p.split_once(',')?;
        let lat: f64 = lat.trim().parse().ok()?;
        let lon: f64 = lon.trim().parse().ok()?;
        (lat.is_finite() && lon.is_finite()).then_some((lat, lon))
    });
    match point {
        Some((latitude, longitude)) => Content::Location(Location {
            latitude,
            longitude,
            name: string_at(location, "name"),
            address: string_at(location, "address"),
        }),
        None => Content::Unsupported("location".to_owned()),
    }
}

fn shared_contact(contact: &Value) -> SharedContact {
    let list = |key: &str, field: &str| strings_at(contact, key, field);
    let name = object_at(contact, "name");
    let full_name = name
        .and_then(|n| string_at(n, "formatted_name"))
        .or_else(|| {
            let first = name.and_then(|n| str_at(n, "first_name"));
            let last = name.and_then(|n| str_at(n, "last_name"));
            let joined = [first, last]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            (!joined.is_empty()).then_some(joined)
        });
    SharedContact {
        name: full_name.unwrap_or_default(),
        phones: list("phones", "phone"),
        emails: list("emails", "email"),
    }
}

/// The furthest state the item reports: read, delivered, a delivery failure, sent, or a send
/// failure. `None` when it reports none of them.
fn status(item: &Value) -> Option<DeliveryStatus> {
    let id = str_at(item, "id")?;
    let time = |at: &str, date: &str| {
        ms_at(item, at)
            .or_else(|| ms_at(item, date))
            .or_else(|| ms_at(item, "updatedAt"))
            .or_else(|| ms_at(item, "updatedDate"))
            .unwrap_or(0)
    };
    let delivery_code = text_at(item, "deliveredStatusCode");
    let sent_code = text_at(item, "sentStatusCode");
    let (state, at_ms, error) = if bool_at(item, "read") == Some(true) {
        (DeliveryState::Read, time("readAt", "readDate"), None)
    } else if bool_at(item, "delivered") == Some(true) {
        (
            DeliveryState::Delivered,
            time("deliveredAt", "deliveredDate"),
            None,
        )
    } else if let Some(code) = delivery_code.filter(|_| bool_at(item, "delivered") == Some(false)) {
        let text = str_at(item, "deliveredStatus").unwrap_or_default();
        let error = codes::error(&code, text);
        (
            DeliveryState::Failed,
            time("deliveredAt", "deliveredDate"),
            Some(error),
        )
    } else if bool_at(item, "sent") == Some(true) {
        (DeliveryState::Sent, time("sentAt", "sentDate"), None)
    } else if bool_at(item, "sent") == Some(false) {
        let code = sent_code.unwrap_or_else(|| "unknown".to_owned());
        let text = str_at(item, "sentStatus").unwrap_or_default();
        let error = codes::error(&code, text);
        (
            DeliveryState::Failed,
            time("sentAt", "sentDate"),
            Some(error),
        )
    } else {
        return None;
    };
    Some(DeliveryStatus {
        provider_message_id: id.to_owned(),
        state,
        at_ms,
        error,
        message_id: json::message_id(str_at(item, "correlationId")),
        recipient: str_at(item, "destination").and_then(|d| from_identity(d, None)),
        aliases: Vec::new(),
    })
}
