//! Starting the router inside the engine: its sender is the compliance gate, its bots are the
//! bot plugins, and intake hands it new messages.

use std::sync::Arc;

use super::bot_steps::BotStep;
use super::core::RouterSettings;
use super::effects::{BotCall, Outgoing};
use super::hub::Hub;
use super::task::{BotRunner, LogoutHook, Router, RouterDeps, Sender};
use crate::clock;
use crate::conversations::compliance::SendRequest;
use crate::providers::Messaging;
use crate::store::StoreError;

/// The router's messages go through the compliance gate like everyone's.
struct GateSender(Arc<Messaging>);

#[async_trait::async_trait]
impl Sender for GateSender {
    async fn send(&self, send: &Outgoing) -> Result<(), String> {
        let request = SendRequest {
            conversation_id: Some(send.conversation),
            content: Some(send.content.clone()),
            ..SendRequest::default()
        };
        self.0
            .send(request, send.origin)
            .await
            .map(|_| ())
            .map_err(|e| format!("{}: {e}", e.code()))
    }
}

/// Runs the campaign's bot plugins.
struct PluginBots(Arc<Messaging>);

#[async_trait::async_trait]
impl BotRunner for PluginBots {
    async fn run(&self, call: &BotCall) -> Result<Vec<BotStep>, String> {
        super::bot_context::run(&self.0, call).await
    }
}

/// Starts the router over the messaging service and links intake to it.
pub async fn start(
    messaging: &Arc<Messaging>,
    hub: Arc<Hub>,
    settings: RouterSettings,
    on_logout: LogoutHook,
) -> Result<Router, StoreError> {
    let router = Router::start(RouterDeps {
        store: messaging.store.clone(),
        registry: messaging.registry.clone(),
        hub,
        bots: Arc::new(PluginBots(messaging.clone())),
        sender: Arc::new(GateSender(messaging.clone())),
        on_logout,
        clock: Arc::new(clock::now_ms),
        settings,
    })
    .await?;
    let _ = messaging.router.set(router.clone());
    super::message_feed::spawn(messaging.store.clone(), router.clone());
    Ok(router)
}
