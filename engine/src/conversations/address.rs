//! Phone numbers as the engine keeps them: E.164 with a leading `+`, parsed and validated with
//! the `phonenumber` crate (libphonenumber's metadata), so `+54 9 11 1234-5678`,
//! `whatsapp:+5491112345678` and `5491112345678` are one contact.

use phonenumber::Mode;

/// Why a number was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a valid international phone number (E.164, like +5491112345678)")]
pub struct InvalidNumber(pub String);

/// The E.164 form of `raw`, which may carry a `+`, spaces, dashes, parentheses or a channel
/// prefix (`whatsapp:`, `tel:`); digits without `+` are read as international.
pub fn normalize_e164(raw: &str) -> Result<String, InvalidNumber> {
    let invalid = || InvalidNumber(raw.to_owned());
    let trimmed = raw.trim();
    let bare = trimmed
        .split_once(':')
        .map_or(trimmed, |(_, rest)| rest)
        .trim();
    if bare.is_empty() || bare.len() > 32 {
        return Err(invalid());
    }
    let international = if bare.starts_with('+') {
        bare.to_owned()
    } else {
        format!("+{bare}")
    };
    let parsed = phonenumber::parse(None, &international).map_err(|_| invalid())?;
    if !phonenumber::is_valid(&parsed) {
        return Err(invalid());
    }
    Ok(parsed.format().mode(Mode::E164).to_string())
}

/// The E.164 form of a number a provider reported for a customer: digits with a country code
/// (`5491112345678`, `+5491112345678`, `whatsapp:+549…`) take a fast path without
/// libphonenumber's parse (a provider delivered from it, so it exists; parsing cost more than
/// the rest of a webhook); anything else goes through [`normalize_e164`].
pub fn normalize_reported(raw: &str) -> Result<String, InvalidNumber> {
    let trimmed = raw.trim();
    let bare = trimmed
        .split_once(':')
        .map_or(trimmed, |(_, rest)| rest)
        .trim();
    let digits = bare.strip_prefix('+').unwrap_or(bare);
    let plain = (8..=15).contains(&digits.len())
        && !digits.starts_with('0')
        && digits.bytes().all(|b| b.is_ascii_digit());
    if plain {
        return Ok(format!("+{digits}"));
    }
    normalize_e164(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_number_normalize_alike() {
        for raw in [
            "+5491112345678",
            "+54 9 11 1234-5678",
            "whatsapp:+5491112345678",
            "5491112345678",
            " +54 (9) 11 1234 5678 ",
        ] {
            assert_eq!(
                normalize_e164(raw).as_deref(),
                Ok("+5491112345678"),
                "{raw}"
            );
        }
        assert_eq!(
            normalize_e164("+1 415 555 2671").as_deref(),
            Ok("+14155552671")
        );
    }

    #[test]
    fn reported_numbers_take_the_fast_path_and_agree_with_the_full_parse() {
        for raw in [
            "5491112345678",
            "+5491112345678",
            "whatsapp:+5491112345678",
            "+54 9 11 1234-5678",
        ] {
            assert_eq!(
                normalize_reported(raw).as_deref(),
                Ok("+5491112345678"),
                "{raw}"
            );
        }
        assert!(normalize_reported("hello").is_err());
        assert!(
            normalize_reported("0800123456").is_err(),
            "no country code: the full parse decides"
        );
    }

    #[test]
    fn garbage_and_impossible_numbers_are_refused() {
        for raw in [
            "",
            "+",
            "hello",
            "+12",
            "+999999999999",
            "+54911",
            &"9".repeat(40),
        ] {
            assert!(normalize_e164(raw).is_err(), "{raw}");
        }
    }
}
