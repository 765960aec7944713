//! Small HTTP helpers: header look-up, requests with the bearer token, plain responses.

pub use switchboard_sdk::http::{header, pair, retry_after_ms};
use switchboard_sdk::provider::{HttpRequest, HttpResponse};

/// What the adapter calls itself; Meta's media CDN refuses downloads without a user agent.
pub const USER_AGENT: &str = concat!("switchboard-whatsapp-cloud/", env!("CARGO_PKG_VERSION"));

/// A `GET` with the bearer token and a user agent.
pub fn get(url: String, token: &str) -> HttpRequest {
    HttpRequest {
        method: "GET".into(),
        url,
        headers: vec![
            pair("authorization", &format!("Bearer {token}")),
            pair("user-agent", USER_AGENT),
        ],
        body: Vec::new(),
    }
}

/// A JSON `POST` with the bearer token.
pub fn post_json(url: String, token: &str, body: &serde_json::Value) -> HttpRequest {
    HttpRequest {
        method: "POST".into(),
        url,
        headers: vec![
            pair("authorization", &format!("Bearer {token}")),
            pair("content-type", "application/json"),
        ],
        body: body.to_string().into_bytes(),
    }
}

/// A response with an optional plain-text body.
pub fn response(status: u16, text: &str) -> HttpResponse {
    let headers = if text.is_empty() {
        Vec::new()
    } else {
        vec![
            pair("content-type", "text/plain; charset=utf-8"),
            pair("x-content-type-options", "nosniff"),
        ]
    };
    HttpResponse {
        status,
        headers,
        body: text.as_bytes().to_vec(),
    }
}

/// The media type of a `Content-Type` value, lowercase, without parameters.
pub fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_match_in_any_case() {
        let headers = [
            pair("X-Hub-Signature-256", "a"),
            pair("x-hub-signature-256", "b"),
        ];
        assert_eq!(header(&headers, "x-hub-signature-256"), Some("a"));
        assert_eq!(header(&headers, "content-type"), None);
    }

    #[test]
    fn media_type_drops_parameters() {
        assert_eq!(media_type("Audio/OGG; codecs=opus"), "audio/ogg");
        assert_eq!(media_type(""), "");
    }

    #[test]
    fn retry_after_is_read_as_seconds() {
        assert_eq!(retry_after_ms(&[pair("Retry-After", " 30 ")]), Some(30_000));
        assert_eq!(retry_after_ms(&[pair("Retry-After", "Wed, 21 Oct")]), None);
    }
}
