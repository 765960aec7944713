//! "A message comes in" webhooks → [`InboundMessage`] (providers.md §1.2). One webhook is one
//! message and one event; what it carries is chosen in this order:
//!
//! 1. a tapped quick-reply button (`ButtonPayload` / `ButtonText`) or list row
//!    (`ListId` / `ListTitle`) → [`Content::ChoiceReply`];
//! 2. `Latitude` + `Longitude` → [`Content::Location`] (`Label` is the name, `Address`);
//! 3. `NumMedia` ≥ 1 → [`Content::Media`] of the **first** attachment, `Body` as its caption.
//!    The contract has one content per message, so attachments 2‥N of an MMS (up to 10) are
//!    not represented; a warning names how many were left out;
//! 4. a WhatsApp `MessageType` this adapter does not translate (`reaction`, `order`, …) →
//!    [`Content::Unsupported`] with that type, never dropped;
//! 5. a non-empty `Body` → [`Content::Text`];
//! 6. anything else → [`Content::Unsupported`] (`MessageType`, or `empty`).
//!
//! Twilio sends no timestamp with a message, so `at_ms` is [`UNKNOWN_TIME`].

use switchboard_sdk::provider::{Choice, Content, InboundMessage, Location, MediaRef};

use crate::address;
use crate::params::Params;

/// `at_ms` when the provider gives no time: the host should use the time it received the call.
pub const UNKNOWN_TIME: u64 = 0;

/// WhatsApp message types whose meaning is in `Body` (or in the fields read before it).
const TEXT_TYPES: &[&str] = &["text", "button", "interactive"];

/// Whether the fields are an inbound message rather than a status callback.
pub fn is_inbound(params: &Params) -> bool {
    let received = |s: Option<&str>| matches!(s, Some("received" | "receiving"));
    match params.get("MessageStatus") {
        Some(status) => received(Some(status)),
        None => {
            received(params.get("SmsStatus"))
                || (params.get("SmsStatus").is_none()
                    && (params.has("Body") || params.has("NumMedia")))
        }
    }
}

/// The provider's id of the message: `MessageSid`, or its legacy aliases.
pub fn message_sid(params: &Params) -> Option<&str> {
    ["MessageSid", "SmsMessageSid", "SmsSid"]
        .iter()
        .find_map(|name| params.non_empty(name))
}

/// The message in an inbound webhook; the error says which required field is missing.
pub fn message(params: &Params) -> Result<InboundMessage, String> {
    let sid = message_sid(params).ok_or("inbound message without MessageSid")?;
    let from = params
        .non_empty("From")
        .ok_or("inbound message without From")?;
    let from = address::contact(
        from,
        params.non_empty("WaId"),
        params.non_empty("ExternalUserId"),
        params.non_empty("ProfileName"),
    );
    Ok(InboundMessage {
        provider_message_id: sid.to_owned(),
        from,
        to: address::strip_prefix(params.non_empty("To").unwrap_or_default()).to_owned(),
        at_ms: UNKNOWN_TIME,
        content: content(params),
        reply_to: params
            .non_empty("OriginalRepliedMessageSid")
            .map(str::to_owned),
    })
}

fn content(params: &Params) -> Content {
    let body = params.get("Body").filter(|b| !b.trim().is_empty());
    if let Some(choice) = choice(params, body) {
        return Content::ChoiceReply(choice);
    }
    if let Some(location) = location(params) {
        return Content::Location(location);
    }
    if let Some(media) = first_media(params, body) {
        return Content::Media(media);
    }
    let kind = params.non_empty("MessageType");
    match (kind, body) {
        (Some(kind), _) if !TEXT_TYPES.contains(&kind) => Content::Unsupported(kind.to_owned()),
        (_, Some(body)) => Content::Text(body.to_owned()),
        (kind, None) => Content::Unsupported(kind.unwrap_or("empty").to_owned()),
    }
}

fn choice(params: &Params, body: Option<&str>) -> Option<Choice> {
    let pick = |id: &str, title: &str| {
        let id = params.non_empty(id);
        let title = params.non_empty(title);
        let id = id.or(title)?;
        Some(Choice {
            id: id.to_owned(),
            title: title.or(body).unwrap_or(id).to_owned(),
            description: None,
        })
    };
    pick("ButtonPayload", "ButtonText").or_else(|| pick("ListId", "ListTitle"))
}

fn location(params: &Params) -> Option<Location> {
    let coordinate = |name: &str, limit: f64| {
        params
            .non_empty(name)?
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && v.abs() <= limit)
    };
    Some(Location {
        latitude: coordinate("Latitude", 90.0)?,
        longitude: coordinate("Longitude", 180.0)?,
        name: params.non_empty("Label").map(str::to_owned),
        address: params.non_empty("Address").map(str::to_owned),
    })
}

fn first_media(params: &Params, body: Option<&str>) -> Option<MediaRef> {
    let count: usize = params.non_empty("NumMedia")?.parse().ok()?;
    let locator = params.non_empty("MediaUrl0").filter(|_| count > 0)?;
    if count > 1 {
        switchboard_sdk::log::warn(&format!(
            "message {} has {count} attachments; only the first is passed on",
            message_sid(params).unwrap_or("?")
        ));
    }
    Some(MediaRef {
        locator: locator.to_owned(),
        mime_type: params.non_empty("MediaContentType0").map(str::to_owned),
        filename: None,
        caption: body.map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content_of(form: &str) -> Content {
        content(&Params::from_form(form.as_bytes()))
    }

    #[test]
    fn body_alone_is_text() {
        assert_eq!(content_of("Body=hi&NumMedia=0"), Content::Text("hi".into()));
        assert_eq!(
            content_of("Body=hi&MessageType=text"),
            Content::Text("hi".into())
        );
    }

    #[test]
    fn nothing_to_show_is_unsupported_not_dropped() {
        assert_eq!(
            content_of("Body=&NumMedia=0"),
            Content::Unsupported("empty".into())
        );
        assert_eq!(
            content_of("Body=%F0%9F%91%8D&MessageType=reaction"),
            Content::Unsupported("reaction".into())
        );
        assert_eq!(
            content_of("Body=&MessageType=image&NumMedia=0"),
            Content::Unsupported("image".into())
        );
    }

    #[test]
    fn a_button_without_payload_uses_its_text_as_id() {
        assert_eq!(
            content_of("ButtonText=Yes&Body=Yes&MessageType=button"),
            Content::ChoiceReply(Choice {
                id: "Yes".into(),
                title: "Yes".into(),
                description: None
            })
        );
    }

    #[test]
    fn coordinates_out_of_range_are_not_a_location() {
        assert_eq!(
            content_of("Latitude=91&Longitude=0&Body=x"),
            Content::Text("x".into())
        );
        assert_eq!(
            content_of("Latitude=NaN&Longitude=0&MessageType=location"),
            Content::Unsupported("location".into())
        );
    }

    #[test]
    fn inbound_and_status_are_told_apart() {
        let is = |form: &str| is_inbound(&Params::from_form(form.as_bytes()));
        assert!(is("SmsStatus=received&Body=x"));
        assert!(is("Body=x"));
        assert!(is("MessageStatus=received&Body=x"));
        assert!(!is("MessageStatus=delivered&SmsStatus=delivered"));
        assert!(!is("SmsStatus=sent&Body=x"));
        assert!(!is("MessageSid=SM1"));
    }
}
