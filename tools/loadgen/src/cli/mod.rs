//! The command line: `loadgen webhook`, `loadgen desk`, `loadgen hold`, `loadgen baseline`,
//! `loadgen sink`; the flags of `desk` and `hold` are in [`engine`].

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::bail;
use clap::{Args, Parser, Subcommand};

mod engine;

pub use engine::{DeskArgs, DialerArgs, EngineArgs, HoldArgs};

use crate::client::Target;
use crate::load::Plan;
use crate::payload::Generator;
use crate::schedule::Schedule;

/// Load tools for Switchboard's benchmarks (scripts/bench-intake, bench-desk, bench-hold).
#[derive(Debug, Parser)]
#[command(name = "loadgen", version)]
pub struct Cli {
    /// What to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open-loop load of signed WhatsApp Cloud API inbound-message webhooks: requests go out at
    /// fixed intended times whatever happened to earlier ones, and latency counts from the
    /// intended time (no coordinated omission).
    Webhook(WebhookArgs),
    /// Agents on WebSockets: sets up agents with tokens, campaigns and a sandbox connector on
    /// a running engine, opens one socket per agent, gives every agent a few conversations,
    /// then sends customer messages to them at a fixed rate and measures, for each, the time
    /// from its intended send time to its `message.created` frame on the agent's socket.
    Desk(DeskArgs),
    /// Open conversations held by the engine: one first message per customer into a campaign
    /// without agents (all queue), until the board shows them waiting; with --engine-pid, the
    /// engine's resident memory before and after.
    Hold(HoldArgs),
    /// The dialer: streams a large list and reports the time and the engine's memory peak,
    /// sends a burst at interval 0 to a loopback provider in this process (rate counted at
    /// the provider), then runs a paced dialer and reports its rate and busiest second.
    Dialer(DialerArgs),
    /// A bare axum server answering 200 with an empty body to every request: the baseline.
    /// Prints `listening on ADDR` first.
    Baseline(ListenArgs),
    /// An HTTP sink counting requests (any method and path) and answering 200. Prints
    /// `listening on ADDR` first, then the count and rate once a second, and a final
    /// `final total=N first_to_last_s=S rate=R/s` line on SIGTERM or ctrl-c. Its own
    /// `GET /_sink/stats` (JSON counts) and `POST /_sink/reset` are not counted.
    Sink(SinkArgs),
}

/// `loadgen webhook`.
#[derive(Debug, Args)]
pub struct WebhookArgs {
    /// The webhook URL to post to (http:// only).
    #[arg(long)]
    pub url: String,
    /// The app secret: key of the X-Hub-Signature-256 HMAC.
    #[arg(long, env = "LOADGEN_APP_SECRET", hide_env_values = true)]
    pub app_secret: String,
    /// `metadata.phone_number_id` of every notification (the connector's business number id).
    #[arg(long)]
    pub phone_number_id: String,
    /// `entry[].id`, the WhatsApp Business Account id.
    #[arg(long, default_value = "102290129340398")]
    pub waba_id: String,
    /// Requests per second (intended, fixed).
    #[arg(long)]
    pub rate: f64,
    /// Seconds of the measured window.
    #[arg(long)]
    pub duration: f64,
    /// Seconds of load before the measured window, sent at the same rate but not counted.
    #[arg(long, default_value_t = 1.0)]
    pub warmup: f64,
    /// Keep-alive HTTP/1.1 connections; each carries one request at a time, so this bounds
    /// the requests in flight (the others wait in the queue, their wait counted as latency).
    #[arg(long, default_value_t = 64)]
    pub connections: usize,
    /// Seconds a request may take: a queued request not sent this long after its intended
    /// time counts as `expired`, a sent one unanswered this long as `timeout`.
    #[arg(long, default_value_t = 10.0)]
    pub timeout: f64,
    /// Send each message id this many times in a row (to test deduplication).
    #[arg(long, default_value_t = 1)]
    pub repeat_ids: u64,
    /// Number of distinct customers (`from` / `wa_id`) the messages come from.
    #[arg(long, default_value_t = 1000)]
    pub senders: u64,
    /// Part of every message id, to tell runs apart (default: from the clock).
    #[arg(long)]
    pub run_id: Option<String>,
    /// Append the message id of every request answered 2xx to this file, one per line,
    /// flushed in batches (warm-up requests included).
    #[arg(long, value_name = "FILE")]
    pub log_acked: Option<PathBuf>,
    /// Print the summary as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Exit with status 1 if any request (warm-up included) got a non-2xx answer or none.
    #[arg(long)]
    pub fail_on_error: bool,
}

/// `loadgen baseline`.
#[derive(Debug, Args)]
pub struct ListenArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: String,
}

/// `loadgen sink`.
#[derive(Debug, Args)]
pub struct SinkArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: String,
    /// Also append `METHOD URI` of every request to this file (slower: a check, not a
    /// benchmark).
    #[arg(long, value_name = "FILE")]
    pub log_requests: Option<PathBuf>,
}

impl WebhookArgs {
    /// Checks the flags and turns them into a run.
    pub fn plan(&self) -> anyhow::Result<Plan> {
        if !(self.rate.is_finite() && self.rate > 0.0) {
            bail!("--rate must be a positive number of requests per second");
        }
        for (flag, seconds) in [
            ("--duration", self.duration),
            ("--warmup", self.warmup),
            ("--timeout", self.timeout),
        ] {
            if !(seconds.is_finite() && seconds >= 0.0) {
                bail!("{flag} must be a number of seconds, 0 or more");
            }
        }
        if self.duration * self.rate < 1.0 {
            bail!("--duration × --rate must be at least one request");
        }
        if self.connections == 0 {
            bail!("--connections must be at least 1");
        }
        let run_id = self.run_id.clone().unwrap_or_else(clock_run_id);
        Ok(Plan {
            target: Target::parse(&self.url)?,
            app_secret: self.app_secret.as_bytes().to_vec(),
            generator: Generator::new(
                &self.phone_number_id,
                &self.waba_id,
                &run_id,
                self.repeat_ids,
                self.senders,
            ),
            schedule: Schedule::new(self.rate, self.warmup, self.duration),
            connections: self.connections,
            timeout: Duration::from_secs_f64(self.timeout),
        })
    }
}

/// A run id from the clock: hex nanoseconds.
fn clock_run_id() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    format!("{:x}", nanos as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    fn webhook(extra: &[&str]) -> anyhow::Result<Plan> {
        let mut argv = vec![
            "loadgen",
            "webhook",
            "--url",
            "http://127.0.0.1:9/w",
            "--app-secret",
            "s",
            "--phone-number-id",
            "1",
            "--duration",
            "2",
        ];
        argv.extend_from_slice(extra);
        let Command::Webhook(args) = Cli::try_parse_from(argv)?.command else {
            bail!("not webhook");
        };
        args.plan()
    }

    #[test]
    fn flags_become_a_plan() {
        let plan = webhook(&["--rate", "100", "--warmup", "0.5"]).expect("valid");
        assert_eq!(plan.schedule.total(), 250);
        assert_eq!(plan.schedule.measured(), 200);
        assert_eq!(plan.connections, 64);
    }

    #[test]
    fn bad_flags_are_refused() {
        assert!(webhook(&["--rate", "0"]).is_err());
        assert!(webhook(&["--rate", "10", "--connections", "0"]).is_err());
        assert!(webhook(&["--rate", "10", "--timeout", "-1"]).is_err());
        assert!(webhook(&["--rate", "0.1"]).is_err(), "no request in 2 s");
    }
}
