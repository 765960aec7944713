//! `loadgen hold`: many open conversations held by the engine, and what they cost in memory.
//!
//! A run creates a sandbox connector and a campaign without agents, so every conversation
//! queues; reads the engine's resident memory with no conversation (the baseline, when
//! `--engine-pid` is given); sends one first message per customer at a fixed rate (open
//! loop); waits until the board (`GET /api/v1/board`) shows them all waiting; and reads the
//! memory again. With `--wait-only` it creates and sends nothing: it waits for the board to
//! show the conversations (after a restart, once the router rebuilt its state from the
//! store) and reads the memory.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper::Method;
use serde_json::{Value, json};

use crate::api::Api;
use crate::desk::customers::FirstMessages;
use crate::desk::setup::{business_number, campaign, connector};
use crate::limits;
use crate::memory::Resident;
use crate::open_loop::{self, Outcome, Pace};

/// How often the board is read while waiting.
const POLL: Duration = Duration::from_millis(500);

/// Everything a run needs, from the command line.
#[derive(Debug, Clone)]
pub struct Plan {
    pub api: Api,
    pub run: String,
    pub conversations: u64,
    pub pace: Pace,
    /// How long the board may take to show every conversation.
    pub wait_timeout: Duration,
    /// Pause before reading the memory, once the board is full.
    pub settle: Duration,
    pub engine_pid: Option<u32>,
    /// Send nothing; wait for conversations already stored.
    pub wait_only: bool,
}

/// The result of a run.
#[derive(Debug)]
pub struct Report {
    pub conversations: u64,
    pub wait_only: bool,
    /// The first messages' calls (not in `--wait-only`).
    pub inject: Option<(Outcome, f64)>,
    /// Conversations the board showed waiting at the end.
    pub waiting: u64,
    /// From the tool's start (or the end of sending) to the board showing them all.
    pub queued_after_s: f64,
    pub baseline: Option<Resident>,
    pub held: Option<Resident>,
}

/// Runs the plan.
pub async fn run(plan: Plan) -> anyhow::Result<Report> {
    limits::check_open_files(plan.pace.connections as u64 + 64)?;
    let began = Instant::now();
    let api = &plan.api;
    if plan.wait_only {
        let waiting = wait_for(api, None, plan.conversations, plan.wait_timeout).await?;
        let queued_after_s = began.elapsed().as_secs_f64();
        tokio::time::sleep(plan.settle).await;
        return Ok(Report {
            conversations: plan.conversations,
            wait_only: true,
            inject: None,
            waiting,
            queued_after_s,
            baseline: None,
            held: plan.engine_pid.and_then(Resident::of),
        });
    }
    let number = business_number(0);
    let connector = connector(
        api,
        &format!("hold-{}", plan.run),
        std::slice::from_ref(&number),
    )
    .await?;
    let campaign = campaign(api, &format!("hold-{}", plan.run), &number, &[], 1).await?;
    tokio::time::sleep(plan.settle).await;
    let baseline = plan.engine_pid.and_then(Resident::of);
    eprintln!(
        "hold: {} customers write, {:.0}/s",
        plan.conversations,
        plan.pace.schedule.rate()
    );
    let first = Arc::new(FirstMessages::new(connector, 1, plan.conversations));
    let outcome = open_loop::run(api, plan.pace, first).await?;
    let achieved = outcome.achieved_rate(&plan.pace);
    let sent = Instant::now();
    let accepted = outcome.measured.ok() + outcome.warmup.ok();
    let waiting = wait_for(api, Some(campaign), accepted, plan.wait_timeout).await?;
    let queued_after_s = sent.elapsed().as_secs_f64();
    tokio::time::sleep(plan.settle).await;
    Ok(Report {
        conversations: plan.conversations,
        wait_only: false,
        inject: Some((outcome, achieved)),
        waiting,
        queued_after_s,
        baseline,
        held: plan.engine_pid.and_then(Resident::of),
    })
}

/// Reads the board until `campaign` (every campaign when `None`) shows `expected` waiting;
/// returns the last count, which falls short only when `timeout` passed.
async fn wait_for(
    api: &Api,
    campaign: Option<i64>,
    expected: u64,
    timeout: Duration,
) -> anyhow::Result<u64> {
    let deadline = Instant::now() + timeout;
    let mut connection = api.connection();
    loop {
        // The engine may still be starting (the router rebuilds before it serves the board).
        let waiting = match connection.json(Method::GET, "/api/v1/board", None).await {
            Ok(board) => waiting(&board, campaign),
            Err(_) if Instant::now() < deadline => 0,
            Err(error) => return Err(error),
        };
        if waiting >= expected || Instant::now() >= deadline {
            return Ok(waiting);
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Customers waiting on the board, in `campaign` or in all.
fn waiting(board: &Value, campaign: Option<i64>) -> u64 {
    board["campaigns"]
        .as_array()
        .map(|all| {
            all.iter()
                .filter(|c| campaign.is_none_or(|id| c["campaign_id"].as_i64() == Some(id)))
                .filter_map(|c| c["waiting"].as_u64())
                .sum()
        })
        .unwrap_or(0)
}

impl Report {
    /// Conversations the board did not show.
    pub fn missing(&self) -> u64 {
        self.conversations.saturating_sub(self.waiting)
    }

    /// The report as one JSON object.
    pub fn to_json(&self) -> Value {
        let memory = |m: &Option<Resident>| m.map(|m| json!({"rss": m.rss_kib, "hwm": m.hwm_kib}));
        json!({
            "conversations": self.conversations,
            "wait_only": self.wait_only,
            "inject": self.inject.as_ref().map(|(o, rate)| json!({
                "requests": o.measured.requests(),
                "ok": o.measured.ok(),
                "failed": o.measured.failed(),
                "achieved_rate": (rate * 100.0).round() / 100.0,
                "latency_ms": o.measured.latency().to_json(),
            })),
            "waiting": self.waiting,
            "queued_after_s": (self.queued_after_s * 100.0).round() / 100.0,
            "baseline_kib": memory(&self.baseline),
            "held_kib": memory(&self.held),
        })
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some((o, rate)) = &self.inject {
            let m = &o.measured;
            writeln!(
                f,
                "first messages  {} sent, {} answered 2xx ({:.1}/s), {} failed",
                m.requests(),
                m.ok(),
                rate,
                m.failed()
            )?;
            writeln!(
                f,
                "inbound 200 ms  {}  (from intended send time)",
                m.latency()
            )?;
        }
        let from = if self.wait_only {
            "the tool's start"
        } else {
            "the last answer"
        };
        writeln!(
            f,
            "waiting         {} of {} on the board, {:.1} s after {from}",
            self.waiting, self.conversations, self.queued_after_s
        )?;
        if let Some(base) = &self.baseline {
            writeln!(f, "engine, 0 conv. {base}")?;
        }
        if let Some(held) = &self.held {
            writeln!(f, "engine, held    {held}")?;
            if let Some(base) = &self.baseline
                && self.waiting > 0
            {
                let per = (held.rss_kib.saturating_sub(base.rss_kib) as f64 * 1024.0)
                    / self.waiting as f64;
                writeln!(
                    f,
                    "per conversation {per:.0} bytes of VmRSS over the baseline"
                )?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiting_counts_one_campaign_or_all() {
        let board = json!({"campaigns": [
            {"campaign_id": 1, "waiting": 5}, {"campaign_id": 2, "waiting": 7}]});
        assert_eq!(waiting(&board, Some(2)), 7);
        assert_eq!(waiting(&board, None), 12);
        assert_eq!(waiting(&json!({}), None), 0);
    }
}
