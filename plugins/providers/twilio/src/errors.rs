//! Twilio error codes → the engine's typed [`SendError`] (providers.md §1.4). The same table
//! classifies a refused send (REST error body) and a failed delivery (`ErrorCode` of a status
//! callback); the host acts on the kind, never on the text.

use switchboard_sdk::provider::{Failure, Limit, LimitKind, Retryable, SendError};

/// How a code is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Retryable,
    Permanent,
    WindowClosed,
    BadRecipient,
    Unsubscribed,
    Misconfigured,
    Limit(LimitKind),
}

/// Codes with a known meaning. Everything else is permanent unless the HTTP status says
/// otherwise (429, 5xx: see `send.rs`).
const TABLE: &[(&str, Kind)] = &[
    // Authentication (REST 401): the credentials are wrong; the auth step does not exist on
    // Twilio, so no token refresh can help: pause the connector.
    ("20003", Kind::Misconfigured),
    // Too many requests to the REST API (HTTP 429).
    ("20429", Kind::Retryable),
    // Invalid `To`.
    ("21211", Kind::BadRecipient),
    // Permission to send to that region is not enabled: an account setting.
    ("21408", Kind::Permanent),
    // The recipient replied STOP.
    ("21610", Kind::Unsubscribed),
    // `To` cannot be routed / is not a mobile number / is a landline.
    ("21612", Kind::BadRecipient),
    ("21614", Kind::BadRecipient),
    ("21635", Kind::BadRecipient),
    // The account's outbound queue for the sender overflowed.
    ("30001", Kind::Limit(LimitKind::Throughput)),
    // Unreachable handset (switched off, no coverage): may work later.
    ("30003", Kind::Retryable),
    // Unknown handset; landline or unreachable carrier.
    ("30005", Kind::BadRecipient),
    ("30006", Kind::BadRecipient),
    // Carrier filtering: the content or sender was blocked.
    ("30007", Kind::Permanent),
    // Unknown error: Twilio's own advice is to try again.
    ("30008", Kind::Retryable),
    // WhatsApp: the recipient is not on WhatsApp (WA 1013 / 1006).
    ("63003", Kind::BadRecipient),
    // WhatsApp: outside the 24-hour window; only a template (ContentSid) can be sent.
    ("63016", Kind::WindowClosed),
    // WhatsApp: the channel's rate limit (WA 429 / 471).
    ("63018", Kind::Limit(LimitKind::Throughput)),
    // WhatsApp: content the channel refuses (a template over 1024 characters …).
    ("63021", Kind::Permanent),
    // WhatsApp: invalid recipient.
    ("63024", Kind::BadRecipient),
    // WhatsApp: the user is part of a Meta experiment (Meta 130472); not deliverable.
    ("63032", Kind::Permanent),
    // WhatsApp: Meta did not deliver a marketing message (per-user marketing limit, Meta
    // 131049); the WIT files 131049 under `tier`.
    ("63049", Kind::Limit(LimitKind::Tier)),
    // Webhook errors of the Debugger (11200/11205: our webhook failed; 57012: its signature
    // check failed). They never answer a send; listed so a stray one is not mistaken for
    // something retryable.
    ("11200", Kind::Permanent),
    ("11205", Kind::Permanent),
    ("57012", Kind::Permanent),
];

/// The [`SendError`] for a Twilio `code`, or `None` when the code is not in the table.
/// `retry_after_ms` goes into the kinds that carry a delay.
pub fn classify(code: &str, message: &str, retry_after_ms: Option<u64>) -> Option<SendError> {
    let kind = TABLE.iter().find(|(c, _)| *c == code)?.1;
    let failure = Failure {
        code: code.to_owned(),
        message: message.to_owned(),
    };
    Some(match kind {
        Kind::Retryable => SendError::Retryable(Retryable {
            retry_after_ms,
            failure,
        }),
        Kind::Permanent => SendError::Permanent(failure),
        Kind::WindowClosed => SendError::WindowClosed(failure),
        Kind::BadRecipient => SendError::BadRecipient(failure),
        Kind::Unsubscribed => SendError::Unsubscribed(failure),
        Kind::Misconfigured => SendError::Misconfigured(failure),
        Kind::Limit(kind) => SendError::ProviderLimit(Limit {
            kind,
            retry_after_ms,
            failure,
        }),
    })
}

/// The failure of an undelivered message (status callback): by code when known, else
/// permanent. `code` is `None` when Twilio gave no `ErrorCode` (e.g. `canceled`); the
/// status word is the code then.
pub fn delivery_failure(code: Option<&str>, message: &str, status: &str) -> SendError {
    match code {
        Some(code) => classify(code, message, None).unwrap_or_else(|| {
            SendError::Permanent(Failure {
                code: code.to_owned(),
                message: message.to_owned(),
            })
        }),
        None => SendError::Permanent(Failure {
            code: status.to_owned(),
            message: message.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(code: &str) -> &'static str {
        match classify(code, "m", Some(5)) {
            Some(SendError::Retryable(r)) => {
                assert_eq!(r.retry_after_ms, Some(5));
                "retryable"
            }
            Some(SendError::Permanent(_)) => "permanent",
            Some(SendError::WindowClosed(_)) => "window-closed",
            Some(SendError::BadRecipient(_)) => "bad-recipient",
            Some(SendError::Unsubscribed(_)) => "unsubscribed",
            Some(SendError::ProviderLimit(l)) => match l.kind {
                LimitKind::Throughput => "throughput",
                LimitKind::Tier => "tier",
                LimitKind::PairRate => "pair-rate",
                LimitKind::Quality => "quality",
            },
            Some(SendError::AuthExpired(_)) => "auth-expired",
            Some(SendError::Misconfigured(_)) => "misconfigured",
            None => "unknown",
        }
    }

    #[test]
    fn every_code_of_providers_md_is_classified() {
        for (code, expected) in [
            ("21211", "bad-recipient"),
            ("21408", "permanent"),
            ("21610", "unsubscribed"),
            ("21614", "bad-recipient"),
            ("21635", "bad-recipient"),
            ("30003", "retryable"),
            ("30005", "bad-recipient"),
            ("30006", "bad-recipient"),
            ("30007", "permanent"),
            ("30008", "retryable"),
            ("63016", "window-closed"),
            ("63018", "throughput"),
            ("63021", "permanent"),
            ("63024", "bad-recipient"),
            ("63032", "permanent"),
            ("63049", "tier"),
            ("11200", "permanent"),
            ("11205", "permanent"),
            ("57012", "permanent"),
            ("20003", "misconfigured"),
            ("20429", "retryable"),
            ("99999", "unknown"),
        ] {
            assert_eq!(kind(code), expected, "{code}");
        }
    }

    #[test]
    fn failed_deliveries_keep_code_and_message() {
        assert_eq!(
            delivery_failure(Some("21610"), "STOP", "failed"),
            SendError::Unsubscribed(Failure {
                code: "21610".into(),
                message: "STOP".into()
            })
        );
        assert_eq!(
            delivery_failure(Some("12345"), "", "undelivered"),
            SendError::Permanent(Failure {
                code: "12345".into(),
                message: String::new()
            })
        );
        assert_eq!(
            delivery_failure(None, "", "canceled"),
            SendError::Permanent(Failure {
                code: "canceled".into(),
                message: String::new()
            })
        );
    }
}
