//! The two servers: `baseline`, a bare axum app answering 200 with an empty body to every
//! request (what a webhook endpoint costs before it does any work), and `sink`, which also
//! counts the requests, to measure a peer's rate where its work ends (Kannel's `get-url`
//! calls). Both take their listener and shutdown signal from the caller, so tests bind port 0.

use std::fs::File;
use std::future::Future;
use std::io::{BufWriter, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use tokio::net::TcpListener;

/// Binds `address` (port 0 picks a free port) and prints `listening on ADDR`, the first line
/// of a server's output, which scripts read to learn the port.
pub async fn bind(address: &str) -> anyhow::Result<TcpListener> {
    let listener = TcpListener::bind(address).await?;
    println!("listening on {}", listener.local_addr()?);
    Ok(listener)
}

/// Serves `app` on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// The bare-axum baseline: 200 and an empty body for any method and path.
pub fn baseline() -> Router {
    Router::new().fallback(|| async { StatusCode::OK })
}

/// What the sink has counted.
pub struct Sink {
    started: Instant,
    count: AtomicU64,
    /// Nanoseconds from `started` to the first and the latest request (`u64::MAX`: none yet).
    first_ns: AtomicU64,
    last_ns: AtomicU64,
    log: Option<Mutex<BufWriter<File>>>,
}

impl Sink {
    /// A sink counting from now; with `log`, each request's method and URI are written to it.
    pub fn new(log: Option<File>) -> Arc<Sink> {
        Arc::new(Sink {
            started: Instant::now(),
            count: AtomicU64::new(0),
            first_ns: AtomicU64::new(u64::MAX),
            last_ns: AtomicU64::new(0),
            log: log.map(|file| Mutex::new(BufWriter::new(file))),
        })
    }

    /// Requests counted so far.
    pub fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    /// The request rate from the first request to the latest; 0 before two requests.
    pub fn first_to_last(&self) -> (Duration, f64) {
        let first = self.first_ns.load(Ordering::Relaxed);
        let last = self.last_ns.load(Ordering::Relaxed);
        let count = self.count();
        if first == u64::MAX || last <= first || count < 2 {
            return (Duration::ZERO, 0.0);
        }
        let span = Duration::from_nanos(last - first);
        (span, (count - 1) as f64 / span.as_secs_f64())
    }

    fn record(&self, method: &Method, uri: &Uri) {
        let now = u64::try_from(self.started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.first_ns.fetch_min(now, Ordering::Relaxed);
        self.last_ns.fetch_max(now, Ordering::Relaxed);
        self.count.fetch_add(1, Ordering::Relaxed);
        if let Some(log) = &self.log
            && let Ok(mut out) = log.lock()
        {
            // A lost log line must not fail the request being counted.
            let _ = writeln!(out, "{method} {uri}").and_then(|()| out.flush());
        }
    }
}

/// The sink's app: counts every request, any method and path, and answers 200 — except its
/// own two, which are not counted: `GET /_sink/stats` (the counts as JSON) and
/// `POST /_sink/reset` (start counting afresh), so a driver can measure one burst at a time.
pub fn sink(state: Arc<Sink>) -> Router {
    Router::new()
        .route("/_sink/stats", get(stats))
        .route("/_sink/reset", post(reset))
        .fallback(count)
        .with_state(state)
}

async fn count(State(sink): State<Arc<Sink>>, method: Method, uri: Uri) -> StatusCode {
    sink.record(&method, &uri);
    StatusCode::OK
}

async fn stats(State(sink): State<Arc<Sink>>) -> Json<serde_json::Value> {
    let (span, rate) = sink.first_to_last();
    Json(json!({
        "total": sink.count(),
        "first_to_last_s": span.as_secs_f64(),
        "rate": rate,
    }))
}

async fn reset(State(sink): State<Arc<Sink>>) -> StatusCode {
    sink.count.store(0, Ordering::Relaxed);
    sink.first_ns.store(u64::MAX, Ordering::Relaxed);
    sink.last_ns.store(0, Ordering::Relaxed);
    StatusCode::OK
}

/// Prints, once a second, the count so far and the rate over the last second.
pub async fn report_every_second(sink: Arc<Sink>) {
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    ticker.tick().await;
    let mut previous = 0;
    loop {
        ticker.tick().await;
        let count = sink.count();
        println!(
            "t={}s total={count} rate={}/s",
            sink.started.elapsed().as_secs(),
            count - previous
        );
        previous = count;
    }
}

/// The last line the sink prints.
pub fn final_line(sink: &Sink) -> String {
    let (span, rate) = sink.first_to_last();
    format!(
        "final total={} first_to_last_s={:.3} rate={:.1}/s",
        sink.count(),
        span.as_secs_f64(),
        rate
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{Connection, Target};
    use bytes::Bytes;
    use tokio::sync::oneshot;

    async fn start(app: Router) -> (String, oneshot::Sender<()>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}/any/path", listener.local_addr().expect("addr"));
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(serve(listener, app, async {
            let _ = stopped.await;
        }));
        (url, stop)
    }

    async fn post(url: &str) -> u16 {
        let mut connection = Connection::new(Target::parse(url).expect("url"));
        connection
            .post(
                Bytes::from_static(b"{}"),
                "sha256=00",
                Duration::from_secs(5),
            )
            .await
            .expect("answered")
    }

    #[tokio::test]
    async fn baseline_answers_200_to_anything() {
        let (url, _stop) = start(baseline()).await;
        assert_eq!(post(&url).await, 200);
    }

    #[tokio::test]
    async fn sink_counts_every_request() {
        let sink_state = Sink::new(None);
        let (url, _stop) = start(sink(sink_state.clone())).await;
        for _ in 0..3 {
            assert_eq!(post(&url).await, 200);
        }
        assert_eq!(sink_state.count(), 3);
        assert!(final_line(&sink_state).starts_with("final total=3 "));
    }

    #[tokio::test]
    async fn the_sinks_own_endpoints_are_not_counted() {
        let sink_state = Sink::new(None);
        let (url, _stop) = start(sink(sink_state.clone())).await;
        post(&url).await;
        let base = url.trim_end_matches("/any/path");
        assert_eq!(post(&format!("{base}/_sink/reset")).await, 200);
        assert_eq!(sink_state.count(), 0);
        post(&url).await;
        assert_eq!(sink_state.count(), 1);
    }
}
