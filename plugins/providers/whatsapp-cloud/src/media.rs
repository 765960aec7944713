//! Inbound media download in two steps (providers.md §2.2): `GET /{media-id}` answers JSON
//! with a short-lived `url` and the `mime_type`; a `GET` of that URL with the same bearer token
//! returns the bytes.
//!
//! The step number tells the answers apart: step 0 is always Graph's JSON, every later step
//! the file (or a redirect towards it), so a customer's JSON document can never pass for
//! Graph's answer. The bearer token goes only to the URL Graph named and to redirects within
//! its origin. Graph's `mime_type` travels to the last step in the download request's
//! `Accept` header, where it is read back from the request the host returns with the file.

use serde_json::Value;
use switchboard_sdk::PluginError;
use switchboard_sdk::http::{origin, resolve};
use switchboard_sdk::provider::{HttpRequest, HttpResponse, MediaInfo, MediaStep, Pair};

use crate::config::{Config, is_graph_id};
use crate::http;

/// What a file without a type is.
const OCTET_STREAM: &str = "application/octet-stream";

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

/// Step 0: Graph's media object → the download request. Later steps: a redirect → the next
/// request, or the bytes → the file's type and name.
pub fn read(
    config: &str,
    auth: Option<&str>,
    step: u8,
    request: &HttpRequest,
    response: &HttpResponse,
) -> Result<MediaStep, PluginError> {
    let config = Config::load(config)?;
    if step == 0 {
        if !(200..300).contains(&response.status) {
            return Err(refused(response));
        }
        return download(&config, auth, &response.body).map(MediaStep::Fetch);
    }
    if matches!(response.status, 301 | 302 | 303 | 307 | 308) {
        return redirect(request, response).map(MediaStep::Fetch);
    }
    if !(200..300).contains(&response.status) {
        return Err(refused(response));
    }
    let expected = http::header(&request.headers, "accept")
        .map(|accept| accept.split(',').next().unwrap_or_default().trim())
        .filter(|mime| !mime.is_empty() && !mime.starts_with('*'));
    let served = http::header(&response.headers, "content-type")
        .map(str::trim)
        .filter(|mime| !mime.is_empty());
    let mime_type = expected.or(served).unwrap_or(OCTET_STREAM).to_owned();
    let filename = http::header(&response.headers, "content-disposition").and_then(filename);
    Ok(MediaStep::Complete(MediaInfo {
        mime_type,
        filename,
    }))
}

/// Graph's media object (`{"url", "mime_type", "sha256", "file_size", "id",
/// "messaging_product"}`) → `GET url` with the token, asking for `mime_type`.
fn download(config: &Config, auth: Option<&str>, body: &[u8]) -> Result<HttpRequest, PluginError> {
    let object: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let Some(url) = object["url"].as_str().filter(|url| trusted(url, config)) else {
        return Err(PluginError::new(
            "bad-response",
            "Graph's media object has no https `url`",
        ));
    };
    let mut request = http::get(url.to_owned(), token(config, auth));
    if let Some(mime) = object["mime_type"]
        .as_str()
        .filter(|m| !m.trim().is_empty())
    {
        request
            .headers
            .push(http::pair("accept", &format!("{mime}, */*;q=0.1")));
    }
    Ok(request)
}

/// `https`, or the configured Graph origin (a test double may be plain http).
fn trusted(url: &str, config: &Config) -> bool {
    let Some(target) = origin(url) else {
        return false;
    };
    target.starts_with("https://") || origin(&config.graph_base_url) == Some(target)
}

/// The request after a redirect: the token stays only within the origin it was sent to.
fn redirect(request: &HttpRequest, response: &HttpResponse) -> Result<HttpRequest, PluginError> {
    let location = http::header(&response.headers, "location").unwrap_or_default();
    let next = Some(location.trim())
        .filter(|l| !l.is_empty())
        .and_then(|l| resolve(&request.url, l))
        .ok_or_else(|| {
            PluginError::new(
                "bad-response",
                format!("media redirect to no http(s) URL: {location:?}"),
            )
        })?;
    let same_origin = origin(&next) == origin(&request.url);
    let headers: Vec<Pair> = request
        .headers
        .iter()
        .filter(|h| same_origin || !h.name.eq_ignore_ascii_case("authorization"))
        .cloned()
        .collect();
    Ok(HttpRequest {
        method: "GET".into(),
        url: next,
        headers,
        body: Vec::new(),
    })
}

fn token<'a>(config: &'a Config, auth: Option<&'a str>) -> &'a str {
    auth.filter(|t| !t.is_empty())
        .unwrap_or(&config.access_token)
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

    fn config(graph: &str) -> Config {
        Config {
            graph_base_url: graph.into(),
            ..Config::default()
        }
    }

    #[test]
    fn downloads_go_over_https_or_to_the_configured_graph() {
        let graph = config("https://graph.facebook.com");
        for url in [
            "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1&ext=2",
            "https://cdn.bsp.example/x",
        ] {
            assert!(trusted(url, &graph), "{url}");
        }
        for url in ["http://lookaside.fbsbx.com/x", "file:///etc/passwd", "/x"] {
            assert!(!trusted(url, &graph), "{url}");
        }
        assert!(trusted(
            "http://mock:8080/media/1",
            &config("http://mock:8080")
        ));
        assert!(!trusted(
            "http://other:8080/media/1",
            &config("http://mock:8080")
        ));
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
