//! Outbound content as SMS text. SMS carries text only: an interactive message becomes
//! numbered text (as the contract asks of providers without buttons), and everything else is
//! refused, since the capabilities say no media and no templates.

use switchboard_sdk::provider::{Content, Outbound, SendError};
use switchboard_sdk::types::interactive_as_text;

use crate::gsm::{self, Encoding};
use crate::http::failure;
use crate::number;

/// An outbound SMS that passed the checks every gateway makes.
pub struct Sms<'a> {
    /// The text to send.
    pub text: String,
    /// The recipient's number.
    pub to: &'a str,
    /// The encoding the text needs.
    pub encoding: Encoding,
}

/// Renders `message` as SMS text and checks it: a recipient with a number, and no more than
/// `max_segments` parts.
pub fn checked_sms(message: &Outbound, max_segments: u32) -> Result<Sms<'_>, SendError> {
    let text = sms_text(&message.content)?;
    let Some(to) = number::recipient(&message.to) else {
        return Err(SendError::BadRecipient(failure(
            "no-recipient",
            "the recipient has no number",
        )));
    };
    let size = gsm::count(&text);
    if size.segments > max_segments as usize {
        return Err(SendError::Permanent(failure(
            "too-long",
            format!(
                "the text needs {} SMS parts; this connector allows {max_segments}",
                size.segments
            ),
        )));
    }
    Ok(Sms {
        text,
        to,
        encoding: size.encoding,
    })
}

/// The text to send for `content`.
pub fn sms_text(content: &Content) -> Result<String, SendError> {
    match content {
        Content::Text(text) => Ok(text.clone()),
        Content::Interactive(interactive) => Ok(interactive_as_text(interactive)),
        other => Err(SendError::Permanent(failure(
            "unsupported-content",
            format!("SMS gateways send text only, not {}", kind(other)),
        ))),
    }
}

fn kind(content: &Content) -> &'static str {
    match content {
        Content::Text(_) => "text",
        Content::Media(_) => "media",
        Content::Location(_) => "a location",
        Content::Contacts(_) => "contact cards",
        Content::Template(_) => "a template",
        Content::Interactive(_) => "an interactive message",
        Content::ChoiceReply(_) => "a choice reply",
        Content::Reaction(_) => "a reaction",
        Content::Unsupported(_) => "an unsupported message",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_sdk::provider::Interactive;
    use switchboard_sdk::provider::{Choice, MediaRef};

    #[test]
    fn interactive_messages_become_numbered_text() {
        let choice = |id: &str, title: &str, description: Option<&str>| Choice {
            id: id.into(),
            title: title.into(),
            description: description.map(Into::into),
        };
        let interactive = Interactive {
            header: Some("Menu".into()),
            body: "Choose one:".into(),
            footer: None,
            list_button: None,
            choices: vec![
                choice("a", "Sales", None),
                choice("b", "Support", Some("24h")),
            ],
        };
        assert_eq!(
            sms_text(&Content::Interactive(interactive)),
            Ok("Menu\n\nChoose one:\n\n1. Sales\n2. Support - 24h".into())
        );
    }

    #[test]
    fn media_is_refused_as_permanent() {
        let media = Content::Media(MediaRef {
            locator: "https://x/y.jpg".into(),
            mime_type: None,
            filename: None,
            caption: None,
        });
        assert!(matches!(
            sms_text(&media),
            Err(SendError::Permanent(f)) if f.code == "unsupported-content"
        ));
    }
}
