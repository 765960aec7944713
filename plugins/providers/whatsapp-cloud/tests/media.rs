//! Inbound media download: the Graph media object, then the bytes.

mod common;

use common::*;
use provider_whatsapp_cloud::WhatsAppCloud;
use switchboard_sdk::provider::*;

const LOOKASIDE: &str = "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1234567890987654321&ext=1691000000&hash=ATs";

fn graph_answer(url: &str) -> HttpResponse {
    let body = serde_json::json!({"messaging_product": "whatsapp", "url": url,
        "mime_type": "application/pdf", "sha256": "Nh1L", "file_size": 30312,
        "id": "1234567890987654321"});
    response(200, &body.to_string())
}

#[test]
fn the_first_request_gets_the_media_object_with_the_bearer_token() {
    let request = WhatsAppCloud::prepare_media_fetch(&config(), None, "1234567890987654321")
        .expect("request");
    assert_eq!(request.method, "GET");
    assert_eq!(
        request.url,
        "https://graph.facebook.com/v25.0/1234567890987654321"
    );
    assert_eq!(
        request.headers,
        [
            pair("authorization", "Bearer EAAG-token"),
            pair("user-agent", "switchboard-whatsapp-cloud/1.0.0"),
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
fn the_media_object_leads_to_the_download_with_the_same_token() {
    let step = WhatsAppCloud::read_media_fetch(&config(), None, graph_answer(LOOKASIDE));
    let Ok(MediaStep::Fetch(request)) = step else {
        panic!("fetch: {step:?}")
    };
    assert_eq!(
        (request.method.as_str(), request.url.as_str()),
        ("GET", LOOKASIDE)
    );
    assert_eq!(
        request.headers,
        [
            pair("authorization", "Bearer EAAG-token"),
            pair("user-agent", "switchboard-whatsapp-cloud/1.0.0"),
        ]
    );
}

#[test]
fn the_bytes_complete_with_their_type_and_name() {
    let file = HttpResponse {
        status: 200,
        headers: vec![
            pair("Content-Type", "application/pdf"),
            pair(
                "Content-Disposition",
                "attachment; filename=\"filename.pdf\"",
            ),
        ],
        body: b"%PDF-1.7".to_vec(),
    };
    assert_eq!(
        WhatsAppCloud::read_media_fetch(&config(), None, file),
        Ok(MediaStep::Complete(MediaInfo {
            mime_type: "application/pdf".into(),
            filename: Some("filename.pdf".into()),
        }))
    );
    let untyped = HttpResponse {
        status: 200,
        headers: vec![],
        body: vec![0xff, 0xd8],
    };
    let Ok(MediaStep::Complete(info)) = WhatsAppCloud::read_media_fetch(&config(), None, untyped)
    else {
        panic!("complete")
    };
    assert_eq!(info.mime_type, "application/octet-stream");
}

#[test]
fn a_json_document_is_a_file_unless_it_looks_like_graph() {
    let document = response(200, r#"{"orders": [1, 2]}"#);
    assert!(matches!(
        WhatsAppCloud::read_media_fetch(&config(), None, document),
        Ok(MediaStep::Complete(info)) if info.mime_type.starts_with("application/json")
    ));
}

#[test]
fn the_token_is_never_sent_off_meta_hosts() {
    // A customer's JSON document shaped like Graph's answer must not leak the token.
    for url in ["https://evil.test/steal", "http://lookaside.fbsbx.com/x"] {
        let error =
            WhatsAppCloud::read_media_fetch(&config(), None, graph_answer(url)).expect_err(url);
        assert_eq!(error.code, "untrusted-url");
    }
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
        let error = WhatsAppCloud::read_media_fetch(&config(), None, response(status, body))
            .expect_err("refused");
        assert_eq!(error.code, code);
        assert!(error.message.contains("Unsupported get request"));
    }
}
