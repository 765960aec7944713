//! What a run measured: the latency of every answered request (from its intended send time,
//! in microseconds, HdrHistogram with 3 significant digits), answers by status code, failures
//! by kind, and the summary printed at the end.

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use serde_json::{Value, json};

/// Longest latency the histogram tells apart; longer ones are recorded as this.
const MAX_LATENCY_US: u64 = 3_600_000_000;

/// Why a request got no HTTP answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Failure {
    /// The connection could not be opened.
    Connect,
    /// Sent, but no answer within the timeout.
    Timeout,
    /// Still queued when its timeout had passed since its intended time: never sent.
    Expired,
    /// The connection failed while sending or reading.
    Io,
}

impl Failure {
    /// The name used in the output.
    pub fn name(self) -> &'static str {
        match self {
            Failure::Connect => "connect",
            Failure::Timeout => "timeout",
            Failure::Expired => "expired",
            Failure::Io => "io",
        }
    }
}

/// A latency distribution in microseconds (HdrHistogram, 3 significant digits), reported in
/// milliseconds.
#[derive(Debug, Clone)]
pub struct Latency {
    us: Histogram<u64>,
}

impl Default for Latency {
    fn default() -> Self {
        Latency::new()
    }
}

impl Latency {
    /// No samples.
    pub fn new() -> Latency {
        Latency {
            us: Histogram::new_with_bounds(1, MAX_LATENCY_US, 3)
                .unwrap_or_else(|_| unreachable!("the bounds are valid")),
        }
    }

    /// One sample.
    pub fn record(&mut self, latency: Duration) {
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        self.us.saturating_record(micros.clamp(1, MAX_LATENCY_US));
    }

    /// Adds `other`'s samples.
    pub fn merge(&mut self, other: &Latency) {
        // Both histograms have the same bounds, so adding cannot fail.
        let _ = self.us.add(&other.us);
    }

    /// Samples recorded.
    pub fn count(&self) -> u64 {
        self.us.len()
    }

    /// The latency below which a `quantile` (0..=1) of the samples fell, in milliseconds;
    /// 0 without samples.
    pub fn ms(&self, quantile: f64) -> f64 {
        if self.us.is_empty() {
            return 0.0;
        }
        self.us.value_at_quantile(quantile) as f64 / 1000.0
    }

    /// The longest latency, in milliseconds; 0 without samples.
    pub fn max_ms(&self) -> f64 {
        if self.us.is_empty() {
            return 0.0;
        }
        self.us.max() as f64 / 1000.0
    }

    /// p50, p90, p99, p99.9 and max as one JSON object.
    pub fn to_json(&self) -> Value {
        json!({
            "p50": self.ms(0.50),
            "p90": self.ms(0.90),
            "p99": self.ms(0.99),
            "p99_9": self.ms(0.999),
            "max": self.max_ms(),
        })
    }
}

impl fmt::Display for Latency {
    /// `p50 … p90 … p99 … p99.9 … max …`, milliseconds.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "p50 {:.3}  p90 {:.3}  p99 {:.3}  p99.9 {:.3}  max {:.3}",
            self.ms(0.50),
            self.ms(0.90),
            self.ms(0.99),
            self.ms(0.999),
            self.max_ms()
        )
    }
}

/// Counts of one part of a run (the warm-up or the measured window) on one connection;
/// merged at the end.
#[derive(Debug, Clone)]
pub struct Stats {
    latency: Latency,
    statuses: BTreeMap<u16, u64>,
    failures: BTreeMap<Failure, u64>,
    last_answer: Option<Instant>,
}

impl Default for Stats {
    fn default() -> Self {
        Stats::new()
    }
}

impl Stats {
    /// Empty counts.
    pub fn new() -> Stats {
        Stats {
            latency: Latency::new(),
            statuses: BTreeMap::new(),
            failures: BTreeMap::new(),
            last_answer: None,
        }
    }

    /// An answer with `status`, `latency` after the request's intended time, at `now`.
    pub fn answer(&mut self, status: u16, latency: Duration, now: Instant) {
        self.latency.record(latency);
        *self.statuses.entry(status).or_default() += 1;
        self.last_answer = self.last_answer.max(Some(now));
    }

    /// A request that got no answer.
    pub fn failure(&mut self, failure: Failure) {
        *self.failures.entry(failure).or_default() += 1;
    }

    /// Adds `other`'s counts to these.
    pub fn merge(&mut self, other: &Stats) {
        self.latency.merge(&other.latency);
        for (status, count) in &other.statuses {
            *self.statuses.entry(*status).or_default() += count;
        }
        for (failure, count) in &other.failures {
            *self.failures.entry(*failure).or_default() += count;
        }
        self.last_answer = self.last_answer.max(other.last_answer);
    }

    /// Answers with a 2xx status.
    pub fn ok(&self) -> u64 {
        self.statuses
            .iter()
            .filter(|(status, _)| (200..300).contains(*status))
            .map(|(_, count)| count)
            .sum()
    }

    /// Requests recorded, answered or not.
    pub fn requests(&self) -> u64 {
        self.statuses.values().sum::<u64>() + self.failures.values().sum::<u64>()
    }

    /// Requests that got a non-2xx answer or none.
    pub fn failed(&self) -> u64 {
        self.requests() - self.ok()
    }

    /// When the last answer arrived.
    pub fn last_answer(&self) -> Option<Instant> {
        self.last_answer
    }

    /// The latency below which a `quantile` (0..=1) of the answers fell, in milliseconds;
    /// 0 without answers.
    pub fn latency_ms(&self, quantile: f64) -> f64 {
        self.latency.ms(quantile)
    }

    /// The longest latency, in milliseconds; 0 without answers.
    pub fn max_latency_ms(&self) -> f64 {
        self.latency.max_ms()
    }

    /// The answers' latencies.
    pub fn latency(&self) -> &Latency {
        &self.latency
    }

    /// Answers by status code.
    pub fn statuses(&self) -> &BTreeMap<u16, u64> {
        &self.statuses
    }

    /// Requests without an answer, by kind.
    pub fn failures(&self) -> &BTreeMap<Failure, u64> {
        &self.failures
    }
}

/// The result of a run, as printed.
#[derive(Debug, Clone)]
pub struct Summary {
    /// The target URL.
    pub url: String,
    /// Connections in the pool.
    pub connections: usize,
    /// Requests per second offered.
    pub intended_rate: f64,
    /// The measured window, seconds.
    pub duration_s: f64,
    /// The warm-up before it, seconds.
    pub warmup_s: f64,
    /// 2xx answers to measured requests per second, over the window stretched to the last
    /// measured answer when the target answered late.
    pub achieved_rate: f64,
    /// The measured requests' counts.
    pub measured: Stats,
    /// The warm-up requests' counts.
    pub warmup: Stats,
}

impl Summary {
    /// Every request that got a non-2xx answer or none, warm-up included.
    pub fn failed(&self) -> u64 {
        self.measured.failed() + self.warmup.failed()
    }

    /// The summary as one JSON object.
    pub fn to_json(&self) -> Value {
        let m = &self.measured;
        let statuses: serde_json::Map<String, Value> = m
            .statuses
            .iter()
            .map(|(status, count)| (status.to_string(), json!(count)))
            .collect();
        let failures: serde_json::Map<String, Value> = m
            .failures
            .iter()
            .map(|(failure, count)| (failure.name().to_owned(), json!(count)))
            .collect();
        json!({
            "url": self.url,
            "connections": self.connections,
            "intended_rate": self.intended_rate,
            "duration_s": self.duration_s,
            "warmup_s": self.warmup_s,
            "requests": m.requests(),
            "ok": m.ok(),
            "achieved_rate": round2(self.achieved_rate),
            "statuses": statuses,
            "errors": failures,
            "latency_ms": m.latency.to_json(),
            "warmup": { "requests": self.warmup.requests(), "failed": self.warmup.failed() },
        })
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = &self.measured;
        writeln!(
            f,
            "target         {} ({} connections)",
            self.url, self.connections
        )?;
        writeln!(
            f,
            "intended rate  {:.1}/s for {:.1} s ({} requests; {:.1} s warm-up not counted)",
            self.intended_rate,
            self.duration_s,
            m.requests(),
            self.warmup_s
        )?;
        writeln!(
            f,
            "achieved rate  {:.1}/s ({} 2xx)",
            self.achieved_rate,
            m.ok()
        )?;
        let statuses: Vec<String> = m
            .statuses
            .iter()
            .map(|(s, n)| format!("{s}: {n}"))
            .collect();
        writeln!(f, "status         {}", list_or_none(&statuses))?;
        let failures: Vec<String> = m
            .failures
            .iter()
            .map(|(e, n)| format!("{}: {n}", e.name()))
            .collect();
        writeln!(f, "errors         {}", list_or_none(&failures))?;
        writeln!(f, "latency ms     {}  (from intended send time)", m.latency)?;
        if self.warmup.failed() > 0 {
            writeln!(
                f,
                "warm-up        {} of {} requests failed",
                self.warmup.failed(),
                self.warmup.requests()
            )?;
        }
        Ok(())
    }
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// Within HdrHistogram's 3 significant digits.
    fn close(actual: f64, expected: f64) -> bool {
        (actual - expected).abs() <= expected * 0.001 + 0.001
    }

    #[test]
    fn percentiles_of_a_uniform_spread() {
        let now = Instant::now();
        let mut stats = Stats::new();
        for n in 1..=1000 {
            stats.answer(200, ms(n), now);
        }
        for (quantile, expected) in [(0.5, 500.0), (0.9, 900.0), (0.99, 990.0), (0.999, 999.0)] {
            let actual = stats.latency_ms(quantile);
            assert!(close(actual, expected), "p{quantile}: {actual}");
        }
        assert!(close(stats.max_latency_ms(), 1000.0));
    }

    #[test]
    fn one_slow_request_in_a_thousand_shows_at_p99_9_not_p99() {
        let now = Instant::now();
        let mut stats = Stats::new();
        for _ in 0..998 {
            stats.answer(200, ms(1), now);
        }
        stats.answer(200, ms(2000), now);
        stats.answer(200, ms(2000), now);
        assert!(close(stats.latency_ms(0.99), 1.0));
        assert!(close(stats.latency_ms(0.999), 2000.0));
    }

    #[test]
    fn no_answers_report_zero_not_nan() {
        let stats = Stats::new();
        assert_eq!(stats.latency_ms(0.99), 0.0);
        assert_eq!(stats.max_latency_ms(), 0.0);
    }

    #[test]
    fn merging_adds_counts_and_keeps_the_last_answer() {
        let start = Instant::now();
        let mut a = Stats::new();
        a.answer(200, ms(1), start);
        a.failure(Failure::Timeout);
        let mut b = Stats::new();
        b.answer(503, ms(3), start + ms(5));
        b.answer(202, ms(2), start + ms(1));
        a.merge(&b);
        assert_eq!(a.requests(), 4);
        assert_eq!(a.ok(), 2);
        assert_eq!(a.failed(), 2);
        assert_eq!(a.last_answer(), Some(start + ms(5)));
        assert!(close(a.max_latency_ms(), 3.0));
    }

    #[test]
    fn json_names_every_figure() {
        let mut measured = Stats::new();
        measured.answer(200, ms(4), Instant::now());
        measured.failure(Failure::Io);
        let summary = Summary {
            url: "http://127.0.0.1:1/".into(),
            connections: 2,
            intended_rate: 10.0,
            duration_s: 1.0,
            warmup_s: 0.0,
            achieved_rate: 1.0,
            measured,
            warmup: Stats::new(),
        };
        let json = summary.to_json();
        assert_eq!(json["statuses"]["200"], 1);
        assert_eq!(json["errors"]["io"], 1);
        assert_eq!(json["requests"], 2);
        assert_eq!(summary.failed(), 1);
        assert!(json["latency_ms"]["p99_9"].is_number());
        assert!(summary.to_string().contains("io: 1"));
    }
}
