//! Open-loop API calls for the `desk` and `hold` runs: the `webhook` run's dispatcher
//! ([`crate::load`]) releases call *i* at its intended time, a pool of keep-alive
//! [`ApiConnection`]s drains the queue, and latency counts from the intended time.
//! What each call is, and what to keep from its answer, is the caller's [`Calls`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use bytes::Bytes;
use hyper::Method;
use tokio::sync::Mutex;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

use crate::api::{Api, ApiConnection};
use crate::load::{Ticket, dispatch};
use crate::schedule::Schedule;
use crate::stats::{Failure, Stats};

/// One API call.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: Method,
    pub path: String,
    pub body: Option<Bytes>,
}

/// What a run calls, and what it does with the answers.
pub trait Calls: Send + Sync + 'static {
    /// The run starts: call *i* is intended at `start + schedule.offset(i)`. Called once,
    /// before the first call is released.
    fn starting(&self, _start: Instant) {}
    /// Call number `index`.
    fn call(&self, index: u64) -> Call;
    /// Call `index` was answered with `status` and `body`.
    fn answered(&self, _index: u64, _status: u16, _body: &Bytes) {}
}

/// The pace and the pool.
#[derive(Debug, Clone, Copy)]
pub struct Pace {
    pub schedule: Schedule,
    pub connections: usize,
    /// A call not sent this long after its intended time is `expired`; one unanswered this
    /// long after it was sent is `timeout`.
    pub timeout: Duration,
}

/// What a run measured.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub measured: Stats,
    pub warmup: Stats,
    /// When call 0 was intended.
    pub start: Instant,
}

impl Outcome {
    /// 2xx answers to measured calls per second, over the window stretched to the last
    /// measured answer when the target answered late.
    pub fn achieved_rate(&self, pace: &Pace) -> f64 {
        let window_start = self.start + pace.schedule.window_start();
        let answered_by = self.measured.last_answer().map_or(Duration::ZERO, |last| {
            last.saturating_duration_since(window_start)
        });
        let window = pace.schedule.window().max(answered_by);
        self.measured.ok() as f64 / window.as_secs_f64().max(f64::EPSILON)
    }
}

type Queue = Arc<Mutex<UnboundedReceiver<Ticket>>>;

/// Runs `calls` at `pace` once the pool is open.
pub async fn run(api: &Api, pace: Pace, calls: Arc<dyn Calls>) -> anyhow::Result<Outcome> {
    let mut pool = Vec::with_capacity(pace.connections);
    for _ in 0..pace.connections.max(1) {
        let mut connection = api.connection();
        connection
            .open()
            .await
            .with_context(|| format!("cannot reach {}", api.url()))?;
        pool.push(connection);
    }
    let (release, queue) = unbounded_channel();
    let queue: Queue = Arc::new(Mutex::new(queue));
    let workers: Vec<_> = pool
        .into_iter()
        .map(|connection| tokio::spawn(work(pace, calls.clone(), connection, queue.clone())))
        .collect();
    // Leave the pool a moment to settle before the first intended time.
    let start = Instant::now() + Duration::from_millis(20);
    calls.starting(start);
    let schedule = pace.schedule;
    let dispatcher = std::thread::spawn(move || dispatch(schedule, start, release));
    let mut outcome = Outcome {
        measured: Stats::new(),
        warmup: Stats::new(),
        start,
    };
    for worker in workers {
        let (m, w) = worker.await.context("a connection task panicked")?;
        outcome.measured.merge(&m);
        outcome.warmup.merge(&w);
    }
    if dispatcher.join().is_err() {
        anyhow::bail!("the dispatcher panicked");
    }
    Ok(outcome)
}

async fn work(
    pace: Pace,
    calls: Arc<dyn Calls>,
    mut connection: ApiConnection,
    queue: Queue,
) -> (Stats, Stats) {
    let mut measured = Stats::new();
    let mut warmup = Stats::new();
    loop {
        let Some(ticket) = queue.lock().await.recv().await else {
            break;
        };
        let stats = if pace.schedule.is_measured(ticket.index) {
            &mut measured
        } else {
            &mut warmup
        };
        if ticket.intended.elapsed() > pace.timeout {
            stats.failure(Failure::Expired);
            continue;
        }
        let call = calls.call(ticket.index);
        let outcome = connection
            .send(call.method, &call.path, call.body, pace.timeout)
            .await;
        let now = Instant::now();
        match outcome {
            Ok((status, body)) => {
                stats.answer(status, now.saturating_duration_since(ticket.intended), now);
                calls.answered(ticket.index, status, &body);
            }
            Err(failure) => stats.failure(failure),
        }
    }
    (measured, warmup)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server;
    use std::sync::atomic::{AtomicU64, Ordering};
    use tokio::net::TcpListener;

    struct Counted(AtomicU64);

    impl Calls for Counted {
        fn call(&self, index: u64) -> Call {
            Call {
                method: Method::POST,
                path: format!("/x/{index}"),
                body: Some(Bytes::from_static(b"{}")),
            }
        }
        fn answered(&self, _index: u64, status: u16, _body: &Bytes) {
            if status == 200 {
                self.0.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    #[tokio::test]
    async fn every_call_is_made_and_its_answer_seen() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(server::serve(
            listener,
            server::baseline(),
            std::future::pending(),
        ));
        let api = Api::new(&url, "t").expect("api");
        let pace = Pace {
            schedule: Schedule::new(200.0, 0.1, 0.5),
            connections: 3,
            timeout: Duration::from_secs(5),
        };
        let calls = Arc::new(Counted(AtomicU64::new(0)));
        let outcome = run(&api, pace, calls.clone()).await.expect("run");
        assert_eq!(outcome.measured.ok(), 100);
        assert_eq!(outcome.warmup.ok(), 20);
        assert_eq!(calls.0.load(Ordering::Relaxed), 120);
        // 100 answers over the 0.5 s window: a busy machine only lowers the rate (late answers
        // stretch the window), and releasing requests on schedule keeps it from going above.
        let rate = outcome.achieved_rate(&pace);
        assert!(rate > 0.0 && rate <= 200.0, "{rate}");
    }
}
