//! One dialer's run: a task that claims pending records in position order, batch by batch,
//! only inside the schedule, checks them, and sends each at its paced slot on the next channel.
//!
//! A record is written `sending` (with its message row) in the transaction just before its
//! request leaves, so a stop halts at once (records not yet granted a slot stay pending) and a
//! crash leaves at most the records in flight `sending`, which the next start marks `unknown`.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::sync::{Semaphore, mpsc, watch};
use tokio::task::JoinSet;

use super::Dialers;
use super::pace::{Pacer, SendGate};
use super::send::{self, Channels, Line, Ready, Signal};
use super::settings::{DialerSettings, parse_channels};
use super::zones::ContactWindow;
use crate::clock;
use crate::store::{RecordState, SendEnd, StoreError};

/// How long a waiting dialer sleeps before looking again.
const IDLE: Duration = Duration::from_secs(1);

/// Consecutive unreachable-provider attempts after which the dialer pauses.
const UNREACHABLE_LIMIT: u32 = 5;

/// Requests in flight per dialer.
const IN_FLIGHT: usize = 256;

/// Rate used when neither the dialer nor its provider names one.
const FALLBACK_RATE: u32 = 10;

/// What a run shows the monitor while it goes.
#[derive(Default)]
pub struct RunStats {
    /// Inside the dialing window.
    pub on_schedule: AtomicBool,
    /// Sends granted since the run started.
    pub dispatched: AtomicU64,
    /// The ceiling in force (lowered after "too fast").
    pub ceiling: AtomicU32,
    /// The most sends that left in any one second of the run.
    pub peak: AtomicU32,
    /// Why it is not sending, if it is waiting.
    pub waiting: std::sync::Mutex<Option<String>>,
    /// When the last second's sends were granted.
    recent: std::sync::Mutex<VecDeque<Instant>>,
}

impl RunStats {
    /// Sends granted in the last second.
    pub fn rate(&self) -> usize {
        self.last_second(0)
    }

    fn granted(&self, n: usize) {
        self.last_second(n);
        self.dispatched.fetch_add(n as u64, Ordering::Relaxed);
    }

    /// Logs `n` sends now and forgets those older than a second; returns how many are left.
    fn last_second(&self, n: usize) -> usize {
        let now = Instant::now();
        let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        recent.extend(std::iter::repeat_n(now, n));
        while recent
            .front()
            .is_some_and(|&t| now.duration_since(t) >= Duration::from_secs(1))
        {
            recent.pop_front();
        }
        recent.len()
    }

    fn wait(&self, why: Option<String>) {
        *self.waiting.lock().unwrap_or_else(|e| e.into_inner()) = why;
    }
}

/// Why a run ended.
enum Ended {
    Stopped,
    Paused(String),
}

/// Runs dialer `id` until it is stopped, paused, deleted or the engine stops.
pub(super) async fn run(
    dialers: Arc<Dialers>,
    id: i64,
    stats: Arc<RunStats>,
    mut stop: watch::Receiver<bool>,
) {
    let (signals, mut signal_rx) = mpsc::unbounded_channel::<Signal>();
    let in_flight = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut sends = JoinSet::new();
    let mut run = Run {
        dialers: dialers.clone(),
        id,
        stats: stats.clone(),
        pacer: None,
        channels: None,
        window: None,
        cursor: 0,
        unreachable: 0,
        last_progress: Instant::now(),
        campaign: None,
        gate: Arc::new(SendGate::default()),
        pass: Pass::default(),
    };
    let ended = loop {
        while sends.try_join_next().is_some() {}
        if *stop.borrow() {
            break Ended::Stopped;
        }
        if let Some(reason) = run.absorb(&mut signal_rx) {
            break Ended::Paused(reason);
        }
        match run
            .step(&mut stop, &mut signal_rx, &signals, &in_flight, &mut sends)
            .await
        {
            Ok(Step::Continue) => {}
            Ok(Step::Wait(why, wait)) => {
                stats.wait(Some(why));
                run.progress();
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    _ = stop.changed() => {}
                    () = dialers.wakeup.notified() => {}
                }
            }
            Ok(Step::End(ended)) => break ended,
            Err(error) => {
                tracing::error!(dialer = id, %error, "the dialer could not read or write its records; retrying");
                stats.wait(Some(format!("store error: {error}")));
                tokio::time::sleep(IDLE).await;
            }
        }
    };
    // Sends in flight record their results before the run is over.
    while sends.join_next().await.is_some() {}
    let reason = match ended {
        Ended::Stopped => None,
        Ended::Paused(reason) => Some(reason),
    };
    if let Some(reason) = &reason {
        tracing::warn!(dialer = id, %reason, "dialer paused");
        if let Err(error) = dialers
            .messaging
            .store
            .set_dialer_running(id, false, Some(reason.clone()), clock::now_ms())
            .await
        {
            tracing::error!(dialer = id, %error, "could not record the dialer's pause");
        }
    }
    stats.wait(reason);
    run.progress_now();
}

enum Step {
    Continue,
    Wait(String, Duration),
    End(Ended),
}

struct Run {
    dialers: Arc<Dialers>,
    id: i64,
    stats: Arc<RunStats>,
    pacer: Option<Pacer>,
    channels: Option<(String, Channels)>,
    window: Option<ContactWindow>,
    /// Position of the last record claimed; pending records before it are looked at again
    /// once the end is reached.
    cursor: i64,
    unreachable: u32,
    last_progress: Instant,
    /// The dialer's campaign: its supervisors see the progress.
    campaign: Option<i64>,
    /// The pace again where requests leave.
    gate: Arc<SendGate>,
    /// What this pass over the list did: a pass that only met records outside their contact
    /// window waits before the next.
    pass: Pass,
}

#[derive(Default)]
struct Pass {
    sent: bool,
    later: bool,
}

impl Run {
    /// One batch: read the dialer, check the schedule, claim, check, send.
    async fn step(
        &mut self,
        stop: &mut watch::Receiver<bool>,
        signal_rx: &mut mpsc::UnboundedReceiver<Signal>,
        signals: &mpsc::UnboundedSender<Signal>,
        in_flight: &Arc<Semaphore>,
        sends: &mut JoinSet<()>,
    ) -> Result<Step, StoreError> {
        let messaging = self.dialers.messaging.clone();
        let Some(row) = messaging.store.dialer(self.id).await? else {
            return Ok(Step::End(Ended::Stopped));
        };
        if !row.running {
            return Ok(Step::End(Ended::Stopped));
        }
        let settings: DialerSettings = match serde_json::from_str(&row.settings) {
            Ok(settings) => settings,
            Err(e) => {
                return Ok(Step::End(Ended::Paused(format!(
                    "unreadable settings: {e}"
                ))));
            }
        };
        self.campaign = settings.campaign_id;
        if !settings.enabled {
            return Ok(Step::Wait("the dialer is disabled".into(), IDLE));
        }
        let now = clock::now_ms();
        let schedule = match settings.schedule.as_ref().map(|s| s.compile()).transpose() {
            Ok(schedule) => schedule,
            Err(e) => return Ok(Step::End(Ended::Paused(format!("schedule: {e}")))),
        };
        let open = schedule.as_ref().is_none_or(|s| s.is_open(now));
        self.stats.on_schedule.store(open, Ordering::Relaxed);
        if !open {
            let next = schedule.as_ref().and_then(|s| s.next_change(now));
            let wait = next.map_or(IDLE * 30, |at| {
                Duration::from_millis(u64::try_from(at - now).unwrap_or(0)).min(IDLE * 30)
            });
            return Ok(Step::Wait(
                "outside the dialing window".into(),
                wait.max(IDLE / 10),
            ));
        }
        let lines = match send::lines(&messaging, &settings) {
            Ok(lines) => lines,
            Err(why) => return Ok(Step::Wait(why, IDLE)),
        };
        self.configure(&settings, &lines);
        let batch = messaging
            .store
            .pending_records(self.id, self.cursor, i64::from(settings.batch_size))
            .await?;
        let Some(last) = batch.last() else {
            // The end of the list: back to the top for what was passed over.
            let waiting_window = std::mem::take(&mut self.pass);
            if waiting_window.later && !waiting_window.sent {
                self.cursor = 0;
                return Ok(Step::Wait(
                    "records wait for their contact window".into(),
                    IDLE * 30,
                ));
            }
            if self.cursor > 0 {
                self.cursor = 0;
                return Ok(Step::Continue);
            }
            return Ok(Step::Wait("no pending records".into(), IDLE));
        };
        self.cursor = last.position;
        self.stats.wait(None);
        let Some((_, channels)) = self.channels.as_mut() else {
            return Ok(Step::Continue);
        };
        let checked = send::check(
            &messaging,
            &settings,
            &lines,
            channels,
            self.window.as_mut(),
            batch,
        )
        .await?;
        self.pass.sent |= !checked.ready.is_empty();
        self.pass.later |= checked.later > 0;
        if !checked.ends.is_empty() {
            messaging
                .store
                .end_records(checked.ends, clock::now_ms())
                .await?;
        }
        let campaign = send::reply_campaign(&messaging, &settings).await;
        let mut ready = checked.ready.as_slice();
        while !ready.is_empty() {
            if *stop.borrow() {
                return Ok(Step::End(Ended::Stopped));
            }
            if let Some(reason) = self.absorb(signal_rx) {
                return Ok(Step::End(Ended::Paused(reason)));
            }
            let Some(pacer) = self.pacer.as_mut() else {
                return Ok(Step::Continue);
            };
            match pacer.grant(Instant::now(), ready.len()) {
                Ok(n) => {
                    self.stats.granted(n);
                    let (chunk, rest) = ready.split_at(n);
                    ready = rest;
                    self.dispatch(
                        chunk, &settings, &lines, campaign, signals, in_flight, sends,
                    )
                    .await?;
                    self.progress();
                }
                Err(when) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(when.into()) => {}
                        _ = stop.changed() => {}
                    }
                }
            }
        }
        Ok(Step::Continue)
    }

    /// Builds or updates the pacer, channels and contact window from the settings.
    fn configure(&mut self, settings: &DialerSettings, lines: &[Line]) {
        // The providers' own rates, each connector once.
        let mut counted = std::collections::BTreeSet::new();
        let provider_rate = lines
            .iter()
            .filter(|l| counted.insert(l.connector.id))
            .map(|l| {
                l.connector
                    .capabilities
                    .as_ref()
                    .map_or(FALLBACK_RATE, |c| c.max_per_second.max(1))
            })
            .fold(0u32, u32::saturating_add);
        let mut ceiling = settings.max_per_second.unwrap_or(provider_rate);
        if let Some(per_second) = 1000u64.checked_div(settings.interval_ms) {
            ceiling = ceiling.min(u32::try_from(per_second).unwrap_or(1).max(1));
        }
        let interval = Duration::from_millis(settings.interval_ms);
        match &mut self.pacer {
            Some(pacer) => pacer.set(interval, ceiling),
            None => self.pacer = Some(Pacer::new(interval, ceiling)),
        }
        if let Some(pacer) = &self.pacer {
            self.stats
                .ceiling
                .store(pacer.current_ceiling(), Ordering::Relaxed);
            self.gate.set(interval, pacer.current_ceiling());
        }
        if self
            .channels
            .as_ref()
            .is_none_or(|(k, _)| *k != settings.channels)
        {
            let list = parse_channels(&settings.channels).unwrap_or_else(|_| vec![0]);
            self.channels = Some((settings.channels.clone(), Channels::new(list)));
        }
        self.window = settings.contact_window.clone().map(|weekly| {
            let fallback = settings
                .schedule
                .as_ref()
                .map_or("UTC", |s| s.time_zone.as_str());
            match self.window.take() {
                Some(window) if window.weekly() == weekly.as_slice() => window,
                _ => ContactWindow::new(weekly, fallback),
            }
        });
    }

    /// Checks a chunk against the do-not-call list and blacklist again (a number added since
    /// the batch was claimed is respected), writes the rest `sending` and hands each record to
    /// a send task.
    #[allow(clippy::too_many_arguments)]
    async fn dispatch(
        &mut self,
        chunk: &[Ready],
        settings: &DialerSettings,
        lines: &[Line],
        campaign: Option<(i64, i64)>,
        signals: &mpsc::UnboundedSender<Signal>,
        in_flight: &Arc<Semaphore>,
        sends: &mut JoinSet<()>,
    ) -> Result<(), StoreError> {
        let messaging = &self.dialers.messaging;
        let store = messaging.store.clone();
        let numbers: Vec<String> = chunk.iter().map(|r| r.to.clone()).collect();
        let blocks = send::blocks(messaging, settings, lines, &numbers).await?;
        let mut ends = Vec::new();
        let chunk: Vec<Ready> = chunk
            .iter()
            .filter(
                |r| match send::block_reason(&blocks, &lines[r.line], &r.to) {
                    Some(why) => {
                        ends.push((r.record_id, RecordState::Blocked, why));
                        false
                    }
                    None => true,
                },
            )
            .cloned()
            .collect();
        if !ends.is_empty() {
            store.end_records(ends, clock::now_ms()).await?;
        }
        let chunk = chunk.as_slice();
        let begins = chunk
            .iter()
            .map(|r| send::begin_of(r, &lines[r.line], campaign))
            .collect();
        let started: Vec<(Ready, i64)> = match store.begin_sends(begins, clock::now_ms()).await {
            Ok(ids) => chunk.iter().cloned().zip(ids).collect(),
            // One was purged meanwhile: the others go one by one.
            Err(StoreError::Conflict(_)) => {
                let mut started = Vec::new();
                for ready in chunk {
                    let begin = send::begin_of(ready, &lines[ready.line], campaign);
                    match store.begin_sends(vec![begin], clock::now_ms()).await {
                        Ok(ids) => started.push((ready.clone(), ids[0])),
                        Err(StoreError::Conflict(_)) => {}
                        Err(error) => return Err(error),
                    }
                }
                started
            }
            Err(error) => return Err(error),
        };
        for (ready, message_id) in started {
            let Ok(permit) = in_flight.clone().acquire_owned().await else {
                return Ok(());
            };
            // Through the gate here, one by one, so requests leave in the records' order.
            let in_last_second = self.gate.pass().await;
            self.stats.peak.fetch_max(
                u32::try_from(in_last_second).unwrap_or(u32::MAX),
                Ordering::Relaxed,
            );
            let line = lines[ready.line].clone();
            let messaging = self.dialers.messaging.clone();
            let signals = signals.clone();
            sends.spawn(async move {
                let (end, signal) = send::send(&messaging, &line, &ready, message_id).await;
                let requeued = matches!(end, SendEnd::Again { .. });
                if let Err(error) = messaging
                    .store
                    .finish_send(ready.record_id, message_id, end, clock::now_ms())
                    .await
                {
                    tracing::error!(record = ready.record_id, %error, "recording a dialer send failed; the record stays `sending` and turns unknown at the next start");
                }
                if requeued || signal != Signal::None {
                    let _ = signals.send(signal);
                }
                drop(permit);
            });
        }
        Ok(())
    }

    /// Takes in what sends reported; `Some(reason)` when the dialer must pause.
    fn absorb(&mut self, signal_rx: &mut mpsc::UnboundedReceiver<Signal>) -> Option<String> {
        while let Ok(signal) = signal_rx.try_recv() {
            // A record went back to pending, behind the cursor: look again from the start.
            self.cursor = 0;
            match signal {
                Signal::None => self.unreachable = 0,
                Signal::Throttle(ms) => {
                    self.unreachable = 0;
                    if let Some(pacer) = &mut self.pacer {
                        pacer.throttled(Instant::now(), Duration::from_millis(ms));
                        self.stats
                            .ceiling
                            .store(pacer.current_ceiling(), Ordering::Relaxed);
                    }
                    self.throttled_gate();
                }
                Signal::Pause(reason) => return Some(reason),
                Signal::Unreachable(why) => {
                    self.unreachable += 1;
                    if self.unreachable >= UNREACHABLE_LIMIT {
                        return Some(format!("the provider cannot be reached: {why}"));
                    }
                    if let Some(pacer) = &mut self.pacer {
                        pacer.throttled(Instant::now(), IDLE);
                    }
                }
            }
        }
        None
    }

    /// The gate follows a lowered ceiling at once (configure does on the next batch).
    fn throttled_gate(&self) {
        if let Some(pacer) = &self.pacer {
            self.gate.set(pacer.interval(), pacer.current_ceiling());
        }
    }

    /// A progress event at most every half second.
    fn progress(&mut self) {
        if self.last_progress.elapsed() >= Duration::from_millis(500) {
            self.progress_now();
        }
    }

    fn progress_now(&mut self) {
        self.last_progress = Instant::now();
        let stats = &self.stats;
        let data = json!({
            "dialer_id": self.id,
            "on_schedule": stats.on_schedule.load(Ordering::Relaxed),
            "dispatched": stats.dispatched.load(Ordering::Relaxed),
            "rate_per_s": stats.rate(),
            "ceiling_per_s": stats.ceiling.load(Ordering::Relaxed),
            "waiting": stats.waiting.lock().unwrap_or_else(|e| e.into_inner()).clone(),
        });
        self.dialers.publish(&data, self.campaign);
    }
}
