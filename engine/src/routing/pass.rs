//! One routing pass of one campaign, with the failure policy: a strategy plugin that traps,
//! times out, runs out of memory, returns an error or returns an invalid answer is counted and
//! replaced, for this pass, by a native strategy. Nothing a plugin does stops routing.

use std::sync::Arc;

use serde::Serialize;
use switchboard_strategies::{Assignment, RouteInput};

use super::{fallback, validate};
use crate::plugins::registry::Registry;
use crate::plugins::sandbox::CallLimits;
use crate::plugins::{LoadedPlugin, PluginError, Runtime, strategy};

/// Who decided a pass.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "by", rename_all = "kebab-case")]
pub enum DecidedBy {
    /// The strategy plugin, at this version.
    Plugin { name: String, version: String },
    /// The native fallback, because the plugin failed with `code`.
    Fallback {
        strategy: &'static str,
        code: &'static str,
        reason: String,
    },
}

/// The answer of a pass: valid assignments, and who gave them.
#[derive(Debug, Clone, Serialize)]
pub struct PassOutcome {
    pub assignments: Vec<Assignment>,
    pub decided_by: DecidedBy,
}

/// Runs a pass with the active version of strategy plugin `name`. Always answers with valid
/// assignments.
pub async fn route_pass(
    registry: &Arc<Registry>,
    name: &str,
    config: &str,
    input: &RouteInput,
) -> PassOutcome {
    let plugin = registry.active(name);
    route_with(
        registry.runtime(),
        registry.limits().strategy,
        name,
        plugin.as_deref(),
        config,
        input,
    )
    .await
}

/// Runs a pass with a given plugin version (`None`: the plugin is missing), under `limits`.
pub async fn route_with(
    runtime: &Runtime,
    limits: CallLimits,
    name: &str,
    plugin: Option<&LoadedPlugin>,
    config: &str,
    input: &RouteInput,
) -> PassOutcome {
    let Some(plugin) = plugin else {
        return fall_back(
            name,
            config,
            input,
            PluginError::NotFound(format!("no plugin named {name}")),
        );
    };
    let error = match strategy::route(runtime, plugin, limits, config, input).await {
        Ok(assignments) => match validate(input, &assignments) {
            Ok(()) => {
                tracing::debug!(
                    plugin = %plugin.info.name, version = %plugin.info.version, campaign = input.campaign,
                    waiting = input.waiting.len(), agents = input.agents.len(), assigned = assignments.len(),
                    "routing pass decided"
                );
                let decided_by = DecidedBy::Plugin {
                    name: plugin.info.name.clone(),
                    version: plugin.info.version.clone(),
                };
                return PassOutcome {
                    assignments,
                    decided_by,
                };
            }
            Err(violation) => {
                plugin.stats.record_rejected();
                PluginError::InvalidOutput(violation)
            }
        },
        Err(error) => error,
    };
    tracing::warn!(
        plugin = %plugin.info.name, version = %plugin.info.version, campaign = input.campaign,
        code = error.code(), %error, "strategy failed; native fallback routes this pass"
    );
    plugin.stats.record_fallback();
    fall_back(name, config, input, error)
}

fn fall_back(name: &str, config: &str, input: &RouteInput, error: PluginError) -> PassOutcome {
    let (strategy, assignments) = fallback::route(name, config, input);
    let decided_by = DecidedBy::Fallback {
        strategy,
        code: error.code(),
        reason: error.to_string(),
    };
    if let Err(violation) = validate(input, &assignments) {
        tracing::error!(strategy, %violation, "native fallback gave an invalid answer; nobody is assigned this pass");
        return PassOutcome {
            assignments: Vec::new(),
            decided_by,
        };
    }
    PassOutcome {
        assignments,
        decided_by,
    }
}
