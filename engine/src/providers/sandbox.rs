//! The engine playing provider, for the demo, the customer simulator and tests.
//!
//! A connector using the `sandbox` plugin sends to this server's `/sandbox/outbox` (its
//! `outbox_url`; the sending number tells the connector): the message is kept here, readable through the API, and answered with
//! an id; a `delivered` status follows through the connector's real webhook path. Customer
//! messages are injected the same way: built as the sandbox plugin's webhook body and handed to
//! [`Messaging::intake`], so they meet exactly what a real provider's would.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::clock;

use super::Messaging;
use super::intake::{Accepted, IncomingWebhook, IntakeError};

/// Outbound messages kept per connector; older ones are dropped.
const KEPT: usize = 1_000;

/// A message a sandbox connector "sent".
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SandboxMessage {
    /// Position in this connector's outbox, from 1.
    pub seq: u64,
    /// The id the sandbox gave it (what statuses refer to).
    pub id: String,
    /// The engine's message id.
    pub message_id: Option<u64>,
    /// Sending number.
    pub from: String,
    /// Recipient.
    #[schema(value_type = Object)]
    pub to: Value,
    /// Content as the sandbox plugin rendered it.
    #[schema(value_type = Object)]
    pub content: Value,
    /// When it arrived, ms.
    pub at_ms: i64,
}

/// A customer message to inject.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InjectMessage {
    /// The customer's number (E.164).
    pub from: String,
    /// The customer's display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Business number written to; the connector's first number when absent.
    #[serde(default)]
    pub to: Option<String>,
    /// Text to send.
    #[serde(default)]
    pub text: Option<String>,
    /// Any content instead of text, in the sandbox plugin's form.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub content: Option<Value>,
    /// Provider message id; a fresh one when absent (give one to test deduplication).
    #[serde(default)]
    pub id: Option<String>,
}

/// A status to report for a sandbox message.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InjectStatus {
    /// The sandbox id of the message.
    pub id: String,
    /// sent, delivered, read or failed.
    pub state: String,
    /// Error code when failed (`window-closed` for a closed window).
    #[serde(default)]
    pub error_code: Option<String>,
}

/// The sandbox's memory.
#[derive(Default)]
pub struct Sandbox {
    outboxes: Mutex<HashMap<i64, VecDeque<SandboxMessage>>>,
    next: AtomicU64,
}

impl Sandbox {
    /// Keeps a sent message and returns its sandbox id.
    pub fn keep(&self, connector_id: i64, body: &Value) -> SandboxMessage {
        let n = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let mut outboxes = self.outboxes.lock().unwrap_or_else(PoisonError::into_inner);
        let outbox = outboxes.entry(connector_id).or_default();
        let message = SandboxMessage {
            seq: outbox.back().map_or(1, |m| m.seq + 1),
            id: format!("sbx-{n}"),
            message_id: body.get("message_id").and_then(Value::as_u64),
            from: body
                .get("from")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            to: body.get("to").cloned().unwrap_or(Value::Null),
            content: body.get("content").cloned().unwrap_or(Value::Null),
            at_ms: clock::now_ms(),
        };
        outbox.push_back(message.clone());
        if outbox.len() > KEPT {
            outbox.pop_front();
        }
        message
    }

    /// A connector's kept messages after position `after`.
    pub fn outbox(&self, connector_id: i64, after: u64) -> Vec<SandboxMessage> {
        let outboxes = self.outboxes.lock().unwrap_or_else(PoisonError::into_inner);
        outboxes
            .get(&connector_id)
            .map(|o| o.iter().filter(|m| m.seq > after).cloned().collect())
            .unwrap_or_default()
    }

    fn fresh_id(&self, prefix: &str) -> String {
        let n = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        format!("{prefix}-{}-{n}", clock::now_ms())
    }
}

impl Messaging {
    /// Injects a customer message into a sandbox connector, through its webhook path.
    pub async fn sandbox_inbound(
        &self,
        connector_id: i64,
        message: InjectMessage,
    ) -> Result<Accepted, IntakeError> {
        let connector = self.sandbox_connector(connector_id)?;
        let to = match message.to {
            Some(to) => to,
            None => connector
                .numbers
                .first()
                .map(|n| n.number.clone())
                .ok_or_else(|| {
                    IntakeError::Malformed("the connector has no number; add one first".into())
                })?,
        };
        let content = match (message.content, message.text) {
            (Some(content), _) => content,
            (None, Some(text)) => json!({"type": "text", "text": text}),
            (None, None) => return Err(IntakeError::Malformed("give `text` or `content`".into())),
        };
        let event = json!({
            "type": "message",
            "id": message.id.unwrap_or_else(|| self.sandbox.fresh_id("sbx-in")),
            "from": {"number": message.from, "name": message.name},
            "to": to,
            "at_ms": clock::now_ms(),
            "content": content,
        });
        self.sandbox_webhook(&connector, json!({ "events": [event] }))
            .await
    }

    /// Reports a status for a sandbox message, through the webhook path.
    pub async fn sandbox_status(
        &self,
        connector_id: i64,
        status: InjectStatus,
    ) -> Result<Accepted, IntakeError> {
        let connector = self.sandbox_connector(connector_id)?;
        let mut event = json!({"type": "status", "id": status.id, "state": status.state, "at_ms": clock::now_ms()});
        if let Some(code) = status.error_code {
            event["error"] = json!({"code": code, "message": "reported through the sandbox"});
        }
        self.sandbox_webhook(&connector, json!({ "events": [event] }))
            .await
    }

    /// Keeps a message a sandbox connector sends, and reports it delivered right after.
    pub fn sandbox_send(
        self: &std::sync::Arc<Self>,
        connector_id: i64,
        body: &Value,
    ) -> SandboxMessage {
        let kept = self.sandbox.keep(connector_id, body);
        let messaging = self.clone();
        let id = kept.id.clone();
        tokio::spawn(async move {
            let status = InjectStatus {
                id,
                state: "delivered".into(),
                error_code: None,
            };
            if let Err(error) = messaging.sandbox_status(connector_id, status).await {
                tracing::warn!(connector = connector_id, %error, "the sandbox could not report a delivery");
            }
        });
        kept
    }

    fn sandbox_connector(
        &self,
        id: i64,
    ) -> Result<std::sync::Arc<super::connectors::LiveConnector>, IntakeError> {
        self.connectors
            .get(id)
            .filter(|c| c.plugin == "sandbox")
            .ok_or(IntakeError::UnknownUrl)
    }

    async fn sandbox_webhook(
        &self,
        connector: &super::connectors::LiveConnector,
        body: Value,
    ) -> Result<Accepted, IntakeError> {
        self.intake(IncomingWebhook {
            connector_id: connector.id,
            secret: connector.webhook_secret.clone(),
            method: "POST".into(),
            path_and_query: format!("/webhooks/{}/{}", connector.id, connector.webhook_secret),
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
            peer: IpAddr::V4(Ipv4Addr::LOCALHOST),
        })
        .await
    }
}
