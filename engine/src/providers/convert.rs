//! Content between the engine's form ([`Content`], stored as JSON) and the plugin contract's.
//!
//! Outbound media stored here (`media:<sha256>`) is handed to providers as an expiring signed
//! URL, made by the caller's `public_media_url`. Bots read content as stored
//! ([`to_wit_as_stored`]) and what they send comes back through [`from_wit`].

use crate::conversations::content::{
    ButtonKind, Choice, Content, Interactive, Media, SharedContact, Template, TemplateButton,
};
use crate::plugins::bindings::common as wit;

/// The contract's form of `content`; `public_media_url` turns a locator into what the provider
/// fetches.
pub fn to_wit(content: &Content, public_media_url: &dyn Fn(&str) -> String) -> wit::Content {
    match content {
        Content::Text { text } => wit::Content::Text(text.clone()),
        Content::Media(media) => wit::Content::Media(media_to_wit(media, public_media_url)),
        Content::Location {
            latitude,
            longitude,
            name,
            address,
        } => wit::Content::Location(wit::Location {
            latitude: *latitude,
            longitude: *longitude,
            name: name.clone(),
            address: address.clone(),
        }),
        Content::Contacts { contacts } => wit::Content::Contacts(
            contacts
                .iter()
                .map(|c| wit::SharedContact {
                    name: c.name.clone(),
                    phones: c.phones.clone(),
                    emails: c.emails.clone(),
                })
                .collect(),
        ),
        Content::Template(t) => wit::Content::Template(wit::TemplateMessage {
            name: t.name.clone(),
            language: t.language.clone(),
            namespace: t.namespace.clone(),
            header: match (&t.header_text, &t.header_media) {
                (_, Some(media)) => Some(wit::TemplateHeader::Media(media_to_wit(
                    media,
                    public_media_url,
                ))),
                (Some(text), None) => Some(wit::TemplateHeader::Text(text.clone())),
                (None, None) => None,
            },
            body_params: t.params.clone(),
            buttons: t
                .buttons
                .iter()
                .map(|b| wit::TemplateButton {
                    index: b.index,
                    kind: match b.kind {
                        ButtonKind::QuickReply => wit::ButtonKind::QuickReply,
                        ButtonKind::Url => wit::ButtonKind::Url,
                        ButtonKind::CopyCode => wit::ButtonKind::CopyCode,
                    },
                    value: b.value.clone(),
                })
                .collect(),
        }),
        Content::Interactive(i) => wit::Content::Interactive(wit::Interactive {
            header: i.header.clone(),
            body: i.body.clone(),
            footer: i.footer.clone(),
            list_button: i.list_button.clone(),
            choices: i.choices.iter().map(choice_to_wit).collect(),
        }),
        Content::ChoiceReply(c) => wit::Content::ChoiceReply(choice_to_wit(c)),
        Content::Reaction { message_id, emoji } => wit::Content::Reaction(wit::Reaction {
            message_id: message_id.clone(),
            emoji: emoji.clone(),
        }),
        Content::Unsupported { name } => wit::Content::Unsupported(name.clone()),
    }
}

/// The contract's form of `content` for a plugin that only reads it (a bot): locators stay as
/// stored, since nothing is fetched from them.
pub fn to_wit_as_stored(content: &Content) -> wit::Content {
    to_wit(content, &|locator| locator.to_owned())
}

/// The engine's form of what a provider reported or a bot sends.
pub fn from_wit(content: wit::Content) -> Content {
    match content {
        wit::Content::Text(text) => Content::Text { text },
        wit::Content::Media(media) => Content::Media(media_from_wit(media)),
        wit::Content::Location(l) => Content::Location {
            latitude: l.latitude,
            longitude: l.longitude,
            name: l.name,
            address: l.address,
        },
        wit::Content::Contacts(contacts) => Content::Contacts {
            contacts: contacts
                .into_iter()
                .map(|c| SharedContact {
                    name: c.name,
                    phones: c.phones,
                    emails: c.emails,
                })
                .collect(),
        },
        wit::Content::Template(t) => {
            let (header_text, header_media) = match t.header {
                Some(wit::TemplateHeader::Text(text)) => (Some(text), None),
                Some(wit::TemplateHeader::Media(media)) => (None, Some(media_from_wit(media))),
                None => (None, None),
            };
            Content::Template(Template {
                code: t.name.clone(),
                name: t.name,
                language: t.language,
                namespace: t.namespace,
                header_text,
                header_media,
                params: t.body_params,
                buttons: t
                    .buttons
                    .into_iter()
                    .map(|b| TemplateButton {
                        index: b.index,
                        kind: match b.kind {
                            wit::ButtonKind::QuickReply => ButtonKind::QuickReply,
                            wit::ButtonKind::Url => ButtonKind::Url,
                            wit::ButtonKind::CopyCode => ButtonKind::CopyCode,
                        },
                        value: b.value,
                    })
                    .collect(),
                rendered: String::new(),
            })
        }
        wit::Content::Interactive(i) => Content::Interactive(Interactive {
            header: i.header,
            body: i.body,
            footer: i.footer,
            list_button: i.list_button,
            choices: i.choices.into_iter().map(choice_from_wit).collect(),
        }),
        wit::Content::ChoiceReply(c) => Content::ChoiceReply(choice_from_wit(c)),
        wit::Content::Reaction(r) => Content::Reaction {
            message_id: r.message_id,
            emoji: r.emoji,
        },
        wit::Content::Unsupported(name) => Content::Unsupported { name },
    }
}

/// The engine's form of a provider's media reference.
pub fn media_from_wit(media: wit::MediaRef) -> Media {
    Media {
        locator: media.locator,
        mime_type: media.mime_type,
        filename: media.filename,
        caption: media.caption,
    }
}

fn media_to_wit(media: &Media, public_media_url: &dyn Fn(&str) -> String) -> wit::MediaRef {
    wit::MediaRef {
        locator: public_media_url(&media.locator),
        mime_type: media.mime_type.clone(),
        filename: media.filename.clone(),
        caption: media.caption.clone(),
    }
}

fn choice_to_wit(c: &Choice) -> wit::Choice {
    wit::Choice {
        id: c.id.clone(),
        title: c.title.clone(),
        description: c.description.clone(),
    }
}

fn choice_from_wit(c: wit::Choice) -> Choice {
    Choice {
        id: c.id,
        title: c.title,
        description: c.description,
    }
}
