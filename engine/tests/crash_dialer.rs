//! SIGKILL in the middle of a dialer run, then a restart: no record is sent twice, records that
//! were mid-send end `unknown` and are not re-sent, and the run carries on from where it
//! stopped. Drives the real binary against a loopback provider that outlives it.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use common::{Engine, TOKEN};
use serde_json::{Value, json};

const ROWS: usize = 1500;

/// Every recipient the provider was asked to send to, in arrival order.
#[derive(Default)]
struct Provider {
    received: Mutex<Vec<String>>,
}

async fn answer(
    State(provider): State<Arc<Provider>>,
    body: axum::body::Bytes,
) -> impl IntoResponse {
    let sent: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let to = sent["to"]["number"].as_str().unwrap_or_default().to_owned();
    let n = {
        let mut received = provider.received.lock().expect("lock");
        received.push(to);
        received.len()
    };
    // Slow enough that a kill finds sends on the wire.
    tokio::time::sleep(Duration::from_millis(40)).await;
    (
        StatusCode::CREATED,
        json!({"id": format!("p-{n}")}).to_string(),
    )
}

/// Each record's (destination, state, position), read from the database file.
fn records(data_dir: &Path) -> BTreeMap<i64, (String, String)> {
    let db = rusqlite::Connection::open(data_dir.join("switchboard.db")).expect("db");
    let mut statement = db
        .prepare("SELECT position, destination, state FROM dialer_records")
        .expect("sql");
    statement
        .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))
        .expect("query")
        .map(|r| r.expect("row"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_mid_run_sends_nothing_twice_and_the_run_resumes() {
    let provider = Arc::new(Provider::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let outbox = format!("http://{}/send", listener.local_addr().expect("addr"));
    let app = axum::Router::new()
        .fallback(answer)
        .with_state(provider.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let dir = tempfile::tempdir().expect("dir");
    let server = Engine::start(dir.path()).await;
    let port = server.port();
    let connector = server
        .call(
            "/api/v1/connectors",
            Some(
                json!({"name": "bulk", "plugin": "sandbox", "numbers": ["+5491155550100"],
                "config": {"outbox_url": outbox, "channel": "sms", "max_per_second": 1000}}),
            ),
        )
        .await["id"]
        .as_i64()
        .expect("connector");
    let dialer = server
        .call(
            "/api/v1/dialers",
            Some(json!({"name": "crash", "settings": {"connectors": [connector], "max_per_second": 200}})),
        )
        .await["id"]
        .as_i64()
        .expect("dialer");
    let mut csv = String::new();
    for i in 0..ROWS {
        csv.push_str(&format!("Row {i};+54911{:08};Hola {i};\n", 50_000_000 + i));
    }
    let upload = server
        .client
        .post(format!("{}/api/v1/dialers/{dialer}/lists", server.base))
        .bearer_auth(TOKEN)
        .body(csv)
        .send()
        .await
        .expect("upload");
    assert_eq!(upload.status(), 201);
    server
        .call(&format!("/api/v1/dialers/{dialer}/start"), Some(json!({})))
        .await;

    // Kill once a good part has gone, with sends on the wire.
    let deadline = Instant::now() + Duration::from_secs(60);
    while provider.received.lock().expect("lock").len() < 300 {
        assert!(Instant::now() < deadline, "the run did not start");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill();
    let at_kill = records(dir.path());
    let mid_send: Vec<i64> = at_kill
        .iter()
        .filter(|(_, (_, state))| state == "sending")
        .map(|(position, _)| *position)
        .collect();
    let last_before = at_kill
        .iter()
        .filter(|(_, (_, state))| state != "pending")
        .map(|(position, _)| *position)
        .max()
        .expect("some records went");
    assert!(!mid_send.is_empty(), "the kill found no send on the wire");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let received_at_kill = provider.received.lock().expect("lock").len();

    // Restart: the dialer was running, so it resumes by itself.
    let server = Engine::start_on(dir.path(), port).await;
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let status = server
            .call(&format!("/api/v1/dialers/{dialer}/status"), None)
            .await;
        if status["counts"]["pending"] == 0 && status["counts"]["sending"] == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the run did not finish: {status}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server.kill();

    let after = records(dir.path());
    let received = provider.received.lock().expect("lock").clone();
    let mut times: HashMap<&str, usize> = HashMap::new();
    for to in &received {
        *times.entry(to.as_str()).or_default() += 1;
    }
    let twice: Vec<_> = times.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "sent twice: {twice:?}");
    for position in &mid_send {
        let (_, state) = &after[position];
        assert_eq!(
            state, "unknown",
            "record {position} was mid-send at the kill"
        );
    }
    let unknown = after.values().filter(|(_, s)| s == "unknown").count();
    let sent = after.values().filter(|(_, s)| s == "sent").count();
    assert_eq!((unknown, sent + unknown), (mid_send.len(), ROWS));
    // Every record sent is at the provider once; the run went on past where it stopped.
    for (destination, state) in after.values() {
        if state == "sent" {
            assert_eq!(times.get(destination.as_str()), Some(&1), "{destination}");
        }
    }
    let resumed: Vec<&String> = received[received_at_kill..].iter().collect();
    assert!(!resumed.is_empty());
    let first_after = after
        .iter()
        .find(|(_, (d, _))| d == resumed[0])
        .map(|(p, _)| *p)
        .expect("known");
    assert!(
        first_after > last_before,
        "resumed at {first_after}, not after {last_before}"
    );
}
