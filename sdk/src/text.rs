//! Reading what a customer wrote, the way people expect a bot to: case and accents do not
//! matter (`PREÇO` is `preco`), keywords match whole words (`price` is in `Price?` but not in
//! `priceless`), and a rating is the first number written (`4/5` is 4).

use crate::types::Content;

/// The words a customer's message carries: its text, a tapped choice's title (or its id when
/// the provider gives none), or a media caption. `None` for content without words.
pub fn reply(content: &Content) -> Option<&str> {
    match content {
        Content::Text(text) => Some(text),
        Content::ChoiceReply(choice) if choice.title.trim().is_empty() => Some(&choice.id),
        Content::ChoiceReply(choice) => Some(&choice.title),
        Content::Media(media) => media.caption.as_deref(),
        _ => None,
    }
}

/// `text` in lowercase without accents: precomposed Latin letters lose their marks (`ç` → `c`,
/// `ñ` → `n`, `ß` → `ss`) and combining marks are dropped, so `Atención` and `atencion` fold the
/// same.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match base_letter(c) {
            Some(base) => folded.push_str(base),
            None if is_combining_mark(c) => {}
            None => folded.push(c),
        }
    }
    folded
}

/// The folded words of `text`: runs of letters and digits, everything else a separator.
pub fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Whether `phrase` (one or more words) appears in `text` as whole words, in order, ignoring
/// case, accents and punctuation. An empty phrase matches nothing.
pub fn contains_phrase(text: &str, phrase: &str) -> bool {
    let phrase = words(phrase);
    if phrase.is_empty() {
        return false;
    }
    words(text)
        .windows(phrase.len())
        .any(|window| window == phrase.as_slice())
}

/// Whether `a` and `b` are the same once trimmed, folded and with inner spaces collapsed.
pub fn same(a: &str, b: &str) -> bool {
    let normal = |s: &str| fold(s).split_whitespace().collect::<Vec<_>>().join(" ");
    normal(a) == normal(b)
}

/// The first whole number written in `text` (ASCII digits), if it fits a `u64`.
pub fn first_number(text: &str) -> Option<u64> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let digits: &str = &text[start..];
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    digits[..end].parse().ok()
}

/// `template` with each `{name}` of `values` replaced by its value; unknown placeholders stay.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values
        .iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
}

/// Combining diacritical marks (U+0300–U+036F), left by decomposed input.
fn is_combining_mark(c: char) -> bool {
    ('\u{300}'..='\u{36f}').contains(&c)
}

/// The unaccented form of a lowercase Latin letter with a mark.
fn base_letter(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Choice, MediaRef};

    #[test]
    fn folding_drops_case_and_accents() {
        assert_eq!(
            fold("Atención PREÇO Straße Ærø"),
            "atencion preco strasse aero"
        );
        assert_eq!(fold("Cafe\u{301}"), "cafe", "decomposed marks are dropped");
        assert_eq!(
            fold("Привет 123"),
            "привет 123",
            "other scripts are only lowercased"
        );
    }

    #[test]
    fn phrases_match_whole_words_only() {
        assert!(contains_phrase("What's the PRICE?", "price"));
        assert!(contains_phrase(
            "¿Cuál es el horário de atención?",
            "horario de atencion"
        ));
        assert!(!contains_phrase("that is priceless", "price"));
        assert!(!contains_phrase("opening time", "time opening"));
        assert!(!contains_phrase("anything", " "));
    }

    #[test]
    fn replies_are_compared_trimmed_and_folded() {
        assert!(same("  Sales ", "sales"));
        assert!(same("Atención  al cliente", "atencion al CLIENTE"));
        assert!(!same("sales", "sale"));
    }

    #[test]
    fn the_first_number_is_read() {
        assert_eq!(first_number("I'd say 4/5"), Some(4));
        assert_eq!(first_number("10 points"), Some(10));
        assert_eq!(first_number("4\u{fe0f}\u{20e3}"), Some(4), "a keycap emoji");
        assert_eq!(first_number("no idea"), None);
        assert_eq!(first_number("99999999999999999999999"), None);
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            fill(
                "You are {position} of {waiting}, {unknown}",
                &[("position", "2"), ("waiting", "5")]
            ),
            "You are 2 of 5, {unknown}"
        );
    }

    #[test]
    fn replies_come_from_text_choices_and_captions() {
        let choice = |id: &str, title: &str| {
            Content::ChoiceReply(Choice {
                id: id.into(),
                title: title.into(),
                description: None,
            })
        };
        assert_eq!(reply(&Content::Text("hi".into())), Some("hi"));
        assert_eq!(reply(&choice("opt-1", "Sales")), Some("Sales"));
        assert_eq!(reply(&choice("opt-1", "")), Some("opt-1"));
        let media = MediaRef {
            locator: "x".into(),
            mime_type: None,
            filename: None,
            caption: Some("price?".into()),
        };
        assert_eq!(reply(&Content::Media(media)), Some("price?"));
        assert_eq!(reply(&Content::Unsupported("order".into())), None);
    }
}
