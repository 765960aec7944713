//! Status callbacks → [`DeliveryStatus`] (providers.md §0 mapping table, §1.3).
//!
//! | `MessageStatus` | event |
//! |---|---|
//! | `accepted`, `scheduled`, `queued`, `sending` | none: the send receipt already says accepted |
//! | `sent` | `sent` |
//! | `partially_delivered` | `sent`: not every part arrived, and a later `delivered`/`failed` can still move it |
//! | `delivered` | `delivered` |
//! | `read` | `read` |
//! | `failed`, `undelivered`, `canceled` | `failed`, `ErrorCode` classified like a send error |
//! | anything else | none, with a warning (Twilio adds values without notice) |
//!
//! Twilio's callbacks carry no event time, so `at_ms` is [`UNKNOWN_TIME`]. The host's message
//! id comes back in the callback URL's `sb_message_id` (see `send.rs`), which the signature
//! covers.

use switchboard_sdk::provider::{DeliveryState, DeliveryStatus};

use crate::address;
use crate::errors;
use crate::inbound::{UNKNOWN_TIME, message_sid};
use crate::params::Params;

/// The delivery status in a callback; `Ok(None)` for a status the engine does not track.
pub fn status(params: &Params, message_id: Option<u64>) -> Result<Option<DeliveryStatus>, String> {
    let sid = message_sid(params).ok_or("status callback without MessageSid")?;
    let word = params
        .non_empty("MessageStatus")
        .or_else(|| params.non_empty("SmsStatus"))
        .ok_or("status callback without MessageStatus")?;
    let state = match word {
        "sent" | "partially_delivered" => DeliveryState::Sent,
        "delivered" => DeliveryState::Delivered,
        "read" => DeliveryState::Read,
        "failed" | "undelivered" | "canceled" => DeliveryState::Failed,
        "accepted" | "scheduled" | "queued" | "sending" => return Ok(None),
        other => {
            switchboard_sdk::log::warn(&format!(
                "status `{other}` of message {sid} is not one the engine tracks; ignored"
            ));
            return Ok(None);
        }
    };
    let error = (state == DeliveryState::Failed).then(|| {
        errors::delivery_failure(
            params.non_empty("ErrorCode"),
            params.non_empty("ErrorMessage").unwrap_or_default(),
            word,
        )
    });
    Ok(Some(DeliveryStatus {
        provider_message_id: sid.to_owned(),
        state,
        at_ms: UNKNOWN_TIME,
        error,
        message_id,
        recipient: params
            .non_empty("To")
            .map(|to| address::contact(to, None, None, None)),
        aliases: Vec::new(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_sdk::provider::{Failure, SendError};

    fn parse(form: &str) -> Option<DeliveryStatus> {
        status(&Params::from_form(form.as_bytes()), Some(7)).expect("a status callback")
    }

    #[test]
    fn sms_status_alone_is_enough() {
        let s = parse("SmsSid=SM1&SmsStatus=delivered").expect("tracked");
        assert_eq!(s.state, DeliveryState::Delivered);
        assert_eq!(
            (s.provider_message_id.as_str(), s.message_id),
            ("SM1", Some(7))
        );
        assert_eq!(s.recipient, None);
    }

    #[test]
    fn canceled_without_code_is_a_permanent_failure() {
        let s = parse("MessageSid=SM1&MessageStatus=canceled").expect("tracked");
        assert_eq!(
            s.error,
            Some(SendError::Permanent(Failure {
                code: "canceled".into(),
                message: String::new()
            }))
        );
    }

    #[test]
    fn unknown_statuses_are_ignored_with_a_warning() {
        assert_eq!(parse("MessageSid=SM1&MessageStatus=teleported"), None);
        let logs = switchboard_sdk::testing::take_logs();
        assert!(
            logs.iter().any(|(_, line)| line.contains("teleported")),
            "{logs:?}"
        );
    }

    #[test]
    fn missing_fields_are_malformed() {
        let p = Params::from_form(b"MessageStatus=sent");
        assert!(status(&p, None).is_err());
        let p = Params::from_form(b"MessageSid=SM1");
        assert!(status(&p, None).is_err());
    }
}
