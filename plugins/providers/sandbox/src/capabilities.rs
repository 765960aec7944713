//! What a sandbox connector can do: what the channel it pretends to be allows, at the
//! configured rate; unsigned webhooks (the host guards the URL), no token, media sent as URLs,
//! no polling.

use switchboard_sdk::provider::{CapabilitySet, Channel, TemplateRule};

use crate::config::{self, Config};

/// WhatsApp's customer-service window.
const WHATSAPP_WINDOW_MS: u64 = 24 * 60 * 60 * 1000;

/// Longest text, as on WhatsApp.
const MAX_TEXT_LENGTH: u32 = 4096;

/// The capabilities of a connector with `config`.
pub fn of(config: &Config) -> CapabilitySet {
    let (channel, session_window_ms, templates) = match config.channel {
        config::Channel::Whatsapp => (
            Channel::Whatsapp,
            Some(WHATSAPP_WINDOW_MS),
            TemplateRule::RequiredOutsideWindow,
        ),
        config::Channel::Sms => (Channel::Sms, None, TemplateRule::None),
    };
    CapabilitySet {
        channels: vec![channel],
        session_window_ms,
        templates,
        max_per_second: config.max_per_second,
        signed_webhooks: false,
        needs_auth: false,
        media_fetch: false,
        media_send: true,
        poll_interval_ms: None,
        max_text_length: MAX_TEXT_LENGTH,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(channel: config::Channel) -> Config {
        Config {
            outbox_url: "http://h/out".into(),
            channel,
            max_per_second: 7,
        }
    }

    #[test]
    fn whatsapp_has_a_window_and_requires_templates_outside_it() {
        let caps = of(&config(config::Channel::Whatsapp));
        assert_eq!(caps.channels, [Channel::Whatsapp]);
        assert_eq!(caps.session_window_ms, Some(86_400_000));
        assert_eq!(caps.templates, TemplateRule::RequiredOutsideWindow);
        assert_eq!((caps.max_per_second, caps.max_text_length), (7, 4096));
        assert!(!caps.signed_webhooks && !caps.needs_auth && !caps.media_fetch);
        assert!(caps.media_send);
        assert_eq!(caps.poll_interval_ms, None);
    }

    #[test]
    fn sms_has_no_window_and_no_templates() {
        let caps = of(&config(config::Channel::Sms));
        assert_eq!(caps.channels, [Channel::Sms]);
        assert_eq!(
            (caps.session_window_ms, caps.templates),
            (None, TemplateRule::None)
        );
    }
}
