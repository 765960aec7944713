//! `serve`: wires the store, the plugin host and the HTTP app together and runs until told to
//! stop.
//!
//! The listener and the shutdown signal are passed in, so tests bind `127.0.0.1:0` and stop
//! the server when they are done. The server answers `/healthz` at once and everything else
//! once start-up has opened the store, ensured the admin token (the API token of the `admin`
//! user) and loaded the plugins; then `/readyz` turns 200.

use std::future::Future;
use std::io::Write;
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::clock;
use crate::config::{Config, Secret};
use crate::dialer::Dialers;
use crate::http::auth::Auth;
use crate::http::auth::password::PasswordError;
use crate::http::{self, AdminToken, AppState};
use crate::plugins::bundled::BUNDLED;
use crate::plugins::{PluginError, Registry, Runtime};
use crate::providers::{self, Messaging};
use crate::secrets::{SecretBox, SecretError};
use crate::store::{self, Store, StoreError};

/// Why the server could not start or serve.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The store could not be opened or answered with an error at start.
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// The plugin host or the bundled plugins could not be loaded.
    #[error("plugins: {0}")]
    Plugins(#[from] PluginError),
    /// The stored admin token hash is not a sha256 (the database was edited by hand?).
    #[error("the stored admin token hash is not a sha256 digest")]
    BadTokenHash,
    /// Password hashing could not be set up (argon2 parameters out of range).
    #[error("auth: {0}")]
    Auth(#[from] PasswordError),
    /// Messaging could not start.
    #[error("messaging: {0}")]
    Messaging(#[from] providers::OpenError),
    /// The secret key could not be loaded.
    #[error("secret key: {0}")]
    Secrets(#[from] SecretError),
    /// Socket or randomness failure.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Serves on `listener` until `shutdown` completes, then stops accepting, lets requests in
/// flight finish and closes the store.
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let address = listener.local_addr()?;
    tracing::info!(%address, data_dir = %config.data_dir.display(), "listening");
    let limits = http::state::BodyLimits {
        webhook: config.messaging.webhook_body_limit,
        media: config.messaging.media_max_bytes,
        list: config.dialer.max_list_bytes,
    };
    let state = AppState::with_limits(config.plugins.max_upload_bytes, limits);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    // The peer address reaches handlers: webhook allow-lists check it.
    let app = http::app(state.clone())
        .merge(http::web::router(config.web_dir.clone()))
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    let server = axum::serve(listener, app).with_graceful_shutdown(async {
        let _ = stopped.await;
    });
    let serving = tokio::spawn(async move { server.await });

    let outcome = start_then_wait(config, address, state, shutdown).await;
    let _ = stop.send(());
    let served = serving.await;
    let store = outcome?;
    if let Some(store) = store {
        store.close().await;
    }
    match served {
        Ok(result) => result?,
        Err(join) => {
            return Err(
                std::io::Error::other(format!("the HTTP server task failed: {join}")).into(),
            );
        }
    }
    tracing::info!("stopped");
    Ok(())
}

/// Opens everything, marks the server ready, then waits for `shutdown`. Returns the store to
/// close, or `None` if shutdown came during start-up.
async fn start_then_wait(
    config: Config,
    address: std::net::SocketAddr,
    state: AppState,
    shutdown: impl Future<Output = ()>,
) -> Result<Option<Arc<dyn Store>>, ServeError> {
    tokio::pin!(shutdown);
    let (store, messaging, dialers) = tokio::select! {
        opened = open_services(config, address, state.clone()) => opened?,
        () = &mut shutdown => return Ok(None),
    };
    let (stop_workers, workers_stop) = tokio::sync::watch::channel(false);
    let sender = tokio::spawn(providers::sender::run(
        messaging.clone(),
        workers_stop.clone(),
    ));
    let media = tokio::spawn(providers::media::run(
        messaging.clone(),
        workers_stop.clone(),
    ));
    let poller = tokio::spawn(providers::poller::run(messaging, workers_stop));
    let plugins: Vec<String> = state.registry_if_ready().map_or_else(Vec::new, |r| {
        r.list()
            .into_iter()
            .map(|p| format!("{}@{}", p.name, p.active_version.unwrap_or_default()))
            .collect()
    });
    tracing::info!(plugins = %plugins.join(", "), "ready");
    shutdown.await;
    tracing::info!("shutting down");
    // Dialer sends in flight record their results before the store closes.
    dialers.shutdown().await;
    // Sends in flight record their results before the store closes.
    let _ = stop_workers.send(true);
    let _ = sender.await;
    let _ = media.await;
    let _ = poller.await;
    Ok(Some(store))
}

/// Opens the store, ensures the admin user and token, loads the plugin registry, and publishes each
/// to the app as soon as it is there.
async fn open_services(
    config: Config,
    address: std::net::SocketAddr,
    state: AppState,
) -> Result<(Arc<dyn Store>, Arc<Messaging>, Arc<Dialers>), ServeError> {
    let store = store::open(&config.data_dir).await?;
    let token = ensure_admin_token(
        store.as_ref(),
        config.admin_token.as_ref().map(Secret::expose),
    )
    .await?;
    let admin = store
        .ensure_admin_user(Some(&token.hash_hex()), clock::now_ms())
        .await?;
    if admin.password_hash.is_none() {
        tracing::info!(
            user = %admin.username,
            "the admin user has no password yet: the admin token acts as it; set one with `switchboard user passwd {}`",
            admin.username
        );
    }
    let (auth_store, settings, https) = (store.clone(), config.auth.clone(), config.is_https());
    let auth = tokio::task::spawn_blocking(move || Auth::new(auth_store, &settings, https))
        .await
        .map_err(|e| std::io::Error::other(format!("preparing password hashing failed: {e}")))??;
    state.set_auth(Arc::new(auth));
    let runtime = Runtime::new(config.plugins.runtime_config(config.plugin_cache_dir()))?;
    let registry = Registry::open(
        Arc::new(runtime),
        store.clone(),
        BUNDLED,
        config.plugins.registry_limits(),
    )
    .await?;
    let secrets = SecretBox::load(
        config.secret_key.as_ref().map(Secret::expose),
        &config.data_dir,
    )?;
    let public_url = match &config.public_url {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => format!("http://{address}"),
    };
    let messaging = Messaging::open(
        store.clone(),
        registry.clone(),
        secrets,
        config.messaging.clone(),
        public_url,
        &config.data_dir,
    )
    .await?;
    if config.demo {
        crate::demo::seed(&messaging, address).await;
        if let Ok(auth) = state.auth() {
            crate::demo::seed_routing(&messaging, &auth.passwords).await;
        }
    }
    let router = crate::routing::wiring::start(
        &messaging,
        Arc::new(crate::routing::hub::Hub::default()),
        config.routing.router_settings(),
        end_sessions(store.clone()),
    )
    .await?;
    let hub = router.hub().clone();
    state.set_router(router);
    let dialers = Dialers::start(messaging.clone(), Some(hub), config.dialer.clone()).await?;
    state.set_dialers(dialers.clone());
    state.set_messaging(messaging.clone());
    state.set_registry(registry);
    Ok((store, messaging, dialers))
}

/// What the router calls when a supervisor logs an agent out: the agent's sessions end.
fn end_sessions(store: Arc<dyn Store>) -> crate::routing::task::LogoutHook {
    Arc::new(move |agent| {
        let store = store.clone();
        tokio::spawn(async move {
            if let Err(error) = crate::http::auth::session::end_all(store.as_ref(), agent).await {
                tracing::error!(agent, %error, "could not end the sessions of a logged-out agent");
            }
        });
    })
}

/// The admin token: the stored one, else a new one, stored hashed.
///
/// A new token is `configured` if given (automation that must know it), else random and
/// printed once to stdout: it exists nowhere else. It is printed before it is stored, so a
/// token nobody could see is never the one that opens the API. A stored token is never replaced.
pub async fn ensure_admin_token(
    store: &dyn Store,
    configured: Option<&str>,
) -> Result<AdminToken, ServeError> {
    if let Some(token) = stored_token(store).await? {
        if configured.is_some_and(|c| !token.verify(c)) {
            tracing::warn!(
                "admin_token is configured but another admin token already exists; the configured value is ignored"
            );
        }
        return Ok(token);
    }
    let hashed = match configured {
        Some(token) => AdminToken::from_token(token),
        None => {
            let token = http::auth::generate_token()?;
            print_token_once(&token)?;
            AdminToken::from_token(&token)
        }
    };
    if !store
        .create_admin_token_hash(&hashed.hash_hex(), clock::now_ms())
        .await?
    {
        tracing::warn!(
            "another process on this data dir created the admin token first; any token printed above is void"
        );
        return stored_token(store).await?.ok_or(ServeError::BadTokenHash);
    }
    tracing::info!(
        "admin token created; send it as `Authorization: Bearer <token>`, or set SWITCHBOARD_TOKEN for the CLI"
    );
    Ok(hashed)
}

/// Writes the new token to stdout, failing (rather than panicking, as `println!` would) if
/// stdout is closed: then nobody saw it, and it must not be stored.
fn print_token_once(token: &str) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "admin token (shown once): {token}")?;
    stdout.flush()
}

async fn stored_token(store: &dyn Store) -> Result<Option<AdminToken>, ServeError> {
    match store.admin_token_hash().await? {
        Some(hash) => AdminToken::from_hash_hex(&hash)
            .map(Some)
            .ok_or(ServeError::BadTokenHash),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Compiles only if the server future can be spawned on a multi-threaded runtime.
    #[allow(dead_code)]
    fn the_server_future_is_send(config: Config, listener: TcpListener) {
        fn is_send<T: Send>(_: T) {}
        is_send(run(config, listener, std::future::pending()));
    }

    #[tokio::test]
    async fn the_first_token_is_kept_across_starts() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = store::open(dir.path()).await.expect("store");
        let configured = "configured-token-0123456789";
        let first = ensure_admin_token(store.as_ref(), Some(configured))
            .await
            .expect("created");
        assert!(first.verify(configured));
        let again = ensure_admin_token(store.as_ref(), Some("another-token-0123456789"))
            .await
            .expect("kept");
        assert_eq!(again, first, "a stored token is never replaced");
        let generated = ensure_admin_token(store.as_ref(), None)
            .await
            .expect("kept");
        assert_eq!(generated, first);
        store.close().await;
    }

    #[tokio::test]
    async fn without_a_configured_token_one_is_generated() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = store::open(dir.path()).await.expect("store");
        let token = ensure_admin_token(store.as_ref(), None)
            .await
            .expect("created");
        let stored = store
            .admin_token_hash()
            .await
            .expect("read")
            .expect("stored");
        assert_eq!(stored, token.hash_hex());
        store.close().await;
    }
}
