//! Strict parsing of a strategy's JSON config: empty means defaults, unknown keys are errors.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::RouteError;

/// Parses `config` (a JSON object) once per pass. An empty (or all-blank) string means the
/// defaults, as does `{}` for structs whose fields all have defaults.
pub(crate) fn parse<T: DeserializeOwned + Default>(config: &str) -> Result<T, RouteError> {
    if config.trim().is_empty() {
        return Ok(T::default());
    }
    // serde would also read a struct from a JSON array; a config is always an object.
    if !config.trim_start().starts_with('{') {
        return Err(RouteError::BadConfig(
            "the config must be a JSON object".into(),
        ));
    }
    serde_json::from_str(config).map_err(|e| RouteError::BadConfig(e.to_string()))
}

/// The config of strategies that take none: only `{}` (or an empty string) is accepted, so a
/// typo'd key is reported instead of silently ignored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoConfig {}

/// The schema of [`NoConfig`].
pub(crate) const NO_CONFIG_SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "additionalProperties": false,
  "properties": {}
}"#;

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::{Map, Value};
    use std::fmt::Debug;

    /// Asserts that `schema` describes exactly the config struct `T`: the same keys, every
    /// property documented with a default, those defaults equal to `T::default()`, unknown
    /// keys refused, and every listed enum value accepted.
    pub(crate) fn assert_schema_matches<T>(schema: &str)
    where
        T: DeserializeOwned + Serialize + Default + PartialEq + Debug,
    {
        let schema: Value = serde_json::from_str(schema).expect("schema is JSON");
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        assert_eq!(schema["type"], "object");
        assert_eq!(schema["additionalProperties"], false);
        let properties = schema["properties"].as_object().expect("properties");

        let defaults = serde_json::to_value(T::default()).expect("serialize default");
        let defaults = defaults.as_object().expect("config is an object");
        let mut schema_keys: Vec<_> = properties.keys().collect();
        let mut struct_keys: Vec<_> = defaults.keys().collect();
        schema_keys.sort();
        struct_keys.sort();
        assert_eq!(
            schema_keys, struct_keys,
            "schema and struct name the same keys"
        );

        let mut from_schema = Map::new();
        for (key, property) in properties {
            let description = property["description"].as_str().unwrap_or_default();
            assert!(!description.is_empty(), "`{key}` has a description");
            let default = property
                .get("default")
                .expect("every property has a default");
            assert_eq!(
                default, &defaults[key],
                "`{key}` default agrees with the struct"
            );
            from_schema.insert(key.clone(), default.clone());
            for allowed in property["enum"].as_array().into_iter().flatten() {
                let one = Value::Object(Map::from_iter([(key.clone(), allowed.clone())]));
                let parsed: Result<T, _> = parse(&one.to_string());
                assert!(parsed.is_ok(), "`{key}` accepts {allowed}");
            }
        }
        let parsed: T = parse(&Value::Object(from_schema).to_string()).expect("defaults parse");
        assert_eq!(parsed, T::default());
        assert!(
            parse::<T>(r#"{"no_such_key": 1}"#).is_err(),
            "unknown keys are refused"
        );
    }

    #[test]
    fn empty_config_means_defaults() {
        assert_eq!(parse::<NoConfig>(""), Ok(NoConfig {}));
        assert_eq!(parse::<NoConfig>("  \n"), Ok(NoConfig {}));
        assert_eq!(parse::<NoConfig>("{}"), Ok(NoConfig {}));
    }

    #[test]
    fn unknown_key_is_rejected_and_named() {
        let Err(RouteError::BadConfig(message)) = parse::<NoConfig>(r#"{"speed": 3}"#) else {
            panic!("unknown key accepted");
        };
        assert!(message.contains("speed"), "{message}");
    }

    #[test]
    fn no_config_schema_matches() {
        assert_schema_matches::<NoConfig>(NO_CONFIG_SCHEMA);
    }
}
