//! Reading a plugin's config.

use serde::de::DeserializeOwned;

use crate::PluginError;

/// Parses a plugin's JSON config. An empty (or blank) string means `T::default()`. Derive
/// `Deserialize` with `#[serde(deny_unknown_fields, default)]` so a typo is reported, not
/// ignored. Errors have code `bad-config` and name the offending key.
pub fn config<T: DeserializeOwned + Default>(json: &str) -> Result<T, PluginError> {
    if json.trim().is_empty() {
        return Ok(T::default());
    }
    serde_json::from_str(json).map_err(|e| PluginError::bad_config(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Default, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields, default)]
    struct Settings {
        greeting: String,
        retries: u32,
    }

    #[test]
    fn empty_config_is_the_default() {
        assert_eq!(config::<Settings>(""), Ok(Settings::default()));
        assert_eq!(config::<Settings>(" \n"), Ok(Settings::default()));
        assert_eq!(config::<Settings>("{}"), Ok(Settings::default()));
    }

    #[test]
    fn config_fields_are_read() {
        let parsed = config::<Settings>(r#"{"greeting": "hi", "retries": 3}"#);
        assert_eq!(
            parsed,
            Ok(Settings {
                greeting: "hi".into(),
                retries: 3
            })
        );
    }

    #[test]
    fn bad_config_names_the_key() {
        let error = config::<Settings>(r#"{"retry": 3}"#).expect_err("unknown key");
        assert_eq!(error.code, "bad-config");
        assert!(error.message.contains("retry"), "{}", error.message);
        assert_eq!(
            config::<Settings>(r#"{"retries": "3"}"#).map_err(|e| e.code),
            Err("bad-config".into())
        );
    }
}
