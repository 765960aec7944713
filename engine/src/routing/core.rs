//! The router's state and the bookkeeping every step shares: building it from the store,
//! holding and releasing agents' capacity, queues, deadlines and events.
//!
//! [`RouterCore`] is synchronous and owns no I/O: the router task ([`super::task`]) feeds it
//! commands with the time, saves what it changed, then carries out its [`Effects`]. That keeps
//! every rule testable with a hand-set clock.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap};
use std::sync::Arc;

use serde_json::{Value, json};

use super::campaign::CampaignSettings;
use super::effects::{Audience, ConversationSummary, Effects, Event, EventData};
use super::live::{Agent, Campaign, Conversation, Membership, Presence, state, timer};
use crate::store::{
    AgentStateRow, CampaignRow, LiveConversationRow, NewEvent, RoutingUser, RoutingWrite,
};

/// Settings of the router itself (not per campaign).
#[derive(Debug, Clone, Copy)]
pub struct RouterSettings {
    /// How long a dropped agent keeps its state before it is marked disconnected.
    pub grace_ms: i64,
    /// The customer-service window of connectors that have one.
    pub window_ms: i64,
}

impl Default for RouterSettings {
    fn default() -> Self {
        Self {
            grace_ms: 60_000,
            window_ms: 24 * 3600 * 1000,
        }
    }
}

/// What a deadline is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum DeadlineKind {
    /// A conversation timer (its kind is looked up on the conversation).
    Conversation(&'static str),
    /// An agent's grace period.
    Grace,
}

/// A pending deadline. Stale ones (the timer was moved or cleared) are skipped when popped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Deadline {
    pub due_ms: i64,
    pub id: i64,
    pub kind: DeadlineKind,
}

/// Campaigns, agents and conversations in memory.
#[derive(Debug, Default, Clone)]
pub struct RouterCore {
    pub settings: RouterSettings,
    pub agents: HashMap<i64, Agent>,
    pub campaigns: HashMap<i64, Campaign>,
    pub(super) campaign_names: HashMap<String, i64>,
    pub(super) number_campaign: HashMap<i64, i64>,
    pub conversations: HashMap<i64, Conversation>,
    pub(super) deadlines: BinaryHeap<Reverse<Deadline>>,
    pub(super) fx: Effects,
}

/// The name of every timer kind, as a `'static` string.
fn timer_kind(kind: &str) -> Option<&'static str> {
    [
        timer::QUEUE,
        timer::ABANDON,
        timer::CHAT_LIMIT,
        timer::TRANSFER,
        timer::WINDOW,
        timer::BOT,
        timer::OFFER,
    ]
    .into_iter()
    .find(|k| *k == kind)
}

impl RouterCore {
    /// An empty router.
    pub fn new(settings: RouterSettings) -> Self {
        Self {
            settings,
            ..Self::default()
        }
    }

    /// Rebuilds the state from what the store holds: users with their last states, campaigns,
    /// and the live conversations with their timers. Agents start with no connection: those who
    /// were logged in get the grace period to come back before they are marked disconnected.
    pub fn rebuild(
        &mut self,
        users: Vec<RoutingUser>,
        states: Vec<AgentStateRow>,
        campaigns: Vec<CampaignRow>,
        numbers: Vec<(i64, Option<i64>)>,
        conversations: Vec<LiveConversationRow>,
        now: i64,
    ) {
        self.agents.clear();
        self.conversations.clear();
        self.deadlines.clear();
        self.load_users(users, now);
        for s in states {
            let grace = self.settings.grace_ms;
            if let Some(agent) = self.agents.get_mut(&s.user_id) {
                agent.paused = s.paused;
                agent.completed = s.completed;
                agent.since_ms = s.since_ms;
                agent.presence = match (s.state.as_str(), s.break_name) {
                    ("available", _) => Presence::Available,
                    ("break", Some(name)) => Presence::Break(name),
                    _ => Presence::Disconnected,
                };
                if agent.presence != Presence::Disconnected {
                    agent.grace_until = Some(now + grace);
                    self.deadlines.push(Reverse(Deadline {
                        due_ms: now + grace,
                        id: s.user_id,
                        kind: DeadlineKind::Grace,
                    }));
                }
            }
        }
        for row in conversations {
            self.conversations
                .insert(row.id, Conversation::from_row(row));
        }
        self.load_campaigns(campaigns, numbers);
        let ids: Vec<i64> = self.conversations.keys().copied().collect();
        for id in ids {
            self.arm_stored_timers(id);
        }
    }

    /// Replaces the users (a user was added, changed or disabled), keeping presence and loads.
    pub fn load_users(&mut self, users: Vec<RoutingUser>, now: i64) {
        let mut next = HashMap::with_capacity(users.len());
        for user in users {
            let max = u32::try_from(user.max_concurrent.max(0)).unwrap_or(u32::MAX);
            let mut agent = self
                .agents
                .remove(&user.id)
                .unwrap_or_else(|| Agent::new(user.id, &user.display_name, &user.role, max, now));
            agent.name = user.display_name.as_str().into();
            agent.role = user.role.as_str().into();
            agent.max_concurrent = max;
            agent.disabled = user.disabled;
            next.insert(user.id, agent);
        }
        self.agents = next;
        self.refresh_memberships();
    }

    /// Replaces the campaigns (one was created, changed or deleted) and rebuilds the queues,
    /// skill masks and loads from the conversations.
    pub fn load_campaigns(
        &mut self,
        campaigns: Vec<CampaignRow>,
        numbers: Vec<(i64, Option<i64>)>,
    ) {
        self.campaigns.clear();
        self.campaign_names.clear();
        for row in campaigns {
            let settings: CampaignSettings = match serde_json::from_str(&row.settings) {
                Ok(settings) => settings,
                Err(error) => {
                    tracing::error!(campaign = row.id, %error, "stored campaign settings do not parse; defaults used");
                    CampaignSettings::default()
                }
            };
            let members = row
                .members
                .iter()
                .map(|m| {
                    let (skills, _) = settings.skill_mask(&m.skills);
                    let penalty = u32::try_from(m.penalty.max(0)).unwrap_or(u32::MAX);
                    (m.user_id, Membership { penalty, skills })
                })
                .collect();
            let schedule = settings.schedule.as_ref().and_then(|s| match s.compile() {
                Ok(compiled) => Some(Arc::new(compiled)),
                Err(error) => {
                    // Saved schedules were validated; one that no longer compiles (a zone gone
                    // from the system's database) must not take the campaign down.
                    tracing::error!(campaign = row.id, %error, "stored schedule does not compile; open at all hours");
                    None
                }
            });
            self.campaign_names.insert(row.name.to_lowercase(), row.id);
            self.campaigns.insert(
                row.id,
                Campaign {
                    settings: Arc::new(settings),
                    schedule,
                    members,
                    queue: Default::default(),
                    answered_in_time: 0,
                    answered: 0,
                    abandoned_late: 0,
                    abandoned: 0,
                    completed: 0,
                    waited_total_ms: 0,
                    waited_count: 0,
                    row,
                },
            );
        }
        self.number_campaign = numbers
            .into_iter()
            .filter_map(|(number, campaign)| Some((number, campaign?)))
            .collect();
        self.refresh_memberships();
        self.recount();
    }

    /// Each agent's campaign set, from the campaigns' members.
    fn refresh_memberships(&mut self) {
        for agent in self.agents.values_mut() {
            agent.campaigns.clear();
        }
        for campaign in self.campaigns.values() {
            for user in campaign.members.keys() {
                if let Some(agent) = self.agents.get_mut(user) {
                    agent.campaigns.insert(campaign.row.id);
                }
            }
        }
    }

    /// Rebuilds queues, skill masks and agents' loads from the conversations.
    pub(super) fn recount(&mut self) {
        for campaign in self.campaigns.values_mut() {
            campaign.queue.clear();
        }
        for agent in self.agents.values_mut() {
            agent.load = 0;
            agent.campaign_load.clear();
        }
        let mut holds = Vec::new();
        for c in self.conversations.values_mut() {
            let Some(campaign_id) = c.row.campaign_id else {
                continue;
            };
            if let Some(campaign) = self.campaigns.get_mut(&campaign_id) {
                c.skills_mask = campaign.settings.skill_mask(&c.row.skills).0;
                let waiting = c.row.state == state::QUEUED || c.row.state == state::TRANSFERRING;
                if waiting
                    && c.row.transfer_to_agent_id.is_none()
                    && let Some(key) = c.queue_key()
                {
                    campaign.queue.insert(key);
                }
            }
            for agent in holders(c) {
                holds.push((agent, campaign_id));
            }
        }
        for (agent, campaign) in holds {
            self.hold(agent, campaign);
        }
    }

    /// Puts a conversation's stored timers on the deadline queue.
    pub(super) fn arm_stored_timers(&mut self, id: i64) {
        let Some(c) = self.conversations.get(&id) else {
            return;
        };
        let timers: Vec<(i64, &'static str)> = c
            .row
            .timers
            .iter()
            .filter_map(|t| Some((t.due_ms, timer_kind(&t.kind)?)))
            .collect();
        for (due_ms, kind) in timers {
            self.deadlines.push(Reverse(Deadline {
                due_ms,
                id,
                kind: DeadlineKind::Conversation(kind),
            }));
        }
    }

    /// Sets a conversation timer and arms it.
    pub(super) fn set_timer(&mut self, id: i64, kind: &'static str, due_ms: i64, data: &str) {
        if let Some(c) = self.conversations.get_mut(&id) {
            c.set_timer(kind, due_ms, data);
            self.deadlines.push(Reverse(Deadline {
                due_ms,
                id,
                kind: DeadlineKind::Conversation(kind),
            }));
        }
    }

    /// Arms an agent's grace deadline.
    pub(super) fn arm_grace(&mut self, agent: i64, due_ms: i64) {
        self.deadlines.push(Reverse(Deadline {
            due_ms,
            id: agent,
            kind: DeadlineKind::Grace,
        }));
    }

    /// The earliest pending deadline (possibly stale), for the task's sleep.
    pub fn next_deadline(&self) -> Option<i64> {
        self.deadlines.peek().map(|Reverse(d)| d.due_ms)
    }

    /// Counts a conversation against an agent's capacity.
    pub(super) fn hold(&mut self, agent: i64, campaign: i64) {
        if let Some(a) = self.agents.get_mut(&agent) {
            a.load += 1;
            *a.campaign_load.entry(campaign).or_insert(0) += 1;
        }
    }

    /// Frees the capacity [`Self::hold`] took.
    pub(super) fn release(&mut self, agent: i64, campaign: i64, now: i64) {
        if let Some(a) = self.agents.get_mut(&agent) {
            a.load = a.load.saturating_sub(1);
            if let Some(n) = a.campaign_load.get_mut(&campaign) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    a.campaign_load.remove(&campaign);
                }
            }
            if a.load == 0 {
                a.idle_since_ms = now;
            }
            for c in a.campaigns.clone() {
                self.fx.route.insert(c);
            }
            self.fx.agents.insert(agent);
        }
    }

    /// Puts a conversation in its campaign's queue (at its `queued_ms` and priority).
    pub(super) fn enter_queue(&mut self, id: i64) {
        let Some(c) = self.conversations.get(&id) else {
            return;
        };
        let (Some(key), Some(campaign)) = (c.queue_key(), c.row.campaign_id) else {
            return;
        };
        if let Some(campaign) = self.campaigns.get_mut(&campaign) {
            campaign.queue.insert(key);
            self.fx.route.insert(campaign.row.id);
            self.fx.queues_changed.insert(campaign.row.id);
        }
    }

    /// Takes a conversation out of its campaign's queue.
    pub(super) fn leave_queue(&mut self, id: i64) {
        let Some(c) = self.conversations.get(&id) else {
            return;
        };
        let (Some(key), Some(campaign)) = (c.queue_key(), c.row.campaign_id) else {
            return;
        };
        if let Some(campaign) = self.campaigns.get_mut(&campaign)
            && campaign.queue.remove(&key)
        {
            self.fx.queues_changed.insert(campaign.row.id);
        }
    }

    /// Marks a conversation changed (saved at the end of the step).
    pub(super) fn touch(&mut self, id: i64) {
        self.fx.conversations.insert(id);
    }

    /// Records an event about a conversation, for the people it concerns. `extra` is a JSON
    /// object (or `null`) of what this event adds.
    pub(super) fn conversation_event(
        &mut self,
        kind: &'static str,
        id: i64,
        now: i64,
        extra: Value,
    ) {
        let Some(c) = self.conversations.get(&id) else {
            return;
        };
        let mut data = summary(c);
        if let Value::Object(more) = extra {
            data.extra = more;
        }
        let audience = Audience {
            agent: c.row.agent_id.or(c.row.transfer_to_agent_id),
            other_agent: c
                .row
                .transfer_from_agent_id
                .or(c.offer.map(|(agent, _)| agent))
                .filter(|a| Some(*a) != c.row.agent_id),
            campaign: c.row.campaign_id,
            conversation: Some(id),
        };
        self.fx.events.push(Event {
            kind,
            at_ms: now,
            conversation: Some(id),
            message: None,
            data: EventData::Conversation(Box::new(data)),
            audience,
            transient: false,
        });
    }

    /// Records an event about an agent, for the agent and the supervisors of its campaigns.
    pub(super) fn agent_event(&mut self, id: i64, now: i64) {
        let Some(a) = self.agents.get(&id) else {
            return;
        };
        let data = EventData::Json(agent_summary(a));
        self.fx.agents.insert(id);
        self.fx.events.push(Event {
            kind: "agent.state",
            at_ms: now,
            conversation: None,
            message: None,
            data,
            audience: Audience {
                agent: Some(id),
                ..Audience::default()
            },
            transient: false,
        });
    }

    /// Takes what the steps since the last call produced, and the rows to save for it.
    pub fn take(&mut self, now: i64) -> (Effects, RoutingWrite) {
        let fx = std::mem::take(&mut self.fx);
        let mut write = RoutingWrite {
            at_ms: now,
            ..RoutingWrite::default()
        };
        for id in &fx.conversations {
            if let Some(c) = self.conversations.get(id) {
                let mut row = c.row.clone();
                row.timers.retain(|t| t.kind != timer::OFFER);
                write.conversations.push(row);
            }
        }
        // Ended conversations were saved above; now they leave memory.
        self.conversations
            .retain(|_, c| c.row.open && c.row.state != state::IDLE);
        for id in &fx.agents {
            if let Some(a) = self.agents.get(id) {
                write.agents.push(AgentStateRow {
                    user_id: a.id,
                    state: a.presence.word().into(),
                    break_name: match &a.presence {
                        Presence::Break(name) => Some(name.clone()),
                        _ => None,
                    },
                    paused: a.paused,
                    since_ms: a.since_ms,
                    completed: a.completed,
                });
            }
        }
        for e in fx.events.iter().filter(|e| !e.transient) {
            write.events.push(NewEvent {
                at_ms: e.at_ms,
                kind: e.kind.into(),
                conversation_id: e.conversation,
                message_id: e.message,
                data: e.data.to_json(),
            });
        }
        (fx, write)
    }

    /// Asks for routing passes of `campaigns` at the end of the turn.
    pub fn request_routing(&mut self, campaigns: impl IntoIterator<Item = i64>) {
        self.fx.route.extend(campaigns);
    }

    /// The campaigns waiting for a pass (taken by the task).
    pub(super) fn fx_route(&mut self) -> BTreeSet<i64> {
        std::mem::take(&mut self.fx.route)
    }

    /// Where a queued conversation stands: position, queue length and the expected wait (the
    /// average wait of those assigned so far, the service level threshold before any, times the
    /// position).
    pub fn queue_place(&self, id: i64) -> Option<super::effects::QueuePlace> {
        let c = self.conversations.get(&id)?;
        let key = c.queue_key()?;
        let k = self.campaigns.get(&c.row.campaign_id?)?;
        let position = k.queue.range(..=key).count();
        if position == 0 || !k.queue.contains(&key) {
            return None;
        }
        let average = if k.waited_count > 0 {
            k.waited_total_ms / i64::try_from(k.waited_count).unwrap_or(1)
        } else {
            i64::from(k.settings.service_level_secs) * 1000
        };
        Some(super::effects::QueuePlace {
            position: u32::try_from(position).unwrap_or(u32::MAX),
            waiting: u32::try_from(k.queue.len()).unwrap_or(u32::MAX),
            expected_wait_ms: u64::try_from(average.max(0)).unwrap_or(0)
                * u64::try_from(position).unwrap_or(1),
        })
    }

    /// The campaign of a business number.
    pub fn campaign_of_number(&self, number_id: i64) -> Option<i64> {
        self.number_campaign.get(&number_id).copied()
    }

    /// A campaign by name (case-insensitive).
    pub fn campaign_named(&self, name: &str) -> Option<i64> {
        self.campaign_names.get(&name.to_lowercase()).copied()
    }

    /// Checks the invariants: loads match the conversations and stay within both maxima.
    /// Used by tests after every step.
    pub fn check_invariants(&self) -> Result<(), String> {
        let mut loads: HashMap<i64, (u32, HashMap<i64, u32>)> = HashMap::new();
        for c in self.conversations.values() {
            let Some(campaign) = c.row.campaign_id else {
                continue;
            };
            for agent in holders(c) {
                let entry = loads.entry(agent).or_default();
                entry.0 += 1;
                *entry.1.entry(campaign).or_insert(0) += 1;
            }
        }
        for a in self.agents.values() {
            let (load, per) = loads.remove(&a.id).unwrap_or_default();
            if a.load != load {
                return Err(format!("agent {} load {} but holds {}", a.id, a.load, load));
            }
            for (campaign, n) in &per {
                if a.campaign_load.get(campaign).copied().unwrap_or(0) != *n {
                    return Err(format!(
                        "agent {} campaign {} load mismatch",
                        a.id, campaign
                    ));
                }
            }
        }
        Ok(())
    }
}

/// The agents whose capacity a conversation takes.
pub(super) fn holders(c: &Conversation) -> Vec<i64> {
    let mut agents = Vec::with_capacity(2);
    match c.row.state.as_str() {
        state::ASSIGNED => agents.extend(c.row.agent_id),
        state::TRANSFERRING => {
            agents.extend(c.row.transfer_from_agent_id);
            agents.extend(c.row.transfer_to_agent_id);
        }
        _ => {}
    }
    if let Some((agent, _)) = c.offer {
        agents.push(agent);
    }
    agents
}

/// What events say about a conversation.
pub fn summary(c: &Conversation) -> ConversationSummary {
    let r = &c.row;
    ConversationSummary {
        id: r.id,
        state: r.state.clone(),
        campaign_id: r.campaign_id,
        agent_id: r.agent_id,
        contact_id: r.contact_id,
        number_id: r.number_id,
        queued_ms: r.queued_ms,
        priority: r.priority,
        transfer_from_agent_id: r.transfer_from_agent_id,
        transfer_to_agent_id: r.transfer_to_agent_id,
        offered_to: c.offer.map(|(agent, _)| agent),
        offer_expires_ms: c.offer.map(|(_, due)| due),
        end_reason: r.end_reason.clone(),
        extra: serde_json::Map::new(),
    }
}

/// What events say about an agent.
pub fn agent_summary(a: &Agent) -> Value {
    json!({
        "id": a.id,
        "name": &*a.name,
        "state": a.display_state(),
        "presence": a.presence.word(),
        "break": match &a.presence { Presence::Break(name) => Some(name.as_str()), _ => None },
        "paused": a.paused,
        "since_ms": a.since_ms,
        "load": a.load,
        "max_concurrent": a.max_concurrent,
        "completed": a.completed,
        "campaigns": a.campaigns,
    })
}
