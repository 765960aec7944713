//! The built `switchboard` binary as tests drive it: started on a data dir and a free loopback
//! port, waited on until ready, called with the admin token, killed.

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The admin token every engine here starts with.
pub const TOKEN: &str = "binary-test-admin-token-0123456789ab";

/// A running engine process.
pub struct Engine {
    pub child: Child,
    pub base: String,
    pub client: reqwest::Client,
}

/// A free loopback port.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// Starts the binary on `data_dir` and `port` with the admin token [`TOKEN`].
pub fn spawn(data_dir: &Path, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(data_dir)
        .env("SWITCHBOARD_ADMIN_TOKEN", TOKEN)
        .env("SWITCHBOARD_LOG", "error")
        .env("SWITCHBOARD_ARGON2_MEMORY_KIB", "8")
        .env("SWITCHBOARD_ARGON2_ITERATIONS", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the server")
}

/// Waits until the server at `base` answers `/readyz` (plugins compile on a cold cache).
pub async fn wait_ready(client: &reqwest::Client, base: &str) {
    let deadline = Instant::now() + Duration::from_secs(180);
    while Instant::now() < deadline {
        if let Ok(r) = client.get(format!("{base}/readyz")).send().await
            && r.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not become ready");
}

impl Engine {
    /// Starts the binary on `data_dir` and waits until it is ready.
    pub async fn start(data_dir: &Path) -> Engine {
        Engine::start_on(data_dir, free_port()).await
    }

    /// Starts the binary on `data_dir` and `port` (a restart keeps its port).
    pub async fn start_on(data_dir: &Path, port: u16) -> Engine {
        let engine = Engine {
            child: spawn(data_dir, port),
            base: format!("http://127.0.0.1:{port}"),
            client: reqwest::Client::new(),
        };
        wait_ready(&engine.client, &engine.base).await;
        engine
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.base
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("port")
    }

    /// `GET` (no body) or `POST` (a JSON body) as admin; the answer, which must be a success.
    pub async fn call(&self, path: &str, body: Option<Value>) -> Value {
        let request = match body {
            Some(body) => self.client.post(format!("{}{path}", self.base)).json(&body),
            None => self.client.get(format!("{}{path}", self.base)),
        };
        let response = request.bearer_auth(TOKEN).send().await.expect("call");
        let status = response.status();
        let answer: Value = response.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{path}: {status} {answer}");
        answer
    }

    /// SIGKILL, as a crash would.
    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }
}

/// A test that fails must not leave its server running: it holds the test's stderr open, and
/// cargo would wait on it forever.
impl Drop for Engine {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
