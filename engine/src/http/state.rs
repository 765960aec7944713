//! What the handlers share: the plugin registry, authentication (the store, passwords,
//! sessions) and messaging, filled in once start-up has opened them.
//!
//! The server answers `/healthz` from its first instant, while the store and the plugins are
//! still loading (compiling the bundled plugins takes a moment on a first start); until then
//! `/readyz` and the API answer `503 not_ready`.

use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

use super::auth::Auth;
use super::error::ApiError;
use crate::dialer::Dialers;
use crate::plugins::Registry;
use crate::providers::Messaging;
use crate::routing::task::Router;

/// The state every handler gets. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    registry: OnceLock<Arc<Registry>>,
    auth: OnceLock<Arc<Auth>>,
    messaging: OnceLock<Arc<Messaging>>,
    router: OnceLock<Router>,
    dialers: OnceLock<Arc<Dialers>>,
    max_upload_bytes: usize,
    limits: BodyLimits,
    started_at: SystemTime,
}

/// Body size limits of the routes that take more than small JSON.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimits {
    /// Webhook bodies.
    pub webhook: usize,
    /// Media uploads.
    pub media: usize,
    /// Dialer list uploads.
    pub list: usize,
}

impl Default for BodyLimits {
    fn default() -> Self {
        let settings = crate::config::MessagingSettings::default();
        Self {
            webhook: settings.webhook_body_limit,
            media: settings.media_max_bytes,
            list: crate::config::DialerConfig::default().max_list_bytes,
        }
    }
}

impl AppState {
    /// A state that is not ready yet; uploads are capped at `max_upload_bytes`.
    pub fn new(max_upload_bytes: usize) -> Self {
        Self {
            inner: Arc::new(Inner {
                registry: OnceLock::new(),
                auth: OnceLock::new(),
                messaging: OnceLock::new(),
                dialers: OnceLock::new(),
                router: OnceLock::new(),
                max_upload_bytes,
                limits: BodyLimits::default(),
                started_at: SystemTime::now(),
            }),
        }
    }

    /// A state that is ready at once: for tests and tools that build everything first.
    pub fn ready(max_upload_bytes: usize, registry: Arc<Registry>, auth: Arc<Auth>) -> Self {
        let state = Self::new(max_upload_bytes);
        state.set_auth(auth);
        state.set_registry(registry);
        state
    }

    /// This state with other body limits (from the config).
    pub fn with_limits(max_upload_bytes: usize, limits: BodyLimits) -> Self {
        let mut state = Self::new(max_upload_bytes);
        if let Some(inner) = Arc::get_mut(&mut state.inner) {
            inner.limits = limits;
        }
        state
    }

    /// The largest webhook body.
    pub fn max_webhook_bytes(&self) -> usize {
        self.inner.limits.webhook
    }

    /// The largest media upload.
    pub fn max_media_bytes(&self) -> usize {
        self.inner.limits.media
    }

    /// Largest dialer list upload.
    pub fn max_list_bytes(&self) -> usize {
        self.inner.limits.list
    }

    /// Records authentication. Only the first call counts.
    pub fn set_auth(&self, auth: Arc<Auth>) {
        let _ = self.inner.auth.set(auth);
    }

    /// Records the registry. Only the first call counts.
    pub fn set_registry(&self, registry: Arc<Registry>) {
        let _ = self.inner.registry.set(registry);
    }

    /// Records the messaging service. Only the first call counts.
    pub fn set_messaging(&self, messaging: Arc<Messaging>) {
        let _ = self.inner.messaging.set(messaging);
    }

    /// Records the router. Only the first call counts.
    pub fn set_router(&self, router: Router) {
        let _ = self.inner.router.set(router);
    }

    /// The router, or `503 not_ready` while it loads.
    pub fn router(&self) -> Result<&Router, ApiError> {
        self.inner.router.get().ok_or_else(ApiError::not_ready)
    }

    /// Records the dialers. Only the first call counts.
    pub fn set_dialers(&self, dialers: Arc<Dialers>) {
        let _ = self.inner.dialers.set(dialers);
    }

    /// The dialers, or `503 not_ready` while they load.
    pub fn dialers(&self) -> Result<&Arc<Dialers>, ApiError> {
        self.inner.dialers.get().ok_or_else(ApiError::not_ready)
    }

    /// The messaging service, or `503 not_ready` while it loads.
    pub fn messaging(&self) -> Result<&Arc<Messaging>, ApiError> {
        self.inner.messaging.get().ok_or_else(ApiError::not_ready)
    }

    /// Whether everything the API needs is loaded.
    pub fn is_ready(&self) -> bool {
        self.inner.registry.get().is_some() && self.inner.auth.get().is_some()
    }

    /// The registry, or `503 not_ready` while it loads.
    pub fn registry(&self) -> Result<&Arc<Registry>, ApiError> {
        self.inner.registry.get().ok_or_else(ApiError::not_ready)
    }

    /// The registry if it is loaded (metrics show what they can while starting).
    pub fn registry_if_ready(&self) -> Option<&Arc<Registry>> {
        self.inner.registry.get()
    }

    /// Authentication, or `503 not_ready` while the store opens.
    pub fn auth(&self) -> Result<&Arc<Auth>, ApiError> {
        self.inner.auth.get().ok_or_else(ApiError::not_ready)
    }

    /// The largest plugin upload accepted, in bytes.
    pub fn max_upload_bytes(&self) -> usize {
        self.inner.max_upload_bytes
    }

    /// When this server started.
    pub fn started_at(&self) -> SystemTime {
        self.inner.started_at
    }
}
