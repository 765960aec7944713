//! Counters of messaging for `/metrics`: webhooks by outcome, what intake stored, sends by
//! outcome. Plain atomics, read at scrape time.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::store::{IntakeOutcome, SendResult};

/// Messaging counters since start.
#[derive(Debug, Default)]
pub struct MessagingStats {
    /// Webhooks answered 2xx.
    pub webhooks_accepted: AtomicU64,
    /// Webhooks refused: wrong URL secret or signature.
    pub webhooks_unauthorized: AtomicU64,
    /// Webhooks refused: caller outside the allow-list.
    pub webhooks_forbidden: AtomicU64,
    /// Webhooks refused: unreadable payload.
    pub webhooks_malformed: AtomicU64,
    /// Webhooks answered 5xx so the provider retries.
    pub webhooks_unavailable: AtomicU64,
    /// Inbound messages stored.
    pub messages_received: AtomicU64,
    /// Inbound repeats recognised and ignored.
    pub messages_duplicate: AtomicU64,
    /// Statuses that moved a message forward.
    pub statuses_applied: AtomicU64,
    /// Statuses parked until their send answer.
    pub statuses_parked: AtomicU64,
    /// Sends the provider accepted.
    pub sends_accepted: AtomicU64,
    /// Send attempts to retry.
    pub sends_retried: AtomicU64,
    /// Sends failed for good.
    pub sends_failed: AtomicU64,
}

impl MessagingStats {
    /// Counts what one webhook's items did.
    pub fn intake(&self, outcomes: &[IntakeOutcome]) {
        self.webhooks_accepted.fetch_add(1, Ordering::Relaxed);
        for outcome in outcomes {
            let counter = match outcome {
                IntakeOutcome::Message {
                    duplicate: true, ..
                } => &self.messages_duplicate,
                IntakeOutcome::Message { .. } => &self.messages_received,
                IntakeOutcome::Status { applied: true, .. } => &self.statuses_applied,
                IntakeOutcome::Status { parked: true, .. } => &self.statuses_parked,
                _ => continue,
            };
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Counts a send result.
    pub fn send(&self, result: &SendResult) {
        let counter = match result {
            SendResult::Accepted { .. } => &self.sends_accepted,
            SendResult::Retry { .. } => &self.sends_retried,
            SendResult::Failed { .. } => &self.sends_failed,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// `(metric name, help, value)` of every counter.
    pub fn counters(&self) -> Vec<(&'static str, &'static str, u64)> {
        let read = |c: &AtomicU64| c.load(Ordering::Relaxed);
        vec![
            (
                "switchboard_webhooks_accepted",
                "Webhooks answered 2xx after storing what they reported.",
                read(&self.webhooks_accepted),
            ),
            (
                "switchboard_webhooks_unauthorized",
                "Webhooks refused for a wrong URL secret or signature.",
                read(&self.webhooks_unauthorized),
            ),
            (
                "switchboard_webhooks_forbidden",
                "Webhooks refused for a caller outside the allow-list.",
                read(&self.webhooks_forbidden),
            ),
            (
                "switchboard_webhooks_malformed",
                "Webhooks refused as unreadable.",
                read(&self.webhooks_malformed),
            ),
            (
                "switchboard_webhooks_unavailable",
                "Webhooks answered 5xx so the provider retries.",
                read(&self.webhooks_unavailable),
            ),
            (
                "switchboard_messages_received",
                "Inbound messages stored.",
                read(&self.messages_received),
            ),
            (
                "switchboard_messages_duplicate",
                "Inbound repeats recognised and ignored.",
                read(&self.messages_duplicate),
            ),
            (
                "switchboard_statuses_applied",
                "Delivery statuses that moved a message forward.",
                read(&self.statuses_applied),
            ),
            (
                "switchboard_statuses_parked",
                "Delivery statuses parked until their send answer.",
                read(&self.statuses_parked),
            ),
            (
                "switchboard_sends_accepted",
                "Sends the provider accepted.",
                read(&self.sends_accepted),
            ),
            (
                "switchboard_sends_retried",
                "Send attempts that will be retried.",
                read(&self.sends_retried),
            ),
            (
                "switchboard_sends_failed",
                "Sends that failed for good.",
                read(&self.sends_failed),
            ),
        ]
    }
}
