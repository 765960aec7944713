//! What a message carries, as the engine stores it (JSON in `messages.content`) and as the API
//! shows it. One case per case of the plugin contract's `content`, so nothing a provider
//! reports is lost in between.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A message's content. JSON: `{"type": "text", "text": "hola"}` and so on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Content {
    /// Plain text.
    Text {
        /// UTF-8 text.
        text: String,
    },
    /// An image, audio, video, document or sticker.
    Media(Media),
    /// A shared location.
    Location {
        /// Degrees north.
        latitude: f64,
        /// Degrees east.
        longitude: f64,
        /// Place name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        /// Street address.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        address: Option<String>,
    },
    /// Contact cards.
    Contacts {
        /// The cards.
        contacts: Vec<SharedContact>,
    },
    /// An approved template (outbound).
    Template(Template),
    /// Buttons or a list (outbound).
    Interactive(Interactive),
    /// The customer tapped a button or list row.
    ChoiceReply(Choice),
    /// An emoji reaction to an earlier message.
    Reaction {
        /// Provider id of the message reacted to.
        message_id: String,
        /// The emoji; empty when removed.
        emoji: String,
    },
    /// A type the provider adapter does not translate; the raw webhook is kept with the message.
    Unsupported {
        /// The provider's name for the type (`order`, `sticker`).
        name: String,
    },
}

/// Media by reference: an `https://` URL, or `media:<sha256>` for a file stored here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Media {
    /// Where the file is: a URL, `media:<sha256>` once stored, or the provider's media id.
    pub locator: String,
    /// MIME type, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    /// Original file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// Caption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
}

/// A contact card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SharedContact {
    /// Formatted name.
    pub name: String,
    /// Phone numbers.
    #[serde(default)]
    pub phones: Vec<String>,
    /// E-mail addresses.
    #[serde(default)]
    pub emails: Vec<String>,
}

/// A template message as sent: the provider's name for it and the filled parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// Switchboard's code for the template.
    pub code: String,
    /// The provider's name (Meta name, Twilio ContentSid, Wavy element).
    pub name: String,
    /// Language code.
    pub language: String,
    /// HSM namespace, for providers that need one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Text header parameter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_text: Option<String>,
    /// Media header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_media: Option<Media>,
    /// Values of `{{1}}…{{n}}`.
    #[serde(default)]
    pub params: Vec<String>,
    /// Dynamic button parts.
    #[serde(default)]
    pub buttons: Vec<TemplateButton>,
    /// The body with the parameters filled in, for history and previews.
    #[serde(default)]
    pub rendered: String,
}

/// A dynamic part of a template button.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateButton {
    /// Button position, from 0.
    pub index: u8,
    /// `quick_reply`, `url` or `copy_code`.
    pub kind: ButtonKind,
    /// Payload, URL suffix or code.
    pub value: String,
}

/// What a template button's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ButtonKind {
    /// Quick-reply payload.
    QuickReply,
    /// Suffix of a URL button.
    Url,
    /// Code of a copy-code button.
    CopyCode,
}

/// A message with buttons (at most 3) or a list (at most 10 rows).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Interactive {
    /// Header line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    /// Main text.
    pub body: String,
    /// Small print.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub footer: Option<String>,
    /// Label of the list button; absent for reply buttons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_button: Option<String>,
    /// Buttons or rows.
    pub choices: Vec<Choice>,
}

/// A button or list row, or the customer's tap on one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// Payload returned on tap.
    pub id: String,
    /// What the customer sees (may be empty in a reply when the provider gives only the id).
    #[serde(default)]
    pub title: String,
    /// Secondary text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl Content {
    /// The stored `kind` word.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Text { .. } => "text",
            Self::Media(_) => "media",
            Self::Location { .. } => "location",
            Self::Contacts { .. } => "contacts",
            Self::Template(_) => "template",
            Self::Interactive(_) => "interactive",
            Self::ChoiceReply(_) => "choice_reply",
            Self::Reaction { .. } => "reaction",
            Self::Unsupported { .. } => "unsupported",
        }
    }

    /// The words a person would read: for SMS segment counts, search and keyword checks.
    pub fn readable_text(&self) -> Option<&str> {
        match self {
            Self::Text { text } => Some(text),
            Self::Template(t) => Some(&t.rendered),
            Self::Interactive(i) => Some(&i.body),
            Self::Media(m) => m.caption.as_deref(),
            Self::ChoiceReply(c) => Some(&c.title),
            _ => None,
        }
    }

    /// As stored.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self)
            .unwrap_or_else(|_| r#"{"type":"unsupported","name":"unserializable"}"#.into())
    }

    /// From the stored JSON; a row that no longer parses shows as unsupported, not as an error.
    pub fn from_json(text: &str) -> Self {
        serde_json::from_str(text).unwrap_or(Self::Unsupported {
            name: "unreadable".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_round_trips_through_its_json() {
        let samples = [
            r#"{"type":"text","text":"hola 👋"}"#,
            r#"{"type":"media","locator":"media:ab","mime_type":"image/jpeg","caption":"x"}"#,
            r#"{"type":"location","latitude":-34.6,"longitude":-58.4,"name":"Obelisco"}"#,
            r#"{"type":"template","code":"welcome","name":"welcome_v2","language":"es","params":["Ana"],"buttons":[{"index":0,"kind":"url","value":"abc"}],"rendered":"Hola Ana"}"#,
            r#"{"type":"choice_reply","id":"yes","title":"Sí"}"#,
            r#"{"type":"unsupported","name":"order"}"#,
        ];
        for json in samples {
            let content: Content = serde_json::from_str(json).expect(json);
            assert_eq!(Content::from_json(&content.to_json()), content, "{json}");
        }
        assert!(serde_json::from_str::<Content>(r#"{"type":"text","txt":"x"}"#).is_err());
        assert_eq!(Content::from_json("garbage").kind(), "unsupported");
    }
}
