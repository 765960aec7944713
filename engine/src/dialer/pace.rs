//! The dialer's pace: its time between messages and its ceiling, over the whole channel range.
//!
//! Sends are due on a grid: one every `interval`, or every 1/ceiling of a second when that is
//! longer, anchored at the first send, so a late timer does not slow the dialer down. After a
//! stall the grid catches up (up to a second of it), but never faster than half a step apart
//! (a ceiling alone: a twentieth of a second's worth at once); a longer stall re-anchors. On
//! top, a log of the last second's sends keeps every one-second window at or below the
//! ceiling, whatever the timers do (with a few milliseconds to spare for the network). A
//! provider that says "too fast" halves the ceiling, which then recovers by a quarter every
//! few seconds.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

const SECOND: Duration = Duration::from_secs(1);

/// The window the ceiling is counted over: a second and a little, so that the jitter between
/// our send and the provider's clock cannot put one send too many in a second the provider
/// counts. Costs half a percent of the rate.
const WINDOW: Duration = Duration::from_millis(1005);

/// How long the ceiling stays lowered after a "too fast" before it recovers a step.
const RECOVERY_STEP: Duration = Duration::from_secs(5);

/// Grants send slots.
#[derive(Debug)]
pub struct Pacer {
    interval: Duration,
    ceiling: u32,
    /// The ceiling as lowered by throttling, ≤ `ceiling`.
    current: u32,
    next_due: Option<Instant>,
    recent: VecDeque<Instant>,
    held_until: Option<Instant>,
    lowered_at: Option<Instant>,
}

impl Pacer {
    /// A pacer sending `interval` apart, at most `ceiling` in any second.
    pub fn new(interval: Duration, ceiling: u32) -> Self {
        let ceiling = ceiling.max(1);
        Self {
            interval,
            ceiling,
            current: ceiling,
            next_due: None,
            recent: VecDeque::new(),
            held_until: None,
            lowered_at: None,
        }
    }

    /// Changes the interval and ceiling (settings edited while running).
    pub fn set(&mut self, interval: Duration, ceiling: u32) {
        let ceiling = ceiling.max(1);
        if (interval, ceiling) != (self.interval, self.ceiling) {
            self.interval = interval;
            self.ceiling = ceiling;
            self.current = self.current.min(ceiling);
            if self.lowered_at.is_none() {
                self.current = ceiling;
            }
        }
    }

    /// The time between messages.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// The ceiling in force now.
    pub fn current_ceiling(&self) -> u32 {
        self.current
    }

    /// Takes up to `want` slots at `now`: `Ok(n)` slots granted (n ≥ 1), or `Err(when)` to ask
    /// again.
    pub fn grant(&mut self, now: Instant, want: usize) -> Result<usize, Instant> {
        if want == 0 {
            return Ok(0);
        }
        self.recover(now);
        if let Some(until) = self.held_until {
            if now < until {
                return Err(until);
            }
            self.held_until = None;
        }
        while self.recent.front().is_some_and(|&t| t + WINDOW <= now) {
            self.recent.pop_front();
        }
        let room = (self.current as usize).saturating_sub(self.recent.len());
        if room == 0 {
            let oldest = self.recent.get(self.recent.len() - self.current as usize);
            return Err(oldest.map_or(now + WINDOW, |&t| t + WINDOW));
        }
        let step = self.step();
        // An interval dialer catches up on up to a second of stall (half a step apart, so
        // never in a burst); a ceiling alone on a twentieth of a second (in one go).
        let catch_up = if self.interval.is_zero() {
            SECOND / 20
        } else {
            SECOND
        };
        let due = match self.next_due {
            Some(due) if now < due => return Err(due),
            Some(due) if now - due <= catch_up => due,
            // First send, or a stall too long to catch up on: start a new grid now.
            _ => now,
        };
        let behind = (now - due).as_nanos() / step.as_nanos().max(1);
        // An interval is a time between messages: one per slot, caught up half a step apart.
        // A ceiling alone is a rate: slots due together go together.
        let backlog = if self.interval.is_zero() {
            (self.current as usize / 20).max(1)
        } else {
            1
        };
        let slots = usize::try_from(behind)
            .unwrap_or(usize::MAX)
            .saturating_add(1);
        let granted = slots.min(backlog).min(want).min(room);
        let next = due + step * u32::try_from(granted).unwrap_or(u32::MAX);
        self.next_due = Some(if self.interval.is_zero() {
            next
        } else {
            next.max(now + step / 2)
        });
        for _ in 0..granted {
            self.recent.push_back(now);
        }
        Ok(granted)
    }

    /// Time between two slots: the interval, or the ceiling's spacing when that is longer.
    fn step(&self) -> Duration {
        self.interval.max(SECOND / self.current.max(1))
    }

    /// The provider said "too fast": hold for `hold` and halve the ceiling.
    pub fn throttled(&mut self, now: Instant, hold: Duration) {
        self.held_until = Some(self.held_until.map_or(now + hold, |u| u.max(now + hold)));
        self.current = (self.current / 2).max(1);
        self.lowered_at = Some(now);
    }

    fn recover(&mut self, now: Instant) {
        if let Some(at) = self.lowered_at
            && now - at >= RECOVERY_STEP
        {
            self.current = (self.current + self.current.div_ceil(4)).min(self.ceiling);
            self.lowered_at = (self.current < self.ceiling).then_some(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs a pacer with a clock that wakes exactly when told, plus `late` after each wake.
    fn simulate(mut pacer: Pacer, late: Duration, for_: Duration, want: usize) -> Vec<Instant> {
        let start = Instant::now();
        let mut now = start;
        let mut sent = Vec::new();
        while now < start + for_ {
            match pacer.grant(now, want) {
                Ok(n) => sent.extend(std::iter::repeat_n(now, n)),
                Err(when) => now = when.max(now) + late,
            }
        }
        sent
    }

    fn max_in_any_second(sent: &[Instant]) -> usize {
        let mut best = 0;
        let mut start = 0;
        for end in 0..sent.len() {
            while sent[end] - sent[start] >= SECOND {
                start += 1;
            }
            best = best.max(end - start + 1);
        }
        best
    }

    #[test]
    fn an_interval_keeps_its_rate_though_timers_fire_late() {
        let pacer = Pacer::new(Duration::from_millis(10), 100);
        let sent = simulate(
            pacer,
            Duration::from_micros(900),
            Duration::from_secs(60),
            50,
        );
        let rate = sent.len() as f64 / 60.0;
        assert!((rate - 100.0).abs() / 100.0 < 0.02, "rate {rate}");
        assert!(max_in_any_second(&sent) <= 100);
    }

    #[test]
    fn after_a_stall_an_interval_catches_up_half_a_step_apart() {
        let start = Instant::now();
        let step = Duration::from_millis(50);
        let mut pacer = Pacer::new(step, 20);
        assert_eq!(pacer.grant(start, 10), Ok(1));
        // 40 ms late for the next slot.
        let late = start + step + Duration::from_millis(40);
        assert_eq!(pacer.grant(late, 10), Ok(1));
        assert_eq!(pacer.grant(late, 10), Err(late + step / 2));
    }

    #[test]
    fn a_ceiling_spreads_its_sends_over_the_second() {
        let pacer = Pacer::new(Duration::ZERO, 1000);
        let sent = simulate(
            pacer,
            Duration::from_micros(1000),
            Duration::from_secs(2),
            50,
        );
        let first_10ms = sent
            .iter()
            .filter(|&&t| t - sent[0] < Duration::from_millis(10))
            .count();
        assert!(first_10ms <= 60, "{first_10ms} sends in the first 10 ms");
        assert!(sent.len() >= 1900, "{}", sent.len());
    }

    #[test]
    fn the_ceiling_holds_in_every_second() {
        let pacer = Pacer::new(Duration::ZERO, 3000);
        let sent = simulate(
            pacer,
            Duration::from_micros(300),
            Duration::from_secs(10),
            50,
        );
        assert!(max_in_any_second(&sent) <= 3000);
        assert!(sent.len() >= 29_000, "{}", sent.len());
    }

    #[test]
    fn throttling_holds_then_halves_then_recovers() {
        let start = Instant::now();
        let mut pacer = Pacer::new(Duration::ZERO, 100);
        pacer.throttled(start, Duration::from_secs(1));
        assert_eq!(pacer.grant(start, 10), Err(start + SECOND));
        assert_eq!(pacer.current_ceiling(), 50);
        let later = start + RECOVERY_STEP;
        assert!(pacer.grant(later, 10).is_ok());
        assert_eq!(pacer.current_ceiling(), 63);
    }
}

/// The last check before a request leaves: granted slots become durable `sending` rows first,
/// and a slow commit can hold a few back and then release them together. The gate spaces them
/// again (half the interval at least) and keeps every window of sends, counted where they
/// leave, within the ceiling.
#[derive(Debug, Default)]
pub struct SendGate {
    state: std::sync::Mutex<GateState>,
}

#[derive(Debug, Default)]
struct GateState {
    ceiling: u32,
    min_gap: Duration,
    last: Option<Instant>,
    recent: VecDeque<Instant>,
}

impl SendGate {
    /// Sets the ceiling and the interval (sends are kept half of it apart).
    pub fn set(&self, interval: Duration, ceiling: u32) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.ceiling = ceiling.max(1);
        state.min_gap = interval / 2;
    }

    /// When a send may leave at `now`: `Err(when)` to ask again, or `Ok(n)`: it is counted,
    /// and `n` sends (this one included) left in the last second.
    pub fn try_pass(&self, now: Instant) -> Result<usize, Instant> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while state.recent.front().is_some_and(|&t| t + WINDOW <= now) {
            state.recent.pop_front();
        }
        let ceiling = state.ceiling.max(1) as usize;
        if state.recent.len() >= ceiling {
            let oldest = state.recent[state.recent.len() - ceiling];
            return Err(oldest + WINDOW);
        }
        if let Some(last) = state.last
            && now < last + state.min_gap
        {
            return Err(last + state.min_gap);
        }
        state.last = Some(now);
        state.recent.push_back(now);
        let in_last_second = state
            .recent
            .iter()
            .rev()
            .take_while(|&&t| now - t < SECOND)
            .count();
        Ok(in_last_second)
    }

    /// Waits until a send may leave; returns how many left in the last second, this one
    /// included.
    pub async fn pass(&self) -> usize {
        loop {
            match self.try_pass(Instant::now()) {
                Ok(in_last_second) => return in_last_second,
                Err(when) => tokio::time::sleep_until(when.into()).await,
            }
        }
    }
}

#[cfg(test)]
mod gate_tests {
    use super::*;

    #[test]
    fn sends_released_together_are_spaced_again() {
        let gate = SendGate::default();
        gate.set(Duration::from_millis(10), 100);
        let start = Instant::now();
        assert_eq!(gate.try_pass(start), Ok(1));
        // A stalled commit releases the next one at once: it waits half an interval.
        assert_eq!(gate.try_pass(start), Err(start + Duration::from_millis(5)));
        assert_eq!(gate.try_pass(start + Duration::from_millis(5)), Ok(2));
    }

    #[test]
    fn no_window_holds_more_than_the_ceiling() {
        let gate = SendGate::default();
        gate.set(Duration::ZERO, 3);
        let start = Instant::now();
        for n in 1..=3 {
            assert_eq!(gate.try_pass(start), Ok(n));
        }
        assert_eq!(gate.try_pass(start), Err(start + WINDOW));
    }
}
