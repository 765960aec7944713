//! Cookie sessions for people: started by a login, carried by the `sb_session` cookie, ended by
//! logout, by the idle timeout, by the absolute lifetime, or by disabling the user.
//!
//! The cookie holds a random token; the store keeps only its sha256, so a copy of the database
//! opens no session. The cookie is `HttpOnly` (page scripts cannot read it), `SameSite=Strict`
//! (other sites' pages do not send it), and `Secure` when the server is reached over HTTPS.
//! A session's last use is written at most once a minute, so a busy agent's requests do not
//! each cost a write.

use std::time::Duration;

use axum::http::header::COOKIE;
use axum::http::{HeaderMap, HeaderValue};

use super::token::{generate_token, token_hash};
use crate::store::{NewSession, SessionRow, Store, StoreError};

/// The cookie's name.
pub const COOKIE_NAME: &str = "sb_session";
/// Finest granularity of a session's last use, in ms: plenty against an idle timeout of hours.
const TOUCH_EVERY_MS: i64 = 60_000;
/// Longest `User-Agent` kept with a session.
const MAX_USER_AGENT: usize = 256;

/// How sessions live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionSettings {
    /// Unused this long, a session ends.
    pub idle_timeout: Duration,
    /// This long after login, a session ends.
    pub lifetime: Duration,
    /// Whether the cookie is `Secure` (the server is reached over HTTPS).
    pub secure: bool,
}

/// A session just started.
#[derive(Debug, Clone)]
pub struct Started {
    /// The `Set-Cookie` value that gives the browser the session.
    pub cookie: HeaderValue,
    /// The token unsafe requests must echo in `X-CSRF-Token`.
    pub csrf_token: String,
}

/// The session of the request: its token's hash and its CSRF token. Put on the request by
/// `authenticate` next to the [`super::Principal`] of a cookie session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentSession {
    /// sha256 (hex) of the cookie's token.
    pub token_hash: String,
    /// The CSRF token.
    pub csrf_token: String,
}

impl SessionSettings {
    /// Starts a session of `user_id` at `now_ms`.
    pub async fn start(
        &self,
        store: &dyn Store,
        user_id: i64,
        ip: Option<String>,
        user_agent: Option<&str>,
        now_ms: i64,
    ) -> Result<Started, StartError> {
        let token = generate_token()?;
        let csrf_token = generate_token()?;
        store
            .create_session(NewSession {
                token_hash: token_hash(&token),
                user_id,
                csrf_token: csrf_token.clone(),
                created_ms: now_ms,
                expires_ms: now_ms.saturating_add(millis(self.lifetime)),
                ip,
                user_agent: user_agent.map(|ua| ua.chars().take(MAX_USER_AGENT).collect()),
            })
            .await?;
        let cookie = self.cookie(&token, self.lifetime.as_secs());
        Ok(Started { cookie, csrf_token })
    }

    /// The live session whose cookie token is `token`, with a user who is not disabled; records
    /// the use. Ended or unknown sessions are `None`.
    pub async fn resolve(
        &self,
        store: &dyn Store,
        token: &str,
        now_ms: i64,
    ) -> Result<Option<SessionRow>, StoreError> {
        let hash = token_hash(token);
        let Some(session) = store.session(&hash).await? else {
            return Ok(None);
        };
        let idle_until = session
            .last_seen_ms
            .saturating_add(millis(self.idle_timeout));
        if now_ms >= session.expires_ms || now_ms >= idle_until {
            store.end_session(&hash).await?;
            return Ok(None);
        }
        if session.user.disabled_ms.is_some() {
            return Ok(None);
        }
        if now_ms - session.last_seen_ms >= TOUCH_EVERY_MS {
            store.touch_session(&hash, now_ms).await?;
        }
        Ok(Some(session))
    }

    /// The `Set-Cookie` value that removes the session cookie from the browser.
    pub fn clearing_cookie(&self) -> HeaderValue {
        self.cookie("", 0)
    }

    fn cookie(&self, token: &str, max_age_s: u64) -> HeaderValue {
        let secure = if self.secure { "; Secure" } else { "" };
        let value = format!(
            "{COOKIE_NAME}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age_s}{secure}"
        );
        // A hex token and fixed words: always a valid header value.
        HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
    }
}

/// Why a session could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// No randomness for the tokens.
    #[error("{0}")]
    Random(#[from] std::io::Error),
    /// The store refused.
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// The session token a request's cookies carry, if any.
pub fn cookie_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|cookies| cookies.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == COOKIE_NAME && !value.is_empty())
        .map(|(_, value)| value.trim_matches('"'))
}

/// Ends every session of user `user_id` at once (a supervisor logging an agent out, a
/// disabled user, a password reset); returns how many ended. API tokens are not sessions and
/// keep working; revoke them, or disable the user, to stop those.
pub async fn end_all(store: &dyn Store, user_id: i64) -> Result<u64, StoreError> {
    store.end_user_sessions(user_id, None).await
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_http_only_strict_and_secure_over_https() {
        let settings = SessionSettings {
            idle_timeout: Duration::from_secs(60),
            lifetime: Duration::from_secs(3_600),
            secure: false,
        };
        assert_eq!(
            settings.cookie("abc", 3_600),
            "sb_session=abc; HttpOnly; SameSite=Strict; Path=/; Max-Age=3600"
        );
        let https = SessionSettings {
            secure: true,
            ..settings
        };
        assert!(
            https
                .clearing_cookie()
                .to_str()
                .expect("ascii")
                .ends_with("Max-Age=0; Secure")
        );
    }

    #[test]
    fn the_token_is_found_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.append(
            COOKIE,
            HeaderValue::from_static("theme=dark; sb_session=t1"),
        );
        assert_eq!(cookie_token(&headers), Some("t1"));
        let mut headers = HeaderMap::new();
        headers.append(COOKIE, HeaderValue::from_static("a=b"));
        headers.append(COOKIE, HeaderValue::from_static("sb_session=t2"));
        assert_eq!(cookie_token(&headers), Some("t2"));
        let mut headers = HeaderMap::new();
        headers.append(
            COOKIE,
            HeaderValue::from_static("sb_session=; x_sb_session=t3"),
        );
        assert_eq!(cookie_token(&headers), None);
    }
}
