//! `X-Hub-Signature-256` (providers.md §2.5): `sha256=` and the lowercase hex of
//! HMAC-SHA256(app secret, raw body bytes). Checked on the raw bytes, before any parsing, in
//! constant time.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use switchboard_sdk::provider::{Pair, WebhookError};

use crate::http;

/// The header Meta signs notifications with.
pub const HEADER: &str = "x-hub-signature-256";

/// Checks the signature header of a notification against `body`.
pub fn check(app_secret: &str, headers: &[Pair], body: &[u8]) -> Result<(), WebhookError> {
    let unauthorized = |why: &str| Err(WebhookError::Unauthorized(why.to_owned()));
    if app_secret.is_empty() {
        return unauthorized("no app secret configured");
    }
    let Some(value) = http::header(headers, HEADER) else {
        return unauthorized("X-Hub-Signature-256 is missing");
    };
    let Some(given) = value.trim().strip_prefix("sha256=").and_then(decode_hex) else {
        return unauthorized("X-Hub-Signature-256 is not `sha256=` and 64 hex digits");
    };
    if bool::from(given.ct_eq(&sign(app_secret, body))) {
        Ok(())
    } else {
        unauthorized("X-Hub-Signature-256 does not match the body")
    }
}

/// HMAC-SHA256 of `body` keyed with `app_secret`.
pub fn sign(app_secret: &str, body: &[u8]) -> [u8; 32] {
    // An HMAC key may have any length: `new_from_slice` cannot fail for it.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes()) else {
        return [0; 32];
    };
    mac.update(body);
    mac.finalize().into_bytes().into()
}

/// The header value Meta would send for `body`: `sha256=<lowercase hex>`.
pub fn header_value(app_secret: &str, body: &[u8]) -> String {
    let mut value = String::from("sha256=");
    for byte in sign(app_secret, body) {
        value.push_str(&format!("{byte:02x}"));
    }
    value
}

fn decode_hex(hex: &str) -> Option<[u8; 32]> {
    let digits = hex.as_bytes();
    if digits.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        let high = (pair[0] as char).to_digit(16)?;
        let low = (pair[1] as char).to_digit(16)?;
        *byte = (high * 16 + low) as u8;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips() {
        let value = header_value("k", b"body");
        assert_eq!(value.len(), 71);
        assert_eq!(decode_hex(&value[7..]), Some(sign("k", b"body")));
        assert_eq!(
            decode_hex(&value[7..].to_uppercase()),
            Some(sign("k", b"body"))
        );
        assert_eq!(decode_hex(&value[8..]), None);
        assert_eq!(decode_hex(&"g".repeat(64)), None);
    }

    #[test]
    fn empty_secret_never_verifies() {
        let headers = [http::pair(HEADER, &header_value("", b"{}"))];
        assert!(check("", &headers, b"{}").is_err());
    }
}
