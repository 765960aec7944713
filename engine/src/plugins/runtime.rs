//! The one wasmtime `Engine` of the process, its epoch ticker, the linker every plugin is
//! instantiated against, and compilation through the artifact cache.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit};
use wasmtime::component::{Component, HasData, HasSelf, Linker, ResourceTable};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};
use wasmtime_wasi::WasiView;
use wasmtime_wasi::cli::WasiCliView;
use wasmtime_wasi::clocks::WasiClocksView;

use super::PluginError;
use super::artifact_cache::ArtifactCache;
use super::bindings;
use super::sandbox::HostState;

/// How often the epoch advances: the granularity of deadlines and of yields to tokio.
const EPOCH_TICK: Duration = Duration::from_millis(1);

/// Bytes of each pooled memory, table and stack kept resident between uses.
const KEEP_RESIDENT: usize = 128 << 10;

/// Settings of the plugin host.
#[derive(Debug, Clone)]
pub struct RuntimeConfig {
    /// Instances that may exist at once (pooling slots); calls beyond that wait.
    pub max_instances: u32,
    /// Largest linear memory any plugin may have, in bytes (the pool's slot size).
    pub max_memory: usize,
    /// Where compiled artifacts are cached; `None` compiles every time (tests of the cache).
    pub cache_dir: Option<PathBuf>,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        Self {
            max_instances: 128,
            max_memory: 64 << 20,
            cache_dir: None,
        }
    }
}

/// The plugin host's shared machinery. Cheap to share behind an `Arc`.
pub struct Runtime {
    engine: Engine,
    linker: Linker<HostState>,
    cache: ArtifactCache,
    permits: Semaphore,
    max_memory: usize,
    ticker_stop: Arc<AtomicBool>,
}

impl Runtime {
    /// Builds the engine, starts the epoch ticker and links the host interfaces.
    pub fn new(config: RuntimeConfig) -> Result<Self, PluginError> {
        let engine = Engine::new(&engine_config(&config)).map_err(host)?;
        let linker = linker(&engine)?;
        let ticker_stop = Arc::new(AtomicBool::new(false));
        spawn_epoch_ticker(engine.clone(), ticker_stop.clone());
        let cache = ArtifactCache::new(config.cache_dir.clone(), &engine);
        // Keep a few pooling slots spare for installs and describes while routing is busy.
        let permits = Semaphore::new(config.max_instances.saturating_sub(4).max(1) as usize);
        Ok(Self {
            engine,
            linker,
            cache,
            permits,
            max_memory: config.max_memory,
            ticker_stop,
        })
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn linker(&self) -> &Linker<HostState> {
        &self.linker
    }

    /// The memory cap every plugin store gets (the pool's slot size).
    pub fn max_memory(&self) -> usize {
        self.max_memory
    }

    /// Compiles `wasm` (or loads its cached artifact) off the async executor.
    pub async fn compile(
        self: &Arc<Self>,
        wasm: Arc<[u8]>,
        sha256: String,
    ) -> Result<Component, PluginError> {
        let runtime = self.clone();
        tokio::task::spawn_blocking(move || {
            runtime
                .cache
                .load_or_compile(&runtime.engine, &wasm, &sha256)
        })
        .await
        .map_err(|e| PluginError::Host(format!("compile task failed: {e}")))?
    }

    /// Waits for a free instance slot; held for the duration of one call.
    pub async fn permit(&self) -> Result<SemaphorePermit<'_>, PluginError> {
        self.permits.acquire().await.map_err(|_| PluginError::Busy)
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.ticker_stop.store(true, Ordering::Relaxed);
    }
}

fn engine_config(config: &RuntimeConfig) -> Config {
    let mut pool = PoolingAllocationConfig::new();
    pool.total_component_instances(config.max_instances)
        .total_core_instances(config.max_instances * 4)
        .total_memories(config.max_instances * 2)
        .total_tables(config.max_instances * 4)
        .total_stacks(config.max_instances)
        .max_memory_size(config.max_memory)
        // Reset the first pages of a reused slot with memset instead of madvise: a plugin's
        // first call then skips the page faults of a freshly zeroed mapping.
        .linear_memory_keep_resident(KEEP_RESIDENT)
        .table_keep_resident(KEEP_RESIDENT)
        .async_stack_keep_resident(KEEP_RESIDENT);
    let mut wasm = Config::new();
    wasm.wasm_component_model(true)
        .epoch_interruption(true)
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pool))
        // A guest recursing without end hits this, not the host's stack.
        .max_wasm_stack(1 << 20)
        .async_stack_size(2 << 20);
    wasm
}

/// The host side of every plugin world: our `log`, and the WASI interfaces a Rust guest's std
/// imports (cli, io, clocks, random). Filesystem and sockets are deliberately absent: a plugin
/// that imports them is refused at install.
fn linker(engine: &Engine) -> Result<Linker<HostState>, PluginError> {
    use wasmtime_wasi::p2::bindings::{cli, clocks, random};
    use wasmtime_wasi::{cli::WasiCli, clocks::WasiClocks, random::WasiRandom};

    let mut l = Linker::<HostState>::new(engine);
    let link = |r: wasmtime::Result<()>| r.map_err(host);
    link(bindings::log::add_to_linker::<HostState, HasSelf<HostState>>(&mut l, |s| s))?;
    {
        use wasmtime_wasi_io::bindings::wasi::io::{error, poll, streams};
        link(error::add_to_linker::<HostState, HasIo>(&mut l, |s| {
            WasiView::ctx(s).table
        }))?;
        link(poll::add_to_linker::<HostState, HasIo>(&mut l, |s| {
            WasiView::ctx(s).table
        }))?;
        link(streams::add_to_linker::<HostState, HasIo>(&mut l, |s| {
            WasiView::ctx(s).table
        }))?;
    }
    link(clocks::wall_clock::add_to_linker::<HostState, WasiClocks>(
        &mut l,
        WasiClocksView::clocks,
    ))?;
    link(clocks::monotonic_clock::add_to_linker::<
        HostState,
        WasiClocks,
    >(&mut l, WasiClocksView::clocks))?;
    link(random::random::add_to_linker::<HostState, WasiRandom>(
        &mut l,
        |s| WasiView::ctx(s).ctx.random(),
    ))?;
    link(random::insecure::add_to_linker::<HostState, WasiRandom>(
        &mut l,
        |s| WasiView::ctx(s).ctx.random(),
    ))?;
    link(
        random::insecure_seed::add_to_linker::<HostState, WasiRandom>(&mut l, |s| {
            WasiView::ctx(s).ctx.random()
        }),
    )?;
    link(cli::exit::add_to_linker::<HostState, WasiCli>(
        &mut l,
        WasiCliView::cli,
    ))?;
    link(cli::environment::add_to_linker::<HostState, WasiCli>(
        &mut l,
        WasiCliView::cli,
    ))?;
    link(cli::stdin::add_to_linker::<HostState, WasiCli>(
        &mut l,
        WasiCliView::cli,
    ))?;
    link(cli::stdout::add_to_linker::<HostState, WasiCli>(
        &mut l,
        WasiCliView::cli,
    ))?;
    link(cli::stderr::add_to_linker::<HostState, WasiCli>(
        &mut l,
        WasiCliView::cli,
    ))?;
    link(cli::terminal_input::add_to_linker::<HostState, WasiCli>(
        &mut l,
        WasiCliView::cli,
    ))?;
    link(cli::terminal_output::add_to_linker::<HostState, WasiCli>(
        &mut l,
        WasiCliView::cli,
    ))?;
    link(cli::terminal_stdin::add_to_linker::<HostState, WasiCli>(
        &mut l,
        WasiCliView::cli,
    ))?;
    link(cli::terminal_stdout::add_to_linker::<HostState, WasiCli>(
        &mut l,
        WasiCliView::cli,
    ))?;
    link(cli::terminal_stderr::add_to_linker::<HostState, WasiCli>(
        &mut l,
        WasiCliView::cli,
    ))?;
    Ok(l)
}

/// Gives the `wasi:io` bindings the store's resource table.
struct HasIo;

impl HasData for HasIo {
    type Data<'a> = &'a mut ResourceTable;
}

/// Advances the epoch every tick until the runtime is dropped.
fn spawn_epoch_ticker(engine: Engine, stop: Arc<AtomicBool>) {
    std::thread::Builder::new()
        .name("plugin-epoch".into())
        .spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(EPOCH_TICK);
                engine.increment_epoch();
            }
        })
        .map(drop)
        .unwrap_or_else(|e| tracing::error!(error = %e, "cannot start the plugin epoch ticker"));
}

fn host(error: wasmtime::Error) -> PluginError {
    PluginError::Host(format!("{error:#}"))
}
