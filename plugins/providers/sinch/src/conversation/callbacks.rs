//! Conversation API callbacks (providers.md §3.2). One envelope (`app_id`, `project_id`,
//! `accepted_time`, `event_time`, `correlation_id`, …) with one payload key: `message`
//! (`MESSAGE_INBOUND`) becomes a message event, `message_delivery_report` (`MESSAGE_DELIVERY`) a
//! status event. Other triggers report nothing the engine tracks and are acknowledged, so Sinch
//! stops resending them.

use serde_json::Value;
use switchboard_sdk::provider::{
    Choice, ContactAddress, Content, DeliveryState, DeliveryStatus, Event, InboundMessage,
    Location, MediaRef, SharedContact, WebhookError, WebhookRequest, WebhookResult,
};

use super::{errors, signature};
use crate::address::from_identity;
use crate::config::ConversationConfig;
use crate::http::ok;
use crate::json::{self, f64_at, object_at, str_at, string_at, strings_at};
use crate::time::ms_at;

/// Verifies (when a webhook secret is set) and translates one callback.
pub fn handle_webhook(
    config: &ConversationConfig,
    request: &WebhookRequest,
) -> Result<WebhookResult, WebhookError> {
    if !request.method.eq_ignore_ascii_case("POST") {
        return Err(malformed("Sinch callbacks are POST requests"));
    }
    if !config.webhook_secret.is_empty() {
        signature::verify(
            &config.webhook_secret,
            &request.headers,
            &request.body,
            request.received_at_ms,
        )?;
    }
    let envelope: Value = serde_json::from_slice(&request.body)
        .map_err(|e| malformed(&format!("callback is not JSON: {e}")))?;
    if !envelope.is_object() {
        return Err(malformed("callback is not a JSON object"));
    }
    if let Some(app) = str_at(&envelope, "app_id")
        && app != config.app_id
    {
        return Err(malformed(&format!(
            "callback for app {app}, this connector is app {}",
            config.app_id
        )));
    }
    let mut events = Vec::new();
    if let Some(message) = object_at(&envelope, "message") {
        events.push(Event::Message(inbound(&envelope, message)?));
    } else if let Some(report) = object_at(&envelope, "message_delivery_report") {
        events.extend(delivery(&envelope, report)?.map(Event::Status));
    }
    Ok(WebhookResult {
        response: ok(),
        events,
    })
}

fn malformed(message: &str) -> WebhookError {
    WebhookError::Malformed(message.to_owned())
}

/// When the event happened: the channel's time, else Sinch's acceptance; 0 when unknown.
fn event_ms(envelope: &Value, payload: &Value) -> u64 {
    ms_at(envelope, "event_time")
        .or_else(|| ms_at(payload, "accept_time"))
        .or_else(|| ms_at(envelope, "accepted_time"))
        .unwrap_or(0)
}

fn identity(payload: &Value) -> Option<ContactAddress> {
    let identity = object_at(payload, "channel_identity").and_then(|c| str_at(c, "identity"))?;
    from_identity(identity, None)
}

fn inbound(envelope: &Value, message: &Value) -> Result<InboundMessage, WebhookError> {
    let id = str_at(message, "id").ok_or_else(|| malformed("inbound message without id"))?;
    let from = identity(message)
        .or_else(|| {
            // Without a channel identity the contact id still names the customer.
            string_at(message, "contact_id").map(|contact| ContactAddress {
                number: None,
                user_id: Some(contact),
                display_name: None,
            })
        })
        .ok_or_else(|| malformed("inbound message without channel_identity"))?;
    let body = object_at(message, "contact_message");
    let (content, choice_of) = match body {
        Some(body) => contact_content(body),
        None => (Content::Unsupported("empty".to_owned()), None),
    };
    let replied = body
        .and_then(|b| object_at(b, "reply_to"))
        .and_then(|r| string_at(r, "message_id"));
    Ok(InboundMessage {
        provider_message_id: id.to_owned(),
        from,
        to: string_at(message, "sender_id").unwrap_or_default(),
        at_ms: event_ms(envelope, message),
        content,
        reply_to: replied.or(choice_of),
        attachments: Vec::new(),
        attributes: Vec::new(),
    })
}

/// What a contact sent, and for a choice response the id of the message that offered it.
fn contact_content(body: &Value) -> (Content, Option<String>) {
    if let Some(text) = object_at(body, "text_message") {
        let text = text.get("text").and_then(Value::as_str).unwrap_or_default();
        return (Content::Text(text.to_owned()), None);
    }
    if let Some(media) = object_at(body, "media_message") {
        return (media_content(media, "url", None), None);
    }
    if let Some(card) = object_at(body, "media_card_message") {
        return (media_content(card, "url", string_at(card, "caption")), None);
    }
    if let Some(location) = object_at(body, "location_message") {
        return (location_content(location), None);
    }
    if let Some(choice) = object_at(body, "choice_response_message") {
        let Some(postback) = str_at(choice, "postback_data") else {
            return (Content::Unsupported("choice_response".to_owned()), None);
        };
        // Sinch returns only the postback data, not the title the customer saw: the contract
        // allows an empty title.
        let reply = Choice {
            id: postback.to_owned(),
            title: String::new(),
            description: None,
        };
        return (Content::ChoiceReply(reply), string_at(choice, "message_id"));
    }
    if let Some(contact) = object_at(body, "contact_info_message") {
        return (Content::Contacts(vec![shared_contact(contact)]), None);
    }
    let kind = body
        .as_object()
        .and_then(|o| o.keys().find(|k| k.as_str() != "reply_to"))
        .map(|k| k.strip_suffix("_message").unwrap_or(k).to_owned())
        .unwrap_or_else(|| "empty".to_owned());
    (Content::Unsupported(kind), None)
}

fn media_content(media: &Value, url_key: &str, caption: Option<String>) -> Content {
    match string_at(media, url_key) {
        Some(url) => Content::Media(MediaRef {
            locator: url,
            mime_type: None,
            filename: string_at(media, "filename_override"),
            caption,
        }),
        None => Content::Unsupported("media".to_owned()),
    }
}

fn location_content(location: &Value) -> Content {
    let coordinates = object_at(location, "coordinates");
    let latitude = coordinates.and_then(|c| f64_at(c, "latitude"));
    let longitude = coordinates.and_then(|c| f64_at(c, "longitude"));
    match (latitude, longitude) {
        (Some(latitude), Some(longitude)) => Content::Location(Location {
            latitude,
            longitude,
            name: string_at(location, "title"),
            address: string_at(location, "label"),
        }),
        _ => Content::Unsupported("location".to_owned()),
    }
}

fn shared_contact(contact: &Value) -> SharedContact {
    let list = |key: &str, field: &str| strings_at(contact, key, field);
    SharedContact {
        name: object_at(contact, "name")
            .and_then(|n| string_at(n, "full_name"))
            .unwrap_or_default(),
        phones: list("phone_numbers", "phone_number"),
        emails: list("email_addresses", "email_address"),
    }
}

/// A delivery report as a status; `None` for states the engine does not track
/// (`SWITCHING_CHANNEL`, future ones).
fn delivery(envelope: &Value, report: &Value) -> Result<Option<DeliveryStatus>, WebhookError> {
    let id = str_at(report, "message_id")
        .ok_or_else(|| malformed("delivery report without message_id"))?;
    let (state, error) = match str_at(report, "status").unwrap_or_default() {
        "QUEUED_ON_CHANNEL" => (DeliveryState::Sent, None),
        "DELIVERED" => (DeliveryState::Delivered, None),
        "READ" => (DeliveryState::Read, None),
        "FAILED" => (DeliveryState::Failed, Some(failure_reason(report))),
        _ => return Ok(None),
    };
    Ok(Some(DeliveryStatus {
        provider_message_id: id.to_owned(),
        state,
        at_ms: event_ms(envelope, report),
        error,
        // `correlation_id` is echoed in the CONVERSATION processing mode, `metadata` always.
        message_id: json::message_id(str_at(envelope, "correlation_id"))
            .or_else(|| json::message_id(str_at(report, "metadata"))),
        recipient: identity(report),
        aliases: Vec::new(),
    }))
}

/// `reason {code, description, sub_code}`; some channels send `reason` as a bare string.
fn failure_reason(report: &Value) -> switchboard_sdk::provider::SendError {
    let (code, mut description) = match report.get("reason") {
        Some(reason @ Value::Object(_)) => (
            str_at(reason, "code").unwrap_or("UNKNOWN").to_owned(),
            string_at(reason, "description").unwrap_or_default(),
        ),
        Some(Value::String(code)) if !code.is_empty() => (code.clone(), String::new()),
        _ => ("UNKNOWN".to_owned(), String::new()),
    };
    let sub_code = object_at(report, "reason").and_then(|r| str_at(r, "sub_code"));
    if let Some(sub) = sub_code.filter(|s| *s != "UNSPECIFIED_SUB_CODE") {
        description = if description.is_empty() {
            sub.to_owned()
        } else {
            format!("{description} ({sub})")
        };
    }
    errors::from_reason(&code, &description)
}
