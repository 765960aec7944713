//! Inbound media: the authenticated first GET, the CDN redirect followed without credentials,
//! and the file's type.

mod common;

use common::*;
use provider_twilio::Twilio;
use switchboard_sdk::PluginError;
use switchboard_sdk::provider::{HttpResponse, MediaInfo, MediaStep, Pair, Provider};

const MEDIA_URL: &str = "https://api.twilio.com/2010-04-01/Accounts/AC00000000000000000000000000000000/Messages/MM11111111111111111111111111111111/Media/ME11111111111111111111111111111111";

/// Reads `response` as the answer to the first request of [`MEDIA_URL`].
fn read(response: HttpResponse) -> Result<MediaStep, PluginError> {
    let request =
        Twilio::prepare_media_fetch(&whatsapp_config(), None, MEDIA_URL).expect("request");
    Twilio::read_media_fetch(&whatsapp_config(), None, 0, request, response)
}

fn response(status: u16, headers: &[(&str, &str)]) -> HttpResponse {
    HttpResponse {
        status,
        headers: headers
            .iter()
            .map(|(n, v)| Pair {
                name: (*n).into(),
                value: (*v).into(),
            })
            .collect(),
        body: Vec::new(),
    }
}

#[test]
fn the_media_url_is_fetched_with_basic_auth() {
    let request =
        Twilio::prepare_media_fetch(&whatsapp_config(), None, MEDIA_URL).expect("request");
    assert_eq!(
        (request.method.as_str(), request.url.as_str()),
        ("GET", MEDIA_URL)
    );
    assert_eq!(request.headers.len(), 1);
    assert_eq!(request.headers[0].name, "Authorization");
    assert!(request.headers[0].value.starts_with("Basic "));
}

#[test]
fn a_redirect_is_followed_without_credentials() {
    let cdn = "https://s3-external-1.amazonaws.com/media.twiliocdn.com/AC0/abc?Signature=x";
    let step = read(response(307, &[("Location", cdn)])).expect("next step");
    let MediaStep::Fetch(next) = step else {
        panic!("a fetch: {step:?}")
    };
    assert_eq!((next.method.as_str(), next.url.as_str()), ("GET", cdn));
    assert!(next.headers.is_empty());
}

#[test]
fn a_relative_redirect_resolves_against_the_request_url() {
    let Ok(MediaStep::Fetch(next)) = read(response(302, &[("location", "/x/y?sig=1")])) else {
        panic!("a fetch")
    };
    assert_eq!(next.url, "https://api.twilio.com/x/y?sig=1");
    assert!(next.headers.is_empty(), "redirects never carry credentials");
    for location in ["", "ftp://cdn.test/x", "javascript:alert(1)"] {
        let error = read(response(302, &[("location", location)])).expect_err(location);
        assert_eq!(error.code, "bad-response");
    }
}

#[test]
fn the_file_is_complete_with_its_type_and_name() {
    let step = read(response(
        200,
        &[
            ("Content-Type", "application/PDF; charset=binary"),
            ("Content-Disposition", "inline; filename=\"factura.pdf\""),
        ],
    ));
    assert_eq!(
        step,
        Ok(MediaStep::Complete(MediaInfo {
            mime_type: "application/pdf".into(),
            filename: Some("factura.pdf".into()),
        }))
    );
    let untyped = read(response(200, &[]));
    assert_eq!(
        untyped,
        Ok(MediaStep::Complete(MediaInfo {
            mime_type: "application/octet-stream".into(),
            filename: None,
        }))
    );
}

#[test]
fn failures_name_what_happened() {
    let code = |status| read(response(status, &[])).expect_err("fails").code;
    assert_eq!(code(404), "media-gone");
    assert_eq!(code(401), "media-fetch-failed");
    assert_eq!(code(500), "media-fetch-failed");
}
