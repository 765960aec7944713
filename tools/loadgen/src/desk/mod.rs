//! `loadgen desk`: customer messages reaching agents' WebSockets, measured end to end.
//!
//! The run, in order:
//! 1. [`setup`]: a sandbox connector, the agents with their tokens, the campaigns.
//! 2. [`sockets`]: one WebSocket per agent (an open socket makes the agent available).
//! 3. [`customers`]: each customer's first message opens a conversation; the run waits for
//!    every one to be assigned (`conversation.assigned` on the agent's socket, kept by
//!    [`tally`]).
//! 4. The baseline: `GET /healthz` at the same rate, with the sockets open.
//! 5. The measured phase: customer messages to those conversations at a fixed rate (open
//!    loop), each text carrying its index; for each, the time from its intended send time to
//!    its `message.created` frame on the owning agent's socket, and to the inbound call's
//!    answer.
//!
//! [`report`] prints the figures.

pub mod customers;
pub mod report;
pub mod setup;
pub mod sockets;
pub mod tally;

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::bail;
use tokio::sync::mpsc::unbounded_channel;

use crate::api::Api;
use crate::limits;
use crate::memory::Resident;
use crate::open_loop::{self, Pace};
use crate::schedule::Schedule;
use customers::{FirstMessages, Healthz, Tagged};
use report::{Assignment, Report};
use sockets::Sockets;
use tally::{Phase, Tally};

/// Everything a run needs, from the command line.
#[derive(Debug, Clone)]
pub struct Plan {
    pub api: Api,
    /// Part of every name and message text, to tell runs apart.
    pub run: String,
    pub agents: usize,
    pub campaigns: usize,
    /// Conversations each agent holds before the measured phase.
    pub per_agent: usize,
    /// The campaigns' `max_per_agent` and the agents' `max_concurrent`.
    pub max_per_agent: u32,
    /// The measured phase.
    pub pace: Pace,
    /// The customers' first messages, per second.
    pub setup_rate: f64,
    /// Setup API calls and socket handshakes at once.
    pub setup_parallel: usize,
    /// Seconds of `/healthz` at the measured rate (0: none).
    pub healthz_seconds: f64,
    /// How long conversations may take to be assigned.
    pub assign_timeout: Duration,
    /// Read the engine's memory at the end, sockets still open.
    pub engine_pid: Option<u32>,
}

/// Runs the plan.
pub async fn run(plan: Plan) -> anyhow::Result<Report> {
    let needed = (plan.agents + plan.pace.connections + plan.setup_parallel + 64) as u64;
    limits::check_open_files(needed)?;
    if plan.agents == 0 || plan.campaigns == 0 || plan.per_agent == 0 {
        bail!("--agents, --campaigns and --conversations-per-agent must be at least 1");
    }
    let began = Instant::now();
    let api = &plan.api;
    eprintln!(
        "desk: creating {} agents in {} campaigns",
        plan.agents, plan.campaigns
    );
    let floor = setup::floor(
        api,
        &plan.run,
        plan.agents,
        plan.campaigns,
        plan.max_per_agent,
        plan.setup_parallel,
    )
    .await?;
    eprintln!("desk: opening {} sockets", floor.agents.len());
    let (seen, reports) = unbounded_channel();
    let mut tally = Tally::new(reports, &plan.run);
    let sockets = Sockets::open(api.url(), &floor.agents, plan.setup_parallel, seen).await?;

    let customers = (plan.agents * plan.per_agent) as u64;
    eprintln!("desk: {customers} customers write first");
    let first = Arc::new(FirstMessages::new(
        floor.connector,
        floor.numbers.len(),
        customers,
    ));
    let setup_pace = Pace {
        schedule: Schedule::new(plan.setup_rate, 0.0, customers as f64 / plan.setup_rate),
        connections: plan.setup_parallel,
        timeout: Duration::from_secs(60),
    };
    open_loop::run(api, setup_pace, first.clone()).await?;
    let conversations = first.conversations();
    let deadline = Instant::now() + plan.assign_timeout;
    tally
        .until(deadline, |t| {
            conversations
                .iter()
                .flatten()
                .all(|c| t.owners.contains_key(c))
        })
        .await;
    let assigned: Vec<u64> = conversations
        .iter()
        .enumerate()
        .filter(|(_, c)| c.is_some_and(|c| tally.owners.contains_key(&c)))
        .map(|(customer, _)| customer as u64)
        .collect();
    let assignment = Assignment::of(&tally.owners, &floor.agents, customers, assigned.len());
    if assigned.is_empty() {
        bail!(
            "no conversation was assigned within {:?}",
            plan.assign_timeout
        );
    }
    let setup_s = began.elapsed().as_secs_f64();
    tally.new_period();

    let healthz = if plan.healthz_seconds > 0.0 {
        eprintln!("desk: baseline, /healthz");
        let pace = Pace {
            schedule: Schedule::new(plan.pace.schedule.rate(), 1.0, plan.healthz_seconds),
            ..plan.pace
        };
        Some(open_loop::run(api, pace, Arc::new(Healthz)).await?)
    } else {
        None
    };

    eprintln!("desk: measured phase");
    let schedule = plan.pace.schedule;
    let tagged = Arc::new(Tagged::new(
        floor.connector,
        floor.numbers.len(),
        &plan.run,
        assigned,
        schedule.total(),
    ));
    let inbound = open_loop::run(api, plan.pace, tagged.clone()).await?;
    tally.phase = Some(Phase::new(inbound.start, schedule, tagged.accepted()));
    let deadline = Instant::now() + plan.pace.timeout;
    tally
        .until(deadline, |t| t.phase.as_ref().is_some_and(Phase::complete))
        .await;
    let engine_memory = plan.engine_pid.and_then(Resident::of);
    sockets.close().await;
    Ok(Report {
        url: api.url().to_owned(),
        agents: floor.agents.len(),
        campaigns: floor.campaigns.len(),
        setup_s,
        assignment,
        achieved_rate: inbound.achieved_rate(&plan.pace),
        pace: plan.pace,
        inbound,
        healthz,
        tally,
        engine_memory,
    })
}
