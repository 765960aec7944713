//! One instance of a plugin in its own store, armed with limits before every call.

use std::time::Duration;

use tokio::time::error::Elapsed;
use wasmtime::component::InstancePre;
use wasmtime::{PoolConcurrencyLimitError, Store};

use super::PluginError;
use super::bindings;
use super::runtime::Runtime;
use super::sandbox::{self, CallEnv, CallLimits, HostState, PluginLabel};

/// The outer wall-clock timeout is this many times the deadline, plus `OUTER_GRACE`: the epoch
/// interrupt (guest running time) is the normal stop; the outer timeout only guards against a
/// host bug, so it is generous enough never to fire on a merely busy machine.
const OUTER_FACTOR: u32 = 4;
const OUTER_GRACE: Duration = Duration::from_secs(1);

/// A world's pre-instantiated component that can make fresh instances.
pub trait Instantiate: Send + Sync {
    type Bindings: Send;
    fn instantiate(
        &self,
        store: &mut Store<HostState>,
    ) -> impl Future<Output = wasmtime::Result<Self::Bindings>> + Send;
}

macro_rules! instantiate_world {
    ($pre:ty, $bindings:ty) => {
        impl Instantiate for $pre {
            type Bindings = $bindings;
            async fn instantiate(
                &self,
                store: &mut Store<HostState>,
            ) -> wasmtime::Result<$bindings> {
                self.instantiate_async(store).await
            }
        }
    };
}

instantiate_world!(
    bindings::strategy::StrategyPre<HostState>,
    bindings::strategy::Strategy
);
instantiate_world!(bindings::bot::BotPre<HostState>, bindings::bot::Bot);
instantiate_world!(
    bindings::provider::ProviderPre<HostState>,
    bindings::provider::Provider
);

/// A live instance and its store.
pub struct Session<B> {
    pub store: Store<HostState>,
    pub bindings: B,
    /// Calls made on this instance, to recycle warm instances now and then.
    pub uses: u32,
}

impl<B: Send> Session<B> {
    /// Instantiates `pre` in a fresh store under `limits`.
    pub async fn open<P>(
        runtime: &Runtime,
        pre: &P,
        label: PluginLabel,
        limits: CallLimits,
        env: CallEnv,
    ) -> Result<Self, PluginError>
    where
        P: Instantiate<Bindings = B>,
    {
        let mut store = Store::new(runtime.engine(), HostState::new(label, limits, env));
        sandbox::arm(&mut store, limits, env, false);
        let outcome = tokio::time::timeout(outer(limits), pre.instantiate(&mut store)).await;
        let bindings = match outcome {
            Ok(Err(error)) if error.is::<PoolConcurrencyLimitError>() => {
                return Err(PluginError::Busy);
            }
            other => finish(&store, limits, other)?,
        };
        Ok(Self {
            store,
            bindings,
            uses: 0,
        })
    }

    /// Arms the store for the next call. The first call runs on the state instantiation
    /// was armed with (same limits and env, nothing consumed), so only later calls reset it.
    pub fn arm(&mut self, limits: CallLimits, env: CallEnv) {
        let reused = self.uses > 0;
        self.uses += 1;
        sandbox::arm(&mut self.store, limits, env, reused);
    }
}

/// Runs `call` (which borrows the session) under the outer timeout.
pub async fn guarded<T>(
    limits: CallLimits,
    call: impl Future<Output = wasmtime::Result<T>>,
) -> Result<wasmtime::Result<T>, Elapsed> {
    tokio::time::timeout(outer(limits), call).await
}

fn outer(limits: CallLimits) -> Duration {
    limits.deadline * OUTER_FACTOR + OUTER_GRACE
}

/// Turns the outcome of a guarded call into a typed result.
pub fn finish<T>(
    store: &Store<HostState>,
    limits: CallLimits,
    outcome: Result<wasmtime::Result<T>, Elapsed>,
) -> Result<T, PluginError> {
    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(sandbox::classify(store, limits, error)),
        Err(_) => Err(sandbox::timeout(limits)),
    }
}

/// Checks a component's imports against the linker before anything runs.
pub fn pre_instantiate(
    runtime: &Runtime,
    component: &wasmtime::component::Component,
) -> Result<InstancePre<HostState>, PluginError> {
    runtime
        .linker()
        .instantiate_pre(component)
        .map_err(|e| PluginError::ForbiddenImport(format!("{e:#}")))
}
