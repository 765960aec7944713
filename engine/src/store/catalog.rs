//! Rows of what admins configure around messaging: templates, the blacklist, API tokens.

/// A template to create or replace (by connector, code, language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTemplate {
    /// Connector it belongs to.
    pub connector_id: i64,
    /// Code used in `hsm:code:…`.
    pub code: String,
    /// Language.
    pub language: String,
    /// Body with `{{n}}` placeholders.
    pub body: String,
    /// Provider's name for it.
    pub provider_name: String,
    /// HSM namespace.
    pub namespace: Option<String>,
    /// Placeholders in the body.
    pub params: i64,
    /// approved, pending, rejected, paused.
    pub status: String,
    /// When.
    pub at_ms: i64,
}

/// A stored template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateRow {
    /// Id.
    pub id: i64,
    /// Connector.
    pub connector_id: i64,
    /// Code.
    pub code: String,
    /// Language.
    pub language: String,
    /// Body.
    pub body: String,
    /// Provider's name.
    pub provider_name: String,
    /// Namespace.
    pub namespace: Option<String>,
    /// Placeholders.
    pub params: i64,
    /// Review status.
    pub status: String,
    /// Why rejected or paused.
    pub reason: Option<String>,
    /// Last change.
    pub updated_ms: i64,
}

/// A blacklist entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlacklistRow {
    /// Id.
    pub id: i64,
    /// E.164 number or provider user id.
    pub address: String,
    /// in, out or both.
    pub direction: String,
    /// Why: `manual`, `opt-out`.
    pub reason: String,
    /// The campaign it applies to; `None`: everywhere.
    pub campaign_id: Option<i64>,
    /// When.
    pub created_ms: i64,
}

/// A stored API token, without its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRow {
    /// Id.
    pub id: i64,
    /// Name given at creation.
    pub name: String,
    /// The user it acts as (`None` only for a token no migration could place).
    pub user_id: Option<i64>,
    /// That user's username.
    pub username: Option<String>,
    /// Created.
    pub created_ms: i64,
    /// Revoked, if it was.
    pub revoked_ms: Option<i64>,
}
