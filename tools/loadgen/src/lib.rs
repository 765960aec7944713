//! `loadgen`: the load tools behind `scripts/bench-intake`, `scripts/bench-desk` and
//! `scripts/bench-hold`.
//!
//! Module map, in the order a `loadgen webhook` run uses them:
//! - [`cli`]: the command line (`webhook`, `baseline`, `sink`), every flag documented.
//! - [`schedule`]: when request *i* is due — fixed intended times at the given rate, whatever
//!   happened to earlier requests (open loop).
//! - [`payload`]: one real-format WhatsApp Cloud API inbound text webhook per request and its
//!   `X-Hub-Signature-256`.
//! - [`client`]: one keep-alive HTTP/1.1 connection that posts a payload and reads the answer.
//! - [`load`]: the run — a dispatcher releases requests at their intended times into a queue
//!   that a pool of connections drains; latency counts from the intended time, so waiting for
//!   a free connection is part of it (no coordinated omission).
//! - [`stats`]: latency histogram, status and error counts, the summary (text or JSON).
//! - [`acked`]: the `--log-acked` file, the ids of the messages the target acknowledged.
//! - [`server`]: the `baseline` (bare axum, 200 to everything) and the `sink` (counts requests).
//! - [`shutdown`]: ctrl-c or SIGTERM.
//!
//! The `desk` and `hold` runs talk to the engine's REST API and WebSockets:
//! - [`api`]: a keep-alive connection with a bearer token; JSON setup calls.
//! - [`open_loop`]: API calls at fixed intended times over a pool of those connections, on
//!   the `webhook` run's dispatcher and [`schedule`]; what each call is, the caller says.
//! - [`desk`]: agents on WebSockets, customer message → the agent's event, end to end.
//! - [`hold`]: many open conversations queued in the engine, and its memory.
//! - [`memory`]: a process's VmRSS and VmHWM; [`limits`]: the open-files limit.

pub mod acked;
pub mod api;
pub mod cli;
pub mod client;
pub mod desk;
pub mod dialer;
pub mod hold;
pub mod limits;
pub mod load;
pub mod memory;
pub mod open_loop;
pub mod payload;
pub mod schedule;
pub mod server;
pub mod shutdown;
pub mod stats;
