//! Channel identities ↔ contact addresses. Sinch and Wavy name WhatsApp users by their number
//! without `+` (`5491155550123`), sometimes with it; the engine keeps E.164 with `+`. An identity
//! that is not a phone number (a WhatsApp username's BSUID, `US.123…`) becomes a `user-id`.
//! Outbound, the exact id the provider gave wins over the number (providers.md §6).

use switchboard_sdk::provider::{ContactAddress, SendError};

use crate::http;

/// The address of a provider identity; `None` when it is empty.
pub fn from_identity(identity: &str, display_name: Option<String>) -> Option<ContactAddress> {
    let identity = identity.trim();
    if identity.is_empty() {
        return None;
    }
    let digits = identity.strip_prefix('+').unwrap_or(identity);
    let phone = (1..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
    Some(ContactAddress {
        number: phone.then(|| format!("+{digits}")),
        user_id: (!phone).then(|| identity.to_owned()),
        display_name,
    })
}

/// How to write a recipient's number on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberFormat {
    /// Digits only (`5491155550123`): WhatsApp identities.
    Digits,
    /// E.164 with `+` (`+5491155550123`): SMS.
    E164,
}

/// The identity to send to: the provider's own id when known, else the number.
pub fn to_identity(to: &ContactAddress, format: NumberFormat) -> Result<String, SendError> {
    if let Some(id) = to
        .user_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        return Ok(id.to_owned());
    }
    let number = to.number.as_deref().map(str::trim).unwrap_or_default();
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return Err(SendError::BadRecipient(http::failure(
            "no-recipient",
            "the recipient has neither a number nor a provider id",
        )));
    }
    Ok(match format {
        NumberFormat::Digits => digits,
        NumberFormat::E164 => format!("+{digits}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_gain_a_plus_and_other_ids_stay_user_ids() {
        let a = from_identity("5491155550123", Some("Ana".into())).expect("address");
        assert_eq!(a.number.as_deref(), Some("+5491155550123"));
        assert_eq!((a.user_id, a.display_name.as_deref()), (None, Some("Ana")));
        let plus = from_identity("+46702471483", None).expect("address");
        assert_eq!(plus.number.as_deref(), Some("+46702471483"));
        let bsuid = from_identity("US.13491208655302741918", None).expect("address");
        assert_eq!(bsuid.number, None);
        assert_eq!(bsuid.user_id.as_deref(), Some("US.13491208655302741918"));
        assert_eq!(from_identity("  ", None), None);
    }

    #[test]
    fn the_provider_id_wins_over_the_number() {
        let mut to = ContactAddress {
            number: Some("+54 9 11 5555-0123".into()),
            user_id: None,
            display_name: None,
        };
        assert_eq!(
            to_identity(&to, NumberFormat::Digits).ok(),
            Some("5491155550123".into())
        );
        assert_eq!(
            to_identity(&to, NumberFormat::E164).ok(),
            Some("+5491155550123".into())
        );
        to.user_id = Some("521234567890".into());
        assert_eq!(
            to_identity(&to, NumberFormat::E164).ok(),
            Some("521234567890".into())
        );
        let nobody = ContactAddress {
            number: None,
            user_id: None,
            display_name: None,
        };
        assert!(matches!(
            to_identity(&nobody, NumberFormat::Digits),
            Err(SendError::BadRecipient(_))
        ));
    }
}
