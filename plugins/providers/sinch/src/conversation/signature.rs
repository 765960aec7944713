//! `x-sinch-webhook-signature`: `Base64(HMAC-SHA256(webhook secret, raw_body + "." + nonce + "."
//! + timestamp))`, with the nonce and timestamp from their own headers (providers.md §3.2, from
//! the Sinch SDK's `computeSignedData` / `calculateWebhookSignature`).
//!
//! Sinch's callback docs ask receivers to check that the timestamp ("when the signature was
//! computed") is within an acceptable window of their clock: a callback signed more than
//! [`MAX_SKEW_MS`] before or after the host received it is refused, so a captured callback
//! cannot be replayed later. (Keeping nonces, the docs' other step, needs state the plugin
//! does not have; a replay inside the window only repeats events the host deduplicates by
//! provider id.)

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use switchboard_sdk::provider::{Pair, WebhookError};

use crate::http::header;
use crate::time::text_ms;

type HmacSha256 = Hmac<Sha256>;

const SIGNATURE: &str = "x-sinch-webhook-signature";
const NONCE: &str = "x-sinch-webhook-signature-nonce";
const TIMESTAMP: &str = "x-sinch-webhook-signature-timestamp";
const ALGORITHM: &str = "x-sinch-webhook-signature-algorithm";

/// How far the signed timestamp may be from the host's receive time, either way: Sinch signs
/// each delivery when it sends it, so only a replay (or a badly wrong clock) is further off.
pub const MAX_SKEW_MS: u64 = 5 * 60 * 1000;

/// Checks the signature of a callback's raw body, and that it was signed around
/// `received_at_ms` (the host's clock).
pub fn verify(
    secret: &str,
    headers: &[Pair],
    body: &[u8],
    received_at_ms: u64,
) -> Result<(), WebhookError> {
    let get = |name: &str| {
        header(headers, name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| WebhookError::Unauthorized(format!("missing header {name}")))
    };
    let signature = get(SIGNATURE)?;
    let nonce = get(NONCE)?;
    let timestamp = get(TIMESTAMP)?;
    if let Some(algorithm) = header(headers, ALGORITHM)
        && !algorithm.trim().eq_ignore_ascii_case("HmacSHA256")
    {
        return Err(WebhookError::Unauthorized(format!(
            "unsupported signature algorithm {algorithm:?}"
        )));
    }
    let claimed = STANDARD
        .decode(signature)
        .map_err(|_| WebhookError::Unauthorized("signature is not base64".to_owned()))?;
    let expected = compute(secret, body, nonce, timestamp);
    if !bool::from(expected.as_slice().ct_eq(claimed.as_slice())) {
        return Err(WebhookError::Unauthorized(
            "signature does not match the body, nonce and timestamp".to_owned(),
        ));
    }
    let signed_at = text_ms(timestamp).ok_or_else(|| {
        WebhookError::Unauthorized(format!("signature timestamp {timestamp:?} is not a time"))
    })?;
    if signed_at.abs_diff(received_at_ms) > MAX_SKEW_MS {
        return Err(WebhookError::Unauthorized(format!(
            "signed at {signed_at} ms, received at {received_at_ms} ms: more than {} s apart \
             (a replay, or a wrong clock)",
            MAX_SKEW_MS / 1000
        )));
    }
    Ok(())
}

/// The raw HMAC of a callback.
fn compute(secret: &str, body: &[u8], nonce: &str, timestamp: &str) -> Vec<u8> {
    // `new_from_slice` accepts keys of any length for HMAC; the fallback is unreachable.
    let Ok(mut mac) = HmacSha256::new_from_slice(secret.as_bytes()) else {
        return Vec::new();
    };
    mac.update(body);
    mac.update(b".");
    mac.update(nonce.as_bytes());
    mac.update(b".");
    mac.update(timestamp.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::pair;

    fn headers(signature: &str) -> Vec<Pair> {
        vec![
            pair("X-Sinch-Webhook-Signature", signature),
            pair(
                "x-sinch-webhook-signature-nonce",
                "01FJA8B4A7BM43YGWSG9GBV067",
            ),
            pair("x-sinch-webhook-signature-timestamp", "1634579353"),
            pair("x-sinch-webhook-signature-algorithm", "HmacSHA256"),
        ]
    }

    /// The headers' timestamp, in ms.
    const SIGNED_AT_MS: u64 = 1_634_579_353_000;

    fn good(body: &[u8]) -> String {
        STANDARD.encode(compute(
            "secret",
            body,
            "01FJA8B4A7BM43YGWSG9GBV067",
            "1634579353",
        ))
    }

    #[test]
    fn a_signature_of_the_right_length_but_wrong_bytes_is_refused() {
        let body = br#"{"app_id":"x"}"#;
        let good = good(body);
        assert_eq!(
            verify("secret", &headers(&good), body, SIGNED_AT_MS),
            Ok(())
        );
        let wrong = STANDARD.encode([0u8; 32]);
        assert!(matches!(
            verify("secret", &headers(&wrong), body, SIGNED_AT_MS),
            Err(WebhookError::Unauthorized(_))
        ));
        let mut other_algorithm = headers(&good);
        other_algorithm[3].value = "HmacSHA1".into();
        assert!(matches!(
            verify("secret", &other_algorithm, body, SIGNED_AT_MS),
            Err(WebhookError::Unauthorized(_))
        ));
    }

    #[test]
    fn a_callback_signed_too_long_before_or_after_its_arrival_is_refused() {
        let body = br#"{"app_id":"x"}"#;
        let headers = headers(&good(body));
        for received in [
            SIGNED_AT_MS - MAX_SKEW_MS,
            SIGNED_AT_MS + 1,
            SIGNED_AT_MS + MAX_SKEW_MS,
        ] {
            assert_eq!(verify("secret", &headers, body, received), Ok(()));
        }
        for received in [
            SIGNED_AT_MS - MAX_SKEW_MS - 1,
            SIGNED_AT_MS + MAX_SKEW_MS + 1,
            0,
        ] {
            let refused = verify("secret", &headers, body, received);
            assert!(
                matches!(&refused, Err(WebhookError::Unauthorized(why)) if why.contains("replay")),
                "{received}: {refused:?}"
            );
        }
    }
}
