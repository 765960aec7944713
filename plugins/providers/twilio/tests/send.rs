//! `prepare_send` and `read_send_response`: the request Twilio expects for each kind of content,
//! and every mapped answer.

mod common;

use common::*;
use provider_twilio::Twilio;
use switchboard_sdk::provider::{
    ButtonKind, ContactAddress, Content, Failure, HttpRequest, HttpResponse, Interactive, Limit,
    LimitKind, Location, MediaRef, Outbound, Pair, Provider, Receipt, Retryable, SendError,
    TemplateButton, TemplateHeader, TemplateMessage,
};

fn outbound(from: &str, to: &str, content: Content) -> Outbound {
    let mut message = switchboard_sdk::testing::outbound(content);
    message.from = from.into();
    message.to.number = Some(to.into());
    message
}

fn wa(content: Content) -> Outbound {
    outbound("+14155238886", "+5491155550123", content)
}

fn body(request: &HttpRequest) -> &str {
    std::str::from_utf8(&request.body).expect("utf-8")
}

fn header<'a>(request: &'a HttpRequest, name: &str) -> Option<&'a str> {
    request
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

fn response(status: u16, body: &str) -> HttpResponse {
    HttpResponse {
        status,
        headers: Vec::new(),
        body: body.as_bytes().to_vec(),
    }
}

// --- prepare_send -----------------------------------------------------------------------

#[test]
fn sms_text_is_a_form_post_with_basic_auth() {
    let message = outbound(
        "+12028831111",
        "+14133881111",
        Content::Text("Hola!".into()),
    );
    let request = Twilio::prepare_send(&sms_config(), None, message).expect("builds");
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.url,
        "https://api.twilio.com/2010-04-01/Accounts/AC00000000000000000000000000000000/Messages.json"
    );
    assert_eq!(
        body(&request),
        "To=%2B14133881111&From=%2B12028831111&Body=Hola%21"
    );
    assert_eq!(
        header(&request, "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    // base64("AC00000000000000000000000000000000:0123456789abcdef0123456789abcdef")
    assert_eq!(
        header(&request, "authorization"),
        Some(
            "Basic QUMwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDowMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZg=="
        )
    );
}

#[test]
fn whatsapp_text_matches_the_reference_example() {
    let mut message = wa(Content::Text("Hola!".into()));
    message.status_callback_url = Some(STATUS_URL.into());
    let request = Twilio::prepare_send(&whatsapp_config(), None, message).expect("builds");
    // providers.md §1.6, plus the host's message id in the callback URL.
    assert_eq!(
        body(&request),
        "To=whatsapp%3A%2B5491155550123&From=whatsapp%3A%2B14155238886&Body=Hola%21\
         &StatusCallback=https%3A%2F%2Fcc.example.com%2Fhooks%2Ftwilio%2Fwa%2Fstatus%3Fsb_message_id%3D42"
    );
}

#[test]
fn status_callbacks_can_be_turned_off() {
    let config = r#"{"account_sid": "AC1", "auth_token": "t", "status_callback": false}"#;
    let mut message = wa(Content::Text("x".into()));
    message.status_callback_url = Some(STATUS_URL.into());
    let request = Twilio::prepare_send(config, None, message).expect("builds");
    assert!(!body(&request).contains("StatusCallback"));
}

#[test]
fn whatsapp_template_matches_the_reference_example() {
    let template = TemplateMessage {
        name: "HXb5b62575e6e4ff6129ad7c8efe1f983e".into(),
        language: "es".into(),
        namespace: None,
        header: None,
        body_params: vec!["Ana".into()],
        buttons: vec![],
    };
    let request = Twilio::prepare_send(&whatsapp_config(), None, wa(Content::Template(template)))
        .expect("builds");
    assert_eq!(
        body(&request),
        "To=whatsapp%3A%2B5491155550123&From=whatsapp%3A%2B14155238886\
         &ContentSid=HXb5b62575e6e4ff6129ad7c8efe1f983e&ContentVariables=%7B%221%22%3A%22Ana%22%7D"
    );
}

#[test]
fn template_variables_are_numbered_and_header_params_refused() {
    let mut template = TemplateMessage {
        name: "HX1".into(),
        language: "en".into(),
        namespace: None,
        header: None,
        body_params: vec!["a".into(), "b\"c".into()],
        buttons: vec![],
    };
    let request = Twilio::prepare_send(
        &whatsapp_config(),
        None,
        wa(Content::Template(template.clone())),
    )
    .expect("builds");
    let fields: Vec<(String, String)> =
        form_urlencoded::parse(&request.body).into_owned().collect();
    let variables = &fields
        .iter()
        .find(|(n, _)| n == "ContentVariables")
        .expect("variables")
        .1;
    let json: serde_json::Value = serde_json::from_str(variables).expect("JSON string");
    assert_eq!(json, serde_json::json!({"1": "a", "2": "b\"c"}));
    let mut with_button = template.clone();
    with_button.buttons = vec![TemplateButton {
        index: 0,
        kind: ButtonKind::Url,
        value: "track/1".into(),
    }];
    template.header = Some(TemplateHeader::Text("x".into()));
    for template in [template, with_button] {
        let error = Twilio::prepare_send(&whatsapp_config(), None, wa(Content::Template(template)));
        assert!(matches!(error, Err(SendError::Permanent(f)) if f.code == "unsupported-template"));
    }
}

#[test]
fn media_goes_as_media_url_with_the_caption_as_body() {
    let media = MediaRef {
        locator: "https://files.example.com/s/abc.jpg?sig=1".into(),
        mime_type: Some("image/jpeg".into()),
        filename: None,
        caption: Some("Tu factura".into()),
    };
    let request =
        Twilio::prepare_send(&whatsapp_config(), None, wa(Content::Media(media))).expect("builds");
    assert_eq!(
        body(&request),
        "To=whatsapp%3A%2B5491155550123&From=whatsapp%3A%2B14155238886\
         &MediaUrl=https%3A%2F%2Ffiles.example.com%2Fs%2Fabc.jpg%3Fsig%3D1&Body=Tu+factura"
    );
}

#[test]
fn interactive_is_numbered_text() {
    let interactive = Interactive {
        header: None,
        body: "Elegí".into(),
        footer: None,
        list_button: None,
        choices: vec![switchboard_sdk::provider::Choice {
            id: "a".into(),
            title: "Uno".into(),
            description: None,
        }],
    };
    let request = Twilio::prepare_send(
        &whatsapp_config(),
        None,
        wa(Content::Interactive(interactive)),
    )
    .expect("builds");
    assert!(
        body(&request).ends_with("&Body=Eleg%C3%AD%0A%0A1.+Uno"),
        "{}",
        body(&request)
    );
}

#[test]
fn location_is_a_persistent_action_on_whatsapp_and_text_on_sms() {
    let place = Location {
        latitude: -34.6,
        longitude: -58.38,
        name: Some("Obelisco".into()),
        address: None,
    };
    let request = Twilio::prepare_send(
        &whatsapp_config(),
        None,
        wa(Content::Location(place.clone())),
    )
    .expect("builds");
    assert!(
        body(&request).ends_with("&Body=Obelisco&PersistentAction=geo%3A-34.6%2C-58.38%7CObelisco"),
        "{}",
        body(&request)
    );
    let sms = outbound("+12028831111", "+14133881111", Content::Location(place));
    let request = Twilio::prepare_send(&sms_config(), None, sms).expect("builds");
    assert!(body(&request).contains("maps.google.com"));
}

#[test]
fn a_messaging_service_replaces_from() {
    let config = r#"{"account_sid": "AC1", "auth_token": "t", "messaging_service_sid": "MG1",
        "api_base_url": "http://127.0.0.1:9999/"}"#;
    let request = Twilio::prepare_send(
        config,
        None,
        outbound("", "+14133881111", Content::Text("x".into())),
    )
    .expect("builds");
    assert_eq!(
        body(&request),
        "To=%2B14133881111&MessagingServiceSid=MG1&Body=x"
    );
    assert_eq!(
        request.url,
        "http://127.0.0.1:9999/2010-04-01/Accounts/AC1/Messages.json"
    );
}

#[test]
fn api_keys_authenticate_rest_calls() {
    let config =
        r#"{"account_sid": "AC1", "auth_token": "t", "api_key_sid": "SK1", "api_key_secret": "s"}"#;
    let request =
        Twilio::prepare_send(config, None, wa(Content::Text("x".into()))).expect("builds");
    assert_eq!(header(&request, "authorization"), Some("Basic U0sxOnM="));
}

#[test]
fn what_cannot_be_sent_is_refused_before_any_request() {
    let nobody = Outbound {
        to: ContactAddress {
            number: None,
            user_id: None,
            display_name: None,
        },
        ..wa(Content::Text("x".into()))
    };
    assert!(matches!(
        Twilio::prepare_send(&whatsapp_config(), None, nobody),
        Err(SendError::BadRecipient(_))
    ));
    assert!(matches!(
        Twilio::prepare_send(&whatsapp_config(), None, wa(Content::Unsupported("x".into()))),
        Err(SendError::Permanent(f)) if f.code == "unsupported-content"
    ));
    assert!(matches!(
        Twilio::prepare_send(&sms_config(), None, outbound(" ", "+1415", Content::Text("x".into()))),
        Err(SendError::Permanent(f)) if f.code == "bad-config"
    ));
    // A config without credentials is the connector's problem, not the message's.
    assert!(matches!(
        Twilio::prepare_send("{}", None, wa(Content::Text("x".into()))),
        Err(SendError::Misconfigured(f)) if f.code == "bad-config"
    ));
}

// --- read_send_response -----------------------------------------------------------------

#[test]
fn created_returns_the_sid() {
    let created = String::from_utf8(fixture("send_created.json")).expect("utf-8");
    let receipt = Twilio::read_send_response(
        &sms_config(),
        wa(Content::Text("x".into())),
        response(201, &created),
    );
    assert_eq!(
        receipt,
        Ok(Receipt {
            provider_message_id: "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".into(),
            recipient: None,
        })
    );
    let no_sid = Twilio::read_send_response(
        &sms_config(),
        wa(Content::Text("x".into())),
        response(201, "{}"),
    );
    assert!(matches!(no_sid, Err(SendError::Permanent(f)) if f.code == "bad-response"));
}

fn error_for(status: u16, code: &str, headers: Vec<Pair>) -> SendError {
    let json = format!(
        r#"{{"code": {code}, "message": "msg {code}", "more_info": "https://www.twilio.com/docs/errors/{code}", "status": {status}}}"#
    );
    let response = HttpResponse {
        status,
        headers,
        body: json.into_bytes(),
    };
    Twilio::read_send_response(&sms_config(), wa(Content::Text("x".into())), response)
        .expect_err(code)
}

fn failure(code: &str) -> Failure {
    Failure {
        code: code.into(),
        message: format!("msg {code}"),
    }
}

#[test]
fn each_mapped_error_code() {
    for (status, code, expected) in [
        (400, "63016", SendError::WindowClosed(failure("63016"))),
        (400, "21211", SendError::BadRecipient(failure("21211"))),
        (400, "21614", SendError::BadRecipient(failure("21614"))),
        (400, "21635", SendError::BadRecipient(failure("21635"))),
        (400, "63024", SendError::BadRecipient(failure("63024"))),
        (400, "21610", SendError::Unsubscribed(failure("21610"))),
        (400, "21408", SendError::Permanent(failure("21408"))),
        (400, "30007", SendError::Permanent(failure("30007"))),
        (400, "63021", SendError::Permanent(failure("63021"))),
        (400, "63032", SendError::Permanent(failure("63032"))),
        (401, "20003", SendError::Misconfigured(failure("20003"))),
        (400, "21617", SendError::Permanent(failure("21617"))),
        (
            429,
            "63018",
            SendError::ProviderLimit(Limit {
                kind: LimitKind::Throughput,
                retry_after_ms: None,
                failure: failure("63018"),
            }),
        ),
        (
            400,
            "63049",
            SendError::ProviderLimit(Limit {
                kind: LimitKind::Tier,
                retry_after_ms: None,
                failure: failure("63049"),
            }),
        ),
        (
            400,
            "30008",
            SendError::Retryable(Retryable {
                retry_after_ms: None,
                failure: failure("30008"),
            }),
        ),
        (
            503,
            "20500",
            SendError::Retryable(Retryable {
                retry_after_ms: None,
                failure: failure("20500"),
            }),
        ),
    ] {
        assert_eq!(error_for(status, code, vec![]), expected, "{status} {code}");
    }
}

#[test]
fn too_many_requests_is_retryable_after_the_hint() {
    let retry_after = vec![Pair {
        name: "Retry-After".into(),
        value: "2".into(),
    }];
    assert_eq!(
        error_for(429, "20429", retry_after),
        SendError::Retryable(Retryable {
            retry_after_ms: Some(2000),
            failure: failure("20429"),
        })
    );
}

#[test]
fn answers_without_a_twilio_body_are_classified_by_status() {
    let read = |status, body: &str| {
        Twilio::read_send_response(
            &sms_config(),
            wa(Content::Text("x".into())),
            response(status, body),
        )
        .expect_err("refused")
    };
    assert_eq!(
        read(502, "<html>Bad Gateway</html>"),
        SendError::Retryable(Retryable {
            retry_after_ms: None,
            failure: Failure {
                code: "502".into(),
                message: "<html>Bad Gateway</html>".into()
            }
        })
    );
    assert!(matches!(read(429, ""), SendError::Retryable(_)));
    assert!(matches!(read(401, ""), SendError::Misconfigured(f) if f.code == "401"));
    assert!(matches!(read(404, "{}"), SendError::Permanent(f) if f.code == "404"));
}
