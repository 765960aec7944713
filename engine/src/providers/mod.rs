//! Talking to providers: connectors, webhook intake, the outbound sender and media.
//!
//! - [`connectors`]: a provider plugin bound to a config, its numbers and webhook URL.
//! - [`intake`]: a webhook call → verified by the plugin → stored → answered.
//! - [`sender`]: the outbox worker (rate limits, retries, auth tokens via [`auth_cache`]).
//! - [`media`]: inbound media download and storage, signed URLs for outbound media.
//! - [`poller`]: polling gateways that post no webhooks (Dinstar).
//! - [`sandbox`]: the engine playing provider for the demo and tests.
//! - [`http_client`]: the one HTTP client that performs what plugins prepare.
//! - [`convert`], [`errors`]: between the plugin contract and the engine's types.
//!
//! [`Messaging`] holds what they share; `serve` builds one and starts the workers.

pub mod auth_cache;
pub mod connectors;
pub mod convert;
pub mod errors;
pub mod http_client;
pub mod intake;
pub mod media;
pub mod offline;
pub mod poller;
pub mod sandbox;
pub mod sender;
pub mod stats;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use crate::clock;
use crate::config::MessagingSettings;
use crate::conversations::Content;
use crate::conversations::keywords::Keywords;
use crate::plugins::provider as calls;
use crate::plugins::{PluginKind, Registry};
use crate::secrets::SecretBox;
use crate::store::Store;

use auth_cache::AuthCache;
use connectors::{Connectors, LiveConnector};
use http_client::ProviderClient;
use media::UrlSigner;

/// Why messaging could not start.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The connectors could not be read.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// The HTTP client for providers could not be built.
    #[error("the HTTP client for providers: {0}")]
    Client(#[from] reqwest::Error),
}

/// Everything messaging shares.
pub struct Messaging {
    /// The store.
    pub store: Arc<dyn Store>,
    /// The plugin registry.
    pub registry: Arc<Registry>,
    /// Live connectors.
    pub connectors: Arc<Connectors>,
    /// Settings.
    pub settings: MessagingSettings,
    /// Opt-out and opt-in keywords.
    pub keywords: Keywords,
    /// The opt-out confirmation as content JSON, if one is configured.
    pub opt_out_reply: Option<String>,
    /// The HTTP client for providers.
    pub client: ProviderClient,
    /// Auth tokens per connector.
    pub auth: AuthCache,
    /// Rung when outbound messages are queued.
    pub outbox_wakeup: Notify,
    /// Rung when media waits to be fetched.
    pub media_wakeup: Notify,
    /// Where media files are kept.
    pub media_dir: PathBuf,
    /// Signs outbound media URLs.
    pub signer: UrlSigner,
    /// The engine as a provider, for sandbox connectors.
    pub sandbox: sandbox::Sandbox,
    /// Counters for `/metrics`.
    pub stats: stats::MessagingStats,
    /// The router new inbound messages go to, once it runs.
    pub router: std::sync::OnceLock<crate::routing::task::Router>,
}

impl Messaging {
    /// Builds the messaging service over an opened store and registry.
    pub async fn open(
        store: Arc<dyn Store>,
        registry: Arc<Registry>,
        secrets: SecretBox,
        settings: MessagingSettings,
        public_url: String,
        data_dir: &std::path::Path,
    ) -> Result<Arc<Self>, OpenError> {
        let signer = UrlSigner::new(
            secrets.derive("media-url"),
            public_url.clone(),
            settings.media_url_ttl_s,
        );
        let connectors =
            Connectors::open(store.clone(), registry.clone(), secrets, public_url).await?;
        let opt_out_reply = (!settings.opt_out_reply.trim().is_empty()).then(|| {
            Content::Text {
                text: settings.opt_out_reply.clone(),
            }
            .to_json()
        });
        Ok(Arc::new(Self {
            keywords: Keywords::new(&settings.opt_out_keywords, &settings.opt_in_keywords),
            opt_out_reply,
            client: ProviderClient::new(Duration::from_millis(settings.provider_timeout_ms))?,
            auth: AuthCache::default(),
            outbox_wakeup: Notify::new(),
            media_wakeup: Notify::new(),
            media_dir: data_dir.join("media"),
            signer,
            sandbox: sandbox::Sandbox::default(),
            stats: stats::MessagingStats::default(),
            router: std::sync::OnceLock::new(),
            store,
            registry,
            connectors,
            settings,
        }))
    }

    /// What a provider fetches for an outbound media locator: a signed expiring URL for files
    /// stored here, the locator itself otherwise.
    pub fn public_media_url(&self, locator: &str) -> String {
        match locator.strip_prefix("media:") {
            Some(sha256) => self.signer.url(sha256, clock::now_ms() / 1000),
            None => locator.to_owned(),
        }
    }

    /// The connector's auth token, from the cache or a fresh auth step.
    pub async fn auth_token(&self, connector: &LiveConnector) -> Result<String, String> {
        self.auth
            .token(connector.id, clock::now_ms(), || async {
                let plugin = self
                    .registry
                    .active(&connector.plugin)
                    .ok_or_else(|| "the provider plugin is not installed".to_owned())?;
                let limits = self.registry.limits().for_kind(PluginKind::Provider);
                let runtime = self.registry.runtime();
                let request = calls::prepare_auth(runtime, &plugin, limits, &connector.config)
                    .await
                    .map_err(|e| e.to_string())?
                    .map_err(|e| format!("{}: {}", e.code, e.message))?;
                let response = self
                    .client
                    .perform(request, self.settings.max_response_bytes)
                    .await
                    .map_err(|e| e.to_string())?;
                let token =
                    calls::read_auth(runtime, &plugin, limits, &connector.config, &response)
                        .await
                        .map_err(|e| e.to_string())?
                        .map_err(|e| format!("{}: {}", e.code, e.message))?;
                Ok((
                    token.token,
                    i64::try_from(token.ttl_ms).unwrap_or(i64::MAX / 4),
                ))
            })
            .await
    }
}
