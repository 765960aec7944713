//! The dialer: bulk WhatsApp/SMS from CSV lists (DESIGN §6).
//!
//! - [`settings`]: what a dialer is (connectors, campaign, schedule, channels, pace...).
//! - [`list`], [`spool`]: an uploaded CSV, streamed into records with positions.
//! - [`run`]: one task per started dialer, sending pending records in position order.
//! - [`send`]: the gate's rules for a batch, and one record out to its provider.
//! - [`pace`], [`zones`]: the time between messages and ceiling; the contact window.
//!
//! [`Dialers`] starts, stops and watches the runs; a restart resumes the dialers that were
//! running, after marking records a crash left `sending` as `unknown`.

pub mod list;
pub mod pace;
mod run;
pub mod send;
pub mod settings;
pub mod spool;
pub mod zones;

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;
use utoipa::ToSchema;

use crate::clock;
use crate::config::DialerConfig;
use crate::conversations::compliance::GateError;
use crate::providers::Messaging;
use crate::routing::hub::Hub;
use crate::store::{NewRecord, RecordRow, RecordState, StoreError};
use run::RunStats;
use settings::DialerSettings;

/// Why a dialer call failed.
#[derive(Debug, thiserror::Error)]
pub enum DialerError {
    /// No such dialer (or record).
    #[error("{0}")]
    NotFound(String),
    /// The request breaks a rule.
    #[error("{0}")]
    Invalid(String),
    /// The send was refused by the gate.
    #[error(transparent)]
    Gate(#[from] GateError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A dialer's figures for the monitor.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DialerStatus {
    /// The dialer.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Started and not stopped.
    pub running: bool,
    /// Its run is sending or waiting for its turn now.
    pub active: bool,
    /// Why it paused itself, if it did (a provider limit...).
    pub paused_reason: Option<String>,
    /// Inside its dialing window now.
    pub on_schedule: bool,
    /// Why a running dialer is not sending, if it is not.
    pub waiting: Option<String>,
    /// Records dealt with (not pending).
    pub processed: i64,
    /// Records pending.
    pub not_processed: i64,
    /// Records per state.
    pub counts: HashMap<String, i64>,
    /// Sends in the last second.
    pub rate_per_s: usize,
    /// The ceiling in force (lowered after a provider said "too fast").
    pub ceiling_per_s: u32,
    /// The most sends that left in any one second of the current run.
    pub peak_per_s: u32,
}

struct RunHandle {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
    stats: Arc<RunStats>,
}

/// Every dialer's run.
pub struct Dialers {
    messaging: Arc<Messaging>,
    hub: Option<Arc<Hub>>,
    config: DialerConfig,
    runs: Mutex<HashMap<i64, RunHandle>>,
    /// Stopped runs replaced by a new start while they finished their last sends.
    finishing: Mutex<Vec<JoinHandle<()>>>,
    /// Rung when records are added, so an idle run looks at once.
    wakeup: Notify,
}

impl Dialers {
    /// Marks records a previous run left `sending` as `unknown`, then resumes the dialers
    /// that were running.
    pub async fn start(
        messaging: Arc<Messaging>,
        hub: Option<Arc<Hub>>,
        config: DialerConfig,
    ) -> Result<Arc<Self>, StoreError> {
        let marked = messaging
            .store
            .mark_interrupted_records(clock::now_ms())
            .await?;
        if marked > 0 {
            tracing::warn!(
                records = marked,
                "dialer records were being sent when the engine stopped; marked unknown, not re-sent"
            );
        }
        let dialers = Arc::new(Self {
            messaging,
            hub,
            config,
            runs: Mutex::new(HashMap::new()),
            finishing: Mutex::new(Vec::new()),
            wakeup: Notify::new(),
        });
        for row in dialers.messaging.store.dialers().await? {
            if row.running {
                dialers.spawn(row.id);
            }
        }
        Ok(dialers)
    }

    /// The messaging service the dialers send through.
    pub fn messaging(&self) -> &Arc<Messaging> {
        &self.messaging
    }

    /// The `[dialer]` settings.
    pub fn config(&self) -> &DialerConfig {
        &self.config
    }

    fn runs(&self) -> std::sync::MutexGuard<'_, HashMap<i64, RunHandle>> {
        self.runs.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts a run for `id` unless one is going. A run told to stop that is still finishing
    /// its last sends does not count: the new run starts beside it (a record is written
    /// `sending` only while pending, so the two never send the same one).
    fn spawn(self: &Arc<Self>, id: i64) {
        let mut runs = self.runs();
        if runs
            .get(&id)
            .is_some_and(|r| !r.task.is_finished() && !*r.stop.borrow())
        {
            return;
        }
        let (stop, stopped) = watch::channel(false);
        let stats = Arc::new(RunStats::default());
        let task = tokio::spawn(run::run(self.clone(), id, stats.clone(), stopped));
        if let Some(finishing) = runs.insert(id, RunHandle { stop, task, stats }) {
            self.finishing
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(finishing.task);
        }
    }

    /// Starts dialer `id` (clearing a pause); it runs until stopped, across restarts.
    pub async fn start_dialer(self: &Arc<Self>, id: i64) -> Result<(), DialerError> {
        let store = &self.messaging.store;
        self.exists(id).await?;
        // A run still finishing its last sends sees `running` again and carries on.
        store
            .set_dialer_running(id, true, None, clock::now_ms())
            .await?;
        self.spawn(id);
        Ok(())
    }

    /// Stops dialer `id`: no record is granted a slot after this returns; sends already on the
    /// wire finish and record their results.
    pub async fn stop_dialer(&self, id: i64) -> Result<(), DialerError> {
        self.exists(id).await?;
        self.messaging
            .store
            .set_dialer_running(id, false, None, clock::now_ms())
            .await?;
        if let Some(run) = self.runs().get(&id) {
            let _ = run.stop.send(true);
        }
        Ok(())
    }

    /// Cancels dialer `id`'s pending records; returns how many.
    pub async fn purge(&self, id: i64) -> Result<u64, DialerError> {
        self.exists(id).await?;
        Ok(self
            .messaging
            .store
            .purge_records(id, None, clock::now_ms())
            .await?)
    }

    /// Wakes idle runs (records were added).
    pub fn wake(&self) {
        self.wakeup.notify_waiters();
    }

    async fn exists(&self, id: i64) -> Result<crate::store::DialerRow, DialerError> {
        self.messaging
            .store
            .dialer(id)
            .await?
            .ok_or_else(|| DialerError::NotFound(format!("no dialer {id}")))
    }

    /// The monitor's figures for dialer `id`.
    pub async fn status(&self, id: i64) -> Result<DialerStatus, DialerError> {
        let row = self.exists(id).await?;
        let settings: Option<DialerSettings> = serde_json::from_str(&row.settings).ok();
        let counts = self.messaging.store.record_counts(id).await?;
        let mut by_state: HashMap<String, i64> = RecordState::ALL
            .iter()
            .map(|s| (s.as_str().to_owned(), 0))
            .collect();
        let (mut processed, mut pending) = (0, 0);
        for (state, n) in counts {
            by_state.insert(state.as_str().to_owned(), n);
            if state.processed() {
                processed += n;
            } else {
                pending += n;
            }
        }
        let run = self
            .runs()
            .get(&id)
            .and_then(|r| (!r.task.is_finished()).then(|| r.stats.clone()));
        let on_schedule = match &run {
            Some(stats) => stats.on_schedule.load(Ordering::Relaxed),
            None => settings
                .as_ref()
                .and_then(|s| s.schedule.as_ref())
                .and_then(|s| s.compile().ok())
                .is_none_or(|s| s.is_open(clock::now_ms())),
        };
        Ok(DialerStatus {
            id,
            name: row.name,
            running: row.running,
            active: run.is_some(),
            paused_reason: row.paused_reason,
            on_schedule,
            waiting: run
                .as_ref()
                .and_then(|s| s.waiting.lock().unwrap_or_else(|e| e.into_inner()).clone()),
            processed,
            not_processed: pending,
            counts: by_state,
            rate_per_s: run.as_ref().map_or(0, |s| s.rate()),
            ceiling_per_s: run
                .as_ref()
                .map_or(0, |s| s.ceiling.load(Ordering::Relaxed)),
            peak_per_s: run.as_ref().map_or(0, |s| s.peak.load(Ordering::Relaxed)),
        })
    }

    /// Sends one message to one number through dialer `id` now, with the same rules as a
    /// list (do-not-call, blacklist, templates, window) but outside its pace and schedule.
    /// Returns the record as it ended.
    pub async fn single_send(
        &self,
        id: i64,
        destination: &str,
        message: Option<String>,
        extra: Option<String>,
    ) -> Result<RecordRow, DialerError> {
        let row = self.exists(id).await?;
        let settings: DialerSettings = serde_json::from_str(&row.settings)
            .map_err(|e| DialerError::Invalid(format!("the dialer's settings: {e}")))?;
        let country = settings
            .default_country
            .as_deref()
            .and_then(|c| c.parse().ok());
        let to =
            list::normalize(destination.trim(), country).map_err(GateError::InvalidRecipient)?;
        let lines =
            send::lines(&self.messaging, &settings).map_err(GateError::ConnectorUnavailable)?;
        let store = &self.messaging.store;
        let (ids, _) = store
            .spool_records(
                id,
                None,
                vec![NewRecord {
                    destination: to,
                    message: message.filter(|m| !m.trim().is_empty()),
                    extra,
                    ..NewRecord::default()
                }],
                clock::now_ms(),
            )
            .await?;
        let record_id = ids[0];
        let record = store
            .dialer_record(record_id)
            .await?
            .ok_or_else(|| DialerError::NotFound(format!("record {record_id}")))?;
        let channels = settings::parse_channels(&settings.channels).unwrap_or_else(|_| vec![0]);
        let checked = send::check(
            &self.messaging,
            &settings,
            &lines,
            &mut send::Channels::new(channels),
            None,
            vec![record],
        )
        .await?;
        if !checked.ends.is_empty() {
            store.end_records(checked.ends, clock::now_ms()).await?;
        }
        if let Some(ready) = checked.ready.first() {
            let line = &lines[ready.line];
            let campaign = send::reply_campaign(&self.messaging, &settings).await;
            let message_id = store
                .begin_sends(vec![send::begin_of(ready, line, campaign)], clock::now_ms())
                .await?[0];
            let (end, _) = send::send(&self.messaging, line, ready, message_id).await;
            store
                .finish_send(record_id, message_id, end, clock::now_ms())
                .await?;
        }
        store
            .dialer_record(record_id)
            .await?
            .ok_or_else(|| DialerError::NotFound(format!("record {record_id}")))
    }

    /// Progress to the supervisors who see the dialer's campaign.
    fn publish(&self, data: &serde_json::Value, campaign: Option<i64>) {
        if let Some(hub) = &self.hub {
            hub.to_supervisors("dialer.progress", data, campaign);
        }
    }

    /// Stops every run and waits until their sends in flight are recorded.
    pub async fn shutdown(&self) {
        let handles: Vec<RunHandle> = self.runs().drain().map(|(_, r)| r).collect();
        for run in &handles {
            let _ = run.stop.send(true);
        }
        for run in handles {
            let _ = run.task.await;
        }
        let finishing: Vec<JoinHandle<()>> = self
            .finishing
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .drain(..)
            .collect();
        for task in finishing {
            let _ = task.await;
        }
    }
}
