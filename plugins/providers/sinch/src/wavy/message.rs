//! The `message` of a Wavy send. Text and HSM follow providers.md §3.3; media objects
//! `{type, url, caption}` follow the Sinch-hosted Wavy docs' "Element" table; `location` and
//! `contacts` mirror the shapes of inbound messages [S].

use serde_json::{Value, json};
use switchboard_sdk::provider::{
    Content, Location, MediaRef, SendError, SharedContact, TemplateMessage,
};

use crate::config::WavyConfig;
use crate::http::permanent;
use crate::media;
use switchboard_sdk::types::interactive_as_text;

/// The message object for `content`.
pub fn message_json(config: &WavyConfig, content: &Content) -> Result<Value, SendError> {
    match content {
        Content::Text(text) => Ok(json!({ "messageText": text })),
        Content::Media(media) => Ok(media_message(media)),
        Content::Location(location) => Ok(location_message(location)),
        Content::Contacts(contacts) => Ok(contacts_message(contacts)),
        Content::Template(template) => hsm_message(config, template),
        // No interactive messages in this API: numbered text, as the contract asks.
        Content::Interactive(interactive) => {
            Ok(json!({ "messageText": interactive_as_text(interactive) }))
        }
        Content::ChoiceReply(_) => Err(unsupported("a choice reply is inbound only")),
        Content::Reaction(_) => Err(unsupported("the Wavy API sends no reactions")),
        Content::Unsupported(name) => Err(unsupported(&format!("cannot send `{name}`"))),
    }
}

fn unsupported(message: &str) -> SendError {
    permanent("unsupported-content", message)
}

/// `{"image" | "audio" | "video" | "document": {"type": "JPEG", "url", "caption"}}`.
fn media_message(media: &MediaRef) -> Value {
    let mut element = json!({ "url": media.locator });
    if let Some(format) = media::format(media) {
        let format = match format.as_str() {
            "jpg" => "JPEG".to_owned(),
            "mpeg" => "MP3".to_owned(),
            other => other.to_ascii_uppercase(),
        };
        element["type"] = json!(format);
    }
    let caption = media.caption.as_deref().or(media.filename.as_deref());
    if let Some(caption) = caption.filter(|c| !c.is_empty()) {
        element["caption"] = json!(caption);
    }
    json!({ media::kind(media).name(): element })
}

fn location_message(location: &Location) -> Value {
    let mut item = json!({
        "geoPoint": format!("{},{}", location.latitude, location.longitude),
    });
    if let Some(name) = location.name.as_deref() {
        item["name"] = json!(name);
    }
    if let Some(address) = location.address.as_deref() {
        item["address"] = json!(address);
    }
    json!({ "location": item })
}

fn contacts_message(contacts: &[SharedContact]) -> Value {
    let contacts: Vec<Value> = contacts
        .iter()
        .map(|c| {
            json!({
                "name": { "formatted_name": c.name },
                "phones": c.phones.iter().map(|p| json!({ "phone": p })).collect::<Vec<_>>(),
                "emails": c.emails.iter().map(|e| json!({ "email": e })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({ "contacts": contacts })
}

/// `{"hsm": {namespace, elementName, parameters, languageCode, languagePolicy}}`: the body's
/// `{{1}}…{{n}}` in order. The namespace is the template's, else the connector's.
fn hsm_message(config: &WavyConfig, template: &TemplateMessage) -> Result<Value, SendError> {
    if template.header.is_some() || !template.buttons.is_empty() {
        return Err(unsupported(
            "Wavy HSM parameters are the body's only: header and button parameters cannot be sent",
        ));
    }
    let namespace = template
        .namespace
        .as_deref()
        .filter(|n| !n.is_empty())
        .or(Some(config.hsm_namespace.as_str()).filter(|n| !n.is_empty()))
        .ok_or_else(|| {
            permanent(
                "bad-config",
                "no HSM namespace: set `hsm_namespace` or the template's namespace",
            )
        })?;
    Ok(json!({
        "hsm": {
            "namespace": namespace,
            "elementName": template.name,
            "parameters": template.body_params,
            "languageCode": template.language.replace('-', "_"),
            "languagePolicy": "DETERMINISTIC",
        }
    }))
}
