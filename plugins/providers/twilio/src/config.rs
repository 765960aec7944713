//! The connector's settings: typed, strict (unknown keys are refused), checked once per call.
//! [`SCHEMA`] is the same contract as JSON Schema for the host's admin API.

use serde::Deserialize;
use switchboard_sdk::PluginError;

/// JSON Schema (draft 2020-12) of [`Config`]; secrets are `writeOnly`.
pub const SCHEMA: &str = include_str!("config.schema.json");

/// Twilio's REST API, unless a test points the adapter at a mock.
pub const DEFAULT_API_BASE_URL: &str = "https://api.twilio.com";

/// Which Twilio channel a connector carries. WhatsApp addresses get the `whatsapp:` prefix.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// Plain SMS / MMS.
    #[default]
    Sms,
    /// WhatsApp through Twilio.
    Whatsapp,
}

/// The settings of one Twilio connector.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// `AC…`: the account, in every REST path and the default Basic-auth user.
    pub account_sid: String,
    /// The primary auth token: signs every webhook, and is the REST password unless an API key
    /// is set.
    pub auth_token: String,
    /// `SK…`: an API key for REST calls instead of the account credentials.
    pub api_key_sid: Option<String>,
    /// The API key's secret.
    pub api_key_secret: Option<String>,
    /// `MG…`: send through this Messaging Service (it picks the sender) instead of `From`.
    pub messaging_service_sid: Option<String>,
    /// `sms` or `whatsapp`.
    pub channel: Channel,
    /// Where the REST API lives.
    pub api_base_url: String,
    /// Whether sends ask for status callbacks at the host's webhook URL.
    pub status_callback: bool,
    /// Overrides the default sending ceiling (1 msg/s for SMS long codes, 10 for WhatsApp).
    pub max_per_second: Option<u32>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            account_sid: String::new(),
            auth_token: String::new(),
            api_key_sid: None,
            api_key_secret: None,
            messaging_service_sid: None,
            channel: Channel::Sms,
            api_base_url: DEFAULT_API_BASE_URL.to_owned(),
            status_callback: true,
            max_per_second: None,
        }
    }
}

impl Config {
    /// Parses and checks a connector's config; errors have code `bad-config` and name the key.
    pub fn parse(json: &str) -> Result<Config, PluginError> {
        let config: Config = switchboard_sdk::config(json)?;
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> Result<(), PluginError> {
        let sid_like = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric());
        if !sid_like(&self.account_sid) {
            return Err(PluginError::bad_config(
                "`account_sid` is required (letters and digits, `AC…`)",
            ));
        }
        if self.auth_token.is_empty() {
            return Err(PluginError::bad_config(
                "`auth_token` is required: Twilio signs webhooks with it",
            ));
        }
        match (&self.api_key_sid, &self.api_key_secret) {
            (Some(sid), Some(secret)) if !sid.is_empty() && !secret.is_empty() => {}
            (None, None) => {}
            _ => {
                return Err(PluginError::bad_config(
                    "`api_key_sid` and `api_key_secret` go together",
                ));
            }
        }
        if self
            .messaging_service_sid
            .as_deref()
            .is_some_and(|s| !sid_like(s))
        {
            return Err(PluginError::bad_config(
                "`messaging_service_sid` must be letters and digits (`MG…`)",
            ));
        }
        let base = &self.api_base_url;
        if !(base.starts_with("https://") || base.starts_with("http://")) {
            return Err(PluginError::bad_config(
                "`api_base_url` must start with https:// or http://",
            ));
        }
        if self.max_per_second == Some(0) {
            return Err(PluginError::bad_config(
                "`max_per_second` must be at least 1",
            ));
        }
        Ok(())
    }

    /// The Basic-auth user and password for REST calls: the API key when set, else the account.
    pub fn credentials(&self) -> (&str, &str) {
        match (&self.api_key_sid, &self.api_key_secret) {
            (Some(sid), Some(secret)) => (sid, secret),
            _ => (&self.account_sid, &self.auth_token),
        }
    }

    /// The `Authorization` header value for REST calls.
    pub fn basic_auth(&self) -> String {
        use base64::Engine as _;
        let (user, password) = self.credentials();
        let encoded =
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        format!("Basic {encoded}")
    }

    /// The REST base URL without a trailing `/`.
    pub fn api_base(&self) -> &str {
        self.api_base_url.trim_end_matches('/')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"{"account_sid": "AC123", "auth_token": "secret"}"#;

    #[test]
    fn defaults_are_sms_on_the_real_api_with_callbacks() {
        let config = Config::parse(MINIMAL).expect("valid");
        assert_eq!(config.channel, Channel::Sms);
        assert_eq!(config.api_base_url, DEFAULT_API_BASE_URL);
        assert!(config.status_callback);
        assert_eq!(config.credentials(), ("AC123", "secret"));
        assert_eq!(config.basic_auth(), "Basic QUMxMjM6c2VjcmV0");
    }

    #[test]
    fn api_key_replaces_the_account_credentials_for_rest() {
        let config = Config::parse(
            r#"{"account_sid": "AC1", "auth_token": "t", "api_key_sid": "SK1", "api_key_secret": "s"}"#,
        )
        .expect("valid");
        assert_eq!(config.credentials(), ("SK1", "s"));
    }

    #[test]
    fn every_bad_setting_is_named() {
        let cases = [
            ("{}", "account_sid"),
            (
                r#"{"account_sid": "AC/1", "auth_token": "t"}"#,
                "account_sid",
            ),
            (r#"{"account_sid": "AC1"}"#, "auth_token"),
            (
                r#"{"account_sid": "AC1", "auth_token": "t", "api_key_sid": "SK1"}"#,
                "api_key_secret",
            ),
            (
                r#"{"account_sid": "AC1", "auth_token": "t", "messaging_service_sid": "MG 1"}"#,
                "messaging_service_sid",
            ),
            (
                r#"{"account_sid": "AC1", "auth_token": "t", "api_base_url": "ftp://x"}"#,
                "api_base_url",
            ),
            (
                r#"{"account_sid": "AC1", "auth_token": "t", "max_per_second": 0}"#,
                "max_per_second",
            ),
            (
                r#"{"account_sid": "AC1", "auth_token": "t", "channel": "telegram"}"#,
                "telegram",
            ),
            (
                r#"{"account_sid": "AC1", "auth_token": "t", "from": "+1"}"#,
                "from",
            ),
        ];
        switchboard_sdk::testing::check_bad_configs(Config::parse, &cases);
    }

    #[test]
    fn the_schema_documents_exactly_the_config_keys() {
        let schema: serde_json::Value = serde_json::from_str(SCHEMA).expect("schema is JSON");
        assert_eq!(schema["additionalProperties"], false);
        let properties = schema["properties"].as_object().expect("properties");
        let mut keys: Vec<&str> = properties.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "account_sid",
                "api_base_url",
                "api_key_secret",
                "api_key_sid",
                "auth_token",
                "channel",
                "max_per_second",
                "messaging_service_sid",
                "status_callback"
            ]
        );
        for (key, property) in properties {
            assert!(property["description"].is_string(), "{key} is documented");
        }
        for secret in ["auth_token", "api_key_secret"] {
            assert_eq!(properties[secret]["writeOnly"], true, "{secret}");
        }
        // Every key the schema shows is one the parser takes.
        let full = r#"{"account_sid": "AC1", "auth_token": "t", "api_key_sid": "SK1",
            "api_key_secret": "s", "messaging_service_sid": "MG1", "channel": "whatsapp",
            "api_base_url": "http://127.0.0.1:9", "status_callback": false, "max_per_second": 5}"#;
        assert!(Config::parse(full).is_ok());
    }
}
