//! Sends through the Conversation API: the request for each kind of content, and the reading of
//! the answer into a receipt or a typed error.

mod common;

use common::{CONVERSATION, CONVERSATION_SMS, header, json_body, outbound, pair, response};
use provider_sinch::Sinch;
use serde_json::{Value, json};
use switchboard_sdk::provider::{
    ButtonKind, Choice, ContactAddress, Content, HttpRequest, Interactive, LimitKind, Location,
    MediaRef, Provider, SendError, SharedContact, TemplateButton, TemplateHeader, TemplateMessage,
};

const TOKEN: &str = "eyJhbGciOi.token";

fn send(config: &str, content: Content) -> HttpRequest {
    Sinch::prepare_send(config, Some(TOKEN), outbound(content)).expect("request")
}

/// The `message` object of a WhatsApp send.
fn message(content: Content) -> Value {
    json_body(&send(CONVERSATION, content).body)["message"].clone()
}

fn media(mime: &str, caption: Option<&str>) -> MediaRef {
    MediaRef {
        locator: "https://files.cc.example.com/m/abc?sig=XYZ".into(),
        mime_type: Some(mime.into()),
        filename: Some("factura.pdf".into()),
        caption: caption.map(Into::into),
    }
}

fn choice(id: &str, title: &str, description: Option<&str>) -> Choice {
    Choice {
        id: id.into(),
        title: title.into(),
        description: description.map(Into::into),
    }
}

#[test]
fn a_text_is_posted_to_the_regional_endpoint_with_the_bearer_token() {
    let request = send(CONVERSATION, Content::Text("Hola".into()));
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.url,
        "https://br.conversation.api.sinch.com/v1/projects/e2df3a34-a71b-4448-9db5-a8d2baad28e4/messages:send"
    );
    let bearer = format!("Bearer {TOKEN}");
    assert_eq!(
        header(&request.headers, "authorization"),
        Some(bearer.as_str())
    );
    assert_eq!(
        header(&request.headers, "content-type"),
        Some("application/json")
    );
    assert_eq!(
        json_body(&request.body),
        json!({
            "app_id": "01EB37HMH1M6SV18ASNS3G135H",
            "recipient": { "identified_by": { "channel_identities": [
                { "channel": "WHATSAPP", "identity": "5491155550123" }
            ] } },
            "message": { "text_message": { "text": "Hola" } },
            "channel_priority_order": ["WHATSAPP"],
            "correlation_id": "4242",
            "message_metadata": "4242",
        })
    );
}

#[test]
fn the_provider_id_of_the_recipient_is_used_as_given() {
    let mut message = outbound(Content::Text("Hola".into()));
    message.to.user_id = Some("5215512345678".into());
    let request = Sinch::prepare_send(CONVERSATION, Some(TOKEN), message).expect("request");
    let body = json_body(&request.body);
    assert_eq!(
        body["recipient"]["identified_by"]["channel_identities"][0]["identity"],
        "5215512345678"
    );
}

#[test]
fn media_sends_its_url_and_a_caption_makes_it_a_card() {
    assert_eq!(
        message(Content::Media(media("application/pdf", None))),
        json!({ "media_message": {
            "url": "https://files.cc.example.com/m/abc?sig=XYZ",
            "filename_override": "factura.pdf",
        } })
    );
    assert_eq!(
        message(Content::Media(media("image/jpeg", Some("Tu factura")))),
        json!({ "card_message": {
            "description": "Tu factura",
            "media_message": {
                "url": "https://files.cc.example.com/m/abc?sig=XYZ",
                "filename_override": "factura.pdf",
            },
        } })
    );
}

#[test]
fn a_template_fills_body_header_and_button_parameters_by_sinch_keys() {
    let template = TemplateMessage {
        name: "order_update".into(),
        language: "es-AR".into(),
        namespace: None,
        header: Some(TemplateHeader::Media(media("image/png", None))),
        body_params: vec!["Ana".into(), "#1234".into()],
        buttons: vec![
            TemplateButton {
                index: 1,
                kind: ButtonKind::Url,
                value: "track/1234".into(),
            },
            TemplateButton {
                index: 2,
                kind: ButtonKind::QuickReply,
                value: "STOP".into(),
            },
            TemplateButton {
                index: 3,
                kind: ButtonKind::CopyCode,
                value: "SAVE20".into(),
            },
        ],
    };
    assert_eq!(
        message(Content::Template(template.clone())),
        json!({ "template_message": { "channel_template": { "WHATSAPP": {
            "template_id": "order_update",
            "language_code": "es_AR",
            "parameters": {
                "header[1]image.link": "https://files.cc.example.com/m/abc?sig=XYZ",
                "body[1]text": "Ana",
                "body[2]text": "#1234",
                "button[1]url[1]text": "track/1234",
                "button[2]quick_reply[1]payload": "STOP",
                "button[3]copy_code[1]coupon_code": "SAVE20",
            },
        } } } })
    );
    let text_header = TemplateMessage {
        header: Some(TemplateHeader::Text("Pedido".into())),
        buttons: vec![],
        ..template.clone()
    };
    let parameters = &message(Content::Template(text_header))["template_message"]["channel_template"]
        ["WHATSAPP"]["parameters"];
    assert_eq!(parameters["header[1]text"], "Pedido");
    let document = TemplateMessage {
        header: Some(TemplateHeader::Media(media("application/pdf", None))),
        ..template
    };
    let parameters = &message(Content::Template(document))["template_message"]["channel_template"]
        ["WHATSAPP"]["parameters"];
    assert_eq!(parameters["header[1]document.filename"], "factura.pdf");
    assert!(parameters.get("header[1]document.link").is_some());
}

#[test]
fn reply_buttons_are_a_choice_message_with_postback_ids() {
    let interactive = Interactive {
        header: Some("Soporte".into()),
        body: "¿Qué necesitas?".into(),
        footer: None,
        list_button: None,
        choices: vec![
            choice("billing", "Facturación", None),
            choice("tech", "Técnico", None),
        ],
    };
    assert_eq!(
        message(Content::Interactive(interactive)),
        json!({ "choice_message": {
            "text_message": { "text": "Soporte\n\n¿Qué necesitas?" },
            "choices": [
                { "text_message": { "text": "Facturación" }, "postback_data": "billing" },
                { "text_message": { "text": "Técnico" }, "postback_data": "tech" },
            ],
        } })
    );
}

#[test]
fn a_list_is_a_list_message_whose_menu_is_the_list_button() {
    let interactive = Interactive {
        header: None,
        body: "Elige una sucursal".into(),
        footer: Some("Horario 9 a 18".into()),
        list_button: Some("Sucursales".into()),
        choices: vec![
            choice("s1", "Centro", Some("Florida 100")),
            choice("s2", "Norte", None),
        ],
    };
    assert_eq!(
        message(Content::Interactive(interactive)),
        json!({ "list_message": {
            "title": "Elige una sucursal",
            "description": "Horario 9 a 18",
            "sections": [{ "items": [
                { "choice": { "title": "Centro", "description": "Florida 100", "postback_data": "s1" } },
                { "choice": { "title": "Norte", "postback_data": "s2" } },
            ] }],
            "message_properties": { "menu": "Sucursales" },
        } })
    );
}

#[test]
fn locations_and_a_contact_card_have_their_own_messages() {
    let location = Location {
        latitude: -34.603722,
        longitude: -58.381592,
        name: Some("Obelisco".into()),
        address: Some("Av. 9 de Julio".into()),
    };
    assert_eq!(
        message(Content::Location(location)),
        json!({ "location_message": {
            "coordinates": { "latitude": -34.603722, "longitude": -58.381592 },
            "title": "Obelisco",
            "label": "Av. 9 de Julio",
        } })
    );
    let contact = SharedContact {
        name: "Juan Pérez".into(),
        phones: vec!["+5491155550999".into()],
        emails: vec![],
    };
    assert_eq!(
        message(Content::Contacts(vec![contact.clone()])),
        json!({ "contact_info_message": {
            "name": { "full_name": "Juan Pérez" },
            "phone_numbers": [{ "phone_number": "+5491155550999" }],
            "email_addresses": [],
        } })
    );
    let two = Sinch::prepare_send(
        CONVERSATION,
        Some(TOKEN),
        outbound(Content::Contacts(vec![contact.clone(), contact])),
    );
    assert!(matches!(two, Err(SendError::Permanent(f)) if f.code == "unsupported-content"));
}

#[test]
fn on_sms_numbers_keep_their_plus_and_interactive_becomes_numbered_text() {
    let interactive = Interactive {
        header: None,
        body: "¿Qué necesitas?".into(),
        footer: None,
        list_button: None,
        choices: vec![choice("billing", "Facturación", None)],
    };
    let request = send(CONVERSATION_SMS, Content::Interactive(interactive));
    assert_eq!(
        request.url,
        "http://127.0.0.1:8082/v1/projects/e2df3a34-a71b-4448-9db5-a8d2baad28e4/messages:send"
    );
    let body = json_body(&request.body);
    assert_eq!(
        body["recipient"]["identified_by"]["channel_identities"][0],
        json!({ "channel": "SMS", "identity": "+5491155550123" })
    );
    assert_eq!(
        body["message"]["text_message"]["text"],
        "¿Qué necesitas?\n\n1. Facturación"
    );
    assert_eq!(body["channel_properties"]["SMS_SENDER"], "+14155238886");
}

#[test]
fn what_cannot_be_sent_is_refused_before_any_request() {
    let template = TemplateMessage {
        name: "t".into(),
        language: "es".into(),
        namespace: None,
        header: None,
        body_params: vec![],
        buttons: vec![],
    };
    let refused = [
        (CONVERSATION_SMS, Content::Template(template)),
        (CONVERSATION, Content::ChoiceReply(choice("a", "b", None))),
        (CONVERSATION, Content::Unsupported("sticker".into())),
    ];
    for (config, content) in refused {
        let result = Sinch::prepare_send(config, Some(TOKEN), outbound(content));
        assert!(matches!(result, Err(SendError::Permanent(_))), "{result:?}");
    }
    let nobody = ContactAddress {
        number: None,
        user_id: None,
        display_name: None,
    };
    let mut message = outbound(Content::Text("x".into()));
    message.to = nobody;
    assert!(matches!(
        Sinch::prepare_send(CONVERSATION, Some(TOKEN), message),
        Err(SendError::BadRecipient(_))
    ));
    let bad_config = Sinch::prepare_send("{}", Some(TOKEN), outbound(Content::Text("x".into())));
    assert!(matches!(bad_config, Err(SendError::Misconfigured(f)) if f.code == "bad-config"));
}

#[test]
fn without_a_token_the_host_is_asked_to_get_one() {
    let result = Sinch::prepare_send(CONVERSATION, None, outbound(Content::Text("x".into())));
    assert!(matches!(result, Err(SendError::AuthExpired(_))));
}

fn read(status: u16, body: &str) -> Result<String, SendError> {
    Sinch::read_send_response(
        CONVERSATION,
        outbound(Content::Text("x".into())),
        response(status, body),
    )
    .map(|r| r.provider_message_id)
}

#[test]
fn an_accepted_send_gives_the_message_id() {
    let body =
        r#"{"message_id":"01FJA0B1C2D3E4F5G6H7J8K9M0","accepted_time":"2019-08-24T14:15:22Z"}"#;
    assert_eq!(read(200, body), Ok("01FJA0B1C2D3E4F5G6H7J8K9M0".into()));
    assert!(matches!(read(200, "{}"), Err(SendError::Permanent(f)) if f.code == "no-message-id"));
}

#[test]
fn an_expired_token_asks_the_host_to_refresh_it() {
    let body = r#"{"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}}"#;
    assert!(
        matches!(read(401, body), Err(SendError::AuthExpired(f)) if f.code == "UNAUTHENTICATED")
    );
}

#[test]
fn rate_limits_and_outages_are_temporary_with_the_providers_hint() {
    let mut limited = response(
        429,
        r#"{"error":{"code":429,"message":"Too many requests","status":"RESOURCE_EXHAUSTED"}}"#,
    );
    limited.headers.push(pair("Retry-After", "3"));
    let result =
        Sinch::read_send_response(CONVERSATION, outbound(Content::Text("x".into())), limited);
    match result {
        Err(SendError::ProviderLimit(limit)) => {
            assert_eq!(
                (limit.kind, limit.retry_after_ms),
                (LimitKind::Throughput, Some(3000))
            );
            assert_eq!(limit.failure.code, "RESOURCE_EXHAUSTED");
        }
        other => panic!("{other:?}"),
    }
    for status in [500, 502, 503, 504, 408] {
        assert!(
            matches!(read(status, "oops"), Err(SendError::Retryable(_))),
            "{status}"
        );
    }
}

#[test]
fn validation_errors_are_permanent_unless_they_name_the_window_or_the_recipient() {
    let invalid = r#"{"error":{"code":400,"message":"Invalid argument: app_id","status":"INVALID_ARGUMENT","details":[]}}"#;
    assert!(
        matches!(read(400, invalid), Err(SendError::Permanent(f)) if f.code == "INVALID_ARGUMENT")
    );
    assert!(matches!(read(404, "{}"), Err(SendError::Permanent(f)) if f.code == "404"));
}

#[test]
fn a_key_without_access_pauses_the_connector() {
    assert!(matches!(read(403, "{}"), Err(SendError::Misconfigured(f)) if f.code == "403"));
    let denied =
        r#"{"error":{"code":403,"message":"Permission denied","status":"PERMISSION_DENIED"}}"#;
    assert!(
        matches!(read(403, denied), Err(SendError::Misconfigured(f)) if f.code == "PERMISSION_DENIED")
    );
    assert!(matches!(
        read(404, "not found"),
        Err(SendError::Permanent(_))
    ));
    let window = r#"{"error":{"code":400,"message":"OUTSIDE_ALLOWED_SENDING_WINDOW: use a template","status":"FAILED_PRECONDITION"}}"#;
    assert!(matches!(read(400, window), Err(SendError::WindowClosed(_))));
    let recipient = r#"{"error":{"code":400,"message":"RECIPIENT_INVALID_CHANNEL_IDENTITY","status":"INVALID_ARGUMENT"}}"#;
    assert!(matches!(
        read(400, recipient),
        Err(SendError::BadRecipient(_))
    ));
}
