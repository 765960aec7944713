//! `handle_webhook` end to end: the composed signature vectors, the URL spellings Twilio's
//! SDKs accept, refusals, and every fixture payload to its normalized event.

mod common;

use common::*;
use provider_twilio::Twilio;
use provider_twilio::webhook::EMPTY_TWIML;
use switchboard_sdk::provider::{
    Choice, ContactAddress, Content, DeliveryState, DeliveryStatus, Event, Failure, InboundMessage,
    Limit, LimitKind, Location, MediaRef, Provider, Retryable, SendError, WebhookError,
    WebhookResult,
};

fn handle(
    config: &str,
    request: switchboard_sdk::provider::WebhookRequest,
) -> Result<WebhookResult, WebhookError> {
    Twilio::handle_webhook(config, request)
}

fn inbound(name: &str) -> InboundMessage {
    let result = handle(&whatsapp_config(), signed_fixture(INBOUND_URL, name)).expect(name);
    assert_eq!(result.response.status, 200);
    assert_eq!(result.response.body, EMPTY_TWIML.as_bytes());
    match <[Event; 1]>::try_from(result.events) {
        Ok([Event::Message(message)]) => message,
        other => panic!("{name}: one message expected, got {other:?}"),
    }
}

fn status(name: &str) -> DeliveryStatus {
    let result = handle(&whatsapp_config(), signed_fixture(STATUS_URL, name)).expect(name);
    assert_eq!(
        (result.response.status, result.response.body.len()),
        (200, 0)
    );
    match <[Event; 1]>::try_from(result.events) {
        Ok([Event::Status(status)]) => status,
        other => panic!("{name}: one status expected, got {other:?}"),
    }
}

fn customer(number: &str, name: Option<&str>) -> ContactAddress {
    ContactAddress {
        number: Some(number.into()),
        user_id: None,
        display_name: name.map(Into::into),
    }
}

// --- Signatures -------------------------------------------------------------------------

#[test]
fn composed_vector_whatsapp_inbound_is_accepted() {
    let body = fixture("wa_inbound_text.form");
    let request = post(INBOUND_URL, body, Some("R+WPtctp7YHa8UyDpAfOEL6a1Gc="));
    let result = handle(&whatsapp_config(), request).expect("valid signature");
    assert_eq!(result.events.len(), 1);
}

#[test]
fn composed_vector_whatsapp_status_is_accepted() {
    let body = fixture("wa_status_read.form");
    let request = post(STATUS_URL, body, Some("ZbFTs36hlUZOCzV5MJLnBfHeUBw="));
    let result = handle(&whatsapp_config(), request).expect("valid signature");
    assert_eq!(result.events.len(), 1);
}

#[test]
fn every_url_spelling_the_sdks_try_is_accepted() {
    let body = fixture("wa_inbound_text.form");
    // Signed without a port: received with the default port, or with a host in capitals.
    let signature = "R+WPtctp7YHa8UyDpAfOEL6a1Gc=";
    for received in [
        "https://cc.example.com:443/hooks/twilio/wa/inbound",
        "https://CC.example.com/hooks/twilio/wa/inbound",
        "https://cc.example.com:8443/hooks/twilio/wa/inbound",
    ] {
        let request = post(received, body.clone(), Some(signature));
        assert!(handle(&whatsapp_config(), request).is_ok(), "{received}");
    }
    // Signed with the port added; received without it.
    let with_port = sign("https://cc.example.com:443/hooks/twilio/wa/inbound", &body);
    let request = post(INBOUND_URL, body.clone(), Some(&with_port));
    assert!(handle(&whatsapp_config(), request).is_ok());
    // Signed over the WHATWG spelling of a query with a quote; received as configured.
    let url = "https://cc.example.com/hooks/twilio?tag=it's";
    let whatwg = sign("https://cc.example.com/hooks/twilio?tag=it%27s", &body);
    assert!(handle(&whatsapp_config(), post(url, body.clone(), Some(&whatwg))).is_ok());
    // Signed over node's legacy querystring spelling.
    let url = "https://cc.example.com/hooks/twilio?tag=a+b";
    let legacy = sign("https://cc.example.com/hooks/twilio?tag=a%20b", &body);
    assert!(handle(&whatsapp_config(), post(url, body, Some(&legacy))).is_ok());
}

#[test]
fn the_header_name_is_matched_in_any_case() {
    let mut request = signed_fixture(INBOUND_URL, "wa_inbound_text.form");
    for header in &mut request.headers {
        header.name = header.name.to_ascii_lowercase();
    }
    assert!(handle(&whatsapp_config(), request).is_ok());
}

fn assert_unauthorized(result: Result<WebhookResult, WebhookError>, why: &str) {
    assert!(
        matches!(result, Err(WebhookError::Unauthorized(_))),
        "{why}: {result:?}"
    );
}

#[test]
fn a_changed_field_is_refused() {
    let body = String::from_utf8(fixture("wa_inbound_text.form")).expect("utf-8");
    let changed = body.replace("Body=Hola", "Body=Hello").into_bytes();
    let request = post(INBOUND_URL, changed, Some("R+WPtctp7YHa8UyDpAfOEL6a1Gc="));
    assert_unauthorized(handle(&whatsapp_config(), request), "changed Body");
    let added = format!("{body}&Extra=1").into_bytes();
    let request = post(INBOUND_URL, added, Some("R+WPtctp7YHa8UyDpAfOEL6a1Gc="));
    assert_unauthorized(handle(&whatsapp_config(), request), "added field");
}

#[test]
fn a_changed_url_is_refused() {
    for url in [
        "https://cc.example.com/hooks/twilio/wa/status",
        "http://cc.example.com/hooks/twilio/wa/inbound",
        "https://cc.example.com/hooks/twilio/wa/inbound?x=1",
        "https://evil.example.com/hooks/twilio/wa/inbound",
    ] {
        let request = post(
            url,
            fixture("wa_inbound_text.form"),
            Some("R+WPtctp7YHa8UyDpAfOEL6a1Gc="),
        );
        assert_unauthorized(handle(&whatsapp_config(), request), url);
    }
}

#[test]
fn a_missing_header_is_refused() {
    let request = post(INBOUND_URL, fixture("wa_inbound_text.form"), None);
    let result = handle(&whatsapp_config(), request);
    assert_eq!(
        result.err(),
        Some(WebhookError::Unauthorized(
            "missing X-Twilio-Signature header".into()
        ))
    );
}

#[test]
fn a_signature_made_with_another_token_is_refused() {
    let other =
        r#"{"account_sid": "AC00000000000000000000000000000000", "auth_token": "another-token"}"#;
    let request = post(
        INBOUND_URL,
        fixture("wa_inbound_text.form"),
        Some("R+WPtctp7YHa8UyDpAfOEL6a1Gc="),
    );
    assert_unauthorized(handle(other, request), "wrong token");
}

#[test]
fn without_a_usable_config_nothing_is_accepted_and_twilio_may_retry() {
    let request = signed_fixture(INBOUND_URL, "wa_inbound_text.form");
    let result = handle("{}", request);
    assert!(
        matches!(&result, Err(WebhookError::Unavailable(why)) if why.contains("account_sid")),
        "{result:?}"
    );
}

#[test]
fn get_webhooks_sign_the_url_alone() {
    let url = format!(
        "{INBOUND_URL}?MessageSid=SM1&From=%2B14133881111&To=%2B12028831111&Body=Hi&SmsStatus=received"
    );
    let signature = provider_twilio::signature::compute(TOKEN, &url, "");
    let mut request = post(&url, Vec::new(), Some(&signature));
    request.method = "GET".into();
    let result = handle(&sms_config(), request).expect("signed GET");
    let [Event::Message(message)] = result.events.as_slice() else {
        panic!("one message")
    };
    assert_eq!(message.content, Content::Text("Hi".into()));
}

#[test]
fn json_bodies_are_checked_against_body_sha256() {
    let body =
        br#"{"MessageSid": "SM9", "MessageStatus": "delivered", "To": "+12028831111"}"#.to_vec();
    let url = format!(
        "{STATUS_URL}?bodySHA256={}",
        provider_twilio::signature::hex_sha256(&body)
    );
    let signature = provider_twilio::signature::compute(TOKEN, &url, "");
    let result =
        handle(&sms_config(), post(&url, body.clone(), Some(&signature))).expect("signed JSON");
    let [Event::Status(status)] = result.events.as_slice() else {
        panic!("one status")
    };
    assert_eq!(status.state, DeliveryState::Delivered);
    let mut tampered = body;
    tampered[20] = b'X';
    assert_unauthorized(
        handle(&sms_config(), post(&url, tampered, Some(&signature))),
        "tampered JSON",
    );
}

#[test]
fn a_signed_call_that_is_neither_message_nor_status_is_malformed() {
    let body = b"AccountSid=AC1&Foo=bar".to_vec();
    let signature = sign(INBOUND_URL, &body);
    let result = handle(&sms_config(), post(INBOUND_URL, body, Some(&signature)));
    assert!(
        matches!(result, Err(WebhookError::Malformed(_))),
        "{result:?}"
    );
    let body = b"SmsStatus=received&Body=hi".to_vec();
    let signature = sign(INBOUND_URL, &body);
    let result = handle(&sms_config(), post(INBOUND_URL, body, Some(&signature)));
    assert!(matches!(result, Err(WebhookError::Malformed(m)) if m.contains("MessageSid")));
}

// --- Inbound messages -------------------------------------------------------------------

#[test]
fn whatsapp_text() {
    let message = inbound("wa_inbound_text.form");
    assert_eq!(
        message,
        InboundMessage {
            provider_message_id: "SM0a1b2c3d4e5f60718293a4b5c6d7e8f9".into(),
            from: customer("+5491155550123", Some("María López")),
            to: "+14155238886".into(),
            at_ms: 0,
            content: Content::Text("Hola, necesito ayuda con mi pedido".into()),
            reply_to: None,
            attachments: vec![],
            attributes: vec![],
        }
    );
}

#[test]
fn sms_text_with_empty_geo_fields() {
    let result = handle(
        &sms_config(),
        signed_fixture(INBOUND_URL, "sms_inbound_text.form"),
    )
    .expect("valid");
    let [Event::Message(message)] = result.events.as_slice() else {
        panic!("one message")
    };
    assert_eq!(
        message.provider_message_id,
        "SMe287d7109a5a925f182f0e07fe5b223b"
    );
    assert_eq!(message.from, customer("+14133881111", None));
    assert_eq!(message.to, "+12028831111");
    assert_eq!(message.content, Content::Text("Msg".into()));
}

fn media(name: &str, mime: &str, caption: Option<&str>) {
    let message = inbound(name);
    assert_eq!(
        message.content,
        Content::Media(MediaRef {
            locator: "https://api.twilio.com/2010-04-01/Accounts/AC00000000000000000000000000000000/Messages/MM11111111111111111111111111111111/Media/ME11111111111111111111111111111111".into(),
            mime_type: Some(mime.into()),
            filename: None,
            caption: caption.map(Into::into),
        }),
        "{name}"
    );
    assert_eq!(message.from.display_name.as_deref(), Some("Ana"));
}

#[test]
fn whatsapp_media_of_every_kind() {
    media(
        "wa_inbound_image.form",
        "image/jpeg",
        Some("Mi pedido llegó roto"),
    );
    media("wa_inbound_audio.form", "audio/ogg", None);
    media("wa_inbound_video.form", "video/mp4", None);
    media(
        "wa_inbound_document.form",
        "application/pdf",
        Some("factura.pdf"),
    );
    media("wa_inbound_sticker.form", "image/webp", None);
    media("wa_inbound_contacts.form", "text/vcard", None);
}

#[test]
fn mms_with_two_attachments_passes_the_first_with_the_body_as_caption_and_then_the_second() {
    let result = handle(
        &sms_config(),
        signed_fixture(INBOUND_URL, "sms_inbound_mms.form"),
    )
    .expect("valid");
    let [Event::Message(message)] = result.events.as_slice() else {
        panic!("one message")
    };
    let Content::Media(media) = &message.content else {
        panic!("media: {:?}", message.content)
    };
    assert!(
        media
            .locator
            .ends_with("/Media/ME00000000000000000000000000000001")
    );
    assert_eq!(media.mime_type.as_deref(), Some("image/jpeg"));
    assert_eq!(media.caption.as_deref(), Some("Two photos"));
    let [second] = message.attachments.as_slice() else {
        panic!("one more attachment: {:?}", message.attachments)
    };
    assert!(
        second
            .locator
            .ends_with("/Media/ME00000000000000000000000000000002")
    );
    assert_eq!(
        (second.mime_type.as_deref(), second.caption.as_deref()),
        (Some("image/png"), None)
    );
}

#[test]
fn whatsapp_location() {
    assert_eq!(
        inbound("wa_inbound_location.form").content,
        Content::Location(Location {
            latitude: -34.603722,
            longitude: -58.381592,
            name: Some("Obelisco".into()),
            address: Some("Av. 9 de Julio s/n, Buenos Aires".into()),
        })
    );
}

#[test]
fn whatsapp_quick_reply_button_with_its_reply_context() {
    let message = inbound("wa_inbound_button.form");
    assert_eq!(
        message.content,
        Content::ChoiceReply(Choice {
            id: "confirm_order_42".into(),
            title: "Sí, confirmo".into(),
            description: None,
        })
    );
    assert_eq!(
        message.reply_to.as_deref(),
        Some("SM1f2e3d4c5b6a79880716253443526170")
    );
}

#[test]
fn whatsapp_list_reply() {
    assert_eq!(
        inbound("wa_inbound_list_reply.form").content,
        Content::ChoiceReply(Choice {
            id: "track".into(),
            title: "Seguir mi pedido".into(),
            description: None,
        })
    );
}

#[test]
fn whatsapp_reply_to_an_earlier_message() {
    let message = inbound("wa_inbound_reply.form");
    assert_eq!(message.content, Content::Text("Sigue sin llegar".into()));
    assert_eq!(
        message.reply_to.as_deref(),
        Some("SM1f2e3d4c5b6a79880716253443526170")
    );
}

#[test]
fn an_untranslated_type_is_unsupported_not_text() {
    assert_eq!(
        inbound("wa_inbound_reaction.form").content,
        Content::Unsupported("reaction".into())
    );
}

#[test]
fn a_withheld_number_arrives_as_a_user_id() {
    let message = inbound("wa_inbound_bsuid.form");
    assert_eq!(
        message.from,
        ContactAddress {
            number: None,
            user_id: Some("US.13491208655302741918".into()),
            display_name: Some("Ana".into()),
        }
    );
}

// --- Status callbacks -------------------------------------------------------------------

#[test]
fn whatsapp_read() {
    let s = status("wa_status_read.form");
    assert_eq!(
        s,
        DeliveryStatus {
            provider_message_id: "SM1f2e3d4c5b6a79880716253443526170".into(),
            state: DeliveryState::Read,
            at_ms: 0,
            error: None,
            message_id: None,
            recipient: Some(customer("+5491155550123", None)),
            aliases: vec![],
        }
    );
}

#[test]
fn delivered_and_sent() {
    assert_eq!(
        status("wa_status_delivered.form").state,
        DeliveryState::Delivered
    );
    assert_eq!(
        status("sms_status_delivered.form").state,
        DeliveryState::Delivered
    );
    assert_eq!(status("sms_status_sent.form").state, DeliveryState::Sent);
}

#[test]
fn failures_carry_the_classified_error() {
    let failure = |code: &str, message: &str| Failure {
        code: code.into(),
        message: message.into(),
    };
    let cases = [
        (
            "sms_status_failed_stop.form",
            SendError::Unsubscribed(failure("21610", "")),
        ),
        (
            "wa_status_failed_rate_limit.form",
            SendError::ProviderLimit(Limit {
                kind: LimitKind::Throughput,
                retry_after_ms: None,
                failure: failure("63018", ""),
            }),
        ),
        (
            "wa_status_failed_window.form",
            SendError::WindowClosed(failure(
                "63016",
                "Failed to send freeform message because you are outside the allowed window.",
            )),
        ),
        (
            "sms_status_undelivered.form",
            SendError::Retryable(Retryable {
                retry_after_ms: None,
                failure: failure("30003", ""),
            }),
        ),
    ];
    for (name, error) in cases {
        let s = status(name);
        assert_eq!(s.state, DeliveryState::Failed, "{name}");
        assert_eq!(s.error, Some(error), "{name}");
    }
}

#[test]
fn every_twilio_status_value_maps_per_the_table() {
    let base = String::from_utf8(fixture("sms_status_delivered.form")).expect("utf-8");
    for (word, expected) in [
        ("accepted", None),
        ("scheduled", None),
        ("queued", None),
        ("sending", None),
        ("sent", Some(DeliveryState::Sent)),
        ("partially_delivered", Some(DeliveryState::Sent)),
        ("delivered", Some(DeliveryState::Delivered)),
        ("read", Some(DeliveryState::Read)),
        ("undelivered", Some(DeliveryState::Failed)),
        ("failed", Some(DeliveryState::Failed)),
        ("canceled", Some(DeliveryState::Failed)),
    ] {
        let body = base.replace("=delivered", &format!("={word}")).into_bytes();
        let signature = sign(STATUS_URL, &body);
        let result = handle(&sms_config(), post(STATUS_URL, body, Some(&signature))).expect(word);
        let state = match result.events.as_slice() {
            [] => None,
            [Event::Status(s)] => Some(s.state),
            other => panic!("{word}: {other:?}"),
        };
        assert_eq!(state, expected, "{word}");
        assert_eq!(result.response.status, 200);
    }
    // `received` / `receiving` are inbound statuses: such a callback is read as a message.
    for word in ["received", "receiving"] {
        let body = base.replace("=delivered", &format!("={word}")).into_bytes();
        let signature = sign(STATUS_URL, &body);
        let result = handle(&sms_config(), post(STATUS_URL, body, Some(&signature))).expect(word);
        assert!(
            matches!(result.events.as_slice(), [Event::Message(_)]),
            "{word}"
        );
    }
}

#[test]
fn the_host_message_id_comes_back_in_the_callback_url() {
    let url = format!("{STATUS_URL}?sb_message_id=42");
    let s = match handle(
        &whatsapp_config(),
        signed_fixture(&url, "wa_status_read.form"),
    )
    .expect("valid")
    .events
    .as_slice()
    {
        [Event::Status(s)] => s.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(s.message_id, Some(42));
}
