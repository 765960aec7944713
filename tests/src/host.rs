//! The plugin test harness: a real engine host (runtime, store, registry) on a temp data dir,
//! the guest components built by the engine's build, and random routing inputs.

use std::path::PathBuf;
use std::sync::Arc;

use switchboard::plugins::bundled::{BUNDLED, guest_wasm_path};
use switchboard::plugins::component::{self, Source};
use switchboard::plugins::registry::sha256_hex;
use switchboard::plugins::{
    LoadedPlugin, PluginError, Registry, RegistryLimits, Runtime, RuntimeConfig,
};
use switchboard::store::{self, Store};
use switchboard_strategies::{Agent, PreviousAgent, RouteInput, Waiting};
use tempfile::TempDir;

/// A running plugin host on its own data dir.
pub struct TestHost {
    pub runtime: Arc<Runtime>,
    pub store: Arc<dyn Store>,
    pub registry: Arc<Registry>,
    pub dir: TempDir,
}

impl TestHost {
    /// A host with the bundled plugins and default limits.
    pub async fn start() -> Self {
        Self::start_in(
            tempfile::tempdir().expect("temp dir"),
            RegistryLimits::default(),
        )
        .await
    }

    /// A host with the given limits.
    pub async fn with_limits(limits: RegistryLimits) -> Self {
        Self::start_in(tempfile::tempdir().expect("temp dir"), limits).await
    }

    /// A host whose runtime has `max_instances` pooling slots: a small pool reserves little
    /// address space, which tools like valgrind need.
    pub async fn with_instances(max_instances: u32) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = RuntimeConfig {
            max_instances,
            cache_dir: Some(shared_cache_dir()),
            ..RuntimeConfig::default()
        };
        Self::start_with_runtime(
            dir,
            RegistryLimits::default(),
            Runtime::new(config).expect("runtime starts"),
        )
        .await
    }

    async fn start_in(dir: TempDir, limits: RegistryLimits) -> Self {
        Self::start_with_runtime(dir, limits, runtime()).await
    }

    async fn start_with_runtime(dir: TempDir, limits: RegistryLimits, runtime: Runtime) -> Self {
        let runtime = Arc::new(runtime);
        let store = store::open(dir.path()).await.expect("store opens");
        let registry = Registry::open(runtime.clone(), store.clone(), BUNDLED, limits)
            .await
            .expect("registry opens");
        Self {
            runtime,
            store,
            registry,
            dir,
        }
    }

    /// Stops and starts again on the same data dir, as after a restart of the engine.
    pub async fn restart(self) -> Self {
        let limits = self.registry.limits().clone();
        self.store.close().await;
        drop(self.registry);
        Self::start_in(self.dir, limits).await
    }

    /// Loads a guest component directly, without the registry's install checks.
    pub async fn load(&self, crate_name: &str) -> Result<LoadedPlugin, PluginError> {
        let wasm = guest_wasm(crate_name);
        let sha = sha256_hex(&wasm);
        component::load(&self.runtime, Arc::from(wasm), sha, Source::Installed).await
    }
}

/// A runtime sharing one artifact cache across every test of the run: compiling each plugin
/// once per run instead of once per test.
pub fn runtime() -> Runtime {
    Runtime::new(RuntimeConfig {
        cache_dir: Some(shared_cache_dir()),
        ..RuntimeConfig::default()
    })
    .expect("runtime starts")
}

fn shared_cache_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/test-plugin-artifacts")
}

/// The bytes of a guest component built from `plugins/` (e.g. `"probe-v1"`, `"loop-forever"`).
pub fn guest_wasm(crate_name: &str) -> Vec<u8> {
    let path = guest_wasm_path(crate_name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{} is not built: {e}", path.display()))
}

/// A deterministic random queue: `waiting` conversations, `agents` agents with random loads,
/// capacities, idle times, penalties and skills over 8 skills, some previous agents.
pub fn random_input(seed: u64, waiting: usize, agents: usize) -> RouteInput {
    let mut rng = SplitMix(seed);
    let now_ms = 1_800_000_000_000;
    let agents: Vec<Agent> = (0..agents as u64)
        .map(|i| {
            let capacity = 1 + rng.below(5) as u32;
            Agent {
                id: 1000 + i,
                load: rng.below(u64::from(capacity)) as u32,
                capacity,
                idle_ms: rng.below(600_000),
                last_assigned_at_ms: (rng.below(4) != 0).then(|| now_ms - rng.below(3_600_000)),
                penalty: rng.below(101) as u8,
                skills: rng.below(256),
            }
        })
        .collect();
    let waiting = (0..waiting as u64)
        .map(|i| Waiting {
            id: 1 + i,
            waited_ms: rng.below(300_000),
            priority: (rng.below(10) == 0) as i32,
            required_skills: 1 << rng.below(8)
                | if rng.below(3) == 0 {
                    1 << rng.below(8)
                } else {
                    0
                },
            previous: (rng.below(5) == 0 && !agents.is_empty()).then(|| PreviousAgent {
                agent: agents[rng.below(agents.len() as u64) as usize].id,
                at_ms: now_ms - rng.below(172_800_000),
            }),
        })
        .collect();
    RouteInput {
        now_ms,
        seed,
        campaign: 1,
        waiting,
        agents,
        exclusions: Vec::new(),
        attributes: Vec::new(),
    }
}

/// splitmix64: enough randomness for test inputs, identical everywhere.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
}
