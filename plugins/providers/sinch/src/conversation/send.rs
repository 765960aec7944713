//! `POST /v1/projects/{project}/messages:send` with the cached bearer token, and the reading of
//! its answer: `{"message_id", "accepted_time"}` or an error (providers.md §3.1).

use serde_json::{Value, json};
use switchboard_sdk::provider::{HttpRequest, HttpResponse, Outbound, Receipt, SendError};

use super::errors;
use super::message::message_json;
use crate::address::{NumberFormat, to_identity};
use crate::config::{ConversationConfig, SinchChannel};
use crate::http::{failure, pair, permanent, post_json};
use crate::json::str_at;

/// The send request. `correlation_id` and `message_metadata` carry the host's message id: Sinch
/// echoes the first in callbacks about the message (in the `CONVERSATION` processing mode only)
/// and the second as the delivery report's `metadata` (in every mode), so a send left unknown by
/// a crash can be reconciled.
pub fn prepare_send(
    config: &ConversationConfig,
    auth: Option<&str>,
    message: &Outbound,
) -> Result<HttpRequest, SendError> {
    let Some(token) = auth.filter(|t| !t.is_empty()) else {
        return Err(SendError::AuthExpired(failure(
            "no-token",
            "the Conversation API needs the token from prepare-auth / read-auth",
        )));
    };
    let channel = config.channel.wire();
    let format = match config.channel {
        SinchChannel::Whatsapp => NumberFormat::Digits,
        SinchChannel::Sms => NumberFormat::E164,
    };
    let identity = to_identity(&message.to, format)?;
    let mut body = json!({
        "app_id": config.app_id,
        "recipient": { "identified_by": { "channel_identities": [
            { "channel": channel, "identity": identity }
        ] } },
        "message": message_json(&message.content, config.channel)?,
        "channel_priority_order": [channel],
        "correlation_id": message.message_id.to_string(),
        "message_metadata": message.message_id.to_string(),
    });
    // On SMS the sender may differ per connector (`SMS_SENDER` channel property); WhatsApp's
    // sender is the app's bot.
    if config.channel == SinchChannel::Sms && !message.from.trim().is_empty() {
        body["channel_properties"] = json!({ "SMS_SENDER": message.from.trim() });
    }
    let headers = vec![
        pair("Authorization", &format!("Bearer {token}")),
        pair("Accept", "application/json"),
    ];
    Ok(post_json(config.send_url(), headers, &body))
}

/// The receipt, or the classified error.
pub fn read_send_response(response: &HttpResponse) -> Result<Receipt, SendError> {
    if !(200..300).contains(&response.status) {
        return Err(errors::from_http(response));
    }
    let body: Value = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
    // Accepted but unreadable: retrying could send twice, so the host must not retry.
    let id = str_at(&body, "message_id").ok_or_else(|| {
        permanent(
            "no-message-id",
            "Sinch accepted the send but its answer has no message_id",
        )
    })?;
    Ok(Receipt {
        provider_message_id: id.to_owned(),
        recipient: None,
    })
}
