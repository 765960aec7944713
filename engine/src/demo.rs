//! What `serve --demo` adds to an empty engine: a sandbox connector with one WhatsApp number,
//! so messages flow at once through the sandbox API (and the customer simulator).

use std::net::SocketAddr;

use serde_json::json;

use crate::providers::Messaging;
use crate::providers::connectors::ConnectorInput;

/// Name of the demo's connector.
pub const CONNECTOR: &str = "demo-sandbox";
/// The demo business number.
pub const NUMBER: &str = "+5491155550100";

/// Creates the demo connector unless it exists. Failures are logged: the demo still starts.
pub async fn seed(messaging: &Messaging, address: SocketAddr) {
    if messaging
        .connectors
        .all()
        .iter()
        .any(|c| c.name == CONNECTOR)
    {
        return;
    }
    let input = ConnectorInput {
        name: CONNECTOR.into(),
        plugin: "sandbox".into(),
        config: json!({ "outbox_url": format!("http://{address}/sandbox/outbox") }),
        numbers: vec![NUMBER.into()],
        allow_ips: Vec::new(),
        enabled: true,
    };
    match messaging.connectors.create(input).await {
        Ok(view) => tracing::info!(
            connector = view.id,
            number = NUMBER,
            "demo sandbox connector created"
        ),
        Err(error) => tracing::warn!(%error, "could not create the demo sandbox connector"),
    }
}
