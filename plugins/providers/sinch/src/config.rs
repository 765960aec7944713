//! The connector's settings: which Sinch API (`"api"`), its credentials and its endpoints. The
//! JSON Schema the host validates against is [`SCHEMA`]; [`load`] parses strictly (unknown keys
//! are refused) and checks what the schema cannot say.

use serde::Deserialize;
use switchboard_sdk::PluginError;

/// JSON Schema (draft 2020-12) of the config, one `oneOf` branch per API.
pub const SCHEMA: &str = include_str!("schema.json");

/// Sinch's OAuth2 server (one for every region).
pub const DEFAULT_AUTH_BASE_URL: &str = "https://auth.sinch.com";
/// The legacy Wavy API host (`api-messaging.movile.com` is an older name of the same API).
pub const DEFAULT_WAVY_BASE_URL: &str = "https://api-messaging.wavy.global";
const DEFAULT_MAX_PER_SECOND: u32 = 20;

/// The settings of one connector.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "api", rename_all = "snake_case")]
pub enum Config {
    /// The Sinch Conversation API.
    Conversation(ConversationConfig),
    /// The legacy Wavy / Sinch Messaging LATAM WhatsApp API.
    Wavy(WavyConfig),
}

/// An empty config is a Conversation API config with every credential missing, so
/// [`load`] names the first missing key instead of a missing `api`.
impl Default for Config {
    fn default() -> Self {
        Config::Conversation(ConversationConfig::default())
    }
}

/// Where a Conversation API app lives; the app and its WhatsApp sender must share it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Region {
    /// `us.conversation.api.sinch.com`
    #[default]
    Us,
    /// `eu.conversation.api.sinch.com`
    Eu,
    /// `br.conversation.api.sinch.com`
    Br,
}

/// The Conversation API channel this connector sends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum SinchChannel {
    /// WhatsApp.
    #[default]
    #[serde(rename = "WHATSAPP")]
    Whatsapp,
    /// SMS.
    #[serde(rename = "SMS")]
    Sms,
}

impl SinchChannel {
    /// The channel's name on the wire.
    pub fn wire(self) -> &'static str {
        match self {
            SinchChannel::Whatsapp => "WHATSAPP",
            SinchChannel::Sms => "SMS",
        }
    }
}

/// Settings of the Conversation API.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConversationConfig {
    /// Sinch project id (a UUID).
    pub project_id: String,
    /// Conversation API app id.
    pub app_id: String,
    /// Access key id (OAuth2 client id).
    pub key_id: String,
    /// Access key secret (OAuth2 client secret).
    pub key_secret: String,
    /// Region of the app.
    pub region: Region,
    /// Channel to send on.
    pub channel: SinchChannel,
    /// Secret set on the app's webhook; empty means callbacks are not signed.
    pub webhook_secret: String,
    /// Overrides `https://auth.sinch.com` (tests, proxies).
    pub auth_base_url: Option<String>,
    /// Overrides `https://{region}.conversation.api.sinch.com` (tests, proxies).
    pub api_base_url: Option<String>,
    /// Sending ceiling for this connector, messages per second.
    pub max_per_second: u32,
}

impl Default for ConversationConfig {
    fn default() -> Self {
        ConversationConfig {
            project_id: String::new(),
            app_id: String::new(),
            key_id: String::new(),
            key_secret: String::new(),
            region: Region::Us,
            channel: SinchChannel::Whatsapp,
            webhook_secret: String::new(),
            auth_base_url: None,
            api_base_url: None,
            max_per_second: DEFAULT_MAX_PER_SECOND,
        }
    }
}

impl ConversationConfig {
    /// The OAuth2 token endpoint.
    pub fn token_url(&self) -> String {
        let base = self
            .auth_base_url
            .as_deref()
            .unwrap_or(DEFAULT_AUTH_BASE_URL);
        format!("{}/oauth2/token", base.trim_end_matches('/'))
    }

    /// The send endpoint of this project.
    pub fn send_url(&self) -> String {
        let regional = match self.region {
            Region::Us => "https://us.conversation.api.sinch.com",
            Region::Eu => "https://eu.conversation.api.sinch.com",
            Region::Br => "https://br.conversation.api.sinch.com",
        };
        let base = self.api_base_url.as_deref().unwrap_or(regional);
        format!(
            "{}/v1/projects/{}/messages:send",
            base.trim_end_matches('/'),
            self.project_id
        )
    }

    fn validate(&self) -> Result<(), PluginError> {
        required("project_id", &self.project_id)?;
        path_safe("project_id", &self.project_id)?;
        required("app_id", &self.app_id)?;
        required("key_id", &self.key_id)?;
        required("key_secret", &self.key_secret)?;
        if let Some(url) = &self.auth_base_url {
            http_url("auth_base_url", url)?;
        }
        if let Some(url) = &self.api_base_url {
            http_url("api_base_url", url)?;
        }
        positive("max_per_second", self.max_per_second)
    }
}

/// Settings of the legacy Wavy WhatsApp API.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WavyConfig {
    /// Sent as the `UserName` header.
    pub username: String,
    /// Sent as the `AuthenticationToken` header.
    pub token: String,
    /// API host, without a path.
    pub base_url: String,
    /// HSM namespace for templates that do not carry their own.
    pub hsm_namespace: String,
    /// Sending ceiling for this connector, messages per second.
    pub max_per_second: u32,
}

impl Default for WavyConfig {
    fn default() -> Self {
        WavyConfig {
            username: String::new(),
            token: String::new(),
            base_url: DEFAULT_WAVY_BASE_URL.to_owned(),
            hsm_namespace: String::new(),
            max_per_second: DEFAULT_MAX_PER_SECOND,
        }
    }
}

impl WavyConfig {
    /// The send endpoint.
    pub fn send_url(&self) -> String {
        format!("{}/v1/whatsapp/send", self.base_url.trim_end_matches('/'))
    }

    fn validate(&self) -> Result<(), PluginError> {
        required("username", &self.username)?;
        required("token", &self.token)?;
        http_url("base_url", &self.base_url)?;
        positive("max_per_second", self.max_per_second)
    }
}

/// Parses and checks a connector's config. Errors have code `bad-config` and name the key.
pub fn load(json: &str) -> Result<Config, PluginError> {
    let config: Config = switchboard_sdk::config(json)?;
    match &config {
        Config::Conversation(c) => c.validate()?,
        Config::Wavy(c) => c.validate()?,
    }
    Ok(config)
}

fn required(key: &str, value: &str) -> Result<(), PluginError> {
    if value.trim().is_empty() {
        return Err(PluginError::bad_config(format!("`{key}` is required")));
    }
    Ok(())
}

fn path_safe(key: &str, value: &str) -> Result<(), PluginError> {
    if !value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(PluginError::bad_config(format!(
            "`{key}` may hold only letters, digits, `-` and `_`"
        )));
    }
    Ok(())
}

fn http_url(key: &str, value: &str) -> Result<(), PluginError> {
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !value.contains(char::is_whitespace) => Ok(()),
        _ => Err(PluginError::bad_config(format!(
            "`{key}` must be an http:// or https:// URL"
        ))),
    }
}

fn positive(key: &str, value: u32) -> Result<(), PluginError> {
    if value == 0 {
        return Err(PluginError::bad_config(format!(
            "`{key}` must be at least 1"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_tag_selects_the_variant_and_unknown_keys_are_refused() {
        let wavy = load(r#"{"api": "wavy", "username": "u", "token": "t"}"#).expect("wavy");
        assert!(matches!(wavy, Config::Wavy(ref c) if c.base_url == DEFAULT_WAVY_BASE_URL));
        let error = load(r#"{"api": "wavy", "username": "u", "token": "t", "project_id": "p"}"#)
            .expect_err("conversation key in a wavy config");
        assert_eq!(error.code, "bad-config");
        assert!(error.message.contains("project_id"), "{}", error.message);
        let error = load(r#"{"api": "rcs"}"#).expect_err("unknown api");
        assert_eq!(error.code, "bad-config");
    }

    #[test]
    fn missing_credentials_are_named() {
        let error = load("").expect_err("empty");
        assert!(error.message.contains("project_id"), "{}", error.message);
        let error =
            load(r#"{"api": "conversation", "project_id": "p", "app_id": "a", "key_id": "k"}"#)
                .expect_err("no secret");
        assert!(error.message.contains("key_secret"), "{}", error.message);
        let error = load(r#"{"api": "wavy", "username": "u"}"#).expect_err("no token");
        assert!(error.message.contains("token"), "{}", error.message);
    }

    #[test]
    fn urls_follow_the_region_and_the_overrides() {
        let mut c = ConversationConfig {
            project_id: "p1".into(),
            region: Region::Br,
            ..ConversationConfig::default()
        };
        assert_eq!(
            c.send_url(),
            "https://br.conversation.api.sinch.com/v1/projects/p1/messages:send"
        );
        assert_eq!(c.token_url(), "https://auth.sinch.com/oauth2/token");
        c.api_base_url = Some("http://127.0.0.1:9/".into());
        c.auth_base_url = Some("http://127.0.0.1:8".into());
        assert_eq!(
            c.send_url(),
            "http://127.0.0.1:9/v1/projects/p1/messages:send"
        );
        assert_eq!(c.token_url(), "http://127.0.0.1:8/oauth2/token");
    }

    #[test]
    fn values_the_schema_cannot_check_are_refused() {
        let base = r#""api": "conversation", "app_id": "a", "key_id": "k", "key_secret": "s""#;
        let error = load(&format!(r#"{{{base}, "project_id": "../x"}}"#)).expect_err("path");
        assert!(error.message.contains("project_id"), "{}", error.message);
        let error = load(&format!(
            r#"{{{base}, "project_id": "p", "api_base_url": "ftp://x"}}"#
        ))
        .expect_err("scheme");
        assert!(error.message.contains("api_base_url"), "{}", error.message);
        let error = load(&format!(
            r#"{{{base}, "project_id": "p", "max_per_second": 0}}"#
        ))
        .expect_err("zero rate");
        assert!(
            error.message.contains("max_per_second"),
            "{}",
            error.message
        );
    }
}
