//! Kannel: send with `sendsms` (`send.rs`), receive from an `sms-service` `get-url`
//! (`mo.rs`), and read the delivery reports each message's `dlr-url` asks for (`dlr.rs`).
//!
//! Both kinds of call reach the connector's one webhook URL; a report is told apart by its
//! `dlr` field, an inbound message by its `from`. Kannel does not sign its calls: the host
//! guards the URL with a secret in it and an optional IP allow-list.

mod dlr;
mod mo;
mod send;

pub use mo::{RawText, decode};
pub use send::{dlr_url, prepare_send, read_send_response};

use switchboard_sdk::provider::{Event, WebhookError, WebhookRequest, WebhookResult};

use crate::config::KannelConfig;
use crate::http::{media_type, response};
use crate::query::Params;

/// Translates a call from Kannel. A report is answered `200 OK`; an inbound message `200`
/// with an empty body, which with `omit-empty`/`max-messages = 0` Kannel never texts back.
pub fn handle_webhook(
    config: &KannelConfig,
    request: &WebhookRequest,
) -> Result<WebhookResult, WebhookError> {
    let mut params = Params::from_url(&request.url);
    let mut post_body = None;
    if request.method.eq_ignore_ascii_case("POST") {
        if media_type(&request.headers) == "application/x-www-form-urlencoded" {
            params.extend(Params::parse(&request.body));
        } else {
            post_body = Some(request.body.as_slice());
        }
    } else if !request.method.eq_ignore_ascii_case("GET") {
        return Err(WebhookError::Malformed(format!(
            "Kannel calls with GET or POST, not {}",
            request.method
        )));
    }
    if params.get("dlr").is_some() {
        let events = dlr::status(config, &params)?
            .map(Event::Status)
            .into_iter()
            .collect();
        return Ok(WebhookResult {
            response: response(200, "text/plain", b"OK"),
            events,
        });
    }
    let message = mo::message(config, &params, &request.headers, post_body)?;
    Ok(WebhookResult {
        response: response(200, "text/plain", b""),
        events: vec![Event::Message(message)],
    })
}
