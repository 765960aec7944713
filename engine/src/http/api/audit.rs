//! `/api/v1/audit`: the audit log, newest first. Admins see every entry, supervisors their own.

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::page_limit;
use crate::clock;
use crate::http::auth::{Principal, Role};
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::store::{AuditQuery, AuditRow};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/audit", get(list))
}

/// Which entries.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    /// Entries with ids below this (the `id` of the last entry of the previous page).
    pub before: Option<i64>,
    /// At most this many (1–500, default 50).
    pub limit: Option<i64>,
    /// Only this user's (an id). Supervisors always get only their own.
    pub actor: Option<i64>,
    /// Only this action (`auth.login_failed`, `PATCH /api/v1/users/{id}`).
    pub action: Option<String>,
}

/// An audit entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditView {
    /// Id: the page cursor.
    pub id: i64,
    /// When, RFC 3339.
    pub at: String,
    /// Who (a user id); `null` for a failed login as an unknown user.
    pub actor_user_id: Option<i64>,
    /// Their username at the time.
    pub actor_name: String,
    /// What.
    pub action: String,
    /// On what.
    pub target: String,
    /// Details.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    /// Client address.
    pub ip: Option<String>,
}

impl From<AuditRow> for AuditView {
    fn from(a: AuditRow) -> Self {
        Self {
            id: a.id,
            at: clock::rfc3339(a.at_ms),
            actor_user_id: a.actor_user_id,
            actor_name: a.actor_name,
            action: a.action,
            target: a.target,
            data: a.data,
            ip: a.ip,
        }
    }
}

/// A page of the audit log.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditParams),
    responses((status = 200, body = [AuditView])))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Query(params): Query<AuditParams>,
) -> Result<Json<Vec<AuditView>>, ApiError> {
    let actor = if principal.role >= Role::Admin {
        params.actor
    } else {
        Some(principal.user_id)
    };
    let rows = state
        .auth()?
        .store
        .audit_log(AuditQuery {
            before: params.before.unwrap_or(i64::MAX),
            limit: page_limit(params.limit),
            actor_user_id: actor,
            action: params.action,
        })
        .await?;
    Ok(Json(rows.into_iter().map(AuditView::from).collect()))
}
