//! Plugin tools that need no server: inspect a file, run a strategy on a saved queue, run a bot
//! on one turn. How an integrator debugs a plugin, and the seed of replay.

use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;
use switchboard_strategies::{Assignment, RouteInput};

use super::bundled::BUNDLED;
use super::component::{self, LoadedPlugin, Source};
use super::kind::PluginKind;
use super::registry::{RegistryLimits, sha256_hex};
use super::runtime::Runtime;
use super::{PluginError, strategy};
use crate::bots::{self, BotAction, BotContext, BotTrigger};
use crate::routing::validate;

/// The file-name prefix of each group of bundled plugins (see `build.rs`).
const BUNDLED_PREFIXES: [&str; 3] = ["strategy_", "provider_", "bot_"];

/// What `plugin inspect` prints.
#[derive(Debug, Serialize)]
pub struct InspectReport {
    pub name: String,
    pub version: String,
    pub kind: PluginKind,
    pub description: String,
    pub config_schema: serde_json::Value,
    pub sha256: String,
    pub size: usize,
    pub exports: Vec<String>,
    pub imports: Vec<String>,
}

/// Where `plugin route`, `plugin bot` and `plugin webhook` get their plugin.
pub enum PluginSource {
    /// A bundled plugin, by name.
    Bundled(String),
    /// A component file's bytes.
    File(Vec<u8>),
}

/// What `plugin route` prints.
#[derive(Debug, Serialize)]
pub struct RouteReport {
    pub plugin: String,
    pub version: String,
    pub assignments: Vec<Assignment>,
    /// Whether the host would accept the answer.
    pub valid: bool,
    /// Why not, when it would not.
    pub rejected: Option<String>,
    pub elapsed_us: u64,
}

/// Loads and describes a component, as `install` would, without storing anything.
pub async fn inspect(runtime: &Arc<Runtime>, wasm: Vec<u8>) -> Result<InspectReport, PluginError> {
    let plugin = load(runtime, wasm).await?;
    let info = &plugin.info;
    Ok(InspectReport {
        name: info.name.clone(),
        version: info.version.clone(),
        kind: info.kind,
        description: info.description.clone(),
        config_schema: serde_json::from_str(&info.config_schema).unwrap_or(serde_json::Value::Null),
        sha256: plugin.sha256.clone(),
        size: plugin.size,
        exports: plugin.exports.clone(),
        imports: plugin.imports.clone(),
    })
}

/// Runs one pass of a strategy on `input` and says whether the host would accept the answer.
pub async fn route(
    runtime: &Arc<Runtime>,
    source: PluginSource,
    config: &str,
    input: &RouteInput,
) -> Result<RouteReport, PluginError> {
    let wasm = match source {
        PluginSource::File(bytes) => bytes,
        PluginSource::Bundled(name) => bundled_by_name(runtime, &name).await?,
    };
    let plugin = load(runtime, wasm).await?;
    plugin.schema.validate(config)?;
    let started = Instant::now();
    let assignments = strategy::route(
        runtime,
        &plugin,
        RegistryLimits::default().strategy,
        config,
        input,
    )
    .await?;
    let elapsed_us = started.elapsed().as_micros() as u64;
    let rejected = validate(input, &assignments).err();
    Ok(RouteReport {
        plugin: plugin.info.name.clone(),
        version: plugin.info.version.clone(),
        valid: rejected.is_none(),
        rejected,
        assignments,
        elapsed_us,
    })
}

/// What `plugin bot` prints.
#[derive(Debug, Serialize)]
pub struct BotReport {
    pub plugin: String,
    pub version: String,
    /// The bot's answer, checked as the engine checks it.
    pub actions: Vec<BotAction>,
    pub elapsed_us: u64,
}

/// Runs one turn of a bot: its config checked against its schema, its answer checked as the
/// engine would (an answer the engine would refuse is an `InvalidOutput` error).
pub async fn bot(
    runtime: &Arc<Runtime>,
    source: PluginSource,
    config: &str,
    context: &BotContext,
    trigger: &BotTrigger,
) -> Result<BotReport, PluginError> {
    let wasm = match source {
        PluginSource::File(bytes) => bytes,
        PluginSource::Bundled(name) => bundled_by_name(runtime, &name).await?,
    };
    let plugin = load(runtime, wasm).await?;
    plugin.schema.validate(config)?;
    let started = Instant::now();
    let limits = RegistryLimits::default().bot;
    let actions = bots::run_on(runtime, &plugin, limits, config, context, trigger).await?;
    Ok(BotReport {
        plugin: plugin.info.name.clone(),
        version: plugin.info.version.clone(),
        actions,
        elapsed_us: started.elapsed().as_micros() as u64,
    })
}

pub(crate) async fn load(
    runtime: &Arc<Runtime>,
    wasm: Vec<u8>,
) -> Result<LoadedPlugin, PluginError> {
    let sha256 = sha256_hex(&wasm);
    component::load(runtime, Arc::from(wasm), sha256, Source::Installed).await
}

pub(crate) async fn bundled_by_name(
    runtime: &Arc<Runtime>,
    name: &str,
) -> Result<Vec<u8>, PluginError> {
    // Bundled files are named after their crate (`strategy_least_busy`, `bot_after_wait`);
    // the plugin's own name is what `describe()` says, so check it rather than trust the file
    // name.
    let stem = name.replace('-', "_");
    for prefix in BUNDLED_PREFIXES {
        let file = format!("{prefix}{stem}");
        if let Some(plugin) = BUNDLED.iter().find(|p| p.file == file) {
            let loaded = load(runtime, plugin.wasm.to_vec()).await?;
            if loaded.info.name == name {
                return Ok(plugin.wasm.to_vec());
            }
        }
    }
    let names: Vec<String> = BUNDLED
        .iter()
        .map(|p| {
            let stem = BUNDLED_PREFIXES
                .iter()
                .find_map(|prefix| p.file.strip_prefix(prefix))
                .unwrap_or(p.file);
            stem.replace('_', "-")
        })
        .collect();
    Err(PluginError::NotFound(format!(
        "no bundled plugin named {name} (bundled: {})",
        names.join(", ")
    )))
}
