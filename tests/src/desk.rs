//! Routing as people use it: users with tokens, campaigns, live sockets, customers writing
//! through a sandbox connector, and agents acting over the REST API.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use reqwest::Method;
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::server::TestServer;

/// How long routing may take to react on a loaded 2-core machine.
pub const REACT: Duration = Duration::from_secs(20);

/// A user with an API token.
#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub token: String,
}

/// Creates a user of `role` with a password and an API token.
pub async fn user(server: &TestServer, name: &str, role: &str) -> User {
    let created = call(
        server,
        &server.token,
        Method::POST,
        "/api/v1/users",
        Some(
            json!({"username": name, "role": role, "password": "correct horse battery",
                    "max_concurrent": 5}),
        ),
        201,
    )
    .await;
    let id = created["id"].as_i64().expect("user id");
    let token = call(
        server,
        &server.token,
        Method::POST,
        "/api/v1/tokens",
        Some(json!({"name": format!("{name}-token"), "user_id": id})),
        201,
    )
    .await;
    User {
        id,
        token: token["secret"].as_str().expect("token secret").to_owned(),
    }
}

/// A request as the holder of `token`; fails unless the status is `expected`.
pub async fn call(
    server: &TestServer,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
    expected: u16,
) -> Value {
    let mut request = server.request(method.clone(), path).bearer_auth(token);
    if let Some(body) = &body {
        request = request.json(body);
    }
    let response = request.send().await.expect("call the API");
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    let answer: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    assert_eq!(status, expected, "{method} {path} {body:?}: {answer}");
    answer
}

/// The status of a request as the holder of `token` (for checks that expect a refusal).
pub async fn status(
    server: &TestServer,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> u16 {
    let mut request = server.request(method, path).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request
        .send()
        .await
        .expect("call the API")
        .status()
        .as_u16()
}

/// A sandbox connector carrying `numbers`; returns its id.
pub async fn sandbox(server: &TestServer, name: &str, numbers: &[&str]) -> i64 {
    let view = call(
        server,
        &server.token,
        Method::POST,
        "/api/v1/connectors",
        Some(
            json!({"name": name, "plugin": "sandbox", "numbers": numbers,
                    "config": {"outbox_url": format!("{}/sandbox/outbox", server.url)}}),
        ),
        201,
    )
    .await;
    view["id"].as_i64().expect("connector id")
}

/// Creates a campaign; returns its id.
pub async fn campaign(server: &TestServer, body: Value) -> i64 {
    let view = call(
        server,
        &server.token,
        Method::POST,
        "/api/v1/campaigns",
        Some(body),
        201,
    )
    .await;
    view["id"].as_i64().expect("campaign id")
}

/// A customer writes `text` from `from` to sandbox connector `connector`; returns the
/// conversation id.
pub async fn customer_says(server: &TestServer, connector: i64, from: &str, text: &str) -> i64 {
    let injected = call(
        server,
        &server.token,
        Method::POST,
        &format!("/api/v1/sandbox/{connector}/inbound"),
        Some(json!({"from": from, "text": text})),
        200,
    )
    .await;
    injected["conversation_id"].as_i64().expect("conversation")
}

/// The texts the sandbox connector sent to `to`, oldest first.
pub async fn sent_to(server: &TestServer, connector: i64, to: &str) -> Vec<String> {
    let outbox = call(
        server,
        &server.token,
        Method::GET,
        &format!("/api/v1/sandbox/{connector}/outbox"),
        None,
        200,
    )
    .await;
    outbox
        .as_array()
        .expect("list")
        .iter()
        .filter(|m| m["to"]["number"] == to)
        .map(|m| {
            m["content"]["text"]
                .as_str()
                .or(m["content"]["rendered"].as_str())
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

/// Waits until the sandbox sent `to` a text containing `needle`.
pub async fn wait_sent(server: &TestServer, connector: i64, to: &str, needle: &str) {
    let started = Instant::now();
    loop {
        let texts = sent_to(server, connector, to).await;
        if texts.iter().any(|t| t.contains(needle)) {
            return;
        }
        assert!(
            started.elapsed() < REACT,
            "nothing with {needle:?} sent to {to}: {texts:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The conversation as the admin reads it.
pub async fn conversation(server: &TestServer, id: i64) -> Value {
    call(
        server,
        &server.token,
        Method::GET,
        &format!("/api/v1/conversations/{id}"),
        None,
        200,
    )
    .await
}

/// Waits until conversation `id` satisfies `done`; returns it.
pub async fn wait_conversation(
    server: &TestServer,
    id: i64,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let started = Instant::now();
    loop {
        let c = conversation(server, id).await;
        if done(&c) {
            return c;
        }
        assert!(
            started.elapsed() < REACT,
            "conversation {id} never got there: {c}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A live socket.
pub struct Socket {
    stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Socket {
    /// Opens `/api/v1/ws` with `token` and reads its hello.
    pub async fn open(server: &TestServer, token: &str) -> Self {
        let url = format!("{}/api/v1/ws", server.url.replacen("http", "ws", 1));
        let mut request = url.into_client_request().expect("request");
        request.headers_mut().insert(
            "authorization",
            format!("Bearer {token}").parse().expect("header"),
        );
        let (stream, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("socket");
        let mut socket = Self { stream };
        let hello = socket.next().await;
        assert_eq!(hello["type"], "hello", "{hello}");
        socket
    }

    /// The next frame.
    pub async fn next(&mut self) -> Value {
        loop {
            let frame = tokio::time::timeout(REACT, self.stream.next())
                .await
                .expect("a frame in time")
                .expect("socket open")
                .expect("frame");
            if let Message::Text(text) = frame {
                return serde_json::from_str(&text).expect("json frame");
            }
        }
    }

    /// Skips frames until one of type `kind` whose data satisfies `matches`.
    pub async fn until(&mut self, kind: &str, matches: impl Fn(&Value) -> bool) -> Value {
        loop {
            let frame = self.next().await;
            if frame["type"] == kind && matches(&frame["data"]) {
                return frame;
            }
        }
    }

    /// Sends a command.
    pub async fn send(&mut self, command: Value) {
        self.stream
            .send(Message::Text(command.to_string().into()))
            .await
            .expect("send");
    }

    /// Closes the socket.
    pub async fn close(mut self) {
        let _ = self.stream.close(None).await;
    }
}
