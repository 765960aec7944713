//! What a Twilio connector can do, by channel.

use switchboard_sdk::provider::{CapabilitySet, TemplateRule};

use crate::config::{Channel, Config};

/// WhatsApp's customer-service window.
const WHATSAPP_WINDOW_MS: u64 = 24 * 60 * 60 * 1000;

/// Twilio's limit on `Body` (longer SMS are split into segments up to this).
const MAX_BODY_CHARS: u32 = 1600;

/// The capabilities of a connector with `config`.
pub fn of(config: &Config) -> CapabilitySet {
    let (channels, session_window_ms, templates, default_rate) = match config.channel {
        // Content templates (ContentSid) work on SMS too, but plain text is always allowed.
        Channel::Sms => (
            vec![switchboard_sdk::provider::Channel::Sms],
            None,
            TemplateRule::Optional,
            1,
        ),
        // 10 msg/s per WhatsApp sender by default (providers.md §1.6).
        Channel::Whatsapp => (
            vec![switchboard_sdk::provider::Channel::Whatsapp],
            Some(WHATSAPP_WINDOW_MS),
            TemplateRule::RequiredOutsideWindow,
            10,
        ),
    };
    CapabilitySet {
        channels,
        session_window_ms,
        templates,
        max_per_second: config.max_per_second.unwrap_or(default_rate),
        signed_webhooks: true,
        needs_auth: false,
        media_fetch: true,
        media_send: true,
        poll_interval_ms: None,
        max_text_length: MAX_BODY_CHARS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whatsapp_has_a_window_and_requires_templates_outside_it() {
        let config = Config {
            channel: Channel::Whatsapp,
            ..Config::default()
        };
        let caps = of(&config);
        assert_eq!(caps.session_window_ms, Some(86_400_000));
        assert_eq!(caps.templates, TemplateRule::RequiredOutsideWindow);
        assert_eq!(caps.max_per_second, 10);
        assert!(caps.signed_webhooks && caps.media_fetch && caps.media_send && !caps.needs_auth);
    }

    #[test]
    fn sms_has_no_window_and_the_rate_can_be_set() {
        let caps = of(&Config::default());
        assert_eq!(caps.channels, [switchboard_sdk::provider::Channel::Sms]);
        assert_eq!(caps.session_window_ms, None);
        assert_eq!((caps.max_per_second, caps.max_text_length), (1, 1600));
        let config = Config {
            max_per_second: Some(30),
            ..Config::default()
        };
        assert_eq!(of(&config).max_per_second, 30);
    }
}
