//! Opt-out and opt-in keywords: a customer who writes `STOP` (or `BAJA`, `CANCELAR`…) is
//! blacklisted and told so once; `START` (or `ALTA`) undoes it. This is the host's rule, run
//! before any bot, so no plugin can forget it.
//!
//! A message matches when, trimmed, without trailing punctuation, case- and accent-folded, it
//! is exactly one keyword: "stop" and "Baja." match, "please stop calling" does not.

/// What an inbound text asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consent {
    /// Stop all messages.
    OptOut,
    /// Receive messages again.
    OptIn,
}

/// Configured keyword lists, folded once.
#[derive(Debug, Clone)]
pub struct Keywords {
    opt_out: Vec<String>,
    opt_in: Vec<String>,
}

impl Keywords {
    /// Lists as configured.
    pub fn new(opt_out: &[String], opt_in: &[String]) -> Self {
        Self {
            opt_out: opt_out.iter().map(|k| fold(k)).collect(),
            opt_in: opt_in.iter().map(|k| fold(k)).collect(),
        }
    }

    /// Whether `text` is an opt-out or opt-in keyword.
    pub fn consent(&self, text: &str) -> Option<Consent> {
        if text.len() > 64 {
            return None;
        }
        let folded = fold(text);
        if self.opt_out.contains(&folded) {
            Some(Consent::OptOut)
        } else if self.opt_in.contains(&folded) {
            Some(Consent::OptIn)
        } else {
            None
        }
    }
}

/// Surrounding spaces and punctuation off, then folded (lowercase, accents off).
fn fold(text: &str) -> String {
    super::fold::fold(
        text.trim_matches(|c: char| {
            c.is_ascii_punctuation() || "¡¿".contains(c) || c.is_whitespace()
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keywords() -> Keywords {
        let list = |words: &[&str]| words.iter().map(|w| (*w).to_owned()).collect::<Vec<_>>();
        Keywords::new(
            &list(&["STOP", "BAJA", "CANCELAR"]),
            &list(&["START", "ALTA"]),
        )
    }

    #[test]
    fn whole_keywords_match_in_any_case_and_accent() {
        let k = keywords();
        for text in ["stop", " STOP ", "Baja.", "¡cancelár!", "BAJA\n"] {
            assert_eq!(k.consent(text), Some(Consent::OptOut), "{text}");
        }
        assert_eq!(k.consent("Alta"), Some(Consent::OptIn));
    }

    #[test]
    fn keywords_inside_sentences_do_not_match() {
        let k = keywords();
        for text in ["please stop", "stopped", "baja la música", "", "ok"] {
            assert_eq!(k.consent(text), None, "{text}");
        }
    }
}
