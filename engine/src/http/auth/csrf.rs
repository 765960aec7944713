//! Cross-site request forgery: a browser sends the session cookie with any request to us, even
//! one another site's page makes. `SameSite=Strict` already keeps the cookie off cross-site
//! requests in current browsers; as a second lock, a cookie-authenticated request that
//! changes something must also carry `X-CSRF-Token` with the session's CSRF token, which only
//! our own pages can read (from the login or `/auth/me` answer). Bearer tokens are not sent by
//! browsers on their own, so requests carrying one are exempt.

use axum::http::{HeaderMap, Method};

use super::token::constant_time_eq;
use crate::http::error::ApiError;

/// The header that carries the CSRF token.
pub const HEADER: &str = "x-csrf-token";

/// Whether `method` may change state (everything but GET, HEAD, OPTIONS and TRACE).
pub fn is_unsafe(method: &Method) -> bool {
    !matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// `Ok` unless the request changes state without the session's CSRF token (`403 csrf`).
pub fn check(method: &Method, headers: &HeaderMap, expected: &str) -> Result<(), ApiError> {
    if !is_unsafe(method) {
        return Ok(());
    }
    let presented = headers
        .get(HEADER)
        .map(|value| value.as_bytes())
        .unwrap_or_default();
    if constant_time_eq(presented, expected.as_bytes()) {
        Ok(())
    } else {
        Err(ApiError::new(
            "csrf",
            "this request needs the session's X-CSRF-Token header",
        ))
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn only_unsafe_methods_need_the_token() {
        let none = HeaderMap::new();
        assert!(check(&Method::GET, &none, "t").is_ok());
        assert!(check(&Method::HEAD, &none, "t").is_ok());
        for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
            assert_eq!(
                check(&method, &none, "t").expect_err("refused").code,
                "csrf"
            );
        }
        let mut wrong = HeaderMap::new();
        wrong.insert(HEADER, HeaderValue::from_static("u"));
        assert!(check(&Method::POST, &wrong, "t").is_err());
        let mut right = HeaderMap::new();
        right.insert(HEADER, HeaderValue::from_static("t"));
        assert!(check(&Method::POST, &right, "t").is_ok());
    }
}
