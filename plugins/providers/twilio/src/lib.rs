//! `twilio`: the Switchboard provider adapter for Twilio Programmable Messaging, SMS and
//! WhatsApp. Pure translation: the host performs every HTTP request, owns retries, rate limits
//! and storage; this crate builds requests and reads responses and webhooks.
//!
//! The path of a message through the modules:
//!
//! - out: [`send`] builds `POST …/Messages.json` (content written by [`render`] when Twilio has
//!   no field for it, addresses by [`address`]) and reads the answer, classifying refusals with
//!   [`errors`];
//! - in: [`webhook`] decodes the fields ([`params`]), checks `X-Twilio-Signature`
//!   ([`signature`], against the URL spellings of [`url_variants`]), then hands the fields to
//!   [`inbound`] (a customer's message) or [`status`] (a delivery status);
//! - media: [`media`] downloads what an inbound message links to.
//!
//! [`config`] holds the connector's settings and their JSON Schema; [`capabilities`] what the
//! connector can do.

pub mod address;
pub mod capabilities;
pub mod config;
pub mod errors;
pub mod inbound;
pub mod media;
pub mod params;
pub mod render;
pub mod send;
pub mod signature;
pub mod status;
pub mod url_variants;
pub mod webhook;

use switchboard_sdk::provider::{
    CapabilitySet, HttpRequest, HttpResponse, MediaStep, Outbound, Provider, Receipt, SendError,
    WebhookError, WebhookRequest, WebhookResult, misconfigured,
};
use switchboard_sdk::{PluginError, PluginInfo, PluginKind};

use crate::config::Config;

/// The plugin.
pub struct Twilio;

impl Provider for Twilio {
    fn describe() -> PluginInfo {
        PluginInfo::new(PluginKind::Provider, "twilio", env!("CARGO_PKG_VERSION"))
            .with_description(
                "Twilio Programmable Messaging: SMS and WhatsApp sends, signed inbound and \
                 status webhooks, media downloads.",
            )
            .with_config_schema(config::SCHEMA)
    }

    fn capabilities(config: &str) -> Result<CapabilitySet, PluginError> {
        Ok(capabilities::of(&Config::parse(config)?))
    }

    fn prepare_send(
        config: &str,
        _auth: Option<&str>,
        message: Outbound,
    ) -> Result<HttpRequest, SendError> {
        send::prepare(&Config::parse(config).map_err(misconfigured)?, &message)
    }

    fn read_send_response(
        _config: &str,
        _message: Outbound,
        response: HttpResponse,
    ) -> Result<Receipt, SendError> {
        send::read_response(&response)
    }

    fn handle_webhook(
        config: &str,
        request: WebhookRequest,
    ) -> Result<WebhookResult, WebhookError> {
        webhook::handle(config, &request)
    }

    fn prepare_media_fetch(
        config: &str,
        _auth: Option<&str>,
        media: &str,
    ) -> Result<HttpRequest, PluginError> {
        media::prepare(&Config::parse(config)?, media)
    }

    fn read_media_fetch(
        _config: &str,
        _auth: Option<&str>,
        _step: u8,
        request: HttpRequest,
        response: HttpResponse,
    ) -> Result<MediaStep, PluginError> {
        media::read(&request, &response)
    }
}

switchboard_sdk::export_provider!(Twilio);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_names_a_provider_with_its_schema() {
        let info = Twilio::describe();
        assert_eq!(
            (info.name.as_str(), info.kind),
            ("twilio", PluginKind::Provider)
        );
        assert_eq!(info.version, "1.0.0");
        assert!(!info.description.is_empty());
        assert_eq!(info.config_schema, config::SCHEMA);
    }

    #[test]
    fn capabilities_follow_the_channel_and_refuse_a_bad_config() {
        let whatsapp = r#"{"account_sid": "AC1", "auth_token": "t", "channel": "whatsapp"}"#;
        assert_eq!(
            Twilio::capabilities(whatsapp).map(|c| c.channels),
            Ok(vec![switchboard_sdk::provider::Channel::Whatsapp])
        );
        assert_eq!(
            Twilio::capabilities("not json").map_err(|e| e.code),
            Err("bad-config".to_owned())
        );
    }

    #[test]
    fn media_fetch_needs_a_valid_config() {
        let error = Twilio::prepare_media_fetch("{}", None, "https://api.twilio.com/x");
        assert_eq!(error.map_err(|e| e.code), Err("bad-config".to_owned()));
    }
}
