//! `whatsapp-cloud`: the Switchboard provider adapter for the Meta WhatsApp Business Cloud
//! API. Pure translation: the host performs every HTTP request; this crate builds requests and
//! reads responses and webhooks. Protocol notes: `shared/providers.md` §2.
//!
//! A webhook call goes [`webhook`] → [`verify`] (GET challenge) or [`signature`] (POST, on
//! the raw bytes) → for each `entry[].changes[].value`: [`inbound`] (messages, with
//! [`address`] for phone numbers and user ids), [`status`] (delivery statuses, failures
//! classified by [`errors`], the host's id recovered by [`opaque`]) or [`template`] (review
//! changes). A send goes [`send`] → [`payload`] (content → Meta's JSON) and back through
//! [`errors`]. [`media`] downloads inbound media in two steps. [`config`] reads and checks the
//! settings, [`capabilities`] says what the API can do, [`http`] holds small helpers.

pub mod address;
pub mod capabilities;
pub mod config;
pub mod errors;
pub mod http;
pub mod inbound;
pub mod media;
pub mod opaque;
pub mod payload;
pub mod send;
pub mod signature;
pub mod status;
pub mod template;
pub mod verify;
pub mod webhook;

use switchboard_sdk::provider::{
    CapabilitySet, HttpRequest, HttpResponse, MediaStep, Outbound, Provider, Receipt, SendError,
    WebhookError, WebhookRequest, WebhookResult,
};
use switchboard_sdk::{PluginError, PluginInfo, PluginKind};

/// The plugin.
pub struct WhatsAppCloud;

impl Provider for WhatsAppCloud {
    fn describe() -> PluginInfo {
        PluginInfo::new(
            PluginKind::Provider,
            "whatsapp-cloud",
            env!("CARGO_PKG_VERSION"),
        )
        .with_description(
            "Meta WhatsApp Business Cloud API: one business phone number. Signed webhooks, \
                 templates outside the 24-hour window, media in and out.",
        )
        .with_config_schema(config::SCHEMA)
    }

    fn capabilities(config: &str) -> Result<CapabilitySet, PluginError> {
        config::Config::load(config)?;
        Ok(capabilities::capabilities())
    }

    fn prepare_send(
        config: &str,
        auth: Option<&str>,
        message: Outbound,
    ) -> Result<HttpRequest, SendError> {
        send::prepare(config, auth, &message)
    }

    fn read_send_response(
        _config: &str,
        _message: Outbound,
        response: HttpResponse,
    ) -> Result<Receipt, SendError> {
        send::read(&response)
    }

    fn handle_webhook(
        config: &str,
        request: WebhookRequest,
    ) -> Result<WebhookResult, WebhookError> {
        webhook::handle(config, &request)
    }

    fn prepare_media_fetch(
        config: &str,
        auth: Option<&str>,
        media: &str,
    ) -> Result<HttpRequest, PluginError> {
        media::prepare(config, auth, media)
    }

    fn read_media_fetch(
        config: &str,
        auth: Option<&str>,
        step: u8,
        request: HttpRequest,
        response: HttpResponse,
    ) -> Result<MediaStep, PluginError> {
        media::read(config, auth, step, &request, &response)
    }
}

switchboard_sdk::export_provider!(WhatsAppCloud);
