//! Small builders and readers for the HTTP records of the provider contract.

pub use switchboard_sdk::http::{failure, header, pair, retry_after_ms};
use switchboard_sdk::provider::{HttpResponse, Pair, SendError};

/// The media type of a `Content-Type` header, lowercased, without parameters.
pub fn media_type(headers: &[Pair]) -> String {
    header(headers, "content-type")
        .and_then(|v| v.split(';').next())
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The `charset` parameter of a `Content-Type` header, without quotes.
pub fn charset(headers: &[Pair]) -> Option<String> {
    header(headers, "content-type")?
        .split(';')
        .skip(1)
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("charset"))
        .map(|(_, v)| v.trim().trim_matches('"').to_owned())
}

/// A response with a body and its content type.
pub fn response(status: u16, content_type: &str, body: &[u8]) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![Pair {
            name: "content-type".into(),
            value: content_type.into(),
        }],
        body: body.to_vec(),
    }
}

/// A response body as text for a failure message, cut to a readable length.
pub fn body_text(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    match text.char_indices().nth(300) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// The send error for an HTTP status the provider gave no better explanation for: 429 is a
/// throughput limit, 5xx (and 408) are worth retrying, other statuses are permanent.
pub fn status_error(status: u16, headers: &[Pair], message: String) -> SendError {
    let failure = failure(&status.to_string(), message);
    switchboard_sdk::http::status_error(status, retry_after_ms(headers), failure)
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_sdk::provider::Limit;

    #[test]
    fn content_type_parts_are_read() {
        let headers = [pair("Content-Type", "text/plain; charset=\"UTF-16BE\"")];
        assert_eq!(media_type(&headers), "text/plain");
        assert_eq!(charset(&headers).as_deref(), Some("UTF-16BE"));
        assert_eq!(charset(&[]), None);
    }

    #[test]
    fn statuses_map_to_send_errors() {
        let limited = status_error(429, &[pair("Retry-After", "3")], "slow".into());
        assert!(matches!(
            limited,
            SendError::ProviderLimit(Limit {
                retry_after_ms: Some(3000),
                ..
            })
        ));
        assert!(matches!(
            status_error(503, &[], String::new()),
            SendError::Retryable(_)
        ));
        assert!(matches!(
            status_error(404, &[], String::new()),
            SendError::Permanent(_)
        ));
    }

    #[test]
    fn long_bodies_are_cut() {
        assert_eq!(body_text(b"  ok \n"), "ok");
        assert_eq!(body_text("é".repeat(400).as_bytes()).chars().count(), 301);
    }
}
