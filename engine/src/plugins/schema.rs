//! A plugin's config schema: checked when the plugin is installed, applied when a campaign or
//! connector binds the plugin, and the source of the default config.

use jsonschema::Validator;
use serde_json::{Map, Value};

use super::PluginError;

/// Errors listed per rejected config, at most; the rest are summarised.
const MAX_REPORTED_ERRORS: usize = 5;

/// A compiled JSON Schema and the default config it implies.
pub struct ConfigSchema {
    validator: Validator,
    default: Value,
}

impl ConfigSchema {
    /// Compiles `text` (a JSON Schema); a bad schema is the plugin's fault.
    pub fn compile(text: &str) -> Result<Self, PluginError> {
        let schema: Value = serde_json::from_str(text)
            .map_err(|e| PluginError::BadDescription(format!("config schema is not JSON: {e}")))?;
        let validator = jsonschema::validator_for(&schema).map_err(|e| {
            PluginError::BadDescription(format!("config schema is not a valid JSON Schema: {e}"))
        })?;
        Ok(Self {
            default: default_config(&schema),
            validator,
        })
    }

    /// Checks a config (JSON text; empty means `{}`) and returns it parsed.
    pub fn validate(&self, config: &str) -> Result<Value, PluginError> {
        let value: Value = if config.trim().is_empty() {
            Value::Object(Map::new())
        } else {
            serde_json::from_str(config)
                .map_err(|e| PluginError::BadConfig(format!("config is not JSON: {e}")))?
        };
        let errors: Vec<String> = self
            .validator
            .iter_errors(&value)
            .take(MAX_REPORTED_ERRORS)
            .map(|e| format!("at '{}': {e}", e.instance_path()))
            .collect();
        if errors.is_empty() {
            Ok(value)
        } else {
            Err(PluginError::BadConfig(errors.join("; ")))
        }
    }

    /// The config a campaign gets when it sets nothing: the schema's top-level `default`, or
    /// else an object of every property's `default`.
    pub fn default_config(&self) -> &Value {
        &self.default
    }
}

fn default_config(schema: &Value) -> Value {
    if let Some(default) = schema.get("default") {
        return default.clone();
    }
    let mut config = Map::new();
    if let Some(Value::Object(properties)) = schema.get("properties") {
        for (name, property) in properties {
            if let Some(default) = property.get("default") {
                config.insert(name.clone(), default.clone());
            }
        }
    }
    Value::Object(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str = r#"{
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "relax_after_seconds": { "type": "integer", "minimum": 0, "default": 60 },
            "order": { "enum": ["least-busy", "longest-idle"], "default": "least-busy" }
        }
    }"#;

    #[test]
    fn default_config_collects_property_defaults() {
        let schema = ConfigSchema::compile(SCHEMA).expect("schema");
        assert_eq!(
            schema.default_config(),
            &serde_json::json!({"relax_after_seconds": 60, "order": "least-busy"})
        );
        schema
            .validate(&schema.default_config().to_string())
            .expect("default config is valid");
    }

    #[test]
    fn config_violating_the_schema_is_rejected_with_the_path() {
        let schema = ConfigSchema::compile(SCHEMA).expect("schema");
        let error = schema
            .validate(r#"{"relax_after_seconds": -1}"#)
            .expect_err("negative");
        assert!(
            matches!(&error, PluginError::BadConfig(m) if m.contains("relax_after_seconds")),
            "{error}"
        );
        assert!(matches!(
            schema.validate(r#"{"colour": 1}"#),
            Err(PluginError::BadConfig(_))
        ));
        assert!(matches!(
            schema.validate("{not json"),
            Err(PluginError::BadConfig(_))
        ));
        assert!(schema.validate("").is_ok(), "empty config means {{}}");
    }

    #[test]
    fn invalid_schema_is_the_plugins_fault() {
        assert!(matches!(
            ConfigSchema::compile("nope"),
            Err(PluginError::BadDescription(_))
        ));
        assert!(matches!(
            ConfigSchema::compile(r#"{"type": 12}"#),
            Err(PluginError::BadDescription(_))
        ));
    }
}
