//! Time as the engine reads it: one place, so later features can inject a test clock.

/// Milliseconds since the Unix epoch, UTC.
pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// Formats ms since the epoch as RFC 3339 in UTC, the wire format of every time in the API.
pub fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}
