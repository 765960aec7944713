//! Sending: `POST outbox_url` with the message as JSON, and reading the outbox's answer.
//!
//! ```json
//! {"message_id": 42, "from": "+15550100", "to": {"number": "+5491155550123", "user_id": null},
//!  "channel_slot": 0, "status_callback_url": "https://…/hooks/…", "reply_to": null,
//!  "content": {"type": "text", "text": "Hola"}}
//! ```
//!
//! The outbox answers `2xx {"id": "…"}`, or `{"code", "message"}` with a status:
//!
//! | answer | send error |
//! |---|---|
//! | 2xx without `id` | permanent (`no-id`): it was taken, a retry could send twice |
//! | 429 | provider limit (throughput), `Retry-After` seconds as the delay |
//! | 409 `window-closed` | window closed |
//! | 404 `bad-recipient` | bad recipient |
//! | 403 `unsubscribed` | unsubscribed |
//! | 401 | misconfigured |
//! | 408, 5xx | retryable, with `Retry-After` when given |
//! | any other | permanent |

use serde_json::{Value, json};
use switchboard_sdk::http::{failure, pair, retry_after_ms, status_error};
use switchboard_sdk::provider::{HttpRequest, HttpResponse, Outbound, Receipt, SendError};

use crate::config::Config;
use crate::content;

/// The longest piece of an unexpected answer copied into a failure.
const EXCERPT_CHARS: usize = 300;

/// Builds the outbox request for `message`.
pub fn prepare(config: &Config, message: &Outbound) -> Result<HttpRequest, SendError> {
    let to = &message.to;
    if to.number.is_none() && to.user_id.is_none() {
        return Err(SendError::BadRecipient(failure(
            "no-address",
            "the recipient has neither a number nor a user id",
        )));
    }
    let content = content::render(&message.content)
        .map_err(|why| SendError::Permanent(failure("bad-content", why)))?;
    let body = json!({
        "message_id": message.message_id,
        "from": message.from,
        "to": {"number": to.number, "user_id": to.user_id},
        "channel_slot": message.channel_slot,
        "status_callback_url": message.status_callback_url,
        "reply_to": message.reply_to,
        "content": content,
    });
    Ok(HttpRequest {
        method: "POST".into(),
        url: config.outbox_url.trim().to_owned(),
        headers: vec![pair("Content-Type", "application/json")],
        body: body.to_string().into_bytes(),
    })
}

/// Reads the outbox's answer: the receipt, or the send error its status and code say.
pub fn read(response: &HttpResponse) -> Result<Receipt, SendError> {
    let body: Value = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
    let status = response.status;
    if (200..300).contains(&status) {
        return match body["id"].as_str().filter(|id| !id.is_empty()) {
            Some(id) => Ok(Receipt {
                provider_message_id: id.to_owned(),
                recipient: None,
            }),
            None => Err(SendError::Permanent(failure(
                "no-id",
                "the outbox took the message but its answer has no `id`",
            ))),
        };
    }
    let code = body["code"].as_str().filter(|c| !c.is_empty());
    let message = body["message"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| excerpt(&response.body));
    let failure = failure(code.unwrap_or(&status.to_string()), message);
    Err(match (status, code) {
        (409, Some("window-closed")) => SendError::WindowClosed(failure),
        (404, Some("bad-recipient")) => SendError::BadRecipient(failure),
        (403, Some("unsubscribed")) => SendError::Unsubscribed(failure),
        (401, _) => SendError::Misconfigured(failure),
        _ => status_error(status, retry_after_ms(&response.headers), failure),
    })
}

fn excerpt(body: &[u8]) -> String {
    String::from_utf8_lossy(body)
        .chars()
        .take(EXCERPT_CHARS)
        .collect()
}
