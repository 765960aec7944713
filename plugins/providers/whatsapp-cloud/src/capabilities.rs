//! What the Cloud API can do (providers.md §2.7, §2.8).

use switchboard_sdk::provider::{CapabilitySet, Channel, TemplateRule};

/// The customer-service window: 24 h after the customer's last message.
pub const SESSION_WINDOW_MS: u64 = 24 * 60 * 60 * 1000;

/// Default throughput of a business number, inbound and outbound together (error 130429
/// beyond it). Upgraded numbers reach 1,000; numbers shared with the Business app stay at 20.
pub const MAX_PER_SECOND: u32 = 80;

/// Longest text body Meta accepts.
pub const MAX_TEXT_LENGTH: u32 = 4096;

/// The same for every connector whose config loads: nothing here depends on its values.
pub fn capabilities() -> CapabilitySet {
    CapabilitySet {
        channels: vec![Channel::Whatsapp],
        session_window_ms: Some(SESSION_WINDOW_MS),
        templates: TemplateRule::RequiredOutsideWindow,
        max_per_second: MAX_PER_SECOND,
        signed_webhooks: true,
        // A system-user token does not expire on a schedule: it lives in the config.
        needs_auth: false,
        media_fetch: true,
        media_send: true,
        poll_interval_ms: None,
        max_text_length: MAX_TEXT_LENGTH,
    }
}
