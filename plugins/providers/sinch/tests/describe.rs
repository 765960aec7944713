//! What the plugin says about itself and what each config can do.

mod common;

use common::{CONVERSATION, CONVERSATION_SMS, WAVY};
use provider_sinch::Sinch;
use provider_sinch::config;
use serde_json::{Value, json};
use switchboard_sdk::PluginKind;
use switchboard_sdk::provider::{Channel, Provider, TemplateRule};

fn schema() -> Value {
    serde_json::from_str(&Sinch::describe().config_schema).expect("schema is JSON")
}

fn branch(api: &str) -> Value {
    schema()["oneOf"]
        .as_array()
        .expect("oneOf")
        .iter()
        .find(|b| b["properties"]["api"]["const"] == api)
        .cloned()
        .unwrap_or_else(|| panic!("no branch for {api}"))
}

#[test]
fn describe_names_a_provider_called_sinch() {
    let info = Sinch::describe();
    assert_eq!(
        (info.name.as_str(), info.kind),
        ("sinch", PluginKind::Provider)
    );
    assert_eq!(info.version, "1.0.0");
    assert!(!info.description.is_empty());
    assert_eq!(
        schema()["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
}

#[test]
fn every_branch_is_closed_documented_and_hides_its_secrets() {
    for (api, secrets) in [
        ("conversation", vec!["key_secret", "webhook_secret"]),
        ("wavy", vec!["token"]),
    ] {
        let branch = branch(api);
        assert_eq!(branch["additionalProperties"], false, "{api}");
        let properties = branch["properties"].as_object().expect("properties");
        for (name, property) in properties {
            let described = property["description"].as_str().unwrap_or_default();
            assert!(!described.is_empty(), "{api}.{name} has no description");
            let write_only = property.get("writeOnly") == Some(&json!(true));
            assert_eq!(write_only, secrets.contains(&name.as_str()), "{api}.{name}");
        }
        for required in branch["required"].as_array().expect("required") {
            let required = required.as_str().expect("name");
            assert!(properties.contains_key(required), "{api}.{required}");
        }
    }
}

/// A config holding every property of a schema branch, with a valid value for each.
fn full_config(api: &str) -> Value {
    let branch = branch(api);
    let mut config = serde_json::Map::new();
    for (name, property) in branch["properties"].as_object().expect("properties") {
        let value = if let Some(constant) = property.get("const") {
            constant.clone()
        } else if let Some(first) = property["enum"].as_array().and_then(|e| e.last()) {
            first.clone()
        } else if property["type"] == "integer" {
            json!(3)
        } else if property["pattern"] == "^https?://" {
            json!("https://proxy.test")
        } else {
            json!("value")
        };
        config.insert(name.clone(), value);
    }
    Value::Object(config)
}

#[test]
fn the_schema_and_the_parser_accept_the_same_keys() {
    for api in ["conversation", "wavy"] {
        let full = full_config(api);
        config::load(&full.to_string())
            .unwrap_or_else(|e| panic!("{api}: every schema key parses: {}", e.message));
        let mut extra = full.clone();
        extra["unknown_key"] = json!("x");
        let error = config::load(&extra.to_string()).expect_err("unknown key");
        assert!(error.message.contains("unknown_key"), "{}", error.message);
    }
}

#[test]
fn conversation_whatsapp_needs_a_token_and_signs_callbacks() {
    let c = Sinch::capabilities(CONVERSATION).expect("capabilities");
    assert_eq!(c.channels, [Channel::Whatsapp]);
    assert!(c.needs_auth && c.signed_webhooks && c.media_send && !c.media_fetch);
    assert_eq!(c.session_window_ms, Some(24 * 60 * 60 * 1000));
    assert_eq!(c.templates, TemplateRule::RequiredOutsideWindow);
    assert_eq!((c.max_per_second, c.max_text_length), (20, 4096));
    assert_eq!(c.poll_interval_ms, None);
}

#[test]
fn conversation_sms_has_no_window_and_without_a_secret_is_unsigned() {
    let c = Sinch::capabilities(CONVERSATION_SMS).expect("capabilities");
    assert_eq!(c.channels, [Channel::Sms]);
    assert!(c.needs_auth && !c.signed_webhooks);
    assert_eq!(
        (c.session_window_ms, c.templates),
        (None, TemplateRule::None)
    );
    assert_eq!(c.max_per_second, 5);
}

#[test]
fn wavy_needs_no_token_and_its_callbacks_are_unsigned() {
    let c = Sinch::capabilities(WAVY).expect("capabilities");
    assert_eq!(c.channels, [Channel::Whatsapp]);
    assert!(!c.needs_auth && !c.signed_webhooks && c.media_send);
    assert_eq!(c.templates, TemplateRule::RequiredOutsideWindow);
}

#[test]
fn a_broken_config_has_no_capabilities() {
    let error = Sinch::capabilities(r#"{"api": "wavy"}"#).expect_err("no credentials");
    assert_eq!(error.code, "bad-config");
    assert!(error.message.contains("username"), "{}", error.message);
}
