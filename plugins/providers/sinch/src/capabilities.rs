//! What each Sinch API can do. They depend on the config: the Conversation API needs an OAuth2
//! token and signs callbacks when a webhook secret is set; Wavy has static credentials and
//! unsigned callbacks; SMS has no session window and no templates.

use switchboard_sdk::provider::{CapabilitySet, Channel, TemplateRule};

use crate::config::{Config, SinchChannel};

/// WhatsApp's customer-service window.
const WHATSAPP_WINDOW_MS: u64 = 24 * 60 * 60 * 1000;
/// WhatsApp's limit for a text body.
const WHATSAPP_TEXT: u32 = 4096;
/// A long concatenated SMS; Sinch splits it into parts.
const SMS_TEXT: u32 = 1600;

/// The capabilities of a connector.
pub fn of(config: &Config) -> CapabilitySet {
    match config {
        Config::Conversation(c) => {
            let signed = !c.webhook_secret.is_empty();
            match c.channel {
                SinchChannel::Whatsapp => whatsapp(c.max_per_second, signed, true),
                SinchChannel::Sms => CapabilitySet {
                    channels: vec![Channel::Sms],
                    session_window_ms: None,
                    templates: TemplateRule::None,
                    max_per_second: c.max_per_second,
                    signed_webhooks: signed,
                    needs_auth: true,
                    media_fetch: false,
                    media_send: false,
                    poll_interval_ms: None,
                    max_text_length: SMS_TEXT,
                },
            }
        }
        Config::Wavy(c) => whatsapp(c.max_per_second, false, false),
    }
}

fn whatsapp(max_per_second: u32, signed_webhooks: bool, needs_auth: bool) -> CapabilitySet {
    CapabilitySet {
        channels: vec![Channel::Whatsapp],
        session_window_ms: Some(WHATSAPP_WINDOW_MS),
        templates: TemplateRule::RequiredOutsideWindow,
        max_per_second,
        signed_webhooks,
        needs_auth,
        // Inbound media arrive as downloadable URLs: the host fetches the locator directly.
        media_fetch: false,
        media_send: true,
        poll_interval_ms: None,
        max_text_length: WHATSAPP_TEXT,
    }
}
