//! Connectors: a provider plugin, its config, its numbers and its webhook URL.
//!
//! The config is validated against the plugin's schema. Fields the schema marks
//! `"writeOnly": true` are secrets: stored sealed ([`SecretBox`]), merged back only for plugin
//! calls, never returned. An update that leaves a secret out keeps the stored one, so a form that
//! cannot show secrets can still save. The webhook URL is `<public url>/webhooks/<id>/<secret>`:
//! the secret (192 random bits) is the only protection for providers that do not sign, and can be
//! rotated.
//!
//! The live set is kept in memory behind an `ArcSwap` (webhooks read it on every request) and
//! rebuilt after each change.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

use arc_swap::ArcSwap;
use base64::Engine as _;
use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::clock;
use crate::conversations::address::normalize_e164;
use crate::plugins::provider::{self as calls, CapabilitySet};
use crate::plugins::{PluginError, PluginKind, Registry};
use crate::secrets::{SecretBox, random_bytes};
use crate::store::{ConnectorRow, NewConnector, NumberRow, Store, StoreError};

/// What an admin sends to create or update a connector.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectorInput {
    /// Unique name, 1–64 characters.
    pub name: String,
    /// Provider plugin name (`twilio`, `whatsapp-cloud`, `sinch`, `http-gateway`, `sandbox`).
    pub plugin: String,
    /// Config for the plugin, checked against its schema. Secret fields left out on update keep
    /// their stored value.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub config: Value,
    /// Business numbers (E.164) or sender ids this connector carries.
    #[serde(default)]
    pub numbers: Vec<String>,
    /// Networks allowed to call the webhook (`203.0.113.7`, `203.0.113.0/24`); empty: any.
    #[serde(default)]
    pub allow_ips: Vec<String>,
    /// Whether it sends and receives.
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
}

fn enabled_by_default() -> bool {
    true
}

/// A connector as the API shows it: secrets only by name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConnectorView {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Provider plugin.
    pub plugin: String,
    /// Config without its secret fields.
    #[schema(value_type = Object)]
    pub config: Value,
    /// Names of the secret fields that are set (their values are never shown).
    pub secrets_set: Vec<String>,
    /// Business numbers.
    pub numbers: Vec<String>,
    /// Allowed networks.
    pub allow_ips: Vec<String>,
    /// Whether it sends and receives.
    pub enabled: bool,
    /// Why sending is paused, if it is.
    pub paused_reason: Option<String>,
    /// The URL to give the provider for webhooks (contains the secret).
    pub webhook_url: String,
}

/// Why a connector change was refused.
#[derive(Debug, thiserror::Error)]
pub enum ConnectorError {
    /// Bad name, numbers, networks or config.
    #[error("{0}")]
    Invalid(String),
    /// The plugin is missing or not a provider.
    #[error(transparent)]
    Plugin(#[from] PluginError),
    /// Name or number taken, number in use, connector has history.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No such connector.
    #[error("no connector {0}")]
    NotFound(i64),
    /// A secret could not be sealed.
    #[error(transparent)]
    Secret(#[from] crate::secrets::SecretError),
}

/// A connector ready for use: config with secrets, capabilities, webhook secret.
#[derive(Debug)]
pub struct LiveConnector {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Provider plugin.
    pub plugin: String,
    /// Full config JSON, secrets included: only for plugin calls.
    pub config: String,
    /// The webhook URL secret.
    pub webhook_secret: String,
    /// Allowed networks; empty: any.
    pub allow_ips: Vec<IpNet>,
    /// Whether it sends and receives.
    pub enabled: bool,
    /// Why sending is paused.
    pub paused_reason: Option<String>,
    /// Its numbers.
    pub numbers: Vec<NumberRow>,
    /// What the plugin can do with this config; `None` if the plugin could not say.
    pub capabilities: Option<CapabilitySet>,
    row: ConnectorRow,
}

impl LiveConnector {
    /// Where the next poll starts, as last stored.
    pub fn poll_cursor(&self) -> Option<&str> {
        self.row.poll_cursor.as_deref()
    }

    /// Whether `peer` may call the webhook.
    pub fn allows(&self, peer: IpAddr) -> bool {
        let peer = match peer {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(peer, IpAddr::V4),
            v4 => v4,
        };
        self.allow_ips.is_empty() || self.allow_ips.iter().any(|net| net.contains(&peer))
    }

    /// The number row for `to` as a provider wrote it; the only number when there is one.
    pub fn number_for(&self, to: &str) -> Option<&NumberRow> {
        let wanted = normalize_e164(to).unwrap_or_else(|_| to.trim().to_owned());
        self.numbers
            .iter()
            .find(|n| n.number == wanted || n.number == to)
            .or(match self.numbers.as_slice() {
                [only] => Some(only),
                _ => None,
            })
    }
}

/// The connectors service.
pub struct Connectors {
    store: Arc<dyn Store>,
    registry: Arc<Registry>,
    secrets: SecretBox,
    public_url: String,
    live: ArcSwap<HashMap<i64, Arc<LiveConnector>>>,
}

impl Connectors {
    /// Loads every stored connector.
    pub async fn open(
        store: Arc<dyn Store>,
        registry: Arc<Registry>,
        secrets: SecretBox,
        public_url: String,
    ) -> Result<Arc<Self>, StoreError> {
        let connectors = Arc::new(Self {
            store,
            registry,
            secrets,
            public_url: public_url.trim_end_matches('/').to_owned(),
            live: ArcSwap::from_pointee(HashMap::new()),
        });
        connectors.reload().await?;
        Ok(connectors)
    }

    /// The live connector `id`.
    pub fn get(&self, id: i64) -> Option<Arc<LiveConnector>> {
        self.live.load().get(&id).cloned()
    }

    /// Every live connector.
    pub fn all(&self) -> Vec<Arc<LiveConnector>> {
        let mut all: Vec<_> = self.live.load().values().cloned().collect();
        all.sort_by_key(|c| c.id);
        all
    }

    /// The connector that carries business number `number`.
    pub fn by_number(&self, number: &str) -> Option<(Arc<LiveConnector>, NumberRow)> {
        let wanted = normalize_e164(number).unwrap_or_else(|_| number.trim().to_owned());
        self.live.load().values().find_map(|c| {
            c.numbers
                .iter()
                .find(|n| n.number == wanted)
                .map(|n| (c.clone(), n.clone()))
        })
    }

    /// The API view of a connector.
    pub fn view(&self, connector: &LiveConnector) -> ConnectorView {
        let row = &connector.row;
        let secrets: Map<String, Value> = self
            .secrets
            .open(&row.secrets)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        ConnectorView {
            id: row.id,
            name: row.name.clone(),
            plugin: row.plugin.clone(),
            config: serde_json::from_str(&row.config).unwrap_or(Value::Null),
            secrets_set: secrets.keys().cloned().collect(),
            numbers: row.numbers.iter().map(|n| n.number.clone()).collect(),
            allow_ips: row.allow_ips.clone(),
            enabled: row.enabled,
            paused_reason: row.paused_reason.clone(),
            webhook_url: self.webhook_url(row.id, &connector.webhook_secret),
        }
    }

    /// `<public url>/webhooks/<id>/<secret>`.
    pub fn webhook_url(&self, id: i64, secret: &str) -> String {
        format!("{}/webhooks/{id}/{secret}", self.public_url)
    }

    /// The public base URL webhooks are signed against.
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// Creates a connector.
    pub async fn create(&self, input: ConnectorInput) -> Result<ConnectorView, ConnectorError> {
        let new = self.prepare(input, None)?;
        let row = self.store.create_connector(new).await?;
        self.reload().await?;
        self.view_of(row.id)
    }

    /// Replaces a connector's settings; secrets left out are kept.
    pub async fn update(
        &self,
        id: i64,
        input: ConnectorInput,
    ) -> Result<ConnectorView, ConnectorError> {
        let current = self.get(id).ok_or(ConnectorError::NotFound(id))?;
        let new = self.prepare(input, Some(&current.row))?;
        self.store.update_connector(id, new).await?;
        self.reload().await?;
        self.view_of(id)
    }

    /// A new webhook secret; the old URL stops working at once.
    pub async fn rotate_webhook_secret(&self, id: i64) -> Result<ConnectorView, ConnectorError> {
        let current = self.get(id).ok_or(ConnectorError::NotFound(id))?;
        let row = &current.row;
        let new = NewConnector {
            name: row.name.clone(),
            plugin: row.plugin.clone(),
            config: row.config.clone(),
            secrets: row.secrets.clone(),
            webhook_secret: self.secrets.seal(new_webhook_secret()?.as_bytes())?,
            allow_ips: row.allow_ips.clone(),
            enabled: row.enabled,
            numbers: row.numbers.iter().map(|n| n.number.clone()).collect(),
            at_ms: clock::now_ms(),
        };
        self.store.update_connector(id, new).await?;
        self.reload().await?;
        self.view_of(id)
    }

    /// Deletes a connector that never carried a message.
    pub async fn delete(&self, id: i64) -> Result<(), ConnectorError> {
        self.get(id).ok_or(ConnectorError::NotFound(id))?;
        self.store.delete_connector(id).await?;
        self.reload().await?;
        Ok(())
    }

    /// Pauses sending (credentials refused…) until an admin updates the connector.
    pub async fn pause(&self, id: i64, reason: String) -> Result<(), StoreError> {
        tracing::error!(connector = id, %reason, "connector paused: sending stops until an admin fixes it");
        self.store
            .set_connector_paused(id, Some(reason), clock::now_ms())
            .await?;
        self.reload().await
    }

    /// Reads every connector from the store again and asks each plugin for its capabilities.
    pub async fn reload(&self) -> Result<(), StoreError> {
        let rows = self.store.connectors().await?;
        let mut live = HashMap::with_capacity(rows.len());
        for row in rows {
            match self.live_of(row).await {
                Ok(connector) => {
                    live.insert(connector.id, Arc::new(connector));
                }
                Err((id, error)) => {
                    tracing::error!(connector = id, %error, "connector cannot be used; fix its config or the secret key");
                }
            }
        }
        self.live.store(Arc::new(live));
        Ok(())
    }

    fn view_of(&self, id: i64) -> Result<ConnectorView, ConnectorError> {
        let live = self.get(id).ok_or(ConnectorError::NotFound(id))?;
        Ok(self.view(&live))
    }

    async fn live_of(&self, row: ConnectorRow) -> Result<LiveConnector, (i64, String)> {
        let id = row.id;
        let fail = |e: &dyn std::fmt::Display| (id, e.to_string());
        let webhook_secret = self
            .secrets
            .open_text(&row.webhook_secret)
            .map_err(|e| fail(&e))?;
        let secrets: Map<String, Value> =
            serde_json::from_slice(&self.secrets.open(&row.secrets).map_err(|e| fail(&e))?)
                .map_err(|e| fail(&e))?;
        let mut config: Map<String, Value> =
            serde_json::from_str(&row.config).map_err(|e| fail(&e))?;
        config.extend(secrets);
        let config = Value::Object(config).to_string();
        let capabilities = match self.registry.active(&row.plugin) {
            Some(plugin) => {
                let limits = self.registry.limits().for_kind(PluginKind::Provider);
                match calls::capabilities(self.registry.runtime(), &plugin, limits, &config).await {
                    Ok(Ok(capabilities)) => Some(capabilities),
                    Ok(Err(error)) => {
                        tracing::warn!(connector = id, code = %error.code, message = %error.message, "the provider plugin refused this config");
                        None
                    }
                    Err(error) => {
                        tracing::warn!(connector = id, %error, "the provider plugin failed to report its capabilities");
                        None
                    }
                }
            }
            None => {
                tracing::warn!(connector = id, plugin = %row.plugin, "the connector's provider plugin is not installed");
                None
            }
        };
        let allow_ips = row
            .allow_ips
            .iter()
            .filter_map(|ip| parse_net(ip).ok())
            .collect();
        Ok(LiveConnector {
            id,
            name: row.name.clone(),
            plugin: row.plugin.clone(),
            config,
            webhook_secret,
            allow_ips,
            enabled: row.enabled,
            paused_reason: row.paused_reason.clone(),
            numbers: row.numbers.clone(),
            capabilities,
            row,
        })
    }

    /// Validates `input` and splits secrets from the config; `current` gives the stored secrets
    /// and webhook secret on update.
    fn prepare(
        &self,
        input: ConnectorInput,
        current: Option<&ConnectorRow>,
    ) -> Result<NewConnector, ConnectorError> {
        let name = input.name.trim().to_owned();
        if name.is_empty() || name.len() > 64 {
            return Err(ConnectorError::Invalid(
                "`name` must be 1 to 64 characters".into(),
            ));
        }
        let plugin = self.registry.active(&input.plugin).ok_or_else(|| {
            ConnectorError::Invalid(format!(
                "no provider plugin `{}` is installed",
                input.plugin
            ))
        })?;
        if plugin.info.kind != PluginKind::Provider {
            return Err(ConnectorError::Invalid(format!(
                "plugin `{}` is not a provider",
                input.plugin
            )));
        }
        let Value::Object(mut config) = input.config else {
            return Err(ConnectorError::Invalid(
                "`config` must be a JSON object".into(),
            ));
        };
        let secret_fields = secret_fields(&plugin.info.config_schema);
        // Secrets the admin left out keep their stored values.
        let mut stored: Map<String, Value> = match current {
            Some(row) => self
                .secrets
                .open(&row.secrets)
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok())
                .unwrap_or_default(),
            None => Map::new(),
        };
        stored.retain(|k, _| secret_fields.contains(k));
        for field in &secret_fields {
            match config.get(field) {
                Some(Value::Null) => {
                    config.remove(field);
                    stored.remove(field);
                }
                Some(_) => {}
                None => {
                    if let Some(value) = stored.get(field) {
                        config.insert(field.clone(), value.clone());
                    }
                }
            }
        }
        let full = Value::Object(config.clone()).to_string();
        self.registry.validate_config(&input.plugin, &full)?;
        let mut secrets = Map::new();
        for field in &secret_fields {
            if let Some(value) = config.remove(field) {
                secrets.insert(field.clone(), value);
            }
        }
        let mut numbers = Vec::with_capacity(input.numbers.len());
        for raw in &input.numbers {
            let number = normalize_number(raw)?;
            if !numbers.contains(&number) {
                numbers.push(number);
            }
        }
        for ip in &input.allow_ips {
            parse_net(ip).map_err(ConnectorError::Invalid)?;
        }
        let webhook_secret = match current {
            Some(row) => row.webhook_secret.clone(),
            None => self.secrets.seal(new_webhook_secret()?.as_bytes())?,
        };
        Ok(NewConnector {
            name,
            plugin: input.plugin,
            config: Value::Object(config).to_string(),
            secrets: self
                .secrets
                .seal(Value::Object(secrets).to_string().as_bytes())?,
            webhook_secret,
            allow_ips: input.allow_ips,
            enabled: input.enabled,
            numbers,
            at_ms: clock::now_ms(),
        })
    }
}

/// The config fields a schema marks `"writeOnly": true`: top-level properties, and those of
/// the schema's `oneOf` / `anyOf` / `allOf` branches and `$defs` (Sinch and the HTTP gateway
/// describe one branch per API style). A field secret in any branch is treated as secret.
pub fn secret_fields(schema: &str) -> Vec<String> {
    let Ok(schema) = serde_json::from_str::<Value>(schema) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    collect_secrets(&schema, &mut found, 0);
    found.sort();
    found.dedup();
    found
}

/// Walks the schema objects that describe the config's own fields.
fn collect_secrets(schema: &Value, found: &mut Vec<String>, depth: usize) {
    if depth > 8 {
        return;
    }
    if let Some(Value::Object(properties)) = schema.get("properties") {
        for (name, property) in properties {
            if property.get("writeOnly") == Some(&Value::Bool(true)) {
                found.push(name.clone());
            }
        }
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(Value::Array(branches)) = schema.get(key) {
            for branch in branches {
                collect_secrets(branch, found, depth + 1);
            }
        }
    }
    for key in ["then", "else"] {
        if let Some(branch) = schema.get(key) {
            collect_secrets(branch, found, depth + 1);
        }
    }
    if let Some(Value::Object(defs)) = schema.get("$defs") {
        for def in defs.values() {
            collect_secrets(def, found, depth + 1);
        }
    }
}

/// A business number: E.164 if it looks like a phone number, else a sender id / short code.
fn normalize_number(raw: &str) -> Result<String, ConnectorError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() || trimmed.len() > 32 {
        return Err(ConnectorError::Invalid(format!(
            "`{raw}` is not a number or sender id"
        )));
    }
    if trimmed.starts_with('+') {
        return normalize_e164(trimmed).map_err(|e| ConnectorError::Invalid(e.to_string()));
    }
    if trimmed
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Ok(trimmed.to_owned());
    }
    Err(ConnectorError::Invalid(format!(
        "`{raw}` is not a number or sender id"
    )))
}

fn parse_net(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("`{text}` is not an IP address or network"))
}

/// 192 random bits, URL-safe.
fn new_webhook_secret() -> Result<String, ConnectorError> {
    let bytes =
        random_bytes::<24>().map_err(|e| ConnectorError::Invalid(format!("randomness: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_only_properties_are_the_secrets() {
        let schema = r#"{"type":"object","properties":{
            "account_sid":{"type":"string"},
            "auth_token":{"type":"string","writeOnly":true},
            "api_key":{"type":"string","writeOnly":false}}}"#;
        assert_eq!(secret_fields(schema), ["auth_token"]);
        assert!(secret_fields("not json").is_empty());
        let branches = r#"{"oneOf":[
            {"properties":{"api":{"const":"a"},"key_secret":{"type":"string","writeOnly":true}}},
            {"properties":{"api":{"const":"b"},"token":{"type":"string","writeOnly":true}}}]}"#;
        assert_eq!(secret_fields(branches), ["key_secret", "token"]);
    }

    #[test]
    fn every_bundled_provider_declares_its_secrets() {
        let schemas = [
            (
                include_str!("../../../plugins/providers/sinch/src/schema.json"),
                &["key_secret", "token", "webhook_secret"][..],
            ),
            (
                include_str!("../../../plugins/providers/http-gateway/src/schema.json"),
                &["password"][..],
            ),
            (
                include_str!("../../../plugins/providers/twilio/src/config.schema.json"),
                &["auth_token"][..],
            ),
            (
                include_str!("../../../plugins/providers/whatsapp-cloud/src/config_schema.json"),
                &["access_token", "app_secret", "verify_token"][..],
            ),
        ];
        for (schema, expected) in schemas {
            let found = secret_fields(schema);
            for field in expected {
                assert!(
                    found.iter().any(|f| f == field),
                    "{field} not found in {found:?}"
                );
            }
        }
    }

    #[test]
    fn numbers_and_networks_are_checked() {
        assert_eq!(
            normalize_number("+54 9 11 1234-5678").expect("e164"),
            "+5491112345678"
        );
        assert_eq!(normalize_number("MYBRAND").expect("sender id"), "MYBRAND");
        assert!(normalize_number("+12").is_err());
        assert!(normalize_number("a b").is_err());
        assert!(parse_net("10.0.0.0/8").is_ok());
        assert!(parse_net("203.0.113.7").is_ok());
        assert!(parse_net("::1").is_ok());
        assert!(parse_net("nope").is_err());
        assert!(new_webhook_secret().expect("secret").len() >= 32);
    }
}
