//! Inbound media download. A `MediaUrl` lives on api.twilio.com and needs Basic auth (unless
//! the account turned media auth off); Twilio answers with a redirect to a short-lived,
//! pre-signed CDN URL, which must be fetched *without* the credentials. A relative
//! `Location` resolves against the URL of the request it answered.

use switchboard_sdk::PluginError;
use switchboard_sdk::http::{header, origin, resolve};
use switchboard_sdk::provider::{HttpRequest, HttpResponse, MediaInfo, MediaStep, Pair};

use crate::config::Config;

/// The first request: `GET` the media URL, with credentials only if it is Twilio's.
pub fn prepare(config: &Config, media: &str) -> Result<HttpRequest, PluginError> {
    let media = media.trim();
    if origin(media).is_none() {
        return Err(PluginError::new(
            "bad-input",
            format!("media locator is not an http(s) URL: {media:?}"),
        ));
    }
    let headers = if is_twilio(config, media) {
        vec![Pair {
            name: "Authorization".into(),
            value: config.basic_auth(),
        }]
    } else {
        Vec::new()
    };
    Ok(get(media, headers))
}

/// A redirect from `request` becomes the next request (no credentials); a 2xx is the file.
pub fn read(request: &HttpRequest, response: &HttpResponse) -> Result<MediaStep, PluginError> {
    let value = |name: &str| header(&response.headers, name).map(str::trim);
    match response.status {
        301 | 302 | 303 | 307 | 308 => {
            let location = value("location").unwrap_or_default();
            let next = Some(location)
                .filter(|l| !l.is_empty())
                .and_then(|l| resolve(&request.url, l));
            let Some(next) = next else {
                return Err(PluginError::new(
                    "bad-response",
                    format!("media redirect to no http(s) URL: {location:?}"),
                ));
            };
            Ok(MediaStep::Fetch(get(&next, Vec::new())))
        }
        200..=299 => {
            let mime_type = value("content-type")
                .and_then(|v| v.split(';').next())
                .map(|v| v.trim().to_ascii_lowercase())
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| "application/octet-stream".to_owned());
            let filename = value("content-disposition").and_then(filename);
            Ok(MediaStep::Complete(MediaInfo {
                mime_type,
                filename,
            }))
        }
        404 | 410 => Err(PluginError::new(
            "media-gone",
            format!("Twilio no longer has this media (HTTP {})", response.status),
        )),
        status => Err(PluginError::new(
            "media-fetch-failed",
            format!("media download answered HTTP {status}"),
        )),
    }
}

fn get(url: &str, headers: Vec<Pair>) -> HttpRequest {
    HttpRequest {
        method: "GET".into(),
        url: url.to_owned(),
        headers,
        body: Vec::new(),
    }
}

/// The credentials go to the configured API and to Twilio's own https hosts, nowhere else.
fn is_twilio(config: &Config, url: &str) -> bool {
    let Some(target) = origin(url) else {
        return false;
    };
    if Some(&target) == origin(config.api_base()).as_ref() {
        return true;
    }
    target
        .strip_prefix("https://")
        .is_some_and(|host| host == "twilio.com" || host.ends_with(".twilio.com"))
}

/// The file name of a `Content-Disposition` header (`filename*=UTF-8''…` or `filename=…`).
fn filename(disposition: &str) -> Option<String> {
    let params = disposition
        .split(';')
        .skip(1)
        .filter_map(|p| p.split_once('='));
    let mut plain = None;
    for (name, value) in params {
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "filename*" => {
                let encoded = value.split_once("''").map_or(value, |(_, v)| v);
                let decoded =
                    form_urlencoded::parse(format!("f={}", encoded.replace('+', "%2B")).as_bytes())
                        .next()
                        .map(|(_, v)| v.into_owned());
                if let Some(decoded) = decoded.filter(|d| !d.is_empty()) {
                    return Some(decoded);
                }
            }
            "filename" => plain = Some(value.trim_matches('"').to_owned()),
            _ => {}
        }
    }
    plain.filter(|p| !p.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(base: &str) -> Config {
        Config {
            account_sid: "AC1".into(),
            auth_token: "t".into(),
            api_base_url: base.into(),
            ..Config::default()
        }
    }

    #[test]
    fn credentials_only_for_twilio_hosts() {
        let c = config("https://api.twilio.com");
        let authed = |url: &str| !prepare(&c, url).expect("url").headers.is_empty();
        assert!(authed(
            "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"
        ));
        assert!(authed("https://media.twilio.com/x"));
        assert!(!authed("http://api.twilio.com/x"), "never over plain http");
        assert!(!authed("https://api.twilio.com.evil.test/x"));
        assert!(!authed("https://evil.test/?https://api.twilio.com"));
        let mock = config("http://127.0.0.1:8080/");
        assert!(
            !prepare(&mock, "http://127.0.0.1:8080/m")
                .expect("url")
                .headers
                .is_empty()
        );
        assert!(prepare(&c, "/relative").is_err());
    }

    #[test]
    fn content_disposition_names() {
        assert_eq!(
            filename(r#"attachment; filename="a b.pdf""#).as_deref(),
            Some("a b.pdf")
        );
        assert_eq!(
            filename("attachment; filename=x.pdf; filename*=UTF-8''%C3%B1%2B.pdf").as_deref(),
            Some("ñ+.pdf")
        );
        assert_eq!(filename("inline"), None);
    }
}
