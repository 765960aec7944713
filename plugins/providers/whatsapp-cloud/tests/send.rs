//! `prepare_send`: the Cloud API JSON for every kind of content (providers.md §2.6).

mod common;

use common::*;
use provider_whatsapp_cloud::WhatsAppCloud;
use serde_json::{Value, json};
use switchboard_sdk::provider::*;

fn send(message: Outbound) -> (HttpRequest, Value) {
    let request = WhatsAppCloud::prepare_send(&config(), None, message).expect("builds");
    let body = serde_json::from_slice(&request.body).expect("JSON body");
    (request, body)
}

fn body(content: Content) -> Value {
    send(outbound(content)).1
}

fn refused(content: Content) -> Failure {
    match WhatsAppCloud::prepare_send(&config(), None, outbound(content)) {
        Err(SendError::Permanent(failure)) => failure,
        other => panic!("expected a permanent error, got {other:?}"),
    }
}

fn media(locator: &str, mime: Option<&str>) -> MediaRef {
    MediaRef {
        locator: locator.into(),
        mime_type: mime.map(Into::into),
        filename: None,
        caption: None,
    }
}

fn choice(id: &str, title: &str) -> Choice {
    Choice {
        id: id.into(),
        title: title.into(),
        description: None,
    }
}

#[test]
fn text_posts_to_the_number_with_the_bearer_token() {
    let (request, body) = send(outbound(Content::Text("Hola, ¿en qué te ayudo?".into())));
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.url,
        "https://graph.facebook.com/v25.0/106540352242922/messages"
    );
    let header = |name: &str| {
        request
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    };
    assert_eq!(header("authorization"), Some("Bearer EAAG-token"));
    assert_eq!(header("content-type"), Some("application/json"));
    assert_eq!(
        body,
        json!({"messaging_product": "whatsapp", "recipient_type": "individual",
            "to": "5491155550123", "type": "text",
            "text": {"preview_url": false, "body": "Hola, ¿en qué te ayudo?"},
            "biz_opaque_callback_data": "switchboard:42"})
    );
}

#[test]
fn a_host_token_wins_over_the_configured_one() {
    let request = WhatsAppCloud::prepare_send(
        &config(),
        Some("fresh"),
        outbound(Content::Text("x".into())),
    )
    .expect("builds");
    assert!(request.headers.iter().any(|h| h.value == "Bearer fresh"));
}

#[test]
fn a_reply_carries_the_context() {
    let message = Outbound {
        reply_to: Some("wamid.HBgL".into()),
        ..outbound(Content::Text("…".into()))
    };
    assert_eq!(
        send(message).1["context"],
        json!({"message_id": "wamid.HBgL"})
    );
}

#[test]
fn a_user_without_a_number_is_addressed_by_bsuid_in_recipient() {
    let message = Outbound {
        to: ContactAddress {
            number: None,
            user_id: Some("US.13491208655302741918".into()),
            display_name: None,
        },
        ..outbound(Content::Text("hola".into()))
    };
    let body = send(message).1;
    assert_eq!(body["recipient"], "US.13491208655302741918");
    assert!(body.get("to").is_none());
}

#[test]
fn no_address_is_a_bad_recipient() {
    let message = Outbound {
        to: ContactAddress {
            number: Some("not a number".into()),
            user_id: None,
            display_name: None,
        },
        ..outbound(Content::Text("x".into()))
    };
    assert!(matches!(
        WhatsAppCloud::prepare_send(&config(), None, message),
        Err(SendError::BadRecipient(_))
    ));
}

#[test]
fn media_goes_by_link_with_caption_and_filename() {
    let image = MediaRef {
        caption: Some("Tu factura".into()),
        ..media("https://files.example.com/s/abc?sig=1", Some("image/jpeg"))
    };
    let body = body(Content::Media(image));
    assert_eq!(body["type"], "image");
    assert_eq!(
        body["image"],
        json!({"link": "https://files.example.com/s/abc?sig=1", "caption": "Tu factura"})
    );
    let document = MediaRef {
        filename: Some("factura.pdf".into()),
        caption: Some("Factura".into()),
        ..media("https://files.example.com/s/f", Some("application/pdf"))
    };
    let body = self::body(Content::Media(document));
    assert_eq!(
        body["document"],
        json!({"link": "https://files.example.com/s/f", "caption": "Factura", "filename": "factura.pdf"})
    );
    for (mime, kind) in [
        ("audio/ogg; codecs=opus", "audio"),
        ("video/mp4", "video"),
        ("image/webp", "sticker"),
    ] {
        let body = self::body(Content::Media(media("https://f/x", Some(mime))));
        assert_eq!(body["type"], kind);
        assert_eq!(body[kind], json!({"link": "https://f/x"}));
    }
    // An uploaded media id is sent as `id`.
    let body = self::body(Content::Media(media("1234567890", Some("image/png"))));
    assert_eq!(body["image"], json!({"id": "1234567890"}));
}

#[test]
fn a_caption_on_audio_is_refused_not_lost() {
    let audio = MediaRef {
        caption: Some("listen".into()),
        ..media("https://f/a.ogg", Some("audio/ogg"))
    };
    assert_eq!(refused(Content::Media(audio)).code, "bad-content");
}

#[test]
fn a_template_fills_header_body_and_button_parameters() {
    let template = TemplateMessage {
        name: "order_update".into(),
        language: "es_AR".into(),
        namespace: None,
        header: Some(TemplateHeader::Media(media(
            "https://cdn.example.com/p.jpg",
            Some("image/jpeg"),
        ))),
        body_params: vec!["Ana".into(), "#1234".into()],
        buttons: vec![TemplateButton {
            index: 0,
            kind: ButtonKind::QuickReply,
            value: "ORDER_1234_OK".into(),
        }],
    };
    assert_eq!(
        body(Content::Template(template.clone())),
        json!({"messaging_product": "whatsapp", "recipient_type": "individual",
            "to": "5491155550123", "type": "template",
            "template": {"name": "order_update", "language": {"code": "es_AR"},
                "components": [
                    {"type": "header", "parameters": [{"type": "image",
                        "image": {"link": "https://cdn.example.com/p.jpg"}}]},
                    {"type": "body", "parameters": [{"type": "text", "text": "Ana"},
                        {"type": "text", "text": "#1234"}]},
                    {"type": "button", "sub_type": "quick_reply", "index": "0",
                        "parameters": [{"type": "payload", "payload": "ORDER_1234_OK"}]}]},
            "biz_opaque_callback_data": "switchboard:42"})
    );
    let text_header = TemplateMessage {
        header: Some(TemplateHeader::Text("Pedido".into())),
        body_params: vec![],
        buttons: vec![],
        ..template.clone()
    };
    assert_eq!(
        body(Content::Template(text_header))["template"]["components"],
        json!([{"type": "header", "parameters": [{"type": "text", "text": "Pedido"}]}])
    );
    let document_header = TemplateMessage {
        header: Some(TemplateHeader::Media(MediaRef {
            filename: Some("ticket.pdf".into()),
            ..media("https://f/t.pdf", Some("application/pdf"))
        })),
        ..text_header_free(template)
    };
    assert_eq!(
        body(Content::Template(document_header))["template"]["components"][0]["parameters"][0],
        json!({"type": "document", "document": {"link": "https://f/t.pdf", "filename": "ticket.pdf"}})
    );
}

fn text_header_free(template: TemplateMessage) -> TemplateMessage {
    TemplateMessage {
        body_params: vec![],
        buttons: vec![],
        ..template
    }
}

#[test]
fn each_button_kind_has_its_parameter() {
    let button = |index, kind, value: &str| TemplateButton {
        index,
        kind,
        value: value.into(),
    };
    let template = TemplateMessage {
        name: "coupon".into(),
        language: "en_US".into(),
        namespace: None,
        header: None,
        body_params: vec![],
        buttons: vec![
            button(0, ButtonKind::Url, "orders/1234"),
            button(1, ButtonKind::CopyCode, "SAVE20"),
            button(2, ButtonKind::QuickReply, "STOP"),
        ],
    };
    assert_eq!(
        body(Content::Template(template))["template"]["components"],
        json!([
            {"type": "button", "sub_type": "url", "index": "0",
                "parameters": [{"type": "text", "text": "orders/1234"}]},
            {"type": "button", "sub_type": "copy_code", "index": "1",
                "parameters": [{"type": "coupon_code", "coupon_code": "SAVE20"}]},
            {"type": "button", "sub_type": "quick_reply", "index": "2",
                "parameters": [{"type": "payload", "payload": "STOP"}]},
        ])
    );
}

#[test]
fn reply_buttons_become_an_interactive_button_message() {
    let interactive = Interactive {
        header: Some("Encuesta".into()),
        body: "¿Resolvimos tu consulta?".into(),
        footer: Some("Gracias".into()),
        list_button: None,
        choices: vec![choice("yes", "Sí"), choice("no", "No")],
    };
    assert_eq!(
        body(Content::Interactive(interactive))["interactive"],
        json!({"type": "button",
            "header": {"type": "text", "text": "Encuesta"},
            "body": {"text": "¿Resolvimos tu consulta?"},
            "footer": {"text": "Gracias"},
            "action": {"buttons": [
                {"type": "reply", "reply": {"id": "yes", "title": "Sí"}},
                {"type": "reply", "reply": {"id": "no", "title": "No"}}]}})
    );
}

#[test]
fn a_list_becomes_an_interactive_list_message() {
    let interactive = Interactive {
        header: None,
        body: "Elegí un área".into(),
        footer: None,
        list_button: Some("Ver áreas".into()),
        choices: vec![
            Choice {
                description: Some("Facturas y pagos".into()),
                ..choice("billing", "Facturación")
            },
            choice("support", "Soporte"),
        ],
    };
    assert_eq!(
        body(Content::Interactive(interactive))["interactive"],
        json!({"type": "list", "body": {"text": "Elegí un área"},
            "action": {"button": "Ver áreas", "sections": [{"rows": [
                {"id": "billing", "title": "Facturación", "description": "Facturas y pagos"},
                {"id": "support", "title": "Soporte"}]}]}})
    );
}

#[test]
fn interactive_limits_are_checked_before_sending() {
    let buttons = |choices: Vec<Choice>| {
        Content::Interactive(Interactive {
            header: None,
            body: "b".into(),
            footer: None,
            list_button: None,
            choices,
        })
    };
    let four = (0..4).map(|i| choice(&i.to_string(), "t")).collect();
    assert!(refused(buttons(four)).message.contains("4 buttons"));
    let long = buttons(vec![choice("a", "twenty-one characters")]);
    assert!(
        refused(long)
            .message
            .contains("button title has 21 characters")
    );
    assert!(refused(buttons(vec![])).message.contains("0 buttons"));
}

#[test]
fn location_contacts_and_reactions_can_be_sent() {
    let place = Location {
        latitude: -34.6,
        longitude: -58.4,
        name: Some("Oficina".into()),
        address: None,
    };
    assert_eq!(
        body(Content::Location(place))["location"],
        json!({"latitude": -34.6, "longitude": -58.4, "name": "Oficina"})
    );
    let card = SharedContact {
        name: "Soporte".into(),
        phones: vec!["+5491155550100".into()],
        emails: vec![],
    };
    assert_eq!(
        body(Content::Contacts(vec![card]))["contacts"],
        json!([{"name": {"formatted_name": "Soporte", "first_name": "Soporte"},
            "phones": [{"phone": "+5491155550100"}], "emails": []}])
    );
    let reaction = Reaction {
        message_id: "wamid.in".into(),
        emoji: "👍".into(),
    };
    assert_eq!(
        body(Content::Reaction(reaction))["reaction"],
        json!({"message_id": "wamid.in", "emoji": "👍"})
    );
}

#[test]
fn customer_side_content_cannot_be_sent() {
    assert_eq!(
        refused(Content::ChoiceReply(choice("a", "b"))).code,
        "bad-content"
    );
    assert_eq!(
        refused(Content::Unsupported("order".into())).code,
        "bad-content"
    );
    assert_eq!(refused(Content::Text(String::new())).code, "bad-content");
}

#[test]
fn a_bad_config_pauses_the_connector() {
    let result = WhatsAppCloud::prepare_send("{}", None, outbound(Content::Text("x".into())));
    assert!(matches!(result, Err(SendError::Misconfigured(f)) if f.code == "bad-config"));
}
