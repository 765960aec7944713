//! `http-gateway`: a Switchboard provider adapter for generic SMS gateways reached over HTTP,
//! as a WebAssembly component. Pure translation: the host performs every request (sends and
//! polls), owns retries, rate limits and storage; this crate builds requests and reads
//! answers and webhook calls.
//!
//! A connector's config picks a `style` ([`config`]):
//!
//! - [`kannel`]: send with Kannel's `sendsms` GET; inbound messages come from an
//!   `sms-service` `get-url`, delivery reports from the `dlr-url` each message carries (with
//!   the host's message id in it, since Kannel's send answer names no id).
//! - [`dinstar`]: a Dinstar GSM gateway's JSON API: `send_sms`, polling `query_incoming_sms`
//!   with the last `incoming_sms_id` as cursor, and pushed results.
//!
//! Shared pieces: [`gsm`] (7-bit or UCS-2, and how many SMS parts), [`number`] (gateway
//! numbers to contact addresses), [`render`] (content to SMS text), [`query`] (byte-exact
//! query strings), [`time`] (gateway times), [`http`] (request and response helpers) and
//! [`capabilities`]. A message goes out as `lib` → `config::load` → `<style>::prepare_send`
//! → `render` + `gsm` → an `HttpRequest`; a webhook call comes in as `lib` →
//! `<style>::handle_webhook` → events.

pub mod capabilities;
pub mod config;
pub mod dinstar;
pub mod gsm;
pub mod http;
pub mod kannel;
pub mod number;
pub mod query;
pub mod render;
pub mod time;

use switchboard_sdk::provider::{
    CapabilitySet, HttpRequest, HttpResponse, Outbound, PollBatch, Provider, Receipt, SendError,
    WebhookError, WebhookRequest, WebhookResult, misconfigured, unavailable,
};
use switchboard_sdk::{PluginError, PluginInfo, PluginKind};

use crate::config::Config;

/// The plugin.
pub struct HttpGateway;

fn send_config(json: &str) -> Result<Config, SendError> {
    config::load(json).map_err(misconfigured)
}

impl Provider for HttpGateway {
    fn describe() -> PluginInfo {
        PluginInfo::new(
            PluginKind::Provider,
            "http-gateway",
            env!("CARGO_PKG_VERSION"),
        )
        .with_description(
            "SMS through a generic HTTP gateway: Kannel (sendsms, get-url inbound, \
                 dlr-url delivery reports) or a Dinstar GSM gateway (JSON API, polled).",
        )
        .with_config_schema(config::SCHEMA)
    }

    fn capabilities(config: &str) -> Result<CapabilitySet, PluginError> {
        Ok(capabilities::of(&config::load(config)?))
    }

    fn prepare_send(
        config: &str,
        _auth: Option<&str>,
        message: Outbound,
    ) -> Result<HttpRequest, SendError> {
        match send_config(config)? {
            Config::Kannel(k) => kannel::prepare_send(&k, &message),
            Config::Dinstar(d) => dinstar::prepare_send(&d, &message),
        }
    }

    fn read_send_response(
        config: &str,
        message: Outbound,
        response: HttpResponse,
    ) -> Result<Receipt, SendError> {
        match send_config(config)? {
            Config::Kannel(_) => kannel::read_send_response(&message, &response),
            Config::Dinstar(_) => dinstar::read_send_response(&message, &response),
        }
    }

    fn handle_webhook(
        config: &str,
        request: WebhookRequest,
    ) -> Result<WebhookResult, WebhookError> {
        // Unsigned pushes and get-urls: without a config nothing can be checked or routed, and
        // a 503 makes Kannel and Dinstar try again later.
        let config = config::load(config).map_err(unavailable)?;
        match config {
            Config::Kannel(k) => kannel::handle_webhook(&k, &request),
            Config::Dinstar(d) => dinstar::handle_webhook(&d, &request),
        }
    }

    fn prepare_poll(
        config: &str,
        _auth: Option<&str>,
        cursor: Option<&str>,
    ) -> Result<HttpRequest, PluginError> {
        match config::load(config)? {
            Config::Kannel(_) => Err(PluginError::unsupported("prepare-poll")),
            Config::Dinstar(d) => dinstar::prepare_poll(&d, cursor),
        }
    }

    fn read_poll(
        config: &str,
        cursor: Option<&str>,
        response: HttpResponse,
    ) -> Result<PollBatch, PluginError> {
        match config::load(config)? {
            Config::Kannel(_) => Err(PluginError::unsupported("read-poll")),
            Config::Dinstar(d) => dinstar::read_poll(&d, cursor, &response),
        }
    }
}

switchboard_sdk::export_provider!(HttpGateway);
