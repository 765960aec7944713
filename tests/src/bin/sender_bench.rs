//! Outbound sender throughput, the engine's own code end to end: a prefilled outbox, the
//! sandbox adapter (a real wasm plugin, two calls per message), reqwest to a loopback provider
//! that answers like one, and every result recorded through the group-commit writer.
//!
//! ```text
//! cargo run --release -p switchboard-tests --bin sender_bench -- [MESSAGES] [LIMIT/s] [THROTTLE_EVERY]
//! ```
//! `LIMIT` 0 means no ceiling (the plugin's capability is set to 1 000 000/s). With
//! `THROTTLE_EVERY` K > 0 the provider answers every K-th request `429 Retry-After: 1`.
//! The rate is counted where the work ends: accepted requests at the provider, first to last.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::json;
use switchboard::clock;
use switchboard::config::MessagingSettings;
use switchboard::providers::Messaging;
use switchboard::providers::connectors::ConnectorInput;
use switchboard::secrets::SecretBox;
use switchboard::store::{ContactKey, NewOutbound};
use switchboard_tests::host::TestHost;
use tokio::sync::Mutex;

#[derive(Default)]
struct Provider {
    requests: AtomicU64,
    accepted: AtomicU64,
    throttled: AtomicU64,
    throttle_every: u64,
    first_last: Mutex<Option<(Instant, Instant)>>,
}

async fn answer(State(provider): State<Arc<Provider>>) -> axum::response::Response {
    let n = provider.requests.fetch_add(1, Ordering::Relaxed) + 1;
    if provider.throttle_every > 0 && n.is_multiple_of(provider.throttle_every) {
        provider.throttled.fetch_add(1, Ordering::Relaxed);
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", "1")],
            r#"{"code":"throttled","message":"slow down"}"#,
        )
            .into_response();
    }
    let now = Instant::now();
    {
        let mut span = provider.first_last.lock().await;
        *span = Some(span.map_or((now, now), |(first, _)| (first, now)));
    }
    provider.accepted.fetch_add(1, Ordering::Relaxed);
    (
        StatusCode::CREATED,
        json!({ "id": format!("p-{n}") }).to_string(),
    )
        .into_response()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let messages = args.first().copied().unwrap_or(20_000);
    let limit = args.get(1).copied().unwrap_or(0);
    let throttle_every = args.get(2).copied().unwrap_or(0);

    let provider = Arc::new(Provider {
        throttle_every,
        ..Provider::default()
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let provider_url = format!("http://{}", listener.local_addr().expect("addr"));
    let app = Router::new().fallback(answer).with_state(provider.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let host = TestHost::start().await;
    let secrets = SecretBox::from_hex(&"07".repeat(32)).expect("key");
    let settings = MessagingSettings {
        sender_concurrency: 128,
        ..MessagingSettings::default()
    };
    let messaging = Messaging::open(
        host.store.clone(),
        host.registry.clone(),
        secrets,
        settings,
        "http://127.0.0.1:9".into(),
        host.dir.path(),
    )
    .await
    .expect("messaging");
    let ceiling = if limit == 0 { 1_000_000 } else { limit };
    let connector = messaging
        .connectors
        .create(ConnectorInput {
            name: "bench".into(),
            plugin: "sandbox".into(),
            config: json!({"outbox_url": format!("{provider_url}/send"), "channel": "sms", "max_per_second": ceiling}),
            numbers: vec!["+5491155550100".into()],
            allow_ips: Vec::new(),
            enabled: true,
        })
        .await
        .expect("connector");
    let number_id = messaging
        .connectors
        .get(connector.id)
        .expect("live")
        .numbers[0]
        .id;

    // Prefill: queued rows, as the compliance gate writes them.
    let filled = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..32u64 {
        let store = host.store.clone();
        tasks.push(tokio::spawn(async move {
            let contact = store
                .ensure_contact(
                    ContactKey {
                        number: Some(format!("+54911666{worker:05}")),
                        ..ContactKey::default()
                    },
                    clock::now_ms(),
                )
                .await
                .expect("contact");
            for _ in (worker..messages).step_by(32) {
                store
                    .enqueue_outbound(NewOutbound {
                        connector_id: connector.id,
                        number_id,
                        contact_id: contact,
                        conversation_id: None,
                        origin: "bench".into(),
                        kind: "text".into(),
                        content: r#"{"type":"text","text":"Tu turno es mañana a las 10"}"#.into(),
                        sms: None,
                        at_ms: clock::now_ms(),
                    })
                    .await
                    .expect("enqueue");
            }
        }));
    }
    for task in tasks {
        task.await.expect("prefill");
    }
    let fill_secs = filled.elapsed().as_secs_f64();

    let (stop, stopped) = tokio::sync::watch::channel(false);
    let sender = tokio::spawn(switchboard::providers::sender::run(
        messaging.clone(),
        stopped,
    ));
    let started = Instant::now();
    while provider.accepted.load(Ordering::Relaxed) < messages {
        tokio::time::sleep(Duration::from_millis(20)).await;
        if started.elapsed() > Duration::from_secs(600) {
            eprintln!(
                "gave up: {} of {messages} accepted",
                provider.accepted.load(Ordering::Relaxed)
            );
            break;
        }
    }
    let _ = stop.send(true);
    let _ = sender.await;
    let span = provider
        .first_last
        .lock()
        .await
        .map_or(0.0, |(first, last)| (last - first).as_secs_f64());
    let accepted = provider.accepted.load(Ordering::Relaxed);
    let rate = if span > 0.0 {
        (accepted.saturating_sub(1)) as f64 / span
    } else {
        0.0
    };
    println!(
        "{}",
        json!({
            "messages": messages,
            "limit_per_s": limit,
            "throttle_every": throttle_every,
            "prefill_per_s": (messages as f64 / fill_secs).round(),
            "accepted": accepted,
            "throttled": provider.throttled.load(Ordering::Relaxed),
            "seconds": (span * 1000.0).round() / 1000.0,
            "rate_per_s": rate.round(),
            "vs_limit": if limit > 0 { (rate / limit as f64 * 1000.0).round() / 1000.0 } else { 0.0 },
        })
    );
    host.store.close().await;
}
