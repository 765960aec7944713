//! Calling a provider plugin: one typed function per step of the provider contract, each on a
//! warm instance (webhook intake and the sender are hot paths).
//!
//! The outer `Result` is the host's view (trap, timeout, out of memory…: the plugin failed);
//! the inner one, where the contract has one, is the plugin's answer (a send error, a refused
//! webhook). The host does the HTTP itself; these only translate.

use std::time::Instant;

use super::PluginError;
use super::bindings::common::PluginError as ReturnedError;
use super::bindings::provider::ProviderPre;
use super::bindings::provider::exports::switchboard::provider::provider as wit;
use super::component::{LoadedPlugin, World};
use super::runtime::Runtime;
use super::sandbox::{CallEnv, CallLimits, HostState};
use super::session::{self, Session};
use super::warm::WarmPool;
use crate::clock;

pub use wit::{
    AuthToken, CapabilitySet, DeliveryState, Event, HttpRequest, HttpResponse, LimitKind,
    MediaStep, Outbound, PollBatch, Receipt, SendError, TemplateRule, WebhookError, WebhookRequest,
    WebhookResult,
};

/// Generates one typed step: warm instance, call under limits, count, return the instance.
macro_rules! provider_step {
    ($(#[$doc:meta])* $name:ident => $call:ident($($arg:ident: $ty:ty),*) -> $out:ty) => {
        $(#[$doc])*
        #[allow(clippy::too_many_arguments)]
        pub async fn $name(
            runtime: &Runtime,
            plugin: &LoadedPlugin,
            limits: CallLimits,
            $($arg: $ty),*
        ) -> Result<$out, PluginError> {
            let pool = pool_of(plugin)?;
            let started = Instant::now();
            let _permit = runtime.permit().await?;
            // Providers get the host's current time: a call is replayable given it.
            let env = CallEnv { now_ms: u64::try_from(clock::now_ms()).unwrap_or(0), seed: 0 };
            let result = async {
                let mut session = pool.session(runtime, || plugin.label(), limits, env).await?;
                let Session { store, bindings, .. } = &mut session;
                let call = bindings.switchboard_provider_provider().$call(&mut *store, $($arg),*);
                let outcome = session::guarded(limits, call).await;
                // On any error the session is dropped here, never returned to the pool.
                let answer = session::finish(store, limits, outcome)?;
                pool.put_back(session);
                Ok(answer)
            }
            .await;
            plugin.stats.record(result.is_ok(), started.elapsed());
            result
        }
    };
}

provider_step!(
    /// What the provider can do with this connector's config.
    capabilities => call_capabilities(config: &str) -> Result<CapabilitySet, ReturnedError>
);
provider_step!(
    /// Builds the token request.
    prepare_auth => call_prepare_auth(config: &str) -> Result<HttpRequest, ReturnedError>
);
provider_step!(
    /// Reads the token response.
    read_auth => call_read_auth(config: &str, response: &HttpResponse) -> Result<AuthToken, ReturnedError>
);
provider_step!(
    /// Builds the send request.
    prepare_send => call_prepare_send(config: &str, auth: Option<&str>, message: &Outbound)
        -> Result<HttpRequest, SendError>
);
provider_step!(
    /// Reads the send response.
    read_send_response => call_read_send_response(config: &str, message: &Outbound, response: &HttpResponse)
        -> Result<Receipt, SendError>
);
provider_step!(
    /// Verifies and translates a webhook call.
    handle_webhook => call_handle_webhook(config: &str, request: &WebhookRequest)
        -> Result<WebhookResult, WebhookError>
);
provider_step!(
    /// Builds the first request of a media download.
    prepare_media_fetch => call_prepare_media_fetch(config: &str, auth: Option<&str>, media: &str)
        -> Result<HttpRequest, ReturnedError>
);
provider_step!(
    /// Reads a media response: another request, or done.
    read_media_fetch => call_read_media_fetch(config: &str, auth: Option<&str>, step: u8, request: &HttpRequest, response: &HttpResponse)
        -> Result<MediaStep, ReturnedError>
);
provider_step!(
    /// Builds a poll request.
    prepare_poll => call_prepare_poll(config: &str, auth: Option<&str>, cursor: Option<&str>)
        -> Result<HttpRequest, ReturnedError>
);
provider_step!(
    /// Reads a poll response.
    read_poll => call_read_poll(config: &str, cursor: Option<&str>, response: &HttpResponse) -> Result<PollBatch, ReturnedError>
);

/// The warm pool of a provider plugin; any other kind is the caller's mistake.
fn pool_of(plugin: &LoadedPlugin) -> Result<&WarmPool<ProviderPre<HostState>>, PluginError> {
    match &plugin.world {
        World::Provider(pool) => Ok(pool),
        _ => Err(PluginError::WrongKind {
            name: plugin.info.name.clone(),
            expected: "provider",
            actual: plugin.info.kind.as_str(),
        }),
    }
}
