//! What a plugin call may use: a deadline, a memory cap, a clock frozen at the call's time,
//! randomness seeded from the call's seed, a bounded log, and nothing else.

use std::time::Duration;

use rand::SeedableRng;
use rand::rngs::StdRng;
use wasmtime::component::ResourceTable;
use wasmtime::{ResourceLimiter, Store, UpdateDeadline};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{
    HostMonotonicClock, HostWallClock, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView,
};

use super::PluginError;
use super::bindings::log;

/// Lines a plugin may log in one call, and bytes per line; past that lines are dropped, so a
/// chatty plugin cannot flood the engine's log.
const MAX_LOG_LINES: u32 = 64;
const MAX_LOG_LINE: usize = 1024;
/// Bytes of stdout/stderr kept per call (a panic message lands there).
const STDIO_CAPTURE: usize = 4096;

/// Limits of one call.
#[derive(Debug, Clone, Copy)]
pub struct CallLimits {
    /// Wall time the guest may run before it is interrupted.
    pub deadline: Duration,
    /// Largest linear memory the guest may grow to, in bytes.
    pub memory_cap: usize,
}

/// The inputs that make a call reproducible: the time it runs "at" and its random seed.
#[derive(Debug, Clone, Copy)]
pub struct CallEnv {
    pub now_ms: u64,
    pub seed: u64,
}

/// Names a plugin version in logs.
#[derive(Debug, Clone)]
pub struct PluginLabel {
    pub name: String,
    pub version: String,
}

/// The store data of every plugin instance.
pub struct HostState {
    wasi: WasiCtx,
    table: ResourceTable,
    memory: MemoryCap,
    label: PluginLabel,
    stderr: MemoryOutputPipe,
    log_lines: u32,
    timed_out: bool,
}

impl HostState {
    pub fn new(label: PluginLabel, limits: CallLimits, env: CallEnv) -> Self {
        let stderr = MemoryOutputPipe::new(STDIO_CAPTURE);
        Self {
            wasi: deterministic_wasi(env, &stderr),
            table: ResourceTable::new(),
            memory: MemoryCap {
                cap: limits.memory_cap,
                exceeded: false,
            },
            label,
            stderr,
            log_lines: 0,
            timed_out: false,
        }
    }

    /// Makes a reused (warm) store ready for a new call: fresh clock, seed, output and flags.
    fn reset(&mut self, limits: CallLimits, env: CallEnv) {
        self.stderr = MemoryOutputPipe::new(STDIO_CAPTURE);
        self.wasi = deterministic_wasi(env, &self.stderr);
        self.memory = MemoryCap {
            cap: limits.memory_cap,
            exceeded: false,
        };
        self.log_lines = 0;
        self.timed_out = false;
    }

    /// What the guest wrote to stdout/stderr during the call (a panic message, typically).
    pub fn captured_output(&self) -> String {
        String::from_utf8_lossy(&self.stderr.contents())
            .trim()
            .to_string()
    }
}

/// A WASI context with nothing in it: no files, sockets, environment or arguments. Clocks
/// read the call's time and randomness comes from its seed, so a call can be replayed exactly.
fn deterministic_wasi(env: CallEnv, output: &MemoryOutputPipe) -> WasiCtx {
    WasiCtxBuilder::new()
        .stdout(output.clone())
        .stderr(output.clone())
        .wall_clock(FrozenWallClock(Duration::from_millis(env.now_ms)))
        .monotonic_clock(FrozenMonotonicClock)
        .secure_random(StdRng::seed_from_u64(env.seed))
        .insecure_random(StdRng::seed_from_u64(env.seed.rotate_left(32)))
        .insecure_random_seed(u128::from(env.seed))
        .build()
}

/// Prepares `store` for one call with `limits`. A store that already served a call (warm)
/// gets a fresh clock, seed, output and flags; a new store has them from `HostState::new`.
pub fn arm(store: &mut Store<HostState>, limits: CallLimits, env: CallEnv, reused: bool) {
    if reused {
        store.data_mut().reset(limits, env);
    }
    store.limiter(|state| &mut state.memory);
    // The epoch ticks every millisecond, and the callback runs only when a tick passes while
    // the guest is executing: counting callbacks measures the guest's own running time, so a
    // busy machine that delays the call (the guest yields to tokio at every tick) never makes
    // a healthy plugin time out, while a runaway one is stopped after its budget of ticks.
    let mut ticks_left = limits.deadline.as_millis().max(1) as u64;
    store.epoch_deadline_callback(move |mut ctx| {
        if ticks_left == 0 {
            ctx.data_mut().timed_out = true;
            return Ok(UpdateDeadline::Interrupt);
        }
        ticks_left -= 1;
        Ok(UpdateDeadline::Yield(1))
    });
    store.set_epoch_deadline(1);
}

/// Turns a wasmtime error from a call into a typed plugin error, using what the store saw.
pub fn classify(
    store: &Store<HostState>,
    limits: CallLimits,
    error: wasmtime::Error,
) -> PluginError {
    let state = store.data();
    if state.timed_out {
        return timeout(limits);
    }
    if state.memory.exceeded || error.is::<MemoryCapExceeded>() {
        return PluginError::OutOfMemory {
            cap_bytes: limits.memory_cap,
        };
    }
    let output = state.captured_output();
    if output.is_empty() {
        PluginError::Trap(format!("{error:#}"))
    } else {
        PluginError::Trap(format!("{error:#}; output: {output}"))
    }
}

/// The typed timeout for `limits`.
pub fn timeout(limits: CallLimits) -> PluginError {
    PluginError::Timeout {
        deadline_ms: limits.deadline.as_millis() as u64,
    }
}

/// Caps linear memory growth and remembers that the cap was hit, so running out of memory is
/// reported as such rather than as whatever trap the guest's allocator turns it into.
struct MemoryCap {
    cap: usize,
    exceeded: bool,
}

#[derive(Debug, thiserror::Error)]
#[error("memory cap exceeded")]
struct MemoryCapExceeded;

impl ResourceLimiter for MemoryCap {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.cap {
            self.exceeded = true;
            return Err(wasmtime::Error::new(MemoryCapExceeded));
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        // Tables hold function references; a plugin that needs more than this is broken.
        Ok(desired <= 100_000)
    }
}

struct FrozenWallClock(Duration);

impl HostWallClock for FrozenWallClock {
    fn resolution(&self) -> Duration {
        Duration::from_millis(1)
    }
    fn now(&self) -> Duration {
        self.0
    }
}

struct FrozenMonotonicClock;

impl HostMonotonicClock for FrozenMonotonicClock {
    fn resolution(&self) -> u64 {
        1_000_000
    }
    fn now(&self) -> u64 {
        0
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl log::Host for HostState {
    fn write(&mut self, level: log::Level, message: String) {
        self.log_lines += 1;
        if self.log_lines > MAX_LOG_LINES {
            return;
        }
        let message = truncate(&message, MAX_LOG_LINE);
        let (plugin, version) = (&self.label.name, &self.label.version);
        match level {
            log::Level::Trace => tracing::trace!(plugin, version, "{message}"),
            log::Level::Debug => tracing::debug!(plugin, version, "{message}"),
            log::Level::Info => tracing::info!(plugin, version, "{message}"),
            log::Level::Warn => tracing::warn!(plugin, version, "{message}"),
            log::Level::Error => tracing::error!(plugin, version, "{message}"),
        }
    }
}

fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}
