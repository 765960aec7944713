//! A `webhook` run. A dispatcher releases request *i* into a queue at its intended time
//! ([`Schedule`]); a pool of keep-alive connections drains the queue, each connection carrying
//! one request at a time (HTTP/1.1). A request waits in the queue while every connection is
//! busy, and that wait is part of its latency, which counts from the intended time: a slow
//! target cannot hide its slowness by slowing the load down (no coordinated omission).
//!
//! A request still queued when `timeout` has passed since its intended time is not sent and
//! counts as `expired`, so a run ends within about `timeout` of its last intended time.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use bytes::Bytes;
use tokio::sync::Mutex;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use crate::acked::AckedLog;
use crate::client::{Connection, Target};
use crate::payload::{Generator, signature};
use crate::schedule::Schedule;
use crate::stats::{Failure, Stats, Summary};

/// Everything a run needs, from the command line.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The target.
    pub target: Target,
    /// HMAC key of the signature.
    pub app_secret: Vec<u8>,
    /// What each request carries.
    pub generator: Generator,
    /// When each request is due.
    pub schedule: Schedule,
    /// Connections in the pool.
    pub connections: usize,
    /// Per request, counted from its intended time for queued requests (then `expired`) and
    /// from its send for sent ones (then `timeout`).
    pub timeout: Duration,
}

/// A request released by the dispatcher.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ticket {
    /// Its place in the schedule.
    pub(crate) index: u64,
    /// When it was due.
    pub(crate) intended: Instant,
}

type Queue = Arc<Mutex<UnboundedReceiver<Ticket>>>;

/// Runs the plan; with `acked`, the id of every 2xx-answered request is logged there.
pub async fn run(plan: Plan, acked: Option<AckedLog>) -> anyhow::Result<Summary> {
    let plan = Arc::new(plan);
    let mut pool = Vec::with_capacity(plan.connections);
    for _ in 0..plan.connections.max(1) {
        let mut connection = Connection::new(plan.target.clone());
        connection
            .open()
            .await
            .with_context(|| format!("cannot reach {}", plan.target.url()))?;
        pool.push(connection);
    }
    let (release, queue) = unbounded_channel();
    let queue: Queue = Arc::new(Mutex::new(queue));
    let workers: Vec<_> = pool
        .into_iter()
        .map(|connection| {
            let acked = acked.as_ref().map(AckedLog::sender);
            tokio::spawn(work(plan.clone(), connection, queue.clone(), acked))
        })
        .collect();
    // Leave the pool a moment to settle before the first intended time.
    let start = Instant::now() + Duration::from_millis(20);
    let schedule = plan.schedule;
    let dispatcher = std::thread::spawn(move || dispatch(schedule, start, release));
    let mut measured = Stats::new();
    let mut warmup = Stats::new();
    for worker in workers {
        let (m, w) = worker.await.context("a connection task panicked")?;
        measured.merge(&m);
        warmup.merge(&w);
    }
    if dispatcher.join().is_err() {
        anyhow::bail!("the dispatcher panicked");
    }
    if let Some(log) = acked {
        log.finish()?;
    }
    let schedule = &plan.schedule;
    let window_start = start + schedule.window_start();
    let answered_by = measured.last_answer().map_or(Duration::ZERO, |last| {
        last.saturating_duration_since(window_start)
    });
    let window = schedule.window().max(answered_by);
    Ok(Summary {
        url: plan.target.url().to_owned(),
        connections: plan.connections,
        intended_rate: schedule.rate(),
        duration_s: schedule.window().as_secs_f64(),
        warmup_s: schedule.window_start().as_secs_f64(),
        achieved_rate: measured.ok() as f64 / window.as_secs_f64().max(f64::EPSILON),
        measured,
        warmup,
    })
}

/// Releases each request at its intended time; the queue closes after the last one. A thread
/// of its own with `std::thread::sleep` keeps to the schedule within a few tens of
/// microseconds, where tokio's timer would release up to a millisecond late and add that to
/// every latency.
pub(crate) fn dispatch(schedule: Schedule, start: Instant, release: UnboundedSender<Ticket>) {
    let mut next = 0;
    while next < schedule.total() {
        let due_at = start + schedule.offset(next);
        let now = Instant::now();
        if due_at > now {
            std::thread::sleep(due_at - now);
        }
        let due = schedule.due_by(Instant::now().saturating_duration_since(start));
        for index in next..due {
            let intended = start + schedule.offset(index);
            if release.send(Ticket { index, intended }).is_err() {
                return;
            }
        }
        next = due;
    }
}

/// One connection's loop: take the next released request, send it, record the outcome.
/// Returns the measured and the warm-up counts.
async fn work(
    plan: Arc<Plan>,
    mut connection: Connection,
    queue: Queue,
    acked: Option<UnboundedSender<String>>,
) -> (Stats, Stats) {
    let mut measured = Stats::new();
    let mut warmup = Stats::new();
    loop {
        let Some(ticket) = queue.lock().await.recv().await else {
            break;
        };
        let stats = if plan.schedule.is_measured(ticket.index) {
            &mut measured
        } else {
            &mut warmup
        };
        if ticket.intended.elapsed() > plan.timeout {
            stats.failure(Failure::Expired);
            continue;
        }
        let request = plan.generator.request(ticket.index, unix_seconds());
        let signed = signature(&plan.app_secret, &request.body);
        let outcome = connection
            .post(Bytes::from(request.body), &signed, plan.timeout)
            .await;
        let now = Instant::now();
        match outcome {
            Ok(status) => {
                stats.answer(status, now.saturating_duration_since(ticket.intended), now);
                if (200..300).contains(&status)
                    && let Some(acked) = &acked
                {
                    let _ = acked.send(request.message_id);
                }
            }
            Err(failure) => stats.failure(failure),
        }
    }
    (measured, warmup)
}

fn unix_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server;
    use tokio::net::TcpListener;

    #[tokio::test]
    async fn a_run_against_the_baseline_gets_every_request_answered() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}/webhook", listener.local_addr().expect("addr"));
        tokio::spawn(server::serve(
            listener,
            server::baseline(),
            std::future::pending(),
        ));
        let dir = std::env::temp_dir().join(format!("loadgen-run-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let acked_path = dir.join("acked");
        let plan = Plan {
            target: Target::parse(&url).expect("url"),
            app_secret: b"secret".to_vec(),
            generator: Generator::new("106540352242922", "102290129340398", "t", 2, 10),
            schedule: Schedule::new(200.0, 0.1, 0.5),
            connections: 4,
            timeout: Duration::from_secs(5),
        };
        let log = AckedLog::open(&acked_path).expect("acked log");
        let summary = run(plan, Some(log)).await.expect("run");
        assert_eq!(summary.measured.requests(), 100);
        assert_eq!(summary.measured.ok(), 100);
        assert_eq!(summary.warmup.requests(), 20);
        assert_eq!(summary.failed(), 0);
        // A busy machine only lowers the achieved rate; the schedule keeps it at 200/s or less.
        let rate = summary.achieved_rate;
        assert!(rate > 0.0 && rate <= 200.0, "{rate}");
        let acked = std::fs::read_to_string(&acked_path).expect("acked ids");
        let mut ids: Vec<&str> = acked.lines().collect();
        assert_eq!(ids.len(), 120, "warm-up acknowledgements are logged too");
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 60, "each id was sent twice (--repeat-ids 2)");
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

    #[tokio::test]
    async fn an_unreachable_target_fails_before_the_run() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}/", listener.local_addr().expect("addr"));
        drop(listener);
        let plan = Plan {
            target: Target::parse(&url).expect("url"),
            app_secret: Vec::new(),
            generator: Generator::new("1", "2", "t", 1, 1),
            schedule: Schedule::new(10.0, 0.0, 1.0),
            connections: 1,
            timeout: Duration::from_secs(1),
        };
        assert!(run(plan, None).await.is_err());
    }
}
