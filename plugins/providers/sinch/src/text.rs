//! Interactive messages as numbered text, for channels without buttons or lists (SMS, Wavy), as
//! the contract asks. The customer answers with the number or the words.

use switchboard_sdk::provider::Interactive;

/// `header`, `body`, one numbered line per choice, then `footer`, separated by blank lines.
pub fn interactive_as_text(interactive: &Interactive) -> String {
    let choices: Vec<String> = interactive
        .choices
        .iter()
        .enumerate()
        .map(|(i, choice)| match choice.description.as_deref() {
            Some(description) if !description.is_empty() => {
                format!("{}. {} – {}", i + 1, choice.title, description)
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
    .filter(|part| !part.is_empty())
    .collect::<Vec<_>>()
    .join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_sdk::provider::Choice;

    #[test]
    fn choices_are_numbered_between_body_and_footer() {
        let interactive = Interactive {
            header: Some("Soporte".into()),
            body: "¿Qué necesitas?".into(),
            footer: Some("Responde con el número".into()),
            list_button: None,
            choices: vec![
                Choice {
                    id: "billing".into(),
                    title: "Facturación".into(),
                    description: Some("Pagos y facturas".into()),
                },
                Choice {
                    id: "tech".into(),
                    title: "Soporte técnico".into(),
                    description: None,
                },
            ],
        };
        assert_eq!(
            interactive_as_text(&interactive),
            "Soporte\n\n¿Qué necesitas?\n\n1. Facturación – Pagos y facturas\n2. Soporte técnico\n\nResponde con el número"
        );
    }
}
