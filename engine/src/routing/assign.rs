//! Routing a campaign: the host decides who is eligible and how much each may take; the
//! strategy orders; the host checks and applies the answer. Offers, their acceptance and
//! expiry, and putting a conversation back in the queue.

use serde_json::json;
use switchboard_strategies::{Agent as StrategyAgent, Assignment, Exclusion, RouteInput, Waiting};

use super::agents::RoutingError;
use super::core::RouterCore;
use super::live::{state, timer};

/// Most conversations handed to a strategy in one pass: the head of the queue. A pass cannot
/// assign more than the free slots anyway.
const PASS_WINDOW: usize = 2_000;

impl RouterCore {
    /// The input of a routing pass of `campaign`, or `None` when nothing can be assigned (no
    /// one waits or no one has a free slot).
    pub fn route_input(&self, campaign_id: i64, now: i64, seed: u64) -> Option<RouteInput> {
        let campaign = self.campaigns.get(&campaign_id)?;
        if campaign.queue.is_empty() || !campaign.row.enabled {
            return None;
        }
        let max_per_agent = campaign.settings.max_per_agent;
        let mut agents = Vec::new();
        let mut slots = 0usize;
        for (&id, membership) in &campaign.members {
            let Some(a) = self.agents.get(&id) else {
                continue;
            };
            let free = a.free_slots(campaign_id, max_per_agent);
            if free == 0 {
                continue;
            }
            slots += free as usize;
            agents.push(StrategyAgent {
                id: id as u64,
                load: a.load,
                capacity: a.load + free,
                idle_ms: if a.load == 0 {
                    u64::try_from(now - a.idle_since_ms).unwrap_or(0)
                } else {
                    0
                },
                last_assigned_at_ms: a.last_assigned_ms.and_then(|t| u64::try_from(t).ok()),
                penalty: u8::try_from(membership.penalty.min(100)).unwrap_or(100),
                skills: membership.skills,
            });
        }
        if agents.is_empty() {
            return None;
        }
        agents.sort_unstable_by_key(|a| a.id);
        let mut waiting = Vec::with_capacity(campaign.queue.len().min(PASS_WINDOW));
        let mut exclusions = Vec::new();
        for key in campaign.queue.iter() {
            if waiting.len() >= PASS_WINDOW.max(slots) {
                break;
            }
            let Some(c) = self.conversations.get(&key.conversation) else {
                continue;
            };
            if c.offer.is_some() {
                continue;
            }
            waiting.push(Waiting {
                id: c.row.id as u64,
                waited_ms: u64::try_from(now - key.queued_ms).unwrap_or(0),
                priority: i32::try_from(c.row.priority).unwrap_or(0),
                required_skills: c.skills_mask,
                previous: c.row.previous_agent_id.map(|agent| {
                    switchboard_strategies::PreviousAgent {
                        agent: agent as u64,
                        at_ms: c
                            .row
                            .assigned_ms
                            .and_then(|t| u64::try_from(t).ok())
                            .unwrap_or(0),
                    }
                }),
            });
            for &agent in c.excluded.iter().chain(c.row.transfer_from_agent_id.iter()) {
                exclusions.push(Exclusion {
                    conversation: c.row.id as u64,
                    agent: agent as u64,
                });
            }
        }
        if waiting.is_empty() {
            return None;
        }
        Some(RouteInput {
            now_ms: u64::try_from(now).unwrap_or(0),
            seed,
            campaign: campaign_id as u64,
            waiting,
            agents,
            exclusions,
            ..RouteInput::default()
        })
    }

    /// Applies a checked answer of a pass. Each pair is checked again against the live state,
    /// so nothing that changed since the input was built can break a rule.
    pub fn apply(&mut self, campaign_id: i64, assignments: &[Assignment], now: i64) {
        let Some(campaign) = self.campaigns.get(&campaign_id) else {
            return;
        };
        let max_per_agent = campaign.settings.max_per_agent;
        let offer_ms = campaign
            .settings
            .offer_timeout_secs
            .map(|s| i64::from(s) * 1000);
        for a in assignments {
            let (id, agent) = (a.conversation as i64, a.agent as i64);
            let ok = self.conversations.get(&id).is_some_and(|c| {
                c.row.campaign_id == Some(campaign_id)
                    && (c.row.state == state::QUEUED || c.row.state == state::TRANSFERRING)
                    && c.row.transfer_to_agent_id.is_none()
                    && c.offer.is_none()
                    && !c.excluded.contains(&agent)
                    && c.row.transfer_from_agent_id != Some(agent)
            }) && self
                .campaigns
                .get(&campaign_id)
                .is_some_and(|k| k.members.contains_key(&agent))
                && self
                    .agents
                    .get(&agent)
                    .is_some_and(|x| x.free_slots(campaign_id, max_per_agent) > 0);
            if !ok {
                continue;
            }
            match offer_ms {
                Some(ms) => self.offer(id, agent, campaign_id, now + ms, now),
                None => self.assign(id, agent, now),
            }
        }
    }

    fn offer(&mut self, id: i64, agent: i64, campaign: i64, due: i64, now: i64) {
        if let Some(c) = self.conversations.get_mut(&id) {
            c.offer = Some((agent, due));
        }
        self.hold(agent, campaign);
        self.deadlines
            .push(std::cmp::Reverse(super::core::Deadline {
                due_ms: due,
                id,
                kind: super::core::DeadlineKind::Conversation(timer::OFFER),
            }));
        self.fx.queues_changed.insert(campaign);
        self.conversation_event(
            "conversation.offered",
            id,
            now,
            json!({ "agent_id": agent }),
        );
    }

    /// The agent takes the conversation offered to it.
    pub fn accept(&mut self, id: i64, agent: i64, now: i64) -> Result<(), RoutingError> {
        let c = self
            .conversations
            .get_mut(&id)
            .ok_or_else(|| RoutingError::NotFound(format!("conversation {id}")))?;
        if c.offer.map(|(a, _)| a) != Some(agent) {
            return Err(RoutingError::Conflict(format!(
                "conversation {id} is not offered to you"
            )));
        }
        let campaign = c.row.campaign_id.unwrap_or(0);
        c.offer = None;
        // The offer's hold becomes the assignment's.
        self.release(agent, campaign, now);
        self.assign(id, agent, now);
        Ok(())
    }

    /// The agent declines the offer: it goes to someone else.
    pub fn reject(&mut self, id: i64, agent: i64, now: i64) -> Result<(), RoutingError> {
        let c = self
            .conversations
            .get(&id)
            .ok_or_else(|| RoutingError::NotFound(format!("conversation {id}")))?;
        if c.offer.map(|(a, _)| a) != Some(agent) {
            return Err(RoutingError::Conflict(format!(
                "conversation {id} is not offered to you"
            )));
        }
        self.drop_offer(id, now, "conversation.offer_rejected");
        Ok(())
    }

    /// The offer timed out.
    pub(super) fn offer_expired(&mut self, id: i64, now: i64) {
        self.drop_offer(id, now, "conversation.offer_expired");
    }

    fn drop_offer(&mut self, id: i64, now: i64, kind: &'static str) {
        let Some(c) = self.conversations.get_mut(&id) else {
            return;
        };
        let Some((agent, _)) = c.offer.take() else {
            return;
        };
        c.excluded.push(agent);
        let campaign = c.row.campaign_id.unwrap_or(0);
        self.release(agent, campaign, now);
        self.fx.route.insert(campaign);
        self.fx.queues_changed.insert(campaign);
        self.conversation_event(kind, id, now, json!({ "agent_id": agent }));
    }

    /// Gives a queued conversation to an agent.
    fn assign(&mut self, id: i64, agent: i64, now: i64) {
        self.leave_queue(id);
        let Some(c) = self.conversations.get_mut(&id) else {
            return;
        };
        let campaign = c.row.campaign_id.unwrap_or(0);
        let from = c.row.transfer_from_agent_id.take();
        let first = c.row.assigned_ms.is_none();
        let waited = c.row.queued_ms.map(|q| now - q);
        if from.is_some() {
            c.row.previous_agent_id = from;
            c.clear_timer(timer::TRANSFER);
        }
        c.row.state = state::ASSIGNED.into();
        c.row.agent_id = Some(agent);
        c.row.assigned_ms.get_or_insert(now);
        c.excluded.clear();
        c.clear_timer(timer::QUEUE);
        c.clear_timer(timer::ABANDON);
        c.clear_timer(timer::BOT);
        c.row.bot = None;
        c.row.bot_stage = None;
        c.bot_busy = false;
        if let Some(from) = from {
            self.release(from, campaign, now);
        }
        if let (true, Some(waited), Some(k)) = (first, waited, self.campaigns.get_mut(&campaign)) {
            k.waited_total_ms += waited;
            k.waited_count += 1;
        }
        self.hold(agent, campaign);
        if let Some(a) = self.agents.get_mut(&agent) {
            a.last_assigned_ms = Some(now);
        }
        self.fx.agents.insert(agent);
        let limit = self
            .campaigns
            .get(&campaign)
            .and_then(|k| k.settings.chat_time_limit_secs);
        if let (true, Some(secs)) = (first, limit) {
            self.set_timer(id, timer::CHAT_LIMIT, now + i64::from(secs) * 1000, "");
        }
        self.touch(id);
        self.conversation_event(
            "conversation.assigned",
            id,
            now,
            json!({ "agent_id": agent }),
        );
    }

    /// Puts an assigned conversation back in its queue (its agent dropped off): ahead of new
    /// arrivals, since it keeps its first queue time.
    pub(super) fn requeue(&mut self, id: i64, from_agent: Option<i64>, now: i64) {
        let Some(c) = self.conversations.get_mut(&id) else {
            return;
        };
        let campaign = c.row.campaign_id.unwrap_or(0);
        c.row.state = state::QUEUED.into();
        c.row.agent_id = None;
        c.row.previous_agent_id = from_agent;
        c.row.queued_ms.get_or_insert(now);
        if let Some(agent) = from_agent {
            self.release(agent, campaign, now);
        }
        self.enter_queue(id);
        self.touch(id);
        self.conversation_event(
            "conversation.requeued",
            id,
            now,
            json!({ "from_agent_id": from_agent }),
        );
    }
}
