//! Inbound media download: the Graph media object (step 0), then the bytes (step 1), with the
//! token going only where Graph pointed.

mod common;

use common::*;
use provider_whatsapp_cloud::WhatsAppCloud;
use switchboard_sdk::PluginError;
use switchboard_sdk::provider::*;

const MEDIA_ID: &str = "1234567890987654321";
const LOOKASIDE: &str = "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1234567890987654321&ext=1691000000&hash=ATs";
const USER_AGENT: (&str, &str) = ("user-agent", "switchboard-whatsapp-cloud/1.0.0");

fn graph_answer(url: &str) -> HttpResponse {
    let body = serde_json::json!({"messaging_product": "whatsapp", "url": url,
        "mime_type": "application/pdf", "sha256": "Nh1L", "file_size": 30312,
        "id": MEDIA_ID});
    response(200, &body.to_string())
}

fn first_request() -> HttpRequest {
    WhatsAppCloud::prepare_media_fetch(&config(), None, MEDIA_ID).expect("request")
}

/// Step 0 → the download request.
fn download(answer: HttpResponse) -> Result<HttpRequest, PluginError> {
    match WhatsAppCloud::read_media_fetch(&config(), None, 0, first_request(), answer)? {
        MediaStep::Fetch(request) => Ok(request),
        other => panic!("a fetch: {other:?}"),
    }
}

/// A later step's answer to `request`.
fn read(step: u8, request: HttpRequest, answer: HttpResponse) -> Result<MediaStep, PluginError> {
    WhatsAppCloud::read_media_fetch(&config(), None, step, request, answer)
}

fn file(headers: Vec<Pair>, body: &[u8]) -> HttpResponse {
    HttpResponse {
        status: 200,
        headers,
        body: body.to_vec(),
    }
}

#[test]
fn the_first_request_gets_the_media_object_with_the_bearer_token() {
    let request = first_request();
    assert_eq!(request.method, "GET");
    assert_eq!(
        request.url,
        "https://graph.facebook.com/v25.0/1234567890987654321"
    );
    assert_eq!(
        request.headers,
        [
            pair("authorization", "Bearer EAAG-token"),
            pair(USER_AGENT.0, USER_AGENT.1),
        ]
    );
    assert!(request.body.is_empty());
}

#[test]
fn a_media_id_that_is_not_one_is_refused() {
    for media in [
        "",
        "../106540352242922/messages",
        "1?x=1",
        "https://evil.test/",
    ] {
        let error = WhatsAppCloud::prepare_media_fetch(&config(), None, media).expect_err(media);
        assert_eq!(error.code, "bad-input");
    }
}

#[test]
fn the_media_object_leads_to_the_url_graph_named_with_the_token() {
    let request = download(graph_answer(LOOKASIDE)).expect("download");
    assert_eq!(
        (request.method.as_str(), request.url.as_str()),
        ("GET", LOOKASIDE)
    );
    assert_eq!(
        request.headers,
        [
            pair("authorization", "Bearer EAAG-token"),
            pair(USER_AGENT.0, USER_AGENT.1),
            pair("accept", "application/pdf, */*;q=0.1"),
        ]
    );
}

#[test]
fn graphs_mime_type_reaches_the_completion_through_the_request() {
    let request = download(graph_answer(LOOKASIDE)).expect("download");
    let untyped = file(vec![], &[0x25, 0x50]);
    assert_eq!(
        read(1, request, untyped),
        Ok(MediaStep::Complete(MediaInfo {
            mime_type: "application/pdf".into(),
            filename: None,
        }))
    );
}

#[test]
fn the_bytes_complete_with_their_type_and_name() {
    let request = download(graph_answer(LOOKASIDE)).expect("download");
    let served = file(
        vec![
            pair("Content-Type", "application/pdf"),
            pair(
                "Content-Disposition",
                "attachment; filename=\"filename.pdf\"",
            ),
        ],
        b"%PDF-1.7",
    );
    assert_eq!(
        read(1, request.clone(), served),
        Ok(MediaStep::Complete(MediaInfo {
            mime_type: "application/pdf".into(),
            filename: Some("filename.pdf".into()),
        }))
    );
    let no_hint = HttpRequest {
        headers: vec![],
        ..request
    };
    let Ok(MediaStep::Complete(info)) = read(1, no_hint, file(vec![], &[0xff, 0xd8])) else {
        panic!("complete")
    };
    assert_eq!(info.mime_type, "application/octet-stream");
}

#[test]
fn a_json_document_at_step_one_is_the_file_never_another_hop() {
    // A customer's JSON document shaped like Graph's answer is still just the file.
    let request = download(graph_answer(LOOKASIDE)).expect("download");
    let document = graph_answer("https://evil.test/steal");
    assert!(matches!(
        read(1, request, document),
        Ok(MediaStep::Complete(info)) if info.mime_type == "application/pdf"
    ));
}

#[test]
fn step_zero_must_be_graphs_media_object() {
    for answer in [
        graph_answer("http://lookaside.fbsbx.com/x"),
        graph_answer("/relative"),
        response(200, r#"{"mime_type": "image/jpeg"}"#),
        response(200, "not json"),
    ] {
        let error = download(answer).expect_err("no download URL");
        assert_eq!(error.code, "bad-response");
    }
}

#[test]
fn redirects_keep_the_token_only_within_the_origin_graph_named() {
    let request = download(graph_answer(LOOKASIDE)).expect("download");
    let redirect = |location: &str| HttpResponse {
        status: 302,
        headers: vec![pair("Location", location)],
        body: vec![],
    };
    let Ok(MediaStep::Fetch(same)) = read(1, request.clone(), redirect("/v/2?sig=1")) else {
        panic!("fetch")
    };
    assert_eq!(same.url, "https://lookaside.fbsbx.com/v/2?sig=1");
    assert_eq!(same.headers, request.headers);
    let Ok(MediaStep::Fetch(other)) = read(1, request.clone(), redirect("https://cdn.test/f"))
    else {
        panic!("fetch")
    };
    assert_eq!(other.url, "https://cdn.test/f");
    assert!(
        other
            .headers
            .iter()
            .all(|h| !h.name.eq_ignore_ascii_case("authorization")),
        "{:?}",
        other.headers
    );
    assert!(
        other
            .headers
            .contains(&pair("accept", "application/pdf, */*;q=0.1"))
    );
    let error = read(1, request, redirect("")).expect_err("no location");
    assert_eq!(error.code, "bad-response");
}

#[test]
fn refusals_are_typed() {
    for (status, code) in [
        (401, "unauthorized"),
        (404, "not-found"),
        (503, "unavailable"),
        (400, "provider-error"),
    ] {
        let body = r#"{"error":{"message":"Unsupported get request","code":100}}"#;
        for step in [0, 1] {
            let error = read(step, first_request(), response(status, body)).expect_err("refused");
            assert_eq!(error.code, code);
            assert!(error.message.contains("Unsupported get request"));
        }
    }
}
