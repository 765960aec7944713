//! Sending (providers.md §1.6): `POST {api_base_url}/2010-04-01/Accounts/{sid}/Messages.json`,
//! form-encoded, Basic auth; and reading Twilio's answer.
//!
//! | content | fields |
//! |---|---|
//! | text | `Body` |
//! | media | `MediaUrl` (+ `Body` = caption) |
//! | template | `ContentSid` = name, `ContentVariables` = `{"1": …, "2": …}` from `body_params` |
//! | location | WhatsApp: `PersistentAction=geo:lat,lon\|label` + `Body`; SMS: text with a map link |
//! | interactive, contacts | numbered / plain text in `Body` (see `render.rs`) |
//!
//! With `status_callback` on and a URL from the host, `StatusCallback` is that URL plus
//! `sb_message_id=<host message id>`: Twilio calls back on exactly that URL, so the status
//! names the host's message even when the receipt was lost.

use switchboard_sdk::http::{failure, pair, retry_after_ms};
use switchboard_sdk::provider::{
    Content, HttpRequest, HttpResponse, Outbound, Receipt, Retryable, SendError, TemplateMessage,
};
use switchboard_sdk::types::interactive_as_text;

use crate::address;
use crate::config::{Channel, Config};
use crate::errors;
use crate::render;

/// Query parameter of the status-callback URL carrying the host's message id.
pub const MESSAGE_ID_PARAM: &str = "sb_message_id";

/// Builds the create-message request.
pub fn prepare(config: &Config, message: &Outbound) -> Result<HttpRequest, SendError> {
    let to = address::recipient(config.channel, &message.to).ok_or_else(|| {
        SendError::BadRecipient(failure("no-address", "the recipient has no number or id"))
    })?;
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.append_pair("To", &to);
    match &config.messaging_service_sid {
        Some(service) => {
            form.append_pair("MessagingServiceSid", service);
        }
        None if message.from.trim().is_empty() => {
            return Err(SendError::Permanent(failure(
                "bad-config",
                "no sender: the message has no `from` and no `messaging_service_sid` is set",
            )));
        }
        None => {
            form.append_pair(
                "From",
                &address::with_channel(config.channel, message.from.trim()),
            );
        }
    }
    for (name, value) in content_fields(config.channel, &message.content)? {
        form.append_pair(name, &value);
    }
    if let Some(url) = message
        .status_callback_url
        .as_deref()
        .filter(|_| config.status_callback)
    {
        let value = message.message_id.to_string();
        form.append_pair(
            "StatusCallback",
            &with_query_param(url, MESSAGE_ID_PARAM, &value),
        );
    }
    Ok(HttpRequest {
        method: "POST".into(),
        url: format!(
            "{}/2010-04-01/Accounts/{}/Messages.json",
            config.api_base(),
            config.account_sid
        ),
        headers: vec![
            pair("Authorization", &config.basic_auth()),
            pair("Content-Type", "application/x-www-form-urlencoded"),
            pair("Accept", "application/json"),
        ],
        body: form.finish().into_bytes(),
    })
}

fn content_fields(
    channel: Channel,
    content: &Content,
) -> Result<Vec<(&'static str, String)>, SendError> {
    Ok(match content {
        Content::Text(text) => vec![("Body", text.clone())],
        Content::Media(media) => {
            let mut fields = vec![("MediaUrl", media.locator.clone())];
            if let Some(caption) = media.caption.as_deref().filter(|c| !c.is_empty()) {
                fields.push(("Body", caption.to_owned()));
            }
            fields
        }
        Content::Template(template) => template_fields(template)?,
        Content::Location(location) => match channel {
            Channel::Whatsapp => {
                let label = render::label(location);
                let mut action = format!("geo:{},{}", location.latitude, location.longitude);
                if let Some(label) = &label {
                    action = format!("{action}|{label}");
                }
                vec![
                    ("Body", label.unwrap_or_else(|| "Location".to_owned())),
                    ("PersistentAction", action),
                ]
            }
            Channel::Sms => vec![("Body", render::location(location))],
        },
        Content::Interactive(interactive) => vec![("Body", interactive_as_text(interactive))],
        Content::Contacts(contacts) => vec![("Body", render::contacts(contacts))],
        Content::ChoiceReply(_) | Content::Reaction(_) | Content::Unsupported(_) => {
            return Err(SendError::Permanent(failure(
                "unsupported-content",
                "Twilio cannot send choice replies, reactions or unsupported content",
            )));
        }
    })
}

/// Twilio Content templates number every variable in one space (`{{1}}`…), header and buttons
/// included, so only `body_params` have an unambiguous place. Header or button parameters are
/// refused rather than guessed.
fn template_fields(template: &TemplateMessage) -> Result<Vec<(&'static str, String)>, SendError> {
    if template.header.is_some() || !template.buttons.is_empty() {
        return Err(SendError::Permanent(failure(
            "unsupported-template",
            "Twilio Content templates take numbered variables only: put header and button \
             values in body_params at their {{n}} positions",
        )));
    }
    let mut fields = vec![("ContentSid", template.name.clone())];
    if !template.body_params.is_empty() {
        let variables: serde_json::Map<String, serde_json::Value> = template
            .body_params
            .iter()
            .enumerate()
            .map(|(i, value)| ((i + 1).to_string(), value.clone().into()))
            .collect();
        fields.push((
            "ContentVariables",
            serde_json::Value::Object(variables).to_string(),
        ));
    }
    Ok(fields)
}

/// Reads the create-message response: `sid` on 2xx, else the error classified.
pub fn read_response(response: &HttpResponse) -> Result<Receipt, SendError> {
    let json: Option<serde_json::Value> = serde_json::from_slice(&response.body).ok();
    if (200..300).contains(&response.status) {
        let sid = json
            .as_ref()
            .and_then(|j| j["sid"].as_str())
            .filter(|s| !s.is_empty());
        // Accepted but unreadable: retrying could send twice, so it is not retryable.
        return sid
            .map(|sid| Receipt {
                provider_message_id: sid.to_owned(),
                recipient: None,
            })
            .ok_or_else(|| {
                SendError::Permanent(failure(
                    "bad-response",
                    "Twilio accepted the message but its answer has no `sid`",
                ))
            });
    }
    let code = json.as_ref().and_then(|j| match &j["code"] {
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    });
    let message = json
        .as_ref()
        .and_then(|j| j["message"].as_str().map(str::to_owned))
        .unwrap_or_else(|| {
            String::from_utf8_lossy(&response.body)
                .chars()
                .take(300)
                .collect()
        });
    let retry_after_ms = retry_after_ms(&response.headers);
    let status = response.status;
    let code_or_status = code.clone().unwrap_or_else(|| status.to_string());
    if status >= 500 {
        return Err(SendError::Retryable(Retryable {
            retry_after_ms,
            failure: failure(&code_or_status, &message),
        }));
    }
    if let Some(error) = code
        .as_deref()
        .and_then(|c| errors::classify(c, &message, retry_after_ms))
    {
        return Err(error);
    }
    Err(match status {
        429 => SendError::Retryable(Retryable {
            retry_after_ms,
            failure: failure(&code_or_status, &message),
        }),
        // Twilio has no token step: refused credentials stay refused until someone fixes them.
        401 => SendError::Misconfigured(failure(&code_or_status, &message)),
        _ => SendError::Permanent(failure(&code_or_status, &message)),
    })
}

/// `url` with `name=value` added to its query, before any fragment.
pub fn with_query_param(url: &str, name: &str, value: &str) -> String {
    let (base, fragment) = match url.split_once('#') {
        Some((base, fragment)) => (base, Some(fragment)),
        None => (url, None),
    };
    let separator = match base.find('?') {
        None => "?",
        Some(i) if i + 1 == base.len() || base.ends_with('&') => "",
        Some(_) => "&",
    };
    let mut out = format!("{base}{separator}{name}={value}");
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_id_goes_into_the_callback_query() {
        let add = |url| with_query_param(url, "sb_message_id", "42");
        assert_eq!(add("https://h/x"), "https://h/x?sb_message_id=42");
        assert_eq!(add("https://h/x?a=1"), "https://h/x?a=1&sb_message_id=42");
        assert_eq!(add("https://h/x?"), "https://h/x?sb_message_id=42");
        assert_eq!(add("https://h/x#rc=2"), "https://h/x?sb_message_id=42#rc=2");
    }

    #[test]
    fn retry_after_is_read_in_seconds() {
        let headers = vec![pair("retry-after", " 3 ")];
        assert_eq!(retry_after_ms(&headers), Some(3000));
        let date = vec![pair("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")];
        assert_eq!(retry_after_ms(&date), None);
    }
}
