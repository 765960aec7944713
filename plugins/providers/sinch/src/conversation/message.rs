//! The `message` of a Conversation API send, from the engine's content (providers.md §3.1; the
//! message types are those of the Sinch SDK's `AppMessage`).

use serde_json::{Map, Value, json};
use switchboard_sdk::provider::{
    ButtonKind, Content, Interactive, Location, MediaRef, SendError, SharedContact, TemplateHeader,
    TemplateMessage,
};

use crate::config::SinchChannel;
use crate::http::permanent;
use crate::media::{self, MediaKind};
use switchboard_sdk::types::interactive_as_text;

/// The message object for `content` on `channel`.
pub fn message_json(content: &Content, channel: SinchChannel) -> Result<Value, SendError> {
    let whatsapp = channel == SinchChannel::Whatsapp;
    match content {
        Content::Text(text) => Ok(text_message(text)),
        Content::Media(media) => Ok(media_message(media)),
        Content::Location(location) => Ok(location_message(location)),
        Content::Contacts(contacts) => contact_info_message(contacts),
        Content::Template(template) if whatsapp => Ok(template_message(template)),
        Content::Template(_) => Err(unsupported("templates need the WHATSAPP channel")),
        Content::Interactive(interactive) if whatsapp => Ok(interactive_message(interactive)),
        Content::Interactive(interactive) => Ok(text_message(&interactive_as_text(interactive))),
        Content::ChoiceReply(_) => Err(unsupported("a choice reply is inbound only")),
        Content::Reaction(_) => Err(unsupported("the Conversation API sends no reactions")),
        Content::Unsupported(name) => Err(unsupported(&format!("cannot send `{name}`"))),
    }
}

fn unsupported(message: &str) -> SendError {
    permanent("unsupported-content", message)
}

fn text_message(text: &str) -> Value {
    json!({ "text_message": { "text": text } })
}

/// A `media_message`; with a caption, a `card_message` around it, since `media_message` has no
/// caption and WhatsApp renders a card as media with a caption (Sinch channel-support docs) [S].
fn media_message(media: &MediaRef) -> Value {
    let mut item = json!({ "url": media.locator });
    if let Some(filename) = media.filename.as_deref().filter(|f| !f.is_empty()) {
        item["filename_override"] = json!(filename);
    }
    match media.caption.as_deref().filter(|c| !c.is_empty()) {
        Some(caption) => json!({
            "card_message": { "description": caption, "media_message": item }
        }),
        None => json!({ "media_message": item }),
    }
}

fn location_message(location: &Location) -> Value {
    let title = location
        .name
        .clone()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| format!("{}, {}", location.latitude, location.longitude));
    let mut item = json!({
        "coordinates": { "latitude": location.latitude, "longitude": location.longitude },
        "title": title,
    });
    if let Some(address) = location.address.as_deref().filter(|a| !a.is_empty()) {
        item["label"] = json!(address);
    }
    json!({ "location_message": item })
}

fn contact_info_message(contacts: &[SharedContact]) -> Result<Value, SendError> {
    let [contact] = contacts else {
        return Err(unsupported(
            "the Conversation API sends exactly one contact per message",
        ));
    };
    let phones: Vec<Value> = contact
        .phones
        .iter()
        .map(|p| json!({ "phone_number": p }))
        .collect();
    let emails: Vec<Value> = contact
        .emails
        .iter()
        .map(|e| json!({ "email_address": e }))
        .collect();
    Ok(json!({
        "contact_info_message": {
            "name": { "full_name": contact.name },
            "phone_numbers": phones,
            "email_addresses": emails,
        }
    }))
}

/// A WhatsApp channel template. Parameter keys follow Sinch's grammar
/// `<component>[<index>]<sub_type>[<param>]<field>`: `body[1]text`, `header[1]text`,
/// `header[1]image.link`, `button[0]quick_reply[1]payload`, `button[0]url[1]text` (Sinch
/// WhatsApp template-support docs), `button[0]copy_code[1]coupon_code` (the same grammar with
/// Meta's copy-code parameter).
fn template_message(template: &TemplateMessage) -> Value {
    let mut parameters = Map::new();
    match &template.header {
        Some(TemplateHeader::Text(text)) => {
            parameters.insert("header[1]text".into(), json!(text));
        }
        Some(TemplateHeader::Media(media)) => {
            let kind = match media::kind(media) {
                MediaKind::Audio => MediaKind::Document,
                other => other,
            };
            let field = kind.name();
            parameters.insert(format!("header[1]{field}.link"), json!(media.locator));
            if let (MediaKind::Document, Some(filename)) = (kind, media.filename.as_deref()) {
                parameters.insert("header[1]document.filename".into(), json!(filename));
            }
        }
        None => {}
    }
    for (i, value) in template.body_params.iter().enumerate() {
        parameters.insert(format!("body[{}]text", i + 1), json!(value));
    }
    for button in &template.buttons {
        let (sub_type, field) = match button.kind {
            ButtonKind::QuickReply => ("quick_reply", "payload"),
            ButtonKind::Url => ("url", "text"),
            ButtonKind::CopyCode => ("copy_code", "coupon_code"),
        };
        let key = format!("button[{}]{sub_type}[1]{field}", button.index);
        parameters.insert(key, json!(button.value));
    }
    json!({
        "template_message": { "channel_template": { "WHATSAPP": {
            "template_id": template.name,
            "language_code": template.language.replace('-', "_"),
            "parameters": parameters,
        } } }
    })
}

/// Reply buttons as a `choice_message`, a list as a `list_message` whose menu button carries
/// `list_button`. Each choice's id is its `postback_data`, returned in the customer's
/// `choice_response_message`.
fn interactive_message(interactive: &Interactive) -> Value {
    let Some(menu) = interactive.list_button.as_deref() else {
        let text = [
            interactive.header.as_deref(),
            Some(interactive.body.as_str()),
            interactive.footer.as_deref(),
        ]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
        let choices: Vec<Value> = interactive
            .choices
            .iter()
            .map(|c| json!({ "text_message": { "text": c.title }, "postback_data": c.id }))
            .collect();
        return json!({
            "choice_message": { "text_message": { "text": text }, "choices": choices }
        });
    };
    let items: Vec<Value> = interactive
        .choices
        .iter()
        .map(|c| {
            let mut choice = json!({ "title": c.title, "postback_data": c.id });
            if let Some(description) = c.description.as_deref().filter(|d| !d.is_empty()) {
                choice["description"] = json!(description);
            }
            json!({ "choice": choice })
        })
        .collect();
    let footer = interactive.footer.as_deref().filter(|f| !f.is_empty());
    let (title, description) = match interactive.header.as_deref().filter(|h| !h.is_empty()) {
        Some(header) => {
            let body = match footer {
                Some(footer) => format!("{}\n\n{footer}", interactive.body),
                None => interactive.body.clone(),
            };
            (header.to_owned(), Some(body))
        }
        None => (interactive.body.clone(), footer.map(str::to_owned)),
    };
    let mut list = json!({
        "title": title,
        "sections": [{ "items": items }],
        "message_properties": { "menu": menu },
    });
    if let Some(description) = description {
        list["description"] = json!(description);
    }
    json!({ "list_message": list })
}
