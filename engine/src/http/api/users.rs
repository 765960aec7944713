//! `/api/v1/users`: people, their roles, limits and passwords. Admins only.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use crate::clock;
use crate::http::auth::session;
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::store::{NewUser, Role, UserChange, UserRow};

/// Longest username.
const MAX_USERNAME: usize = 64;
/// Longest display name.
const MAX_DISPLAY_NAME: usize = 128;
/// Most concurrent conversations an agent may be given.
pub const MAX_CONCURRENT: i64 = 1_000;
/// An agent's global maximum of concurrent conversations unless told otherwise.
pub const DEFAULT_MAX_CONCURRENT: i64 = 5;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/users", get(list).post(create))
        .route("/api/v1/users/{id}", get(read).patch(update))
        .route("/api/v1/users/{id}/password", post(set_password))
}

/// A user as the web client needs it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserView {
    /// Id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Name shown to people.
    pub display_name: String,
    /// `agent`, `supervisor` or `admin`.
    pub role: Role,
    /// An agent's global maximum of concurrent conversations.
    pub max_concurrent: i64,
    /// Campaigns a supervisor is limited to; `null` = all.
    pub campaign_scope: Option<Vec<i64>>,
    /// The web client's language: `en` or `es`.
    pub language: String,
}

/// A user as admins manage it.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserDetail {
    /// The user.
    #[serde(flatten)]
    pub user: UserView,
    /// Whether a password is set (without one, only API tokens work).
    pub has_password: bool,
    /// Disabled, RFC 3339: cannot sign in, sessions and tokens refused.
    pub disabled_at: Option<String>,
    /// Created, RFC 3339.
    pub created_at: String,
    /// Last change, RFC 3339.
    pub updated_at: String,
}

impl From<UserRow> for UserView {
    fn from(u: UserRow) -> Self {
        Self {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            role: u.role,
            max_concurrent: u.max_concurrent,
            campaign_scope: u.campaign_scope,
            language: u.language,
        }
    }
}

impl From<UserRow> for UserDetail {
    fn from(u: UserRow) -> Self {
        Self {
            has_password: u.password_hash.is_some(),
            disabled_at: u.disabled_ms.map(clock::rfc3339),
            created_at: clock::rfc3339(u.created_ms),
            updated_at: clock::rfc3339(u.updated_ms),
            user: u.into(),
        }
    }
}

/// A user to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserInput {
    /// Login name: letters, digits, `.`, `_`, `-`, `@`; unique in any case.
    pub username: String,
    /// Name shown to people; the username if left out.
    pub display_name: Option<String>,
    /// `agent`, `supervisor` or `admin`.
    pub role: Role,
    /// Password, at least 8 characters; without one, the user can only use API tokens until
    /// one is set.
    pub password: Option<String>,
    /// Global maximum of concurrent conversations (default 5).
    pub max_concurrent: Option<i64>,
    /// Campaigns a supervisor is limited to; left out = all.
    pub campaign_scope: Option<Vec<i64>>,
}

/// Changes to a user; fields left out stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    /// Name shown to people.
    pub display_name: Option<String>,
    /// Role.
    pub role: Option<Role>,
    /// Global maximum of concurrent conversations.
    pub max_concurrent: Option<i64>,
    /// Campaigns a supervisor is limited to; `null` lifts the limit.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Vec<i64>>)]
    pub campaign_scope: Option<Option<Vec<i64>>>,
    /// `true` disables the user at once (sessions end, tokens stop working); `false` enables.
    pub disabled: Option<bool>,
    /// The web client's language: `en` or `es`.
    pub language: Option<String>,
}

/// A password set by an admin.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordInput {
    /// At least 8 characters.
    pub password: String,
}

/// A field that is present (even as `null`) becomes `Some`, so `null` can mean "clear".
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Every user.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", responses((status = 200, body = [UserDetail])))]
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<UserDetail>>, ApiError> {
    let users = state.auth()?.store.users().await?;
    Ok(Json(users.into_iter().map(UserDetail::from).collect()))
}

/// Creates a user.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = UserInput,
    responses((status = 201, body = UserDetail), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn create(
    State(state): State<AppState>,
    Json(input): Json<UserInput>,
) -> Result<(StatusCode, Json<UserDetail>), ApiError> {
    let auth = state.auth()?;
    let username = input.username.trim().to_owned();
    check_username(&username)?;
    let display_name = input
        .display_name
        .map_or_else(|| username.clone(), |name| name.trim().to_owned());
    check_display_name(&display_name)?;
    let max_concurrent = input.max_concurrent.unwrap_or(DEFAULT_MAX_CONCURRENT);
    check_max_concurrent(max_concurrent)?;
    let password_hash = match &input.password {
        Some(password) => Some(auth.passwords.hash(password).await?),
        None => None,
    };
    let user = auth
        .store
        .create_user(NewUser {
            username,
            display_name,
            role: input.role,
            password_hash,
            max_concurrent,
            campaign_scope: input.campaign_scope,
            at_ms: clock::now_ms(),
        })
        .await?;
    if let Ok(router) = state.router() {
        router.reload_users().await;
    }
    tracing::info!(user = user.id, role = %user.role, "user created");
    Ok((StatusCode::CREATED, Json(user.into())))
}

/// One user.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users",
    responses((status = 200, body = UserDetail), (status = 404, body = ApiError)))]
pub async fn read(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<UserDetail>, ApiError> {
    let user = state.auth()?.store.user(id).await?;
    Ok(Json(user.ok_or_else(|| no_user(id))?.into()))
}

/// Changes a user. Disabling ends their sessions and stops their tokens at once.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", request_body = UserPatch,
    responses((status = 200, body = UserDetail), (status = 404, body = ApiError),
        (status = 409, body = ApiError, description = "it would leave no enabled admin"),
        (status = 422, body = ApiError)))]
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(patch): Json<UserPatch>,
) -> Result<Json<UserDetail>, ApiError> {
    let display_name = patch.display_name.map(|name| name.trim().to_owned());
    if let Some(name) = &display_name {
        check_display_name(name)?;
    }
    if let Some(max) = patch.max_concurrent {
        check_max_concurrent(max)?;
    }
    let change = UserChange {
        display_name,
        role: patch.role,
        max_concurrent: patch.max_concurrent,
        campaign_scope: patch.campaign_scope,
        disabled: patch.disabled,
        language: patch.language.map(check_language).transpose()?,
    };
    let user = state
        .auth()?
        .store
        .update_user(id, change, clock::now_ms())
        .await?;
    if let Ok(router) = state.router() {
        router.reload_users().await;
    }
    tracing::info!(user = id, "user changed");
    Ok(Json(user.into()))
}

/// Sets a user's password and ends their sessions.
#[utoipa::path(post, path = "/api/v1/users/{id}/password", tag = "users", request_body = PasswordInput,
    responses((status = 204), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
pub async fn set_password(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(input): Json<PasswordInput>,
) -> Result<StatusCode, ApiError> {
    let auth = state.auth()?;
    let hash = auth.passwords.hash(&input.password).await?;
    auth.store
        .set_password_hash(id, &hash, clock::now_ms())
        .await?;
    session::end_all(auth.store.as_ref(), id).await?;
    tracing::info!(user = id, "password set by an admin");
    Ok(StatusCode::NO_CONTENT)
}

fn no_user(id: i64) -> ApiError {
    ApiError::new("not_found", format!("no user {id}"))
}

/// `Ok` if `username` may be a login name.
pub fn check_username(username: &str) -> Result<(), ApiError> {
    let allowed = |c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@');
    if username.is_empty()
        || username.chars().count() > MAX_USERNAME
        || !username.chars().all(allowed)
    {
        return Err(ApiError::new(
            "invalid",
            format!("`username` must be 1 to {MAX_USERNAME} letters, digits, `.`, `_`, `-` or `@`"),
        ));
    }
    Ok(())
}

/// The languages the web client speaks.
pub const LANGUAGES: &[&str] = &["en", "es"];

/// `language` if the web client speaks it.
pub fn check_language(language: String) -> Result<String, ApiError> {
    if LANGUAGES.contains(&language.as_str()) {
        Ok(language)
    } else {
        Err(ApiError::new(
            "invalid",
            format!("`language` must be one of {}", LANGUAGES.join(", ")),
        ))
    }
}

fn check_display_name(name: &str) -> Result<(), ApiError> {
    if name.is_empty() || name.chars().count() > MAX_DISPLAY_NAME {
        return Err(ApiError::new(
            "invalid",
            format!("`display_name` must be 1 to {MAX_DISPLAY_NAME} characters"),
        ));
    }
    Ok(())
}

/// `Ok` if `max` may be an agent's global maximum of concurrent conversations.
pub fn check_max_concurrent(max: i64) -> Result<(), ApiError> {
    if !(0..=MAX_CONCURRENT).contains(&max) {
        return Err(ApiError::new(
            "invalid",
            format!("`max_concurrent` must be between 0 and {MAX_CONCURRENT}"),
        ));
    }
    Ok(())
}
