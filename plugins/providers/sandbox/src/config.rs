//! The connector's settings: where sends go, which channel, how fast. Strict: an unknown key
//! is refused. [`SCHEMA`] says the same as JSON Schema for the host's admin API.

use serde::Deserialize;
use switchboard_sdk::PluginError;

/// JSON Schema (draft 2020-12) of [`Config`].
pub const SCHEMA: &str = include_str!("schema.json");

/// The sending ceiling unless configured: a loopback is as fast as the engine.
pub const DEFAULT_MAX_PER_SECOND: u32 = 1000;

/// Which channel the connector pretends to be.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// A 24-hour window and templates outside it.
    #[default]
    Whatsapp,
    /// No window and no templates.
    Sms,
}

/// The settings of one sandbox connector.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Where sends are POSTed.
    pub outbox_url: String,
    /// `whatsapp` or `sms`.
    pub channel: Channel,
    /// Sending ceiling, messages per second.
    pub max_per_second: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            outbox_url: String::new(),
            channel: Channel::Whatsapp,
            max_per_second: DEFAULT_MAX_PER_SECOND,
        }
    }
}

impl Config {
    /// Parses and checks a connector's config; errors have code `bad-config` and name the key.
    pub fn load(json: &str) -> Result<Config, PluginError> {
        let config: Config = switchboard_sdk::config(json)?;
        let url = config.outbox_url.trim();
        if url.is_empty() {
            return Err(PluginError::bad_config("`outbox_url` is required"));
        }
        if switchboard_sdk::http::origin(url).is_none() {
            return Err(PluginError::bad_config(
                "`outbox_url` must be an http(s) URL",
            ));
        }
        if config.max_per_second == 0 {
            return Err(PluginError::bad_config(
                "`max_per_second` must be at least 1",
            ));
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_whatsapp_at_a_thousand_a_second() {
        let config = Config::load(r#"{"outbox_url": "http://127.0.0.1:8080/sandbox/out"}"#);
        assert_eq!(
            config,
            Ok(Config {
                outbox_url: "http://127.0.0.1:8080/sandbox/out".into(),
                channel: Channel::Whatsapp,
                max_per_second: 1000,
            })
        );
    }

    #[test]
    fn every_bad_setting_is_named() {
        let cases = [
            ("", "outbox_url"),
            ("{}", "outbox_url"),
            (r#"{"outbox_url": "ftp://h/x"}"#, "outbox_url"),
            (
                r#"{"outbox_url": "http://h", "max_per_second": 0}"#,
                "max_per_second",
            ),
            (
                r#"{"outbox_url": "http://h", "channel": "telegram"}"#,
                "telegram",
            ),
            (r#"{"outbox_url": "http://h", "secret": "x"}"#, "secret"),
        ];
        switchboard_sdk::testing::check_bad_configs(Config::load, &cases);
    }

    #[test]
    fn the_schema_documents_exactly_the_config_keys() {
        let schema: serde_json::Value = serde_json::from_str(SCHEMA).expect("schema is JSON");
        assert_eq!(schema["additionalProperties"], false);
        assert_eq!(schema["required"], serde_json::json!(["outbox_url"]));
        let properties = schema["properties"].as_object().expect("properties");
        let keys: Vec<&str> = properties.keys().map(String::as_str).collect();
        assert_eq!(keys, ["channel", "max_per_second", "outbox_url"]);
        for (key, property) in properties {
            assert!(property["description"].is_string(), "{key} is documented");
            assert!(property.get("writeOnly").is_none(), "{key}: no secrets");
        }
        assert_eq!(properties["channel"]["default"], "whatsapp");
        assert_eq!(
            properties["max_per_second"]["default"],
            DEFAULT_MAX_PER_SECOND
        );
        let full = r#"{"outbox_url": "https://h/x", "channel": "sms", "max_per_second": 5}"#;
        assert!(Config::load(full).is_ok());
    }
}
