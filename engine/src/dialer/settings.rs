//! A dialer's settings, as the API takes them and the store keeps them (JSON).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::routing::schedule::{Schedule, WeeklyRange};

/// Records claimed from the store at a time when none is given.
pub const DEFAULT_BATCH: u32 = 50;

/// How a dialer works.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DialerSettings {
    /// Connectors it sends through (ids). Their numbers, in this order, are its lines.
    pub connectors: Vec<i64>,
    /// The campaign that receives the replies.
    #[serde(default)]
    pub campaign_id: Option<i64>,
    /// The dialing window, in its own time zone. None: any time.
    #[serde(default)]
    pub schedule: Option<Schedule>,
    /// Hours in the recipient's local time (the zone of the number's country) when records may
    /// be sent. None: any time the dialing window allows.
    #[serde(default)]
    pub contact_window: Option<Vec<WeeklyRange>>,
    /// Channel range, e.g. `(0.3)` for channels 0, 1, 2, 3 round-robin, or `(0.1,4)`. With
    /// several lines a channel is a line (a number); with one line, a port of its gateway.
    #[serde(default = "default_channels")]
    pub channels: String,
    /// Time between two messages, for the whole dialer, in ms. 0: as fast as the ceiling lets.
    #[serde(default)]
    pub interval_ms: u64,
    /// At most this many messages in any one-second window. None: the provider's rate.
    #[serde(default)]
    pub max_per_second: Option<u32>,
    /// Off: never runs, even when started.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Skip numbers on the do-not-call list (global and the campaign's).
    #[serde(default = "yes")]
    pub dnc_check: bool,
    /// What a row without a message sends: text, or `hsm:code:p1` for a template.
    #[serde(default)]
    pub default_template: Option<String>,
    /// A reply this many seconds after a send lands in the dialer's campaign. None: the
    /// campaign's own `dialer_reply_window_secs`.
    #[serde(default)]
    pub reply_window_secs: Option<u32>,
    /// Country (ISO 3166 alpha-2) of numbers in a list written without a country code.
    #[serde(default)]
    pub default_country: Option<String>,
    /// Records claimed from the store at a time (the claim size, not the pace).
    #[serde(default = "default_batch")]
    pub batch_size: u32,
}

fn default_channels() -> String {
    "(0.0)".into()
}

fn yes() -> bool {
    true
}

fn default_batch() -> u32 {
    DEFAULT_BATCH
}

impl DialerSettings {
    /// Checks what the settings say on their own (connectors and campaigns are checked by the
    /// caller against what exists).
    pub fn validate(&self) -> Result<(), String> {
        if self.connectors.is_empty() {
            return Err("connectors: name at least one connector".into());
        }
        parse_channels(&self.channels)?;
        if let Some(schedule) = &self.schedule {
            schedule.validate().map_err(|e| format!("schedule.{e}"))?;
        }
        if let Some(window) = &self.contact_window {
            let probe = Schedule {
                time_zone: "UTC".into(),
                weekly: window.clone(),
                holidays: Vec::new(),
                exceptions: Vec::new(),
            };
            probe
                .validate()
                .map_err(|e| format!("contact_window: {e}"))?;
        }
        if self.max_per_second == Some(0) {
            return Err("max_per_second: at least 1, or leave it out".into());
        }
        if self.interval_ms > 3_600_000 {
            return Err("interval_ms: at most one hour".into());
        }
        if !(1..=10_000).contains(&self.batch_size) {
            return Err("batch_size: between 1 and 10000".into());
        }
        if let Some(country) = &self.default_country
            && country.parse::<phonenumber::country::Id>().is_err()
        {
            return Err(format!(
                "default_country: `{country}` is not an ISO 3166 country code"
            ));
        }
        Ok(())
    }
}

/// Reads a channel range: `(0.3)` is 0, 1, 2, 3; `(0.1,4,6.7)` is 0, 1, 4, 6, 7; a bare `2`
/// is channel 2. Channels keep the order given.
pub fn parse_channels(text: &str) -> Result<Vec<u32>, String> {
    let inner = text.trim();
    let inner = inner
        .strip_prefix('(')
        .and_then(|t| t.strip_suffix(')'))
        .unwrap_or(inner);
    let mut channels = Vec::new();
    for part in inner.split(',') {
        let part = part.trim();
        let bad = || format!("channels: `{part}` in `{text}` is not a channel or a range a.b");
        let (from, to) = match part.split_once('.') {
            Some((a, b)) => (a.trim(), b.trim()),
            None => (part, part),
        };
        let from: u32 = from.parse().map_err(|_| bad())?;
        let to: u32 = to.parse().map_err(|_| bad())?;
        if to < from {
            return Err(format!("channels: the range `{part}` runs backwards"));
        }
        if to - from >= 1024 || channels.len() > 1024 {
            return Err("channels: at most 1024 channels".into());
        }
        channels.extend(from..=to);
    }
    if channels.is_empty() {
        return Err("channels: name at least one channel".into());
    }
    Ok(channels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_ranges_expand_in_order() {
        assert_eq!(parse_channels("(0.3)"), Ok(vec![0, 1, 2, 3]));
        assert_eq!(parse_channels("(0.1,4,6.7)"), Ok(vec![0, 1, 4, 6, 7]));
        assert_eq!(parse_channels("2"), Ok(vec![2]));
        assert_eq!(parse_channels(" ( 5 . 6 ) "), Ok(vec![5, 6]));
    }

    #[test]
    fn bad_channel_ranges_say_why() {
        assert!(
            parse_channels("(3.1)")
                .expect_err("refused")
                .contains("backwards")
        );
        assert!(
            parse_channels("(a.2)")
                .expect_err("refused")
                .contains("`a.2`")
        );
        assert!(parse_channels("()").is_err());
        assert!(
            parse_channels("(0.99999)")
                .expect_err("refused")
                .contains("1024")
        );
    }

    #[test]
    fn settings_default_and_validate() {
        let settings: DialerSettings =
            serde_json::from_str(r#"{"connectors": [1]}"#).expect("parse");
        assert_eq!(settings.batch_size, DEFAULT_BATCH);
        assert!(settings.enabled && settings.dnc_check);
        assert_eq!(settings.validate(), Ok(()));
        let bad = DialerSettings {
            default_country: Some("XX".into()),
            ..settings.clone()
        };
        assert!(
            bad.validate()
                .expect_err("refused")
                .contains("default_country")
        );
        let none = DialerSettings {
            connectors: Vec::new(),
            ..settings
        };
        assert!(none.validate().is_err());
    }
}
