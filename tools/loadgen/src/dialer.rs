//! `loadgen dialer`: the dialer's three figures against a running engine.
//!
//! 1. Upload: a list of `--rows` rows generated on the fly and streamed as one request (the
//!    client never holds it either); the time to the engine's answer (every row spooled and
//!    committed) and the engine's resident peak (VmHWM) before and after.
//! 2. Burst: `--burst-rows` rows through a dialer with interval 0 and no ceiling but the
//!    provider's, to a loopback provider in this process that answers `201 {"id"}`; the rate
//!    counted where the work ends, at the provider, first to last arrival.
//! 3. Paced: a dialer with `--interval-ms`, for `--paced-seconds`; the achieved rate against
//!    1000/interval, and the most sends the provider saw in any one-second window.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use bytes::Bytes;
use http_body_util::{BodyExt, StreamBody};
use hyper::body::Frame;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};

use crate::api::{Api, id_field};
use crate::memory::Resident;

/// What to run.
#[derive(Debug, Clone)]
pub struct Plan {
    pub api: Api,
    pub engine_pid: Option<u32>,
    pub run_id: String,
    pub rows: usize,
    pub burst_rows: usize,
    pub interval_ms: u64,
    pub paced_seconds: u64,
}

/// The loopback provider: arrival times of every send.
#[derive(Default)]
struct Provider {
    arrivals: Mutex<Vec<Instant>>,
}

async fn accept(State(provider): State<Arc<Provider>>) -> (StatusCode, String) {
    let n = {
        let mut arrivals = provider.arrivals.lock().unwrap_or_else(|e| e.into_inner());
        arrivals.push(Instant::now());
        arrivals.len()
    };
    (StatusCode::CREATED, format!("{{\"id\":\"p-{n}\"}}"))
}

impl Provider {
    fn count(&self) -> usize {
        self.arrivals
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }

    fn since(&self, from: usize) -> Vec<Instant> {
        self.arrivals.lock().unwrap_or_else(|e| e.into_inner())[from..].to_vec()
    }
}

/// Runs the three phases; returns one JSON object per phase.
pub async fn run(plan: Plan) -> anyhow::Result<Value> {
    let provider = Arc::new(Provider::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let outbox = format!("http://{}/send", listener.local_addr()?);
    let app = Router::new().fallback(accept).with_state(provider.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let mut api = plan.api.connection();
    let run = &plan.run_id;
    let connector = id_field(
        &api.json(
            Method::POST,
            "/api/v1/connectors",
            Some(&json!({
                "name": format!("dialer-bench-{run}"),
                "plugin": "sandbox",
                "numbers": [format!("+549116{}", &digits(run)[..7])],
                "config": {"outbox_url": outbox, "channel": "sms", "max_per_second": 1_000_000},
            })),
        )
        .await?,
        "id",
    )?;
    let mut dialer = async |name: &str, settings: Value| -> anyhow::Result<i64> {
        let mut settings = settings;
        settings["connectors"] = json!([connector]);
        id_field(
            &api.json(
                Method::POST,
                "/api/v1/dialers",
                Some(&json!({"name": format!("{name}-{run}"), "settings": settings})),
            )
            .await?,
            "id",
        )
    };
    let spool = dialer("spool", json!({})).await?;
    let burst = dialer("burst", json!({})).await?;
    let paced = dialer("paced", json!({"interval_ms": plan.interval_ms})).await?;

    // 1. Upload.
    let before = plan.engine_pid.and_then(Resident::of);
    let started = Instant::now();
    let report = upload(&plan.api, spool, plan.rows, 0).await?;
    let upload_s = started.elapsed().as_secs_f64();
    let after = plan.engine_pid.and_then(Resident::of);
    let accepted = report["accepted"].as_u64().unwrap_or(0);
    if accepted != plan.rows as u64 {
        bail!(
            "the upload accepted {accepted} of {} rows: {report}",
            plan.rows
        );
    }
    let upload_phase = json!({
        "phase": "upload",
        "rows": plan.rows,
        "seconds": round(upload_s),
        "rows_per_s": (plan.rows as f64 / upload_s).round(),
        "engine_hwm_mib_before": before.map(|r| round(r.hwm_mib())),
        "engine_hwm_mib_after": after.map(|r| round(r.hwm_mib())),
        "engine_rss_mib_after": after.map(|r| round(r.rss_mib())),
    });
    eprintln!("{upload_phase}");

    // 2. Burst: interval 0, the provider's ceiling.
    upload(&plan.api, burst, plan.burst_rows, 10_000_000).await?;
    let from = provider.count();
    let mut api = plan.api.connection();
    api.json(
        Method::POST,
        &format!("/api/v1/dialers/{burst}/start"),
        None,
    )
    .await?;
    let deadline = Instant::now() + Duration::from_secs(600);
    while provider.count() - from < plan.burst_rows {
        if Instant::now() > deadline {
            bail!(
                "the burst sent {} of {}",
                provider.count() - from,
                plan.burst_rows
            );
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let arrivals = provider.since(from);
    let span = (arrivals[arrivals.len() - 1] - arrivals[0]).as_secs_f64();
    let burst_rate = (arrivals.len() - 1) as f64 / span;
    // Every state change durable: the records' final states, read back from the engine.
    let status = wait_settled(&mut api, burst).await?;
    let burst_phase = json!({
        "phase": "burst",
        "sends": arrivals.len(),
        "seconds": round(span),
        "rate_per_s": burst_rate.round(),
        "sent_records": status["counts"]["sent"],
        "peak_in_one_second": most_in_a_second(&arrivals),
    });
    eprintln!("{burst_phase}");

    // 3. Paced.
    let expected = 1000.0 / plan.interval_ms.max(1) as f64;
    let rows = (expected * (plan.paced_seconds as f64 + 10.0)) as usize;
    upload(&plan.api, paced, rows, 20_000_000).await?;
    let from = provider.count();
    api.json(
        Method::POST,
        &format!("/api/v1/dialers/{paced}/start"),
        None,
    )
    .await?;
    while provider.count() == from {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let first = provider.since(from)[0];
    tokio::time::sleep_until((first + Duration::from_secs(plan.paced_seconds)).into()).await;
    // The dialer's own count, where requests leave it (before the stop ends the run).
    let at_dialer = api
        .json(
            Method::GET,
            &format!("/api/v1/dialers/{paced}/status"),
            None,
        )
        .await?;
    api.json(Method::POST, &format!("/api/v1/dialers/{paced}/stop"), None)
        .await?;
    let window = first + Duration::from_secs(plan.paced_seconds);
    let arrivals: Vec<Instant> = provider
        .since(from)
        .into_iter()
        .filter(|&t| t < window)
        .collect();
    let rate = arrivals.len() as f64 / plan.paced_seconds as f64;
    let paced_phase = json!({
        "phase": "paced",
        "interval_ms": plan.interval_ms,
        "seconds": plan.paced_seconds,
        "sends": arrivals.len(),
        "rate_per_s": round(rate),
        "target_per_s": round(expected),
        "deviation_pct": round((rate - expected) / expected * 100.0),
        "peak_in_one_second": most_in_a_second(&arrivals),
        "peak_in_one_second_at_dialer": at_dialer["peak_per_s"],
    });
    eprintln!("{paced_phase}");
    Ok(json!({"upload": upload_phase, "burst": burst_phase, "paced": paced_phase}))
}

/// Waits until the dialer has nothing pending or sending; returns its status.
async fn wait_settled(api: &mut crate::api::ApiConnection, dialer: i64) -> anyhow::Result<Value> {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let status = api
            .json(
                Method::GET,
                &format!("/api/v1/dialers/{dialer}/status"),
                None,
            )
            .await?;
        if status["counts"]["pending"] == 0 && status["counts"]["sending"] == 0 {
            return Ok(status);
        }
        if Instant::now() > deadline {
            bail!("dialer {dialer} did not settle: {status}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Streams `rows` generated rows (numbers from `first`) as one upload; returns the report.
async fn upload(api: &Api, dialer: i64, rows: usize, first: usize) -> anyhow::Result<Value> {
    let stream = tcp(api).await?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .context("HTTP handshake")?;
    tokio::spawn(connection);
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Frame<Bytes>, std::io::Error>>(16);
    tokio::spawn(async move {
        const ROWS_PER_CHUNK: usize = 2_000;
        let mut i = 0;
        while i < rows {
            let end = (i + ROWS_PER_CHUNK).min(rows);
            let mut chunk = String::with_capacity((end - i) * 64);
            for n in i..end {
                let number = 5_491_100_000_000u64 + (first + n) as u64;
                chunk.push_str(&format!(
                    "Cliente {n};+{number};Hola, tu turno es el martes;ref-{n}\n"
                ));
            }
            if tx.send(Ok(Frame::data(Bytes::from(chunk)))).await.is_err() {
                return;
            }
            i = end;
        }
    });
    let body = StreamBody::new(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    }));
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/dialers/{dialer}/lists?header=false"))
        .header(HOST, api.address())
        .header(AUTHORIZATION, api.bearer().clone())
        .header(CONTENT_TYPE, "text/csv")
        .body(body)
        .context("request")?;
    let response = sender.send_request(request).await.context("upload")?;
    let status = response.status();
    let bytes = response.into_body().collect().await?.to_bytes();
    let answer: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    if !status.is_success() {
        bail!("upload: HTTP {status}: {answer}");
    }
    Ok(answer)
}

async fn tcp(api: &Api) -> anyhow::Result<tokio::net::TcpStream> {
    let stream = tokio::net::TcpStream::connect(api.address())
        .await
        .with_context(|| format!("connect to {}", api.address()))?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// The most arrivals in any one-second window (arrivals in order).
pub fn most_in_a_second(arrivals: &[Instant]) -> usize {
    let mut best = 0;
    let mut start = 0;
    for end in 0..arrivals.len() {
        while arrivals[end] - arrivals[start] >= Duration::from_secs(1) {
            start += 1;
        }
        best = best.max(end - start + 1);
    }
    best
}

fn digits(text: &str) -> String {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    format!("{digits:0>7}")
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_count_arrivals_within_a_second() {
        let start = Instant::now();
        let at = |ms: u64| start + Duration::from_millis(ms);
        let arrivals = [at(0), at(500), at(999), at(1000), at(1001), at(1500)];
        assert_eq!(most_in_a_second(&arrivals), 4);
    }
}
