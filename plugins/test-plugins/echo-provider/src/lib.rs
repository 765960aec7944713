//! `echo-provider`: the smallest provider adapter. Sends a text as a JSON `POST` to the `url`
//! in its config, and reads a webhook body `{"id", "from", "text"}` as an inbound message.
//! Proves the provider world builds and loads.

use serde::Deserialize;
use switchboard_sdk::provider::{
    CapabilitySet, Channel, ContactAddress, Content, Event, Failure, HttpRequest, HttpResponse,
    InboundMessage, Outbound, Pair, Provider, Receipt, SendError, TemplateRule, WebhookError,
    WebhookRequest, WebhookResult,
};
use switchboard_sdk::{PluginError, PluginInfo, PluginKind};

/// The plugin.
pub struct EchoProvider;

/// The settings.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Where sends are posted.
    pub url: String,
    /// The business number inbound messages are addressed to.
    pub number: String,
}

/// The webhook body.
#[derive(Deserialize)]
struct Inbound {
    id: String,
    from: String,
    text: String,
}

const SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "url": { "description": "Where sends are posted.", "type": "string", "default": "" },
    "number": { "description": "The business number inbound messages are addressed to.", "type": "string", "default": "" }
  }
}"#;

fn failure(code: &str, message: impl Into<String>) -> Failure {
    Failure {
        code: code.to_owned(),
        message: message.into(),
    }
}

fn settings(config: &str) -> Result<Config, SendError> {
    switchboard_sdk::config(config).map_err(|e| SendError::Permanent(failure(&e.code, e.message)))
}

impl Provider for EchoProvider {
    fn describe() -> PluginInfo {
        PluginInfo::new(
            PluginKind::Provider,
            "echo-provider",
            env!("CARGO_PKG_VERSION"),
        )
        .with_description("Test plugin: posts texts to a URL, reads a JSON webhook.")
        .with_config_schema(SCHEMA)
    }

    fn capabilities(config: &str) -> Result<CapabilitySet, PluginError> {
        switchboard_sdk::config::<Config>(config)?;
        Ok(CapabilitySet {
            channels: vec![Channel::Sms],
            session_window_ms: None,
            templates: TemplateRule::None,
            max_per_second: 10,
            signed_webhooks: false,
            needs_auth: false,
            media_fetch: false,
            media_send: false,
            poll_interval_ms: None,
            max_text_length: 1600,
        })
    }

    fn prepare_send(
        config: &str,
        _auth: Option<&str>,
        message: Outbound,
    ) -> Result<HttpRequest, SendError> {
        let Config { url, .. } = settings(config)?;
        let Content::Text(text) = &message.content else {
            return Err(SendError::Permanent(failure(
                "unsupported",
                "echo-provider sends text only",
            )));
        };
        let body =
            serde_json::json!({ "id": message.message_id, "to": message.to.number, "text": text });
        let headers = vec![Pair {
            name: "content-type".into(),
            value: "application/json".into(),
        }];
        Ok(HttpRequest {
            method: "POST".into(),
            url,
            headers,
            body: body.to_string().into_bytes(),
        })
    }

    fn read_send_response(
        _config: &str,
        message: Outbound,
        response: HttpResponse,
    ) -> Result<Receipt, SendError> {
        if !(200..300).contains(&response.status) {
            return Err(SendError::Permanent(failure(
                &response.status.to_string(),
                "send refused",
            )));
        }
        Ok(Receipt {
            provider_message_id: message.message_id.to_string(),
            recipient: None,
        })
    }

    fn handle_webhook(
        config: &str,
        request: WebhookRequest,
    ) -> Result<WebhookResult, WebhookError> {
        let Config { number, .. } =
            switchboard_sdk::config(config).map_err(switchboard_sdk::provider::unavailable)?;
        let inbound: Inbound = serde_json::from_slice(&request.body)
            .map_err(|e| WebhookError::Malformed(e.to_string()))?;
        let message = InboundMessage {
            provider_message_id: inbound.id,
            from: ContactAddress {
                number: Some(inbound.from),
                user_id: None,
                display_name: None,
            },
            to: number,
            at_ms: 0,
            content: Content::Text(inbound.text),
            reply_to: None,
            attachments: Vec::new(),
            attributes: Vec::new(),
        };
        let response = HttpResponse {
            status: 200,
            headers: Vec::new(),
            body: Vec::new(),
        };
        Ok(WebhookResult {
            response,
            events: vec![Event::Message(message)],
        })
    }
}

switchboard_sdk::export_provider!(EchoProvider);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn send_posts_json_to_the_configured_url() {
        let request = EchoProvider::prepare_send(
            r#"{"url": "http://sink/send"}"#,
            None,
            switchboard_sdk::testing::outbound(Content::Text("hi".into())),
        )
        .expect("builds");
        assert_eq!(
            (request.method.as_str(), request.url.as_str()),
            ("POST", "http://sink/send")
        );
        let body: serde_json::Value = serde_json::from_slice(&request.body).expect("json");
        assert_eq!(
            body,
            serde_json::json!({ "id": 42, "to": "+5491155550123", "text": "hi" })
        );
    }

    #[test]
    fn webhook_body_becomes_an_inbound_message() {
        let request = switchboard_sdk::testing::webhook_request(
            "POST",
            "https://example.test/webhooks/echo",
            Vec::new(),
            br#"{"id": "m1", "from": "+15550100", "text": "hello"}"#,
        );
        let result =
            EchoProvider::handle_webhook(r#"{"number": "+15550199"}"#, request).expect("parses");
        let [Event::Message(message)] = result.events.as_slice() else {
            panic!("one message")
        };
        assert_eq!(message.provider_message_id, "m1");
        assert_eq!(message.content, Content::Text("hello".into()));
        assert_eq!(message.to, "+15550199");
    }

    #[test]
    fn malformed_webhook_is_refused() {
        let request = switchboard_sdk::testing::webhook_request("POST", "", Vec::new(), b"{");
        assert!(matches!(
            EchoProvider::handle_webhook("", request.clone()),
            Err(WebhookError::Malformed(_))
        ));
        assert!(matches!(
            EchoProvider::handle_webhook(r#"{"nmber": "+1"}"#, request),
            Err(WebhookError::Unavailable(_))
        ));
    }
}
