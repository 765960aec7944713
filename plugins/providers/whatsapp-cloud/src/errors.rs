//! Meta error codes → typed send errors (providers.md §2.10). Used for synchronous send
//! responses and for `errors[]` of `failed` status webhooks alike: the host acts on the kind.

use serde_json::Value;
use switchboard_sdk::provider::{Failure, Limit, LimitKind, Retryable, SendError};

/// A Graph error object: `{"code", "title"?, "message", "error_data": {"details"}}`, as found
/// in `error` of a response and in `errors[]` of a status.
pub fn from_error_object(error: &Value, retry_after_ms: Option<u64>) -> Option<SendError> {
    let code = error["code"]
        .as_i64()
        .or_else(|| error["code"].as_str()?.parse().ok())?;
    let details = error["error_data"]["details"].as_str();
    let message = error["message"]
        .as_str()
        .or(error["title"].as_str())
        .unwrap_or_default();
    let message = match details {
        Some(details) if !details.is_empty() && details != message => {
            format!("{message}: {details}")
        }
        _ => message.to_owned(),
    };
    Some(classify(code, message, retry_after_ms))
}

/// The send error for Meta error `code`.
pub fn classify(code: i64, message: String, retry_after_ms: Option<u64>) -> SendError {
    let failure = Failure {
        code: code.to_string(),
        message,
    };
    let limit = |kind| {
        SendError::ProviderLimit(Limit {
            kind,
            retry_after_ms,
            failure: failure.clone(),
        })
    };
    match code {
        131047 => SendError::WindowClosed(failure),
        // Not on WhatsApp / old client / ToS not accepted; not in a test number's allowed list.
        131026 | 131030 => SendError::BadRecipient(failure),
        // The user tapped "stop promotions": an opt-out, not a reason to slow the sender.
        131050 => SendError::Unsubscribed(failure),
        // Number throughput, and the app / WABA Graph call limits.
        130429 | 4 | 80007 => limit(LimitKind::Throughput),
        131056 => limit(LimitKind::PairRate),
        // Too many messages blocked or reported: quality-based restriction.
        131048 => limit(LimitKind::Quality),
        // Meta held a marketing message back (per-user marketing cap / ecosystem health).
        131049 => limit(LimitKind::Tier),
        // Auth exception / token expired or revoked; no permission for the API or the number;
        // access denied; the business account locked; the number not registered. The token is
        // a long-lived one from the config (no auth step to refresh it), so every queued
        // message would fail the same way: pause the connector.
        0 | 190 | 3 | 10 | 200..=299 | 131005 | 131031 | 131045 => {
            SendError::Misconfigured(failure)
        }
        // "Something went wrong", unknown API error, service temporarily down.
        131000 | 1 | 2 | 131016 | 133004 => SendError::Retryable(Retryable {
            retry_after_ms,
            failure,
        }),
        _ => SendError::Permanent(failure),
    }
}

/// The send error for an HTTP status whose body had no Graph error object. 401 and 403 mean
/// the configured token is refused: no refresh step exists, so the connector is misconfigured.
pub fn from_http_status(status: u16, retry_after_ms: Option<u64>) -> SendError {
    let failure = Failure {
        code: status.to_string(),
        message: format!("HTTP {status} without a Graph error"),
    };
    match status {
        401 | 403 => SendError::Misconfigured(failure),
        _ => switchboard_sdk::http::status_error(status, retry_after_ms, failure),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn message_joins_title_and_details() {
        let error = json!({"code": 131047, "title": "Re-engagement message",
            "error_data": {"details": "More than 24 hours"}});
        let Some(SendError::WindowClosed(failure)) = from_error_object(&error, None) else {
            panic!("window closed")
        };
        assert_eq!(failure.code, "131047");
        assert_eq!(failure.message, "Re-engagement message: More than 24 hours");
    }

    #[test]
    fn codes_as_strings_are_read_and_objects_without_code_are_not() {
        assert!(matches!(
            from_error_object(&json!({"code": "131026"}), None),
            Some(SendError::BadRecipient(_))
        ));
        assert_eq!(from_error_object(&json!({"message": "x"}), None), None);
        assert_eq!(from_error_object(&json!("x"), None), None);
    }

    #[test]
    fn http_statuses_without_a_body() {
        assert!(matches!(
            from_http_status(503, Some(5)),
            SendError::Retryable(Retryable {
                retry_after_ms: Some(5),
                ..
            })
        ));
        assert!(matches!(
            from_http_status(429, None),
            SendError::ProviderLimit(Limit {
                kind: LimitKind::Throughput,
                ..
            })
        ));
        assert!(matches!(
            from_http_status(401, None),
            SendError::Misconfigured(_)
        ));
        assert!(matches!(
            from_http_status(404, None),
            SendError::Permanent(_)
        ));
    }
}
