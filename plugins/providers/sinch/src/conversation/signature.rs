//! `x-sinch-webhook-signature`: `Base64(HMAC-SHA256(webhook secret, raw_body + "." + nonce + "."
//! + timestamp))`, with the nonce and timestamp from their own headers (providers.md §3.2, from
//! the Sinch SDK's `computeSignedData` / `calculateWebhookSignature`).
//!
//! The timestamp is signed but not checked for staleness: the plugin has no clock and the
//! contract passes no receive time, so a captured callback can be replayed. Replays are
//! harmless here because inbound messages and statuses are deduplicated by provider id.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use switchboard_sdk::provider::{Pair, WebhookError};

use crate::http::header;

type HmacSha256 = Hmac<Sha256>;

const SIGNATURE: &str = "x-sinch-webhook-signature";
const NONCE: &str = "x-sinch-webhook-signature-nonce";
const TIMESTAMP: &str = "x-sinch-webhook-signature-timestamp";
const ALGORITHM: &str = "x-sinch-webhook-signature-algorithm";

/// Checks the signature of a callback's raw body.
pub fn verify(secret: &str, headers: &[Pair], body: &[u8]) -> Result<(), WebhookError> {
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
    if bool::from(expected.as_slice().ct_eq(claimed.as_slice())) {
        Ok(())
    } else {
        Err(WebhookError::Unauthorized(
            "signature does not match the body, nonce and timestamp".to_owned(),
        ))
    }
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

    #[test]
    fn a_signature_of_the_right_length_but_wrong_bytes_is_refused() {
        let body = br#"{"app_id":"x"}"#;
        let good = STANDARD.encode(compute(
            "secret",
            body,
            "01FJA8B4A7BM43YGWSG9GBV067",
            "1634579353",
        ));
        assert_eq!(verify("secret", &headers(&good), body), Ok(()));
        let wrong = STANDARD.encode([0u8; 32]);
        assert!(matches!(
            verify("secret", &headers(&wrong), body),
            Err(WebhookError::Unauthorized(_))
        ));
        let mut other_algorithm = headers(&good);
        other_algorithm[3].value = "HmacSHA1".into();
        assert!(matches!(
            verify("secret", &other_algorithm, body),
            Err(WebhookError::Unauthorized(_))
        ));
    }
}
