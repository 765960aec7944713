//! The flags of the runs against a running engine: `loadgen desk` and `loadgen hold`.

use std::time::Duration;

use anyhow::bail;
use clap::Args;

use super::clock_run_id;
use crate::api::Api;
use crate::open_loop::Pace;
use crate::schedule::Schedule;

/// The engine and its admin token, for `desk` and `hold`.
#[derive(Debug, Args)]
pub struct EngineArgs {
    /// The engine's base URL (http:// only), e.g. http://127.0.0.1:8080.
    #[arg(long)]
    pub url: String,
    /// An admin API token (the engine's SWITCHBOARD_ADMIN_TOKEN).
    #[arg(long, env = "LOADGEN_ADMIN_TOKEN", hide_env_values = true)]
    pub token: String,
    /// The engine's process id: its VmRSS and VmHWM (/proc/PID/status) are reported.
    #[arg(long)]
    pub engine_pid: Option<u32>,
    /// Part of every name the run creates; letters and digits (default: from the clock).
    #[arg(long)]
    pub run_id: Option<String>,
    /// Print the report as one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// `loadgen desk`.
#[derive(Debug, Args)]
pub struct DeskArgs {
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Agents, each with its own API token and WebSocket.
    #[arg(long, default_value_t = 1000)]
    pub agents: usize,
    /// Campaigns; agent i is a member of campaign i mod this, which answers on its own
    /// business number of the run's sandbox connector.
    #[arg(long, default_value_t = 20)]
    pub campaigns: usize,
    /// Conversations each agent holds before the measured phase (customers = agents × this).
    #[arg(long, default_value_t = 3)]
    pub conversations_per_agent: usize,
    /// The campaigns' max_per_agent and the agents' max_concurrent.
    #[arg(long, default_value_t = 10)]
    pub max_per_agent: u32,
    /// Customer messages per second in the measured phase (intended, fixed).
    #[arg(long, default_value_t = 1000.0)]
    pub rate: f64,
    /// Seconds of the measured phase.
    #[arg(long, default_value_t = 60.0)]
    pub duration: f64,
    /// Seconds of messages before it, sent at the same rate but not counted.
    #[arg(long, default_value_t = 2.0)]
    pub warmup: f64,
    /// Keep-alive HTTP connections carrying the inbound calls.
    #[arg(long, default_value_t = 64)]
    pub connections: usize,
    /// Seconds a call may take (then `expired` or `timeout`), and the wait for the last
    /// events after the last call.
    #[arg(long, default_value_t = 10.0)]
    pub timeout: f64,
    /// The customers' first messages, per second.
    #[arg(long, default_value_t = 500.0)]
    pub setup_rate: f64,
    /// Setup calls, socket handshakes and first-message connections at once.
    #[arg(long, default_value_t = 16)]
    pub setup_parallel: usize,
    /// Seconds of the baseline, GET /healthz at --rate with the sockets open (0: none).
    #[arg(long, default_value_t = 10.0)]
    pub healthz_duration: f64,
    /// Seconds the customers' conversations may take to be assigned.
    #[arg(long, default_value_t = 120.0)]
    pub assign_timeout: f64,
    /// Exit with status 1 if a message was lost or misrouted, a call failed, or a socket was
    /// closed by the engine.
    #[arg(long)]
    pub fail_on_error: bool,
}

/// `loadgen hold`.
#[derive(Debug, Args)]
pub struct HoldArgs {
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Customers, each opening one conversation.
    #[arg(long, default_value_t = 100_000)]
    pub conversations: u64,
    /// First messages per second (intended, fixed).
    #[arg(long, default_value_t = 2000.0)]
    pub rate: f64,
    /// Keep-alive HTTP connections.
    #[arg(long, default_value_t = 64)]
    pub connections: usize,
    /// Seconds a call may take.
    #[arg(long, default_value_t = 30.0)]
    pub timeout: f64,
    /// Seconds the board may take to show every conversation waiting.
    #[arg(long, default_value_t = 600.0)]
    pub wait_timeout: f64,
    /// Seconds to wait before each memory reading, once the state is reached.
    #[arg(long, default_value_t = 3.0)]
    pub settle: f64,
    /// Create and send nothing: wait until the board shows --conversations waiting (after a
    /// restart on the same data), then read the memory.
    #[arg(long)]
    pub wait_only: bool,
}

/// `loadgen dialer`.
#[derive(Debug, Args)]
pub struct DialerArgs {
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Rows of the list uploaded and spooled (not sent).
    #[arg(long, default_value_t = 1_000_000)]
    pub rows: usize,
    /// Rows sent at interval 0 to the loopback provider.
    #[arg(long, default_value_t = 60_000)]
    pub burst_rows: usize,
    /// The paced dialer's time between messages, ms.
    #[arg(long, default_value_t = 10)]
    pub interval_ms: u64,
    /// How long the paced dialer is measured, seconds.
    #[arg(long, default_value_t = 60)]
    pub paced_seconds: u64,
}

impl DialerArgs {
    /// Checks the flags and turns them into a run.
    pub fn plan(&self) -> anyhow::Result<crate::dialer::Plan> {
        if self.rows == 0 || self.burst_rows < 2 || self.interval_ms == 0 || self.paced_seconds == 0
        {
            bail!(
                "--rows, --burst-rows (2 or more), --interval-ms and --paced-seconds must be positive"
            );
        }
        Ok(crate::dialer::Plan {
            api: self.engine.api()?,
            engine_pid: self.engine.engine_pid,
            run_id: self.engine.run_id(),
            rows: self.rows,
            burst_rows: self.burst_rows,
            interval_ms: self.interval_ms,
            paced_seconds: self.paced_seconds,
        })
    }
}

impl EngineArgs {
    fn api(&self) -> anyhow::Result<Api> {
        Api::new(&self.url, &self.token)
    }

    fn run_id(&self) -> String {
        self.run_id
            .clone()
            .unwrap_or_else(clock_run_id)
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect()
    }
}

fn positive_rate(flag: &str, rate: f64) -> anyhow::Result<()> {
    if !(rate.is_finite() && rate > 0.0) {
        bail!("{flag} must be a positive number per second");
    }
    Ok(())
}

fn seconds(flag: &str, seconds: f64) -> anyhow::Result<Duration> {
    if !(seconds.is_finite() && seconds >= 0.0) {
        bail!("{flag} must be a number of seconds, 0 or more");
    }
    Ok(Duration::from_secs_f64(seconds))
}

impl DeskArgs {
    /// Checks the flags and turns them into a run.
    pub fn plan(&self) -> anyhow::Result<crate::desk::Plan> {
        positive_rate("--rate", self.rate)?;
        positive_rate("--setup-rate", self.setup_rate)?;
        seconds("--duration", self.duration)?;
        seconds("--warmup", self.warmup)?;
        seconds("--healthz-duration", self.healthz_duration)?;
        if self.duration * self.rate < 1.0 {
            bail!("--duration × --rate must be at least one message");
        }
        if self.connections == 0 || self.setup_parallel == 0 {
            bail!("--connections and --setup-parallel must be at least 1");
        }
        if self.agents == 0 || self.campaigns == 0 || self.conversations_per_agent == 0 {
            bail!("--agents, --campaigns and --conversations-per-agent must be at least 1");
        }
        if self.campaigns > self.agents || self.campaigns > 9999 {
            bail!("--campaigns must be at most --agents (and 9999): each needs a member");
        }
        if (self.max_per_agent as usize) < self.conversations_per_agent {
            bail!("--max-per-agent must be at least --conversations-per-agent");
        }
        Ok(crate::desk::Plan {
            api: self.engine.api()?,
            run: self.engine.run_id(),
            agents: self.agents,
            campaigns: self.campaigns,
            per_agent: self.conversations_per_agent,
            max_per_agent: self.max_per_agent,
            pace: Pace {
                schedule: Schedule::new(self.rate, self.warmup, self.duration),
                connections: self.connections,
                timeout: seconds("--timeout", self.timeout)?,
            },
            setup_rate: self.setup_rate,
            setup_parallel: self.setup_parallel,
            healthz_seconds: self.healthz_duration,
            assign_timeout: seconds("--assign-timeout", self.assign_timeout)?,
            engine_pid: self.engine.engine_pid,
        })
    }
}

impl HoldArgs {
    /// Checks the flags and turns them into a run.
    pub fn plan(&self) -> anyhow::Result<crate::hold::Plan> {
        positive_rate("--rate", self.rate)?;
        if self.conversations == 0 || self.conversations > 1_000_000 {
            bail!("--conversations must be 1 to 1 000 000");
        }
        if self.connections == 0 {
            bail!("--connections must be at least 1");
        }
        Ok(crate::hold::Plan {
            api: self.engine.api()?,
            run: self.engine.run_id(),
            conversations: self.conversations,
            pace: Pace {
                schedule: Schedule::new(self.rate, 0.0, self.conversations as f64 / self.rate),
                connections: self.connections,
                timeout: seconds("--timeout", self.timeout)?,
            },
            wait_timeout: seconds("--wait-timeout", self.wait_timeout)?,
            settle: seconds("--settle", self.settle)?,
            engine_pid: self.engine.engine_pid,
            wait_only: self.wait_only,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Cli, Command};
    use clap::Parser;

    const ENGINE: [&str; 4] = ["--url", "http://127.0.0.1:9", "--token", "t"];

    fn parse(subcommand: &str, extra: &[&str]) -> Command {
        let mut argv = vec!["loadgen", subcommand];
        argv.extend_from_slice(&ENGINE);
        argv.extend_from_slice(extra);
        Cli::try_parse_from(argv).expect("parses").command
    }

    #[test]
    fn desk_flags_become_a_plan() {
        let Command::Desk(desk) = parse("desk", &["--run-id", "r-1"]) else {
            panic!("desk");
        };
        let plan = desk.plan().expect("valid");
        assert_eq!(plan.agents, 1000);
        assert_eq!(plan.run, "r1", "only letters and digits");
        assert_eq!(plan.pace.schedule.measured(), 60_000);
        assert_eq!(plan.pace.schedule.total(), 62_000);
        let Command::Desk(bad) = parse("desk", &["--conversations-per-agent", "20"]) else {
            panic!("desk");
        };
        assert!(
            bad.plan().is_err(),
            "more conversations than an agent may hold"
        );
    }

    #[test]
    fn hold_flags_become_a_plan() {
        let Command::Hold(hold) = parse("hold", &["--rate", "5000"]) else {
            panic!("hold");
        };
        let plan = hold.plan().expect("valid");
        assert_eq!(plan.pace.schedule.total(), 100_000);
        assert!(!plan.wait_only);
    }
}
