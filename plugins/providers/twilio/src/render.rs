//! Content Twilio's Messages API has no field for, written as text: interactive messages as
//! numbered choices (Twilio's buttons and lists exist only as pre-approved Content templates),
//! shared contacts, and locations on SMS.

use switchboard_sdk::provider::{Interactive, Location, SharedContact};

/// ```text
/// Header
///
/// Body
///
/// 1. Title — description
/// 2. Title
///
/// Footer
/// ```
pub fn interactive(message: &Interactive) -> String {
    let mut blocks: Vec<String> = Vec::new();
    if let Some(header) = message.header.as_deref().filter(|h| !h.is_empty()) {
        blocks.push(header.to_owned());
    }
    blocks.push(message.body.clone());
    let choices: Vec<String> = message
        .choices
        .iter()
        .enumerate()
        .map(|(i, choice)| match choice.description.as_deref() {
            Some(d) if !d.is_empty() => format!("{}. {} — {d}", i + 1, choice.title),
            _ => format!("{}. {}", i + 1, choice.title),
        })
        .collect();
    if !choices.is_empty() {
        blocks.push(choices.join("\n"));
    }
    if let Some(footer) = message.footer.as_deref().filter(|f| !f.is_empty()) {
        blocks.push(footer.to_owned());
    }
    blocks.join("\n\n")
}

/// One block per contact: the name, then each phone and e-mail on its own line.
pub fn contacts(contacts: &[SharedContact]) -> String {
    contacts
        .iter()
        .map(|c| {
            std::iter::once(c.name.as_str())
                .chain(c.phones.iter().map(String::as_str))
                .chain(c.emails.iter().map(String::as_str))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The place's name and address, if any, then a map link.
pub fn location(location: &Location) -> String {
    let mut lines: Vec<String> = label(location).into_iter().collect();
    lines.push(format!(
        "https://maps.google.com/?q={},{}",
        location.latitude, location.longitude
    ));
    lines.join("\n")
}

/// `Name, Address`, whichever are given.
pub fn label(location: &Location) -> Option<String> {
    let parts: Vec<&str> = [location.name.as_deref(), location.address.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_sdk::provider::Choice;

    #[test]
    fn interactive_becomes_numbered_text() {
        let message = Interactive {
            header: Some("Order 42".into()),
            body: "What now?".into(),
            footer: Some("Reply with a number".into()),
            list_button: None,
            choices: vec![
                Choice {
                    id: "track".into(),
                    title: "Track".into(),
                    description: Some("Where is it".into()),
                },
                Choice {
                    id: "agent".into(),
                    title: "Talk to someone".into(),
                    description: None,
                },
            ],
        };
        assert_eq!(
            interactive(&message),
            "Order 42\n\nWhat now?\n\n1. Track — Where is it\n2. Talk to someone\n\nReply with a number"
        );
    }

    #[test]
    fn contacts_and_locations_as_text() {
        let card = SharedContact {
            name: "Ana".into(),
            phones: vec!["+5491155550123".into()],
            emails: vec!["ana@example.com".into()],
        };
        assert_eq!(contacts(&[card]), "Ana\n+5491155550123\nana@example.com");
        let place = Location {
            latitude: -34.6,
            longitude: -58.38,
            name: Some("Obelisco".into()),
            address: None,
        };
        assert_eq!(
            location(&place),
            "Obelisco\nhttps://maps.google.com/?q=-34.6,-58.38"
        );
    }
}
