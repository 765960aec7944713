//! Small readers and builders for the HTTP records of the provider contract, shared by every
//! provider adapter: header look-up, `Retry-After`, URL origins and redirects, failure
//! records.

use crate::provider::{Failure, Limit, LimitKind, Pair, Retryable, SendError};

/// The value of the first header named `name` (case-insensitive, as HTTP names are).
pub fn header<'a>(headers: &'a [Pair], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

/// A `name: value` header.
pub fn pair(name: &str, value: &str) -> Pair {
    Pair {
        name: name.to_owned(),
        value: value.to_owned(),
    }
}

/// `Retry-After` in ms, when given in seconds. (An HTTP date would need a clock, which a
/// plugin does not have: it reads as no hint.)
pub fn retry_after_ms(headers: &[Pair]) -> Option<u64> {
    let seconds: u64 = header(headers, "retry-after")?.trim().parse().ok()?;
    Some(seconds.saturating_mul(1000))
}

/// `scheme://host[:port]` of an absolute http(s) URL, lower-case, without userinfo: what two
/// URLs must share for a credential meant for one to go to the other. `None` for any other
/// URL.
pub fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit('@').next().unwrap_or_default();
    (!host.is_empty()).then(|| format!("{scheme}://{}", host.to_ascii_lowercase()))
}

/// A `Location` header resolved against `base`, the URL of the request it answered (RFC 3986
/// §5.2): an absolute http(s) URL as it is, `//host/…`, `/path`, `?query` and relative paths
/// (`b`, `../b`). `None` when the result would not be an http(s) URL.
pub fn resolve(base: &str, location: &str) -> Option<String> {
    let location = location.trim();
    let has_scheme = location.split_once(':').is_some_and(|(scheme, _)| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if has_scheme {
        return origin(location).map(|_| location.to_owned());
    }
    let base_origin = origin(base)?;
    let scheme = base_origin.split_once("://")?.0;
    if let Some(rest) = location.strip_prefix("//") {
        let url = format!("{scheme}://{rest}");
        return origin(&url).map(|_| url);
    }
    let (_, after_scheme) = base.trim().split_once("://")?;
    let base_path_and_query = after_scheme
        .find(['/', '?', '#'])
        .map_or("", |i| &after_scheme[i..]);
    let base_path_and_query = base_path_and_query.split('#').next().unwrap_or_default();
    let base_path = base_path_and_query.split('?').next().unwrap_or_default();
    let joined = match location.chars().next() {
        None => base_path_and_query.to_owned(),
        Some('#') => format!("{base_path_and_query}{location}"),
        Some('?') => format!("{base_path}{location}"),
        Some('/') => location.to_owned(),
        Some(_) => {
            let directory = base_path.rfind('/').map_or("/", |i| &base_path[..=i]);
            format!("{directory}{location}")
        }
    };
    let (path, tail) = match joined.find(['?', '#']) {
        Some(i) => joined.split_at(i),
        None => (joined.as_str(), ""),
    };
    Some(format!("{base_origin}{}{tail}", remove_dot_segments(path)))
}

/// A path without its `.` and `..` segments (RFC 3986 §5.2.4), always starting with `/`.
fn remove_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match *segment {
            "." | ".." => {
                if *segment == ".." {
                    out.pop();
                }
                if last {
                    out.push("");
                }
            }
            other => out.push(other),
        }
    }
    format!("/{}", out.join("/"))
}

/// A failure record: the provider's code (or the HTTP status) and its explanation.
pub fn failure(code: &str, message: impl Into<String>) -> Failure {
    Failure {
        code: code.to_owned(),
        message: message.into(),
    }
}

/// The send error for an HTTP status the provider explained no better: 429 is a throughput
/// limit, 408 and 5xx are worth retrying, anything else is permanent.
pub fn status_error(status: u16, retry_after_ms: Option<u64>, failure: Failure) -> SendError {
    match status {
        429 => SendError::ProviderLimit(Limit {
            kind: LimitKind::Throughput,
            retry_after_ms,
            failure,
        }),
        408 | 500..=599 => SendError::Retryable(Retryable {
            retry_after_ms,
            failure,
        }),
        _ => SendError::Permanent(failure),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_match_in_any_case_and_the_first_wins() {
        let headers = [pair("Retry-After", "7"), pair("retry-after", "9")];
        assert_eq!(header(&headers, "RETRY-AFTER"), Some("7"));
        assert_eq!(header(&headers, "content-type"), None);
    }

    #[test]
    fn statuses_are_classified() {
        let limited = status_error(429, Some(1000), failure("429", "slow down"));
        assert!(matches!(
            limited,
            SendError::ProviderLimit(Limit {
                kind: LimitKind::Throughput,
                retry_after_ms: Some(1000),
                ..
            })
        ));
        assert!(matches!(
            status_error(503, None, failure("503", "")),
            SendError::Retryable(_)
        ));
        assert!(matches!(
            status_error(408, None, failure("408", "")),
            SendError::Retryable(_)
        ));
        assert!(matches!(
            status_error(400, None, failure("400", "")),
            SendError::Permanent(_)
        ));
    }

    #[test]
    fn origins_are_scheme_and_host_only() {
        assert_eq!(
            origin("HTTPS://API.Twilio.com:443/x?y").as_deref(),
            Some("https://api.twilio.com:443")
        );
        assert_eq!(
            origin("https://a.test@evil.test/x").as_deref(),
            Some("https://evil.test")
        );
        assert_eq!(origin("ftp://a.test/x"), None);
        assert_eq!(origin("/relative"), None);
        assert_eq!(origin("https:///x"), None);
    }

    #[test]
    fn locations_resolve_against_the_request_url() {
        let base = "https://api.test/a/b/c?q=1#f";
        for (location, expected) in [
            ("https://cdn.test/x", Some("https://cdn.test/x")),
            ("//cdn.test/x", Some("https://cdn.test/x")),
            ("/x/y", Some("https://api.test/x/y")),
            ("d", Some("https://api.test/a/b/d")),
            ("../d?z", Some("https://api.test/a/d?z")),
            ("../../../../d", Some("https://api.test/d")),
            ("./", Some("https://api.test/a/b/")),
            ("?z=2", Some("https://api.test/a/b/c?z=2")),
            ("", Some("https://api.test/a/b/c?q=1")),
            ("ftp://x.test/", None),
            ("javascript:alert(1)", None),
            ("https:x", None),
            ("d:1", None),
            ("./d:1", Some("https://api.test/a/b/d:1")),
        ] {
            assert_eq!(resolve(base, location).as_deref(), expected, "{location}");
        }
        assert_eq!(
            resolve("http://h.test", "x").as_deref(),
            Some("http://h.test/x")
        );
        assert_eq!(resolve("not a url", "/x"), None);
    }

    #[test]
    fn retry_after_is_read_in_seconds_only() {
        assert_eq!(retry_after_ms(&[pair("Retry-After", " 2 ")]), Some(2000));
        assert_eq!(
            retry_after_ms(&[pair("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")]),
            None
        );
        assert_eq!(retry_after_ms(&[]), None);
    }
}
