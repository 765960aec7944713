//! Addresses: Twilio's `whatsapp:` channel prefix, E.164 numbers, and WhatsApp user ids
//! (BSUIDs such as `US.1234`) that stand in for a withheld number (providers.md §1.1, §6).

use switchboard_sdk::provider::ContactAddress;

use crate::config::Channel;

/// Twilio's channel-address prefix for WhatsApp.
pub const WHATSAPP_PREFIX: &str = "whatsapp:";

/// The address without a `whatsapp:` prefix.
pub fn strip_prefix(address: &str) -> &str {
    address.strip_prefix(WHATSAPP_PREFIX).unwrap_or(address)
}

/// `+` then 1 to 15 digits, the first not `0`.
pub fn is_e164(number: &str) -> bool {
    let Some(digits) = number.strip_prefix('+') else {
        return false;
    };
    (1..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

/// The customer behind an inbound `From` (or a status's `To`). A phone number becomes
/// `number`; anything else (a BSUID, a short code, an alphanumeric sender id) is kept as
/// `user_id`, untouched, because it is what replies must be addressed to. `wa_id` (digits,
/// no `+`) fills in the number when `From` is not one; `external_user_id` is the BSUID
/// WhatsApp reports next to a number.
pub fn contact(
    address: &str,
    wa_id: Option<&str>,
    external_user_id: Option<&str>,
    display_name: Option<&str>,
) -> ContactAddress {
    let bare = strip_prefix(address.trim());
    let from_wa_id = || {
        wa_id
            .map(|digits| format!("+{digits}"))
            .filter(|n| is_e164(n))
    };
    let number = if is_e164(bare) {
        Some(bare.to_owned())
    } else {
        from_wa_id()
    };
    let user_id = external_user_id
        .map(strip_prefix)
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
        .or_else(|| (!is_e164(bare) && !bare.is_empty()).then(|| bare.to_owned()));
    ContactAddress {
        number,
        user_id,
        display_name: display_name.filter(|n| !n.is_empty()).map(str::to_owned),
    }
}

/// Twilio's `To` for a customer: the number, else the provider user id, with the channel
/// prefix. `None` when the address has neither.
pub fn recipient(channel: Channel, to: &ContactAddress) -> Option<String> {
    let bare = to
        .number
        .as_deref()
        .or(to.user_id.as_deref())
        .map(str::trim)
        .filter(|s| !s.is_empty())?;
    Some(with_channel(channel, bare))
}

/// An address with the channel's prefix (once, even if the caller already put it).
pub fn with_channel(channel: Channel, address: &str) -> String {
    match channel {
        Channel::Sms => address.to_owned(),
        Channel::Whatsapp => format!("{WHATSAPP_PREFIX}{}", strip_prefix(address)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e164_is_plus_and_up_to_fifteen_digits() {
        assert!(is_e164("+14155550100"));
        assert!(is_e164("+541234567890123"));
        assert!(!is_e164("+5412345678901234"), "16 digits");
        assert!(!is_e164("14155550100"));
        assert!(!is_e164("+0123"));
        assert!(!is_e164("+"));
        assert!(!is_e164("+1 415"));
    }

    #[test]
    fn whatsapp_sender_becomes_an_e164_number_with_its_profile_name() {
        let c = contact(
            "whatsapp:+5491155550123",
            Some("5491155550123"),
            None,
            Some("María"),
        );
        assert_eq!(c.number.as_deref(), Some("+5491155550123"));
        assert_eq!(c.user_id, None);
        assert_eq!(c.display_name.as_deref(), Some("María"));
    }

    #[test]
    fn a_withheld_number_keeps_the_bsuid_as_user_id() {
        let c = contact("whatsapp:US.1234", None, Some("whatsapp:US.1234"), None);
        assert_eq!((c.number, c.user_id.as_deref()), (None, Some("US.1234")));
        let c = contact(
            "whatsapp:+14155550100",
            None,
            Some("whatsapp:US.99"),
            Some(""),
        );
        assert_eq!(c.number.as_deref(), Some("+14155550100"));
        assert_eq!(c.user_id.as_deref(), Some("US.99"));
        assert_eq!(c.display_name, None);
    }

    #[test]
    fn short_codes_and_sender_ids_are_user_ids() {
        assert_eq!(
            contact("384387", None, None, None).user_id.as_deref(),
            Some("384387")
        );
        assert_eq!(
            contact("ACME", None, None, None).user_id.as_deref(),
            Some("ACME")
        );
    }

    #[test]
    fn recipients_get_the_channel_prefix_once() {
        let to = ContactAddress {
            number: Some("+5491155550123".into()),
            user_id: Some("US.1".into()),
            display_name: None,
        };
        assert_eq!(
            recipient(Channel::Whatsapp, &to).as_deref(),
            Some("whatsapp:+5491155550123")
        );
        assert_eq!(
            recipient(Channel::Sms, &to).as_deref(),
            Some("+5491155550123")
        );
        let bsuid = ContactAddress {
            number: None,
            ..to.clone()
        };
        assert_eq!(
            recipient(Channel::Whatsapp, &bsuid).as_deref(),
            Some("whatsapp:US.1")
        );
        let nobody = ContactAddress {
            number: None,
            user_id: None,
            display_name: None,
        };
        assert_eq!(recipient(Channel::Sms, &nobody), None);
        assert_eq!(
            with_channel(Channel::Whatsapp, "whatsapp:+1415"),
            "whatsapp:+1415"
        );
    }
}
