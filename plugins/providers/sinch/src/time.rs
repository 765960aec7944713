//! Timestamps in callbacks, to ms since the Unix epoch: RFC 3339 text (Sinch's
//! `2026-03-01T12:00:01.123Z`, Wavy's `yyyy-MM-dd'T'HH:mm:ssZ`) or Unix time as a number or a
//! numeric string (seconds or ms).

use serde_json::Value;

/// Below this a Unix time is in seconds (it is year 5138 in seconds, 1973 in ms).
const SECONDS_BELOW: u64 = 100_000_000_000;

/// A timestamp field of any of the accepted forms.
pub fn ms_at(value: &Value, key: &str) -> Option<u64> {
    match value.get(key)? {
        Value::Number(n) => n.as_u64().map(unix_ms),
        Value::String(s) => text_ms(s),
        _ => None,
    }
}

/// A timestamp written as text: Unix time (seconds or ms) or RFC 3339.
pub fn text_ms(s: &str) -> Option<u64> {
    let s = s.trim();
    match s.parse::<u64>() {
        Ok(n) => Some(unix_ms(n)),
        Err(_) => rfc3339_ms(s),
    }
}

fn unix_ms(n: u64) -> u64 {
    if n < SECONDS_BELOW {
        n.saturating_mul(1000)
    } else {
        n
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM|±HHMM)` to ms since the epoch; `None` if malformed or
/// before 1970.
pub fn rfc3339_ms(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let year = number(&b[0..4])?;
    let month = number(&b[5..7])?;
    let day = number(&b[8..10])?;
    let (hour, minute, second) = (
        number(&b[11..13])?,
        number(&b[14..16])?,
        number(&b[17..19])?,
    );
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    if second > 60 {
        return None;
    }
    let mut rest = &b[19..];
    let mut millis = 0;
    if let Some(fraction) = rest.strip_prefix(b".") {
        let digits = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        let mut scaled = fraction[..digits.min(3)].to_vec();
        scaled.resize(3, b'0');
        millis = number(&scaled)?;
        rest = &fraction[digits..];
    }
    let offset_s = offset_seconds(rest)?;
    let days = days_from_civil(year, month, day);
    let local = days * 86_400 + hour * 3600 + minute * 60 + second;
    let utc = local - offset_s;
    u64::try_from(utc)
        .ok()?
        .checked_mul(1000)?
        .checked_add(millis as u64)
}

fn offset_seconds(zone: &[u8]) -> Option<i64> {
    match zone {
        b"Z" | b"z" => Some(0),
        [sign @ (b'+' | b'-'), h1, h2, rest @ ..] => {
            let minutes = match rest {
                [b':', m1, m2] | [m1, m2] => number(&[*m1, *m2])?,
                [] => 0,
                _ => return None,
            };
            let total = number(&[*h1, *h2])? * 3600 + minutes * 60;
            Some(if *sign == b'-' { -total } else { total })
        }
        _ => None,
    }
}

fn number(digits: &[u8]) -> Option<i64> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(digits.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rfc3339_forms_parse_to_utc_ms() {
        assert_eq!(rfc3339_ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(rfc3339_ms("2026-03-01T12:00:00Z"), Some(1_772_366_400_000));
        assert_eq!(
            rfc3339_ms("2026-03-01T12:00:01.123Z"),
            Some(1_772_366_401_123)
        );
        assert_eq!(
            rfc3339_ms("2020-06-22T10:55:39.534687Z"),
            Some(1_592_823_339_534)
        );
        assert_eq!(
            rfc3339_ms("2017-12-18T17:09:31.473Z"),
            Some(1_513_616_971_473)
        );
        assert_eq!(
            rfc3339_ms("2026-03-01T09:00:00-03:00"),
            Some(1_772_366_400_000)
        );
        assert_eq!(
            rfc3339_ms("2026-03-01T15:00:00+0300"),
            Some(1_772_366_400_000)
        );
    }

    #[test]
    fn malformed_or_pre_epoch_times_are_none() {
        for bad in [
            "",
            "2026-03-01",
            "2026-13-01T00:00:00Z",
            "2026-03-01T24:00:00Z",
            "2026-03-01T12:00:00",
            "2026-03-01T12:00:00.Z",
            "1969-12-31T23:59:59Z",
            "２０２６-03-01T12:00:00Z",
            "2026-03-01T12:00:00+3",
        ] {
            assert_eq!(rfc3339_ms(bad), None, "{bad}");
        }
    }

    #[test]
    fn unix_times_in_seconds_or_ms_are_accepted() {
        let v = json!({"s": 1_513_616_971u64, "ms": 1_513_616_971_473u64, "text": "1513616971473",
                       "date": "2017-12-18T17:09:31.473Z", "neg": -1, "huge": u64::MAX});
        assert_eq!(ms_at(&v, "s"), Some(1_513_616_971_000));
        assert_eq!(ms_at(&v, "ms"), Some(1_513_616_971_473));
        assert_eq!(ms_at(&v, "text"), Some(1_513_616_971_473));
        assert_eq!(ms_at(&v, "date"), Some(1_513_616_971_473));
        assert_eq!(ms_at(&v, "neg"), None);
        assert_eq!(ms_at(&v, "huge"), Some(u64::MAX));
        assert_eq!(ms_at(&v, "missing"), None);
    }
}
