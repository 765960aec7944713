//! Content Twilio's Messages API has no field for, written as text: shared contacts, and
//! locations on SMS. (Interactive messages: `switchboard_sdk::types::interactive_as_text`,
//! since Twilio's buttons and lists exist only as pre-approved Content templates.)

use switchboard_sdk::provider::{Location, SharedContact};

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
