//! The connector's settings: which number, which credentials, which Graph API.

use serde::Deserialize;
use switchboard_sdk::PluginError;

/// JSON Schema (draft 2020-12) of [`Config`], returned by `describe`.
pub const SCHEMA: &str = include_str!("config_schema.json");

/// The Graph API base URL unless configured.
pub const DEFAULT_GRAPH_BASE_URL: &str = "https://graph.facebook.com";

/// The Graph API version unless configured (the one current test suites use, providers.md §2).
pub const DEFAULT_API_VERSION: &str = "v25.0";

/// One business phone number on the Cloud API. Every field is documented in
/// `config_schema.json`; the host validates against it, [`Config::load`] checks again because
/// an empty secret would make every signature check pass.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Id of the business phone number (sends go to `/{phone_number_id}/messages`).
    pub phone_number_id: String,
    /// System-user token for `Authorization: Bearer`.
    pub access_token: String,
    /// Key of the webhook HMAC.
    pub app_secret: String,
    /// Token of the GET verification challenge.
    pub verify_token: String,
    /// Graph API base URL, without a trailing `/`.
    pub graph_base_url: String,
    /// Graph API version (`v25.0`).
    pub api_version: String,
    /// WhatsApp Business Account id, to ignore other accounts' entries.
    pub waba_id: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            phone_number_id: String::new(),
            access_token: String::new(),
            app_secret: String::new(),
            verify_token: String::new(),
            graph_base_url: DEFAULT_GRAPH_BASE_URL.to_owned(),
            api_version: DEFAULT_API_VERSION.to_owned(),
            waba_id: None,
        }
    }
}

impl Config {
    /// Parses and checks the connector's JSON config. Errors have code `bad-config` and name
    /// the key.
    pub fn load(json: &str) -> Result<Config, PluginError> {
        let mut config: Config = switchboard_sdk::config(json)?;
        config.graph_base_url = config.graph_base_url.trim_end_matches('/').to_owned();
        config.check()?;
        Ok(config)
    }

    /// `{graph_base_url}/{api_version}/{path}`.
    pub fn graph_url(&self, path: &str) -> String {
        format!("{}/{}/{path}", self.graph_base_url, self.api_version)
    }

    fn check(&self) -> Result<(), PluginError> {
        let bad = |key: &str, why: &str| Err(PluginError::bad_config(format!("`{key}` {why}")));
        if !is_graph_id(&self.phone_number_id) {
            return bad(
                "phone_number_id",
                "must be the numeric id of the phone number",
            );
        }
        if let Some(waba) = &self.waba_id
            && !is_graph_id(waba)
        {
            return bad("waba_id", "must be the numeric id of the business account");
        }
        for (key, value) in [
            ("access_token", &self.access_token),
            ("app_secret", &self.app_secret),
            ("verify_token", &self.verify_token),
        ] {
            if value.trim().is_empty() {
                return bad(key, "is required");
            }
        }
        if !is_version(&self.api_version) {
            return bad("api_version", "must look like `v25.0`");
        }
        let scheme_ok = ["https://", "http://"]
            .iter()
            .any(|s| self.graph_base_url.starts_with(s) && self.graph_base_url.len() > s.len());
        if !scheme_ok || self.graph_base_url.contains(['?', '#', ' ']) {
            return bad("graph_base_url", "must be an http(s) URL without query");
        }
        Ok(())
    }
}

/// Graph object ids (phone number, WABA, media) are decimal digits.
pub fn is_graph_id(id: &str) -> bool {
    (1..=32).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit())
}

fn is_version(version: &str) -> bool {
    let Some((major, minor)) = version
        .strip_prefix('v')
        .and_then(|rest| rest.split_once('.'))
    else {
        return false;
    };
    [major, minor]
        .iter()
        .all(|part| (1..=3).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"{"phone_number_id": "106540352242922", "access_token": "t",
        "app_secret": "s", "verify_token": "v"}"#;

    #[test]
    fn defaults_fill_the_optional_keys() {
        let config = Config::load(MINIMAL).expect("valid");
        assert_eq!(config.graph_base_url, "https://graph.facebook.com");
        assert_eq!(
            config.graph_url("1/messages"),
            "https://graph.facebook.com/v25.0/1/messages"
        );
        assert_eq!(config.waba_id, None);
    }

    #[test]
    fn trailing_slash_of_the_base_url_is_dropped() {
        let json = MINIMAL.replace('}', r#", "graph_base_url": "http://mock:8080/graph/"}"#);
        let config = Config::load(&json).expect("valid");
        assert_eq!(config.graph_url("m"), "http://mock:8080/graph/v25.0/m");
    }

    fn with(key: &str, value: serde_json::Value) -> String {
        let mut json: serde_json::Value = serde_json::from_str(MINIMAL).expect("json");
        json[key] = value;
        json.to_string()
    }

    #[test]
    fn bad_values_name_their_key() {
        for (key, value) in [
            ("phone_number_id", "+1555"),
            ("app_secret", ""),
            ("verify_token", " "),
            ("access_token", ""),
            ("api_version", "25.0"),
            ("graph_base_url", "ftp://x"),
            ("waba_id", "abc"),
            ("apps_secret", "x"),
        ] {
            let error = Config::load(&with(key, value.into())).expect_err(key);
            assert_eq!(error.code, "bad-config");
            assert!(error.message.contains(key), "{key}: {}", error.message);
        }
    }

    #[test]
    fn schema_documents_every_field_and_marks_secrets() {
        let schema: serde_json::Value = serde_json::from_str(SCHEMA).expect("schema is JSON");
        assert_eq!(schema["additionalProperties"], false);
        let properties = schema["properties"].as_object().expect("properties");
        let fields = [
            "phone_number_id",
            "access_token",
            "app_secret",
            "verify_token",
            "graph_base_url",
            "api_version",
            "waba_id",
        ];
        assert_eq!(properties.len(), fields.len());
        for field in fields {
            let property = &properties[field];
            assert!(property["description"].is_string(), "{field} documented");
            let secret = matches!(field, "access_token" | "app_secret" | "verify_token");
            assert_eq!(property["writeOnly"] == true, secret, "{field} writeOnly");
        }
        assert_eq!(
            properties["api_version"]["default"], DEFAULT_API_VERSION,
            "schema default matches the code"
        );
        assert_eq!(
            properties["graph_base_url"]["default"],
            DEFAULT_GRAPH_BASE_URL
        );
    }
}
