//! Settings of messaging: webhooks, the sender, media, and the opt-out rule.

use serde::Deserialize;

use super::{ConfigError, invalid};

/// Messaging settings (`[messaging]` in the config file).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MessagingSettings {
    /// Largest webhook body accepted, in bytes. Default 1 MiB.
    pub webhook_body_limit: usize,
    /// Words that opt a customer out (whole message, any case or accent).
    pub opt_out_keywords: Vec<String>,
    /// Words that opt a customer back in.
    pub opt_in_keywords: Vec<String>,
    /// The one confirmation sent on opt-out; empty sends none.
    pub opt_out_reply: String,
    /// Timeout of one request to a provider, in ms. Default 10 000.
    pub provider_timeout_ms: u64,
    /// Largest provider answer read, in bytes. Default 1 MiB.
    pub max_response_bytes: usize,
    /// Send attempts before a message fails. Default 8.
    pub max_attempts: u32,
    /// First retry delay, doubled each attempt, in ms. Default 2 000.
    pub retry_base_ms: u64,
    /// Longest retry delay, in ms. Default 300 000.
    pub retry_max_ms: u64,
    /// Sends in flight at once, across connectors. Default 256.
    pub sender_concurrency: usize,
    /// Largest inbound or outbound media file, in bytes. Default 16 MiB.
    pub media_max_bytes: usize,
    /// MIME type prefixes accepted for media (`image/`, `application/pdf`).
    pub media_types: Vec<String>,
    /// How long a signed outbound media URL stays valid, in seconds. Default 3 600.
    pub media_url_ttl_s: u64,
}

impl Default for MessagingSettings {
    fn default() -> Self {
        let words = |w: &[&str]| w.iter().map(|s| (*s).to_owned()).collect();
        Self {
            webhook_body_limit: 1 << 20,
            opt_out_keywords: words(&["STOP", "STOPALL", "UNSUBSCRIBE", "BAJA", "CANCELAR", "SALIR", "PARAR"]),
            opt_in_keywords: words(&["START", "UNSTOP", "ALTA", "SUSCRIBIR"]),
            opt_out_reply: "You will not receive more messages from us. Reply START to subscribe again. / No recibirás más mensajes. Responde ALTA para volver a suscribirte.".into(),
            provider_timeout_ms: 10_000,
            max_response_bytes: 1 << 20,
            max_attempts: 8,
            retry_base_ms: 2_000,
            retry_max_ms: 300_000,
            sender_concurrency: 256,
            media_max_bytes: 16 << 20,
            media_types: words(&["image/", "audio/", "video/", "application/pdf", "text/plain", "text/vcard", "application/vnd.", "application/msword"]),
            media_url_ttl_s: 3_600,
        }
    }
}

impl MessagingSettings {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        let positive = [
            (
                "messaging.webhook_body_limit",
                self.webhook_body_limit as u64,
            ),
            ("messaging.provider_timeout_ms", self.provider_timeout_ms),
            (
                "messaging.max_response_bytes",
                self.max_response_bytes as u64,
            ),
            ("messaging.max_attempts", u64::from(self.max_attempts)),
            ("messaging.retry_base_ms", self.retry_base_ms),
            (
                "messaging.sender_concurrency",
                self.sender_concurrency as u64,
            ),
            ("messaging.media_max_bytes", self.media_max_bytes as u64),
            ("messaging.media_url_ttl_s", self.media_url_ttl_s),
        ];
        for (key, value) in positive {
            if value == 0 {
                return Err(invalid(key, "must be more than 0"));
            }
        }
        if self.retry_max_ms < self.retry_base_ms {
            return Err(invalid(
                "messaging.retry_max_ms",
                "must be at least messaging.retry_base_ms",
            ));
        }
        Ok(())
    }
}
