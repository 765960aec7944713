//! The trial run a strategy must pass before it is installed: one pass on a small synthetic
//! queue with its default config, answered in time and validly.

use switchboard_strategies::{Agent, PreviousAgent, RouteInput, Waiting};

use super::PluginError;
use super::component::LoadedPlugin;
use super::runtime::Runtime;
use super::sandbox::CallLimits;
use super::strategy;
use crate::routing::validate;

/// Runs the smoke pass; any failure refuses the install with the failure's own type.
pub async fn check_strategy(
    runtime: &Runtime,
    plugin: &LoadedPlugin,
    limits: CallLimits,
) -> Result<(), PluginError> {
    let config = plugin.schema.default_config().to_string();
    plugin.schema.validate(&config).map_err(|e| {
        PluginError::BadDescription(format!("the schema's own defaults do not satisfy it: {e}"))
    })?;
    let input = synthetic_queue();
    let assignments = strategy::route(runtime, plugin, limits, &config, &input).await?;
    validate(&input, &assignments)
        .map_err(|violation| PluginError::InvalidOutput(format!("smoke pass: {violation}")))
}

/// A small queue that exercises the usual cases: priorities, skills, a previous agent, a full
/// agent next to free ones.
pub fn synthetic_queue() -> RouteInput {
    let now_ms = 1_700_000_000_000;
    let waiting = (1..=6)
        .map(|id| Waiting {
            id,
            waited_ms: id * 7_000,
            priority: i32::from(id == 4),
            required_skills: if id % 3 == 0 { 0b10 } else { 0 },
            previous: (id == 2).then_some(PreviousAgent {
                agent: 102,
                at_ms: now_ms - 60_000,
            }),
        })
        .collect();
    let agents = (0..4u32)
        .map(|i| Agent {
            id: 100 + u64::from(i),
            load: i % 3,
            capacity: 3,
            idle_ms: u64::from(i) * 15_000,
            last_assigned_at_ms: (i > 0).then_some(now_ms - u64::from(i) * 30_000),
            penalty: (i * 30) as u8,
            skills: u64::from(i % 2) << 1 | 1,
        })
        .collect();
    RouteInput {
        now_ms,
        seed: 7,
        campaign: 1,
        waiting,
        agents,
        exclusions: Vec::new(),
        attributes: Vec::new(),
    }
}
