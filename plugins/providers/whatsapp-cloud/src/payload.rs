//! Message content → the typed object of a Cloud API send (providers.md §2.6): the `type` and
//! the object that goes under that key. Meta's size limits are checked here so a bad
//! interactive message fails with a clear reason instead of a round trip and a 131009.

use serde_json::{Map, Value, json};
use switchboard_sdk::provider::{
    ButtonKind, Content, Failure, Interactive, MediaRef, SharedContact, TemplateButton,
    TemplateHeader, TemplateMessage,
};

use crate::config::is_graph_id;

/// The send `type` and its object for `content`, or why it cannot be sent.
pub fn content(content: &Content) -> Result<(&'static str, Value), Failure> {
    match content {
        Content::Text(text) => {
            check_len("text", text, 1, 4096)?;
            Ok(("text", json!({"preview_url": false, "body": text})))
        }
        Content::Media(media) => {
            let kind = media_kind(media.mime_type.as_deref());
            Ok((kind, media_object(kind, media)?))
        }
        Content::Location(place) => {
            let mut object = json!({"latitude": place.latitude, "longitude": place.longitude});
            insert_opt(&mut object, "name", place.name.as_deref());
            insert_opt(&mut object, "address", place.address.as_deref());
            Ok(("location", object))
        }
        Content::Contacts(cards) => Ok(("contacts", cards.iter().map(card).collect())),
        Content::Template(template_message) => Ok(("template", template(template_message)?)),
        Content::Interactive(interactive) => Ok(("interactive", self::interactive(interactive)?)),
        Content::Reaction(reaction) => Ok((
            "reaction",
            json!({"message_id": reaction.message_id, "emoji": reaction.emoji}),
        )),
        Content::ChoiceReply(_) => Err(bad("a choice reply is what customers send")),
        Content::Unsupported(kind) => Err(bad(&format!("`{kind}` content cannot be sent"))),
    }
}

/// WhatsApp's media kind for a MIME type: WebP is only accepted as a sticker, anything not
/// image, video or audio goes as a document.
pub fn media_kind(mime: Option<&str>) -> &'static str {
    let mime = crate::http::media_type(mime.unwrap_or_default());
    match mime.split_once('/').map(|(top, _)| top) {
        _ if mime == "image/webp" => "sticker",
        Some("image") => "image",
        Some("video") => "video",
        Some("audio") => "audio",
        _ => "document",
    }
}

/// `{"link"}` for the host's signed URL (or `{"id"}` for an uploaded media id), with the
/// caption and file name where the kind allows them.
fn media_object(kind: &str, media: &MediaRef) -> Result<Value, Failure> {
    let locator = media.locator.as_str();
    let mut object = if locator.starts_with("https://") || locator.starts_with("http://") {
        json!({"link": locator})
    } else if is_graph_id(locator) {
        json!({"id": locator})
    } else {
        return Err(bad("media locator is neither a URL nor a media id"));
    };
    if let Some(caption) = media.caption.as_deref().filter(|c| !c.is_empty()) {
        if !matches!(kind, "image" | "video" | "document") {
            return Err(bad(&format!("WhatsApp takes no caption on {kind}")));
        }
        check_len("caption", caption, 1, 1024)?;
        object["caption"] = caption.into();
    }
    if kind == "document" {
        insert_opt(&mut object, "filename", media.filename.as_deref());
    }
    Ok(object)
}

fn card(card: &SharedContact) -> Value {
    let phones: Vec<Value> = card.phones.iter().map(|p| json!({"phone": p})).collect();
    let emails: Vec<Value> = card.emails.iter().map(|e| json!({"email": e})).collect();
    // Meta wants a formatted name plus at least one part of it.
    json!({
        "name": {"formatted_name": card.name, "first_name": card.name},
        "phones": phones,
        "emails": emails,
    })
}

/// Name, language and the components holding the parameters (header, body, buttons).
fn template(message: &TemplateMessage) -> Result<Value, Failure> {
    let mut components = Vec::new();
    match &message.header {
        Some(TemplateHeader::Text(text)) => components.push(json!({"type": "header",
            "parameters": [{"type": "text", "text": text}]})),
        Some(TemplateHeader::Media(media)) => {
            let kind = match media_kind(media.mime_type.as_deref()) {
                "image" | "sticker" => "image",
                "video" => "video",
                _ => "document",
            };
            let object = media_object(
                kind,
                &MediaRef {
                    caption: None,
                    ..media.clone()
                },
            )?;
            components.push(json!({"type": "header",
                "parameters": [{"type": kind, kind: object}]}));
        }
        None => {}
    }
    if !message.body_params.is_empty() {
        let parameters: Vec<Value> = message
            .body_params
            .iter()
            .map(|text| json!({"type": "text", "text": text}))
            .collect();
        components.push(json!({"type": "body", "parameters": parameters}));
    }
    components.extend(message.buttons.iter().map(button));
    Ok(json!({
        "name": message.name,
        "language": {"code": message.language},
        "components": components,
    }))
}

/// A button component: a quick reply's payload, a URL button's dynamic suffix, or a copy-code
/// button's code. (Authentication templates put their one-time password in a `url` button.)
fn button(button: &TemplateButton) -> Value {
    let (sub_type, parameter) = match button.kind {
        ButtonKind::QuickReply => (
            "quick_reply",
            json!({"type": "payload", "payload": button.value}),
        ),
        ButtonKind::Url => ("url", json!({"type": "text", "text": button.value})),
        ButtonKind::CopyCode => (
            "copy_code",
            json!({"type": "coupon_code", "coupon_code": button.value}),
        ),
    };
    json!({"type": "button", "sub_type": sub_type, "index": button.index.to_string(),
        "parameters": [parameter]})
}

/// Reply buttons (at most 3, titles up to 20 characters) or a list (at most 10 rows).
fn interactive(message: &Interactive) -> Result<Value, Failure> {
    check_len("body", &message.body, 1, 1024)?;
    let mut object = Map::new();
    if let Some(header) = message.header.as_deref().filter(|h| !h.is_empty()) {
        check_len("header", header, 1, 60)?;
        object.insert("header".into(), json!({"type": "text", "text": header}));
    }
    object.insert("body".into(), json!({"text": message.body}));
    if let Some(footer) = message.footer.as_deref().filter(|f| !f.is_empty()) {
        check_len("footer", footer, 1, 60)?;
        object.insert("footer".into(), json!({"text": footer}));
    }
    let (kind, action) = match &message.list_button {
        None => {
            check_count("buttons", message.choices.len(), 3)?;
            let mut buttons = Vec::new();
            for choice in &message.choices {
                check_len("button id", &choice.id, 1, 256)?;
                check_len("button title", &choice.title, 1, 20)?;
                buttons.push(json!({"type": "reply",
                    "reply": {"id": choice.id, "title": choice.title}}));
            }
            ("button", json!({"buttons": buttons}))
        }
        Some(label) => {
            check_len("list button", label, 1, 20)?;
            check_count("list rows", message.choices.len(), 10)?;
            let mut rows = Vec::new();
            for choice in &message.choices {
                check_len("row id", &choice.id, 1, 200)?;
                check_len("row title", &choice.title, 1, 24)?;
                let mut row = json!({"id": choice.id, "title": choice.title});
                if let Some(description) = choice.description.as_deref().filter(|d| !d.is_empty()) {
                    check_len("row description", description, 1, 72)?;
                    row["description"] = description.into();
                }
                rows.push(row);
            }
            (
                "list",
                json!({"button": label, "sections": [{"rows": rows}]}),
            )
        }
    };
    object.insert("type".into(), kind.into());
    object.insert("action".into(), action);
    Ok(Value::Object(object))
}

fn insert_opt(object: &mut Value, key: &str, value: Option<&str>) {
    if let Some(value) = value.filter(|v| !v.is_empty()) {
        object[key] = value.into();
    }
}

fn check_len(what: &str, text: &str, min: usize, max: usize) -> Result<(), Failure> {
    let len = text.chars().count();
    if len < min {
        return Err(bad(&format!("{what} is empty")));
    }
    if len > max {
        return Err(bad(&format!(
            "{what} has {len} characters, WhatsApp allows {max}"
        )));
    }
    Ok(())
}

fn check_count(what: &str, count: usize, max: usize) -> Result<(), Failure> {
    if count == 0 || count > max {
        return Err(bad(&format!("{count} {what}, WhatsApp allows 1 to {max}")));
    }
    Ok(())
}

fn bad(message: &str) -> Failure {
    Failure {
        code: "bad-content".into(),
        message: message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_kinds_follow_the_mime_type() {
        for (mime, kind) in [
            (Some("image/jpeg"), "image"),
            (Some("image/webp"), "sticker"),
            (Some("video/mp4"), "video"),
            (Some("audio/ogg; codecs=opus"), "audio"),
            (Some("application/pdf"), "document"),
            (None, "document"),
        ] {
            assert_eq!(media_kind(mime), kind, "{mime:?}");
        }
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        assert!(check_len("t", "¿Sí?", 1, 4).is_ok());
        assert_eq!(
            check_len("button title", &"x".repeat(21), 1, 20).map_err(|f| f.message),
            Err("button title has 21 characters, WhatsApp allows 20".into())
        );
    }
}
