//! The service level of DESIGN §5: conversations first answered by an agent within the threshold
//! ÷ (conversations answered + conversations abandoned after the threshold), as a percentage.
//!
//! - Answered means the agent's first reply; its wait is from queueing to that reply. A
//!   conversation answered late counts in the denominator only.
//! - An abandon before (or at) the threshold counts nowhere: the customer left before the
//!   campaign could have met its promise. One after the threshold counts in the denominator.
//! - "Within" includes the threshold itself: a reply after exactly `threshold_ms` is in time.
//! - A conversation still waiting counts nowhere yet; it will, once answered or abandoned.
//!
//! [`service_level`] and [`by_interval`] compute it over stored samples (reports);
//! [`SlCounter`] keeps it live, one event at a time.

/// One queued conversation, as the formula sees it. Times are ms since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlSample {
    /// When it entered the queue.
    pub queued_ms: i64,
    /// The agent's first reply, if any; it wins over `abandoned_ms` when both are set.
    pub first_reply_ms: Option<i64>,
    /// When the customer gave up waiting, if they did.
    pub abandoned_ms: Option<i64>,
}

/// Running counts for the live service level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlCounter {
    threshold_ms: i64,
    answered: u64,
    answered_within: u64,
    abandoned_after: u64,
}

impl SlCounter {
    /// An empty counter for a campaign's threshold.
    pub fn new(threshold_ms: i64) -> Self {
        Self {
            threshold_ms,
            answered: 0,
            answered_within: 0,
            abandoned_after: 0,
        }
    }

    /// An agent's first reply after waiting `waited_ms` in the queue.
    pub fn record_answer(&mut self, waited_ms: i64) {
        self.answered += 1;
        if waited_ms <= self.threshold_ms {
            self.answered_within += 1;
        }
    }

    /// The customer gave up after waiting `waited_ms`; counted only past the threshold.
    pub fn record_abandon(&mut self, waited_ms: i64) {
        if waited_ms > self.threshold_ms {
            self.abandoned_after += 1;
        }
    }

    /// Counts a sample by its outcome; one still waiting is left out.
    pub fn record(&mut self, sample: &SlSample) {
        match (sample.first_reply_ms, sample.abandoned_ms) {
            (Some(reply), _) => self.record_answer(reply - sample.queued_ms),
            (None, Some(abandoned)) => self.record_abandon(abandoned - sample.queued_ms),
            (None, None) => {}
        }
    }

    /// Percent 0–100; None before anything counts.
    pub fn percent(&self) -> Option<f64> {
        let denominator = self.answered + self.abandoned_after;
        (denominator > 0).then(|| 100.0 * self.answered_within as f64 / denominator as f64)
    }

    /// The threshold this counter measures against.
    pub fn threshold_ms(&self) -> i64 {
        self.threshold_ms
    }

    /// Conversations answered, in time or not.
    pub fn answered(&self) -> u64 {
        self.answered
    }

    /// Conversations answered within the threshold.
    pub fn answered_within(&self) -> u64 {
        self.answered_within
    }

    /// Conversations abandoned after the threshold.
    pub fn abandoned_after(&self) -> u64 {
        self.abandoned_after
    }
}

/// The service level of `samples`, percent 0–100; None when nothing counts.
pub fn service_level<'a>(
    samples: impl IntoIterator<Item = &'a SlSample>,
    threshold_ms: i64,
) -> Option<f64> {
    let mut counter = SlCounter::new(threshold_ms);
    samples.into_iter().for_each(|s| counter.record(s));
    counter.percent()
}

/// The service level per interval of queueing time: one row per interval from `from_ms`
/// (included) to `to_ms` (excluded), each `(interval start, percent, answered, abandoned)`.
/// A sample belongs to the interval it was queued in; samples outside `[from_ms, to_ms)` are
/// left out. `abandoned` counts every abandon of the interval, before the threshold too, as a
/// report shows it; the percent leaves the early ones out. Empty when the interval length is
/// not positive or the span is empty. The caller bounds the number of rows (a report limits
/// its span and interval); every row is allocated, samples or not.
pub fn by_interval<'a>(
    samples: impl IntoIterator<Item = &'a SlSample>,
    threshold_ms: i64,
    interval_ms: i64,
    from_ms: i64,
    to_ms: i64,
) -> Vec<(i64, Option<f64>, u64, u64)> {
    if interval_ms <= 0 || to_ms <= from_ms {
        return Vec::new();
    }
    let span = to_ms.saturating_sub(from_ms);
    let count = usize::try_from(span / interval_ms + i64::from(span % interval_ms != 0))
        .unwrap_or(usize::MAX);
    let mut buckets = vec![(SlCounter::new(threshold_ms), 0_u64); count];
    for sample in samples {
        if sample.queued_ms < from_ms || sample.queued_ms >= to_ms {
            continue;
        }
        let Ok(index) = usize::try_from((sample.queued_ms - from_ms) / interval_ms) else {
            continue;
        };
        let (counter, abandoned) = &mut buckets[index];
        counter.record(sample);
        if sample.first_reply_ms.is_none() && sample.abandoned_ms.is_some() {
            *abandoned += 1;
        }
    }
    buckets
        .into_iter()
        .zip((0_i64..).map(|i| from_ms + i * interval_ms))
        .map(|((counter, abandoned), start)| {
            (start, counter.percent(), counter.answered(), abandoned)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const THRESHOLD: i64 = 30_000;

    fn answered(queued_ms: i64, waited_ms: i64) -> SlSample {
        SlSample {
            queued_ms,
            first_reply_ms: Some(queued_ms + waited_ms),
            abandoned_ms: None,
        }
    }

    fn abandoned(queued_ms: i64, waited_ms: i64) -> SlSample {
        SlSample {
            queued_ms,
            first_reply_ms: None,
            abandoned_ms: Some(queued_ms + waited_ms),
        }
    }

    fn waiting(queued_ms: i64) -> SlSample {
        SlSample {
            queued_ms,
            first_reply_ms: None,
            abandoned_ms: None,
        }
    }

    #[test]
    fn all_answered_in_time_is_one_hundred_percent() {
        let samples = [answered(0, 1_000), answered(0, THRESHOLD)];
        assert_eq!(service_level(&samples, THRESHOLD), Some(100.0));
    }

    #[test]
    fn answered_late_counts_in_the_denominator_only() {
        let samples = [answered(0, 10_000), answered(0, THRESHOLD + 1)];
        assert_eq!(service_level(&samples, THRESHOLD), Some(50.0));
    }

    #[test]
    fn abandons_before_the_threshold_are_not_counted() {
        let samples = [
            answered(0, 10_000),
            abandoned(0, 5_000),
            abandoned(0, THRESHOLD),
        ];
        assert_eq!(service_level(&samples, THRESHOLD), Some(100.0));
    }

    #[test]
    fn abandons_after_the_threshold_count_against() {
        let samples = [
            answered(0, 10_000),
            answered(0, 20_000),
            answered(0, 40_000),
            abandoned(0, 60_000),
        ];
        assert_eq!(service_level(&samples, THRESHOLD), Some(50.0));
    }

    #[test]
    fn nothing_counted_is_none_not_zero() {
        assert_eq!(service_level(&[], THRESHOLD), None);
        let early = [abandoned(0, 1_000), waiting(0)];
        assert_eq!(service_level(&early, THRESHOLD), None);
        let late = [abandoned(0, 90_000)];
        assert_eq!(service_level(&late, THRESHOLD), Some(0.0));
    }

    #[test]
    fn a_first_reply_wins_over_a_later_abandon_mark() {
        let sample = SlSample {
            queued_ms: 0,
            first_reply_ms: Some(10_000),
            abandoned_ms: Some(90_000),
        };
        assert_eq!(service_level(&[sample], THRESHOLD), Some(100.0));
    }

    #[test]
    fn live_counter_matches_the_formula() {
        let mut counter = SlCounter::new(THRESHOLD);
        assert_eq!(counter.percent(), None);
        counter.record_answer(1_000);
        counter.record_answer(45_000);
        counter.record_abandon(2_000);
        counter.record_abandon(31_000);
        assert_eq!(counter.answered(), 2);
        assert_eq!(counter.answered_within(), 1);
        assert_eq!(counter.abandoned_after(), 1);
        assert_eq!(counter.threshold_ms(), THRESHOLD);
        let percent = counter.percent().expect("counted");
        assert!((percent - 100.0 / 3.0).abs() < 1e-9, "{percent}");

        let samples = [
            answered(0, 1_000),
            answered(0, 45_000),
            abandoned(0, 2_000),
            abandoned(0, 31_000),
        ];
        assert_eq!(service_level(&samples, THRESHOLD), counter.percent());
    }

    #[test]
    fn intervals_bucket_by_queue_time() {
        let hour = 3_600_000;
        let samples = [
            answered(10, 1_000),         // first hour, in time
            abandoned(20, 1_000),        // first hour, early abandon
            answered(hour + 5, 60_000),  // second hour, late
            abandoned(hour + 6, 60_000), // second hour, late abandon
            answered(3 * hour, 1_000),   // at `to`: left out
            answered(-1, 1_000),         // before `from`: left out
        ];
        let rows = by_interval(&samples, THRESHOLD, hour, 0, 3 * hour);
        assert_eq!(
            rows,
            vec![
                (0, Some(100.0), 1, 1),
                (hour, Some(0.0), 1, 1),
                (2 * hour, None, 0, 0),
            ]
        );
    }

    #[test]
    fn a_partial_last_interval_still_gets_a_row() {
        let rows = by_interval(&[answered(250, 0)], THRESHOLD, 100, 0, 260);
        let starts: Vec<i64> = rows.iter().map(|r| r.0).collect();
        assert_eq!(starts, vec![0, 100, 200]);
        assert_eq!(rows[2], (200, Some(100.0), 1, 0));
    }

    #[test]
    fn empty_span_or_bad_interval_gives_no_rows() {
        let samples = [answered(0, 0)];
        assert!(by_interval(&samples, THRESHOLD, 0, 0, 100).is_empty());
        assert!(by_interval(&samples, THRESHOLD, 10, 100, 100).is_empty());
        assert!(by_interval(&samples, THRESHOLD, 10, 100, 0).is_empty());
    }
}
