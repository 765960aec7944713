//! Gateway timestamps to milliseconds since the Unix epoch. Plugins have no clock, so a
//! missing or unreadable time becomes 0 ("unknown") and the host uses its own.

/// Days from 1970-01-01 to the given proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parses `YYYY-MM-DD HH:MM:SS` (the separator may be a space, `T` or `+`) in a zone
/// `offset_minutes` east of UTC. `None` when it is not such a time or is before 1970.
pub fn parse_datetime_ms(text: &str, offset_minutes: i32) -> Option<u64> {
    let text = text.trim();
    let (date, time) = text.split_once([' ', 'T', '+'])?;
    let mut d = date.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (year, month, day) = (d.next()??, d.next()??, d.next()??);
    let mut t = time.splitn(3, ':').map(|p| p.parse::<i64>().ok());
    let (hour, minute, second) = (t.next()??, t.next()??, t.next()??);
    let valid = (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && (0..24).contains(&hour)
        && (0..60).contains(&minute)
        && (0..=60).contains(&second);
    if !valid || !(1970..=9999).contains(&year) {
        return None;
    }
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
        - i64::from(offset_minutes) * 60;
    u64::try_from(seconds).ok().map(|s| s * 1000)
}

/// Parses seconds since the epoch (Kannel's `%T`) as ms.
pub fn parse_epoch_seconds_ms(text: &str) -> Option<u64> {
    text.trim().parse::<u64>().ok()?.checked_mul(1000)
}

/// Either form: epoch seconds, or a UTC date and time.
pub fn parse_any_utc_ms(text: &str) -> Option<u64> {
    parse_epoch_seconds_ms(text).or_else(|| parse_datetime_ms(text, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_convert_to_epoch_ms() {
        assert_eq!(parse_datetime_ms("1970-01-01 00:00:00", 0), Some(0));
        assert_eq!(
            parse_datetime_ms("2016-07-12 15:46:18", 0),
            Some(1_468_338_378_000)
        );
        assert_eq!(
            parse_datetime_ms("2024-02-29T23:59:59", 0),
            Some(1_709_251_199_000)
        );
        assert_eq!(
            parse_datetime_ms("2023-11-14+22:13:20", 0),
            Some(1_700_000_000_000)
        );
    }

    #[test]
    fn local_gateway_time_is_shifted_by_the_offset() {
        // 12:00 in UTC-3 is 15:00 UTC.
        assert_eq!(
            parse_datetime_ms("2016-07-12 12:46:18", -180),
            parse_datetime_ms("2016-07-12 15:46:18", 0)
        );
    }

    #[test]
    fn bad_times_are_none() {
        for bad in [
            "",
            "2016-07-12",
            "2016-13-01 00:00:00",
            "x-y-z a:b:c",
            "1969-12-31 23:59:59",
        ] {
            assert_eq!(parse_datetime_ms(bad, 0), None, "{bad}");
        }
        assert_eq!(
            parse_epoch_seconds_ms("1700000000"),
            Some(1_700_000_000_000)
        );
        assert_eq!(parse_epoch_seconds_ms("-1"), None);
        assert_eq!(
            parse_any_utc_ms("2023-11-14 22:13:20"),
            Some(1_700_000_000_000)
        );
    }
}
