//! Rows of connectors and their business numbers.

/// A connector to create, or the whole new state of one being updated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConnector {
    /// Unique name (`twilio-ar`).
    pub name: String,
    /// Provider plugin name.
    pub plugin: String,
    /// Config JSON without its secret fields.
    pub config: String,
    /// The secret fields as a JSON object, sealed.
    pub secrets: Vec<u8>,
    /// The webhook URL secret, sealed.
    pub webhook_secret: Vec<u8>,
    /// Networks allowed to call the webhook (`203.0.113.0/24`); empty means any.
    pub allow_ips: Vec<String>,
    /// Whether it sends and receives.
    pub enabled: bool,
    /// Business numbers it carries, each in one connector only.
    pub numbers: Vec<String>,
    /// When, ms since the Unix epoch.
    pub at_ms: i64,
}

/// A stored connector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectorRow {
    /// Id.
    pub id: i64,
    /// Unique name.
    pub name: String,
    /// Provider plugin name.
    pub plugin: String,
    /// Config JSON without secrets.
    pub config: String,
    /// Sealed secret fields.
    pub secrets: Vec<u8>,
    /// Sealed webhook URL secret.
    pub webhook_secret: Vec<u8>,
    /// Allowed networks; empty means any.
    pub allow_ips: Vec<String>,
    /// Whether it sends and receives.
    pub enabled: bool,
    /// Why sending is paused (credentials refused…), if it is.
    pub paused_reason: Option<String>,
    /// Where the next poll starts, for providers that are polled.
    pub poll_cursor: Option<String>,
    /// Its numbers.
    pub numbers: Vec<NumberRow>,
    /// Created, ms.
    pub created_ms: i64,
    /// Last changed, ms.
    pub updated_ms: i64,
}

/// A business number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberRow {
    /// Id.
    pub id: i64,
    /// The number (E.164) or sender id.
    pub number: String,
}
