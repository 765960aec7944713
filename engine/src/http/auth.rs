//! The admin bearer token: how it is made, stored and checked.
//!
//! Until users and roles exist, the admin API is guarded by one token the server creates on
//! first start. Only its sha256 is stored, so a copy of the database does not open the API.
//! A request proves itself with `Authorization: Bearer <token>`; the digests are compared in
//! constant time so response timing says nothing about how close a guess was.

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::Response;
use rand::TryRng;
use rand::rngs::SysRng;
use sha2::{Digest, Sha256};

use super::error::ApiError;
use super::state::AppState;

/// Random bytes in a generated token: 256 bits, beyond guessing.
const TOKEN_BYTES: usize = 32;

/// The stored form of the admin token: its sha256.
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
        let difference = self
            .digest
            .iter()
            .zip(presented)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        difference == 0
    }
}

/// A new random token: 32 bytes from the operating system, hex-encoded.
pub fn generate_token() -> Result<String, std::io::Error> {
    let mut bytes = [0u8; TOKEN_BYTES];
    SysRng.try_fill_bytes(&mut bytes).map_err(|e| {
        std::io::Error::other(format!("no randomness from the operating system: {e}"))
    })?;
    Ok(hex::encode(bytes))
}

/// Middleware: lets the request through only with the admin token.
pub async fn require_admin(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let token = state.admin_token()?;
    match presented_token(&request) {
        Some(presented) if token.verify(&presented) => Ok(next.run(request).await),
        _ => Err(ApiError::unauthorized()),
    }
}

/// The bearer token a request presents, if any.
fn presented_token(request: &Request) -> Option<String> {
    request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(bearer)
        .map(str::to_owned)
}

/// Middleware: lets the request through with the admin token or a live API token.
pub async fn require_api(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let token = state.admin_token()?;
    let Some(presented) = presented_token(&request) else {
        return Err(ApiError::unauthorized());
    };
    if token.verify(&presented) {
        return Ok(next.run(request).await);
    }
    let messaging = state.messaging()?;
    let hash = AdminToken::from_token(&presented).hash_hex();
    match messaging.store.api_token_by_hash(&hash).await {
        Ok(Some(_)) => Ok(next.run(request).await),
        Ok(None) => Err(ApiError::unauthorized()),
        Err(error) => Err(error.into()),
    }
}

/// The token of an `Authorization: Bearer <token>` value (the scheme is case-insensitive).
fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    const TOKEN: &str = "an-admin-token-for-tests";

    fn guarded(state: AppState) -> Router {
        Router::new()
            .route("/secret", get(|| async { "in" }))
            .layer(axum::middleware::from_fn_with_state(
                state.clone(),
                require_admin,
            ))
            .with_state(state)
    }

    fn ready_state() -> AppState {
        let state = AppState::new(1024);
        state.set_admin_token(AdminToken::from_token(TOKEN));
        state
    }

    async fn call(app: Router, authorization: Option<&str>) -> (StatusCode, serde_json::Value) {
        let mut request = Request::get("/secret");
        if let Some(value) = authorization {
            request = request.header(AUTHORIZATION, value);
        }
        let response = app
            .oneshot(request.body(Body::empty()).expect("request"))
            .await
            .expect("infallible");
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .expect("body");
        (
            status,
            serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
        )
    }

    #[tokio::test]
    async fn the_right_token_passes() {
        let (status, _) = call(guarded(ready_state()), Some(&format!("Bearer {TOKEN}"))).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = call(guarded(ready_state()), Some(&format!("bearer  {TOKEN} "))).await;
        assert_eq!(status, StatusCode::OK);
    }

    #[tokio::test]
    async fn a_missing_or_wrong_token_is_unauthorized() {
        for header in [
            None,
            Some("Bearer wrong-token"),
            Some(TOKEN),
            Some("Basic YWRtaW46YWRtaW4="),
            Some("Bearer "),
        ] {
            let (status, body) = call(guarded(ready_state()), header).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{header:?}");
            assert_eq!(body["code"], "unauthorized", "{header:?}");
        }
    }

    #[tokio::test]
    async fn before_the_token_is_loaded_the_api_is_not_ready() {
        let (status, body) = call(
            guarded(AppState::new(1024)),
            Some(&format!("Bearer {TOKEN}")),
        )
        .await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(body["code"], "not_ready");
    }

    #[test]
    fn the_stored_hash_round_trips_and_verifies() {
        let token = generate_token().expect("randomness");
        assert_eq!(token.len(), 64);
        let stored = AdminToken::from_token(&token).hash_hex();
        let loaded = AdminToken::from_hash_hex(&stored).expect("a sha256");
        assert!(loaded.verify(&token));
        assert!(!loaded.verify("something else"));
        assert_ne!(generate_token().expect("randomness"), token);
        assert_eq!(AdminToken::from_hash_hex("not hex"), None);
        assert_eq!(AdminToken::from_hash_hex("abcd"), None);
    }
}
