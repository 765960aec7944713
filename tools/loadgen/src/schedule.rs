//! When each request is due. Request `i` of a run at `rate` per second is due `i / rate`
//! seconds after the start, whatever happened to the requests before it: the load is open,
//! so a slow target does not slow the offered rate down (it only makes latencies grow).
//!
//! A run is a warm-up (requests sent but not counted) followed by the measured window, both at
//! the same rate.

use std::time::Duration;

/// The intended send times of one run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Schedule {
    rate: f64,
    warmup: u64,
    total: u64,
}

impl Schedule {
    /// `rate` requests per second for `warmup` seconds and then `duration` seconds.
    /// Both counts are rounded to whole requests.
    pub fn new(rate: f64, warmup: f64, duration: f64) -> Schedule {
        let count = |seconds: f64| (rate * seconds).round().max(0.0) as u64;
        let warmup = count(warmup);
        Schedule {
            rate,
            warmup,
            total: warmup + count(duration),
        }
    }

    /// Requests per second.
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// Requests in the whole run, warm-up included.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Requests in the measured window.
    pub fn measured(&self) -> u64 {
        self.total - self.warmup
    }

    /// Whether request `index` falls in the measured window (not the warm-up).
    pub fn is_measured(&self, index: u64) -> bool {
        index >= self.warmup
    }

    /// When request `index` is due, counted from the start of the run.
    pub fn offset(&self, index: u64) -> Duration {
        Duration::from_nanos((index as f64 * 1e9 / self.rate).round() as u64)
    }

    /// Where the measured window starts, counted from the start of the run.
    pub fn window_start(&self) -> Duration {
        self.offset(self.warmup)
    }

    /// The length of the measured window.
    pub fn window(&self) -> Duration {
        Duration::from_secs_f64(self.measured() as f64 / self.rate)
    }

    /// How many requests are due once `elapsed` has passed: every `i` with `i / rate <= elapsed`,
    /// at most [`Schedule::total`].
    pub fn due_by(&self, elapsed: Duration) -> u64 {
        // The estimate can be one off either way in floating point; settle it against
        // `offset` itself, so a request is due exactly when its own time has come.
        let mut last = (elapsed.as_secs_f64() * self.rate).floor() as u64;
        while self.offset(last + 1) <= elapsed {
            last += 1;
        }
        while last > 0 && self.offset(last) > elapsed {
            last -= 1;
        }
        (last + 1).min(self.total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_evenly_spaced_at_the_rate() {
        let schedule = Schedule::new(1000.0, 0.0, 2.0);
        assert_eq!(schedule.total(), 2000);
        assert_eq!(schedule.offset(0), Duration::ZERO);
        assert_eq!(schedule.offset(1), Duration::from_millis(1));
        assert_eq!(schedule.offset(1500), Duration::from_millis(1500));
    }

    #[test]
    fn due_counts_every_request_whose_time_has_come() {
        let schedule = Schedule::new(100.0, 0.0, 1.0);
        assert_eq!(
            schedule.due_by(Duration::ZERO),
            1,
            "the first is due at once"
        );
        assert_eq!(schedule.due_by(Duration::from_millis(9)), 1);
        assert_eq!(schedule.due_by(Duration::from_millis(10)), 2);
        assert_eq!(schedule.due_by(Duration::from_millis(255)), 26);
        assert_eq!(
            schedule.due_by(Duration::from_secs(60)),
            100,
            "capped at the total"
        );
        let odd = Schedule::new(333.3, 0.0, 3.0);
        for index in 0..odd.total() {
            let at = odd.offset(index);
            assert_eq!(
                odd.due_by(at),
                index + 1,
                "request {index} is due at its own time"
            );
            if index > 0 {
                let before = at - Duration::from_nanos(1);
                assert_eq!(odd.due_by(before), index, "and not a nanosecond before");
            }
        }
    }

    #[test]
    fn warmup_requests_come_first_and_are_not_measured() {
        let schedule = Schedule::new(50.0, 2.0, 10.0);
        assert_eq!(schedule.total(), 600);
        assert_eq!(schedule.measured(), 500);
        assert!(!schedule.is_measured(99));
        assert!(schedule.is_measured(100));
        assert_eq!(schedule.window_start(), Duration::from_secs(2));
        assert_eq!(schedule.window(), Duration::from_secs(10));
    }

    #[test]
    fn fractional_rates_round_to_whole_requests() {
        let schedule = Schedule::new(2.5, 0.0, 3.0);
        assert_eq!(schedule.total(), 8);
        assert_eq!(schedule.offset(5), Duration::from_secs(2));
    }
}
