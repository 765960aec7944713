//! Text folded for matching: lowercase, accents off. "ESPAÑA", "España" and "espana" fold the
//! same, because customers and agents in Spanish write with and without accents, and a search
//! or a keyword must not depend on it.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// `text` in lowercase, decomposed (NFD), with the combining marks (accents, tildes,
/// diaereses, emoji variation selectors) dropped.
pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn case_and_accents_fold_away() {
        assert_eq!(fold("ESPAÑA"), "espana");
        assert_eq!(fold("Teléfono Güemes"), "telefono guemes");
        assert_eq!(fold("AÇÃO São Paulo"), "acao sao paulo");
        assert_eq!(fold("ÅNGSTRÖM"), "angstrom");
    }

    #[test]
    fn precomposed_and_decomposed_input_fold_alike() {
        assert_eq!(fold("Jose\u{301}"), fold("José"));
    }

    #[test]
    fn what_has_no_case_or_accent_is_kept() {
        assert_eq!(fold("100% ok 👍 #12_a"), "100% ok 👍 #12_a");
        assert_eq!(fold(""), "");
    }
}
