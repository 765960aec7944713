//! Row types of routing: campaigns, members, breaks, agents' states, the live fields of
//! conversations with their timers, and the events a routing step writes.

use std::collections::BTreeMap;

/// A stored campaign. `settings` is the JSON of `routing::campaign::CampaignSettings`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignRow {
    /// Id.
    pub id: i64,
    /// Unique name (case-insensitive).
    pub name: String,
    /// Takes conversations.
    pub enabled: bool,
    /// The blacklist applies to customers writing in.
    pub incoming_blacklist: bool,
    /// The manual blacklist applies to messages sent out (opt-outs always do).
    pub outgoing_blacklist: bool,
    /// The other settings, JSON.
    pub settings: String,
    /// The business numbers answering into it (E.164).
    pub numbers: Vec<String>,
    /// Its agents.
    pub members: Vec<MemberRow>,
    /// Created.
    pub created_ms: i64,
    /// Last changed.
    pub updated_ms: i64,
}

/// A campaign's agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow {
    /// The user.
    pub user_id: i64,
    /// Lower is asked first.
    pub penalty: i64,
    /// Skill names from the campaign's table.
    pub skills: Vec<String>,
}

/// A campaign to create or replace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCampaign {
    /// Unique name.
    pub name: String,
    /// Takes conversations.
    pub enabled: bool,
    /// See [`CampaignRow::incoming_blacklist`].
    pub incoming_blacklist: bool,
    /// See [`CampaignRow::outgoing_blacklist`].
    pub outgoing_blacklist: bool,
    /// Settings JSON.
    pub settings: String,
    /// Business numbers (must exist on a connector; taken from any other campaign is a
    /// conflict).
    pub numbers: Vec<String>,
    /// Agents.
    pub members: Vec<MemberRow>,
    /// Now.
    pub at_ms: i64,
}

/// A named break.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakRow {
    /// Id.
    pub id: i64,
    /// Name (lunch, training…).
    pub name: String,
    /// Created.
    pub created_ms: i64,
}

/// A user as routing sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutingUser {
    /// Id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Shown name.
    pub display_name: String,
    /// agent, supervisor or admin.
    pub role: String,
    /// Global maximum of concurrent conversations.
    pub max_concurrent: i64,
    /// Disabled users are never routed to.
    pub disabled: bool,
}

/// An agent's last stored state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentStateRow {
    /// The user.
    pub user_id: i64,
    /// disconnected, available or break.
    pub state: String,
    /// The break's name when on break.
    pub break_name: Option<String>,
    /// Paused by a supervisor: no new conversations.
    pub paused: bool,
    /// When the state last changed.
    pub since_ms: i64,
    /// Conversations closed by the agent today… since the counter was last reset.
    pub completed: i64,
}

/// A pending deadline of a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimerRow {
    /// queue, abandon, chat_limit, transfer, window, bot.
    pub kind: String,
    /// When it fires.
    pub due_ms: i64,
    /// Kind-specific (the bot's wait tag).
    pub data: String,
}

/// The live fields of a conversation: what the router owns and saves whole after each step.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LiveConversationRow {
    /// Id.
    pub id: i64,
    /// Business number.
    pub number_id: i64,
    /// Customer.
    pub contact_id: i64,
    /// State word (new, idle, bot, queued, assigned, transferring, closing, closed, abandoned,
    /// rejected).
    pub state: String,
    /// Not ended.
    pub open: bool,
    /// Campaign.
    pub campaign_id: Option<i64>,
    /// Set by a dialer's message: `campaign_id` holds for a reply until then; a later reply
    /// goes to the number's campaign.
    pub campaign_until_ms: Option<i64>,
    /// Agent holding it.
    pub agent_id: Option<i64>,
    /// When it (last) entered a queue.
    pub queued_ms: Option<i64>,
    /// Queue priority.
    pub priority: i64,
    /// Required skills.
    pub skills: Vec<String>,
    /// Attributes for strategies and bots.
    pub attributes: BTreeMap<String, String>,
    /// First assigned.
    pub assigned_ms: Option<i64>,
    /// The first agent reply.
    pub first_reply_ms: Option<i64>,
    /// The agent who had it before.
    pub previous_agent_id: Option<i64>,
    /// While transferring: the agent it returns to.
    pub transfer_from_agent_id: Option<i64>,
    /// While transferring to an agent: that agent.
    pub transfer_to_agent_id: Option<i64>,
    /// The bot running (plugin name).
    pub bot: Option<String>,
    /// start, after_wait or end.
    pub bot_stage: Option<String>,
    /// The bot's variables.
    pub bot_variables: BTreeMap<String, String>,
    /// The last inbound message the bot was given.
    pub bot_seen_message_id: i64,
    /// The customer's last message.
    pub last_inbound_ms: Option<i64>,
    /// Why it ended (closed_by_agent, out_of_hours, queue_full, blacklisted, time_limit…).
    pub end_reason: Option<String>,
    /// Disposition code.
    pub disposition: Option<String>,
    /// Survey score 1–5.
    pub csat: Option<i64>,
    /// Created.
    pub created_ms: i64,
    /// Ended.
    pub closed_ms: Option<i64>,
    /// Pending deadlines.
    pub timers: Vec<TimerRow>,
}

/// An event a routing step writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// When.
    pub at_ms: i64,
    /// `conversation.assigned`, `agent.state`…
    pub kind: String,
    /// Its conversation.
    pub conversation_id: Option<i64>,
    /// Its message.
    pub message_id: Option<i64>,
    /// JSON.
    pub data: String,
}

/// What one routing step saves, in one transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoutingWrite {
    /// Now.
    pub at_ms: i64,
    /// Conversations, whole.
    pub conversations: Vec<LiveConversationRow>,
    /// Agents' states.
    pub agents: Vec<AgentStateRow>,
    /// Events.
    pub events: Vec<NewEvent>,
}

impl RoutingWrite {
    /// Nothing to save.
    pub fn is_empty(&self) -> bool {
        self.conversations.is_empty() && self.agents.is_empty() && self.events.is_empty()
    }
}

/// An internal note on a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteRow {
    pub id: i64,
    pub conversation_id: i64,
    pub user_id: i64,
    pub text: String,
    pub created_ms: i64,
}

/// An internal message between users (a supervisor's chat with an agent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalMessageRow {
    pub id: i64,
    pub from_user: i64,
    pub to_user: i64,
    pub text: String,
    pub created_ms: i64,
}
