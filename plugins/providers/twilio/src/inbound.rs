//! "A message comes in" webhooks → [`InboundMessage`] (providers.md §1.2). One webhook is one
//! message and one event; what it carries is chosen in this order:
//!
//! 1. a tapped quick-reply button (`ButtonPayload` / `ButtonText`) or list row
//!    (`ListId` / `ListTitle`) → [`Content::ChoiceReply`];
//! 2. `Latitude` + `Longitude` → [`Content::Location`] (`Label` is the name, `Address`);
//! 3. `NumMedia` ≥ 1 → [`Content::Media`] of the **first** attachment, `Body` as its caption;
//!    attachments 2‥N of an MMS (up to 10) go to `attachments`, in order;
//! 4. a WhatsApp `MessageType` this adapter does not translate (`reaction`, `order`, …) →
//!    [`Content::Unsupported`] with that type, never dropped;
//! 5. a non-empty `Body` → [`Content::Text`];
//! 6. anything else → [`Content::Unsupported`] (`MessageType`, or `empty`).
//!
//! Twilio sends no timestamp with a message, so `at_ms` is [`UNKNOWN_TIME`]. WhatsApp's
//! forwarded flags and Click-to-WhatsApp referral fields become `attributes` with the
//! contract's well-known names ([`ATTRIBUTES`]).

use switchboard_sdk::provider::{
    Choice, Content, InboundMessage, Location, MediaRef, Pair, attribute,
};

use crate::address;
use crate::params::Params;

/// `at_ms` when the provider gives no time: the host should use the time it received the call.
pub const UNKNOWN_TIME: u64 = 0;

/// WhatsApp message types whose meaning is in `Body` (or in the fields read before it).
const TEXT_TYPES: &[&str] = &["text", "button", "interactive"];

/// Twilio fields passed on as attributes, with the contract's names.
pub const ATTRIBUTES: &[(&str, &str)] = &[
    ("ReferralCtwaClid", attribute::REFERRAL_CTWA_CLID),
    ("ReferralSourceId", attribute::REFERRAL_SOURCE_ID),
    ("ReferralSourceType", attribute::REFERRAL_SOURCE_TYPE),
    ("ReferralSourceUrl", attribute::REFERRAL_SOURCE_URL),
    ("ReferralHeadline", attribute::REFERRAL_HEADLINE),
    ("ReferralBody", attribute::REFERRAL_BODY),
];

/// Twilio's forwarded flags, passed on as `true` when set.
const FLAGS: &[(&str, &str)] = &[
    ("Forwarded", attribute::FORWARDED),
    ("FrequentlyForwarded", attribute::FREQUENTLY_FORWARDED),
];

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
    let content = content(params);
    // Only when the first attachment is the content do the others follow it.
    let attachments = match content {
        Content::Media(_) => more_media(params),
        _ => Vec::new(),
    };
    Ok(InboundMessage {
        provider_message_id: sid.to_owned(),
        from,
        to: address::strip_prefix(params.non_empty("To").unwrap_or_default()).to_owned(),
        at_ms: UNKNOWN_TIME,
        content,
        reply_to: params
            .non_empty("OriginalRepliedMessageSid")
            .map(str::to_owned),
        attachments,
        attributes: attributes(params),
    })
}

fn attributes(params: &Params) -> Vec<Pair> {
    let pair = |name: &str, value: &str| Pair {
        name: name.to_owned(),
        value: value.to_owned(),
    };
    let flags = FLAGS.iter().filter_map(|(field, name)| {
        let set = params
            .non_empty(field)
            .is_some_and(|v| v.eq_ignore_ascii_case("true") || v == "1");
        set.then(|| pair(name, "true"))
    });
    let fields = ATTRIBUTES
        .iter()
        .filter_map(|(field, name)| Some(pair(name, params.non_empty(field)?)));
    flags.chain(fields).collect()
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

/// Twilio's limit of attachments on one message.
const MAX_MEDIA: usize = 10;

fn media_count(params: &Params) -> usize {
    params
        .non_empty("NumMedia")
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0)
        .min(MAX_MEDIA)
}

/// Attachment `index` (`MediaUrl{index}`, `MediaContentType{index}`), if present.
fn media(params: &Params, index: usize, caption: Option<&str>) -> Option<MediaRef> {
    let locator = params.non_empty(&format!("MediaUrl{index}"))?;
    Some(MediaRef {
        locator: locator.to_owned(),
        mime_type: params
            .non_empty(&format!("MediaContentType{index}"))
            .map(str::to_owned),
        filename: None,
        caption: caption.map(str::to_owned),
    })
}

fn first_media(params: &Params, body: Option<&str>) -> Option<MediaRef> {
    (media_count(params) > 0)
        .then(|| media(params, 0, body))
        .flatten()
}

/// Attachments 2‥N.
fn more_media(params: &Params) -> Vec<MediaRef> {
    (1..media_count(params))
        .filter_map(|index| media(params, index, None))
        .collect()
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
    fn every_attachment_is_kept_the_first_as_content() {
        let form = "NumMedia=3&Body=fotos&MediaUrl0=https%3A%2F%2Fm%2F0&MediaContentType0=image%2Fjpeg\
                    &MediaUrl1=https%3A%2F%2Fm%2F1&MediaContentType1=image%2Fpng&MediaUrl2=https%3A%2F%2Fm%2F2";
        let params = Params::from_form(form.as_bytes());
        let Content::Media(first) = content(&params) else {
            panic!("media")
        };
        assert_eq!(
            (first.locator.as_str(), first.caption.as_deref()),
            ("https://m/0", Some("fotos"))
        );
        let more = more_media(&params);
        let locators: Vec<_> = more.iter().map(|m| m.locator.as_str()).collect();
        assert_eq!(locators, ["https://m/1", "https://m/2"]);
        assert_eq!(more[0].mime_type.as_deref(), Some("image/png"));
        assert_eq!(
            (more[1].mime_type.as_ref(), more[1].caption.as_ref()),
            (None, None)
        );
    }

    #[test]
    fn referral_and_forwarding_become_attributes() {
        let params = Params::from_form(
            b"Forwarded=true&FrequentlyForwarded=false&ReferralCtwaClid=ARAkLk&ReferralSourceType=ad&ReferralBody=",
        );
        let attributes: Vec<(String, String)> = attributes(&params)
            .into_iter()
            .map(|p| (p.name, p.value))
            .collect();
        assert_eq!(
            attributes,
            [
                ("forwarded".to_owned(), "true".to_owned()),
                ("referral.ctwa-clid".to_owned(), "ARAkLk".to_owned()),
                ("referral.source-type".to_owned(), "ad".to_owned()),
            ]
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
