//! A conversation's way through a campaign: arrival (schedule, blacklist, bot on start, ACD),
//! the queue, the customer's messages, closing with the bot on end, and the ends.

use serde_json::json;

use super::core::RouterCore;
use super::effects::{Audience, BotCall, BotStage, Event, EventData, Outgoing, Trigger};
use super::live::{Conversation, state, timer};
use crate::conversations::Content;
use crate::store::{LiveConversationRow, MessageEventRow};

/// An inbound message, as intake hands it to the router.
#[derive(Debug, Clone)]
pub struct Inbound {
    pub conversation: i64,
    pub message: i64,
    pub content: Content,
    pub at_ms: i64,
    /// The connector has a customer-service window (WhatsApp).
    pub has_window: bool,
}

impl RouterCore {
    /// Whether the router holds this conversation; if not, the task loads its row first.
    pub fn holds(&self, id: i64) -> bool {
        self.conversations.contains_key(&id)
    }

    /// Takes a conversation the router did not hold (new, idle, or ended and written to again).
    pub fn adopt(&mut self, row: LiveConversationRow) {
        let id = row.id;
        self.conversations
            .entry(id)
            .or_insert_with(|| Conversation::from_row(row));
        self.arm_stored_timers(id);
    }

    /// A customer's message.
    pub fn inbound(&mut self, m: Inbound, now: i64) {
        let id = m.conversation;
        let window_ms = self.settings.window_ms;
        let Some(c) = self.conversations.get_mut(&id) else {
            return;
        };
        c.has_window = m.has_window;
        c.row.last_inbound_ms = Some(m.at_ms);
        let current = c.row.state.clone();
        self.touch(id);
        if m.has_window {
            self.set_timer(id, timer::WINDOW, m.at_ms + window_ms, "");
        }
        self.message_event(id, &m, now);
        match current.as_str() {
            state::NEW | state::IDLE => self.arrive(id, m.message, now),
            state::BOT | state::CLOSING => self.give_bot(id, m.message, m.content),
            state::QUEUED => {
                self.rearm_abandon(id, now);
                let after_wait = self.conversations.get(&id).is_some_and(|c| {
                    c.row.bot_stage.as_deref() == Some(BotStage::AfterWait.word())
                });
                if after_wait {
                    self.give_bot(id, m.message, m.content);
                }
            }
            _ => {}
        }
    }

    /// Pushes a message to whoever watches the conversation (not stored again: it is a
    /// message row already).
    fn message_event(&mut self, id: i64, m: &Inbound, now: i64) {
        let Some(c) = self.conversations.get(&id) else {
            return;
        };
        self.fx.events.push(Event {
            kind: "message.created",
            at_ms: now,
            conversation: Some(id),
            message: Some(m.message),
            data: EventData::Json(json!({
                "id": m.message,
                "conversation_id": id,
                "direction": "in",
                "content": m.content,
                "at_ms": m.at_ms,
            })),
            audience: Audience {
                agent: c.row.agent_id,
                other_agent: c.row.transfer_to_agent_id,
                campaign: c.row.campaign_id,
                conversation: Some(id),
            },
            transient: true,
        });
    }

    /// A message of a conversation the router holds was queued, sent, delivered, read or
    /// failed: tells its agents and spies, who re-read it. Not the campaign's supervisors: a
    /// board has no use for each tick.
    pub(super) fn message_updated(&mut self, update: &MessageEventRow, now: i64) {
        let Some(c) = self.conversations.get(&update.conversation_id) else {
            return;
        };
        let status = update.kind.strip_prefix("message.").unwrap_or(&update.kind);
        self.fx.events.push(Event {
            kind: "message.updated",
            at_ms: now,
            conversation: Some(update.conversation_id),
            message: Some(update.message_id),
            data: EventData::Json(json!({
                "id": update.message_id,
                "conversation_id": update.conversation_id,
                "status": status,
            })),
            audience: Audience {
                agent: c.row.agent_id,
                other_agent: c.row.transfer_to_agent_id,
                campaign: None,
                conversation: Some(update.conversation_id),
            },
            transient: true,
        });
    }

    /// A conversation starts (or an idle one wakes): pick the campaign and apply its rules.
    pub(super) fn arrive(&mut self, id: i64, message: i64, now: i64) {
        let Some(c) = self.conversations.get(&id) else {
            return;
        };
        // A dialer's campaign holds only for a reply inside its reply window.
        let campaign_id = c
            .row
            .campaign_id
            .filter(|_| c.row.campaign_until_ms.is_none_or(|until| now < until))
            .or_else(|| self.campaign_of_number(c.row.number_id));
        let Some(campaign_id) = campaign_id else {
            // A number with no campaign: kept, unrouted, until one is bound.
            return;
        };
        let Some(campaign) = self.campaigns.get(&campaign_id) else {
            return;
        };
        let settings = campaign.settings.clone();
        let enabled = campaign.row.enabled;
        let open = campaign.schedule.as_ref().is_none_or(|s| s.is_open(now));
        if let Some(c) = self.conversations.get_mut(&id) {
            c.row.campaign_id = Some(campaign_id);
            c.skills_mask = settings.skill_mask(&c.row.skills).0;
        }
        if !enabled {
            self.end(id, state::REJECTED, "campaign_disabled", now);
            return;
        }
        if !open {
            if let Some(text) = settings.out_of_hours_message.clone() {
                self.send(id, Content::Text { text }, "system");
            }
            self.end(id, state::CLOSED, "out_of_hours", now);
            return;
        }
        self.conversation_event("conversation.started", id, now, json!({}));
        if let Some(bot) = settings.bot_on_start.clone() {
            if let Some(c) = self.conversations.get_mut(&id) {
                c.row.state = state::BOT.into();
                c.row.bot = Some(bot.plugin.clone());
                c.row.bot_stage = Some(BotStage::Start.word().into());
                c.row.bot_seen_message_id = message;
            }
            self.call_bot(id, BotStage::Start, Trigger::Start);
            return;
        }
        self.enqueue(id, now);
    }

    /// Queues a conversation in its campaign, unless the queue is full (ACD).
    pub(super) fn enqueue(&mut self, id: i64, now: i64) {
        let Some(campaign_id) = self.conversations.get(&id).and_then(|c| c.row.campaign_id) else {
            return;
        };
        let Some(campaign) = self.campaigns.get(&campaign_id) else {
            return;
        };
        let settings = campaign.settings.clone();
        if let Some(max) = settings.max_waiting
            && campaign.queue.len() >= max as usize
        {
            self.send(
                id,
                Content::Text {
                    text: settings.queue_full_message.clone(),
                },
                "system",
            );
            self.end(id, state::REJECTED, "queue_full", now);
            return;
        }
        if let Some(c) = self.conversations.get_mut(&id) {
            c.row.state = state::QUEUED.into();
            c.row.bot = None;
            c.row.bot_stage = None;
            c.row.queued_ms.get_or_insert(now);
        }
        if let Some(secs) = settings.max_queue_secs {
            self.set_timer(id, timer::QUEUE, now + i64::from(secs) * 1000, "");
        }
        self.rearm_abandon(id, now);
        self.enter_queue(id);
        self.touch(id);
        self.conversation_event("conversation.queued", id, now, json!({}));
    }

    /// (Re)starts the abandonment deadline of a waiting conversation from the customer's last
    /// message.
    fn rearm_abandon(&mut self, id: i64, now: i64) {
        let Some(c) = self.conversations.get(&id) else {
            return;
        };
        let Some(secs) = c
            .row
            .campaign_id
            .and_then(|cid| self.campaigns.get(&cid))
            .and_then(|k| k.settings.abandonment_secs)
        else {
            return;
        };
        let from = c
            .row
            .last_inbound_ms
            .unwrap_or(now)
            .max(c.row.queued_ms.unwrap_or(0));
        self.set_timer(id, timer::ABANDON, from + i64::from(secs) * 1000, "");
    }

    /// Queues a bot call, or keeps the message for when the running call answers.
    fn give_bot(&mut self, id: i64, message: i64, content: Content) {
        let Some(c) = self.conversations.get_mut(&id) else {
            return;
        };
        if c.bot_busy {
            c.bot_inbox.push((message, content));
            return;
        }
        c.row.bot_seen_message_id = message;
        let stage = c.row.bot_stage.as_deref().and_then(BotStage::parse);
        c.clear_timer(timer::BOT);
        if let Some(stage) = stage {
            self.call_bot(id, stage, Trigger::Message(content));
        }
    }

    /// Asks the task to run the campaign's bot of `stage`.
    pub(super) fn call_bot(&mut self, id: i64, stage: BotStage, trigger: Trigger) {
        let Some(c) = self.conversations.get_mut(&id) else {
            return;
        };
        let Some(campaign_id) = c.row.campaign_id else {
            return;
        };
        let Some(campaign) = self.campaigns.get(&campaign_id) else {
            return;
        };
        let binding = match stage {
            BotStage::Start => &campaign.settings.bot_on_start,
            BotStage::AfterWait => &campaign.settings.bot_after_wait,
            BotStage::End => &campaign.settings.bot_on_end,
        };
        let Some(binding) = binding else {
            return;
        };
        c.bot_busy = true;
        c.row.bot = Some(binding.plugin.clone());
        c.row.bot_stage = Some(stage.word().into());
        let call = BotCall {
            conversation: id,
            campaign: campaign_id,
            stage,
            plugin: binding.plugin.clone(),
            config: binding.config_text(),
            trigger,
            variables: c.row.bot_variables.clone(),
            queue: None,
        };
        let queue = self.queue_place(id);
        self.fx.bots.push(BotCall { queue, ..call });
        self.touch(id);
    }

    /// Queues a message to the customer.
    pub(super) fn send(&mut self, id: i64, content: Content, origin: &'static str) {
        self.fx.sends.push(Outgoing {
            conversation: id,
            content,
            origin,
        });
    }

    /// Closes a conversation held by an agent (or a bot): the bot on end runs if the campaign
    /// has one, else it ends now.
    pub fn close(&mut self, id: i64, disposition: Option<String>, reason: &str, now: i64) {
        let Some(c) = self.conversations.get_mut(&id) else {
            return;
        };
        if c.row.disposition.is_none() {
            c.row.disposition = disposition;
        }
        let had_agent = c.row.agent_id.is_some();
        let end_bot = c
            .row
            .campaign_id
            .and_then(|cid| self.campaigns.get(&cid))
            .and_then(|k| k.settings.bot_on_end.clone());
        self.detach(id, now);
        if let Some(c) = self.conversations.get_mut(&id) {
            c.row.end_reason = Some(reason.into());
        }
        if let (true, Some(_)) = (had_agent, end_bot) {
            if let Some(c) = self.conversations.get_mut(&id) {
                c.row.state = state::CLOSING.into();
            }
            self.touch(id);
            self.conversation_event("conversation.closing", id, now, json!({}));
            self.call_bot(id, BotStage::End, Trigger::End);
            return;
        }
        self.end(id, state::CLOSED, reason, now);
    }

    /// Lets go of everything a conversation holds: queue place, agents' capacity, offers,
    /// transfer, timers but the window.
    pub(super) fn detach(&mut self, id: i64, now: i64) {
        self.leave_queue(id);
        let Some(c) = self.conversations.get(&id) else {
            return;
        };
        let campaign = c.row.campaign_id.unwrap_or(0);
        let holders = super::core::holders(c);
        let closing_agent = c.row.agent_id;
        for agent in holders {
            self.release(agent, campaign, now);
        }
        if let Some(agent) = closing_agent
            && let Some(a) = self.agents.get_mut(&agent)
        {
            a.completed += 1;
        }
        if let Some(c) = self.conversations.get_mut(&id) {
            c.offer = None;
            c.row.transfer_from_agent_id = None;
            c.row.transfer_to_agent_id = None;
            c.row
                .timers
                .retain(|t| t.kind == timer::WINDOW || t.kind == timer::BOT);
        }
    }

    /// Ends a conversation: `closed`, `abandoned` or `rejected`, with a reason.
    pub(super) fn end(&mut self, id: i64, end_state: &str, reason: &str, now: i64) {
        self.detach(id, now);
        let Some(c) = self.conversations.get_mut(&id) else {
            return;
        };
        let waited = c.row.queued_ms.map(|q| now - q);
        let answered = c.row.first_reply_ms.is_some();
        let campaign = c.row.campaign_id;
        c.row.state = end_state.into();
        c.row.open = false;
        c.row.closed_ms = Some(now);
        c.row.end_reason.get_or_insert_with(|| reason.into());
        c.row.timers.clear();
        c.row.bot = None;
        c.row.bot_stage = None;
        c.bot_busy = false;
        self.touch(id);
        if let Some(k) = campaign.and_then(|cid| self.campaigns.get_mut(&cid)) {
            match end_state {
                state::ABANDONED => {
                    k.abandoned += 1;
                    let threshold = i64::from(k.settings.service_level_secs) * 1000;
                    if waited.is_some_and(|w| w > threshold) && !answered {
                        k.abandoned_late += 1;
                    }
                }
                state::CLOSED => k.completed += 1,
                _ => {}
            }
            self.fx.queues_changed.insert(k.row.id);
        }
        let kind = match end_state {
            state::ABANDONED => "conversation.abandoned",
            state::REJECTED => "conversation.rejected",
            _ => "conversation.closed",
        };
        self.conversation_event(kind, id, now, json!({ "reason": reason }));
    }
}
