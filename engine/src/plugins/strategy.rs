//! Calling a strategy plugin: the routing hot path, on warm instances (see [`super::warm`]).

use std::time::Instant;

use switchboard_strategies as core;

use super::PluginError;
use super::bindings::strategy::{StrategyPre, exports::switchboard::strategy::strategy as wit};
use super::component::LoadedPlugin;
use super::runtime::Runtime;
use super::sandbox::{CallEnv, CallLimits, HostState};
use super::session::{self, Session};
use super::warm;

/// The warm instances of a strategy version.
pub type WarmPool = warm::WarmPool<StrategyPre<HostState>>;

/// Runs one routing pass of `plugin`. The answer is not validated here: the routing pass
/// checks it against the input (see `routing::validate`).
pub async fn route(
    runtime: &Runtime,
    plugin: &LoadedPlugin,
    limits: CallLimits,
    config: &str,
    input: &core::RouteInput,
) -> Result<Vec<core::Assignment>, PluginError> {
    let pool = pool_of(plugin)?;
    let started = Instant::now();
    let result = route_on(runtime, plugin, pool, limits, config, input).await;
    plugin.stats.record(result.is_ok(), started.elapsed());
    result
}

/// Like [`route`] but always on a fresh instance, as a version's first call is: what the
/// instantiation benchmark measures.
pub async fn route_fresh(
    runtime: &Runtime,
    plugin: &LoadedPlugin,
    limits: CallLimits,
    config: &str,
    input: &core::RouteInput,
) -> Result<Vec<core::Assignment>, PluginError> {
    pool_of(plugin)?.clear();
    route(runtime, plugin, limits, config, input).await
}

/// The warm pool of a strategy plugin; any other kind is the caller's mistake.
fn pool_of(plugin: &LoadedPlugin) -> Result<&WarmPool, PluginError> {
    match &plugin.world {
        super::component::World::Strategy(pool) => Ok(pool),
        _ => Err(PluginError::WrongKind {
            name: plugin.info.name.clone(),
            expected: "strategy",
            actual: plugin.info.kind.as_str(),
        }),
    }
}

async fn route_on(
    runtime: &Runtime,
    plugin: &LoadedPlugin,
    pool: &WarmPool,
    limits: CallLimits,
    config: &str,
    input: &core::RouteInput,
) -> Result<Vec<core::Assignment>, PluginError> {
    let env = CallEnv {
        now_ms: input.now_ms,
        seed: input.seed,
    };
    let _permit = runtime.permit().await?;
    let mut session = pool
        .session(runtime, || plugin.label(), limits, env)
        .await?;
    let wit_input = to_wit(input);
    let Session {
        store, bindings, ..
    } = &mut session;
    let call = bindings
        .switchboard_strategy_strategy()
        .call_route(&mut *store, config, &wit_input);
    let outcome = session::guarded(limits, call).await;
    // On any error the session is dropped here, never returned to the pool.
    let answer = session::finish(store, limits, outcome)?;
    pool.put_back(session);
    match answer {
        Ok(assignments) => Ok(assignments.into_iter().map(from_wit).collect()),
        Err(e) => Err(PluginError::Returned {
            code: e.code,
            message: e.message,
        }),
    }
}

/// Lays the snapshot out in columns (see `waiting-table` in the WIT): one block copy per
/// column into the guest instead of one store per field per row.
fn to_wit(input: &core::RouteInput) -> wit::RouteInput {
    let (waiting, agents) = (&input.waiting, &input.agents);
    wit::RouteInput {
        now_ms: input.now_ms,
        seed: input.seed,
        campaign: input.campaign,
        waiting: wit::WaitingTable {
            ids: waiting.iter().map(|w| w.id).collect(),
            waited_ms: waiting.iter().map(|w| w.waited_ms).collect(),
            priorities: waiting.iter().map(|w| w.priority).collect(),
            required_skills: waiting.iter().map(|w| w.required_skills).collect(),
            previous_agents: waiting
                .iter()
                .map(|w| w.previous.map_or(0, |p| p.agent))
                .collect(),
            previous_at_ms: waiting
                .iter()
                .map(|w| w.previous.map_or(0, |p| p.at_ms))
                .collect(),
        },
        agents: wit::AgentTable {
            ids: agents.iter().map(|a| a.id).collect(),
            loads: agents.iter().map(|a| a.load).collect(),
            capacities: agents.iter().map(|a| a.capacity).collect(),
            idle_ms: agents.iter().map(|a| a.idle_ms).collect(),
            last_assigned_at_ms: agents
                .iter()
                .map(|a| a.last_assigned_at_ms.unwrap_or(0))
                .collect(),
            penalties: agents.iter().map(|a| a.penalty).collect(),
            skills: agents.iter().map(|a| a.skills).collect(),
        },
        exclusions: input
            .exclusions
            .iter()
            .map(|e| wit::Exclusion {
                conversation: e.conversation,
                agent: e.agent,
            })
            .collect(),
        attributes: input
            .attributes
            .iter()
            .map(|a| wit::Attribute {
                conversation: a.conversation,
                name: a.name.clone(),
                value: a.value.clone(),
            })
            .collect(),
    }
}

fn from_wit(a: wit::Assignment) -> core::Assignment {
    core::Assignment {
        conversation: a.conversation,
        agent: a.agent,
    }
}
