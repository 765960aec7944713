//! A compiled plugin version: what it exports and imports, what it says about itself, and the
//! pre-instantiated component calls are made from.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::Serialize;
use wasmtime::Engine;
use wasmtime::component::Component;

use super::PluginError;
use super::bindings;
use super::kind::{PluginInfo, PluginKind};
use super::latency::{Latency, LatencySnapshot};
use super::runtime::Runtime;
use super::sandbox::{CallEnv, CallLimits, HostState, PluginLabel};
use super::schema::ConfigSchema;
use super::session::{self, Session};
use super::warm::WarmPool;

/// The interface every world exports, in the contract version this engine serves.
const METADATA_EXPORT: &str = "switchboard:types/metadata@0.1.0";

/// Imports a plugin may have: our log, and the WASI a Rust guest's std pulls in. Anything
/// else (files, sockets, HTTP…) is a capability the host does not give.
const ALLOWED_IMPORTS: &[&str] = &[
    "switchboard:host/log@0.1.0",
    // Types-only: the shared records and variants; nothing callable.
    "switchboard:types/common@0.1.0",
    "wasi:cli/",
    "wasi:io/",
    "wasi:clocks/wall-clock@",
    "wasi:clocks/monotonic-clock@",
    "wasi:random/",
];

/// Limits for `describe()`: it must be cheap.
const DESCRIBE_LIMITS: CallLimits = CallLimits {
    deadline: Duration::from_millis(200),
    memory_cap: 16 << 20,
};

/// Where a version came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// Compiled into the engine binary.
    Bundled,
    /// Uploaded by an admin and kept in the store.
    Installed,
}

/// The world-specific pre-instantiated component.
pub enum World {
    Strategy(WarmPool<bindings::strategy::StrategyPre<HostState>>),
    Bot(WarmPool<bindings::bot::BotPre<HostState>>),
    Provider(WarmPool<bindings::provider::ProviderPre<HostState>>),
}

impl World {
    /// Drops the warm instances (the version was swapped out), freeing their pool slots.
    pub fn clear_warm(&self) {
        match self {
            Self::Strategy(pool) => pool.clear(),
            Self::Bot(pool) => pool.clear(),
            Self::Provider(pool) => pool.clear(),
        }
    }
}

/// Calls and failures of one version since the engine started.
#[derive(Debug, Default)]
pub struct CallStats {
    calls: AtomicU64,
    errors: AtomicU64,
    fallbacks: AtomicU64,
    latency: Latency,
}

impl CallStats {
    pub fn record(&self, ok: bool, elapsed: Duration) {
        self.latency.record(elapsed);
        self.calls.fetch_add(1, Ordering::Relaxed);
        if !ok {
            self.errors.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Counts an answer that came back but was rejected by the host (invalid output).
    pub fn record_rejected(&self) {
        self.errors.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a pass the native fallback answered because this version failed.
    pub fn record_fallback(&self) {
        self.fallbacks.fetch_add(1, Ordering::Relaxed);
    }

    pub fn fallbacks(&self) -> u64 {
        self.fallbacks.load(Ordering::Relaxed)
    }

    pub fn latency(&self) -> LatencySnapshot {
        self.latency.snapshot()
    }

    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    pub fn errors(&self) -> u64 {
        self.errors.load(Ordering::Relaxed)
    }
}

/// A loaded, checked plugin version, ready to call.
pub struct LoadedPlugin {
    pub info: PluginInfo,
    pub sha256: String,
    pub size: usize,
    pub source: Source,
    pub exports: Vec<String>,
    pub imports: Vec<String>,
    pub schema: ConfigSchema,
    pub world: World,
    pub stats: CallStats,
}

impl LoadedPlugin {
    pub fn label(&self) -> PluginLabel {
        PluginLabel {
            name: self.info.name.clone(),
            version: self.info.version.clone(),
        }
    }
}

/// What a component exports and imports, before anything runs.
#[derive(Debug, Clone, Serialize)]
pub struct Inspection {
    pub kind: PluginKind,
    pub exports: Vec<String>,
    pub imports: Vec<String>,
}

/// Finds the world a component exports and checks its imports.
pub fn inspect(engine: &Engine, component: &Component) -> Result<Inspection, PluginError> {
    let ty = component.component_type();
    let exports: Vec<String> = ty
        .exports(engine)
        .map(|(name, _)| name.to_string())
        .collect();
    let imports: Vec<String> = ty
        .imports(engine)
        .map(|(name, _)| name.to_string())
        .collect();
    let kinds: Vec<PluginKind> = PluginKind::ALL
        .into_iter()
        .filter(|k| exports.iter().any(|e| e == k.export_name()))
        .collect();
    let kind = match kinds.as_slice() {
        [kind] if exports.iter().any(|e| e == METADATA_EXPORT) => *kind,
        [] | [_] => {
            return Err(PluginError::IncompatibleWorld(format!(
                "exports [{}]; a plugin must export {METADATA_EXPORT} and one of {}",
                exports.join(", "),
                PluginKind::ALL.map(PluginKind::export_name).join(", ")
            )));
        }
        _ => {
            return Err(PluginError::IncompatibleWorld(
                "exports more than one plugin world".into(),
            ));
        }
    };
    let forbidden: Vec<&str> = imports
        .iter()
        .map(String::as_str)
        .filter(|i| !ALLOWED_IMPORTS.iter().any(|a| i.starts_with(a)))
        .collect();
    if !forbidden.is_empty() {
        return Err(PluginError::ForbiddenImport(forbidden.join(", ")));
    }
    Ok(Inspection {
        kind,
        exports,
        imports,
    })
}

/// Compiles (through the cache), inspects, pre-instantiates and describes `wasm`.
pub async fn load(
    runtime: &Arc<Runtime>,
    wasm: Arc<[u8]>,
    sha256: String,
    source: Source,
) -> Result<LoadedPlugin, PluginError> {
    let size = wasm.len();
    let component = runtime.compile(wasm, sha256.clone()).await?;
    let inspection = inspect(runtime.engine(), &component)?;
    let pre = session::pre_instantiate(runtime, &component)?;
    let world = match inspection.kind {
        PluginKind::Strategy => World::Strategy(WarmPool::new(new_pre(
            bindings::strategy::StrategyPre::new(pre),
        )?)),
        PluginKind::Bot => World::Bot(WarmPool::new(new_pre(bindings::bot::BotPre::new(pre))?)),
        PluginKind::Provider => World::Provider(WarmPool::new(new_pre(
            bindings::provider::ProviderPre::new(pre),
        )?)),
    };
    let info = describe(runtime, &world).await?;
    check_info(&info, inspection.kind)?;
    let schema = ConfigSchema::compile(&info.config_schema)?;
    Ok(LoadedPlugin {
        info,
        sha256,
        size,
        source,
        exports: inspection.exports,
        imports: inspection.imports,
        schema,
        world,
        stats: CallStats::default(),
    })
}

fn new_pre<P>(pre: wasmtime::Result<P>) -> Result<P, PluginError> {
    pre.map_err(|e| PluginError::IncompatibleWorld(format!("{e:#}")))
}

async fn describe(runtime: &Runtime, world: &World) -> Result<PluginInfo, PluginError> {
    // Each world's bindings have their own `metadata` export type, hence a macro, not a generic.
    macro_rules! describe_in {
        ($pre:expr) => {{
            let _permit = runtime.permit().await?;
            let label = PluginLabel {
                name: "(installing)".into(),
                version: String::new(),
            };
            let env = CallEnv { now_ms: 0, seed: 0 };
            let mut session = Session::open(runtime, $pre, label, DESCRIBE_LIMITS, env).await?;
            session.arm(DESCRIBE_LIMITS, env);
            let Session {
                store, bindings, ..
            } = &mut session;
            let call = bindings
                .switchboard_types_metadata()
                .call_describe(&mut *store);
            let outcome = session::guarded(DESCRIBE_LIMITS, call).await;
            session::finish(store, DESCRIBE_LIMITS, outcome)?
        }};
    }
    let raw = match world {
        World::Strategy(pool) => describe_in!(pool.pre()),
        World::Bot(pool) => describe_in!(pool.pre()),
        World::Provider(pool) => describe_in!(pool.pre()),
    };
    Ok(PluginInfo {
        name: raw.name,
        version: raw.version,
        kind: raw.kind.into(),
        description: raw.description,
        config_schema: raw.config_schema,
    })
}

/// Checks what `describe()` said against what the component is.
fn check_info(info: &PluginInfo, exported: PluginKind) -> Result<(), PluginError> {
    let name_ok = (1..=64).contains(&info.name.len())
        && info
            .name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !info.name.starts_with('-');
    if !name_ok {
        return Err(PluginError::BadDescription(format!(
            "name {:?} must be 1-64 lowercase letters, digits or '-'",
            info.name
        )));
    }
    if !is_semver(&info.version) {
        return Err(PluginError::BadDescription(format!(
            "version {:?} is not MAJOR.MINOR.PATCH",
            info.version
        )));
    }
    if info.kind != exported {
        return Err(PluginError::BadDescription(format!(
            "describes itself as a {} but exports the {} world",
            info.kind.as_str(),
            exported.as_str()
        )));
    }
    Ok(())
}

/// `MAJOR.MINOR.PATCH` with an optional `-pre` or `+build` suffix of safe characters.
fn is_semver(version: &str) -> bool {
    if version.len() > 64 {
        return false;
    }
    let core = version.split(['-', '+']).next().unwrap_or("");
    let suffix_ok = version
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-+.".contains(&b));
    let parts: Vec<&str> = core.split('.').collect();
    suffix_ok
        && parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semver_versions_are_recognised() {
        for ok in ["1.0.0", "0.1.12", "2.0.0-beta.1", "1.2.3+build5"] {
            assert!(is_semver(ok), "{ok}");
        }
        for bad in ["1.0", "v1.0.0", "1.0.0/../x", "", "1..0", "a.b.c"] {
            assert!(!is_semver(bad), "{bad}");
        }
    }
}
