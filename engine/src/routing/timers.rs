//! Deadlines firing: max queue time, abandonment, chat time limit, transfer return, the 24 h
//! window, a bot's wait for input, an offer's timeout, an agent's grace period.

use std::cmp::Reverse;

use serde_json::json;

use super::core::{DeadlineKind, RouterCore};
use super::effects::{BotStage, Trigger};
use super::live::{Presence, state, timer};

impl RouterCore {
    /// Fires every deadline due at `now`.
    pub fn fire_due(&mut self, now: i64) {
        while let Some(Reverse(deadline)) = self.deadlines.peek().copied() {
            if deadline.due_ms > now {
                break;
            }
            self.deadlines.pop();
            match deadline.kind {
                DeadlineKind::Grace => self.grace_over(deadline.id, deadline.due_ms, now),
                DeadlineKind::Conversation(kind) => {
                    let id = deadline.id;
                    let Some(c) = self.conversations.get(&id) else {
                        continue;
                    };
                    // Stale: the timer was moved or cleared since it was armed.
                    let live = if kind == timer::OFFER {
                        c.offer.map(|(_, due)| due)
                    } else {
                        c.timer(kind)
                    };
                    if live != Some(deadline.due_ms) {
                        continue;
                    }
                    self.fire(id, kind, now);
                }
            }
        }
    }

    fn fire(&mut self, id: i64, kind: &'static str, now: i64) {
        let Some(c) = self.conversations.get_mut(&id) else {
            return;
        };
        let data = c
            .row
            .timers
            .iter()
            .find(|t| t.kind == kind)
            .map(|t| t.data.clone())
            .unwrap_or_default();
        if kind != timer::OFFER {
            c.clear_timer(kind);
        }
        let current = c.row.state.clone();
        self.touch(id);
        match (kind, current.as_str()) {
            (timer::QUEUE, state::QUEUED) => self.queue_time_over(id, now),
            (timer::ABANDON, state::QUEUED) => self.end(id, state::ABANDONED, "abandoned", now),
            (timer::CHAT_LIMIT, state::ASSIGNED) => self.close(id, None, "time_limit", now),
            (timer::TRANSFER, state::TRANSFERRING) => self.transfer_back(id, now),
            (timer::WINDOW, _) => {
                self.conversation_event("conversation.window_closed", id, now, json!({}));
            }
            (timer::BOT, _) => {
                let stage = self
                    .conversations
                    .get(&id)
                    .and_then(|c| c.row.bot_stage.as_deref())
                    .and_then(BotStage::parse);
                if let Some(stage) = stage {
                    self.call_bot(id, stage, Trigger::Timer(data));
                }
            }
            (timer::OFFER, _) => self.offer_expired(id, now),
            _ => {}
        }
    }

    /// Max queue time: the after-wait bot, else the overflow campaign, else keep waiting.
    fn queue_time_over(&mut self, id: i64, now: i64) {
        let Some(campaign) = self
            .conversations
            .get(&id)
            .and_then(|c| c.row.campaign_id)
            .and_then(|cid| self.campaigns.get(&cid))
        else {
            return;
        };
        let settings = campaign.settings.clone();
        self.conversation_event("conversation.waited", id, now, json!({}));
        if settings.bot_after_wait.is_some() {
            self.call_bot(id, BotStage::AfterWait, Trigger::Waited);
            return;
        }
        let Some(overflow) = settings
            .overflow_campaign
            .as_deref()
            .and_then(|name| self.campaign_named(name))
        else {
            return;
        };
        self.leave_queue(id);
        if let Some(c) = self.conversations.get_mut(&id) {
            c.row.campaign_id = Some(overflow);
            c.row.queued_ms = None;
            c.clear_timer(timer::ABANDON);
        }
        if let Some(k) = self.campaigns.get(&overflow)
            && let Some(c) = self.conversations.get_mut(&id)
        {
            c.skills_mask = k.settings.skill_mask(&c.row.skills).0;
        }
        self.conversation_event(
            "conversation.overflowed",
            id,
            now,
            json!({ "campaign_id": overflow }),
        );
        self.enqueue(id, now);
    }

    /// An agent who dropped off did not come back in time: disconnected, and the campaigns
    /// that say so take its conversations back to the queue.
    fn grace_over(&mut self, agent: i64, due: i64, now: i64) {
        let Some(a) = self.agents.get_mut(&agent) else {
            return;
        };
        if a.grace_until != Some(due) || a.connections > 0 {
            return;
        }
        a.grace_until = None;
        self.go_offline(agent, now);
    }

    /// Marks an agent disconnected and applies each campaign's offline policy.
    pub(super) fn go_offline(&mut self, agent: i64, now: i64) {
        if let Some(a) = self.agents.get_mut(&agent) {
            a.presence = Presence::Disconnected;
            a.since_ms = now;
        }
        self.agent_event(agent, now);
        let held: Vec<i64> = self
            .conversations
            .values()
            .filter(|c| c.row.agent_id == Some(agent) && c.row.state == state::ASSIGNED)
            .filter(|c| {
                c.row
                    .campaign_id
                    .and_then(|cid| self.campaigns.get(&cid))
                    .is_some_and(|k| {
                        k.settings.offline_agent_conversations
                            == super::campaign::OfflinePolicy::Requeue
                    })
            })
            .map(|c| c.row.id)
            .collect();
        for id in held {
            self.requeue(id, Some(agent), now);
        }
        // Offers to an agent who is gone go to someone else.
        let offered: Vec<i64> = self
            .conversations
            .values()
            .filter(|c| c.offer.is_some_and(|(a, _)| a == agent))
            .map(|c| c.row.id)
            .collect();
        for id in offered {
            self.offer_expired(id, now);
        }
    }
}
