//! Webhook intake: from a provider's HTTP call to stored events, and the answer to give.
//!
//! The order is the promise: check the URL secret and the caller's address, let the plugin
//! verify and translate, store everything it reported in one transaction, and only then answer
//! with the plugin's response. Anything that prevents storing answers 5xx so the provider
//! retries; a repeat of a stored message is answered like the first and changes nothing.

use std::net::IpAddr;

use crate::clock;
use crate::conversations::Content;
use crate::conversations::address::normalize_reported;
use crate::conversations::keywords::Consent;
use crate::conversations::sms;
use crate::plugins::PluginKind;
use crate::plugins::bindings::common::{Channel, ContactAddress, Pair};
use crate::plugins::provider::{
    self as calls, DeliveryState, Event, HttpResponse, WebhookError, WebhookRequest,
};
use crate::store::{
    ConsentChange, ContactKey, IntakeBatch, IntakeItem, IntakeOutcome, MessageStatus, NewInbound,
    NewMedia, StatusUpdate, TemplateStatusUpdate,
};

use super::Messaging;
use super::connectors::LiveConnector;
use super::convert;
use super::errors::send_error_parts;

/// A webhook call as the HTTP layer received it.
#[derive(Debug, Clone)]
pub struct IncomingWebhook {
    /// Connector id from the path.
    pub connector_id: i64,
    /// Secret from the path.
    pub secret: String,
    /// `GET` or `POST`.
    pub method: String,
    /// Path and query exactly as received (`/webhooks/1/abc?x=1`).
    pub path_and_query: String,
    /// Headers as received.
    pub headers: Vec<(String, String)>,
    /// Raw body.
    pub body: Vec<u8>,
    /// The caller.
    pub peer: IpAddr,
}

/// Why a webhook was refused; each maps to a status the provider understands.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// No such connector, or a wrong URL secret (indistinguishable on purpose).
    #[error("unknown webhook URL")]
    UnknownUrl,
    /// The caller's address is not in the connector's allow-list.
    #[error("this address may not call this webhook")]
    Forbidden,
    /// The plugin found no valid signature.
    #[error("signature check failed: {0}")]
    Unauthorized(String),
    /// The plugin could not read the payload.
    #[error("malformed webhook: {0}")]
    Malformed(String),
    /// The webhook could not be stored or checked now; the provider should retry.
    #[error("cannot take this webhook now: {0}")]
    Unavailable(String),
}

/// What intake stored, for the caller's follow-up (tests, metrics, the conversation pipeline).
#[derive(Debug)]
pub struct Accepted {
    /// The plugin's answer for the provider.
    pub response: HttpResponse,
    /// What each event did.
    pub outcomes: Vec<IntakeOutcome>,
}

impl Messaging {
    /// Handles one webhook call end to end, and counts how it ended.
    pub async fn intake(&self, call: IncomingWebhook) -> Result<Accepted, IntakeError> {
        let result = self.intake_uncounted(call).await;
        let counter = match &result {
            Ok(accepted) => {
                self.stats.intake(&accepted.outcomes);
                return result;
            }
            Err(IntakeError::UnknownUrl | IntakeError::Unauthorized(_)) => {
                &self.stats.webhooks_unauthorized
            }
            Err(IntakeError::Forbidden) => &self.stats.webhooks_forbidden,
            Err(IntakeError::Malformed(_)) => &self.stats.webhooks_malformed,
            Err(IntakeError::Unavailable(_)) => &self.stats.webhooks_unavailable,
        };
        counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        result
    }

    async fn intake_uncounted(&self, call: IncomingWebhook) -> Result<Accepted, IntakeError> {
        let received_ms = clock::now_ms();
        let connector = self
            .connectors
            .get(call.connector_id)
            .filter(|c| constant_time_eq(c.webhook_secret.as_bytes(), call.secret.as_bytes()))
            .ok_or(IntakeError::UnknownUrl)?;
        if !connector.allows(call.peer) {
            return Err(IntakeError::Forbidden);
        }
        if !connector.enabled {
            return Err(IntakeError::Unavailable("the connector is disabled".into()));
        }
        let plugin = self.registry.active(&connector.plugin).ok_or_else(|| {
            IntakeError::Unavailable(format!(
                "provider plugin `{}` is not installed",
                connector.plugin
            ))
        })?;
        let request = WebhookRequest {
            method: call.method,
            url: format!("{}{}", self.connectors.public_url(), call.path_and_query),
            headers: call
                .headers
                .into_iter()
                .map(|(name, value)| Pair { name, value })
                .collect(),
            body: call.body,
            peer_addr: call.peer.to_string(),
            received_at_ms: u64::try_from(received_ms).unwrap_or(0),
        };
        let limits = self.registry.limits().for_kind(PluginKind::Provider);
        let result = calls::handle_webhook(
            self.registry.runtime(),
            &plugin,
            limits,
            &connector.config,
            &request,
        )
        .await
        .map_err(|e| IntakeError::Unavailable(format!("the provider plugin failed: {e}")))?;
        let result = result.map_err(|error| match error {
            WebhookError::Unauthorized(why) => IntakeError::Unauthorized(why),
            WebhookError::Malformed(why) => IntakeError::Malformed(why),
            WebhookError::Unavailable(why) => IntakeError::Unavailable(why),
        })?;
        let raw_body = String::from_utf8_lossy(&request.body);
        let items = result
            .events
            .into_iter()
            .map(|event| self.item_of(&connector, event, received_ms, &raw_body))
            .collect::<Result<Vec<_>, _>>()?;
        let contents = inbound_contents(&items);
        let outcomes = if items.is_empty() {
            Vec::new()
        } else {
            self.store
                .record_intake(IntakeBatch {
                    connector_id: connector.id,
                    received_ms,
                    items,
                    poll_cursor: None,
                })
                .await
                .map_err(|e| IntakeError::Unavailable(format!("storing failed: {e}")))?
        };
        self.after_intake(&connector, &outcomes, &contents, received_ms);
        Ok(Accepted {
            response: result.response,
            outcomes,
        })
    }

    /// Wakes the workers that have new work from what was stored, and hands new messages to
    /// the router. `contents` are the items' contents (`None` for non-messages), in order.
    pub(crate) fn after_intake(
        &self,
        connector: &LiveConnector,
        outcomes: &[IntakeOutcome],
        contents: &[Option<String>],
        received_ms: i64,
    ) {
        let has_window = connector.capabilities.as_ref().is_some_and(|c| {
            c.templates == crate::plugins::provider::TemplateRule::RequiredOutsideWindow
                && c.session_window_ms.is_some()
        });
        let mut routed = Vec::new();
        for (outcome, content) in outcomes.iter().zip(contents) {
            if let IntakeOutcome::Message {
                duplicate: false,
                blocked: false,
                reply_id,
                message_id,
                conversation_id,
                ..
            } = outcome
            {
                if reply_id.is_some() {
                    self.outbox_wakeup.notify_waiters();
                }
                self.media_wakeup.notify_one();
                if let (Some(conversation), Some(content)) = (conversation_id, content) {
                    routed.push(crate::routing::lifecycle::Inbound {
                        conversation: *conversation,
                        message: *message_id,
                        content: Content::from_json(content),
                        at_ms: received_ms,
                        has_window,
                    });
                }
            }
        }
        if let Some(router) = self.router.get() {
            router.inbound(routed);
        }
    }

    /// The store's form of one event a webhook or a poll reported.
    pub(crate) fn item_of(
        &self,
        connector: &LiveConnector,
        event: Event,
        received_ms: i64,
        raw_body: &str,
    ) -> Result<IntakeItem, IntakeError> {
        Ok(match event {
            Event::Message(message) => {
                let number = connector.number_for(&message.to).ok_or_else(|| {
                    IntakeError::Unavailable(format!(
                        "business number `{}` is not one of this connector's numbers",
                        message.to
                    ))
                })?;
                let content = convert::from_wit(message.content);
                let mut media = Vec::new();
                if let Content::Media(m) = &content {
                    media.push(NewMedia {
                        locator: m.locator.clone(),
                        mime_type: m.mime_type.clone(),
                        filename: m.filename.clone(),
                    });
                }
                media.extend(message.attachments.into_iter().map(|m| NewMedia {
                    locator: m.locator,
                    mime_type: m.mime_type,
                    filename: m.filename,
                }));
                let consent = match &content {
                    Content::Text { text } => self.keywords.consent(text),
                    _ => None,
                };
                let is_sms = connector.capabilities.as_ref().is_some_and(|c| {
                    c.channels.contains(&Channel::Sms) && !c.channels.contains(&Channel::Whatsapp)
                });
                let sms = match (&content, is_sms) {
                    (Content::Text { text }, true) => {
                        let (encoding, segments) = sms::classify(text);
                        Some((encoding.as_str().to_owned(), i64::from(segments)))
                    }
                    _ => None,
                };
                IntakeItem::Message(NewInbound {
                    number_id: number.id,
                    contact: contact_key(message.from),
                    provider_message_id: message.provider_message_id,
                    kind: content.kind().to_owned(),
                    raw: matches!(content, Content::Unsupported { .. })
                        .then(|| raw_body.to_owned()),
                    content: content.to_json(),
                    provider_at_ms: known_time(message.at_ms),
                    consent: consent.map(|c| match c {
                        Consent::OptOut => ConsentChange::OptOut,
                        Consent::OptIn => ConsentChange::OptIn,
                    }),
                    // Only an opt-out carries the confirmation: no copy per ordinary message.
                    opt_out_reply: if consent == Some(Consent::OptOut) {
                        self.opt_out_reply.clone()
                    } else {
                        None
                    },
                    media,
                    sms,
                })
            }
            Event::Status(status) => {
                let (error_code, error_message) = match status.error.as_ref().map(send_error_parts)
                {
                    Some((code, message)) => (Some(code), Some(message)),
                    None => (None, None),
                };
                IntakeItem::Status(StatusUpdate {
                    provider_message_id: status.provider_message_id,
                    status: match status.state {
                        DeliveryState::Sent => MessageStatus::Sent,
                        DeliveryState::Delivered => MessageStatus::Delivered,
                        DeliveryState::Read => MessageStatus::Read,
                        DeliveryState::Failed => MessageStatus::Failed,
                    },
                    at_ms: known_time(status.at_ms).unwrap_or(received_ms),
                    error_code,
                    error_message,
                    message_id: status.message_id.and_then(|id| i64::try_from(id).ok()),
                })
            }
            Event::Template(template) => IntakeItem::Template(TemplateStatusUpdate {
                name: template.name,
                language: template.language,
                status: template_status_word(&template.status),
                reason: template.reason,
            }),
        })
    }
}

/// The contact as the engine keys it: a valid number in E.164, else the number as given (never
/// dropped: an odd sender id still gets its conversation).
fn contact_key(address: ContactAddress) -> ContactKey {
    let number = address
        .number
        .map(|n| normalize_reported(&n).unwrap_or_else(|_| n.trim().to_owned()))
        .filter(|n| !n.is_empty());
    ContactKey {
        number,
        user_id: address.user_id.filter(|u| !u.is_empty()),
        name: address.display_name.filter(|n| !n.is_empty()),
    }
}

/// A provider time, or `None` for 0 (unknown).
fn known_time(at_ms: u64) -> Option<i64> {
    i64::try_from(at_ms).ok().filter(|&t| t > 0)
}

/// The engine's word for a provider's template review status.
fn template_status_word(provider: &str) -> String {
    match provider.to_ascii_uppercase().as_str() {
        "APPROVED" => "approved",
        "REJECTED" | "DISABLED" => "rejected",
        "PAUSED" | "FLAGGED" => "paused",
        "PENDING" | "IN_APPEAL" | "PENDING_DELETION" => "pending",
        _ => return provider.to_ascii_lowercase(),
    }
    .to_owned()
}

/// Equality in time independent of where the inputs differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The content JSON of each item that is a message, aligned with the items.
pub(crate) fn inbound_contents(items: &[IntakeItem]) -> Vec<Option<String>> {
    items
        .iter()
        .map(|item| match item {
            IntakeItem::Message(m) => Some(m.content.clone()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_are_keyed_by_e164_or_kept_as_given() {
        let key = contact_key(ContactAddress {
            number: Some("whatsapp:+54 9 11 1234-5678".into()),
            user_id: Some(String::new()),
            display_name: Some("Ana".into()),
        });
        assert_eq!(key.number.as_deref(), Some("+5491112345678"));
        assert_eq!(key.user_id, None);
        let odd = contact_key(ContactAddress {
            number: Some("MYSHOP".into()),
            user_id: None,
            display_name: None,
        });
        assert_eq!(odd.number.as_deref(), Some("MYSHOP"));
        assert_eq!(known_time(0), None);
        assert_eq!(template_status_word("APPROVED"), "approved");
        assert_eq!(template_status_word("Weird"), "weird");
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
