//! Sending through Kannel's `sendsms` interface: one GET with every field in the query.
//!
//! Kannel's answer names no message id (it is `0: Accepted for delivery` or `3: Queued for
//! later delivery`), so the receipt's provider id is the host's own message id, as text. The
//! same id rides in the `dlr-url` of the message, so every delivery report names it: the
//! receipt and the reports agree without any state in the adapter.

use switchboard_sdk::provider::{HttpRequest, HttpResponse, Outbound, Receipt, SendError};

use crate::config::{KannelConfig, UnicodeTransport};
use crate::gsm::Encoding;
use crate::http::{body_text, failure, status_error};
use crate::query::encode;
use crate::render;

/// The Kannel escapes a delivery report fills in, after the message's own id:
/// `%d` the report type (1, 2, 4, 8, 16), `%A` the SMSC's answer, `%p` the recipient of the
/// message (Kannel does not swap the numbers of a report), `%T` the report's time (Unix
/// seconds), `%i` the SMSC id.
const DLR_ESCAPES: &str = "dlr=%d&answer=%A&to=%p&ts=%T&smsc=%i";

/// The `dlr-url` of message `message_id`: `base` plus `dlr_id` and the report escapes. A `%`
/// already in `base` is doubled, which Kannel turns back into one.
pub fn dlr_url(base: &str, message_id: u64) -> String {
    let base = base.replace('%', "%%");
    let separator = match base.find('?') {
        None => "?",
        Some(_) if base.ends_with('?') || base.ends_with('&') => "",
        Some(_) => "&",
    };
    format!("{base}{separator}dlr_id={message_id}&{DLR_ESCAPES}")
}

/// The smsc-id for a channel slot: entry `slot mod len`, none when the list is empty.
fn smsc_for(config: &KannelConfig, slot: u32) -> Option<&str> {
    let len = config.smsc.len();
    (len > 0).then(|| config.smsc[slot as usize % len].as_str())
}

/// Builds the `sendsms` request for `message`.
pub fn prepare_send(config: &KannelConfig, message: &Outbound) -> Result<HttpRequest, SendError> {
    let render::Sms { text, to, encoding } = render::checked_sms(message, config.max_segments)?;
    let local_utf16 = config.unicode == UnicodeTransport::Utf16be;
    let mut query: Vec<(&str, Vec<u8>)> = vec![
        ("username", config.username.clone().into_bytes()),
        ("password", config.password.clone().into_bytes()),
    ];
    if !message.from.trim().is_empty() {
        query.push(("from", message.from.trim().as_bytes().to_vec()));
    }
    query.push(("to", to.as_bytes().to_vec()));
    if let Some(smsc) = smsc_for(config, message.channel_slot) {
        query.push(("smsc", smsc.as_bytes().to_vec()));
    }
    let body = match encoding {
        Encoding::Gsm7 => {
            query.push(("coding", b"0".to_vec()));
            text.into_bytes()
        }
        Encoding::Ucs2 if local_utf16 => {
            query.push(("coding", b"2".to_vec()));
            text.encode_utf16().flat_map(u16::to_be_bytes).collect()
        }
        Encoding::Ucs2 => {
            query.push(("coding", b"2".to_vec()));
            text.into_bytes()
        }
    };
    if !local_utf16 {
        query.push(("charset", b"UTF-8".to_vec()));
    }
    let base = config
        .dlr_url_base
        .as_deref()
        .or(message.status_callback_url.as_deref())
        .filter(|b| !b.trim().is_empty());
    if let (Some(base), true) = (base, config.dlr_mask > 0) {
        query.push(("dlr-mask", config.dlr_mask.to_string().into_bytes()));
        query.push((
            "dlr-url",
            dlr_url(base.trim(), message.message_id).into_bytes(),
        ));
    }
    query.push(("text", body));
    let query: Vec<String> = query
        .iter()
        .map(|(name, value)| format!("{name}={}", encode(value)))
        .collect();
    let separator = if config.sendsms_url.contains('?') {
        '&'
    } else {
        '?'
    };
    Ok(HttpRequest {
        method: "GET".into(),
        url: format!("{}{separator}{}", config.sendsms_url, query.join("&")),
        headers: Vec::new(),
        body: Vec::new(),
    })
}

/// Reads Kannel's answer. Kannel answers 2xx only when it took the message: `0: Accepted for
/// delivery`, `3: Queued for later delivery` (no SMSC route up yet) or, with
/// `immediate-sendsms-reply`, `Sent.`; each is a receipt. A refused `sendsms-user` login means
/// the connector is misconfigured; Kannel's other refusals are permanent; 5xx (`Temporal
/// failure`, `Sending failed.`) is worth retrying.
pub fn read_send_response(
    message: &Outbound,
    response: &HttpResponse,
) -> Result<Receipt, SendError> {
    let text = body_text(&response.body);
    let status = response.status;
    if (200..300).contains(&status) {
        return Ok(Receipt {
            provider_message_id: message.message_id.to_string(),
            recipient: None,
        });
    }
    let lower = text.to_ascii_lowercase();
    match status {
        403 if lower.contains("authorization failed") => {
            Err(SendError::Misconfigured(failure("auth-failed", text)))
        }
        403 if lower.contains("not routable") => {
            Err(SendError::Permanent(failure("not-routable", text)))
        }
        400 if lower.contains("receiver") || lower.contains("denied by white") => {
            Err(SendError::BadRecipient(failure("400", text)))
        }
        _ => Err(status_error(status, &response.headers, text)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dlr_url_appends_to_a_query_or_starts_one() {
        assert_eq!(
            dlr_url("https://e.test/hooks/abc", 7),
            "https://e.test/hooks/abc?dlr_id=7&dlr=%d&answer=%A&to=%p&ts=%T&smsc=%i"
        );
        assert!(
            dlr_url("https://e.test/h?key=abc", 7)
                .starts_with("https://e.test/h?key=abc&dlr_id=7&")
        );
        assert!(dlr_url("https://e.test/h?", 7).starts_with("https://e.test/h?dlr_id=7&"));
    }

    #[test]
    fn a_percent_in_the_base_survives_kannels_escapes() {
        assert!(dlr_url("https://e.test/h/a%41b", 1).starts_with("https://e.test/h/a%%41b?"));
    }
}
