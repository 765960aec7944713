//! What a conversation search matches in a message: the words a person reads in it (text,
//! caption, template body, buttons, place, contact cards), folded. Never the stored JSON, where
//! a search for "text" or "image" would find every message by its keys.

use super::content::{Content, Interactive};
use super::fold::fold;

/// The folded words of `content`, one part per line; empty when it has none (a reaction).
pub fn search_text(content: &Content) -> String {
    let mut parts: Vec<&str> = Vec::new();
    match content {
        Content::Text { text } => parts.push(text),
        Content::Media(media) => {
            parts.extend(media.caption.as_deref());
            parts.extend(media.filename.as_deref());
        }
        Content::Location { name, address, .. } => {
            parts.extend(name.as_deref());
            parts.extend(address.as_deref());
        }
        Content::Contacts { contacts } => {
            for card in contacts {
                parts.push(&card.name);
                parts.extend(card.phones.iter().map(String::as_str));
                parts.extend(card.emails.iter().map(String::as_str));
            }
        }
        Content::Template(template) => {
            parts.extend(template.header_text.as_deref());
            parts.push(&template.rendered);
        }
        Content::Interactive(interactive) => interactive_parts(interactive, &mut parts),
        Content::ChoiceReply(choice) => parts.push(&choice.title),
        Content::Reaction { .. } | Content::Unsupported { .. } => {}
    }
    parts.retain(|part| !part.is_empty());
    fold(&parts.join("\n"))
}

/// The search text of a needle: folded like the messages it is looked for in.
pub fn search_needle(text: &str) -> String {
    fold(text.trim())
}

fn interactive_parts<'a>(interactive: &'a Interactive, parts: &mut Vec<&'a str>) {
    parts.extend(interactive.header.as_deref());
    parts.push(&interactive.body);
    parts.extend(interactive.footer.as_deref());
    for choice in &interactive.choices {
        parts.push(&choice.title);
        parts.extend(choice.description.as_deref());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(json: &str) -> String {
        search_text(&serde_json::from_str(json).expect(json))
    }

    #[test]
    fn the_words_of_each_kind_are_searchable_and_its_keys_are_not() {
        assert_eq!(of(r#"{"type":"text","text":"Mi TELÉFONO"}"#), "mi telefono");
        assert_eq!(
            of(r#"{"type":"media","locator":"media:ab","caption":"Factura","filename":"F-1.pdf"}"#),
            "factura\nf-1.pdf"
        );
        assert_eq!(
            of(r#"{"type":"location","latitude":1.0,"longitude":2.0,"name":"Obelisco"}"#),
            "obelisco"
        );
        assert_eq!(
            of(
                r#"{"type":"template","code":"w","name":"welcome_v2","language":"es","params":["Ana"],"rendered":"Hola Ana"}"#
            ),
            "hola ana"
        );
        assert_eq!(
            of(
                r#"{"type":"interactive","body":"¿Qué área?","choices":[{"id":"s","title":"Ventas"},{"id":"p","title":"Soporte","description":"Técnico"}]}"#
            ),
            "¿que area?\nventas\nsoporte\ntecnico"
        );
        assert_eq!(
            of(r#"{"type":"choice_reply","id":"yes","title":"Sí"}"#),
            "si"
        );
        assert_eq!(
            of(r#"{"type":"contacts","contacts":[{"name":"Ana","phones":["+54911"]}]}"#),
            "ana\n+54911"
        );
        assert_eq!(
            of(r#"{"type":"reaction","message_id":"w1","emoji":"👍"}"#),
            ""
        );
        assert_eq!(of(r#"{"type":"unsupported","name":"order"}"#), "");
    }

    #[test]
    fn a_needle_folds_like_the_text() {
        assert_eq!(search_needle("  ESPAÑA "), "espana");
    }
}
