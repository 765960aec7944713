//! What the engine does with each kind of provider send error.

use crate::plugins::provider::{LimitKind, SendError};

/// `(code, message)` of a send error, with the kind as a prefix when the provider gave no code.
pub fn send_error_parts(error: &SendError) -> (String, String) {
    let (kind, failure) = match error {
        SendError::Retryable(r) => ("retryable", &r.failure),
        SendError::Permanent(f) => ("permanent", f),
        SendError::WindowClosed(f) => ("window_closed", f),
        SendError::BadRecipient(f) => ("bad_recipient", f),
        SendError::Unsubscribed(f) => ("unsubscribed", f),
        SendError::ProviderLimit(l) => (limit_word(l.kind), &l.failure),
        SendError::AuthExpired(f) => ("auth_expired", f),
        SendError::Misconfigured(f) => ("misconfigured", f),
    };
    let code = if failure.code.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind}:{}", failure.code)
    };
    (code, failure.message.clone())
}

fn limit_word(kind: LimitKind) -> &'static str {
    match kind {
        LimitKind::Throughput => "limit_throughput",
        LimitKind::PairRate => "limit_pair_rate",
        LimitKind::Tier => "limit_tier",
        LimitKind::Quality => "limit_quality",
    }
}
