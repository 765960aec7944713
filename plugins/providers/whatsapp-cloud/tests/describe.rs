//! What the plugin says about itself and what the API can do.

use provider_whatsapp_cloud::WhatsAppCloud;
use switchboard_sdk::PluginKind;
use switchboard_sdk::provider::*;

#[test]
fn describe_names_a_provider_with_a_strict_schema() {
    let info = WhatsAppCloud::describe();
    assert_eq!(info.name, "whatsapp-cloud");
    assert_eq!(info.kind, PluginKind::Provider);
    assert_eq!(info.version, "1.0.0");
    assert!(!info.description.is_empty());
    let schema: serde_json::Value = serde_json::from_str(&info.config_schema).expect("JSON");
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(schema["additionalProperties"], false);
}

#[test]
fn capabilities_are_whatsapps_and_need_a_usable_config() {
    let error = WhatsAppCloud::capabilities("").expect_err("no credentials");
    assert_eq!(error.code, "bad-config");
    let config = serde_json::json!({"phone_number_id": "1", "access_token": "t",
        "app_secret": "s", "verify_token": "v"});
    let caps = WhatsAppCloud::capabilities(&config.to_string()).expect("capabilities");
    assert_eq!(caps.channels, [Channel::Whatsapp]);
    assert_eq!(caps.session_window_ms, Some(86_400_000));
    assert_eq!(caps.templates, TemplateRule::RequiredOutsideWindow);
    assert_eq!(caps.max_per_second, 80);
    assert!(caps.signed_webhooks && caps.media_fetch && caps.media_send);
    assert!(!caps.needs_auth);
    assert_eq!((caps.poll_interval_ms, caps.max_text_length), (None, 4096));
}
