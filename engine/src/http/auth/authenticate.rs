//! The middleware of every route group that needs a user: [`authenticate`] turns the request's
//! credentials into a [`Principal`], then [`require_role`] lets through only users of the
//! group's role or above.

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::Response;

use super::csrf;
use super::principal::{Principal, Role};
use super::session::{CurrentSession, cookie_token};
use super::token::{bearer, token_hash};
use crate::clock;
use crate::http::error::ApiError;
use crate::http::state::AppState;

/// Resolves `Authorization: Bearer <API token>` (which wins when both are sent) or the
/// `sb_session` cookie to a [`Principal`] on the request; `401 unauthorized` if neither names
/// a live credential of an enabled user. A cookie-authenticated write must pass the CSRF check
/// (`403 csrf`).
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let auth = state.auth()?;
    let presented = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(bearer);
    let principal = if let Some(token) = presented {
        match auth.store.token_user(&token_hash(token)).await? {
            Some(user) if user.disabled_ms.is_none() => Principal::of(&user, false),
            _ => return Err(ApiError::unauthorized()),
        }
    } else if let Some(token) = cookie_token(request.headers()) {
        let session = auth
            .sessions
            .resolve(auth.store.as_ref(), token, clock::now_ms())
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        csrf::check(request.method(), request.headers(), &session.csrf_token)?;
        let principal = Principal::of(&session.user, true);
        request.extensions_mut().insert(CurrentSession {
            token_hash: session.token_hash,
            csrf_token: session.csrf_token,
        });
        principal
    } else {
        return Err(ApiError::unauthorized());
    };
    request.extensions_mut().insert(principal);
    Ok(next.run(request).await)
}

/// Lets the request through if its [`Principal`] has role `role` or above (`403 forbidden`
/// otherwise). Layered inside [`authenticate`]: `from_fn_with_state(Role::Admin, require_role)`.
pub async fn require_role(
    State(role): State<Role>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    request
        .extensions()
        .get::<Principal>()
        .ok_or_else(ApiError::unauthorized)?
        .require(role)?;
    Ok(next.run(request).await)
}
