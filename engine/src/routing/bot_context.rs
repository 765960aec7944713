//! What a bot sees: the conversation, its customer, its last messages, whether the window is
//! open and where it stands in the queue; and turning its answer into the router's steps.

use std::sync::Arc;

use super::bot_steps::BotStep;
use super::effects::{BotCall, Trigger};
use crate::bots::{
    self, BotAction, BotContact, BotContext, BotHistoryEntry, BotTrigger, QueueInfo,
};
use crate::clock;
use crate::conversations::Content;
use crate::plugins::bindings::common::Channel as WitChannel;
use crate::plugins::provider::TemplateRule;
use crate::providers::Messaging;

/// Messages of history a bot gets (the contract says at most 20).
const HISTORY: i64 = 20;

/// Runs one bot call: builds the context from the store, runs the plugin, converts its
/// answer. `Err` says why the bot failed; the router hands the conversation on.
pub async fn run(messaging: &Arc<Messaging>, call: &BotCall) -> Result<Vec<BotStep>, String> {
    let context = context(messaging, call).await?;
    let trigger = match &call.trigger {
        Trigger::Start => BotTrigger::Start,
        Trigger::Message(content) => BotTrigger::Message {
            content: content.clone(),
        },
        Trigger::Waited => BotTrigger::Waited,
        Trigger::End => BotTrigger::End,
        Trigger::Timer(tag) => BotTrigger::Timer { tag: tag.clone() },
    };
    let actions = bots::run(
        &messaging.registry,
        &call.plugin,
        &call.config,
        &context,
        &trigger,
    )
    .await
    .map_err(|e| format!("{}: {e}", e.code()))?;
    Ok(actions.into_iter().map(step).collect())
}

async fn context(messaging: &Arc<Messaging>, call: &BotCall) -> Result<BotContext, String> {
    let store = &messaging.store;
    let conversation = store
        .conversation(call.conversation)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the conversation is gone")?;
    let contact = store
        .contact(conversation.contact_id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the contact is gone")?;
    let campaign_name = store
        .campaign(call.campaign)
        .await
        .map_err(|e| e.to_string())?
        .map(|c| c.name)
        .unwrap_or_default();
    let history = store
        .recent_messages(call.conversation, HISTORY)
        .await
        .map_err(|e| e.to_string())?
        .iter()
        .map(|m| BotHistoryEntry {
            inbound: m.direction == "in",
            at_ms: u64::try_from(m.created_ms).unwrap_or(0),
            content: Content::from_json(&m.content),
        })
        .collect();
    let connector = messaging
        .connectors
        .by_number(&conversation.number)
        .map(|(c, _)| c);
    let capabilities = connector.as_ref().and_then(|c| c.capabilities.clone());
    let whatsapp = capabilities
        .as_ref()
        .is_some_and(|c| c.channels.contains(&WitChannel::Whatsapp));
    let now = clock::now_ms();
    let window_ms = capabilities
        .as_ref()
        .filter(|c| c.templates == TemplateRule::RequiredOutsideWindow)
        .and_then(|c| c.session_window_ms)
        .and_then(|ms| i64::try_from(ms).ok());
    let window_open = match window_ms {
        None => true,
        Some(window) => {
            let key = crate::store::ContactKey {
                number: contact.number.clone(),
                user_id: contact.user_id.clone(),
                name: None,
            };
            store
                .last_inbound(conversation.number_id, &key)
                .await
                .map_err(|e| e.to_string())?
                .is_some_and(|last| last + window > now)
        }
    };
    Ok(BotContext {
        conversation: call.conversation as u64,
        campaign: call.campaign as u64,
        campaign_name,
        channel: if whatsapp {
            bots::Channel::Whatsapp
        } else {
            bots::Channel::Sms
        },
        contact: BotContact {
            number: contact.number,
            user_id: contact.user_id,
            display_name: contact.name,
        },
        business_number: conversation.number,
        now_ms: u64::try_from(now).unwrap_or(0),
        seed: (now as u64) ^ (call.conversation as u64).rotate_left(17),
        window_open,
        variables: call.variables.clone(),
        history,
        queue: call.queue.map(|q| QueueInfo {
            position: q.position,
            waiting: q.waiting,
            expected_wait_ms: q.expected_wait_ms,
        }),
    })
}

fn step(action: BotAction) -> BotStep {
    match action {
        BotAction::Send { content } => BotStep::Send(content),
        BotAction::SetVariable { name, value } => BotStep::SetVariable(name, value),
        BotAction::Handoff {
            priority,
            skills,
            attributes,
        } => BotStep::Handoff {
            priority,
            skills,
            attributes: attributes.into_iter().collect(),
        },
        BotAction::Transfer { campaign } => BotStep::Transfer(campaign),
        BotAction::Close { disposition } => BotStep::Close(disposition),
        BotAction::WaitInput { timeout_ms, tag } => BotStep::WaitInput { timeout_ms, tag },
    }
}
