//! What the adapter tells the host it can do: plain SMS, no session window, no templates, no
//! media, unsigned webhooks (the host guards the URL with a secret and an IP allow-list), and
//! polling only for Dinstar.

use switchboard_sdk::provider::{CapabilitySet, Channel, TemplateRule};

use crate::config::Config;
use crate::gsm;

/// The capabilities of a connector with `config`.
pub fn of(config: &Config) -> CapabilitySet {
    let (max_per_second, max_segments, poll_interval_ms) = match config {
        Config::Kannel(k) => (k.max_per_second, k.max_segments, None),
        Config::Dinstar(d) => (
            d.max_per_second,
            d.max_segments,
            (d.poll_interval_ms > 0).then_some(d.poll_interval_ms),
        ),
    };
    let max_segments = usize::try_from(max_segments).unwrap_or(1);
    CapabilitySet {
        channels: vec![Channel::Sms],
        session_window_ms: None,
        templates: TemplateRule::None,
        max_per_second,
        signed_webhooks: false,
        needs_auth: false,
        media_fetch: false,
        media_send: false,
        poll_interval_ms,
        max_text_length: u32::try_from(max_segments * gsm::GSM7_PART).unwrap_or(u32::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn for_config(json: &str) -> CapabilitySet {
        of(&crate::config::load(json).expect("a valid config"))
    }

    #[test]
    fn kannel_is_push_only_sms() {
        let caps = for_config(
            r#"{"style":"kannel","sendsms_url":"http://k/cgi-bin/sendsms","username":"u","max_per_second":30}"#,
        );
        assert_eq!(caps.channels, [Channel::Sms]);
        assert_eq!(caps.session_window_ms, None);
        assert_eq!(caps.templates, TemplateRule::None);
        assert!(!caps.signed_webhooks && !caps.needs_auth && !caps.media_send);
        assert_eq!((caps.max_per_second, caps.poll_interval_ms), (30, None));
        assert_eq!(caps.max_text_length, 1530);
    }

    #[test]
    fn dinstar_polls_at_the_configured_interval() {
        let base = r#""style":"dinstar","base_url":"https://d","username":"a""#;
        let caps = for_config(&format!("{{{base},\"poll_interval_ms\":5000}}"));
        assert_eq!(caps.poll_interval_ms, Some(5000));
        assert_eq!(caps.max_per_second, 1);
        let push_only = for_config(&format!("{{{base},\"poll_interval_ms\":0}}"));
        assert_eq!(push_only.poll_interval_ms, None);
    }
}
