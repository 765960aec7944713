//! A real Switchboard server for integration tests: `server::run` on `127.0.0.1:0` with its
//! own temp data dir, driven over HTTP like any client would.
//!
//! Each [`TestServer`] has its own port and data dir, so tests run in parallel, and its own
//! thread and two-worker runtime, as in production: a test's client and the server never
//! share a runtime, so a test cannot starve the server (or the other way round). The admin
//! token is chosen by the harness (through `admin_token` in the config, the automation path),
//! so no test parses the server's output. Password hashing runs at the cheapest cost
//! ([`cheap_auth`]).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use reqwest::{Method, RequestBuilder};
use switchboard::config::{AuthSettings, Config, Secret};
use switchboard::server::{self, ServeError};
use tempfile::TempDir;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// How long a server may take to become ready (compiling the bundled plugins on a cold
/// cache, on a loaded 2-core machine).
const READY_TIMEOUT: Duration = Duration::from_secs(120);

/// A running server and what a test needs to talk to it.
pub struct TestServer {
    /// `http://127.0.0.1:<port>`, no trailing slash.
    pub url: String,
    /// The admin token, for `Authorization: Bearer`.
    pub token: String,
    /// The configuration it runs with (data dir, limits…).
    pub config: Config,
    data_dir: TempDir,
    client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    /// Where the server thread reports how `run` ended.
    ended: Option<oneshot::Receiver<Result<(), ServeError>>>,
}

impl TestServer {
    /// A server with the default configuration.
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// A server whose configuration `configure` adjusts (limits, for instance).
    pub async fn start_with(configure: impl FnOnce(&mut Config)) -> Self {
        Self::start_in(tempfile::tempdir().expect("temp dir"), configure).await
    }

    /// A server on `data_dir`, which a test may have prepared (with the `user` CLI, say).
    pub async fn start_in(data_dir: TempDir, configure: impl FnOnce(&mut Config)) -> Self {
        let token = switchboard::http::auth::generate_token().expect("randomness");
        let mut config = Config {
            data_dir: data_dir.path().to_path_buf(),
            admin_token: Some(Secret::new(token.clone())),
            log: "warn".to_string(),
            ..Config::default()
        };
        config.plugins.cache_dir = shared_cache_dir();
        config.auth = cheap_auth();
        configure(&mut config);
        Self::launch(config, data_dir, token).await
    }

    /// Stops the server and starts a new one on the same data dir (and a new port), as an
    /// operator restarting the process would.
    pub async fn restart(mut self) -> Self {
        self.shutdown().await;
        let config = self.config.clone();
        let token = self.token.clone();
        let data_dir =
            std::mem::replace(&mut self.data_dir, tempfile::tempdir().expect("temp dir"));
        Self::launch(config, data_dir, token).await
    }

    /// Stops the server gracefully and waits until it has closed its store.
    pub async fn stop(mut self) {
        self.shutdown().await;
    }

    /// A plain HTTP client (no token).
    pub fn client(&self) -> reqwest::Client {
        self.client.clone()
    }

    /// A request to `path` (starting with `/`) without credentials.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, format!("{}{path}", self.url))
    }

    /// A request to `path` carrying the admin token.
    pub fn admin(&self, method: Method, path: &str) -> RequestBuilder {
        self.request(method, path).bearer_auth(&self.token)
    }

    /// The data dir, for tests that look at what the server left on disk.
    pub fn data_dir(&self) -> &std::path::Path {
        self.data_dir.path()
    }

    async fn launch(config: Config, data_dir: TempDir, token: String) -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let url = format!("http://{}", listener.local_addr().expect("local addr"));
        let (stop, stopped) = oneshot::channel::<()>();
        let (report, ended) = oneshot::channel();
        let server_config = config.clone();
        std::thread::Builder::new()
            .name("test-server".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("server runtime");
                let result = runtime.block_on(async move {
                    let listener = TcpListener::from_std(listener)?;
                    server::run(server_config, listener, async {
                        let _ = stopped.await;
                    })
                    .await
                });
                let _ = report.send(result);
            })
            .expect("server thread");
        let mut server = Self {
            url,
            token,
            config,
            data_dir,
            client: reqwest::Client::new(),
            stop: Some(stop),
            ended: Some(ended),
        };
        server.wait_ready().await;
        server
    }

    /// Polls `/readyz` until 200; fails the test with the server's error if it gave up.
    async fn wait_ready(&mut self) {
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if let Ok(response) = self.request(Method::GET, "/readyz").send().await
                && response.status().is_success()
            {
                return;
            }
            if let Some(ended) = &mut self.ended
                && let Ok(result) = ended.try_recv()
            {
                panic!("the server stopped while starting: {result:?}");
            }
            assert!(
                Instant::now() < deadline,
                "the server was not ready within {READY_TIMEOUT:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(ended) = self.ended.take() {
            ended
                .await
                .expect("server thread")
                .expect("server stopped cleanly");
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        // A test that ends without `stop` still stops its server; its thread ends by itself.
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The cheapest password hashing argon2 allows, what `SWITCHBOARD_ARGON2_MEMORY_KIB=8` and
/// `SWITCHBOARD_ARGON2_ITERATIONS=1` set: tests check behaviour, not strength, and sign in
/// often.
pub fn cheap_auth() -> AuthSettings {
    AuthSettings {
        argon2_memory_kib: 8,
        argon2_iterations: 1,
        ..AuthSettings::default()
    }
}

/// One artifact cache for every server of the test run, in the target dir (`target/tmp`), so
/// each bundled plugin is compiled once per run rather than once per server. `None` (a cache
/// per data dir) if the target dir cannot be found.
fn shared_cache_dir() -> Option<PathBuf> {
    // The test binary lives in `<target>/<profile>/deps/`.
    let exe = std::env::current_exe().ok()?;
    let target = exe.parent()?.parent()?.parent()?;
    Some(target.join("tmp").join("plugin-artifacts"))
}
