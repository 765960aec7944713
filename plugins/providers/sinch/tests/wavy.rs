//! The legacy Wavy WhatsApp API: send formats, answers, and its callbacks (providers.md §3.3
//! and the Sinch-hosted Wavy docs' examples in `tests/fixtures/wavy_*.json`).

mod common;

use common::{WAVY, fixture, header, json_body, outbound, response, webhook};
use provider_sinch::Sinch;
use serde_json::{Value, json};
use switchboard_sdk::provider::{
    Choice, Content, DeliveryState, DeliveryStatus, Event, InboundMessage, Interactive, LimitKind,
    Location, MediaRef, Provider, SendError, SharedContact, TemplateHeader, TemplateMessage,
    WebhookError,
};

fn body(content: Content) -> Value {
    let request = Sinch::prepare_send(WAVY, None, outbound(content)).expect("request");
    json_body(&request.body)
}

fn template(namespace: Option<&str>) -> TemplateMessage {
    TemplateMessage {
        name: "chatclub_open_session_v2".into(),
        language: "pt_BR".into(),
        namespace: namespace.map(Into::into),
        header: None,
        body_params: vec!["CHS".into(), "Olá, teste de envio".into()],
        buttons: vec![],
    }
}

#[test]
fn a_text_is_posted_with_the_static_credentials_and_the_correlation_id() {
    let request =
        Sinch::prepare_send(WAVY, None, outbound(Content::Text("Olá!".into()))).expect("request");
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.url,
        "https://api-messaging.wavy.global/v1/whatsapp/send"
    );
    assert_eq!(header(&request.headers, "UserName"), Some("wa_acme_br"));
    assert_eq!(
        header(&request.headers, "AuthenticationToken"),
        Some("aaaaaa-bbbbbbbbbbbbbXXXXX12")
    );
    assert_eq!(
        header(&request.headers, "Content-Type"),
        Some("application/json")
    );
    assert_eq!(
        json_body(&request.body),
        json!({
            "destinations": [{ "correlationId": "4242", "destination": "5491155550123" }],
            "message": { "messageText": "Olá!" },
        })
    );
}

#[test]
fn an_hsm_carries_namespace_element_name_and_body_parameters() {
    assert_eq!(
        body(Content::Template(template(None)))["message"],
        json!({ "hsm": {
            "namespace": "whatsapp:hsm:ecommerce:movile",
            "elementName": "chatclub_open_session_v2",
            "parameters": ["CHS", "Olá, teste de envio"],
            "languageCode": "pt_BR",
            "languagePolicy": "DETERMINISTIC",
        } })
    );
    let own = body(Content::Template(template(Some("d00babd2_f2fd_458c"))));
    assert_eq!(own["message"]["hsm"]["namespace"], "d00babd2_f2fd_458c");
}

#[test]
fn an_hsm_without_a_namespace_or_with_header_parameters_is_refused() {
    let no_namespace = r#"{"api": "wavy", "username": "u", "token": "t"}"#;
    let result = Sinch::prepare_send(
        no_namespace,
        None,
        outbound(Content::Template(template(None))),
    );
    assert!(matches!(result, Err(SendError::Permanent(f)) if f.code == "bad-config"));
    let with_header = TemplateMessage {
        header: Some(TemplateHeader::Text("x".into())),
        ..template(None)
    };
    let result = Sinch::prepare_send(WAVY, None, outbound(Content::Template(with_header)));
    assert!(matches!(result, Err(SendError::Permanent(f)) if f.code == "unsupported-content"));
}

#[test]
fn media_is_an_element_of_its_kind_with_type_url_and_caption() {
    let image = MediaRef {
        locator: "https://files.cc.example.com/m/1?sig=a".into(),
        mime_type: Some("image/jpeg".into()),
        filename: None,
        caption: Some("Seu pedido".into()),
    };
    assert_eq!(
        body(Content::Media(image))["message"],
        json!({ "image": { "type": "JPEG", "url": "https://files.cc.example.com/m/1?sig=a", "caption": "Seu pedido" } })
    );
    let document = MediaRef {
        locator: "https://files.cc.example.com/m/2".into(),
        mime_type: Some("application/pdf".into()),
        filename: Some("boleto.pdf".into()),
        caption: None,
    };
    assert_eq!(
        body(Content::Media(document))["message"],
        json!({ "document": { "type": "PDF", "url": "https://files.cc.example.com/m/2", "caption": "boleto.pdf" } })
    );
}

#[test]
fn interactive_is_numbered_text_and_locations_and_contacts_mirror_inbound_shapes() {
    let interactive = Interactive {
        header: None,
        body: "Escolha:".into(),
        footer: None,
        list_button: Some("Opções".into()),
        choices: vec![
            Choice {
                id: "a".into(),
                title: "Boleto".into(),
                description: None,
            },
            Choice {
                id: "b".into(),
                title: "Pix".into(),
                description: None,
            },
        ],
    };
    assert_eq!(
        body(Content::Interactive(interactive))["message"],
        json!({ "messageText": "Escolha:\n\n1. Boleto\n2. Pix" })
    );
    let location = Location {
        latitude: -22.89418,
        longitude: -47.04796,
        name: Some("Wavy".into()),
        address: None,
    };
    assert_eq!(
        body(Content::Location(location))["message"],
        json!({ "location": { "geoPoint": "-22.89418,-47.04796", "name": "Wavy" } })
    );
    let contact = SharedContact {
        name: "John Smith".into(),
        phones: vec!["+1 (650) 555-1234".into()],
        emails: vec!["test@fb.com".into()],
    };
    assert_eq!(
        body(Content::Contacts(vec![contact]))["message"],
        json!({ "contacts": [{
            "name": { "formatted_name": "John Smith" },
            "phones": [{ "phone": "+1 (650) 555-1234" }],
            "emails": [{ "email": "test@fb.com" }],
        }] })
    );
}

fn read(status: u16, body: &str) -> Result<String, SendError> {
    Sinch::read_send_response(
        WAVY,
        outbound(Content::Text("x".into())),
        response(status, body),
    )
    .map(|r| r.provider_message_id)
}

#[test]
fn the_receipt_is_the_id_wavy_gave_this_destination() {
    let documented = r#"{"id": "5efc3581-b8e8-11e7-9895-a6aabe61edb5", "destination": [{
        "id": "6a1b2c3d-0000-11e7-9895-a6aabe61edb5", "correlationId": "4242", "destination": "5491155550123"}]}"#;
    assert_eq!(
        read(200, documented),
        Ok("6a1b2c3d-0000-11e7-9895-a6aabe61edb5".into())
    );
    let plural = r#"{"destinations": [{"id": "d1", "correlationId": "4242"}]}"#;
    assert_eq!(read(200, plural), Ok("d1".into()));
    let list = r#"[{"id": "d2", "correlationId": "4242", "destination": "5491155550123"}]"#;
    assert_eq!(read(200, list), Ok("d2".into()));
    assert_eq!(read(200, r#"{"Id": "batch"}"#), Ok("batch".into()));
    assert!(matches!(read(200, "{}"), Err(SendError::Permanent(f)) if f.code == "no-message-id"));
}

#[test]
fn wavy_errors_are_classified_by_status() {
    let auth = r#"{"errorCode": 401, "errorMessage": "Authentication Error: No user was found with this combination of username and Authentication token."}"#;
    // Static credentials: refused once, refused for every queued message.
    match read(401, auth) {
        Err(SendError::Misconfigured(f)) => {
            assert_eq!(f.code, "401");
            assert!(f.message.starts_with("Authentication Error"));
        }
        other => panic!("{other:?}"),
    }
    for status in [420, 429] {
        assert!(
            matches!(read(status, "{}"), Err(SendError::ProviderLimit(l)) if l.kind == LimitKind::Throughput),
            "{status}"
        );
    }
    for status in [500, 504] {
        assert!(
            matches!(read(status, ""), Err(SendError::Retryable(_))),
            "{status}"
        );
    }
    assert!(matches!(
        read(400, r#"{"errorCode": 400, "errorMessage": "bad"}"#),
        Err(SendError::Permanent(_))
    ));
}

fn events(name: &str) -> Vec<Event> {
    let result =
        Sinch::handle_webhook(WAVY, webhook(&fixture(name), Vec::new())).expect("accepted");
    assert_eq!(result.response.status, 200);
    result.events
}

fn inbound(name: &str) -> InboundMessage {
    match events(name).as_slice() {
        [Event::Message(message)] => message.clone(),
        other => panic!("{name}: {other:?}"),
    }
}

#[test]
fn an_mo_text_is_a_message_from_the_source_with_its_profile_name() {
    let message = inbound("wavy_mo_text.json");
    assert_eq!(
        message.provider_message_id,
        "ce425ffe-bc62-421f-9261-e6819a5eab43"
    );
    assert_eq!(message.from.number.as_deref(), Some("+5519900000000"));
    assert_eq!(
        message.from.display_name.as_deref(),
        Some("nome do usuário")
    );
    assert_eq!(message.to, "5519900000000");
    assert_eq!(message.at_ms, 1_513_616_971_473);
    assert_eq!(
        message.content,
        Content::Text("Olá, essa é uma mensagem do usuário.".into())
    );
}

#[test]
fn mo_media_location_and_contacts_keep_their_details() {
    let Content::Media(media) = inbound("wavy_mo_media.json").content else {
        panic!("media")
    };
    assert_eq!(media.locator, "https://media.wavy.test/ce425ffe.jpg");
    assert_eq!(media.mime_type.as_deref(), Some("image/jpg"));
    assert_eq!(media.caption.as_deref(), Some("foto do produto"));
    let Content::Location(location) = inbound("wavy_mo_location.json").content else {
        panic!("location")
    };
    assert_eq!(
        (location.latitude, location.longitude),
        (-22.89418, -47.04796)
    );
    assert_eq!(location.name.as_deref(), Some("Wavy"));
    assert_eq!(location.address.as_deref(), Some("Av. Cel. Silva Telles"));
    let Content::Contacts(contacts) = inbound("wavy_mo_contacts.json").content else {
        panic!("contacts")
    };
    assert_eq!(contacts[0].name, "John Smith");
    assert_eq!(
        contacts[0].phones,
        ["+1 (940) 555-1234", "+1 (650) 555-1234"]
    );
    assert_eq!(contacts[0].emails, ["test@fb.com", "test@whatsapp.com"]);
}

fn statuses(name: &str) -> Vec<DeliveryStatus> {
    events(name)
        .into_iter()
        .map(|e| match e {
            Event::Status(status) => status,
            other => panic!("{other:?}"),
        })
        .collect()
}

#[test]
fn the_documented_status_callback_reports_its_furthest_state() {
    let [status] = statuses("wavy_status_read.json")
        .try_into()
        .expect("one status");
    assert_eq!(
        status.provider_message_id,
        "8995c40f-1c3a-48d0-98ee-bbc603622a91"
    );
    assert_eq!(status.state, DeliveryState::Read);
    assert_eq!(status.at_ms, 1_513_616_971_891);
    assert_eq!(status.message_id, Some(4242));
    assert_eq!(
        status.recipient.and_then(|r| r.number).as_deref(),
        Some("+5519900000000")
    );
}

#[test]
fn a_batch_reports_sent_delivered_and_typed_failures() {
    let batch = statuses("wavy_status_batch.json");
    let summary: Vec<_> = batch
        .iter()
        .map(|s| {
            (
                s.provider_message_id.as_str(),
                s.state,
                s.message_id,
                s.at_ms,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("a1", DeliveryState::Sent, Some(101), 1_513_616_971_891),
            ("a2", DeliveryState::Delivered, Some(102), 1_513_617_000_000),
            ("a3", DeliveryState::Failed, Some(103), 1_513_616_971_891),
            ("a4", DeliveryState::Failed, Some(104), 1_514_221_771_891),
        ]
    );
    assert!(matches!(&batch[2].error, Some(SendError::WindowClosed(f)) if f.code == "210"));
    assert!(matches!(&batch[3].error, Some(SendError::Permanent(f)) if f.code == "101"));
}

#[test]
fn unreadable_items_are_skipped_but_a_broken_envelope_is_malformed() {
    let body = r#"{"total": 3, "data": [
        {"source": "5519900000001", "message": {"type": "TEXT", "messageText": "sem id"}},
        {"id": "x1", "correlationId": "7"},
        {"id": "m2", "source": "5519900000001", "origin": "5519900000000",
         "message": {"type": "BUTTON", "payload": "yes"}}]}"#;
    let result =
        Sinch::handle_webhook(WAVY, webhook(body.as_bytes(), Vec::new())).expect("accepted");
    match result.events.as_slice() {
        [Event::Message(m)] => assert_eq!(m.content, Content::Unsupported("button".into())),
        other => panic!("{other:?}"),
    }
    for broken in ["", "{}", r#"{"data": {}}"#, "[]"] {
        let result = Sinch::handle_webhook(WAVY, webhook(broken.as_bytes(), Vec::new()));
        assert!(
            matches!(result, Err(WebhookError::Malformed(_))),
            "{broken:?}"
        );
    }
}
