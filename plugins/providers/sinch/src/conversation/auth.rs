//! The OAuth2 client-credentials step: `POST {auth_base}/oauth2/token` with HTTP Basic
//! `key_id:key_secret`; the host caches the bearer token per connector for `ttl_ms`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use switchboard_sdk::PluginError;
use switchboard_sdk::provider::{AuthToken, HttpRequest, HttpResponse};

use crate::config::ConversationConfig;
use crate::http::{excerpt, pair};
use crate::json::str_at;

/// Refresh this long before the token expires, so no request leaves with a token about to die.
const SAFETY_MARGIN_S: u64 = 60;
/// Sinch tokens last an hour; assumed when `expires_in` is missing (it is optional in OAuth2).
const DEFAULT_LIFETIME_S: u64 = 3600;

/// The token request.
pub fn prepare_auth(config: &ConversationConfig) -> HttpRequest {
    let credentials = STANDARD.encode(format!("{}:{}", config.key_id, config.key_secret));
    HttpRequest {
        method: "POST".to_owned(),
        url: config.token_url(),
        headers: vec![
            pair("Authorization", &format!("Basic {credentials}")),
            pair("Content-Type", "application/x-www-form-urlencoded"),
            pair("Accept", "application/json"),
        ],
        body: b"grant_type=client_credentials".to_vec(),
    }
}

/// The token and how long to keep it: `expires_in` less a safety margin (never less than half
/// the lifetime). Errors: `bad-credentials` (400/401/403: the key is wrong or revoked),
/// `unavailable` (429, 5xx: try later), `bad-response` (no token in a 2xx).
pub fn read_auth(response: &HttpResponse) -> Result<AuthToken, PluginError> {
    let status = response.status;
    if !(200..300).contains(&status) {
        let code = match status {
            400 | 401 | 403 => "bad-credentials",
            429 | 500..=599 => "unavailable",
            _ => "auth-failed",
        };
        return Err(PluginError::new(
            code,
            format!(
                "token request answered {status}: {}",
                excerpt(&response.body)
            ),
        ));
    }
    let body: Value = serde_json::from_slice(&response.body)
        .map_err(|e| PluginError::new("bad-response", format!("token response: {e}")))?;
    let token = str_at(&body, "access_token")
        .ok_or_else(|| PluginError::new("bad-response", "token response has no access_token"))?;
    let lifetime = body
        .get("expires_in")
        .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
        .unwrap_or(DEFAULT_LIFETIME_S);
    let ttl_s = lifetime.saturating_sub(SAFETY_MARGIN_S).max(lifetime / 2);
    Ok(AuthToken {
        token: token.to_owned(),
        ttl_ms: ttl_s.saturating_mul(1000),
    })
}
