//! One item of `value.statuses[]` → a delivery status (providers.md §2.4): `sent`,
//! `delivered`, `read`, `played` (a voice message listened to: read) or `failed` with
//! `errors[]` classified like a send error.

use serde_json::Value;
use switchboard_sdk::provider::{DeliveryState, DeliveryStatus};

use crate::{address, errors, inbound, opaque};

/// Translates one status; `None` for a status without id or of a kind the engine has no state
/// for (the old `deleted`, `warning`), which are only logged.
pub fn status(item: &Value) -> Option<DeliveryStatus> {
    let id = item["id"].as_str().filter(|id| !id.is_empty())?;
    let state = match item["status"].as_str()? {
        "sent" => DeliveryState::Sent,
        "delivered" => DeliveryState::Delivered,
        "read" | "played" => DeliveryState::Read,
        "failed" => DeliveryState::Failed,
        other => {
            switchboard_sdk::log::debug(&format!("status `{other}` of {id} ignored"));
            return None;
        }
    };
    let error = match state {
        DeliveryState::Failed => item["errors"].as_array().and_then(|errors| {
            errors
                .iter()
                .find_map(|e| errors::from_error_object(e, None))
        }),
        _ => None,
    };
    let recipient = address::contact(
        item["recipient_id"].as_str(),
        item["recipient_user_id"].as_str(),
        None,
    );
    Some(DeliveryStatus {
        provider_message_id: id.to_owned(),
        state,
        at_ms: inbound::timestamp_ms(&item["timestamp"]),
        error,
        message_id: item["biz_opaque_callback_data"]
            .as_str()
            .and_then(opaque::decode),
        recipient,
        aliases: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_states_and_missing_ids_are_skipped() {
        assert_eq!(status(&json!({"id": "w", "status": "deleted"})), None);
        assert_eq!(status(&json!({"status": "read"})), None);
        assert_eq!(status(&json!({"id": "w"})), None);
    }

    #[test]
    fn failed_without_errors_has_no_error() {
        let failed = status(&json!({"id": "w", "status": "failed"})).expect("status");
        assert_eq!(
            (failed.state, failed.error, failed.recipient),
            (DeliveryState::Failed, None, None)
        );
    }
}
