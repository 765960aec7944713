//! Warm instances of one plugin version.
//!
//! Plugins are pure, so an instance may serve many calls: a small pool of warm instances per
//! version skips instantiation on hot paths (routing passes, webhook intake). Any failure drops
//! the instance (a trap poisons it), and an instance is recycled after `MAX_USES` calls so
//! guest heap growth cannot accumulate.

use std::sync::{Mutex, PoisonError};

use super::PluginError;
use super::runtime::Runtime;
use super::sandbox::{CallEnv, CallLimits, PluginLabel};
use super::session::{Instantiate, Session};

/// Warm instances kept per version; more concurrent calls instantiate fresh ones.
const MAX_IDLE: usize = 2;
/// Calls one warm instance serves before it is replaced.
const MAX_USES: u32 = 10_000;

/// A world's pre-instantiated component and its warm instances.
pub struct WarmPool<P: Instantiate> {
    pre: P,
    idle: Mutex<Vec<Session<P::Bindings>>>,
}

impl<P: Instantiate> WarmPool<P> {
    pub fn new(pre: P) -> Self {
        Self {
            pre,
            idle: Mutex::new(Vec::new()),
        }
    }

    pub fn pre(&self) -> &P {
        &self.pre
    }

    /// A warm instance if one is idle, else a fresh one; armed for one call.
    pub async fn session(
        &self,
        runtime: &Runtime,
        label: impl FnOnce() -> PluginLabel,
        limits: CallLimits,
        env: CallEnv,
    ) -> Result<Session<P::Bindings>, PluginError> {
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let mut session = match idle {
            Some(session) => session,
            None => Session::open(runtime, &self.pre, label(), limits, env).await?,
        };
        session.arm(limits, env);
        Ok(session)
    }

    /// Returns an instance after a successful call. Never call it after a failed one.
    pub fn put_back(&self, session: Session<P::Bindings>) {
        if session.uses >= MAX_USES {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < MAX_IDLE {
            idle.push(session);
        }
    }

    /// Drops every warm instance (the version was swapped out), freeing their pool slots.
    pub fn clear(&self) {
        self.idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}
