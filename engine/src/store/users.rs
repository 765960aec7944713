//! Rows of people: users and their roles, browser sessions, and the audit log.

use serde::{Deserialize, Serialize};

/// What a user may do. Ordered: every role may do what the ones below it may.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Answers conversations of their campaigns.
    Agent,
    /// Watches and steers campaigns (all, or the ones in their scope).
    Supervisor,
    /// Configures everything.
    Admin,
}

impl Role {
    /// The stored and wire name: `agent`, `supervisor`, `admin`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Agent => "agent",
            Self::Supervisor => "supervisor",
            Self::Admin => "admin",
        }
    }

    /// The role named `name` (as [`Role::as_str`] writes it).
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "agent" => Some(Self::Agent),
            "supervisor" => Some(Self::Supervisor),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A user to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    /// Login name, unique regardless of case.
    pub username: String,
    /// Name shown to people.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// argon2id PHC string, or `None` for no password yet.
    pub password_hash: Option<String>,
    /// An agent's global maximum of concurrent conversations.
    pub max_concurrent: i64,
    /// Campaigns a supervisor is limited to; `None` = all.
    pub campaign_scope: Option<Vec<i64>>,
    /// When.
    pub at_ms: i64,
}

/// Changes to a user; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserChange {
    /// New display name.
    pub display_name: Option<String>,
    /// New role.
    pub role: Option<Role>,
    /// New global maximum of concurrent conversations.
    pub max_concurrent: Option<i64>,
    /// New scope: `Some(None)` lifts it (all campaigns).
    pub campaign_scope: Option<Option<Vec<i64>>>,
    /// Disable (which also ends the user's sessions) or enable.
    pub disabled: Option<bool>,
    /// The web client's language.
    pub language: Option<String>,
}

/// A stored user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    /// Id.
    pub id: i64,
    /// Login name as it was given.
    pub username: String,
    /// Name shown to people.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// argon2id PHC string; never leaves the server.
    pub password_hash: Option<String>,
    /// Global maximum of concurrent conversations.
    pub max_concurrent: i64,
    /// Campaigns a supervisor is limited to; `None` = all.
    pub campaign_scope: Option<Vec<i64>>,
    /// When disabled, if it is.
    pub disabled_ms: Option<i64>,
    /// Created.
    pub created_ms: i64,
    /// Last change.
    pub updated_ms: i64,
    /// The web client's language (`en`, `es`).
    pub language: String,
}

/// A session to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    /// sha256 (hex) of the cookie's token.
    pub token_hash: String,
    /// Whose.
    pub user_id: i64,
    /// The token unsafe requests must echo in `X-CSRF-Token`.
    pub csrf_token: String,
    /// Created (and last seen).
    pub created_ms: i64,
    /// The absolute end.
    pub expires_ms: i64,
    /// Client address at login.
    pub ip: Option<String>,
    /// Client's User-Agent at login.
    pub user_agent: Option<String>,
}

/// A stored session with its user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// sha256 (hex) of the cookie's token.
    pub token_hash: String,
    /// The user, as stored now.
    pub user: UserRow,
    /// The CSRF token.
    pub csrf_token: String,
    /// Created.
    pub created_ms: i64,
    /// Last request seen (updated at most once a minute).
    pub last_seen_ms: i64,
    /// The absolute end.
    pub expires_ms: i64,
}

/// An audit entry to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEntry {
    /// When.
    pub at_ms: i64,
    /// Who, if known (a failed login has no user).
    pub actor_user_id: Option<i64>,
    /// Their username at the time (or the name a failed login gave).
    pub actor_name: String,
    /// What: `POST /api/v1/users`, `auth.login_failed`.
    pub action: String,
    /// On what: a path, a username.
    pub target: String,
    /// Details, a JSON object.
    pub data: serde_json::Value,
    /// Client address.
    pub ip: Option<String>,
}

/// A stored audit entry.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRow {
    /// Id, increasing: the page cursor.
    pub id: i64,
    /// When.
    pub at_ms: i64,
    /// Who, if known.
    pub actor_user_id: Option<i64>,
    /// Their username at the time.
    pub actor_name: String,
    /// What.
    pub action: String,
    /// On what.
    pub target: String,
    /// Details.
    pub data: serde_json::Value,
    /// Client address.
    pub ip: Option<String>,
}

/// A page of the audit log, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditQuery {
    /// Entries with ids below this.
    pub before: i64,
    /// At most this many.
    pub limit: i64,
    /// Only this user's.
    pub actor_user_id: Option<i64>,
    /// Only this action.
    pub action: Option<String>,
}
