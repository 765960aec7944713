//! What a bot sees and answers, in the engine's own types (serde, OpenAPI): the host builds a
//! [`BotContext`] and a [`BotTrigger`], and applies the [`BotAction`]s. JSON is snake_case
//! with a `"type"` tag: `{"type": "wait_input", "timeout_ms": 60000, "tag": "menu"}`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::conversations::Content;

/// The messaging channel of a conversation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Plain SMS (or MMS).
    Sms,
    /// WhatsApp Business.
    #[default]
    Whatsapp,
}

/// The customer of a conversation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct BotContact {
    /// E.164 number, when known.
    pub number: Option<String>,
    /// The provider's id for the user when it differs from the number (WhatsApp BSUID).
    pub user_id: Option<String>,
    /// The name the provider reported.
    pub display_name: Option<String>,
}

/// A message of the conversation's recent history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BotHistoryEntry {
    /// True when the customer sent it.
    pub inbound: bool,
    /// When it was sent, ms since the epoch.
    pub at_ms: u64,
    /// What it said.
    pub content: Content,
}

/// Where a queued conversation stands in its campaign's queue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QueueInfo {
    /// 1-based place: 1 is the next to be assigned.
    pub position: u32,
    /// Conversations waiting, this one included.
    pub waiting: u32,
    /// Estimated time left before an agent takes it, in ms.
    pub expected_wait_ms: u64,
}

/// Everything a bot call is given besides its config and trigger. Missing fields read as their
/// defaults (WhatsApp, window open, nothing else), which suits hand-written test inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct BotContext {
    /// Conversation id.
    pub conversation: u64,
    /// Campaign id.
    pub campaign: u64,
    /// The campaign's name, for messages.
    pub campaign_name: String,
    /// SMS or WhatsApp.
    pub channel: Channel,
    /// The customer.
    pub contact: BotContact,
    /// The business number the customer wrote to (E.164).
    pub business_number: String,
    /// The time of the call, ms since the epoch: the bot's only clock.
    pub now_ms: u64,
    /// Seed of the call's randomness.
    pub seed: u64,
    /// Whether the WhatsApp 24-hour window is open (free text may be sent).
    pub window_open: bool,
    /// The bot's variables for this conversation, as it last set them.
    pub variables: BTreeMap<String, String>,
    /// The last messages (at most 20), oldest first.
    pub history: Vec<BotHistoryEntry>,
    /// The conversation's place in the queue: for the `waited` trigger and whenever queued.
    pub queue: Option<QueueInfo>,
}

impl Default for BotContext {
    fn default() -> Self {
        BotContext {
            conversation: 0,
            campaign: 0,
            campaign_name: String::new(),
            channel: Channel::Whatsapp,
            contact: BotContact::default(),
            business_number: String::new(),
            now_ms: 0,
            seed: 0,
            window_open: true,
            variables: BTreeMap::new(),
            history: Vec::new(),
            queue: None,
        }
    }
}

/// Why a bot is called.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[allow(
    clippy::large_enum_variant,
    reason = "one per call and short-lived; boxing the content would only add an allocation"
)]
pub enum BotTrigger {
    /// A new conversation reached a campaign with a bot on start.
    Start,
    /// The customer wrote while the bot holds the conversation.
    Message {
        /// What they sent.
        content: Content,
    },
    /// The conversation waited past the campaign's max queue time.
    Waited,
    /// The conversation is closing (bot on end).
    End,
    /// A `wait_input` the bot asked for ran out.
    Timer {
        /// The wait's tag.
        tag: String,
    },
}

/// What a bot wants done, applied in order. At most one of `handoff`, `transfer`, `close` and
/// `wait_input`, and only as the last action (checked by [`super::validate_actions`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[allow(
    clippy::large_enum_variant,
    reason = "a few per call and short-lived; boxing the content would only add an allocation"
)]
pub enum BotAction {
    /// Send a message to the customer, through the compliance gate.
    Send {
        /// The message.
        content: Content,
    },
    /// Set a conversation variable; an empty value removes it.
    SetVariable {
        /// Variable name.
        name: String,
        /// Its value.
        value: String,
    },
    /// Leave the bot and queue for an agent of this campaign.
    Handoff {
        /// Queue priority, higher first.
        #[serde(default)]
        priority: i32,
        /// Skill names required from the agent.
        #[serde(default)]
        skills: Vec<String>,
        /// Attributes for strategies that route on them.
        #[serde(default)]
        attributes: BTreeMap<String, String>,
    },
    /// Move the conversation to another campaign.
    Transfer {
        /// The campaign's name.
        campaign: String,
    },
    /// Close the conversation.
    Close {
        /// Disposition code, if any.
        #[serde(default)]
        disposition: Option<String>,
    },
    /// Keep the conversation and wait for the customer; `timer{tag}` comes if nothing does.
    WaitInput {
        /// How long to wait, in ms.
        timeout_ms: u64,
        /// Given back in the timer trigger.
        tag: String,
    },
}

impl BotAction {
    /// Whether this action ends the bot's turn: the conversation leaves the bot or waits.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            Self::Handoff { .. }
                | Self::Transfer { .. }
                | Self::Close { .. }
                | Self::WaitInput { .. }
        )
    }
}
