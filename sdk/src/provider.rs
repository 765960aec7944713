//! Provider adapters: pure translation between a messaging provider's HTTP protocol and the
//! engine's messages. The host performs every request; each network step is a pair
//! `prepare_x` → [`HttpRequest`], then `read_x(response)`. Implement [`Provider`] (the optional
//! steps default to an `unsupported` error) and export it with
//! [`export_provider!`](crate::export_provider).

use std::marker::PhantomData;

use crate::bindings::meta::exports::switchboard::types::metadata;
use crate::bindings::provider::exports::switchboard::provider::provider as wit;
use crate::{PluginError, PluginInfo};

pub use crate::types::*;
pub use wit::{
    AuthToken, CapabilitySet, DeliveryState, DeliveryStatus, Event, Failure, HttpRequest,
    HttpResponse, InboundMessage, Limit, LimitKind, MediaInfo, MediaStep, Outbound, PollBatch,
    Receipt, Retryable, SendError, TemplateRule, TemplateStatus, WebhookError, WebhookRequest,
    WebhookResult,
};

/// The well-known names of [`InboundMessage::attributes`] (see the WIT's `inbound-message`).
pub mod attribute {
    /// `true` when the customer forwarded the message.
    pub const FORWARDED: &str = "forwarded";
    /// `true` when the message was forwarded many times.
    pub const FREQUENTLY_FORWARDED: &str = "frequently-forwarded";
    /// Click-to-WhatsApp ad click id.
    pub const REFERRAL_CTWA_CLID: &str = "referral.ctwa-clid";
    /// The ad or post the customer came from.
    pub const REFERRAL_SOURCE_ID: &str = "referral.source-id";
    /// `ad` or `post`.
    pub const REFERRAL_SOURCE_TYPE: &str = "referral.source-type";
    /// The URL of the ad or post.
    pub const REFERRAL_SOURCE_URL: &str = "referral.source-url";
    /// The ad's headline.
    pub const REFERRAL_HEADLINE: &str = "referral.headline";
    /// The ad's body text.
    pub const REFERRAL_BODY: &str = "referral.body";
    /// The parent of the sender's business-scoped user id; not an address.
    pub const PARENT_USER_ID: &str = "parent-user-id";
}

/// A connector config the adapter cannot use, as a send error: `misconfigured`, so the host
/// pauses the connector and alerts instead of failing every queued message.
pub fn misconfigured(error: PluginError) -> SendError {
    SendError::Misconfigured(Failure {
        code: error.code,
        message: format!("connector config: {}", error.message),
    })
}

/// A connector config the adapter cannot use, as a webhook error: `unavailable` (503), so the
/// provider retries once the config is fixed instead of dropping the call.
pub fn unavailable(error: PluginError) -> WebhookError {
    WebhookError::Unavailable(format!("connector config: {}", error.message))
}

/// A provider adapter. `config` is the connector's config as JSON text; `auth` is the token
/// from [`Provider::read_auth`], cached by the host, when the provider needs one.
pub trait Provider {
    /// Name, version, description and config schema, with kind [`PluginKind::Provider`].
    ///
    /// [`PluginKind::Provider`]: crate::PluginKind::Provider
    fn describe() -> PluginInfo;

    /// What the provider can do with this connector's config; read per connector and again
    /// when the config changes. A config the adapter cannot use is an error (`bad-config`).
    fn capabilities(config: &str) -> Result<CapabilitySet, PluginError>;

    /// Builds the token request (when `capabilities.needs_auth`).
    fn prepare_auth(config: &str) -> Result<HttpRequest, PluginError> {
        let _ = config;
        Err(PluginError::unsupported("prepare-auth"))
    }

    /// Reads the token response.
    fn read_auth(config: &str, response: HttpResponse) -> Result<AuthToken, PluginError> {
        let _ = (config, response);
        Err(PluginError::unsupported("read-auth"))
    }

    /// Builds the send request.
    fn prepare_send(
        config: &str,
        auth: Option<&str>,
        message: Outbound,
    ) -> Result<HttpRequest, SendError>;

    /// Reads the send response.
    fn read_send_response(
        config: &str,
        message: Outbound,
        response: HttpResponse,
    ) -> Result<Receipt, SendError>;

    /// Verifies and translates a webhook call (including GET verification challenges).
    fn handle_webhook(config: &str, request: WebhookRequest)
    -> Result<WebhookResult, WebhookError>;

    /// Builds the first request of an inbound media download (when `capabilities.media_fetch`).
    fn prepare_media_fetch(
        config: &str,
        auth: Option<&str>,
        media: &str,
    ) -> Result<HttpRequest, PluginError> {
        let _ = (config, auth, media);
        Err(PluginError::unsupported("prepare-media-fetch"))
    }

    /// Reads a media response: another request to make, or done. `step` is 0 for the answer
    /// to [`Provider::prepare_media_fetch`]'s request, 1 for the next, …; `request` is the
    /// request that produced `response`, as the adapter built it.
    fn read_media_fetch(
        config: &str,
        auth: Option<&str>,
        step: u8,
        request: HttpRequest,
        response: HttpResponse,
    ) -> Result<MediaStep, PluginError> {
        let _ = (config, auth, step, request, response);
        Err(PluginError::unsupported("read-media-fetch"))
    }

    /// Builds a poll request from the last cursor (when `capabilities.poll_interval_ms` is set).
    fn prepare_poll(
        config: &str,
        auth: Option<&str>,
        cursor: Option<&str>,
    ) -> Result<HttpRequest, PluginError> {
        let _ = (config, auth, cursor);
        Err(PluginError::unsupported("prepare-poll"))
    }

    /// Reads a poll response; `cursor` is the one the request was built from.
    fn read_poll(
        config: &str,
        cursor: Option<&str>,
        response: HttpResponse,
    ) -> Result<PollBatch, PluginError> {
        let _ = (config, cursor, response);
        Err(PluginError::unsupported("read-poll"))
    }
}

/// Exports a [`Provider`] as the plugin's implementation of `switchboard:plugins/provider`.
/// Use once per crate, with `crate-type = ["cdylib", "rlib"]`; in a native build it exports
/// nothing.
#[macro_export]
macro_rules! export_provider {
    ($plugin:ty) => {
        const _: fn() = || {
            fn implements<T: $crate::provider::Provider>() {}
            implements::<$plugin>();
        };
        #[cfg(target_arch = "wasm32")]
        #[allow(unsafe_code)]
        const _: () = {
            type SwitchboardExport = $crate::provider::Export<$plugin>;
            $crate::__private::meta::__export_meta_world!(
                SwitchboardExport with_types_in $crate::__private::meta
            );
            $crate::__private::provider::__export_provider_world!(
                SwitchboardExport with_types_in $crate::__private::provider
            );
        };
    };
}

/// The adapter [`export_provider!`](crate::export_provider) exports.
#[doc(hidden)]
pub struct Export<T>(PhantomData<T>);

impl<T: Provider> metadata::Guest for Export<T> {
    fn describe() -> PluginInfo {
        T::describe()
    }
}

impl<T: Provider> wit::Guest for Export<T> {
    fn capabilities(config: String) -> Result<CapabilitySet, PluginError> {
        T::capabilities(&config)
    }

    fn prepare_auth(config: String) -> Result<HttpRequest, PluginError> {
        T::prepare_auth(&config)
    }

    fn read_auth(config: String, response: HttpResponse) -> Result<AuthToken, PluginError> {
        T::read_auth(&config, response)
    }

    fn prepare_send(
        config: String,
        auth: Option<String>,
        message: Outbound,
    ) -> Result<HttpRequest, SendError> {
        T::prepare_send(&config, auth.as_deref(), message)
    }

    fn read_send_response(
        config: String,
        message: Outbound,
        response: HttpResponse,
    ) -> Result<Receipt, SendError> {
        T::read_send_response(&config, message, response)
    }

    fn handle_webhook(
        config: String,
        request: WebhookRequest,
    ) -> Result<WebhookResult, WebhookError> {
        T::handle_webhook(&config, request)
    }

    fn prepare_media_fetch(
        config: String,
        auth: Option<String>,
        media: String,
    ) -> Result<HttpRequest, PluginError> {
        T::prepare_media_fetch(&config, auth.as_deref(), &media)
    }

    fn read_media_fetch(
        config: String,
        auth: Option<String>,
        step: u8,
        request: HttpRequest,
        response: HttpResponse,
    ) -> Result<MediaStep, PluginError> {
        T::read_media_fetch(&config, auth.as_deref(), step, request, response)
    }

    fn prepare_poll(
        config: String,
        auth: Option<String>,
        cursor: Option<String>,
    ) -> Result<HttpRequest, PluginError> {
        T::prepare_poll(&config, auth.as_deref(), cursor.as_deref())
    }

    fn read_poll(
        config: String,
        cursor: Option<String>,
        response: HttpResponse,
    ) -> Result<PollBatch, PluginError> {
        T::read_poll(&config, cursor.as_deref(), response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Minimal;

    impl Provider for Minimal {
        fn describe() -> PluginInfo {
            PluginInfo::new(crate::PluginKind::Provider, "minimal", "0.1.0")
        }

        fn capabilities(_: &str) -> Result<CapabilitySet, PluginError> {
            Ok(CapabilitySet {
                channels: vec![Channel::Sms],
                session_window_ms: None,
                templates: TemplateRule::None,
                max_per_second: 1,
                signed_webhooks: false,
                needs_auth: false,
                media_fetch: false,
                media_send: false,
                poll_interval_ms: None,
                max_text_length: 160,
            })
        }

        fn prepare_send(_: &str, _: Option<&str>, _: Outbound) -> Result<HttpRequest, SendError> {
            Err(SendError::Permanent(Failure {
                code: "x".into(),
                message: "x".into(),
            }))
        }

        fn read_send_response(_: &str, _: Outbound, _: HttpResponse) -> Result<Receipt, SendError> {
            Ok(Receipt {
                provider_message_id: "1".into(),
                recipient: None,
            })
        }

        fn handle_webhook(_: &str, _: WebhookRequest) -> Result<WebhookResult, WebhookError> {
            Err(WebhookError::Malformed("x".into()))
        }
    }

    #[test]
    fn optional_steps_are_unsupported_by_default() {
        let response = HttpResponse {
            status: 200,
            headers: vec![],
            body: vec![],
        };
        let request = HttpRequest {
            method: "GET".into(),
            url: "https://example.test/m".into(),
            headers: vec![],
            body: vec![],
        };
        for error in [
            Minimal::prepare_auth("").err(),
            Minimal::read_auth("", response.clone()).err(),
            Minimal::prepare_media_fetch("", None, "m").err(),
            Minimal::read_media_fetch("", None, 0, request, response.clone()).err(),
            Minimal::prepare_poll("", None, None).err(),
            Minimal::read_poll("", None, response).err(),
        ] {
            assert_eq!(error.map(|e| e.code), Some("unsupported".to_owned()));
        }
    }

    #[test]
    fn the_export_adapter_passes_borrowed_arguments() {
        let error =
            <Export<Minimal> as wit::Guest>::prepare_poll("{}".into(), Some("t".into()), None);
        assert_eq!(
            error.map_err(|e| e.message),
            Err("this plugin does not implement `prepare-poll`".into())
        );
        assert_eq!(
            <Export<Minimal> as wit::Guest>::capabilities(String::new()).map(|c| c.max_text_length),
            Ok(160)
        );
    }

    #[test]
    fn config_errors_pause_sends_and_defer_webhooks() {
        let error = || PluginError::bad_config("`token` is required");
        assert_eq!(
            misconfigured(error()),
            SendError::Misconfigured(Failure {
                code: "bad-config".into(),
                message: "connector config: `token` is required".into(),
            })
        );
        assert_eq!(
            unavailable(error()),
            WebhookError::Unavailable("connector config: `token` is required".into())
        );
    }
}
