//! A Kannel delivery report: the `dlr-url` built in `send.rs`, called by Kannel with the
//! escapes filled in. It names the host's message id (`dlr_id`) and the report type (`dlr`):
//!
//! | `dlr` | Kannel meaning | state |
//! |---|---|---|
//! | 1 | delivered to the phone | delivered |
//! | 2 | not delivered to the phone | failed |
//! | 4 | queued on the SMSC | none (no change) |
//! | 8 | accepted by the SMSC | sent |
//! | 16 | rejected by the SMSC | failed |

use switchboard_sdk::provider::{DeliveryState, DeliveryStatus, SendError, WebhookError};

use crate::config::KannelConfig;
use crate::http::failure;
use crate::query::Params;
use crate::{number, time};

/// SMPP `ESME_RINVDSTADR`: the SMSC refused the destination address.
const INVALID_DESTINATION: &str = "0x0000000b";

/// The status a report carries, or `None` for a report that changes nothing (type 4).
pub fn status(
    config: &KannelConfig,
    params: &Params,
) -> Result<Option<DeliveryStatus>, WebhookError> {
    let malformed = |why: &str| WebhookError::Malformed(why.into());
    let kind = params
        .text("dlr")
        .and_then(|d| d.parse::<u8>().ok())
        .ok_or_else(|| malformed("`dlr` is not a Kannel report type"))?;
    let message_id = params
        .text("dlr_id")
        .and_then(|id| id.parse::<u64>().ok())
        .ok_or_else(|| malformed("no numeric `dlr_id`: not a dlr-url this adapter built"))?;
    let answer = params.text("answer").unwrap_or_default();
    let (state, error) = match kind {
        1 => (DeliveryState::Delivered, None),
        8 => (DeliveryState::Sent, None),
        2 | 16 => (DeliveryState::Failed, Some(failed(kind, &answer))),
        4 => return Ok(None),
        other => return Err(malformed(&format!("unknown Kannel report type {other}"))),
    };
    Ok(Some(DeliveryStatus {
        provider_message_id: message_id.to_string(),
        state,
        at_ms: params
            .text("ts")
            .as_deref()
            .and_then(time::parse_any_utc_ms)
            .unwrap_or(0),
        error,
        message_id: Some(message_id),
        recipient: params
            .non_empty("to")
            .map(|to| number::contact(&to, config.digits_are_international)),
        aliases: Vec::new(),
    }))
}

/// Why a message failed, from the SMSC's answer (`NACK/0x0000000b/Invalid Destination
/// Address`, or an SMPP receipt `id:… stat:UNDELIV err:…`).
fn failed(kind: u8, answer: &str) -> SendError {
    let lower = answer.to_ascii_lowercase();
    let code = lower
        .split('/')
        .find(|part| part.starts_with("0x") && part.len() == 10)
        .map_or_else(|| format!("dlr-{kind}"), str::to_owned);
    let message = if answer.is_empty() {
        format!("Kannel report type {kind}")
    } else {
        answer.to_owned()
    };
    if code == INVALID_DESTINATION {
        SendError::BadRecipient(failure(&code, message))
    } else {
        SendError::Permanent(failure(&code, message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalid_destination_is_a_bad_recipient() {
        assert!(matches!(
            failed(16, "NACK/0x0000000B/Invalid Destination Address"),
            SendError::BadRecipient(f) if f.code == "0x0000000b"
        ));
        assert!(matches!(
            failed(2, "id:1 sub:001 dlvrd:000 stat:UNDELIV err:001"),
            SendError::Permanent(f) if f.code == "dlr-2" && f.message.contains("UNDELIV")
        ));
        assert!(matches!(
            failed(16, ""),
            SendError::Permanent(f) if f.message == "Kannel report type 16"
        ));
    }
}
