//! What a router step asks the world to do once its state is saved: events to publish, messages
//! to send, bots to run, campaigns to route.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::conversations::Content;

/// Who may see an event.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Audience {
    /// The agent concerned (holder, target of an offer or transfer).
    pub agent: Option<i64>,
    /// A second agent concerned (the one a transfer comes from).
    pub other_agent: Option<i64>,
    /// Supervisors who see this campaign.
    pub campaign: Option<i64>,
    /// Whoever spies on this conversation.
    pub conversation: Option<i64>,
}

/// What events say about a conversation. A typed struct, not a JSON tree: a routing pass makes
/// thousands, and they are serialized once, when stored and pushed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ConversationSummary {
    pub id: i64,
    pub state: String,
    pub campaign_id: Option<i64>,
    pub agent_id: Option<i64>,
    pub contact_id: i64,
    pub number_id: i64,
    pub queued_ms: Option<i64>,
    pub priority: i64,
    pub transfer_from_agent_id: Option<i64>,
    pub transfer_to_agent_id: Option<i64>,
    pub offered_to: Option<i64>,
    pub offer_expires_ms: Option<i64>,
    pub end_reason: Option<String>,
    /// What the event adds (the agent assigned, the reason…).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, Value>,
}

/// An event's data.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum EventData {
    Json(Value),
    Conversation(Box<ConversationSummary>),
}

impl EventData {
    /// The JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }
}

impl std::fmt::Display for EventData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_json())
    }
}

/// An event: stored, then pushed to its audience.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// `conversation.assigned`, `agent.state`…
    pub kind: &'static str,
    pub at_ms: i64,
    pub conversation: Option<i64>,
    pub message: Option<i64>,
    pub data: EventData,
    pub audience: Audience,
    /// Only pushed, not stored (a copy of something stored elsewhere, like a message).
    pub transient: bool,
}

/// Why a bot runs. (Short-lived: one per bot call.)
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum Trigger {
    Start,
    Message(Content),
    Waited,
    End,
    Timer(String),
}

/// Which of the campaign's bots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BotStage {
    Start,
    AfterWait,
    End,
}

impl BotStage {
    /// The stored word.
    pub fn word(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::AfterWait => "after_wait",
            Self::End => "end",
        }
    }

    /// From the stored word.
    pub fn parse(word: &str) -> Option<Self> {
        match word {
            "start" => Some(Self::Start),
            "after_wait" => Some(Self::AfterWait),
            "end" => Some(Self::End),
            _ => None,
        }
    }
}

/// A bot call to make.
#[derive(Debug, Clone, PartialEq)]
pub struct BotCall {
    pub conversation: i64,
    pub campaign: i64,
    pub stage: BotStage,
    pub plugin: String,
    pub config: String,
    pub trigger: Trigger,
    /// The bot's variables as it last set them.
    pub variables: std::collections::BTreeMap<String, String>,
    /// Where the conversation stands in the queue, when it is queued.
    pub queue: Option<QueuePlace>,
}

/// A queued conversation's place, for bots that tell the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueuePlace {
    /// 1-based.
    pub position: u32,
    pub waiting: u32,
    pub expected_wait_ms: u64,
}

/// A message to send to a conversation's customer through the compliance gate.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub conversation: i64,
    pub content: Content,
    /// `bot` or `system`.
    pub origin: &'static str,
}

/// Everything one step produced.
#[derive(Debug, Default, Clone)]
pub struct Effects {
    /// Conversations whose live fields changed.
    pub conversations: BTreeSet<i64>,
    /// Agents whose state changed.
    pub agents: BTreeSet<i64>,
    pub events: Vec<Event>,
    pub sends: Vec<Outgoing>,
    pub bots: Vec<BotCall>,
    /// Campaigns whose queue or agents changed: route them.
    pub route: BTreeSet<i64>,
    /// Campaigns whose queue figures changed (coalesced pushes).
    pub queues_changed: BTreeSet<i64>,
    /// Agents to log out (sessions ended by the caller).
    pub logouts: Vec<i64>,
}

impl Effects {
    /// Whether nothing happened.
    pub fn is_empty(&self) -> bool {
        self.conversations.is_empty()
            && self.agents.is_empty()
            && self.events.is_empty()
            && self.sends.is_empty()
            && self.bots.is_empty()
            && self.route.is_empty()
    }
}
