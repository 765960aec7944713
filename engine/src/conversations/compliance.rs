//! The compliance gate: every outbound message — an agent's reply, a bot's, the REST API's, the
//! dialer's — passes here before it is queued, so no path can skip a rule.
//!
//! In order: the sending number and its connector; the recipient (valid E.164, or a known
//! contact); the outgoing blacklist (opt-outs included); the content (`hsm:code:p1` and
//! templates resolved to an approved template with the right number of parameters); the 24 h
//! window (outside it only a template passes, and the error says when it closed); length and
//! media support; then the row is written `queued` and the sender woken.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::clock;
use crate::conversations::address::normalize_e164;
use crate::conversations::content::{Content, Template, TemplateButton};
use crate::conversations::{sms, template};
use crate::plugins::bindings::common::Channel;
use crate::plugins::provider::{CapabilitySet as Capabilities, TemplateRule};
use crate::providers::Messaging;
use crate::store::{ContactKey, NewOutbound, StoreError, TemplateRow};

/// What to send, as the API and the other paths ask for it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendRequest {
    /// Reply into this conversation (its number and contact); or give `from` and `to`.
    #[serde(default)]
    pub conversation_id: Option<i64>,
    /// The business number to send from.
    #[serde(default)]
    pub from: Option<String>,
    /// The recipient's number (E.164).
    #[serde(default)]
    pub to: Option<String>,
    /// Plain text; `hsm:code:p1:p2` sends template `code`.
    #[serde(default)]
    pub text: Option<String>,
    /// A template by code.
    #[serde(default)]
    pub template: Option<TemplateRequest>,
    /// Any other content (media, location, interactive…).
    #[serde(default)]
    pub content: Option<Content>,
    /// Send through this dialer instead (its connectors, do-not-call list and rules, kept as
    /// one of its records): give `to` and `text` (or `hsm:`), no `from`.
    #[serde(default)]
    pub dialer_id: Option<i64>,
}

/// A template asked for by code.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateRequest {
    /// The template's code.
    pub code: String,
    /// Its language; the first approved one when absent.
    #[serde(default)]
    pub language: Option<String>,
    /// Values of `{{1}}…{{n}}`.
    #[serde(default)]
    pub params: Vec<String>,
    /// Text header parameter.
    #[serde(default)]
    pub header_text: Option<String>,
    /// Dynamic button parts.
    #[serde(default)]
    pub buttons: Vec<TemplateButton>,
}

/// A message the gate queued.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Queued {
    /// The message id.
    pub message_id: i64,
    /// Its conversation.
    pub conversation_id: i64,
    /// The dialer record, for a send through a dialer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dialer_record_id: Option<i64>,
}

/// Why the gate refused a message. `code()` is the API's stable code.
#[derive(Debug, thiserror::Error)]
pub enum GateError {
    /// The request itself is incomplete or contradictory.
    #[error("{0}")]
    BadRequest(String),
    /// No such conversation, number or connector.
    #[error("{0}")]
    NotFound(String),
    /// The connector is disabled or paused.
    #[error("{0}")]
    ConnectorUnavailable(String),
    /// The recipient is not a valid number.
    #[error("{0}")]
    InvalidRecipient(String),
    /// The recipient is blacklisted or opted out.
    #[error("{0}")]
    Blocked(String),
    /// No such template, or not approved.
    #[error("{0}")]
    Template(String),
    /// The 24 h window is closed and this is not a template.
    #[error("{0}")]
    WindowClosed(String),
    /// Too long, unsupported media…
    #[error("{0}")]
    Content(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl GateError {
    /// The stable API code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "bad_request",
            Self::NotFound(_) => "not_found",
            Self::ConnectorUnavailable(_) => "connector_unavailable",
            Self::InvalidRecipient(_) => "invalid_recipient",
            Self::Blocked(_) => "recipient_blocked",
            Self::Template(_) => "template_invalid",
            Self::WindowClosed(_) => "window_closed",
            Self::Content(_) => "content_invalid",
            Self::Store(_) => "store_error",
        }
    }
}

impl Messaging {
    /// Checks `request` against every rule and queues it; `origin` says who sends (agent, bot,
    /// api, dialer).
    pub async fn send(&self, request: SendRequest, origin: &str) -> Result<Queued, GateError> {
        if request.dialer_id.is_some() {
            return Err(GateError::BadRequest(
                "a send through a dialer goes to the dialer, not the gate alone".into(),
            ));
        }
        let now = clock::now_ms();
        // Where from and to whom.
        let (connector, number, contact_key, conversation_id) = match request.conversation_id {
            Some(id) => {
                let conversation = self
                    .store
                    .conversation(id)
                    .await?
                    .ok_or_else(|| GateError::NotFound(format!("no conversation {id}")))?;
                let (connector, number) = self
                    .connectors
                    .by_number(&conversation.number)
                    .ok_or_else(|| {
                        GateError::NotFound(format!(
                            "number {} has no connector",
                            conversation.number
                        ))
                    })?;
                let contact = self
                    .store
                    .contact(conversation.contact_id)
                    .await?
                    .ok_or_else(|| {
                        GateError::NotFound("the conversation's contact is gone".into())
                    })?;
                let key = ContactKey {
                    number: contact.number,
                    user_id: contact.user_id,
                    name: None,
                };
                (connector, number, key, conversation.open.then_some(id))
            }
            None => {
                let from = request.from.as_deref().ok_or_else(|| {
                    GateError::BadRequest("give `conversation_id`, or `from` and `to`".into())
                })?;
                let to = request.to.as_deref().ok_or_else(|| {
                    GateError::BadRequest("give `to`, the recipient's number".into())
                })?;
                let (connector, number) = self.connectors.by_number(from).ok_or_else(|| {
                    GateError::NotFound(format!("no connector carries the number `{from}`"))
                })?;
                let to =
                    normalize_e164(to).map_err(|e| GateError::InvalidRecipient(e.to_string()))?;
                let key = ContactKey {
                    number: Some(to),
                    user_id: None,
                    name: None,
                };
                (connector, number, key, None)
            }
        };
        if !connector.enabled {
            return Err(GateError::ConnectorUnavailable(format!(
                "connector `{}` is disabled",
                connector.name
            )));
        }
        if let Some(reason) = &connector.paused_reason {
            return Err(GateError::ConnectorUnavailable(format!(
                "connector `{}` is paused: {reason}",
                connector.name
            )));
        }
        let addresses: Vec<String> = [&contact_key.number, &contact_key.user_id]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        if let Some(reason) = self.store.outbound_block(&addresses, number.id).await? {
            return Err(blocked(&reason));
        }
        let content = self.resolve_content(connector.id, request).await?;
        let capabilities = connector.capabilities.as_ref();
        if let Some(window_ms) = window_of(capabilities, &content) {
            let last = self.store.last_inbound(number.id, &contact_key).await?;
            check_window(last, window_ms, now)?;
        }
        let sms = check_payload(capabilities, &content)?;
        if let Content::Media(media) = &content {
            self.check_outbound_media(&media.locator).await?;
        }
        // Every check passed: only now may the recipient become a contact.
        let contact_id = self.store.ensure_contact(contact_key, now).await?;
        let (message_id, conversation_id) = self
            .store
            .enqueue_outbound(NewOutbound {
                connector_id: connector.id,
                number_id: number.id,
                contact_id,
                conversation_id,
                origin: origin.to_owned(),
                kind: content.kind().to_owned(),
                content: content.to_json(),
                sms,
                at_ms: now,
            })
            .await?;
        self.outbox_wakeup.notify_waiters();
        Ok(Queued {
            message_id,
            conversation_id,
            dialer_record_id: None,
        })
    }

    /// The content a request asks for, templates resolved and checked.
    async fn resolve_content(
        &self,
        connector_id: i64,
        request: SendRequest,
    ) -> Result<Content, GateError> {
        let asked = match (request.text, request.template, request.content) {
            (Some(text), None, None) => match text_or_template(text)? {
                Ok(content) => return Ok(content),
                Err(template) => template,
            },
            (None, Some(template), None) => template,
            (None, None, Some(Content::Template(_))) => {
                return Err(GateError::BadRequest(
                    "send templates with `template` or `hsm:`, by code".into(),
                ));
            }
            (None, None, Some(content)) => return Ok(content),
            _ => {
                return Err(GateError::BadRequest(
                    "give exactly one of `text`, `template` or `content`".into(),
                ));
            }
        };
        let templates = self.store.templates(Some(connector_id)).await?;
        template_content(&templates, asked)
    }

    /// An outbound media locator must be a stored file or an https URL.
    async fn check_outbound_media(&self, locator: &str) -> Result<(), GateError> {
        if let Some(sha256) = locator.strip_prefix("media:") {
            let exists = match self.media_path(sha256) {
                Some(path) => tokio::fs::try_exists(path).await.unwrap_or(false),
                None => false,
            };
            return if exists {
                Ok(())
            } else {
                Err(GateError::Content(format!(
                    "no stored file `{locator}`; upload it first"
                )))
            };
        }
        if locator.starts_with("https://") || locator.starts_with("http://") {
            Ok(())
        } else {
            Err(GateError::Content(
                "media must be `media:<sha256>` of an uploaded file or an http(s) URL".into(),
            ))
        }
    }
}

/// A template asked for, found among `templates` (the connector's), approved and with the
/// right parameters.
pub(crate) fn template_content(
    templates: &[TemplateRow],
    asked: TemplateRequest,
) -> Result<Content, GateError> {
    let found = templates
        .iter()
        .filter(|t| t.code == asked.code)
        .filter(|t| asked.language.as_ref().is_none_or(|l| &t.language == l))
        .min_by_key(|t| t.status != "approved")
        .ok_or_else(|| {
            GateError::Template(format!("no template `{}` on this connector", asked.code))
        })?;
    if found.status != "approved" {
        return Err(GateError::Template(format!(
            "template `{}` ({}) is {}, not approved{}",
            found.code,
            found.language,
            found.status,
            found
                .reason
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default()
        )));
    }
    template::check_params(&found.code, &found.body, &asked.params)
        .map_err(|e| GateError::Template(e.to_string()))?;
    Ok(Content::Template(Template {
        code: found.code.clone(),
        name: found.provider_name.clone(),
        language: found.language.clone(),
        namespace: found.namespace.clone(),
        header_text: asked.header_text,
        header_media: None,
        rendered: template::fill(&found.body, &asked.params),
        params: asked.params,
        buttons: asked.buttons,
    }))
}

/// Plain text as content, or the template an `hsm:code:p1` text asks for.
pub(crate) fn text_or_template(
    text: String,
) -> Result<Result<Content, TemplateRequest>, GateError> {
    match template::parse_hsm(&text) {
        Some(call) => {
            let call = call.map_err(|e| GateError::Template(e.to_string()))?;
            Ok(Err(TemplateRequest {
                code: call.code,
                params: call.params,
                ..TemplateRequest::default()
            }))
        }
        None if text.trim().is_empty() => Err(GateError::Content("the text is empty".into())),
        None => Ok(Ok(Content::Text { text })),
    }
}

/// The refusal for a blacklisted or opted-out recipient.
pub(crate) fn blocked(reason: &str) -> GateError {
    let why = if reason == "opt-out" {
        "opted out"
    } else {
        "is blacklisted"
    };
    GateError::Blocked(format!("the recipient {why}; nothing was sent"))
}

/// The customer-service window `content` needs open on a connector, if any: templates pass
/// outside it.
pub(crate) fn window_of(capabilities: Option<&Capabilities>, content: &Content) -> Option<i64> {
    if matches!(content, Content::Template(_)) {
        return None;
    }
    capabilities
        .filter(|c| c.templates == TemplateRule::RequiredOutsideWindow)
        .and_then(|c| c.session_window_ms)
        .and_then(|ms| i64::try_from(ms).ok())
}

/// Whether the window is open at `now`, given the customer's last message.
pub(crate) fn check_window(
    last_inbound: Option<i64>,
    window_ms: i64,
    now: i64,
) -> Result<(), GateError> {
    match last_inbound {
        Some(last) if last + window_ms > now => Ok(()),
        Some(last) => Err(GateError::WindowClosed(format!(
            "the customer-service window closed at {} (24 h after the customer's last message at {}); only an approved template can be sent",
            clock::rfc3339(last + window_ms),
            clock::rfc3339(last)
        ))),
        None => Err(GateError::WindowClosed(
            "the customer has never written to this number, so no window is open; only an approved template can be sent".into(),
        )),
    }
}

/// Length and media support; for an SMS connector, the text's encoding and segments.
pub(crate) fn check_payload(
    capabilities: Option<&Capabilities>,
    content: &Content,
) -> Result<Option<(String, i64)>, GateError> {
    if let (Some(c), Some(text)) = (capabilities, content.readable_text()) {
        let length = text.chars().count();
        if length > c.max_text_length as usize {
            return Err(GateError::Content(format!(
                "the text has {length} characters; this connector takes at most {}",
                c.max_text_length
            )));
        }
    }
    if matches!(content, Content::Media(_)) && capabilities.is_some_and(|c| !c.media_send) {
        return Err(GateError::Content(
            "this connector cannot send media".into(),
        ));
    }
    let is_sms = capabilities.is_some_and(|c| {
        c.channels.contains(&Channel::Sms) && !c.channels.contains(&Channel::Whatsapp)
    });
    Ok(match (content, is_sms) {
        (Content::Text { text }, true) => {
            let (encoding, segments) = sms::classify(text);
            Some((encoding.as_str().to_owned(), i64::from(segments)))
        }
        _ => None,
    })
}
