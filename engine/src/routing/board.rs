//! The live figures supervisors watch and agents' queue views, read from the router's state.

use serde::Serialize;
use utoipa::ToSchema;

use super::core::RouterCore;
use super::live::{Presence, state};

/// A campaign's live figures.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CampaignFigures {
    pub campaign_id: i64,
    pub name: String,
    /// Customers waiting now.
    pub waiting: usize,
    /// The longest current wait, ms.
    pub longest_wait_ms: i64,
    /// Conversations held by agents (assigned, transferring) or closing.
    pub active: usize,
    /// Conversations in a bot.
    pub in_bot: usize,
    /// Since the engine started: closed, abandoned.
    pub completed: u64,
    pub abandoned: u64,
    /// Service level since the engine started (DESIGN §5), percent; `None` before the first
    /// answer or late abandon.
    pub service_level: Option<f64>,
    /// Agents logged in / free to take work now.
    pub agents_logged_in: usize,
    pub agents_available: usize,
    /// Each waiting customer: conversation id and time on hold, ms (longest first).
    pub waiting_list: Vec<WaitingEntry>,
}

/// A waiting customer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WaitingEntry {
    pub conversation_id: i64,
    pub waited_ms: i64,
    pub priority: i64,
    /// Offered to this agent now (offer mode).
    pub offered_to: Option<i64>,
    /// Being transferred (from this agent).
    pub transfer_from_agent_id: Option<i64>,
}

/// An agent on the board.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgentFigures {
    pub agent_id: i64,
    pub name: String,
    /// disconnected, free, busy, break_free, break_busy.
    pub state: String,
    pub break_name: Option<String>,
    pub paused: bool,
    /// When the state last changed (ms).
    pub since_ms: i64,
    /// Conversations held now.
    pub active: u32,
    pub max_concurrent: u32,
    /// Conversations closed.
    pub completed: i64,
    /// Campaigns (channels) the agent works in.
    pub campaigns: Vec<i64>,
}

/// The whole board.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Board {
    pub at_ms: i64,
    pub campaigns: Vec<CampaignFigures>,
    pub agents: Vec<AgentFigures>,
}

/// Most waiting entries listed per campaign.
const WAITING_LIST_MAX: usize = 200;

impl RouterCore {
    /// The board for the campaigns `visible` allows.
    pub fn board(&self, now: i64, visible: &dyn Fn(i64) -> bool) -> Board {
        let mut campaigns: Vec<CampaignFigures> = self
            .campaigns
            .values()
            .filter(|k| visible(k.row.id))
            .filter_map(|k| self.campaign_figures(k.row.id, now))
            .collect();
        campaigns.sort_by_key(|c| c.campaign_id);
        let mut agents: Vec<AgentFigures> = self
            .agents
            .values()
            .filter(|a| a.campaigns.iter().any(|&c| visible(c)))
            .map(|a| AgentFigures {
                agent_id: a.id,
                name: a.name.to_string(),
                state: a.display_state().into(),
                break_name: match &a.presence {
                    Presence::Break(name) => Some(name.clone()),
                    _ => None,
                },
                paused: a.paused,
                since_ms: a.since_ms,
                active: a.load,
                max_concurrent: a.max_concurrent,
                completed: a.completed,
                campaigns: a.campaigns.iter().copied().collect(),
            })
            .collect();
        agents.sort_by_key(|a| a.agent_id);
        Board {
            at_ms: now,
            campaigns,
            agents,
        }
    }

    /// One campaign's figures.
    pub fn campaign_figures(&self, campaign_id: i64, now: i64) -> Option<CampaignFigures> {
        let k = self.campaigns.get(&campaign_id)?;
        let mut active = 0;
        let mut in_bot = 0;
        for c in self.conversations.values() {
            if c.row.campaign_id != Some(campaign_id) {
                continue;
            }
            match c.row.state.as_str() {
                state::ASSIGNED | state::CLOSING => active += 1,
                state::TRANSFERRING if c.row.transfer_to_agent_id.is_some() => active += 1,
                state::BOT => in_bot += 1,
                _ => {}
            }
        }
        let waiting_list: Vec<WaitingEntry> = k
            .queue
            .iter()
            .take(WAITING_LIST_MAX)
            .filter_map(|key| {
                let c = self.conversations.get(&key.conversation)?;
                Some(WaitingEntry {
                    conversation_id: key.conversation,
                    waited_ms: now - key.queued_ms,
                    priority: c.row.priority,
                    offered_to: c.offer.map(|(agent, _)| agent),
                    transfer_from_agent_id: c.row.transfer_from_agent_id,
                })
            })
            .collect();
        let longest_wait_ms = k
            .queue
            .iter()
            .map(|key| now - key.queued_ms)
            .max()
            .unwrap_or(0);
        let denominator = k.answered + k.abandoned_late;
        let members = k.members.keys().filter_map(|id| self.agents.get(id));
        let (mut logged_in, mut available) = (0, 0);
        for a in members {
            if a.presence != Presence::Disconnected {
                logged_in += 1;
            }
            if a.free_slots(campaign_id, k.settings.max_per_agent) > 0 {
                available += 1;
            }
        }
        Some(CampaignFigures {
            campaign_id,
            name: k.row.name.clone(),
            waiting: k.queue.len(),
            longest_wait_ms,
            active,
            in_bot,
            completed: k.completed,
            abandoned: k.abandoned,
            service_level: (denominator > 0)
                .then(|| k.answered_in_time as f64 * 100.0 / denominator as f64),
            agents_logged_in: logged_in,
            agents_available: available,
            waiting_list,
        })
    }

    /// The queue summary pushed to a campaign's agents: small, coalesced.
    pub fn queue_figures(&self, campaign_id: i64, now: i64) -> Option<serde_json::Value> {
        let k = self.campaigns.get(&campaign_id)?;
        let longest = k
            .queue
            .iter()
            .map(|key| now - key.queued_ms)
            .max()
            .unwrap_or(0);
        Some(serde_json::json!({
            "campaign_id": campaign_id,
            "waiting": k.queue.len(),
            "longest_wait_ms": longest,
        }))
    }

    /// The campaigns a user is a member of.
    pub fn memberships(&self, user: i64) -> Vec<i64> {
        self.agents
            .get(&user)
            .map(|a| a.campaigns.iter().copied().collect())
            .unwrap_or_default()
    }
}
