//! Phone numbers as SMS gateways give them, to the engine's contact address.
//!
//! Gateways pass numbers as the network delivered them: `+` and digits, `00` and digits,
//! national format, a short code or an alphanumeric sender. Only the first two are E.164
//! without knowing the country, so only they fill `number`; national forms need the channel's
//! country (providers.md §6), which is the host's job. The raw string is kept in `user-id`
//! whenever it differs from `number`, so a reply goes to exactly what the gateway gave.

use switchboard_sdk::provider::ContactAddress;

/// `raw` as E.164 (`+` and 6 to 15 digits), when it can be read so without a country:
/// `+…` or `00…`, or bare digits (8 to 15) when `digits_are_international`.
pub fn e164(raw: &str, digits_are_international: bool) -> Option<String> {
    let raw = raw.trim();
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let digits = if let Some(rest) = raw.strip_prefix('+') {
        rest
    } else if let Some(rest) = raw.strip_prefix("00") {
        rest
    } else if digits_are_international && (8..=15).contains(&raw.len()) {
        raw
    } else {
        return None;
    };
    (all_digits(digits) && (6..=15).contains(&digits.len())).then(|| format!("+{digits}"))
}

/// The contact address of a customer the gateway named `raw`.
pub fn contact(raw: &str, digits_are_international: bool) -> ContactAddress {
    let raw = raw.trim();
    let number = e164(raw, digits_are_international);
    let user_id = (number.as_deref() != Some(raw)).then(|| raw.to_owned());
    ContactAddress {
        number,
        user_id,
        display_name: None,
    }
}

/// What to give the gateway as the recipient: the E.164 number, or else the raw id an
/// inbound message came from.
pub fn recipient(to: &ContactAddress) -> Option<&str> {
    to.number
        .as_deref()
        .or(to.user_id.as_deref())
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn international_forms_become_e164() {
        assert_eq!(
            e164("+5491155550123", false).as_deref(),
            Some("+5491155550123")
        );
        assert_eq!(
            e164("005491155550123", false).as_deref(),
            Some("+5491155550123")
        );
        assert_eq!(
            e164("5491155550123", true).as_deref(),
            Some("+5491155550123")
        );
        assert_eq!(e164("5491155550123", false), None);
    }

    #[test]
    fn national_numbers_short_codes_and_names_are_not_numbers() {
        for raw in [
            "01155550123",
            "6717",
            "MyBank",
            "+12a45678",
            "+1234567890123456",
            "",
        ] {
            assert_eq!(e164(raw, false), None, "{raw}");
        }
        assert_eq!(e164("6717", true), None, "too short to be international");
    }

    #[test]
    fn the_raw_string_is_kept_when_it_differs() {
        let plain = contact("+5491155550123", false);
        assert_eq!(plain.number.as_deref(), Some("+5491155550123"));
        assert_eq!(plain.user_id, None);
        let national = contact("01155550123", false);
        assert_eq!(
            (national.number, national.user_id.as_deref()),
            (None, Some("01155550123"))
        );
        let prefixed = contact("0044207946000", false);
        assert_eq!(prefixed.number.as_deref(), Some("+44207946000"));
        assert_eq!(prefixed.user_id.as_deref(), Some("0044207946000"));
    }

    #[test]
    fn replies_go_to_the_number_or_the_raw_id() {
        assert_eq!(
            recipient(&contact("+5491155550123", false)),
            Some("+5491155550123")
        );
        assert_eq!(recipient(&contact("6717", false)), Some("6717"));
        assert_eq!(recipient(&contact("  ", false)), None);
    }
}
