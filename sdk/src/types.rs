//! Message content and addresses, shared by bots and providers (`switchboard:types/common`).

pub use crate::bindings::meta::switchboard::types::common::{
    ButtonKind, Channel, Choice, ContactAddress, Content, Interactive, Location, MediaRef, Pair,
    Reaction, SharedContact, TemplateButton, TemplateHeader, TemplateMessage,
};

/// An interactive message as numbered text, for channels without buttons or lists (SMS, and
/// providers whose buttons need pre-approved templates): header, body, one numbered line per
/// choice, footer, separated by blank lines. ASCII punctuation keeps a GSM text 7-bit. The
/// customer answers with the number or the words.
pub fn interactive_as_text(interactive: &Interactive) -> String {
    let choices: Vec<String> = interactive
        .choices
        .iter()
        .enumerate()
        .map(|(i, choice)| match choice.description.as_deref() {
            Some(description) if !description.is_empty() => {
                format!("{}. {} - {description}", i + 1, choice.title)
            }
            _ => format!("{}. {}", i + 1, choice.title),
        })
        .collect();
    let choices = choices.join("\n");
    [
        interactive.header.as_deref(),
        Some(interactive.body.as_str()),
        Some(choices.as_str()),
        interactive.footer.as_deref(),
    ]
    .into_iter()
    .flatten()
    .filter(|block| !block.trim().is_empty())
    .collect::<Vec<_>>()
    .join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interactive_messages_become_numbered_text() {
        let choice = |id: &str, title: &str, description: Option<&str>| Choice {
            id: id.into(),
            title: title.into(),
            description: description.map(Into::into),
        };
        let message = Interactive {
            header: Some("Menu".into()),
            body: "Pick one".into(),
            footer: None,
            list_button: None,
            choices: vec![
                choice("a", "Sales", Some("new orders")),
                choice("b", "Support", None),
            ],
        };
        assert_eq!(
            interactive_as_text(&message),
            "Menu\n\nPick one\n\n1. Sales - new orders\n2. Support"
        );
    }
}
