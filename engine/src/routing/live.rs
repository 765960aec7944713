//! The router's in-memory model: agents, campaigns with their queues, conversations.
//! Only the router task touches it; the store mirrors it after every step.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use super::campaign::CampaignSettings;
use crate::store::{CampaignRow, LiveConversationRow};

/// A conversation state word, as stored.
pub mod state {
    pub const NEW: &str = "new";
    pub const IDLE: &str = "idle";
    pub const BOT: &str = "bot";
    pub const QUEUED: &str = "queued";
    pub const ASSIGNED: &str = "assigned";
    pub const TRANSFERRING: &str = "transferring";
    pub const CLOSING: &str = "closing";
    pub const CLOSED: &str = "closed";
    pub const ABANDONED: &str = "abandoned";
    pub const REJECTED: &str = "rejected";
}

/// Timer kinds, as stored.
pub mod timer {
    pub const QUEUE: &str = "queue";
    pub const ABANDON: &str = "abandon";
    pub const CHAT_LIMIT: &str = "chat_limit";
    pub const TRANSFER: &str = "transfer";
    pub const WINDOW: &str = "window";
    pub const BOT: &str = "bot";
    /// Not stored: an offer dies with the process and is made again.
    pub const OFFER: &str = "offer";
}

/// What an agent is doing, as chosen by the agent (or the system on disconnect).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presence {
    /// Not logged in (or gone longer than the grace period).
    Disconnected,
    /// Takes conversations.
    Available,
    /// On a named break: keeps what it has, gets nothing new.
    Break(String),
}

impl Presence {
    /// The stored word.
    pub fn word(&self) -> &'static str {
        match self {
            Self::Disconnected => "disconnected",
            Self::Available => "available",
            Self::Break(_) => "break",
        }
    }
}

/// An agent (any user may be a campaign member).
#[derive(Debug, Clone)]
pub struct Agent {
    pub id: i64,
    pub name: Arc<str>,
    pub role: Arc<str>,
    pub disabled: bool,
    /// Global maximum of concurrent conversations.
    pub max_concurrent: u32,
    pub presence: Presence,
    /// Paused by a supervisor: no new conversations until resumed.
    pub paused: bool,
    /// When presence or pause last changed.
    pub since_ms: i64,
    /// Open WebSocket connections.
    pub connections: u32,
    /// When a dropped agent is marked disconnected.
    pub grace_until: Option<i64>,
    /// Conversations held or reserved (assigned, offered, transferring from or to).
    pub load: u32,
    /// The same, per campaign.
    pub campaign_load: HashMap<i64, u32>,
    /// When the agent last got a conversation.
    pub last_assigned_ms: Option<i64>,
    /// Since when the agent has held nothing.
    pub idle_since_ms: i64,
    /// Conversations the agent closed.
    pub completed: i64,
    /// Campaigns the agent is a member of.
    pub campaigns: BTreeSet<i64>,
}

impl Agent {
    /// A new agent, disconnected.
    pub fn new(id: i64, name: &str, role: &str, max_concurrent: u32, now: i64) -> Self {
        Self {
            id,
            name: name.into(),
            role: role.into(),
            disabled: false,
            max_concurrent,
            presence: Presence::Disconnected,
            paused: false,
            since_ms: now,
            connections: 0,
            grace_until: None,
            load: 0,
            campaign_load: HashMap::new(),
            last_assigned_ms: None,
            idle_since_ms: now,
            completed: 0,
            campaigns: BTreeSet::new(),
        }
    }

    /// The state shown to people: disconnected, free, busy, break_free, break_busy.
    pub fn display_state(&self) -> &'static str {
        match (&self.presence, self.load > 0) {
            (Presence::Disconnected, _) => "disconnected",
            (Presence::Available, false) => "free",
            (Presence::Available, true) => "busy",
            (Presence::Break(_), false) => "break_free",
            (Presence::Break(_), true) => "break_busy",
        }
    }

    /// Free slots in campaign `campaign` under both maxima, if the agent takes work at all.
    pub fn free_slots(&self, campaign: i64, max_per_agent: u32) -> u32 {
        if self.disabled
            || self.paused
            || self.presence != Presence::Available
            || self.connections == 0
        {
            return 0;
        }
        let global = self.max_concurrent.saturating_sub(self.load);
        let here =
            max_per_agent.saturating_sub(self.campaign_load.get(&campaign).copied().unwrap_or(0));
        global.min(here)
    }
}

/// A member's routing data in one campaign.
#[derive(Debug, Clone, Copy)]
pub struct Membership {
    pub penalty: u32,
    pub skills: u64,
}

/// A campaign and its queue.
#[derive(Debug, Clone)]
pub struct Campaign {
    pub row: CampaignRow,
    pub settings: Arc<CampaignSettings>,
    /// The opening hours, ready to check (`None`: always open).
    pub schedule: Option<Arc<super::schedule::CompiledSchedule>>,
    pub members: HashMap<i64, Membership>,
    /// Waiting conversations in order: priority (higher first), then time queued, then id.
    pub queue: BTreeSet<QueueKey>,
    /// Service level today (live): answered in time, answered, abandoned after the threshold.
    pub answered_in_time: u64,
    pub answered: u64,
    pub abandoned_late: u64,
    pub abandoned: u64,
    pub completed: u64,
    /// Time waited by the conversations assigned so far, for the expected wait.
    pub waited_total_ms: i64,
    pub waited_count: u64,
}

/// A place in a queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct QueueKey {
    /// Negated priority, so higher priorities sort first.
    pub neg_priority: i64,
    pub queued_ms: i64,
    pub conversation: i64,
}

/// A conversation the router holds.
#[derive(Debug, Clone)]
pub struct Conversation {
    /// The stored live fields: the truth, saved whole.
    pub row: LiveConversationRow,
    /// Required skills as the campaign's bits.
    pub skills_mask: u64,
    /// The agent it is offered to, until when.
    pub offer: Option<(i64, i64)>,
    /// Agents that rejected it or let an offer expire: not asked again.
    pub excluded: Vec<i64>,
    /// A bot call is running for it.
    pub bot_busy: bool,
    /// Inbound messages that came while the bot was busy.
    pub bot_inbox: Vec<(i64, crate::conversations::Content)>,
    /// The connector has a customer-service window.
    pub has_window: bool,
}

impl Conversation {
    /// A conversation from its stored row.
    pub fn from_row(row: LiveConversationRow) -> Self {
        Self {
            row,
            skills_mask: 0,
            offer: None,
            excluded: Vec::new(),
            bot_busy: false,
            bot_inbox: Vec::new(),
            has_window: false,
        }
    }

    /// The state word.
    pub fn state(&self) -> &str {
        &self.row.state
    }

    /// Its place in its campaign's queue, if queued now.
    pub fn queue_key(&self) -> Option<QueueKey> {
        Some(QueueKey {
            neg_priority: -self.row.priority,
            queued_ms: self.row.queued_ms?,
            conversation: self.row.id,
        })
    }

    /// The due time of timer `kind`.
    pub fn timer(&self, kind: &str) -> Option<i64> {
        self.row
            .timers
            .iter()
            .find(|t| t.kind == kind)
            .map(|t| t.due_ms)
    }

    /// Sets timer `kind` (replacing it).
    pub fn set_timer(&mut self, kind: &str, due_ms: i64, data: &str) {
        self.clear_timer(kind);
        self.row.timers.push(crate::store::TimerRow {
            kind: kind.into(),
            due_ms,
            data: data.into(),
        });
    }

    /// Clears timer `kind`.
    pub fn clear_timer(&mut self, kind: &str) {
        self.row.timers.retain(|t| t.kind != kind);
    }
}
