//! Bearer tokens (API tokens, the admin token, session cookies): how they are made and
//! stored.
//!
//! A token is 32 random bytes, hex-encoded; only its sha256 is stored, so a copy of the
//! database opens nothing. The server creates the admin token on first start; it is the API
//! token of the admin user. Lookups go by the digest, an index probe whose timing says nothing
//! about how close a guess was; where a token is compared with a known one, it is compared in
//! constant time.

use rand::TryRng;
use rand::rngs::SysRng;
use sha2::{Digest, Sha256};

/// Random bytes in a generated token: 256 bits, beyond guessing.
const TOKEN_BYTES: usize = 32;

/// The stored form of a token (the admin token, an API token, a session's): its sha256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminToken {
    digest: [u8; 32],
}

impl AdminToken {
    /// The token whose sha256 is `hash_hex` (as stored); `None` if that is not a sha256.
    pub fn from_hash_hex(hash_hex: &str) -> Option<Self> {
        let bytes = hex::decode(hash_hex.trim()).ok()?;
        Some(Self {
            digest: bytes.try_into().ok()?,
        })
    }

    /// The stored form of `token`.
    pub fn from_token(token: &str) -> Self {
        Self {
            digest: Sha256::digest(token.as_bytes()).into(),
        }
    }

    /// The lowercase hex sha256, as the store keeps it.
    pub fn hash_hex(&self) -> String {
        hex::encode(self.digest)
    }

    /// Whether `presented` is the token, in time independent of where they differ.
    pub fn verify(&self, presented: &str) -> bool {
        let presented: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        constant_time_eq(&self.digest, &presented)
    }
}

/// The lowercase hex sha256 of `token`: how tokens are stored and looked up.
pub fn token_hash(token: &str) -> String {
    AdminToken::from_token(token).hash_hex()
}

/// A new random token: 32 bytes from the operating system, hex-encoded.
pub fn generate_token() -> Result<String, std::io::Error> {
    let mut bytes = [0u8; TOKEN_BYTES];
    SysRng.try_fill_bytes(&mut bytes).map_err(|e| {
        std::io::Error::other(format!("no randomness from the operating system: {e}"))
    })?;
    Ok(hex::encode(bytes))
}

/// The token of an `Authorization: Bearer <token>` value (the scheme is case-insensitive).
pub(super) fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Whether `a` and `b` are equal, in time that depends on their lengths only.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_hash_round_trips_and_verifies() {
        let token = generate_token().expect("randomness");
        assert_eq!(token.len(), 64);
        let stored = AdminToken::from_token(&token).hash_hex();
        assert_eq!(stored, token_hash(&token));
        let loaded = AdminToken::from_hash_hex(&stored).expect("a sha256");
        assert!(loaded.verify(&token));
        assert!(!loaded.verify("something else"));
        assert_ne!(generate_token().expect("randomness"), token);
        assert_eq!(AdminToken::from_hash_hex("not hex"), None);
        assert_eq!(AdminToken::from_hash_hex("abcd"), None);
    }

    #[test]
    fn bearer_values_are_parsed_leniently_but_not_guessed() {
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer  abc "), Some("abc"));
        assert_eq!(bearer("Bearer "), None);
        assert_eq!(bearer("abc"), None);
        assert_eq!(bearer("Basic YWRtaW46YWRtaW4="), None);
    }

    #[test]
    fn constant_time_eq_is_plain_equality() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
