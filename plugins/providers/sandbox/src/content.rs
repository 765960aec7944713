//! Message content as JSON, both ways: a send carries it to the outbox, a webhook message
//! brings it back. One object per content variant, tagged by `type`, its fields named in
//! snake_case after the WIT's (a media reference's `locator` is `url`); absent options are
//! `null` when sent and may be left out when received.
//!
//! | `type` | fields |
//! |---|---|
//! | `text` | `text` |
//! | `media` | `url`, `mime_type`, `filename`, `caption` |
//! | `location` | `latitude`, `longitude`, `name`, `address` |
//! | `contacts` | `contacts`: `[{name, phones, emails}]` |
//! | `template` | `name`, `language`, `namespace`, `header` (`{type: text, text}` or a media object), `body_params`, `buttons`: `[{index, kind: quick_reply \| url \| copy_code, value}]` |
//! | `interactive` | `header`, `body`, `footer`, `list_button`, `choices`: `[{id, title, description}]` |
//! | `choice_reply` | `id`, `title`, `description` |
//! | `reaction` | `message_id`, `emoji` |
//! | `unsupported` | `name` |

use serde::{Deserialize, Serialize};
use serde_json::Value;
use switchboard_sdk::provider::{
    ButtonKind, Choice, Content, Interactive, Location, MediaRef, Reaction, SharedContact,
    TemplateButton, TemplateHeader, TemplateMessage,
};

/// What a content object received said.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    /// A `type` of the table, read.
    Known(Content),
    /// A `type` this adapter does not know, named.
    Unknown(String),
}

/// The JSON object of `content`; an error only for coordinates JSON cannot write (NaN, ∞).
pub fn render(content: &Content) -> Result<Value, String> {
    if let Content::Location(place) = content
        && !(place.latitude.is_finite() && place.longitude.is_finite())
    {
        return Err("location coordinates must be finite numbers".into());
    }
    serde_json::to_value(Wire::from(content)).map_err(|e| e.to_string())
}

/// Reads a content object. The error names what is missing or wrong (`missing field
/// \`text\``); an unknown `type` is not an error.
pub fn parse(value: &Value) -> Result<Parsed, String> {
    let kind = match value.get("type") {
        Some(Value::String(kind)) => kind,
        Some(_) => return Err("`type` is not a string".into()),
        None if value.is_object() => return Err("missing field `type`".into()),
        None => return Err("not a JSON object".into()),
    };
    if !KNOWN.contains(&kind.as_str()) {
        return Ok(Parsed::Unknown(kind.clone()));
    }
    let wire = Wire::deserialize(value).map_err(|e| e.to_string())?;
    Ok(Parsed::Known(wire.into()))
}

/// The `type`s of the table.
const KNOWN: [&str; 9] = [
    "text",
    "media",
    "location",
    "contacts",
    "template",
    "interactive",
    "choice_reply",
    "reaction",
    "unsupported",
];

#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Wire {
    Text { text: String },
    Media(WireMedia),
    Location(WireLocation),
    Contacts { contacts: Vec<WireContact> },
    Template(WireTemplate),
    Interactive(WireInteractive),
    ChoiceReply(WireChoice),
    Reaction { message_id: String, emoji: String },
    Unsupported { name: String },
}

/// A media reference; also the `attachments` of a webhook message.
#[derive(Serialize, Deserialize)]
pub(crate) struct WireMedia {
    url: String,
    mime_type: Option<String>,
    filename: Option<String>,
    caption: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct WireLocation {
    latitude: f64,
    longitude: f64,
    name: Option<String>,
    address: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct WireContact {
    name: String,
    #[serde(default)]
    phones: Vec<String>,
    #[serde(default)]
    emails: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct WireTemplate {
    name: String,
    language: String,
    namespace: Option<String>,
    header: Option<WireHeader>,
    #[serde(default)]
    body_params: Vec<String>,
    #[serde(default)]
    buttons: Vec<WireButton>,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum WireHeader {
    Text { text: String },
    Media(WireMedia),
}

#[derive(Serialize, Deserialize)]
struct WireButton {
    index: u8,
    kind: WireButtonKind,
    value: String,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum WireButtonKind {
    QuickReply,
    Url,
    CopyCode,
}

#[derive(Serialize, Deserialize)]
struct WireInteractive {
    header: Option<String>,
    body: String,
    footer: Option<String>,
    list_button: Option<String>,
    #[serde(default)]
    choices: Vec<WireChoice>,
}

#[derive(Serialize, Deserialize)]
struct WireChoice {
    id: String,
    #[serde(default)]
    title: String,
    description: Option<String>,
}

impl From<&Content> for Wire {
    fn from(content: &Content) -> Self {
        match content {
            Content::Text(text) => Wire::Text { text: text.clone() },
            Content::Media(media) => Wire::Media(media.into()),
            Content::Location(place) => Wire::Location(WireLocation {
                latitude: place.latitude,
                longitude: place.longitude,
                name: place.name.clone(),
                address: place.address.clone(),
            }),
            Content::Contacts(cards) => Wire::Contacts {
                contacts: cards
                    .iter()
                    .map(|card| WireContact {
                        name: card.name.clone(),
                        phones: card.phones.clone(),
                        emails: card.emails.clone(),
                    })
                    .collect(),
            },
            Content::Template(template) => Wire::Template(template.into()),
            Content::Interactive(interactive) => Wire::Interactive(WireInteractive {
                header: interactive.header.clone(),
                body: interactive.body.clone(),
                footer: interactive.footer.clone(),
                list_button: interactive.list_button.clone(),
                choices: interactive.choices.iter().map(WireChoice::from).collect(),
            }),
            Content::ChoiceReply(choice) => Wire::ChoiceReply(choice.into()),
            Content::Reaction(reaction) => Wire::Reaction {
                message_id: reaction.message_id.clone(),
                emoji: reaction.emoji.clone(),
            },
            Content::Unsupported(name) => Wire::Unsupported { name: name.clone() },
        }
    }
}

impl From<Wire> for Content {
    fn from(wire: Wire) -> Self {
        match wire {
            Wire::Text { text } => Content::Text(text),
            Wire::Media(media) => Content::Media(media.into()),
            Wire::Location(place) => Content::Location(Location {
                latitude: place.latitude,
                longitude: place.longitude,
                name: place.name,
                address: place.address,
            }),
            Wire::Contacts { contacts } => Content::Contacts(
                contacts
                    .into_iter()
                    .map(|card| SharedContact {
                        name: card.name,
                        phones: card.phones,
                        emails: card.emails,
                    })
                    .collect(),
            ),
            Wire::Template(template) => Content::Template(template.into()),
            Wire::Interactive(interactive) => Content::Interactive(Interactive {
                header: interactive.header,
                body: interactive.body,
                footer: interactive.footer,
                list_button: interactive.list_button,
                choices: interactive.choices.into_iter().map(Choice::from).collect(),
            }),
            Wire::ChoiceReply(choice) => Content::ChoiceReply(choice.into()),
            Wire::Reaction { message_id, emoji } => {
                Content::Reaction(Reaction { message_id, emoji })
            }
            Wire::Unsupported { name } => Content::Unsupported(name),
        }
    }
}

impl From<&MediaRef> for WireMedia {
    fn from(media: &MediaRef) -> Self {
        WireMedia {
            url: media.locator.clone(),
            mime_type: media.mime_type.clone(),
            filename: media.filename.clone(),
            caption: media.caption.clone(),
        }
    }
}

impl From<WireMedia> for MediaRef {
    fn from(media: WireMedia) -> Self {
        MediaRef {
            locator: media.url,
            mime_type: media.mime_type,
            filename: media.filename,
            caption: media.caption,
        }
    }
}

impl From<&TemplateMessage> for WireTemplate {
    fn from(template: &TemplateMessage) -> Self {
        WireTemplate {
            name: template.name.clone(),
            language: template.language.clone(),
            namespace: template.namespace.clone(),
            header: template.header.as_ref().map(|header| match header {
                TemplateHeader::Text(text) => WireHeader::Text { text: text.clone() },
                TemplateHeader::Media(media) => WireHeader::Media(media.into()),
            }),
            body_params: template.body_params.clone(),
            buttons: template
                .buttons
                .iter()
                .map(|button| WireButton {
                    index: button.index,
                    kind: match button.kind {
                        ButtonKind::QuickReply => WireButtonKind::QuickReply,
                        ButtonKind::Url => WireButtonKind::Url,
                        ButtonKind::CopyCode => WireButtonKind::CopyCode,
                    },
                    value: button.value.clone(),
                })
                .collect(),
        }
    }
}

impl From<WireTemplate> for TemplateMessage {
    fn from(template: WireTemplate) -> Self {
        TemplateMessage {
            name: template.name,
            language: template.language,
            namespace: template.namespace,
            header: template.header.map(|header| match header {
                WireHeader::Text { text } => TemplateHeader::Text(text),
                WireHeader::Media(media) => TemplateHeader::Media(media.into()),
            }),
            body_params: template.body_params,
            buttons: template
                .buttons
                .into_iter()
                .map(|button| TemplateButton {
                    index: button.index,
                    kind: match button.kind {
                        WireButtonKind::QuickReply => ButtonKind::QuickReply,
                        WireButtonKind::Url => ButtonKind::Url,
                        WireButtonKind::CopyCode => ButtonKind::CopyCode,
                    },
                    value: button.value,
                })
                .collect(),
        }
    }
}

impl From<&Choice> for WireChoice {
    fn from(choice: &Choice) -> Self {
        WireChoice {
            id: choice.id.clone(),
            title: choice.title.clone(),
            description: choice.description.clone(),
        }
    }
}

impl From<WireChoice> for Choice {
    fn from(choice: WireChoice) -> Self {
        Choice {
            id: choice.id,
            title: choice.title,
            description: choice.description,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn absent_options_are_sent_as_null() {
        let media = MediaRef {
            locator: "https://files.test/a.jpg".into(),
            mime_type: None,
            filename: None,
            caption: None,
        };
        assert_eq!(
            render(&Content::Media(media)),
            Ok(json!({"type": "media", "url": "https://files.test/a.jpg",
                "mime_type": null, "filename": null, "caption": null}))
        );
    }

    #[test]
    fn coordinates_json_cannot_write_are_refused() {
        let place = Location {
            latitude: f64::NAN,
            longitude: 0.0,
            name: None,
            address: None,
        };
        assert!(render(&Content::Location(place)).is_err());
    }

    #[test]
    fn what_is_wrong_is_named() {
        let error = |value: Value| parse(&value).expect_err("refused");
        assert_eq!(error(json!({"text": "x"})), "missing field `type`");
        assert_eq!(error(json!({"type": 1})), "`type` is not a string");
        assert_eq!(error(json!("text")), "not a JSON object");
        assert!(error(json!({"type": "text"})).contains("`text`"));
        assert!(error(json!({"type": "location", "latitude": 1})).contains("`longitude`"));
        assert!(
            error(json!({"type": "template", "name": "t", "language": "es",
                "buttons": [{"index": 0, "kind": "call", "value": "x"}]}))
            .contains("call")
        );
        assert_eq!(
            parse(&json!({"type": "sticker", "id": "1"})),
            Ok(Parsed::Unknown("sticker".into()))
        );
    }
}
