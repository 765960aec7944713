//! Applying what a bot answered: its actions in order, and the failure rule (a failing bot
//! hands the conversation to the queue; at the end, it closes).

use std::collections::BTreeMap;

use serde_json::json;

use super::core::RouterCore;
use super::effects::{BotStage, Trigger};
use super::live::{state, timer};
use crate::conversations::Content;

/// One bot action, as the router applies it. (Short-lived: a turn's few actions.)
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum BotStep {
    Send(Content),
    SetVariable(String, String),
    Handoff {
        priority: i32,
        skills: Vec<String>,
        attributes: Vec<(String, String)>,
    },
    Transfer(String),
    Close(Option<String>),
    WaitInput {
        timeout_ms: u64,
        tag: String,
    },
}

/// The variable the survey bot sets; stored on the conversation as its CSAT (1–5).
pub const CSAT_VARIABLE: &str = "csat";

impl RouterCore {
    /// A bot call came back: `Ok(actions)` or `Err(reason)`.
    pub fn bot_done(
        &mut self,
        id: i64,
        stage: BotStage,
        outcome: Result<Vec<BotStep>, String>,
        now: i64,
    ) {
        let Some(c) = self.conversations.get_mut(&id) else {
            return;
        };
        c.bot_busy = false;
        // The conversation moved on while the bot ran (an agent took it, it ended).
        let still_here = c.row.open && c.row.bot_stage.as_deref() == Some(stage.word());
        if !still_here {
            return;
        }
        self.touch(id);
        let steps = match outcome {
            Ok(steps) => steps,
            Err(reason) => {
                tracing::warn!(conversation = id, stage = stage.word(), %reason, "bot failed; the conversation goes on without it");
                self.conversation_event("bot.failed", id, now, json!({ "reason": reason }));
                self.leave_bot(id, stage, now);
                return;
            }
        };
        let mut settled = false;
        for step in steps {
            match step {
                BotStep::Send(content) => self.send(id, content, "bot"),
                BotStep::SetVariable(name, value) => self.set_variable(id, stage, name, value),
                BotStep::Handoff {
                    priority,
                    skills,
                    attributes,
                } => {
                    if let Some(c) = self.conversations.get_mut(&id) {
                        c.row.priority = i64::from(priority);
                        if !skills.is_empty() {
                            c.row.skills = skills;
                        }
                        c.row.attributes.extend(attributes);
                    }
                    self.leave_bot(id, stage, now);
                    settled = true;
                    break;
                }
                BotStep::Transfer(campaign) => {
                    self.bot_transfer(id, stage, &campaign, now);
                    settled = true;
                    break;
                }
                BotStep::Close(disposition) => {
                    if let Some(c) = self.conversations.get_mut(&id)
                        && c.row.disposition.is_none()
                    {
                        c.row.disposition = disposition;
                    }
                    self.end(
                        id,
                        state::CLOSED,
                        if stage == BotStage::End {
                            "closed"
                        } else {
                            "closed_by_bot"
                        },
                        now,
                    );
                    settled = true;
                    break;
                }
                BotStep::WaitInput { timeout_ms, tag } => {
                    let due = now.saturating_add(i64::try_from(timeout_ms).unwrap_or(i64::MAX / 2));
                    self.set_timer(id, timer::BOT, due, &tag);
                    settled = true;
                }
            }
        }
        if !settled {
            // A bot that neither waits nor decides has nothing more to say.
            self.leave_bot(id, stage, now);
            return;
        }
        // Messages that came while the bot ran.
        let pending = self
            .conversations
            .get_mut(&id)
            .filter(|c| c.row.open && c.row.bot_stage.is_some())
            .map(|c| std::mem::take(&mut c.bot_inbox))
            .unwrap_or_default();
        if let Some((message, content)) = pending.into_iter().last()
            && let Some(c) = self.conversations.get_mut(&id)
        {
            c.row.bot_seen_message_id = message;
            c.clear_timer(timer::BOT);
            self.call_bot(id, stage, Trigger::Message(content));
        }
    }

    fn set_variable(&mut self, id: i64, stage: BotStage, name: String, value: String) {
        let Some(c) = self.conversations.get_mut(&id) else {
            return;
        };
        if stage == BotStage::End
            && name == CSAT_VARIABLE
            && let Ok(score) = value.trim().parse::<i64>()
            && (1..=5).contains(&score)
        {
            c.row.csat = Some(score);
        }
        let vars: &mut BTreeMap<String, String> = &mut c.row.bot_variables;
        if value.is_empty() {
            vars.remove(&name);
        } else {
            vars.insert(name, value);
        }
    }

    /// The bot is done with the conversation: after start it queues, after waiting it stays
    /// queued, at the end it closes.
    fn leave_bot(&mut self, id: i64, stage: BotStage, now: i64) {
        if let Some(c) = self.conversations.get_mut(&id) {
            c.clear_timer(timer::BOT);
            c.bot_inbox.clear();
            c.row.bot = None;
            c.row.bot_stage = None;
        }
        self.touch(id);
        match stage {
            BotStage::Start => self.enqueue(id, now),
            BotStage::AfterWait => {
                self.conversation_event("conversation.keeps_waiting", id, now, json!({}));
            }
            BotStage::End => self.end(id, state::CLOSED, "closed", now),
        }
    }

    /// A bot moves the conversation to another campaign, by name.
    fn bot_transfer(&mut self, id: i64, stage: BotStage, campaign: &str, now: i64) {
        let Some(target) = self.campaign_named(campaign) else {
            tracing::warn!(
                conversation = id,
                campaign,
                "bot transferred to an unknown campaign; queued here"
            );
            self.leave_bot(id, stage, now);
            return;
        };
        self.leave_queue(id);
        if let Some(c) = self.conversations.get_mut(&id) {
            c.clear_timer(timer::BOT);
            c.clear_timer(timer::QUEUE);
            c.row.bot = None;
            c.row.bot_stage = None;
            c.row.campaign_id = Some(target);
            c.row.queued_ms = None;
        }
        if let Some(c) = self.conversations.get_mut(&id)
            && let Some(k) = self.campaigns.get(&target)
        {
            c.skills_mask = k.settings.skill_mask(&c.row.skills).0;
        }
        self.conversation_event(
            "conversation.moved",
            id,
            now,
            json!({ "campaign": campaign }),
        );
        self.enqueue(id, now);
    }

    /// A bot that was running when the engine stopped cannot be resumed faithfully: the
    /// conversation goes on without it (queued after start or waiting, closed at the end).
    pub fn recover_interrupted_bots(&mut self, now: i64) {
        let stuck: Vec<(i64, BotStage)> = self
            .conversations
            .values()
            .filter(|c| c.timer(timer::BOT).is_none())
            .filter_map(|c| {
                Some((
                    c.row.id,
                    c.row.bot_stage.as_deref().and_then(BotStage::parse)?,
                ))
            })
            .collect();
        for (id, stage) in stuck {
            self.leave_bot(id, stage, now);
        }
    }
}
