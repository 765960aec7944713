//! The contact window: hours in the recipient's local time, the zone taken from the number's
//! country (libphonenumber), one zone per country (`country_zones.txt`; for countries across
//! several zones, the most populous one).

use std::collections::HashMap;

use crate::routing::schedule::{CompiledSchedule, Schedule, WeeklyRange};

const COUNTRY_ZONES: &str = include_str!("country_zones.txt");

/// The time zone numbers of `country` (ISO 3166 alpha-2) are read in.
pub fn zone_of_country(country: &str) -> Option<&'static str> {
    COUNTRY_ZONES
        .lines()
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| {
            let (code, zone) = line.split_once(' ')?;
            (code == country).then_some(zone.trim())
        })
}

/// Digits of a number that decide its country: calling code plus enough of the national
/// number for shared codes (+1's area codes, +44's crown dependencies).
const PREFIX_DIGITS: usize = 7;

/// A dialer's contact window, compiled per zone as numbers need it.
pub struct ContactWindow {
    weekly: Vec<WeeklyRange>,
    /// Zone used when a number's country is unknown (the dialer's own).
    fallback_zone: String,
    by_prefix: HashMap<String, String>,
    by_zone: HashMap<String, Option<CompiledSchedule>>,
}

impl ContactWindow {
    /// A window of `weekly` ranges; numbers of unknown country use `fallback_zone`.
    pub fn new(weekly: Vec<WeeklyRange>, fallback_zone: &str) -> Self {
        Self {
            weekly,
            fallback_zone: fallback_zone.to_owned(),
            by_prefix: HashMap::new(),
            by_zone: HashMap::new(),
        }
    }

    /// The weekly ranges.
    pub fn weekly(&self) -> &[WeeklyRange] {
        &self.weekly
    }

    /// Whether `number` (E.164) may be written to at `at_ms`.
    pub fn is_open(&mut self, number: &str, at_ms: i64) -> bool {
        let zone = self.zone_of(number);
        let weekly = &self.weekly;
        let compiled = self.by_zone.entry(zone.clone()).or_insert_with(|| {
            Schedule {
                time_zone: zone,
                weekly: weekly.clone(),
                holidays: Vec::new(),
                exceptions: Vec::new(),
            }
            .compile()
            .ok()
        });
        // A zone the tz database lacks: the window cannot be checked, so nothing is sent.
        compiled.as_ref().is_some_and(|s| s.is_open(at_ms))
    }

    fn zone_of(&mut self, number: &str) -> String {
        let digits = number.trim_start_matches('+');
        let prefix = &digits[..digits.len().min(PREFIX_DIGITS)];
        if let Some(zone) = self.by_prefix.get(prefix) {
            return zone.clone();
        }
        let zone = phonenumber::parse(None, number)
            .ok()
            .and_then(|n| n.country().id())
            .and_then(|id| zone_of_country(id.as_ref()))
            .map_or_else(|| self.fallback_zone.clone(), str::to_owned);
        self.by_prefix.insert(prefix.to_owned(), zone.clone());
        zone
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::schedule::Weekday;

    fn nine_to_five() -> Vec<WeeklyRange> {
        vec![WeeklyRange {
            days: vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
                Weekday::Sat,
                Weekday::Sun,
            ],
            start: "09:00".into(),
            end: "17:00".into(),
        }]
    }

    #[test]
    fn countries_have_zones() {
        assert_eq!(
            zone_of_country("AR"),
            Some("America/Argentina/Buenos_Aires")
        );
        assert_eq!(zone_of_country("BR"), Some("America/Sao_Paulo"));
        assert_eq!(zone_of_country("ZZ"), None);
    }

    #[test]
    fn the_window_follows_the_recipients_clock() {
        let mut window = ContactWindow::new(nine_to_five(), "UTC");
        // 2026-11-23 13:00 UTC: 10:00 in Buenos Aires, 22:00 in Tokyo.
        let at = jiff::Timestamp::from_second(1_795_438_800).expect("ts");
        assert_eq!(at.to_string(), "2026-11-23T13:00:00Z");
        let ms = at.as_millisecond();
        assert!(window.is_open("+5491155550001", ms));
        assert!(!window.is_open("+81312345678", ms));
    }
}
