//! `loadgen`: the load tools behind `scripts/bench-intake`.
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

pub mod acked;
pub mod cli;
pub mod client;
pub mod load;
pub mod payload;
pub mod schedule;
pub mod server;
pub mod shutdown;
pub mod stats;
