//! Small pieces of HTTP shared by both APIs: headers, JSON requests, `Retry-After`, failures.

pub use switchboard_sdk::http::{failure, header, pair, retry_after_ms};
use switchboard_sdk::provider::{
    Failure, HttpRequest, HttpResponse, Limit, LimitKind, Pair, Retryable, SendError,
};

/// The longest provider text copied into a failure message.
const EXCERPT_CHARS: usize = 300;

/// A `POST` of `body` as JSON, after `headers`.
pub fn post_json(url: String, mut headers: Vec<Pair>, body: &serde_json::Value) -> HttpRequest {
    headers.push(pair("Content-Type", "application/json"));
    HttpRequest {
        method: "POST".to_owned(),
        url,
        headers,
        body: body.to_string().into_bytes(),
    }
}

/// An empty `200 OK`: what both APIs expect from a webhook.
pub fn ok() -> HttpResponse {
    HttpResponse {
        status: 200,
        headers: Vec::new(),
        body: Vec::new(),
    }
}

/// A send error that will never succeed as is.
pub fn permanent(code: &str, message: impl Into<String>) -> SendError {
    SendError::Permanent(failure(code, message))
}

/// A temporary send error.
pub fn retryable(retry_after_ms: Option<u64>, failure: Failure) -> SendError {
    SendError::Retryable(Retryable {
        retry_after_ms,
        failure,
    })
}

/// A throughput limit.
pub fn throughput(retry_after_ms: Option<u64>, failure: Failure) -> SendError {
    SendError::ProviderLimit(Limit {
        kind: LimitKind::Throughput,
        retry_after_ms,
        failure,
    })
}

/// The start of a body as text, for failure messages and logs.
pub fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    match text.char_indices().nth(EXCERPT_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_in_any_case() {
        let headers = vec![pair("Retry-After", "7"), pair("retry-after", "9")];
        assert_eq!(header(&headers, "RETRY-AFTER"), Some("7"));
        assert_eq!(retry_after_ms(&headers), Some(7000));
        assert_eq!(
            retry_after_ms(&[pair("Retry-After", "Wed, 21 Oct 2015")]),
            None
        );
    }

    #[test]
    fn excerpts_cut_on_a_character_boundary() {
        let long = "é".repeat(400);
        let cut = excerpt(long.as_bytes());
        assert_eq!(cut.chars().count(), EXCERPT_CHARS + 1);
        assert_eq!(excerpt(b"short"), "short");
    }
}
