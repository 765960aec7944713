//! Call latency per plugin version: a fixed-bucket histogram of atomics, recorded on every call
//! (a few nanoseconds) and read by `/metrics`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds of the buckets, in seconds: from a fast routing pass (tens of µs) to a slow
/// provider step (hundreds of ms). The last bucket takes everything above.
pub const BOUNDS: [f64; 12] = [
    0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.05, 0.25, 1.0,
];

/// A histogram of call durations.
#[derive(Debug, Default)]
pub struct Latency {
    /// Count per bucket of `BOUNDS`, then one for larger values.
    buckets: [AtomicU64; BOUNDS.len() + 1],
    sum_nanos: AtomicU64,
}

/// A histogram read at one moment: per-bucket counts (not cumulative; the last bound is
/// `f64::MAX`, which the Prometheus encoder writes as `+Inf`), their total, and the sum in
/// seconds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LatencySnapshot {
    pub buckets: Vec<(f64, u64)>,
    pub count: u64,
    pub sum_seconds: f64,
}

impl Latency {
    pub fn record(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let index = BOUNDS
            .iter()
            .position(|&bound| seconds <= bound)
            .unwrap_or(BOUNDS.len());
        self.buckets[index].fetch_add(1, Ordering::Relaxed);
        let nanos = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
        self.sum_nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> LatencySnapshot {
        let counts: Vec<u64> = self
            .buckets
            .iter()
            .map(|b| b.load(Ordering::Relaxed))
            .collect();
        let buckets = BOUNDS
            .iter()
            .copied()
            .chain([f64::MAX])
            .zip(counts.iter().copied())
            .collect();
        LatencySnapshot {
            buckets,
            count: counts.iter().sum(),
            sum_seconds: self.sum_nanos.load(Ordering::Relaxed) as f64 / 1e9,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_land_in_their_bucket() {
        let latency = Latency::default();
        latency.record(Duration::from_micros(20));
        latency.record(Duration::from_micros(30));
        latency.record(Duration::from_secs(3));
        let snapshot = latency.snapshot();
        assert_eq!(snapshot.count, 3);
        assert_eq!(snapshot.buckets[0], (0.000_025, 1));
        assert_eq!(snapshot.buckets[1], (0.000_05, 1));
        assert_eq!(snapshot.buckets.last(), Some(&(f64::MAX, 1)));
        assert!((snapshot.sum_seconds - 3.00005).abs() < 1e-9);
    }
}
