//! Property tests: no body, method or answer makes the adapter panic, and any content (with
//! coordinates JSON can carry) comes back through a webhook exactly as it was sent.

mod common;

use common::*;
use proptest::prelude::*;
use provider_sandbox::Sandbox;
use serde_json::json;
use switchboard_sdk::provider::*;
use switchboard_sdk::testing::webhook_request;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![".{0,12}", Just(String::new()), "[a-z_.-]{1,8}"]
}

fn opt() -> impl Strategy<Value = Option<String>> {
    prop::option::of(text())
}

fn media() -> impl Strategy<Value = MediaRef> {
    (text(), opt(), opt(), opt()).prop_map(|(locator, mime_type, filename, caption)| MediaRef {
        locator,
        mime_type,
        filename,
        caption,
    })
}

fn choice() -> impl Strategy<Value = Choice> {
    (text(), text(), opt()).prop_map(|(id, title, description)| Choice {
        id,
        title,
        description,
    })
}

fn button() -> impl Strategy<Value = TemplateButton> {
    let kind = prop_oneof![
        Just(ButtonKind::QuickReply),
        Just(ButtonKind::Url),
        Just(ButtonKind::CopyCode)
    ];
    (any::<u8>(), kind, text()).prop_map(|(index, kind, value)| TemplateButton {
        index,
        kind,
        value,
    })
}

fn content() -> impl Strategy<Value = Content> {
    let coordinate = -1.0e6f64..1.0e6;
    let header = prop::option::of(prop_oneof![
        text().prop_map(TemplateHeader::Text),
        media().prop_map(TemplateHeader::Media),
    ]);
    let strings = || prop::collection::vec(text(), 0..3);
    prop_oneof![
        text().prop_map(Content::Text),
        media().prop_map(Content::Media),
        (coordinate.clone(), coordinate, opt(), opt()).prop_map(
            |(latitude, longitude, name, address)| {
                Content::Location(Location {
                    latitude,
                    longitude,
                    name,
                    address,
                })
            }
        ),
        prop::collection::vec((text(), strings(), strings()), 0..3).prop_map(|cards| {
            Content::Contacts(
                cards
                    .into_iter()
                    .map(|(name, phones, emails)| SharedContact {
                        name,
                        phones,
                        emails,
                    })
                    .collect(),
            )
        }),
        (
            text(),
            text(),
            opt(),
            header,
            strings(),
            prop::collection::vec(button(), 0..3)
        )
            .prop_map(
                |(name, language, namespace, header, body_params, buttons)| {
                    Content::Template(TemplateMessage {
                        name,
                        language,
                        namespace,
                        header,
                        body_params,
                        buttons,
                    })
                }
            ),
        (
            opt(),
            text(),
            opt(),
            opt(),
            prop::collection::vec(choice(), 0..4)
        )
            .prop_map(|(header, body, footer, list_button, choices)| {
                Content::Interactive(Interactive {
                    header,
                    body,
                    footer,
                    list_button,
                    choices,
                })
            }),
        choice().prop_map(Content::ChoiceReply),
        (text(), text())
            .prop_map(|(message_id, emoji)| Content::Reaction(Reaction { message_id, emoji })),
        text().prop_map(Content::Unsupported),
    ]
}

/// JSON shaped like the sandbox's calls, with any values.
fn event_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(json!(null)),
        any::<bool>().prop_map(|b| json!(b)),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("JSON numbers", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        prop::sample::select(vec![
            "message",
            "status",
            "template",
            "text",
            "media",
            "failed",
            "window-closed",
            "quick_reply",
            "sticker",
            "+5491155550123"
        ])
        .prop_map(|s| json!(s)),
        ".{0,8}".prop_map(|s| json!(s)),
    ];
    let keys = prop::sample::select(vec![
        "type",
        "id",
        "from",
        "to",
        "at_ms",
        "content",
        "text",
        "number",
        "user_id",
        "name",
        "state",
        "error",
        "code",
        "message",
        "message_id",
        "url",
        "latitude",
        "longitude",
        "contacts",
        "buttons",
        "index",
        "kind",
        "value",
        "header",
        "choices",
        "attachments",
        "attributes",
        "reply_to",
        "language",
        "status",
        "reason",
    ]);
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(keys.clone(), inner, 0..6).prop_map(|map| json!(map)),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_content_comes_back_as_it_was_sent(content in content()) {
        let request = Sandbox::prepare_send(&config(), None, outbound(content.clone()))
            .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let sent = json_body(&request.body)["content"].clone();
        let message = one_message(json!([message_event(sent)]));
        prop_assert_eq!(message.content, content);
    }

    #[test]
    fn any_call_is_answered_without_panic(
        method in prop_oneof![Just("POST".to_owned()), Just("GET".to_owned()), ".{0,6}"],
        body in prop::collection::vec(any::<u8>(), 0..256),
        shaped in prop::collection::vec(event_json(), 0..4),
        received_at_ms in any::<u64>(),
    ) {
        let shaped = json!({ "events": shaped }).to_string().into_bytes();
        for body in [body, shaped] {
            let request = WebhookRequest {
                received_at_ms,
                ..webhook_request(&method, HOOK, vec![], &body)
            };
            let _ = Sandbox::handle_webhook(&config(), request);
        }
    }

    #[test]
    fn any_answer_is_read_without_panic(
        status in any::<u16>(),
        retry_after in ".{0,6}",
        body in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..64),
            event_json().prop_map(|v| v.to_string().into_bytes()),
        ],
    ) {
        let headers = vec![switchboard_sdk::http::pair("Retry-After", &retry_after)];
        let response = HttpResponse { status, headers, body };
        let _ = Sandbox::read_send_response(&config(), outbound(Content::Text("x".into())), response);
    }

    #[test]
    fn any_config_text_is_handled(config in ".{0,40}") {
        let _ = Sandbox::capabilities(&config);
        let _ = Sandbox::prepare_send(&config, None, outbound(Content::Text("x".into())));
        let _ = Sandbox::handle_webhook(&config, post(b"{\"events\":[]}"));
    }
}
