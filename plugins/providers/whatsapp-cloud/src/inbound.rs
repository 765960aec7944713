//! One item of `value.messages[]` → an inbound message (providers.md §2.3). Every type is
//! kept: what the engine has no content for becomes `Content::Unsupported(type)`. Forwarded
//! flags, the Click-to-WhatsApp `referral` and the sender's parent BSUID become attributes
//! with the contract's well-known names.

use serde_json::Value;
use switchboard_sdk::provider::{
    Choice, Content, InboundMessage, Location, MediaRef, Pair, Reaction, SharedContact, attribute,
};

use crate::address;

/// What the envelope around a message says: the business number and the contacts array.
pub struct Envelope<'a> {
    /// The business number that received the messages (`InboundMessage::to`).
    pub business: &'a str,
    /// `value.contacts[]`: profile names and ids of the senders.
    pub contacts: &'a [Value],
}

/// Translates one message; `None` when it has no id or no sender, which no real message lacks.
pub fn message(item: &Value, envelope: &Envelope) -> Option<InboundMessage> {
    let id = item["id"].as_str().filter(|id| !id.is_empty())?;
    let from = item["from"].as_str();
    let from_user = item["from_user_id"].as_str();
    let contact = sender_contact(envelope.contacts, from, from_user);
    let phone = from.or(contact["wa_id"].as_str());
    let user_id = from_user.or(contact["user_id"].as_str());
    let profile = &contact["profile"];
    let name = profile["name"].as_str().or(profile["username"].as_str());
    Some(InboundMessage {
        provider_message_id: id.to_owned(),
        from: address::contact(phone, user_id, name)?,
        to: envelope.business.to_owned(),
        at_ms: timestamp_ms(&item["timestamp"]),
        content: content(item),
        reply_to: item["context"]["id"].as_str().map(str::to_owned),
        // One message carries one media object on WhatsApp.
        attachments: Vec::new(),
        attributes: attributes(item, contact),
    })
}

/// `referral` fields of a Click-to-WhatsApp ad, with the contract's attribute names.
const REFERRAL: [(&str, &str); 6] = [
    ("ctwa_clid", attribute::REFERRAL_CTWA_CLID),
    ("source_id", attribute::REFERRAL_SOURCE_ID),
    ("source_type", attribute::REFERRAL_SOURCE_TYPE),
    ("source_url", attribute::REFERRAL_SOURCE_URL),
    ("headline", attribute::REFERRAL_HEADLINE),
    ("body", attribute::REFERRAL_BODY),
];

/// What a message says beyond its content: forwarded flags (`context`), the ad it came from
/// (`referral`), and the parent of the sender's BSUID.
fn attributes(item: &Value, contact: &Value) -> Vec<Pair> {
    let pair = |name: &str, value: &str| Pair {
        name: name.to_owned(),
        value: value.to_owned(),
    };
    let context = &item["context"];
    let flags = [
        ("forwarded", attribute::FORWARDED),
        ("frequently_forwarded", attribute::FREQUENTLY_FORWARDED),
    ]
    .into_iter()
    .filter(|(key, _)| context[*key] == true)
    .map(|(_, name)| pair(name, "true"));
    let referral = REFERRAL
        .iter()
        .filter_map(|(key, name)| Some(pair(name, text(&item["referral"][*key])?.as_str())));
    let parent = text(&item["from_parent_user_id"])
        .or_else(|| text(&contact["parent_user_id"]))
        .map(|id| pair(attribute::PARENT_USER_ID, &id));
    flags.chain(referral).chain(parent).collect()
}

/// Meta's timestamps are strings of Unix seconds (numbers are accepted too); 0 when absent.
pub fn timestamp_ms(value: &Value) -> u64 {
    let seconds = value
        .as_u64()
        .or_else(|| value.as_str()?.trim().parse().ok())
        .unwrap_or(0);
    seconds.saturating_mul(1000)
}

/// The `contacts[]` entry of the sender: by `wa_id` or user id, else the only one.
fn sender_contact<'a>(contacts: &'a [Value], from: Option<&str>, user: Option<&str>) -> &'a Value {
    static NONE: Value = Value::Null;
    let matches = |contact: &&Value| {
        let wa_id = contact["wa_id"].as_str();
        let user_id = contact["user_id"].as_str();
        (from.is_some() && (wa_id == from || user_id == from))
            || (user.is_some() && user_id == user)
    };
    match contacts.iter().find(matches) {
        Some(contact) => contact,
        None if contacts.len() == 1 => &contacts[0],
        None => &NONE,
    }
}

fn content(item: &Value) -> Content {
    let kind = item["type"].as_str().unwrap_or("unknown");
    let body = &item[kind];
    let translated = match kind {
        "text" => body["body"]
            .as_str()
            .map(|text| Content::Text(text.to_owned())),
        "image" | "audio" | "video" | "document" | "sticker" => media(body),
        "location" => location(body),
        "contacts" => body
            .as_array()
            .map(|cards| Content::Contacts(cards.iter().map(card).collect())),
        "interactive" => return interactive(body),
        "button" => body["payload"].as_str().map(|payload| {
            Content::ChoiceReply(Choice {
                id: payload.to_owned(),
                title: body["text"].as_str().unwrap_or(payload).to_owned(),
                description: None,
            })
        }),
        "reaction" => body["message_id"].as_str().map(|message_id| {
            Content::Reaction(Reaction {
                message_id: message_id.to_owned(),
                emoji: body["emoji"].as_str().unwrap_or_default().to_owned(),
            })
        }),
        // Newer payloads say what was not supported: `"unsupported": {"type": "edit"}`.
        "unsupported" => body["type"]
            .as_str()
            .map(|inner| Content::Unsupported(inner.to_owned())),
        _ => None,
    };
    translated.unwrap_or_else(|| Content::Unsupported(kind.to_owned()))
}

fn text(value: &Value) -> Option<String> {
    value.as_str().filter(|s| !s.is_empty()).map(str::to_owned)
}

/// Image, audio, video, document or sticker: the media id is what `prepare-media-fetch` needs.
fn media(body: &Value) -> Option<Content> {
    let id = body["id"].as_str().filter(|id| !id.is_empty())?;
    Some(Content::Media(MediaRef {
        locator: id.to_owned(),
        mime_type: text(&body["mime_type"]),
        filename: text(&body["filename"]),
        caption: text(&body["caption"]),
    }))
}

fn location(body: &Value) -> Option<Content> {
    Some(Content::Location(Location {
        latitude: body["latitude"].as_f64()?,
        longitude: body["longitude"].as_f64()?,
        name: text(&body["name"]),
        address: text(&body["address"]),
    }))
}

/// A contact card: `name.formatted_name`, `phones[].phone` (or `wa_id`), `emails[].email`.
fn card(card: &Value) -> SharedContact {
    let name = &card["name"];
    let formatted = text(&name["formatted_name"]).unwrap_or_else(|| {
        let parts = ["first_name", "middle_name", "last_name"].map(|part| name[part].as_str());
        parts.into_iter().flatten().collect::<Vec<_>>().join(" ")
    });
    let items = |key: &str| card[key].as_array().map(Vec::as_slice).unwrap_or_default();
    let phones = items("phones").iter().filter_map(|phone| {
        let written = phone["phone"].as_str().map(str::to_owned);
        written.or_else(|| phone["wa_id"].as_str().and_then(address::e164))
    });
    let emails = items("emails")
        .iter()
        .filter_map(|email| text(&email["email"]));
    SharedContact {
        name: formatted,
        phones: phones.collect(),
        emails: emails.collect(),
    }
}

/// Reply-button and list-row taps; other interactive replies (Flows' `nfm_reply`) are named.
fn interactive(body: &Value) -> Content {
    let kind = body["type"].as_str().unwrap_or("interactive");
    let reply = &body[kind];
    match (kind, reply["id"].as_str()) {
        ("button_reply" | "list_reply", Some(id)) => Content::ChoiceReply(Choice {
            id: id.to_owned(),
            title: reply["title"].as_str().unwrap_or_default().to_owned(),
            description: text(&reply["description"]),
        }),
        _ => Content::Unsupported(kind.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn translate(item: Value) -> Content {
        content(&item)
    }

    #[test]
    fn timestamps_are_seconds_as_text() {
        assert_eq!(timestamp_ms(&json!("1749416383")), 1_749_416_383_000);
        assert_eq!(timestamp_ms(&json!(2)), 2000);
        assert_eq!(timestamp_ms(&json!("soon")), 0);
        assert_eq!(timestamp_ms(&json!(u64::MAX)), u64::MAX);
    }

    #[test]
    fn a_known_type_without_its_body_is_unsupported_not_dropped() {
        assert_eq!(
            translate(json!({"type": "image", "image": {}})),
            Content::Unsupported("image".into())
        );
        assert_eq!(translate(json!({})), Content::Unsupported("unknown".into()));
        assert_eq!(
            translate(json!({"type": "unsupported", "unsupported": {"type": "edit"}})),
            Content::Unsupported("edit".into())
        );
    }

    #[test]
    fn forwarding_referral_and_parent_id_become_attributes() {
        let item = json!({"context": {"forwarded": true, "frequently_forwarded": false},
            "referral": {"source_url": "https://fb.me/ad", "source_type": "ad",
                "ctwa_clid": "ARAkLk", "headline": "", "media_type": "image"},
            "from_parent_user_id": "US.ENT.1"});
        let expected = [
            ("forwarded", "true"),
            ("referral.ctwa-clid", "ARAkLk"),
            ("referral.source-type", "ad"),
            ("referral.source-url", "https://fb.me/ad"),
            ("parent-user-id", "US.ENT.1"),
        ]
        .map(|(n, v)| (n.to_owned(), v.to_owned()));
        assert_eq!(attributes_of(&item, &Value::Null), expected);
        let from_contact = attributes_of(&json!({}), &json!({"parent_user_id": "US.ENT.2"}));
        assert_eq!(
            from_contact,
            [("parent-user-id".to_owned(), "US.ENT.2".to_owned())]
        );
    }

    fn attributes_of(item: &Value, contact: &Value) -> Vec<(String, String)> {
        attributes(item, contact)
            .into_iter()
            .map(|p| (p.name, p.value))
            .collect()
    }

    #[test]
    fn a_flow_reply_is_named() {
        let item = json!({"type": "interactive", "interactive": {"type": "nfm_reply",
            "nfm_reply": {"response_json": "{}"}}});
        assert_eq!(translate(item), Content::Unsupported("nfm_reply".into()));
    }

    #[test]
    fn a_card_without_formatted_name_joins_its_parts() {
        let shared = card(&json!({"name": {"first_name": "Ana", "last_name": "Gómez"},
            "phones": [{"wa_id": "5491155550123"}, {"phone": "+1 555 0100"}]}));
        assert_eq!(shared.name, "Ana Gómez");
        assert_eq!(shared.phones, ["+5491155550123", "+1 555 0100"]);
        assert!(shared.emails.is_empty());
    }
}
