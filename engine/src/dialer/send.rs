//! One batch of records through the compliance gate's rules, then each ready record out to its
//! provider: the steps the run and a single send share.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::Arc;

use super::settings::DialerSettings;
use super::zones::ContactWindow;
use crate::clock;
use crate::conversations::Content;
use crate::conversations::compliance::{self, GateError};
use crate::plugins::provider::{LimitKind, SendError};
use crate::providers::Messaging;
use crate::providers::connectors::LiveConnector;
use crate::providers::errors::send_error_parts;
use crate::providers::sender::{self, Attempt};
use crate::routing::campaign::CampaignSettings;
use crate::store::{
    BeginSend, ContactKey, OutboundJob, RecordRow, RecordState, SendEnd, StoreError, TemplateRow,
};

/// A business number the dialer sends from.
#[derive(Clone)]
pub struct Line {
    /// Its connector.
    pub connector: Arc<LiveConnector>,
    /// The number's id.
    pub number_id: i64,
    /// The number.
    pub number: String,
}

/// The dialer's lines: its connectors' numbers, in order. `Err` says why it cannot send now.
pub fn lines(messaging: &Messaging, settings: &DialerSettings) -> Result<Vec<Line>, String> {
    let mut lines = Vec::new();
    for &id in &settings.connectors {
        let connector = messaging
            .connectors
            .get(id)
            .ok_or_else(|| format!("connector {id} does not exist"))?;
        if !connector.enabled {
            return Err(format!("connector `{}` is disabled", connector.name));
        }
        if let Some(reason) = &connector.paused_reason {
            return Err(format!(
                "connector `{}` is paused: {reason}",
                connector.name
            ));
        }
        for number in &connector.numbers {
            lines.push(Line {
                connector: connector.clone(),
                number_id: number.id,
                number: number.number.clone(),
            });
        }
    }
    if lines.is_empty() {
        return Err("the dialer's connectors have no numbers".into());
    }
    Ok(lines)
}

/// Rotates over the channel range: with several lines a channel is a line; with one line, a
/// port of its gateway (the plugin's `channel_slot`).
pub struct Channels {
    channels: Vec<u32>,
    next: usize,
}

impl Channels {
    /// Over `channels`, starting at the first.
    pub fn new(channels: Vec<u32>) -> Self {
        Self { channels, next: 0 }
    }

    /// The next channel and its line index among `line_count` lines, without taking it.
    pub fn peek(&self, line_count: usize) -> (u32, usize) {
        let channel = self.channels[self.next % self.channels.len()];
        let line = if line_count > 1 {
            channel as usize % line_count
        } else {
            0
        };
        (channel, line)
    }

    /// Takes the next channel: `(channel, line index)`.
    pub fn take(&mut self, line_count: usize) -> (u32, usize) {
        let next = self.peek(line_count);
        self.next = (self.next + 1) % self.channels.len();
        next
    }
}

/// A record that passed every rule and waits for its slot.
#[derive(Clone)]
pub struct Ready {
    /// The record.
    pub record_id: i64,
    /// Line index.
    pub line: usize,
    /// Channel.
    pub channel: u32,
    /// Recipient.
    pub to: String,
    /// What to send.
    pub content: Content,
    /// SMS encoding and segments.
    pub sms: Option<(String, i64)>,
}

/// What a batch came to.
#[derive(Default)]
pub struct Checked {
    /// Ready to send, in position order.
    pub ready: Vec<Ready>,
    /// Records that end here: `(record, state, reason)`.
    pub ends: Vec<(i64, RecordState, String)>,
    /// Records outside their contact window now: left pending.
    pub later: usize,
}

/// Applies the gate's rules to `records` (in position order): do-not-call and blacklist,
/// content and templates, the customer-service window, length; then assigns channels.
pub async fn check(
    messaging: &Messaging,
    settings: &DialerSettings,
    lines: &[Line],
    channels: &mut Channels,
    window: Option<&mut ContactWindow>,
    records: Vec<RecordRow>,
) -> Result<Checked, StoreError> {
    let now = clock::now_ms();
    let numbers: Vec<String> = records.iter().map(|r| r.destination.clone()).collect();
    let blocks = blocks(messaging, settings, lines, &numbers).await?;
    let mut templates: HashMap<i64, Vec<TemplateRow>> = HashMap::new();
    let mut checked = Checked::default();
    let mut window = window;
    for record in records {
        if let Some(window) = window.as_deref_mut()
            && !window.is_open(&record.destination, now)
        {
            checked.later += 1;
            continue;
        }
        // The line this record would take; the channel is only spent on a record that goes.
        let line = &lines[channels.peek(lines.len()).1];
        if let Some(why) = block_reason(&blocks, line, &record.destination) {
            checked.ends.push((record.id, RecordState::Blocked, why));
            continue;
        }
        let connector = &line.connector;
        if let Entry::Vacant(slot) = templates.entry(connector.id) {
            slot.insert(messaging.store.templates(Some(connector.id)).await?);
        }
        let connector_templates = templates.get(&connector.id).map_or(&[][..], Vec::as_slice);
        match content_for(messaging, settings, line, connector_templates, &record, now).await {
            Ok((content, sms)) => {
                let (channel, line) = channels.take(lines.len());
                checked.ready.push(Ready {
                    record_id: record.id,
                    line,
                    channel,
                    to: record.destination,
                    content,
                    sms,
                });
            }
            Err(GateError::Store(error)) => return Err(error),
            Err(error) => {
                let state = match error {
                    GateError::InvalidRecipient(_) => RecordState::Invalid,
                    GateError::Blocked(_) => RecordState::Blocked,
                    _ => RecordState::Failed,
                };
                checked
                    .ends
                    .push((record.id, state, format!("{}: {error}", error.code())));
            }
        }
    }
    Ok(checked)
}

/// Why each number may not be written from each of the lines' numbers: the do-not-call list
/// (when the dialer checks it: global and its campaign's), opt-outs and the blacklist.
pub async fn blocks(
    messaging: &Messaging,
    settings: &DialerSettings,
    lines: &[Line],
    numbers: &[String],
) -> Result<HashMap<i64, HashMap<String, String>>, StoreError> {
    let dnc = settings
        .dnc_check
        .then(|| settings.campaign_id.unwrap_or(0));
    // Per business number: the blacklist depends on the number's campaign.
    let mut blocks: HashMap<i64, HashMap<String, String>> = HashMap::new();
    for line in lines {
        if let Entry::Vacant(slot) = blocks.entry(line.number_id) {
            slot.insert(
                messaging
                    .store
                    .send_blocks(numbers, line.number_id, dnc)
                    .await?,
            );
        }
    }
    Ok(blocks)
}

/// The record's reason to be blocked on `line`, as stored on it.
pub fn block_reason(
    blocks: &HashMap<i64, HashMap<String, String>>,
    line: &Line,
    number: &str,
) -> Option<String> {
    let reason = blocks.get(&line.number_id)?.get(number)?;
    Some(if reason == "dnc" {
        "dnc: the number is on the do-not-call list".to_owned()
    } else {
        let error = compliance::blocked(reason);
        format!("{}: {error}", error.code())
    })
}

/// The content a record sends and its SMS figures, or the rule it breaks.
async fn content_for(
    messaging: &Messaging,
    settings: &DialerSettings,
    line: &Line,
    templates: &[TemplateRow],
    record: &RecordRow,
    now: i64,
) -> Result<(Content, Option<(String, i64)>), GateError> {
    let text = record
        .message
        .clone()
        .or_else(|| settings.default_template.clone())
        .ok_or_else(|| {
            GateError::Content("the row has no message and the dialer no default template".into())
        })?;
    let content = match compliance::text_or_template(text)? {
        Ok(content) => content,
        Err(asked) => compliance::template_content(templates, asked)?,
    };
    let capabilities = line.connector.capabilities.as_ref();
    if let Some(window_ms) = compliance::window_of(capabilities, &content) {
        let key = ContactKey {
            number: Some(record.destination.clone()),
            ..ContactKey::default()
        };
        let last = messaging.store.last_inbound(line.number_id, &key).await?;
        compliance::check_window(last, window_ms, now)?;
    }
    let sms = compliance::check_payload(capabilities, &content)?;
    Ok((content, sms))
}

/// The campaign a reply to a send made now lands in, and until when: the dialer's reply
/// window, else its campaign's `dialer_reply_window_secs`.
pub async fn reply_campaign(
    messaging: &Messaging,
    settings: &DialerSettings,
) -> Option<(i64, i64)> {
    let campaign_id = settings.campaign_id?;
    let secs = match settings.reply_window_secs {
        Some(secs) => secs,
        None => {
            let row = messaging.store.campaign(campaign_id).await.ok().flatten()?;
            serde_json::from_str::<CampaignSettings>(&row.settings)
                .map(|s| s.dialer_reply_window_secs)
                .unwrap_or_else(|_| CampaignSettings::default().dialer_reply_window_secs)
        }
    };
    Some((campaign_id, clock::now_ms() + i64::from(secs) * 1000))
}

/// The durable half before a send: what `begin_sends` writes for a ready record.
pub fn begin_of(ready: &Ready, line: &Line, campaign: Option<(i64, i64)>) -> BeginSend {
    BeginSend {
        record_id: ready.record_id,
        connector_id: line.connector.id,
        number_id: line.number_id,
        to: ready.to.clone(),
        kind: ready.content.kind().to_owned(),
        content: ready.content.to_json(),
        sms: ready.sms.clone(),
        channel: i64::from(ready.channel),
        campaign,
    }
}

/// What a send's outcome asks of the dialer.
#[derive(Debug, Clone, PartialEq)]
pub enum Signal {
    /// Nothing: go on.
    None,
    /// Too fast: hold this long (ms) and slow down.
    Throttle(u64),
    /// Stop: the provider refuses for the account's sake (tier, quality), or is misconfigured.
    Pause(String),
    /// The provider could not be reached.
    Unreachable(String),
}

/// Sends one record whose message row is written `sending`, and says how it ended.
pub async fn send(
    messaging: &Messaging,
    line: &Line,
    ready: &Ready,
    message_id: i64,
) -> (SendEnd, Signal) {
    let job = OutboundJob {
        id: message_id,
        connector_id: line.connector.id,
        from: line.number.clone(),
        to_number: Some(ready.to.clone()),
        to_user_id: None,
        content: ready.content.to_json(),
        attempts: 1,
    };
    match sender::attempt(messaging, &line.connector, &job, ready.channel).await {
        Attempt::Accepted {
            provider_message_id,
        } => (
            SendEnd::Sent {
                provider_message_id,
            },
            Signal::None,
        ),
        Attempt::Broken {
            code,
            message,
            may_have_left: true,
        } => (
            SendEnd::Unknown {
                code: code.to_owned(),
                message,
            },
            Signal::None,
        ),
        Attempt::Broken { code, message, .. } => {
            let signal = Signal::Unreachable(format!("{code}: {message}"));
            (
                SendEnd::Again {
                    code: code.to_owned(),
                    message,
                },
                signal,
            )
        }
        Attempt::Refused(error) => refused(messaging, line, &ready.to, &error).await,
    }
}

/// A typed refusal: the record's end, and what it means for the dialer.
async fn refused(
    messaging: &Messaging,
    line: &Line,
    to: &str,
    error: &SendError,
) -> (SendEnd, Signal) {
    let (code, message) = send_error_parts(error);
    let again = |signal| {
        (
            SendEnd::Again {
                code: code.clone(),
                message: message.clone(),
            },
            signal,
        )
    };
    let end = |state| SendEnd::Refused {
        state,
        code: code.clone(),
        message: message.clone(),
    };
    match error {
        SendError::ProviderLimit(limit) => match limit.kind {
            LimitKind::Throughput => again(Signal::Throttle(limit.retry_after_ms.unwrap_or(1_000))),
            LimitKind::Tier | LimitKind::Quality | LimitKind::PairRate => {
                again(Signal::Pause(format!("provider limit {code}: {message}")))
            }
        },
        SendError::Retryable(r) => again(Signal::Throttle(r.retry_after_ms.unwrap_or(1_000))),
        SendError::AuthExpired(_) => {
            messaging.auth.invalidate(line.connector.id).await;
            again(Signal::Throttle(0))
        }
        SendError::Misconfigured(_) => {
            let reason = format!("{code}: {message}");
            if let Err(e) = messaging
                .connectors
                .pause(line.connector.id, reason.clone())
                .await
            {
                tracing::error!(connector = line.connector.id, error = %e, "pausing the connector failed");
            }
            again(Signal::Pause(format!("connector misconfigured: {reason}")))
        }
        SendError::Unsubscribed(_) => {
            if let Err(e) = messaging
                .store
                .add_blacklist(to, "out", None, "opt-out", clock::now_ms())
                .await
            {
                tracing::warn!(error = %e, "could not blacklist a number the provider reports unsubscribed");
            }
            (end(RecordState::Blocked), Signal::None)
        }
        SendError::BadRecipient(_) => (end(RecordState::Invalid), Signal::None),
        SendError::Permanent(_) | SendError::WindowClosed(_) => {
            (end(RecordState::Failed), Signal::None)
        }
    }
}
