//! `sinch`: the provider adapter for Sinch, in two protocols chosen by the connector's config
//! (`"api"`):
//!
//! - `conversation`: the Sinch Conversation API (WhatsApp or SMS). An OAuth2 token from
//!   `prepare_auth`/`read_auth` (the host caches it), `POST …/messages:send`, and callbacks signed
//!   with `x-sinch-webhook-signature`.
//! - `wavy`: the legacy Wavy / "Sinch Messaging LATAM" WhatsApp API. Static `UserName` and
//!   `AuthenticationToken` headers, `POST /v1/whatsapp/send`, and unsigned batch callbacks (the
//!   host protects the webhook URL).
//!
//! The plugin is pure translation: the host performs every request, owns retries, rate limits and
//! storage.
//!
//! Modules: [`config`] (the settings and their JSON Schema), `capabilities` (what each API can
//! do), `conversation` (`auth`, `message` → `send`, `errors`, `signature` → `callbacks`), `wavy`
//! (`message` → `send`, `codes`, `callbacks`), and helpers shared by both: `address` (channel
//! identities ↔ contact addresses), `http` (requests, headers, failures), `json` (lenient field
//! access), `media` (a file's kind and format), `time` (timestamps). Interactive messages become
//! numbered text with the SDK's `interactive_as_text`.
//!
//! A send goes `prepare_send` → host → `read_send_response` → receipt; a callback goes
//! `handle_webhook` → (signature check) → events.

mod address;
mod capabilities;
pub mod config;
mod conversation;
mod http;
mod json;
mod media;
mod time;
mod wavy;

use switchboard_sdk::provider::{
    AuthToken, CapabilitySet, HttpRequest, HttpResponse, Outbound, Provider, Receipt, SendError,
    WebhookError, WebhookRequest, WebhookResult, misconfigured, unavailable,
};
use switchboard_sdk::{PluginError, PluginInfo, PluginKind};

use config::Config;

/// The plugin.
pub struct Sinch;

/// The config, or a `misconfigured` send error with code `bad-config`.
fn send_config(config: &str) -> Result<Config, SendError> {
    config::load(config).map_err(misconfigured)
}

/// The config, or an `unavailable` webhook error: the host answers 503 and Sinch retries
/// until the config is fixed (a 4xx it would drop).
fn webhook_config(config: &str) -> Result<Config, WebhookError> {
    config::load(config).map_err(unavailable)
}

impl Provider for Sinch {
    fn describe() -> PluginInfo {
        PluginInfo::new(PluginKind::Provider, "sinch", env!("CARGO_PKG_VERSION"))
            .with_description(
                "Sinch: the Conversation API (WhatsApp or SMS, OAuth2, signed callbacks) or the \
                 legacy Wavy / Sinch Messaging LATAM WhatsApp API.",
            )
            .with_config_schema(config::SCHEMA)
    }

    fn capabilities(config: &str) -> Result<CapabilitySet, PluginError> {
        Ok(capabilities::of(&config::load(config)?))
    }

    fn prepare_auth(config: &str) -> Result<HttpRequest, PluginError> {
        match config::load(config)? {
            Config::Conversation(c) => Ok(conversation::prepare_auth(&c)),
            Config::Wavy(_) => Err(no_token_step()),
        }
    }

    fn read_auth(config: &str, response: HttpResponse) -> Result<AuthToken, PluginError> {
        match config::load(config)? {
            Config::Conversation(_) => conversation::read_auth(&response),
            Config::Wavy(_) => Err(no_token_step()),
        }
    }

    fn prepare_send(
        config: &str,
        auth: Option<&str>,
        message: Outbound,
    ) -> Result<HttpRequest, SendError> {
        match send_config(config)? {
            Config::Conversation(c) => conversation::prepare_send(&c, auth, &message),
            Config::Wavy(c) => wavy::prepare_send(&c, &message),
        }
    }

    fn read_send_response(
        config: &str,
        message: Outbound,
        response: HttpResponse,
    ) -> Result<Receipt, SendError> {
        match send_config(config)? {
            Config::Conversation(_) => conversation::read_send_response(&response),
            Config::Wavy(_) => wavy::read_send_response(&message, &response),
        }
    }

    fn handle_webhook(
        config: &str,
        request: WebhookRequest,
    ) -> Result<WebhookResult, WebhookError> {
        match webhook_config(config)? {
            Config::Conversation(c) => conversation::handle_webhook(&c, &request),
            Config::Wavy(_) => wavy::handle_webhook(&request),
        }
    }
}

fn no_token_step() -> PluginError {
    PluginError::new(
        "unsupported",
        "the wavy API authenticates every request with static headers: there is no token step",
    )
}

switchboard_sdk::export_provider!(Sinch);
