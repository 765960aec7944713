//! The connector's settings: one `style` per kind of gateway, each with its own fields.
//! Parsing is strict (unknown keys are refused) and [`load`] also checks values, naming the
//! key at fault. The JSON Schema the host validates against is `schema.json`, kept in step
//! with these types by the tests.

use std::collections::BTreeMap;

use serde::Deserialize;
use switchboard_sdk::PluginError;

/// The JSON Schema (draft 2020-12) of [`Config`].
pub const SCHEMA: &str = include_str!("schema.json");

/// A connector's settings.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
#[serde(tag = "style", rename_all = "lowercase")]
pub enum Config {
    /// Kannel's `sendsms` interface, `get-url` inbound and `dlr-url` reports.
    Kannel(KannelConfig),
    /// A Dinstar UC2000/DWG gateway's "new version" HTTP API.
    Dinstar(DinstarConfig),
}

impl Default for Config {
    /// An empty config: Kannel with nothing set, which [`load`] refuses by naming the first
    /// required key.
    fn default() -> Self {
        Config::Kannel(KannelConfig::default())
    }
}

/// How text that needs UCS-2 reaches Kannel.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
pub enum UnicodeTransport {
    /// `coding=2&charset=UTF-8`: Kannel converts with iconv (Debian's build has it).
    #[default]
    #[serde(rename = "utf-8")]
    Utf8,
    /// `coding=2` and the text already encoded as UTF-16BE, no `charset`: for Kannel builds
    /// without iconv, which answer "Charset or body misformed, rejected" (providers.md §5).
    #[serde(rename = "utf-16be")]
    Utf16be,
}

/// Settings of `style: "kannel"`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
#[serde(deny_unknown_fields, default)]
pub struct KannelConfig {
    /// The `sendsms` URL, e.g. `http://127.0.0.1:13013/cgi-bin/sendsms`.
    pub sendsms_url: String,
    /// The `sendsms-user` username.
    pub username: String,
    /// The `sendsms-user` password (secret).
    pub password: String,
    /// SMSC ids to route through; channel slot `i` uses entry `i mod len`. Empty: Kannel routes.
    pub smsc: Vec<String>,
    /// Which delivery reports to ask for (Kannel `dlr-mask` bits), 0 for none.
    pub dlr_mask: u8,
    /// Base URL Kannel calls with delivery reports; by default the connector's public
    /// webhook URL the host passes with each message.
    pub dlr_url_base: Option<String>,
    /// How UCS-2 text is handed to Kannel.
    pub unicode: UnicodeTransport,
    /// Default sending ceiling, messages per second.
    pub max_per_second: u32,
    /// Longest message, in SMS parts.
    pub max_segments: u32,
    /// Whether a bare digit string from the gateway is an international number without `+`.
    pub digits_are_international: bool,
}

impl Default for KannelConfig {
    fn default() -> Self {
        KannelConfig {
            sendsms_url: String::new(),
            username: String::new(),
            password: String::new(),
            smsc: Vec::new(),
            // 1 + 2 + 8 + 16: final and SMSC reports; 4 ("queued on SMSC") changes no state.
            dlr_mask: 27,
            dlr_url_base: None,
            unicode: UnicodeTransport::Utf8,
            max_per_second: 10,
            max_segments: 10,
            digits_are_international: false,
        }
    }
}

/// Settings of `style: "dinstar"`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
#[serde(deny_unknown_fields, default)]
pub struct DinstarConfig {
    /// The gateway's base URL, e.g. `https://192.168.1.20`.
    pub base_url: String,
    /// The gateway's web user.
    pub username: String,
    /// The gateway's web password (secret); sent with HTTP Basic auth.
    pub password: String,
    /// GSM ports (0–31) this connector uses; channel slot `i` sends from entry `i mod len`,
    /// and polling reads only these. Empty: the gateway chooses, and polling reads all.
    pub ports: Vec<u8>,
    /// The SIM number of each port (`"0": "+5491100000000"`), reported as the `to` of
    /// inbound messages; ports not listed report `port-N`.
    pub sim_numbers: BTreeMap<String, String>,
    /// How often to poll for inbound messages, in ms; 0 turns polling off (push only).
    pub poll_interval_ms: u64,
    /// The gateway clock's offset from UTC in minutes (its times carry no zone).
    pub utc_offset_minutes: i32,
    /// Whether to ask the gateway for delivery reports.
    pub request_status_report: bool,
    /// Default sending ceiling, messages per second.
    pub max_per_second: u32,
    /// Longest message, in SMS parts.
    pub max_segments: u32,
    /// Whether a bare digit string from the gateway is an international number without `+`.
    pub digits_are_international: bool,
}

impl Default for DinstarConfig {
    fn default() -> Self {
        DinstarConfig {
            base_url: String::new(),
            username: String::new(),
            password: String::new(),
            ports: Vec::new(),
            sim_numbers: BTreeMap::new(),
            poll_interval_ms: 10_000,
            utc_offset_minutes: 0,
            request_status_report: true,
            max_per_second: 1,
            max_segments: 8,
            digits_are_international: false,
        }
    }
}

/// Parses and checks a connector's config.
pub fn load(json: &str) -> Result<Config, PluginError> {
    let config: Config = switchboard_sdk::config(json)?;
    match &config {
        Config::Kannel(k) => check_kannel(k)?,
        Config::Dinstar(d) => check_dinstar(d)?,
    }
    Ok(config)
}

fn bad(key: &str, why: &str) -> PluginError {
    PluginError::bad_config(format!("`{key}` {why}"))
}

fn is_http_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("http://") && url.len() > 7)
        || (lower.starts_with("https://") && url.len() > 8)
}

fn check_kannel(k: &KannelConfig) -> Result<(), PluginError> {
    if !is_http_url(&k.sendsms_url) {
        return Err(bad("sendsms_url", "must be an http:// or https:// URL"));
    }
    if k.username.is_empty() {
        return Err(bad("username", "is required"));
    }
    if k.smsc
        .iter()
        .any(|s| s.is_empty() || s.contains(char::is_whitespace))
    {
        return Err(bad(
            "smsc",
            "entries must be non-empty smsc-ids without spaces",
        ));
    }
    if k.dlr_mask > 31 {
        return Err(bad("dlr_mask", "must be between 0 and 31"));
    }
    if k.dlr_url_base.as_deref().is_some_and(|u| !is_http_url(u)) {
        return Err(bad(
            "dlr_url_base",
            "must be an http:// or https:// URL (Kannel refuses others)",
        ));
    }
    check_common(k.max_per_second, k.max_segments)
}

fn check_dinstar(d: &DinstarConfig) -> Result<(), PluginError> {
    if !is_http_url(&d.base_url) {
        return Err(bad("base_url", "must be an http:// or https:// URL"));
    }
    if d.username.is_empty() {
        return Err(bad("username", "is required"));
    }
    if d.ports.iter().any(|&p| p > 31) {
        return Err(bad("ports", "entries must be between 0 and 31"));
    }
    if d.sim_numbers
        .keys()
        .any(|k| k.parse::<u8>().map_or(true, |p| p > 31))
    {
        return Err(bad(
            "sim_numbers",
            "keys must be port numbers between 0 and 31",
        ));
    }
    if d.utc_offset_minutes.abs() > 14 * 60 {
        return Err(bad("utc_offset_minutes", "must be within ±840"));
    }
    check_common(d.max_per_second, d.max_segments)
}

fn check_common(max_per_second: u32, max_segments: u32) -> Result<(), PluginError> {
    if max_per_second == 0 {
        return Err(bad("max_per_second", "must be at least 1"));
    }
    if !(1..=255).contains(&max_segments) {
        return Err(bad("max_segments", "must be between 1 and 255"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KANNEL: &str = r#"{"style":"kannel","sendsms_url":"http://127.0.0.1:13013/cgi-bin/sendsms","username":"sb","password":"pw"}"#;

    #[test]
    fn a_minimal_kannel_config_gets_the_defaults() {
        let Ok(Config::Kannel(k)) = load(KANNEL) else {
            panic!("kannel config")
        };
        assert_eq!((k.dlr_mask, k.max_per_second, k.max_segments), (27, 10, 10));
        assert_eq!(k.unicode, UnicodeTransport::Utf8);
    }

    #[test]
    fn a_minimal_dinstar_config_gets_the_defaults() {
        let json = r#"{"style":"dinstar","base_url":"https://10.0.0.2","username":"admin","password":"pw","ports":[0,1],"sim_numbers":{"0":"+5491100000000"}}"#;
        let Ok(Config::Dinstar(d)) = load(json) else {
            panic!("dinstar config")
        };
        assert_eq!(d.ports, [0, 1]);
        assert_eq!((d.poll_interval_ms, d.max_per_second), (10_000, 1));
        assert!(d.request_status_report);
    }

    #[test]
    fn unknown_keys_and_styles_are_refused() {
        let typo = KANNEL.replace("\"username\"", "\"user\"");
        let error = load(&typo).expect_err("unknown key");
        assert_eq!(error.code, "bad-config");
        assert!(error.message.contains("user"), "{}", error.message);
        assert!(load(r#"{"style":"smpp"}"#).is_err());
        assert!(
            load(r#"{"sendsms_url":"http://x"}"#).is_err(),
            "style is required"
        );
    }

    /// The schema branch of `style`: its properties, by name.
    fn schema_properties(style: &str) -> serde_json::Map<String, serde_json::Value> {
        let schema: serde_json::Value = serde_json::from_str(SCHEMA).expect("JSON");
        schema["oneOf"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|b| b["properties"]["style"]["const"] == style)
            .and_then(|b| b["properties"].as_object())
            .cloned()
            .expect("a branch per style")
    }

    #[test]
    fn the_schema_lists_every_field_with_the_parsers_default() {
        let defaults = [
            ("kannel", Config::Kannel(KannelConfig::default())),
            ("dinstar", Config::Dinstar(DinstarConfig::default())),
        ];
        for (style, config) in defaults {
            let serde_json::Value::Object(fields) =
                serde_json::to_value(&config).expect("serializes")
            else {
                panic!("an object")
            };
            let schema = schema_properties(style);
            let mut field_names: Vec<_> = fields.keys().collect();
            let mut schema_names: Vec<_> = schema.keys().collect();
            field_names.sort();
            schema_names.sort();
            assert_eq!(field_names, schema_names, "{style}");
            for (name, value) in &fields {
                if let Some(default) = schema[name].get("default") {
                    assert_eq!(default, value, "{style}.{name}");
                }
            }
        }
    }

    #[test]
    fn values_are_checked_by_key() {
        let cases = [
            ("", "sendsms_url"),
            (
                r#"{"style":"kannel","sendsms_url":"ftp://x","username":"u"}"#,
                "sendsms_url",
            ),
            (
                r#"{"style":"kannel","sendsms_url":"http://k","username":""}"#,
                "username",
            ),
            (
                r#"{"style":"kannel","sendsms_url":"http://k","username":"u","dlr_mask":32}"#,
                "dlr_mask",
            ),
            (
                r#"{"style":"kannel","sendsms_url":"http://k","username":"u","smsc":["a b"]}"#,
                "smsc",
            ),
            (
                r#"{"style":"kannel","sendsms_url":"http://k","username":"u","dlr_url_base":"x"}"#,
                "dlr_url_base",
            ),
            (
                r#"{"style":"dinstar","base_url":"https://d","username":"a","ports":[32]}"#,
                "ports",
            ),
            (
                r#"{"style":"dinstar","base_url":"https://d","username":"a","sim_numbers":{"x":"1"}}"#,
                "sim_numbers",
            ),
            (
                r#"{"style":"dinstar","base_url":"https://d","username":"a","max_segments":0}"#,
                "max_segments",
            ),
            (
                r#"{"style":"dinstar","base_url":"https://d","username":"a","max_per_second":0}"#,
                "max_per_second",
            ),
        ];
        for (json, key) in cases {
            let error = load(json).expect_err(json);
            assert_eq!(error.code, "bad-config");
            assert!(error.message.contains(key), "{json}: {}", error.message);
        }
    }
}
