//! Small readers and builders for the HTTP records of the provider contract, shared by every
//! provider adapter: header look-up, `Retry-After`, failure records.

use crate::provider::{Failure, Limit, LimitKind, Pair, Retryable, SendError};

/// The value of the first header named `name` (case-insensitive, as HTTP names are).
pub fn header<'a>(headers: &'a [Pair], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

/// A `name: value` header.
pub fn pair(name: &str, value: &str) -> Pair {
    Pair {
        name: name.to_owned(),
        value: value.to_owned(),
    }
}

/// `Retry-After` in ms, when given in seconds. (An HTTP date would need a clock, which a
/// plugin does not have: it reads as no hint.)
pub fn retry_after_ms(headers: &[Pair]) -> Option<u64> {
    let seconds: u64 = header(headers, "retry-after")?.trim().parse().ok()?;
    Some(seconds.saturating_mul(1000))
}

/// A failure record: the provider's code (or the HTTP status) and its explanation.
pub fn failure(code: &str, message: impl Into<String>) -> Failure {
    Failure {
        code: code.to_owned(),
        message: message.into(),
    }
}

/// The send error for an HTTP status the provider explained no better: 429 is a throughput
/// limit, 408 and 5xx are worth retrying, anything else is permanent.
pub fn status_error(status: u16, retry_after_ms: Option<u64>, failure: Failure) -> SendError {
    match status {
        429 => SendError::ProviderLimit(Limit {
            kind: LimitKind::Throughput,
            retry_after_ms,
            failure,
        }),
        408 | 500..=599 => SendError::Retryable(Retryable {
            retry_after_ms,
            failure,
        }),
        _ => SendError::Permanent(failure),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_match_in_any_case_and_the_first_wins() {
        let headers = [pair("Retry-After", "7"), pair("retry-after", "9")];
        assert_eq!(header(&headers, "RETRY-AFTER"), Some("7"));
        assert_eq!(header(&headers, "content-type"), None);
    }

    #[test]
    fn statuses_are_classified() {
        let limited = status_error(429, Some(1000), failure("429", "slow down"));
        assert!(matches!(
            limited,
            SendError::ProviderLimit(Limit {
                kind: LimitKind::Throughput,
                retry_after_ms: Some(1000),
                ..
            })
        ));
        assert!(matches!(
            status_error(503, None, failure("503", "")),
            SendError::Retryable(_)
        ));
        assert!(matches!(
            status_error(408, None, failure("408", "")),
            SendError::Retryable(_)
        ));
        assert!(matches!(
            status_error(400, None, failure("400", "")),
            SendError::Permanent(_)
        ));
    }

    #[test]
    fn retry_after_is_read_in_seconds_only() {
        assert_eq!(retry_after_ms(&[pair("Retry-After", " 2 ")]), Some(2000));
        assert_eq!(
            retry_after_ms(&[pair("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")]),
            None
        );
        assert_eq!(retry_after_ms(&[]), None);
    }
}
