//! What agents do to their conversations: reply (for the service level), transfer to an agent
//! or a campaign (returning after the campaign's max transfer time), take a transfer, close,
//! and take an outbound conversation they started.

use serde_json::json;

use super::agents::RoutingError;
use super::core::RouterCore;
use super::live::{state, timer};

/// Where a transfer goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferTarget {
    Agent(i64),
    Campaign(i64),
}

impl RouterCore {
    /// Checks that `agent` holds conversation `id` now.
    pub fn check_holder(&self, id: i64, agent: i64) -> Result<(), RoutingError> {
        let c = self
            .conversations
            .get(&id)
            .ok_or_else(|| RoutingError::NotFound(format!("conversation {id} is not open")))?;
        if c.row.state == state::ASSIGNED && c.row.agent_id == Some(agent) {
            Ok(())
        } else {
            Err(RoutingError::Conflict(format!(
                "conversation {id} is not assigned to you"
            )))
        }
    }

    /// The agent answered the customer: the first answer counts for the service level.
    pub fn agent_replied(&mut self, id: i64, now: i64) {
        let Some(c) = self.conversations.get_mut(&id) else {
            return;
        };
        if c.row.first_reply_ms.is_some() {
            return;
        }
        c.row.first_reply_ms = Some(now);
        let waited = c.row.queued_ms.map_or(0, |q| now - q);
        if let Some(k) = c
            .row
            .campaign_id
            .and_then(|cid| self.campaigns.get_mut(&cid))
        {
            k.answered += 1;
            if waited <= i64::from(k.settings.service_level_secs) * 1000 {
                k.answered_in_time += 1;
            }
            self.fx.queues_changed.insert(k.row.id);
        }
        self.touch(id);
        self.conversation_event(
            "conversation.answered",
            id,
            now,
            json!({ "waited_ms": waited }),
        );
    }

    /// The holder closes the conversation.
    pub fn close_by_agent(
        &mut self,
        id: i64,
        agent: i64,
        disposition: Option<String>,
        now: i64,
    ) -> Result<(), RoutingError> {
        self.check_holder(id, agent)?;
        self.close(id, disposition, "closed_by_agent", now);
        Ok(())
    }

    /// A supervisor (or the system) closes any open conversation.
    pub fn close_any(
        &mut self,
        id: i64,
        disposition: Option<String>,
        now: i64,
    ) -> Result<(), RoutingError> {
        if !self.conversations.contains_key(&id) {
            return Err(RoutingError::NotFound(format!(
                "conversation {id} is not open"
            )));
        }
        self.close(id, disposition, "closed_by_supervisor", now);
        Ok(())
    }

    /// The holder transfers the conversation. It stays counted against the holder until
    /// someone takes it; after the campaign's max transfer time it comes back.
    pub fn transfer(
        &mut self,
        id: i64,
        agent: i64,
        target: TransferTarget,
        now: i64,
    ) -> Result<(), RoutingError> {
        self.check_holder(id, agent)?;
        let campaign = self.conversations[&id].row.campaign_id.unwrap_or(0);
        let max_ms = self
            .campaigns
            .get(&campaign)
            .map_or(120_000, |k| i64::from(k.settings.max_transfer_secs) * 1000);
        match target {
            TransferTarget::Agent(to) => {
                if to == agent {
                    return Err(RoutingError::Conflict("that is you".into()));
                }
                let target = self
                    .agents
                    .get(&to)
                    .ok_or_else(|| RoutingError::NotFound(format!("agent {to}")))?;
                if target.disabled || target.connections == 0 && target.grace_until.is_none() {
                    return Err(RoutingError::Conflict(format!(
                        "agent {to} is not connected"
                    )));
                }
                if target.load >= target.max_concurrent {
                    return Err(RoutingError::Conflict(format!("agent {to} is at capacity")));
                }
                if let Some(c) = self.conversations.get_mut(&id) {
                    c.row.state = state::TRANSFERRING.into();
                    c.row.agent_id = None;
                    c.row.transfer_from_agent_id = Some(agent);
                    c.row.transfer_to_agent_id = Some(to);
                }
                // From keeps its hold; to reserves one.
                self.hold(to, campaign);
            }
            TransferTarget::Campaign(target_campaign) => {
                if !self.campaigns.contains_key(&target_campaign) {
                    return Err(RoutingError::NotFound(format!(
                        "campaign {target_campaign}"
                    )));
                }
                if let Some(c) = self.conversations.get_mut(&id) {
                    c.row.state = state::TRANSFERRING.into();
                    c.row.agent_id = None;
                    c.row.transfer_from_agent_id = Some(agent);
                    c.row.transfer_to_agent_id = None;
                    c.row.queued_ms = Some(now);
                    c.excluded.clear();
                }
                if target_campaign != campaign {
                    // The hold follows the campaign the conversation is counted in.
                    self.release(agent, campaign, now);
                    self.hold(agent, target_campaign);
                    if let Some(c) = self.conversations.get_mut(&id) {
                        c.row.campaign_id = Some(target_campaign);
                    }
                    if let Some(k) = self.campaigns.get(&target_campaign)
                        && let Some(c) = self.conversations.get_mut(&id)
                    {
                        c.skills_mask = k.settings.skill_mask(&c.row.skills).0;
                    }
                }
                self.enter_queue(id);
            }
        }
        self.set_timer(id, timer::TRANSFER, now + max_ms, "");
        self.touch(id);
        self.conversation_event(
            "conversation.transferring",
            id,
            now,
            json!({ "from_agent_id": agent }),
        );
        Ok(())
    }

    /// The target agent takes a transfer made to it.
    pub fn accept_transfer(&mut self, id: i64, agent: i64, now: i64) -> Result<(), RoutingError> {
        let c = self
            .conversations
            .get_mut(&id)
            .ok_or_else(|| RoutingError::NotFound(format!("conversation {id} is not open")))?;
        if c.row.state != state::TRANSFERRING || c.row.transfer_to_agent_id != Some(agent) {
            return Err(RoutingError::Conflict(format!(
                "conversation {id} is not being transferred to you"
            )));
        }
        let campaign = c.row.campaign_id.unwrap_or(0);
        // Left on the row until the event is out, so the agent who made the transfer hears
        // that it was taken.
        let from = c.row.transfer_from_agent_id;
        c.row.transfer_to_agent_id = None;
        c.row.state = state::ASSIGNED.into();
        c.row.agent_id = Some(agent);
        c.row.previous_agent_id = from;
        c.clear_timer(timer::TRANSFER);
        if let Some(from) = from {
            self.release(from, campaign, now);
        }
        if let Some(a) = self.agents.get_mut(&agent) {
            a.last_assigned_ms = Some(now);
        }
        self.touch(id);
        self.conversation_event(
            "conversation.assigned",
            id,
            now,
            json!({ "agent_id": agent, "transfer": true }),
        );
        if let Some(c) = self.conversations.get_mut(&id) {
            c.row.transfer_from_agent_id = None;
        }
        Ok(())
    }

    /// The target agent declines a transfer: it returns at once.
    pub fn decline_transfer(&mut self, id: i64, agent: i64, now: i64) -> Result<(), RoutingError> {
        let ok = self.conversations.get(&id).is_some_and(|c| {
            c.row.state == state::TRANSFERRING && c.row.transfer_to_agent_id == Some(agent)
        });
        if !ok {
            return Err(RoutingError::Conflict(format!(
                "conversation {id} is not being transferred to you"
            )));
        }
        self.transfer_back(id, now);
        Ok(())
    }

    /// Nobody took the transfer in time (or the target declined): back to the agent who made it.
    pub(super) fn transfer_back(&mut self, id: i64, now: i64) {
        self.leave_queue(id);
        let Some(c) = self.conversations.get_mut(&id) else {
            return;
        };
        let campaign = c.row.campaign_id.unwrap_or(0);
        let Some(from) = c.row.transfer_from_agent_id.take() else {
            return;
        };
        let to = c.row.transfer_to_agent_id.take();
        let offered = c.offer.take().map(|(agent, _)| agent);
        c.row.state = state::ASSIGNED.into();
        c.row.agent_id = Some(from);
        c.clear_timer(timer::TRANSFER);
        c.excluded.clear();
        // `from` kept its hold all along; the target's reservation goes.
        for agent in to.into_iter().chain(offered) {
            self.release(agent, campaign, now);
        }
        self.touch(id);
        self.conversation_event(
            "conversation.transfer_returned",
            id,
            now,
            json!({ "agent_id": from }),
        );
    }

    /// An agent started an outbound conversation (its first message went through the gate):
    /// it is the agent's, within the global maximum.
    pub fn claim(
        &mut self,
        id: i64,
        agent: i64,
        campaign: Option<i64>,
        now: i64,
    ) -> Result<(), RoutingError> {
        let c = self
            .conversations
            .get(&id)
            .ok_or_else(|| RoutingError::NotFound(format!("conversation {id}")))?;
        if c.row.state == state::ASSIGNED && c.row.agent_id == Some(agent) {
            return Ok(());
        }
        if c.row.state != state::IDLE && c.row.state != state::NEW {
            return Err(RoutingError::Conflict(format!(
                "conversation {id} is already {}",
                c.row.state
            )));
        }
        let a = self
            .agents
            .get(&agent)
            .ok_or_else(|| RoutingError::NotFound(format!("agent {agent}")))?;
        if a.load >= a.max_concurrent {
            return Err(RoutingError::Conflict(
                "you are at your maximum of concurrent conversations".into(),
            ));
        }
        let campaign = campaign
            .or(c.row.campaign_id)
            .or_else(|| self.campaign_of_number(c.row.number_id));
        let Some(campaign) = campaign else {
            return Err(RoutingError::Conflict(
                "the number answers into no campaign".into(),
            ));
        };
        if let Some(c) = self.conversations.get_mut(&id) {
            c.row.state = state::ASSIGNED.into();
            c.row.campaign_id = Some(campaign);
            c.row.agent_id = Some(agent);
            c.row.assigned_ms = Some(now);
            c.row.first_reply_ms = Some(now);
        }
        self.hold(agent, campaign);
        self.fx.agents.insert(agent);
        self.touch(id);
        self.conversation_event(
            "conversation.assigned",
            id,
            now,
            json!({ "agent_id": agent, "outbound": true }),
        );
        Ok(())
    }
}
