//! What the plugin says about itself, and its config schema kept honest: every field
//! documented, secrets write-only, and each style's fields exactly those the parser takes.

mod common;

use common::*;
use provider_http_gateway::HttpGateway;
use serde_json::{Map, Value};
use switchboard_sdk::PluginKind;
use switchboard_sdk::provider::Provider;

fn schema() -> Value {
    serde_json::from_str(&HttpGateway::describe().config_schema).expect("the schema is JSON")
}

fn branch(style: &str) -> Map<String, Value> {
    schema()["oneOf"]
        .as_array()
        .expect("oneOf")
        .iter()
        .find(|b| b["properties"]["style"]["const"] == style)
        .and_then(Value::as_object)
        .cloned()
        .expect("a branch per style")
}

#[test]
fn describe_names_the_plugin() {
    let info = HttpGateway::describe();
    assert_eq!(info.name, "http-gateway");
    assert_eq!(info.version, "1.0.0");
    assert_eq!(info.kind, PluginKind::Provider);
    assert!(info.description.contains("Kannel") && info.description.contains("Dinstar"));
    assert_eq!(
        schema()["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
}

#[test]
fn every_property_is_documented_and_secrets_are_write_only() {
    for style in ["kannel", "dinstar"] {
        let branch = branch(style);
        assert_eq!(branch["additionalProperties"], false, "{style}");
        assert!(branch["description"].is_string());
        for (name, property) in branch["properties"].as_object().expect("properties") {
            assert!(
                property["description"].is_string(),
                "{style}.{name} undocumented"
            );
            assert_eq!(
                property.get("writeOnly") == Some(&Value::Bool(true)),
                name == "password",
                "{style}.{name}"
            );
        }
    }
}

#[test]
fn the_kannel_description_gives_the_get_url_this_adapter_reads() {
    let description = branch("kannel")["description"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    assert!(description.contains(
        "get-url = \"<connector webhook URL>?id=%I&from=%p&to=%P&text=%b&coding=%c&charset=%C&ts=%T&smsc=%i\""
    ));
    assert!(description.contains("max-messages = 0"));
    let readme = include_str!("../README.md");
    assert!(readme.contains("id=%I&from=%p&to=%P&text=%b&coding=%c&charset=%C&ts=%T&smsc=%i"));
}

/// A config with every property of the branch set to its default (or an example).
fn full_config(style: &str) -> Value {
    let mut config = Map::new();
    for (name, property) in branch(style)["properties"].as_object().expect("properties") {
        let value = match (name.as_str(), property.get("default")) {
            ("style", _) => Value::String(style.into()),
            ("sendsms_url" | "base_url", _) => Value::String("http://gw.test/x".into()),
            ("dlr_url_base", _) => Value::String("http://engine.test/hooks/s".into()),
            (_, Some(default)) => default.clone(),
            _ => Value::String("x".into()),
        };
        config.insert(name.clone(), value);
    }
    Value::Object(config)
}

#[test]
fn each_style_takes_exactly_the_schemas_properties() {
    for style in ["kannel", "dinstar"] {
        let config = full_config(style).to_string();
        let caps = HttpGateway::prepare_poll(&config, None, None);
        // A config the parser refused would say `bad-config`.
        assert!(
            caps.as_ref().err().is_none_or(|e| e.code != "bad-config"),
            "{style}: {caps:?}"
        );
        let mut extra = full_config(style);
        extra["not_in_schema"] = Value::Bool(true);
        let refused =
            HttpGateway::prepare_poll(&extra.to_string(), None, None).expect_err("refused");
        assert_eq!(refused.code, "bad-config");
    }
}

#[test]
fn schema_defaults_are_the_parsers_defaults() {
    // A minimal config and one with every default spelled out behave the same.
    let minimal = KANNEL;
    let mut full = full_config("kannel");
    full["sendsms_url"] = "http://127.0.0.1:13013/cgi-bin/sendsms".into();
    full["username"] = "switchboard".into();
    full["password"] = "s3cret".into();
    full["dlr_url_base"] = Value::Null;
    let send = |config: &str| HttpGateway::prepare_send(config, None, outbound("hi"));
    assert_eq!(send(minimal), send(&full.to_string()));
    assert_eq!(
        HttpGateway::capabilities(minimal),
        HttpGateway::capabilities(&full.to_string())
    );
    let mut full = full_config("dinstar");
    full["base_url"] = "https://192.168.1.20/".into();
    full["username"] = "admin".into();
    full["password"] = "pw".into();
    let minimal = r#"{"style":"dinstar","base_url":"https://192.168.1.20/","username":"admin","password":"pw"}"#;
    let poll = |config: &str| HttpGateway::prepare_poll(config, None, None);
    assert_eq!(poll(minimal), poll(&full.to_string()));
    assert_eq!(
        HttpGateway::capabilities(minimal),
        HttpGateway::capabilities(&full.to_string())
    );
}
