//! `/api/v1/auth/…`: people sign in with a username and password and get a session cookie;
//! `me` says who the caller is; a user changes their own password.

use std::time::Duration;

use axum::extract::{Extension, State};
use axum::http::header::{RETRY_AFTER, SET_COOKIE, USER_AGENT};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::users::{UserView, check_language};
use crate::clock;
use crate::http::auth::session::CurrentSession;
use crate::http::auth::{Auth, ClientIp, Principal};
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::store::{NewAuditEntry, UserChange, UserRow};

/// Longest username kept in an audit entry of a failed login (the name is the caller's).
const MAX_LOGGED_NAME: usize = 64;

/// Routes anyone may call.
pub fn public_router() -> Router<AppState> {
    Router::new().route("/api/v1/auth/login", post(login))
}

/// Routes any signed-in user may call.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/auth/logout", post(logout))
        .route("/api/v1/auth/me", get(me).patch(update_me))
        .route("/api/v1/auth/password", post(change_password))
}

/// Credentials.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginInput {
    /// Username, in any case.
    pub username: String,
    /// Password.
    pub password: String,
}

/// Who is signed in.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    /// The user.
    pub user: UserView,
    /// With a session cookie: send it as `X-CSRF-Token` on every request that changes
    /// something. Absent for API tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
}

/// What users change of their own account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnSettings {
    /// The web client's language: `en` or `es`.
    pub language: Option<String>,
}

/// A password change by its owner.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// The current password.
    pub old_password: String,
    /// The new one, at least 8 characters.
    pub new_password: String,
}

/// Signs in: sets the `sb_session` cookie (HttpOnly, SameSite=Strict) and returns the user and
/// the CSRF token. Limited per account and per client address.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginInput,
    security(()),
    responses((status = 200, body = SessionView, headers(("set-cookie" = String))),
        (status = 401, body = ApiError, description = "`invalid_credentials`"),
        (status = 403, body = ApiError, description = "`account_disabled`"),
        (status = 429, body = ApiError, description = "`too_many_attempts`, with Retry-After")))]
pub async fn login(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    Json(input): Json<LoginInput>,
) -> Response {
    let auth = match state.auth() {
        Ok(auth) => auth,
        Err(error) => return error.into_response(),
    };
    let username = input.username.trim();
    if let Err(wait) = auth.limits.check(username, ip.0) {
        return too_many_attempts(wait);
    }
    let user_agent = headers.get(USER_AGENT).and_then(|v| v.to_str().ok());
    match sign_in(auth, username, &input.password, ip, user_agent).await {
        Ok((user, started)) => {
            let view = SessionView {
                user: user.into(),
                csrf_token: Some(started.csrf_token),
            };
            ([(SET_COOKIE, started.cookie)], Json(view)).into_response()
        }
        Err(error) => error.into_response(),
    }
}

/// Checks the password and starts a session; audits the outcome.
async fn sign_in(
    auth: &Auth,
    username: &str,
    password: &str,
    ip: ClientIp,
    user_agent: Option<&str>,
) -> Result<(UserRow, crate::http::auth::session::Started), ApiError> {
    let user = auth.store.user_by_name(username).await?;
    let stored = user.as_ref().and_then(|u| u.password_hash.as_deref());
    let verified = auth.passwords.verify(password, stored).await;
    let refused = match &user {
        None => Some("unknown_user"),
        Some(u) if u.password_hash.is_none() => Some("no_password"),
        Some(_) if !verified => Some("wrong_password"),
        Some(u) if u.disabled_ms.is_some() => Some("disabled"),
        Some(_) => None,
    };
    let now = clock::now_ms();
    let entry = NewAuditEntry {
        at_ms: now,
        actor_user_id: user.as_ref().map(|u| u.id),
        actor_name: user.as_ref().map_or_else(
            || username.chars().take(MAX_LOGGED_NAME).collect(),
            |u| u.username.clone(),
        ),
        action: "auth.login".into(),
        target: user
            .as_ref()
            .map_or_else(|| "user".to_owned(), |u| format!("user {}", u.id)),
        data: serde_json::json!({}),
        ip: ip.text(),
    };
    let (Some(user), None) = (user, refused) else {
        let reason = refused.unwrap_or("unknown_user");
        let failed = NewAuditEntry {
            action: "auth.login_failed".into(),
            data: serde_json::json!({ "reason": reason }),
            ..entry
        };
        if let Err(error) = auth.store.append_audit(failed).await {
            tracing::error!(%error, "the audit entry of a failed login was lost");
        }
        tracing::info!(reason, "login refused");
        return Err(if reason == "disabled" {
            ApiError::new("account_disabled", "this account is disabled")
        } else {
            ApiError::new("invalid_credentials", "wrong username or password")
        });
    };
    let started = auth
        .sessions
        .start(auth.store.as_ref(), user.id, ip.text(), user_agent, now)
        .await
        .map_err(ApiError::internal)?;
    let idle_before = now
        .saturating_sub(i64::try_from(auth.sessions.idle_timeout.as_millis()).unwrap_or(i64::MAX));
    if let Err(error) = auth.store.purge_sessions(now, idle_before).await {
        tracing::warn!(%error, "purging ended sessions failed; the next login tries again");
    }
    auth.store.append_audit(entry).await?;
    tracing::info!(user = user.id, "signed in");
    Ok((user, started))
}

/// `429 too_many_attempts` with `Retry-After` in whole seconds.
fn too_many_attempts(wait: Duration) -> Response {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let mut response = ApiError::new(
        "too_many_attempts",
        format!("too many login attempts; try again in {seconds} s"),
    )
    .into_response();
    response
        .headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from(seconds.max(1)));
    response
}

/// Signs out: ends the session and clears its cookie. With an API token, does nothing.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses((status = 204)))]
pub async fn logout(
    State(state): State<AppState>,
    session: Option<Extension<CurrentSession>>,
) -> Result<Response, ApiError> {
    let Some(Extension(session)) = session else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let auth = state.auth()?;
    auth.store.end_session(&session.token_hash).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(SET_COOKIE, auth.sessions.clearing_cookie())],
    )
        .into_response())
}

/// The caller, and for a session cookie its CSRF token (a reloaded page gets it here).
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", responses((status = 200, body = SessionView)))]
pub async fn me(
    State(state): State<AppState>,
    principal: Principal,
    session: Option<Extension<CurrentSession>>,
) -> Result<Json<SessionView>, ApiError> {
    let user = state
        .auth()?
        .store
        .user(principal.user_id)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    Ok(Json(SessionView {
        user: user.into(),
        csrf_token: session.map(|Extension(s)| s.csrf_token),
    }))
}

/// Changes the caller's own settings (the web client's language).
#[utoipa::path(patch, path = "/api/v1/auth/me", tag = "auth", request_body = OwnSettings,
    responses((status = 200, body = SessionView), (status = 422, body = ApiError)))]
pub async fn update_me(
    State(state): State<AppState>,
    principal: Principal,
    session: Option<Extension<CurrentSession>>,
    Json(input): Json<OwnSettings>,
) -> Result<Json<SessionView>, ApiError> {
    let change = UserChange {
        language: input.language.map(check_language).transpose()?,
        ..UserChange::default()
    };
    let user = state
        .auth()?
        .store
        .update_user(principal.user_id, change, clock::now_ms())
        .await?;
    Ok(Json(SessionView {
        user: user.into(),
        csrf_token: session.map(|Extension(s)| s.csrf_token),
    }))
}

/// Changes the caller's own password, given the current one. Ends the user's other sessions.
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "auth", request_body = PasswordChange,
    responses((status = 204), (status = 401, body = ApiError, description = "`invalid_credentials`"),
        (status = 422, body = ApiError), (status = 429, body = ApiError)))]
pub async fn change_password(
    State(state): State<AppState>,
    principal: Principal,
    ip: ClientIp,
    session: Option<Extension<CurrentSession>>,
    Json(input): Json<PasswordChange>,
) -> Result<Response, ApiError> {
    let auth = state.auth()?;
    if let Err(wait) = auth.limits.check(&principal.username, ip.0) {
        return Ok(too_many_attempts(wait));
    }
    let user = auth
        .store
        .user(principal.user_id)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    let stored = user.password_hash.as_deref();
    if !auth.passwords.verify(&input.old_password, stored).await {
        return Err(ApiError::new(
            "invalid_credentials",
            "the current password is wrong",
        ));
    }
    let hash = auth.passwords.hash(&input.new_password).await?;
    auth.store
        .set_password_hash(user.id, &hash, clock::now_ms())
        .await?;
    let keep = session.as_ref().map(|Extension(s)| s.token_hash.as_str());
    auth.store.end_user_sessions(user.id, keep).await?;
    tracing::info!(user = user.id, "password changed by its owner");
    Ok(StatusCode::NO_CONTENT.into_response())
}
