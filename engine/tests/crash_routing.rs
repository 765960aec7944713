//! SIGKILL in the middle of routing, then a restart: queued and assigned conversations and
//! their pending timers come back exactly, nothing is assigned twice, and capacity still holds.
//! Drives the real binary, as an operator's crash would.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{TOKEN, free_port, spawn as start, wait_ready};
use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const NUMBER: &str = "+5491155554001";

async fn call(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    path: &str,
    body: Option<Value>,
) -> Value {
    let request = match body {
        Some(body) => client.post(format!("{base}{path}")).json(&body),
        None => client.get(format!("{base}{path}")),
    };
    let response = request.bearer_auth(token).send().await.expect("call");
    let status = response.status();
    let answer: Value = response.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{path}: {status} {answer}");
    answer
}

/// Each conversation's (state, agent); each pending timer (conversation, kind, due); how many
/// times each conversation was assigned.
type Snapshot = (
    BTreeMap<i64, (String, Option<i64>)>,
    Vec<(i64, String, i64)>,
    Vec<(i64, i64)>,
);

/// What the database file holds, read directly.
fn snapshot(data_dir: &Path) -> Snapshot {
    let db = rusqlite::Connection::open(data_dir.join("switchboard.db")).expect("db");
    let mut conversations = BTreeMap::new();
    let mut statement = db
        .prepare("SELECT id, state, agent_id FROM conversations")
        .expect("sql");
    let rows = statement
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<i64>>(2)?,
            ))
        })
        .expect("query");
    for row in rows {
        let (id, state, agent) = row.expect("row");
        conversations.insert(id, (state, agent));
    }
    let mut statement = db
        .prepare("SELECT conversation_id, kind, due_ms FROM timers ORDER BY conversation_id, kind")
        .expect("sql");
    let timers = statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("query")
        .map(|r| r.expect("row"))
        .collect();
    let mut statement = db
        .prepare("SELECT conversation_id, COUNT(*) FROM events WHERE kind = 'conversation.assigned' GROUP BY conversation_id")
        .expect("sql");
    let assigned = statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .map(|r| r.expect("row"))
        .collect();
    (conversations, timers, assigned)
}

async fn open_socket(
    base: &str,
    token: &str,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    let mut request = format!("{}/api/v1/ws", base.replacen("http", "ws", 1))
        .into_client_request()
        .expect("request");
    request.headers_mut().insert(
        "authorization",
        format!("Bearer {token}").parse().expect("header"),
    );
    tokio_tungstenite::connect_async(request)
        .await
        .expect("socket")
        .0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routing_state_and_timers_survive_sigkill() {
    let dir = tempfile::tempdir().expect("dir");
    let client = reqwest::Client::new();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = start(dir.path(), port);
    wait_ready(&client, &base).await;
    let connector = call(
        &client,
        &base,
        TOKEN,
        "/api/v1/connectors",
        Some(json!({
        "name": "sandbox", "plugin": "sandbox", "numbers": [NUMBER],
        "config": {"outbox_url": format!("{base}/sandbox/outbox")}})),
    )
    .await;
    let connector = connector["id"].as_i64().expect("id");
    let agent = call(&client, &base, TOKEN, "/api/v1/users", Some(json!({
        "username": "ana", "role": "agent", "password": "correct horse battery", "max_concurrent": 2}))).await;
    let agent_id = agent["id"].as_i64().expect("id");
    let token = call(
        &client,
        &base,
        TOKEN,
        "/api/v1/tokens",
        Some(json!({"name": "ana", "user_id": agent_id})),
    )
    .await;
    let agent_token = token["secret"].as_str().expect("secret").to_owned();
    call(
        &client,
        &base,
        TOKEN,
        "/api/v1/campaigns",
        Some(json!({
        "name": "support", "numbers": [NUMBER], "members": [{"user_id": agent_id}],
        "settings": {"max_per_agent": 2, "max_queue_secs": 3600, "abandonment_secs": 7200,
                     "chat_time_limit_secs": 5400}})),
    )
    .await;
    let mut socket = open_socket(&base, &agent_token).await;
    let _hello = socket.next().await;

    // Customers keep arriving while the process is killed.
    let mut customers = 0;
    let burst = |n: i32| {
        let (client, base) = (client.clone(), base.clone());
        tokio::spawn(async move {
            let _ = client
                .post(format!("{base}/api/v1/sandbox/{connector}/inbound"))
                .bearer_auth(TOKEN)
                .json(&json!({"from": format!("+54911666640{n:02}"), "text": "hola"}))
                .send()
                .await;
        })
    };
    for _ in 0..6 {
        burst(customers).await.expect("customer");
        customers += 1;
    }
    // Wait until both slots are taken and the rest queue.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (conversations, _, _) = snapshot(dir.path());
        let assigned = conversations
            .values()
            .filter(|(s, _)| s == "assigned")
            .count();
        let queued = conversations
            .values()
            .filter(|(s, _)| s == "queued")
            .count();
        if assigned == 2 && queued == 4 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "never settled: {conversations:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let in_flight: Vec<_> = (0..8)
        .map(|_| {
            customers += 1;
            burst(customers)
        })
        .collect();
    server.kill().expect("SIGKILL");
    server.wait().expect("reaped");
    for task in in_flight {
        let _ = task.await;
    }
    let (before, timers_before, assigned_before) = snapshot(dir.path());

    let mut server = start(dir.path(), port);
    wait_ready(&client, &base).await;
    // The agent comes back within the grace period.
    let mut socket = open_socket(&base, &agent_token).await;
    let _hello = socket.next().await;
    // Let the router rebuild, route what arrived unrouted, and settle.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (after, timers_after, assigned_after) = snapshot(dir.path());

    // What was assigned or queued is exactly as it was, with the same timers.
    for (id, (state, agent)) in &before {
        if state == "assigned" || state == "queued" {
            assert_eq!(
                after.get(id),
                Some(&(state.clone(), *agent)),
                "conversation {id}"
            );
        }
    }
    let pending = |timers: &[(i64, String, i64)]| -> Vec<(i64, String, i64)> {
        timers
            .iter()
            .filter(|(id, _, _)| {
                before
                    .get(id)
                    .is_some_and(|(s, _)| s == "assigned" || s == "queued")
            })
            .cloned()
            .collect()
    };
    assert_eq!(pending(&timers_after), pending(&timers_before));
    assert!(
        pending(&timers_before)
            .iter()
            .any(|(_, kind, _)| kind == "chat_limit")
    );
    assert!(
        pending(&timers_before)
            .iter()
            .any(|(_, kind, _)| kind == "queue")
    );
    // Nothing assigned twice; capacity held.
    assert!(
        assigned_after.iter().all(|&(_, n)| n == 1),
        "{assigned_after:?}"
    );
    assert_eq!(assigned_after, assigned_before);
    let holding = after
        .values()
        .filter(|(s, a)| s == "assigned" && *a == Some(agent_id))
        .count();
    assert_eq!(holding, 2);
    // Messages stored but not yet routed when the process died were routed at start.
    assert!(after.values().all(|(s, _)| s != "new"), "{after:?}");
    server.kill().expect("stop");
    server.wait().expect("reaped");
}
