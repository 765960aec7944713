//! `switchboard plugin webhook`: a provider plugin's webhook handling run offline on a saved
//! request, printing the normalized events or the refusal. How an integrator debugs an adapter
//! against a real payload and signature.

use std::sync::Arc;

use serde::Serialize;
use serde_json::{Value, json};

use super::convert;
use super::errors::send_error_parts;
use crate::plugins::bindings::common::{ContactAddress, Pair};
use crate::plugins::offline::{PluginSource, bundled_by_name, load};
use crate::plugins::provider::{self as calls, DeliveryState, Event, WebhookError, WebhookRequest};
use crate::plugins::registry::RegistryLimits;
use crate::plugins::{PluginError, Runtime};

/// What `plugin webhook` prints.
#[derive(Debug, Serialize)]
pub struct WebhookReport {
    /// Plugin name.
    pub plugin: String,
    /// Its version.
    pub version: String,
    /// Whether the plugin accepted the request.
    pub accepted: bool,
    /// The HTTP answer the engine would give.
    pub status: u16,
    /// The answer's body, as text.
    pub response_body: String,
    /// The normalized events, in order.
    pub events: Vec<Value>,
    /// Why it was refused (unauthorized, malformed, unavailable).
    pub error: Option<String>,
}

/// The request to replay.
pub struct SavedRequest {
    /// GET or POST.
    pub method: String,
    /// The public URL the provider called, query included.
    pub url: String,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// Raw body.
    pub body: Vec<u8>,
}

/// Runs `handle-webhook` of a provider plugin on `request` with `config`.
pub async fn webhook(
    runtime: &Arc<Runtime>,
    source: PluginSource,
    config: &str,
    request: SavedRequest,
) -> Result<WebhookReport, PluginError> {
    let wasm = match source {
        PluginSource::File(bytes) => bytes,
        PluginSource::Bundled(name) => bundled_by_name(runtime, &name).await?,
    };
    let plugin = load(runtime, wasm).await?;
    plugin.schema.validate(config)?;
    let request = WebhookRequest {
        method: request.method,
        url: request.url,
        headers: request
            .headers
            .into_iter()
            .map(|(name, value)| Pair { name, value })
            .collect(),
        body: request.body,
        peer_addr: "127.0.0.1".into(),
        received_at_ms: u64::try_from(crate::clock::now_ms()).unwrap_or(0),
    };
    let answer = calls::handle_webhook(
        runtime,
        &plugin,
        RegistryLimits::default().provider,
        config,
        &request,
    )
    .await?;
    let (plugin, version) = (plugin.info.name.clone(), plugin.info.version.clone());
    Ok(match answer {
        Ok(result) => WebhookReport {
            plugin,
            version,
            accepted: true,
            status: result.response.status,
            response_body: String::from_utf8_lossy(&result.response.body).into_owned(),
            events: result.events.into_iter().map(event_json).collect(),
            error: None,
        },
        Err(error) => {
            let (status, why) = match error {
                WebhookError::Unauthorized(why) => (401, format!("unauthorized: {why}")),
                WebhookError::Malformed(why) => (400, format!("malformed: {why}")),
                WebhookError::Unavailable(why) => (503, format!("unavailable: {why}")),
            };
            WebhookReport {
                plugin,
                version,
                accepted: false,
                status,
                response_body: String::new(),
                events: Vec::new(),
                error: Some(why),
            }
        }
    })
}

fn address(a: ContactAddress) -> Value {
    json!({"number": a.number, "user_id": a.user_id, "name": a.display_name})
}

/// An event as JSON, content in the engine's form.
pub fn event_json(event: Event) -> Value {
    match event {
        Event::Message(m) => json!({
            "type": "message",
            "provider_message_id": m.provider_message_id,
            "from": address(m.from),
            "to": m.to,
            "at_ms": m.at_ms,
            "content": convert::from_wit(m.content),
            "attachments": m.attachments.into_iter().map(convert::media_from_wit).collect::<Vec<_>>(),
            "attributes": m.attributes.into_iter().map(|p| (p.name, Value::String(p.value))).collect::<serde_json::Map<_, _>>(),
            "reply_to": m.reply_to,
        }),
        Event::Status(s) => json!({
            "type": "status",
            "provider_message_id": s.provider_message_id,
            "state": match s.state {
                DeliveryState::Sent => "sent",
                DeliveryState::Delivered => "delivered",
                DeliveryState::Read => "read",
                DeliveryState::Failed => "failed",
            },
            "at_ms": s.at_ms,
            "error": s.error.as_ref().map(send_error_parts),
            "message_id": s.message_id,
            "recipient": s.recipient.map(address),
            "aliases": s.aliases,
        }),
        Event::Template(t) => json!({
            "type": "template",
            "name": t.name,
            "language": t.language,
            "status": t.status,
            "reason": t.reason,
        }),
    }
}
