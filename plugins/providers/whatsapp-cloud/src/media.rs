//! Inbound media download in two steps (providers.md §2.2): `GET /{media-id}` answers JSON
//! with a short-lived `url` and the `mime_type`; a `GET` of that URL with the same bearer token
//! returns the bytes.
//!
//! `read-media-fetch` gets only the response, not which step it answers, so the steps are told
//! apart by the shape of the answer: Graph's JSON (`url` and `mime_type`) is step one, anything
//! else the file. A customer can send a JSON document shaped like Graph's answer; the token is
//! therefore only ever sent on to Meta's own hosts (or the configured Graph host).

use serde_json::Value;
use switchboard_sdk::PluginError;
use switchboard_sdk::provider::{HttpRequest, HttpResponse, MediaInfo, MediaStep};

use crate::config::{Config, is_graph_id};
use crate::http;

/// Hosts Meta serves media from (the lookaside CDN and Graph itself).
const META_DOMAINS: [&str; 4] = ["fbsbx.com", "facebook.com", "fbcdn.net", "whatsapp.net"];

/// `GET {base}/{version}/{media-id}` with the bearer token.
pub fn prepare(config: &str, auth: Option<&str>, media: &str) -> Result<HttpRequest, PluginError> {
    let config = Config::load(config)?;
    if !is_graph_id(media) {
        return Err(PluginError::new(
            "bad-input",
            "a Meta media id is decimal digits",
        ));
    }
    Ok(http::get(config.graph_url(media), token(&config, auth)))
}

/// The download URL request after Graph's JSON, or the file's type after the bytes.
pub fn read(
    config: &str,
    auth: Option<&str>,
    response: &HttpResponse,
) -> Result<MediaStep, PluginError> {
    let config = Config::load(config)?;
    if !(200..300).contains(&response.status) {
        return Err(refused(response));
    }
    let content_type = http::header(&response.headers, "content-type").unwrap_or_default();
    if let Some(url) = graph_media_url(content_type, &response.body) {
        if !trusted(&url, &config.graph_base_url) {
            let host = authority(&url).unwrap_or_default();
            return Err(PluginError::new(
                "untrusted-url",
                format!("media URL host `{host}` is not Meta's; the token is not sent there"),
            ));
        }
        return Ok(MediaStep::Fetch(http::get(url, token(&config, auth))));
    }
    let mime_type = match content_type.trim() {
        "" => "application/octet-stream".to_owned(),
        given => given.to_owned(),
    };
    let filename = http::header(&response.headers, "content-disposition").and_then(filename);
    Ok(MediaStep::Complete(MediaInfo {
        mime_type,
        filename,
    }))
}

fn token<'a>(config: &'a Config, auth: Option<&'a str>) -> &'a str {
    auth.filter(|t| !t.is_empty())
        .unwrap_or(&config.access_token)
}

/// Graph's media object (`{"url", "mime_type", "sha256", "file_size", "id",
/// "messaging_product"}`) → its URL. Graph has answered JSON as `text/javascript` too.
fn graph_media_url(content_type: &str, body: &[u8]) -> Option<String> {
    let media_type = http::media_type(content_type);
    if !matches!(
        media_type.as_str(),
        "application/json" | "text/javascript" | ""
    ) {
        return None;
    }
    let object: Value = serde_json::from_slice(body).ok()?;
    object["mime_type"].as_str()?;
    object["url"].as_str().map(str::to_owned)
}

/// `https` on a Meta domain, or the configured Graph scheme and host (a test double).
fn trusted(url: &str, graph_base_url: &str) -> bool {
    let Some(called) = authority(url) else {
        return false;
    };
    let host = called
        .rsplit_once(':')
        .map_or(called.as_str(), |(host, _)| host);
    let on_meta = url.starts_with("https://")
        && META_DOMAINS
            .iter()
            .any(|domain| host == *domain || host.ends_with(&format!(".{domain}")));
    let scheme = |url: &str| url.split_once("://").map(|(scheme, _)| scheme.to_owned());
    let on_graph = scheme(url) == scheme(graph_base_url)
        && authority(graph_base_url).as_ref() == Some(&called);
    on_meta || on_graph
}

/// The lowercase `host[:port]` of an http(s) URL; `None` with userinfo, which hides the host.
fn authority(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.contains('@') || authority.is_empty() {
        return None;
    }
    Some(authority.to_ascii_lowercase())
}

/// `attachment; filename="a.pdf"` → `a.pdf`.
fn filename(disposition: &str) -> Option<String> {
    disposition.split(';').find_map(|part| {
        let (name, value) = part.trim().split_once('=')?;
        let value = value.trim().trim_matches('"');
        (name.trim().eq_ignore_ascii_case("filename") && !value.is_empty())
            .then(|| value.to_owned())
    })
}

/// A refused download, with Graph's message when there is one.
fn refused(response: &HttpResponse) -> PluginError {
    let body: Value = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
    let detail = body["error"]["message"].as_str().unwrap_or("no detail");
    let code = match response.status {
        401 | 403 => "unauthorized",
        404 | 410 => "not-found",
        429 | 500..=599 => "unavailable",
        _ => "provider-error",
    };
    PluginError::new(
        code,
        format!("media download answered {}: {detail}", response.status),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_meta_hosts_are_trusted() {
        let graph = "https://graph.facebook.com";
        for url in [
            "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1&ext=2",
            "https://graph.facebook.com/v25.0/1",
            "https://scontent.xx.fbcdn.net/x",
        ] {
            assert!(trusted(url, graph), "{url}");
        }
        for url in [
            "http://lookaside.fbsbx.com/x",
            "https://evilfbsbx.com/x",
            "https://lookaside.fbsbx.com.evil.test/x",
            "https://lookaside.fbsbx.com@evil.test/x",
            "https://evil.test/?lookaside.fbsbx.com",
            "file:///etc/passwd",
        ] {
            assert!(!trusted(url, graph), "{url}");
        }
        assert!(trusted("http://mock:8080/media/1", "http://mock:8080"));
        assert!(!trusted("http://mock:8080/media/1", "https://mock:8080"));
    }

    #[test]
    fn content_disposition_names_the_file() {
        assert_eq!(
            filename("attachment; filename=\"a b.pdf\"").as_deref(),
            Some("a b.pdf")
        );
        assert_eq!(filename("inline"), None);
    }
}
