//! Real-format inbound messages (providers.md §2.2, §2.3) → normalized messages.

mod common;

use common::*;
use switchboard_sdk::provider::*;

fn media(locator: &str, mime: &str, filename: Option<&str>, caption: Option<&str>) -> Content {
    Content::Media(MediaRef {
        locator: locator.into(),
        mime_type: Some(mime.into()),
        filename: filename.map(Into::into),
        caption: caption.map(Into::into),
    })
}

#[test]
fn text_carries_sender_profile_name_and_time() {
    let message = message("text.json");
    assert_eq!(
        message,
        InboundMessage {
            provider_message_id: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA="
                .into(),
            from: ContactAddress {
                number: Some("+16505551234".into()),
                user_id: None,
                display_name: Some("Sheena Nelson".into()),
            },
            to: "+15550783881".into(),
            at_ms: 1_749_416_383_000,
            content: Content::Text("Does it come in another color?".into()),
            reply_to: None,
            attachments: vec![],
            attributes: vec![],
        }
    );
}

#[test]
fn media_messages_reference_the_media_id() {
    for (fixture, content) in [
        (
            "image.json",
            media("65463453", "image/jpeg", None, Some("optional")),
        ),
        (
            "document.json",
            media(
                "1234567890987654321",
                "application/pdf",
                Some("filename.pdf"),
                Some("caption"),
            ),
        ),
        (
            "audio.json",
            media("987654321012345", "audio/ogg; codecs=opus", None, None),
        ),
        (
            "video.json",
            media("555000111222333", "video/mp4", None, None),
        ),
        (
            "sticker.json",
            media("444000111222333", "image/webp", None, None),
        ),
    ] {
        let message = message(fixture);
        assert_eq!(message.content, content, "{fixture}");
        assert_eq!(message.from.number.as_deref(), Some("+972987654321"));
        assert_eq!(message.from.display_name.as_deref(), Some("Kyle"));
    }
}

#[test]
fn location_keeps_coordinates_name_and_address() {
    assert_eq!(
        message("location.json").content,
        Content::Location(Location {
            latitude: 0.0,
            longitude: 1.0,
            name: Some("Main Street Beach".into()),
            address: Some("Main Street Beach, Santa Cruz, CA".into()),
        })
    );
}

#[test]
fn contact_cards_keep_name_phones_and_emails() {
    assert_eq!(
        message("contacts.json").content,
        Content::Contacts(vec![SharedContact {
            name: "Ana Gómez".into(),
            phones: vec!["+1 (650) 555-1234".into()],
            emails: vec!["ana@example.com".into()],
        }])
    );
}

#[test]
fn button_and_list_taps_are_choice_replies_to_the_original() {
    let button = message("interactive_button_reply.json");
    assert_eq!(
        button.content,
        Content::ChoiceReply(Choice {
            id: "callback_data".into(),
            title: "title".into(),
            description: None,
        })
    );
    assert_eq!(button.reply_to.as_deref(), Some("wamid.orig"));
    let row = message("interactive_list_reply.json");
    assert_eq!(
        row.content,
        Content::ChoiceReply(Choice {
            id: "callback_data".into(),
            title: "title".into(),
            description: Some("description".into()),
        })
    );
    assert_eq!(row.reply_to.as_deref(), Some("wamid.list"));
}

#[test]
fn a_template_quick_reply_is_a_choice_reply_with_the_payload_as_id() {
    let tap = message("button.json");
    assert_eq!(
        tap.content,
        Content::ChoiceReply(Choice {
            id: "callback_data".into(),
            title: "title".into(),
            description: None,
        })
    );
    assert_eq!(tap.reply_to.as_deref(), Some("wamid.tpl"));
    assert_eq!(tap.at_ms, 1_698_269_027_000);
}

#[test]
fn reactions_name_the_message_and_an_empty_emoji_means_removed() {
    assert_eq!(
        message("reaction.json").content,
        Content::Reaction(Reaction {
            message_id: "wamid.yzxyzx=".into(),
            emoji: "😮".into(),
        })
    );
    assert_eq!(
        message("reaction_removed.json").content,
        Content::Reaction(Reaction {
            message_id: "wamid.yzxyzx=".into(),
            emoji: String::new(),
        })
    );
}

#[test]
fn unsupported_and_unknown_types_are_kept_not_dropped() {
    let unsupported = message("unsupported.json");
    assert_eq!(
        unsupported.content,
        Content::Unsupported("unsupported".into())
    );
    assert_eq!(unsupported.provider_message_id, "wamid.unsup");
    assert_eq!(
        message("order.json").content,
        Content::Unsupported("order".into())
    );
}

#[test]
fn a_user_without_a_number_is_known_by_the_bsuid() {
    let message = message("bsuid_without_number.json");
    assert_eq!(
        message.from,
        ContactAddress {
            number: None,
            user_id: Some("US.13491208655302741918".into()),
            display_name: Some("Ana".into()),
        }
    );
    assert_eq!(message.content, Content::Text("hola".into()));
}

#[test]
fn a_bsuid_in_from_is_not_taken_for_a_number() {
    let from = message("bsuid_in_from.json").from;
    assert_eq!(from.number, None);
    assert_eq!(from.user_id.as_deref(), Some("US.13491208655302741918"));
    assert_eq!(from.display_name.as_deref(), Some("Ana"));
}
