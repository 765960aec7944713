//! The tally of what the agents' sockets saw: which agent holds which conversation, and for
//! each customer message of the measured phase, whether it reached its agent and how long
//! after its intended send time.
//!
//! Socket tasks stamp frames as they read them and send them here over a channel; the tally
//! drains it when asked, so its own pace never shows in the latencies.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use tokio::sync::mpsc::UnboundedReceiver;

use super::sockets::Seen;
use crate::schedule::Schedule;
use crate::stats::Latency;

/// The messages of the measured phase: when each was intended, which were answered 200, which
/// arrived.
#[derive(Debug)]
pub struct Phase {
    pub start: Instant,
    pub schedule: Schedule,
    /// Answered 200 by the inbound call, by index.
    pub accepted: Vec<bool>,
    /// Arrived on a socket, by index.
    pub received: Vec<bool>,
    /// Intended send time → frame read, measured messages.
    pub latency: Latency,
    /// Arrived more than once.
    pub duplicates: u64,
    /// Answered 200 and not arrived yet, warm-up included.
    outstanding: usize,
}

impl Phase {
    /// The phase of `schedule` that started at `start`, `accepted` saying which of its
    /// messages were answered 200 (one entry per message).
    pub fn new(start: Instant, schedule: Schedule, accepted: Vec<bool>) -> Phase {
        Phase {
            start,
            schedule,
            received: vec![false; accepted.len()],
            outstanding: accepted.iter().filter(|&&a| a).count(),
            accepted,
            latency: Latency::new(),
            duplicates: 0,
        }
    }

    fn measured(&self) -> impl Iterator<Item = usize> + '_ {
        let first = usize::try_from(self.schedule.total() - self.schedule.measured()).unwrap_or(0);
        first..self.accepted.len()
    }

    /// Measured messages answered 200.
    pub fn accepted_count(&self) -> u64 {
        self.measured().filter(|&i| self.accepted[i]).count() as u64
    }

    /// Measured messages that arrived on a socket.
    pub fn received_count(&self) -> u64 {
        self.measured().filter(|&i| self.received[i]).count() as u64
    }

    /// Measured messages answered 200 that never arrived.
    pub fn lost(&self) -> u64 {
        self.measured()
            .filter(|&i| self.accepted[i] && !self.received[i])
            .count() as u64
    }

    /// Measured messages that arrived though their call got no 200 (a timeout after storing).
    pub fn unacknowledged_arrivals(&self) -> u64 {
        self.measured()
            .filter(|&i| !self.accepted[i] && self.received[i])
            .count() as u64
    }

    /// Whether every message answered 200 (warm-up included) has arrived.
    pub fn complete(&self) -> bool {
        self.outstanding == 0
    }
}

/// Everything the sockets reported.
#[derive(Debug)]
pub struct Tally {
    seen: UnboundedReceiver<Seen>,
    /// The prefix of this run's message texts: `desk <run> `, then the index.
    tag: String,
    /// Conversation → the agent it was assigned to.
    pub owners: HashMap<i64, i64>,
    /// The measured phase, once started.
    pub phase: Option<Phase>,
    /// Messages of this run that arrived on a socket other than their conversation's agent's.
    pub misrouted: u64,
    /// Inbound messages that were not this run's measured ones (the customers' first ones).
    pub other_messages: u64,
    /// Frames by type, other than the assignments and messages, since the last
    /// [`Tally::new_period`].
    pub other_frames: BTreeMap<String, u64>,
    /// The same, before it.
    pub setup_frames: BTreeMap<String, u64>,
    /// Frames the engine never sent (per-socket sequence gaps).
    pub missing_frames: u64,
    /// Sockets the engine closed, with the first reason.
    pub closed: u64,
    pub first_close: Option<String>,
}

impl Tally {
    /// A tally of what arrives on `seen`, for messages tagged `desk <run> <index>`.
    pub fn new(seen: UnboundedReceiver<Seen>, run: &str) -> Tally {
        Tally {
            seen,
            tag: message_tag(run),
            owners: HashMap::new(),
            phase: None,
            misrouted: 0,
            other_messages: 0,
            other_frames: BTreeMap::new(),
            setup_frames: BTreeMap::new(),
            missing_frames: 0,
            closed: 0,
            first_close: None,
        }
    }

    /// Takes in everything reported so far and counts other frames apart from here on: the
    /// setup's are not the measured phase's.
    pub fn new_period(&mut self) {
        self.drain();
        self.setup_frames = std::mem::take(&mut self.other_frames);
    }

    /// Takes in everything reported so far.
    pub fn drain(&mut self) {
        while let Ok(seen) = self.seen.try_recv() {
            self.take(seen);
        }
    }

    /// Takes in reports until `done` holds or `deadline` passes; whether `done` held.
    pub async fn until(&mut self, deadline: Instant, done: impl Fn(&Tally) -> bool) -> bool {
        loop {
            self.drain();
            if done(self) {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            match tokio::time::timeout(left, self.seen.recv()).await {
                Ok(Some(seen)) => self.take(seen),
                Ok(None) | Err(_) => {
                    self.drain();
                    return done(self);
                }
            }
        }
    }

    fn take(&mut self, seen: Seen) {
        match seen {
            Seen::Assigned {
                agent,
                conversation,
            } => {
                self.owners.insert(conversation, agent);
            }
            Seen::Message {
                agent,
                conversation,
                text,
                at,
            } => self.message(agent, conversation, &text, at),
            Seen::Other { kind } => *self.other_frames.entry(kind).or_default() += 1,
            Seen::Gap { missing, .. } => self.missing_frames += missing,
            Seen::Closed { why, .. } => {
                self.closed += 1;
                self.first_close.get_or_insert(why);
            }
        }
    }

    fn message(&mut self, agent: i64, conversation: i64, text: &str, at: Instant) {
        let index = text
            .strip_prefix(&self.tag)
            .and_then(|rest| rest.parse::<u64>().ok());
        let (Some(index), Some(phase)) = (index, self.phase.as_mut()) else {
            self.other_messages += 1;
            return;
        };
        let Some(slot) = usize::try_from(index)
            .ok()
            .filter(|&i| i < phase.received.len())
        else {
            self.other_messages += 1;
            return;
        };
        if self.owners.get(&conversation) != Some(&agent) {
            self.misrouted += 1;
        }
        if phase.received[slot] {
            phase.duplicates += 1;
            return;
        }
        phase.received[slot] = true;
        if phase.accepted[slot] {
            phase.outstanding -= 1;
        }
        if phase.schedule.is_measured(index) {
            let intended = phase.start + phase.schedule.offset(index);
            phase.latency.record(at.saturating_duration_since(intended));
        }
    }
}

/// The text of measured message `index` of run `run`.
pub fn message_text(run: &str, index: u64) -> String {
    format!("{}{index}", message_tag(run))
}

fn message_tag(run: &str) -> String {
    format!("desk {run} ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use tokio::sync::mpsc::unbounded_channel;

    #[tokio::test]
    async fn messages_count_from_their_intended_time_and_losses_show() {
        let (tx, rx) = unbounded_channel();
        let mut tally = Tally::new(rx, "r1");
        let start = Instant::now();
        // 10/s, 0.2 s warm-up (2 messages), 0.5 s measured (5).
        tally.phase = Some(Phase::new(
            start,
            Schedule::new(10.0, 0.2, 0.5),
            vec![true; 7],
        ));
        tx.send(Seen::Assigned {
            agent: 1,
            conversation: 100,
        })
        .expect("send");
        for index in [0_u64, 2, 3, 5, 5] {
            tx.send(Seen::Message {
                agent: 1,
                conversation: 100,
                text: message_text("r1", index),
                at: start + Duration::from_millis(index * 100 + 7),
            })
            .expect("send");
        }
        tx.send(Seen::Message {
            agent: 2,
            conversation: 100,
            text: message_text("r1", 6),
            at: start + Duration::from_millis(607),
        })
        .expect("send");
        tx.send(Seen::Message {
            agent: 1,
            conversation: 100,
            text: "hello".into(),
            at: start,
        })
        .expect("send");
        let done = tally
            .until(Instant::now() + Duration::from_millis(50), |t| {
                t.phase.as_ref().is_some_and(Phase::complete)
            })
            .await;
        assert!(!done, "1 and 4 never came");
        let phase = tally.phase.as_ref().expect("phase");
        assert_eq!(phase.accepted_count(), 5);
        assert_eq!(phase.received_count(), 4, "2, 3, 5, 6");
        assert_eq!(phase.lost(), 1, "4 (1 is warm-up)");
        assert_eq!(phase.duplicates, 1);
        assert_eq!(phase.latency.count(), 4);
        assert!((phase.latency.max_ms() - 7.0).abs() < 0.01);
        assert_eq!(tally.misrouted, 1);
        assert_eq!(tally.other_messages, 1);
    }
}
