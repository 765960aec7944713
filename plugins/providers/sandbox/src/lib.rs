//! `sandbox`: a loopback provider adapter for the demo and tests: the engine itself plays the
//! provider. Like every adapter it is pure translation; here the "provider" is the engine's
//! own `/sandbox/...` endpoint, which takes sends as JSON and calls the connector's webhook
//! back with messages and statuses as JSON. No secrets, no signatures (the host guards the
//! webhook URL as for any unsigned provider).
//!
//! A send goes [`send`] (the request, and the reading of the outbox's answer), with the content
//! written by [`content`]; a webhook call goes [`webhook`], which reads content back with
//! [`content`] too. [`config`] holds the settings and their JSON Schema, [`capabilities`] what
//! a connector can do. The JSON shapes are in each module and in the README.

mod capabilities;
pub mod config;
mod content;
mod send;
mod webhook;

pub use webhook::RAW_ATTRIBUTE;

use switchboard_sdk::provider::{
    CapabilitySet, HttpRequest, HttpResponse, Outbound, Provider, Receipt, SendError, WebhookError,
    WebhookRequest, WebhookResult, misconfigured, unavailable,
};
use switchboard_sdk::{PluginError, PluginInfo, PluginKind};

use crate::config::Config;

/// The plugin.
pub struct Sandbox;

impl Provider for Sandbox {
    fn describe() -> PluginInfo {
        PluginInfo::new(PluginKind::Provider, "sandbox", env!("CARGO_PKG_VERSION"))
            .with_description(
                "Loopback for the demo and tests: sends are POSTed as JSON to the engine's own \
                 sandbox endpoint, which calls the webhook back with messages and statuses.",
            )
            .with_config_schema(config::SCHEMA)
    }

    fn capabilities(config: &str) -> Result<CapabilitySet, PluginError> {
        Ok(capabilities::of(&Config::load(config)?))
    }

    fn prepare_send(
        config: &str,
        _auth: Option<&str>,
        message: Outbound,
    ) -> Result<HttpRequest, SendError> {
        send::prepare(&Config::load(config).map_err(misconfigured)?, &message)
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
        // Nothing in a call depends on the config, but a connector whose config is broken is
        // broken: 503, as for every adapter, until it is fixed.
        Config::load(config).map_err(unavailable)?;
        webhook::handle(&request)
    }
}

switchboard_sdk::export_provider!(Sandbox);
