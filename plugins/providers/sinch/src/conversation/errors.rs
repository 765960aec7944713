//! Failures of the Conversation API as typed send errors: HTTP errors of a send
//! (`{"error": {"code", "message", "status"}}`) and the `reason.code` of a `FAILED` delivery
//! report (providers.md §3.2; the codes of the Sinch SDK's `ReasonCode`).

use serde_json::Value;
use switchboard_sdk::provider::{HttpResponse, SendError};

use crate::http::{excerpt, failure, permanent, retry_after_ms, retryable, throughput};
use crate::json::{object_at, str_at};

/// A failed delivery's reason, classified by its code.
pub fn from_reason(code: &str, description: &str) -> SendError {
    let f = failure(code, description);
    match code {
        "OUTSIDE_ALLOWED_SENDING_WINDOW" => SendError::WindowClosed(f),
        "RECIPIENT_INVALID_CHANNEL_IDENTITY"
        | "RECIPIENT_NOT_REACHABLE"
        | "CONTACT_NOT_FOUND"
        | "NO_CHANNEL_IDENTITY_FOR_CONTACT" => SendError::BadRecipient(f),
        "RECIPIENT_NOT_OPTED_IN" => SendError::Unsubscribed(f),
        "RATE_LIMITED" => throughput(None, f),
        "INTERNAL_ERROR" | "CHANNEL_FAILURE" | "DELIVERY_TIMED_OUT" => retryable(None, f),
        // Templates, media, policy, configuration, permissions, UNKNOWN: not fixed by waiting.
        _ => SendError::Permanent(f),
    }
}

/// The reason codes that mean something more precise than "permanent" when they appear in an
/// HTTP error's text.
const SPECIFIC_REASONS: [&str; 6] = [
    "OUTSIDE_ALLOWED_SENDING_WINDOW",
    "RECIPIENT_INVALID_CHANNEL_IDENTITY",
    "RECIPIENT_NOT_REACHABLE",
    "RECIPIENT_NOT_OPTED_IN",
    "RATE_LIMITED",
    "CHANNEL_FAILURE",
];

/// A non-2xx answer to a send. 401 is an expired or revoked token (the host refreshes it and
/// retries once); 403 / `PERMISSION_DENIED` a key without access to the project or app, which
/// no new token fixes (misconfigured); 429 and `RESOURCE_EXHAUSTED` a throughput limit; 408 and
/// 5xx temporary; other 4xx permanent (validation), unless the error names a recipient or
/// window reason.
pub fn from_http(response: &HttpResponse) -> SendError {
    let body: Value = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
    let error = object_at(&body, "error");
    let status_word = error.and_then(|e| str_at(e, "status"));
    let text = error
        .and_then(|e| str_at(e, "message"))
        .map(str::to_owned)
        .unwrap_or_else(|| excerpt(&response.body));
    let code = status_word
        .map(str::to_owned)
        .unwrap_or_else(|| response.status.to_string());
    let f = failure(&code, text.clone());
    let wait = retry_after_ms(&response.headers);
    match (response.status, status_word) {
        (401, _) | (_, Some("UNAUTHENTICATED")) => SendError::AuthExpired(f),
        (403, _) | (_, Some("PERMISSION_DENIED")) => SendError::Misconfigured(f),
        (429, _) | (_, Some("RESOURCE_EXHAUSTED")) => throughput(wait, f),
        (408 | 500..=599, _) | (_, Some("UNAVAILABLE")) => retryable(wait, f),
        _ => match SPECIFIC_REASONS.iter().find(|r| text.contains(*r)) {
            Some(reason) => from_reason(reason, &text),
            None => permanent(&code, text),
        },
    }
}
