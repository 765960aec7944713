//! WhatsApp identities (providers.md §2.3, §6): `wa_id` / `from` are E.164 digits without
//! the `+`; users who hide their number behind a username come as a business-scoped user id
//! (BSUID, `US.13491208655302741918`) instead, with or without a number.

use switchboard_sdk::provider::ContactAddress;

/// `16505551234` → `+16505551234`; `None` unless 1 to 15 digits (an optional `+` allowed).
/// The digits are kept exactly (Mexican `521…` ids stay as they came: reply to the id given).
pub fn e164(id: &str) -> Option<String> {
    let digits = id.strip_prefix('+').unwrap_or(id);
    let ok = (1..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| format!("+{digits}"))
}

/// The digits Meta wants in `to`: the E.164 number without its `+`.
pub fn wa_id(number: &str) -> &str {
    number.strip_prefix('+').unwrap_or(number)
}

/// A customer address from a phone-ish id and a user id, either of which may be missing or
/// hold the other kind: a `from` that is not a number is taken as the user's id.
pub fn contact(
    phone: Option<&str>,
    user_id: Option<&str>,
    display_name: Option<&str>,
) -> Option<ContactAddress> {
    let phone = phone.filter(|p| !p.is_empty());
    let number = phone.and_then(e164);
    let user_id = user_id
        .filter(|u| !u.is_empty())
        .or(phone.filter(|_| number.is_none()))
        .map(str::to_owned);
    if number.is_none() && user_id.is_none() {
        return None;
    }
    Some(ContactAddress {
        number,
        user_id,
        display_name: display_name
            .filter(|n| !n.trim().is_empty())
            .map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wa_ids_become_e164() {
        assert_eq!(e164("16505551234").as_deref(), Some("+16505551234"));
        assert_eq!(e164("+5491155550123").as_deref(), Some("+5491155550123"));
        assert_eq!(e164("1234567890123456"), None);
        assert_eq!(e164("US.1349"), None);
        assert_eq!(e164(""), None);
        assert_eq!(wa_id("+16505551234"), "16505551234");
    }

    #[test]
    fn a_bsuid_in_from_is_a_user_id() {
        let address = contact(Some("US.13491208655302741918"), None, Some("Ana")).expect("some");
        assert_eq!(address.number, None);
        assert_eq!(address.user_id.as_deref(), Some("US.13491208655302741918"));
        assert_eq!(address.display_name.as_deref(), Some("Ana"));
    }

    #[test]
    fn number_and_user_id_are_both_kept() {
        let address = contact(Some("16505551234"), Some("US.1"), Some(" ")).expect("some");
        assert_eq!(address.number.as_deref(), Some("+16505551234"));
        assert_eq!(address.user_id.as_deref(), Some("US.1"));
        assert_eq!(address.display_name, None);
        assert_eq!(contact(None, Some(""), Some("x")), None);
    }
}
