//! What a `desk` run prints: text, or one JSON object.

use std::collections::HashMap;
use std::fmt;

use serde_json::{Value, json};

use super::setup::Agent;
use super::tally::{Phase, Tally};
use crate::memory::Resident;
use crate::open_loop::{Outcome, Pace};
use crate::stats::{Latency, Stats};

/// How the customers' conversations were spread over the agents.
#[derive(Debug, Clone, Copy)]
pub struct Assignment {
    pub customers: u64,
    pub assigned: usize,
    pub agents_holding: usize,
    pub fewest: usize,
    pub most: usize,
}

impl Assignment {
    /// From the conversation → agent map the sockets reported.
    pub fn of(
        owners: &HashMap<i64, i64>,
        agents: &[Agent],
        customers: u64,
        assigned: usize,
    ) -> Assignment {
        let mut held: HashMap<i64, usize> = agents.iter().map(|a| (a.id, 0)).collect();
        for agent in owners.values() {
            *held.entry(*agent).or_default() += 1;
        }
        Assignment {
            customers,
            assigned,
            agents_holding: held.values().filter(|&&n| n > 0).count(),
            fewest: held.values().copied().min().unwrap_or(0),
            most: held.values().copied().max().unwrap_or(0),
        }
    }
}

/// The result of a run.
#[derive(Debug)]
pub struct Report {
    pub url: String,
    pub agents: usize,
    pub campaigns: usize,
    pub setup_s: f64,
    pub assignment: Assignment,
    pub pace: Pace,
    /// The measured phase's inbound calls.
    pub inbound: Outcome,
    pub achieved_rate: f64,
    /// The baseline: `/healthz` at the same rate.
    pub healthz: Option<Outcome>,
    pub tally: Tally,
    pub engine_memory: Option<Resident>,
}

impl Report {
    fn phase(&self) -> Option<&Phase> {
        self.tally.phase.as_ref()
    }

    /// Measured messages answered 200 that never reached their agent, plus inbound calls that
    /// failed: everything that makes the run a failure.
    pub fn problems(&self) -> u64 {
        self.phase().map_or(0, Phase::lost)
            + self.inbound.measured.failed()
            + self.tally.misrouted
            + self.tally.closed
    }

    /// The report as one JSON object.
    pub fn to_json(&self) -> Value {
        let phase = self.phase();
        let event_latency = phase.map(|p| p.latency.to_json());
        json!({
            "url": self.url,
            "agents": self.agents,
            "campaigns": self.campaigns,
            "setup_s": round2(self.setup_s),
            "customers": self.assignment.customers,
            "conversations_assigned": self.assignment.assigned,
            "agents_holding": self.assignment.agents_holding,
            "conversations_per_agent": {"min": self.assignment.fewest, "max": self.assignment.most},
            "intended_rate": self.pace.schedule.rate(),
            "duration_s": self.pace.schedule.window().as_secs_f64(),
            "warmup_s": self.pace.schedule.window_start().as_secs_f64(),
            "connections": self.pace.connections,
            "sent": self.inbound.measured.requests(),
            "answered_200": self.inbound.measured.statuses().get(&200).copied().unwrap_or(0),
            "achieved_rate": round2(self.achieved_rate),
            "inbound": calls_json(&self.inbound.measured),
            "events": {
                "accepted": phase.map_or(0, Phase::accepted_count),
                "received": phase.map_or(0, Phase::received_count),
                "lost": phase.map_or(0, Phase::lost),
                "duplicates": phase.map_or(0, |p| p.duplicates),
                "misrouted": self.tally.misrouted,
                "received_without_200": phase.map_or(0, Phase::unacknowledged_arrivals),
                "latency_ms": event_latency,
            },
            "healthz": self.healthz.as_ref().map(|h| calls_json(&h.measured)),
            "sockets": {
                "closed_by_engine": self.tally.closed,
                "first_close": self.tally.first_close,
                "missing_frames": self.tally.missing_frames,
                "other_frames_setup": self.tally.setup_frames,
                "other_frames_measured": self.tally.other_frames,
            },
            "engine_memory_kib": self.engine_memory.map(|m| json!({"rss": m.rss_kib, "hwm": m.hwm_kib})),
        })
    }
}

fn calls_json(stats: &Stats) -> Value {
    let failures: serde_json::Map<String, Value> = stats
        .failures()
        .iter()
        .map(|(f, n)| (f.name().to_owned(), json!(n)))
        .collect();
    let statuses: serde_json::Map<String, Value> = stats
        .statuses()
        .iter()
        .map(|(s, n)| (s.to_string(), json!(n)))
        .collect();
    json!({
        "requests": stats.requests(),
        "statuses": statuses,
        "errors": failures,
        "latency_ms": stats.latency().to_json(),
    })
}

fn errors(stats: &Stats) -> String {
    let mut parts: Vec<String> = stats
        .statuses()
        .iter()
        .filter(|(s, _)| !(200..300).contains(*s))
        .map(|(s, n)| format!("HTTP {s}: {n}"))
        .collect();
    parts.extend(
        stats
            .failures()
            .iter()
            .map(|(f, n)| format!("{}: {n}", f.name())),
    );
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(", ")
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = &self.assignment;
        let m = &self.inbound.measured;
        let schedule = &self.pace.schedule;
        writeln!(
            f,
            "target          {}: {} agents on WebSockets, {} campaigns (setup {:.1} s)",
            self.url, self.agents, self.campaigns, self.setup_s
        )?;
        writeln!(
            f,
            "conversations   {} customers, {} assigned, held by {} agents ({}–{} each)",
            a.customers, a.assigned, a.agents_holding, a.fewest, a.most
        )?;
        writeln!(
            f,
            "offered         {:.1}/s for {:.1} s (+{:.1} s warm-up not counted), {} connections",
            schedule.rate(),
            schedule.window().as_secs_f64(),
            schedule.window_start().as_secs_f64(),
            self.pace.connections
        )?;
        writeln!(
            f,
            "inbound calls   {} sent, {} answered 2xx ({:.1}/s); errors: {}",
            m.requests(),
            m.ok(),
            self.achieved_rate,
            errors(m)
        )?;
        if let Some(p) = self.phase() {
            writeln!(
                f,
                "events          {} received of {} accepted: {} lost, {} duplicated, {} on another agent's socket, {} without a 200",
                p.received_count(),
                p.accepted_count(),
                p.lost(),
                p.duplicates,
                self.tally.misrouted,
                p.unacknowledged_arrivals()
            )?;
            latency_line(
                f,
                "event ms",
                &p.latency,
                "intended send → message.created read on the agent's socket",
            )?;
        }
        latency_line(
            f,
            "inbound 200 ms",
            m.latency(),
            "intended send → the inbound call's answer",
        )?;
        if let Some(h) = &self.healthz {
            latency_line(
                f,
                "healthz ms",
                h.measured.latency(),
                &format!(
                    "baseline: GET /healthz at the same rate, sockets open; {} calls, errors: {}",
                    h.measured.requests(),
                    errors(&h.measured)
                ),
            )?;
        }
        writeln!(
            f,
            "sockets         {} closed by the engine{}, {} frames missing",
            self.tally.closed,
            self.tally
                .first_close
                .as_ref()
                .map(|why| format!(" (first: {why})"))
                .unwrap_or_default(),
            self.tally.missing_frames,
        )?;
        writeln!(
            f,
            "other frames    setup: {}; baseline and measured phase: {}",
            frames(&self.tally.setup_frames),
            frames(&self.tally.other_frames)
        )?;
        if let Some(memory) = &self.engine_memory {
            writeln!(f, "engine memory   {memory} (sockets open)")?;
        }
        Ok(())
    }
}

fn frames(counts: &std::collections::BTreeMap<String, u64>) -> String {
    if counts.is_empty() {
        return "none".into();
    }
    let all: Vec<String> = counts
        .iter()
        .map(|(kind, n)| format!("{kind} {n}"))
        .collect();
    all.join(", ")
}

fn latency_line(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    latency: &Latency,
    what: &str,
) -> fmt::Result {
    writeln!(f, "{name:<15} {latency}  ({what})")
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}
