//! A campaign's opening hours: weekly ranges in an IANA time zone, whole-day holidays and dated
//! exceptions. Pure: the caller passes the instant, nothing here reads a clock or the store.
//!
//! What the ranges mean, in the schedule's zone:
//!
//! - A range is open from its start (included) to its end (excluded). `"24:00"` as an end is
//!   midnight at the end of the day; `"00:00"`–`"24:00"` is the whole day.
//! - A range whose end is before its start runs overnight and **belongs to the day it starts**:
//!   Friday `22:00`–`06:00` is open on Saturday at 01:00, and a Thursday-night range is not.
//! - A range whose end equals its start is **empty** (closed), not 24 hours: write
//!   `00:00`–`24:00` for a whole day.
//! - A holiday closes the ranges of its own date only. The tail of the previous night's
//!   overnight range still runs into it: with Friday `22:00`–`06:00` and Saturday a holiday, the
//!   campaign is open on Saturday at 01:00 (that shift was planned on Friday, a working day). To
//!   close that night too, make Friday an exception.
//! - An exception replaces the weekly ranges of its date (an empty list closes it); like a
//!   holiday, it leaves the previous night's tail alone, and its own ranges may run overnight.
//! - Daylight saving: a wall-clock time the clocks skip (spring forward) is taken as the instant
//!   they jump, and one they show twice (fall back) as its first occurrence. So a range over a
//!   gap is open exactly while the clock shows a time inside it (Madrid `01:00`–`02:30` on the
//!   spring-forward Sunday closes at the jump, one hour after opening), a range wholly inside
//!   the gap never opens, and a range ending in the repeated hour closes once and stays closed.
//!
//! [`Schedule`] is the stored, serialisable form; [`CompiledSchedule`] is the checked form with
//! the zone loaded and the times parsed, what the router keeps to answer [`CompiledSchedule::is_open`]
//! for every new conversation without parsing anything.

use std::collections::{BTreeMap, BTreeSet};

use jiff::{
    Timestamp,
    civil::Date,
    tz::{AmbiguousOffset, TimeZone},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

const DAY_MINUTES: u16 = 24 * 60;

/// How far ahead [`Schedule::next_change`] looks: 14 days.
pub const LOOKAHEAD_MS: i64 = 14 * 86_400_000;

/// A campaign's opening hours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// IANA time zone, e.g. "America/Argentina/Buenos_Aires".
    pub time_zone: String,
    /// Weekly ranges; a range whose end is not after its start runs overnight into the next day
    /// ("22:00"–"06:00"); one whose end equals its start is empty.
    pub weekly: Vec<WeeklyRange>,
    /// Whole days closed (national holidays...), "YYYY-MM-DD" in the schedule's zone.
    #[serde(default)]
    pub holidays: Vec<String>,
    /// Dates with their own ranges instead of the weekly ones (e.g. Christmas Eve 09:00–13:00;
    /// an empty list closes the date).
    #[serde(default)]
    pub exceptions: Vec<ExceptionDate>,
}

/// A day of the week, as `"mon"` … `"sun"`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

impl Weekday {
    /// Every day, Monday first.
    pub const ALL: [Weekday; 7] = [
        Self::Mon,
        Self::Tue,
        Self::Wed,
        Self::Thu,
        Self::Fri,
        Self::Sat,
        Self::Sun,
    ];
}

/// The same hours on some days of the week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WeeklyRange {
    /// The days the range starts on.
    pub days: Vec<Weekday>,
    /// Opening time, "HH:MM" from "00:00" to "23:59".
    pub start: String,
    /// Closing time, "HH:MM" from "00:00" to "24:00"; before the start means the next day.
    pub end: String,
}

/// A range of hours on one date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeRange {
    /// Opening time, "HH:MM" from "00:00" to "23:59".
    pub start: String,
    /// Closing time, "HH:MM" from "00:00" to "24:00"; before the start means the next day.
    pub end: String,
}

/// A date with its own hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExceptionDate {
    /// "YYYY-MM-DD" in the schedule's zone.
    pub date: String,
    /// The date's ranges instead of the weekly ones; empty = closed all day.
    #[serde(default)]
    pub ranges: Vec<TimeRange>,
}

impl Schedule {
    /// Open all day every day, in UTC: what a campaign without a schedule follows.
    pub fn always() -> Self {
        Self {
            time_zone: "UTC".into(),
            weekly: vec![WeeklyRange {
                days: Weekday::ALL.to_vec(),
                start: "00:00".into(),
                end: "24:00".into(),
            }],
            holidays: Vec::new(),
            exceptions: Vec::new(),
        }
    }

    /// Checks the zone, every time and date; the message names the field at fault.
    pub fn validate(&self) -> Result<(), String> {
        self.compile().map(drop)
    }

    /// The checked form, for callers that ask often.
    pub fn compile(&self) -> Result<CompiledSchedule, String> {
        CompiledSchedule::new(self)
    }

    /// Whether the campaign is open at `at_ms`. An invalid schedule is never open. This checks
    /// the schedule on every call; a caller that asks often keeps a [`CompiledSchedule`].
    pub fn is_open(&self, at_ms: i64) -> bool {
        self.compile().is_ok_and(|c| c.is_open(at_ms))
    }

    /// The first instant after `at_ms` at which the campaign opens or closes, if one comes
    /// within [`LOOKAHEAD_MS`]. None for an invalid schedule.
    pub fn next_change(&self, at_ms: i64) -> Option<i64> {
        self.compile().ok()?.next_change(at_ms)
    }
}

/// A range in minutes of the day; `end < start` runs overnight, `end == 1440` is midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Minutes {
    start: u16,
    end: u16,
}

/// A validated [`Schedule`]: the zone loaded, times and dates parsed, empty ranges dropped.
#[derive(Debug, Clone)]
pub struct CompiledSchedule {
    tz: TimeZone,
    /// Indexed Monday = 0.
    weekly: [Vec<Minutes>; 7],
    holidays: BTreeSet<Date>,
    exceptions: BTreeMap<Date, Vec<Minutes>>,
}

impl CompiledSchedule {
    fn new(schedule: &Schedule) -> Result<Self, String> {
        let tz = TimeZone::get(&schedule.time_zone)
            .map_err(|_| format!("time_zone: unknown time zone {:?}", schedule.time_zone))?;
        let mut weekly: [Vec<Minutes>; 7] = Default::default();
        for (i, range) in schedule.weekly.iter().enumerate() {
            if range.days.is_empty() {
                return Err(format!("weekly[{i}].days: name at least one day"));
            }
            let minutes = parse_range(&format!("weekly[{i}]"), &range.start, &range.end)?;
            for day in &range.days {
                weekly[*day as usize].extend(minutes);
            }
        }
        let mut holidays = BTreeSet::new();
        for (i, text) in schedule.holidays.iter().enumerate() {
            let date =
                parse_date(text).ok_or_else(|| not_a_date(&format!("holidays[{i}]"), text))?;
            if !holidays.insert(date) {
                return Err(format!("holidays[{i}]: {date} is listed twice"));
            }
        }
        let mut exceptions = BTreeMap::new();
        for (i, exception) in schedule.exceptions.iter().enumerate() {
            let key = format!("exceptions[{i}].date");
            let date =
                parse_date(&exception.date).ok_or_else(|| not_a_date(&key, &exception.date))?;
            if holidays.contains(&date) {
                return Err(format!(
                    "{key}: {date} is also a holiday; keep one of the two"
                ));
            }
            let mut ranges = Vec::new();
            for (j, range) in exception.ranges.iter().enumerate() {
                let key = format!("exceptions[{i}].ranges[{j}]");
                ranges.extend(parse_range(&key, &range.start, &range.end)?);
            }
            if exceptions.insert(date, ranges).is_some() {
                return Err(format!("{key}: {date} is listed twice"));
            }
        }
        Ok(Self {
            tz,
            weekly,
            holidays,
            exceptions,
        })
    }

    /// Whether the campaign is open at `at_ms`.
    pub fn is_open(&self, at_ms: i64) -> bool {
        let Some(today) = self.local_date(at_ms) else {
            return false;
        };
        // Only today's ranges and last night's tail can cover an instant of today.
        let mut intervals = Vec::with_capacity(4);
        if let Ok(yesterday) = today.yesterday() {
            self.intervals_of(yesterday, &mut intervals);
        }
        self.intervals_of(today, &mut intervals);
        intervals
            .iter()
            .any(|&(open, close)| open <= at_ms && at_ms < close)
    }

    /// The first instant after `at_ms` at which the campaign opens or closes, within
    /// [`LOOKAHEAD_MS`].
    pub fn next_change(&self, at_ms: i64) -> Option<i64> {
        let horizon = at_ms.checked_add(LOOKAHEAD_MS)?;
        let mut day = self.local_date(at_ms)?.yesterday().ok()?;
        let last = self.local_date(horizon)?.tomorrow().ok()?;
        let mut intervals = Vec::new();
        while day <= last {
            self.intervals_of(day, &mut intervals);
            let Ok(next) = day.tomorrow() else { break };
            day = next;
        }
        intervals.sort_unstable();
        // Ranges that overlap or touch (Friday night into Saturday morning) are one opening.
        let mut merged: Vec<(i64, i64)> = Vec::with_capacity(intervals.len());
        for (open, close) in intervals {
            match merged.last_mut() {
                Some(last) if open <= last.1 => last.1 = last.1.max(close),
                _ => merged.push((open, close)),
            }
        }
        merged
            .into_iter()
            .flat_map(|(open, close)| [open, close])
            .find(|&t| t > at_ms && t <= horizon)
    }

    fn local_date(&self, at_ms: i64) -> Option<Date> {
        let ts = Timestamp::from_millisecond(at_ms).ok()?;
        Some(self.tz.to_datetime(ts).date())
    }

    /// The ranges that start on `date`.
    fn ranges_of(&self, date: Date) -> &[Minutes] {
        if let Some(ranges) = self.exceptions.get(&date) {
            return ranges;
        }
        if self.holidays.contains(&date) {
            return &[];
        }
        &self.weekly[date.weekday().to_monday_zero_offset() as usize]
    }

    /// Pushes `[open, close)` in ms for each range that starts on `date`.
    fn intervals_of(&self, date: Date, out: &mut Vec<(i64, i64)>) {
        for range in self.ranges_of(date) {
            let end = if range.end > range.start {
                range.end
            } else {
                range.end + DAY_MINUTES
            };
            if let (Some(open), Some(close)) =
                (self.instant(date, range.start), self.instant(date, end))
                && close > open
            {
                out.push((open, close));
            }
        }
    }

    /// The instant the wall clock shows `minute` (past 1440: on the next days) of `date`.
    fn instant(&self, date: Date, minute: u16) -> Option<i64> {
        let mut date = date;
        for _ in 0..minute / DAY_MINUTES {
            date = date.tomorrow().ok()?;
        }
        let minute = minute % DAY_MINUTES;
        let local = date.at((minute / 60) as i8, (minute % 60) as i8, 0, 0);
        let ambiguous = self.tz.to_ambiguous_timestamp(local);
        // Earlier: the first of a repeated time; in a gap, the instant before it, whose next
        // transition is the jump.
        let earlier = ambiguous.earlier().ok()?;
        let at = match ambiguous.offset() {
            AmbiguousOffset::Gap { .. } => self.tz.following(earlier).next()?.timestamp(),
            _ => earlier,
        };
        Some(at.as_millisecond())
    }
}

fn parse_range(key: &str, start: &str, end: &str) -> Result<Option<Minutes>, String> {
    let start_minute = parse_time(start, false).ok_or_else(|| {
        format!("{key}.start: {start:?} is not a time of day (HH:MM, 00:00 to 23:59)")
    })?;
    let end_minute = parse_time(end, true).ok_or_else(|| {
        format!("{key}.end: {end:?} is not a time of day (HH:MM, 00:00 to 24:00)")
    })?;
    Ok((start_minute != end_minute).then_some(Minutes {
        start: start_minute,
        end: end_minute,
    }))
}

/// `HH:MM`, two digits each; `24:00` only where `allow_midnight_end`.
fn parse_time(text: &str, allow_midnight_end: bool) -> Option<u16> {
    let [h1, h2, b':', m1, m2] = *text.as_bytes() else {
        return None;
    };
    let hours = two_digits(h1, h2)?;
    let minutes = two_digits(m1, m2)?;
    let ok = (hours < 24 && minutes < 60) || (allow_midnight_end && hours == 24 && minutes == 0);
    ok.then_some(hours * 60 + minutes)
}

/// `YYYY-MM-DD`, a real date.
fn parse_date(text: &str) -> Option<Date> {
    let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = *text.as_bytes() else {
        return None;
    };
    let year = two_digits(y1, y2)? * 100 + two_digits(y3, y4)?;
    let month = two_digits(m1, m2)?;
    let day = two_digits(d1, d2)?;
    Date::new(year as i16, month as i8, day as i8).ok()
}

fn two_digits(a: u8, b: u8) -> Option<u16> {
    (a.is_ascii_digit() && b.is_ascii_digit())
        .then(|| u16::from(a - b'0') * 10 + u16::from(b - b'0'))
}

fn not_a_date(key: &str, text: &str) -> String {
    format!("{key}: {text:?} is not a date (YYYY-MM-DD)")
}

#[cfg(test)]
mod tests;
