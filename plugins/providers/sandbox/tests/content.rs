//! Every content variant: its JSON in a send, and back through a webhook message unchanged.

mod common;

use common::*;
use provider_sandbox::Sandbox;
use serde_json::{Value, json};
use switchboard_sdk::provider::*;

fn media(url: &str) -> MediaRef {
    MediaRef {
        locator: url.into(),
        mime_type: Some("image/jpeg".into()),
        filename: Some("a.jpg".into()),
        caption: Some("look".into()),
    }
}

fn choice(id: &str, title: &str, description: Option<&str>) -> Choice {
    Choice {
        id: id.into(),
        title: title.into(),
        description: description.map(Into::into),
    }
}

/// One of each content variant, with the JSON it is sent as.
fn cases() -> Vec<(Content, Value)> {
    vec![
        (
            Content::Text("Hola, ¿en qué te ayudo?".into()),
            json!({"type": "text", "text": "Hola, ¿en qué te ayudo?"}),
        ),
        (
            Content::Media(media("https://files.test/a.jpg")),
            json!({"type": "media", "url": "https://files.test/a.jpg",
                "mime_type": "image/jpeg", "filename": "a.jpg", "caption": "look"}),
        ),
        (
            Content::Location(Location {
                latitude: -34.603722,
                longitude: -58.381592,
                name: Some("Obelisco".into()),
                address: None,
            }),
            json!({"type": "location", "latitude": -34.603722, "longitude": -58.381592,
                "name": "Obelisco", "address": null}),
        ),
        (
            Content::Contacts(vec![SharedContact {
                name: "Ana Gómez".into(),
                phones: vec!["+5491155550123".into()],
                emails: vec![],
            }]),
            json!({"type": "contacts", "contacts": [{"name": "Ana Gómez",
                "phones": ["+5491155550123"], "emails": []}]}),
        ),
        (
            Content::Template(TemplateMessage {
                name: "order_update".into(),
                language: "es_AR".into(),
                namespace: None,
                header: Some(TemplateHeader::Media(media("https://files.test/p.jpg"))),
                body_params: vec!["Ana".into(), "#1234".into()],
                buttons: vec![
                    TemplateButton {
                        index: 0,
                        kind: ButtonKind::QuickReply,
                        value: "OK".into(),
                    },
                    TemplateButton {
                        index: 1,
                        kind: ButtonKind::Url,
                        value: "orders/1234".into(),
                    },
                    TemplateButton {
                        index: 2,
                        kind: ButtonKind::CopyCode,
                        value: "SAVE20".into(),
                    },
                ],
            }),
            json!({"type": "template", "name": "order_update", "language": "es_AR",
                "namespace": null,
                "header": {"type": "media", "url": "https://files.test/p.jpg",
                    "mime_type": "image/jpeg", "filename": "a.jpg", "caption": "look"},
                "body_params": ["Ana", "#1234"],
                "buttons": [{"index": 0, "kind": "quick_reply", "value": "OK"},
                    {"index": 1, "kind": "url", "value": "orders/1234"},
                    {"index": 2, "kind": "copy_code", "value": "SAVE20"}]}),
        ),
        (
            Content::Template(TemplateMessage {
                name: "welcome".into(),
                language: "pt_BR".into(),
                namespace: Some("whatsapp:hsm:acme".into()),
                header: Some(TemplateHeader::Text("Olá".into())),
                body_params: vec![],
                buttons: vec![],
            }),
            json!({"type": "template", "name": "welcome", "language": "pt_BR",
                "namespace": "whatsapp:hsm:acme", "header": {"type": "text", "text": "Olá"},
                "body_params": [], "buttons": []}),
        ),
        (
            Content::Interactive(Interactive {
                header: Some("Menú".into()),
                body: "¿Qué necesitás?".into(),
                footer: None,
                list_button: Some("Opciones".into()),
                choices: vec![
                    choice("sales", "Ventas", Some("pedidos nuevos")),
                    choice("support", "Soporte", None),
                ],
            }),
            json!({"type": "interactive", "header": "Menú", "body": "¿Qué necesitás?",
                "footer": null, "list_button": "Opciones",
                "choices": [{"id": "sales", "title": "Ventas", "description": "pedidos nuevos"},
                    {"id": "support", "title": "Soporte", "description": null}]}),
        ),
        (
            Content::ChoiceReply(choice("yes", "", None)),
            json!({"type": "choice_reply", "id": "yes", "title": "", "description": null}),
        ),
        (
            Content::Reaction(Reaction {
                message_id: "sb-41".into(),
                emoji: "👍".into(),
            }),
            json!({"type": "reaction", "message_id": "sb-41", "emoji": "👍"}),
        ),
        (
            Content::Unsupported("order".into()),
            json!({"type": "unsupported", "name": "order"}),
        ),
    ]
}

#[test]
fn every_content_variant_is_sent_as_documented() {
    for (content, expected) in cases() {
        let request = Sandbox::prepare_send(&config(), None, outbound(content.clone()))
            .unwrap_or_else(|e| panic!("{content:?}: {e:?}"));
        assert_eq!(json_body(&request.body)["content"], expected, "{content:?}");
    }
}

#[test]
fn every_content_variant_comes_back_through_a_webhook_unchanged() {
    for (content, json) in cases() {
        let message = one_message(json!([message_event(json)]));
        assert_eq!(message.content, content);
        assert!(message.attributes.is_empty(), "{:?}", message.attributes);
    }
}

#[test]
fn options_may_be_left_out_when_received() {
    let message = one_message(json!([message_event(json!({"type": "media",
        "url": "https://files.test/b.pdf"}))]));
    assert_eq!(
        message.content,
        Content::Media(MediaRef {
            locator: "https://files.test/b.pdf".into(),
            mime_type: None,
            filename: None,
            caption: None,
        })
    );
    let message = one_message(json!([message_event(json!({"type": "template",
        "name": "t", "language": "es"}))]));
    let Content::Template(template) = message.content else {
        panic!("a template")
    };
    assert!(template.header.is_none() && template.body_params.is_empty());
}

#[test]
fn coordinates_json_cannot_carry_are_refused_before_any_request() {
    let nowhere = Content::Location(Location {
        latitude: f64::INFINITY,
        longitude: 0.0,
        name: None,
        address: None,
    });
    assert!(matches!(
        Sandbox::prepare_send(&config(), None, outbound(nowhere)),
        Err(SendError::Permanent(f)) if f.code == "bad-content"
    ));
}
