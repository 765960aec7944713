//! Running bot plugins: at a conversation's start, after a long wait in the queue, at its end,
//! and on each customer message or timer while a bot holds it.
//!
//! - [`types`]: what a bot is given ([`BotContext`], [`BotTrigger`]) and answers
//!   ([`BotAction`]), in the engine's own serde types.
//! - [`validate`]: the host's rules on an answer (how many actions, which one ends the turn,
//!   bounded waits and variables).
//! - [`run`]: one call of the active version of a bot, checked. The caller applies the actions
//!   in order; on `Err` it hands the conversation to the campaign's queue, which is the
//!   fallback for every bot failure (trap, timeout, memory, error, invalid answer).
//!
//! The bundled bots (`menu`, `after-wait`, `survey`, `faq`) are plugins like any other: they
//! are active by name from the start and an upload overrides them.

pub mod types;
pub mod validate;

#[cfg(test)]
mod tests;

use std::sync::Arc;

pub use types::{
    BotAction, BotContact, BotContext, BotHistoryEntry, BotTrigger, Channel, QueueInfo,
};
pub use validate::validate_actions;

use crate::plugins::sandbox::CallLimits;
use crate::plugins::{LoadedPlugin, PluginError, Registry, Runtime, bot};

/// Runs the active version of bot `name` on one trigger and checks its answer. An `Err` means
/// the conversation goes to the queue; a failure of the plugin is already counted (an error and
/// a fallback on the version's stats) and logged.
pub async fn run(
    registry: &Arc<Registry>,
    name: &str,
    config: &str,
    context: &BotContext,
    trigger: &BotTrigger,
) -> Result<Vec<BotAction>, PluginError> {
    let plugin = registry
        .active(name)
        .ok_or_else(|| PluginError::NotFound(format!("no plugin named {name}")))?;
    let limits = registry.limits().bot;
    let result = run_on(
        registry.runtime(),
        &plugin,
        limits,
        config,
        context,
        trigger,
    )
    .await;
    match &result {
        Ok(actions) => tracing::debug!(
            plugin = %plugin.info.name, version = %plugin.info.version,
            conversation = context.conversation, campaign = context.campaign,
            actions = actions.len(), "bot answered"
        ),
        Err(error) => {
            tracing::warn!(
                plugin = %plugin.info.name, version = %plugin.info.version,
                conversation = context.conversation, campaign = context.campaign,
                code = error.code(), %error, "bot failed; the conversation goes to the queue"
            );
            if error.is_plugin_fault() {
                plugin.stats.record_fallback();
            }
        }
    }
    result
}

/// Runs a given bot version under `limits` and checks its answer: the common part of [`run`]
/// and of the offline `plugin bot` command. An answer breaking [`validate_actions`] is
/// `InvalidOutput` and counts as an error of the version.
pub async fn run_on(
    runtime: &Runtime,
    plugin: &LoadedPlugin,
    limits: CallLimits,
    config: &str,
    context: &BotContext,
    trigger: &BotTrigger,
) -> Result<Vec<BotAction>, PluginError> {
    let actions = bot::handle(runtime, plugin, limits, config, context, trigger).await?;
    if let Err(violation) = validate_actions(&actions) {
        plugin.stats.record_rejected();
        return Err(PluginError::InvalidOutput(violation));
    }
    Ok(actions)
}
