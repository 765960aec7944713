//! The webhook: GET is the verification challenge, POST a signed notification envelope
//! (providers.md §2.2) whose `entry[].changes[].value` holds messages, statuses or a template
//! review. Every item of a batch becomes an event, in order; what the engine has no event for
//! is logged and still acknowledged with 200, so Meta does not redeliver it for days.

use serde_json::Value;
use switchboard_sdk::log;
use switchboard_sdk::provider::{Event, WebhookError, WebhookRequest, WebhookResult, unavailable};

use crate::config::Config;
use crate::inbound::Envelope;
use crate::{address, http, inbound, signature, status, template, verify};

/// Verifies and translates one webhook call.
pub fn handle(config: &str, request: &WebhookRequest) -> Result<WebhookResult, WebhookError> {
    // Without a usable config nothing can be verified: a 503, and Meta retries (for up to
    // 7 days) until it is fixed.
    let config = Config::load(config).map_err(unavailable)?;
    match request.method.to_ascii_uppercase().as_str() {
        "GET" => verify::challenge(&config.verify_token, &request.url),
        "POST" => {
            signature::check(&config.app_secret, &request.headers, &request.body)?;
            let body: Value = serde_json::from_slice(&request.body)
                .map_err(|e| WebhookError::Malformed(format!("body is not JSON: {e}")))?;
            Ok(WebhookResult {
                response: http::response(200, ""),
                events: events(&config, &body),
            })
        }
        other => Err(WebhookError::Malformed(format!(
            "method {other} is not a Meta webhook"
        ))),
    }
}

/// The events of a verified notification body, in the order Meta listed them.
pub fn events(config: &Config, body: &Value) -> Vec<Event> {
    let mut events = Vec::new();
    if body["object"] != "whatsapp_business_account" {
        log::info("notification for another object ignored");
        return events;
    }
    for entry in array(&body["entry"]) {
        let waba = entry["id"].as_str();
        if let (Some(ours), Some(theirs)) = (&config.waba_id, waba)
            && ours != theirs
        {
            log::debug("entry of another business account ignored");
            continue;
        }
        for change in array(&entry["changes"]) {
            let value = &change["value"];
            match change["field"].as_str().unwrap_or_default() {
                "messages" => messages(config, value, &mut events),
                "message_template_status_update" => match template::status(value) {
                    Some(status) => events.push(Event::Template(status)),
                    None => log::warn("template status without name or event ignored"),
                },
                field => log::debug(&format!("webhook field `{field}` ignored")),
            }
        }
    }
    events
}

/// A `messages` change: inbound messages and statuses of one business number.
fn messages(config: &Config, value: &Value, events: &mut Vec<Event>) {
    let metadata = &value["metadata"];
    let number_id = metadata["phone_number_id"].as_str();
    if number_id.is_some_and(|id| id != config.phone_number_id) {
        // One app's callback URL can serve several numbers; those are other connectors'.
        log::debug("change for another phone number id ignored");
        return;
    }
    let business = business_number(metadata["display_phone_number"].as_str())
        .unwrap_or_else(|| number_id.unwrap_or(&config.phone_number_id).to_owned());
    let envelope = Envelope {
        business: &business,
        contacts: array(&value["contacts"]),
    };
    for item in array(&value["messages"]) {
        match inbound::message(item, &envelope) {
            Some(message) => events.push(Event::Message(message)),
            None => log::warn("message without id or sender ignored"),
        }
    }
    events.extend(
        array(&value["statuses"])
            .iter()
            .filter_map(status::status)
            .map(Event::Status),
    );
    for error in array(&value["errors"]) {
        let code = &error["code"];
        let title = error["title"].as_str().unwrap_or_default();
        log::warn(&format!("Meta reported error {code}: {title}"));
    }
}

/// `display_phone_number` is cosmetic (`+250 788 123 200` occurs): keep its digits.
fn business_number(display: Option<&str>) -> Option<String> {
    let digits: String = display?.chars().filter(char::is_ascii_digit).collect();
    address::e164(&digits)
}

fn array(value: &Value) -> &[Value] {
    value.as_array().map(Vec::as_slice).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_display_number_keeps_its_digits() {
        assert_eq!(
            business_number(Some("+250 788 123 200")).as_deref(),
            Some("+250788123200")
        );
        assert_eq!(business_number(Some("n/a")), None);
        assert_eq!(business_number(None), None);
    }
}
