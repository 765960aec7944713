//! Calling a bot plugin: one `handle` on a warm instance, between the engine's bot types
//! ([`crate::bots`]) and the contract's. The answer is not checked here: [`crate::bots::run`]
//! does, so offline runs and the engine refuse the same answers.

use std::time::Instant;

use super::PluginError;
use super::bindings::bot::{BotPre, exports::switchboard::bot::bot as wit};
use super::bindings::common;
use super::component::{LoadedPlugin, World};
use super::runtime::Runtime;
use super::sandbox::{CallEnv, CallLimits, HostState};
use super::session::{self, Session};
use super::warm;
use crate::bots::{BotAction, BotContext, BotTrigger, Channel};
use crate::providers::convert;

/// The warm instances of a bot version.
pub type WarmPool = warm::WarmPool<BotPre<HostState>>;

/// Runs `handle` of `plugin` once, at `context.now_ms` with `context.seed`; counts the call.
pub async fn handle(
    runtime: &Runtime,
    plugin: &LoadedPlugin,
    limits: CallLimits,
    config: &str,
    context: &BotContext,
    trigger: &BotTrigger,
) -> Result<Vec<BotAction>, PluginError> {
    let pool = pool_of(plugin)?;
    let started = Instant::now();
    let result = handle_on(runtime, plugin, pool, limits, config, context, trigger).await;
    plugin.stats.record(result.is_ok(), started.elapsed());
    result
}

/// The warm pool of a bot plugin; any other kind is the caller's mistake.
fn pool_of(plugin: &LoadedPlugin) -> Result<&WarmPool, PluginError> {
    match &plugin.world {
        World::Bot(pool) => Ok(pool),
        _ => Err(PluginError::WrongKind {
            name: plugin.info.name.clone(),
            expected: "bot",
            actual: plugin.info.kind.as_str(),
        }),
    }
}

async fn handle_on(
    runtime: &Runtime,
    plugin: &LoadedPlugin,
    pool: &WarmPool,
    limits: CallLimits,
    config: &str,
    context: &BotContext,
    trigger: &BotTrigger,
) -> Result<Vec<BotAction>, PluginError> {
    let env = CallEnv {
        now_ms: context.now_ms,
        seed: context.seed,
    };
    let (wit_context, wit_trigger) = (context_to_wit(context), trigger_to_wit(trigger));
    let _permit = runtime.permit().await?;
    let mut session = pool
        .session(runtime, || plugin.label(), limits, env)
        .await?;
    let Session {
        store, bindings, ..
    } = &mut session;
    let call =
        bindings
            .switchboard_bot_bot()
            .call_handle(&mut *store, config, &wit_context, &wit_trigger);
    let outcome = session::guarded(limits, call).await;
    // On any error the session is dropped here, never returned to the pool.
    let answer = session::finish(store, limits, outcome)?;
    pool.put_back(session);
    match answer {
        Ok(actions) => Ok(actions.into_iter().map(action_from_wit).collect()),
        Err(e) => Err(PluginError::Returned {
            code: e.code,
            message: e.message,
        }),
    }
}

fn context_to_wit(context: &BotContext) -> wit::Context {
    wit::Context {
        conversation: context.conversation,
        campaign: context.campaign,
        campaign_name: context.campaign_name.clone(),
        channel: match context.channel {
            Channel::Sms => common::Channel::Sms,
            Channel::Whatsapp => common::Channel::Whatsapp,
        },
        contact: common::ContactAddress {
            number: context.contact.number.clone(),
            user_id: context.contact.user_id.clone(),
            display_name: context.contact.display_name.clone(),
        },
        business_number: context.business_number.clone(),
        now_ms: context.now_ms,
        seed: context.seed,
        window_open: context.window_open,
        variables: context
            .variables
            .iter()
            .map(|(name, value)| common::Pair {
                name: name.clone(),
                value: value.clone(),
            })
            .collect(),
        history: context
            .history
            .iter()
            .map(|entry| wit::HistoryEntry {
                inbound: entry.inbound,
                at_ms: entry.at_ms,
                content: convert::to_wit_as_stored(&entry.content),
            })
            .collect(),
        queue: context.queue.map(|q| wit::QueueInfo {
            position: q.position,
            waiting: q.waiting,
            expected_wait_ms: q.expected_wait_ms,
        }),
    }
}

fn trigger_to_wit(trigger: &BotTrigger) -> wit::Trigger {
    match trigger {
        BotTrigger::Start => wit::Trigger::Start,
        BotTrigger::Message { content } => {
            wit::Trigger::Message(convert::to_wit_as_stored(content))
        }
        BotTrigger::Waited => wit::Trigger::Waited,
        BotTrigger::End => wit::Trigger::End,
        BotTrigger::Timer { tag } => wit::Trigger::Timer(tag.clone()),
    }
}

fn action_from_wit(action: wit::Action) -> BotAction {
    match action {
        wit::Action::Send(content) => BotAction::Send {
            content: convert::from_wit(content),
        },
        wit::Action::SetVariable(pair) => BotAction::SetVariable {
            name: pair.name,
            value: pair.value,
        },
        wit::Action::Handoff(h) => BotAction::Handoff {
            priority: h.priority,
            skills: h.skills,
            attributes: h
                .attributes
                .into_iter()
                .map(|pair| (pair.name, pair.value))
                .collect(),
        },
        wit::Action::Transfer(campaign) => BotAction::Transfer { campaign },
        wit::Action::Close(disposition) => BotAction::Close { disposition },
        wit::Action::WaitInput(w) => BotAction::WaitInput {
            timeout_ms: w.timeout_ms,
            tag: w.tag,
        },
    }
}
