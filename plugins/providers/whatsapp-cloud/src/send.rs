//! Sending (providers.md §2.6): `POST {base}/{version}/{phone_number_id}/messages` with the
//! bearer token, and reading Meta's answer. HTTP 200 only means "accepted": delivery failures
//! (131047, 131026, …) arrive later as `failed` statuses.

use serde_json::{Value, json};
use switchboard_sdk::http::failure;
use switchboard_sdk::provider::{
    HttpRequest, HttpResponse, Outbound, Receipt, SendError, misconfigured,
};

use crate::config::Config;
use crate::{address, errors, http, opaque, payload};

/// Builds the send request for `message`. `auth`, when the host has one, wins over the
/// configured token.
pub fn prepare(
    config: &str,
    auth: Option<&str>,
    message: &Outbound,
) -> Result<HttpRequest, SendError> {
    let config = Config::load(config).map_err(misconfigured)?;
    let (kind, object) = payload::content(&message.content).map_err(SendError::Permanent)?;
    let mut body = json!({"messaging_product": "whatsapp", "recipient_type": "individual"});
    let to = &message.to;
    match (to.number.as_deref().and_then(address::e164), &to.user_id) {
        (Some(number), _) => body["to"] = address::wa_id(&number).into(),
        // A user who hides the number: the BSUID goes in `recipient` instead of `to`.
        (None, Some(user_id)) if !user_id.is_empty() => body["recipient"] = user_id.as_str().into(),
        _ => {
            return Err(SendError::BadRecipient(failure(
                "no-address",
                "the recipient has neither an E.164 number nor a WhatsApp user id",
            )));
        }
    }
    if let Some(reply_to) = message.reply_to.as_deref().filter(|id| !id.is_empty()) {
        body["context"] = json!({"message_id": reply_to});
    }
    body["type"] = kind.into();
    body[kind] = object;
    body["biz_opaque_callback_data"] = opaque::encode(message.message_id).into();
    let token = auth
        .filter(|t| !t.is_empty())
        .unwrap_or(&config.access_token);
    let url = config.graph_url(&format!("{}/messages", config.phone_number_id));
    Ok(http::post_json(url, token, &body))
}

/// Reads the send answer: `messages[0].id` (the wamid) on success, with the recipient Meta
/// resolved (`contacts[0]`: the canonical `wa_id`, and `user_id` for BSUID users); a typed
/// error otherwise.
pub fn read(response: &HttpResponse) -> Result<Receipt, SendError> {
    let body: Value = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
    let retry_after = http::retry_after_ms(&response.headers);
    if (200..300).contains(&response.status) {
        let contact = &body["contacts"][0];
        return match body["messages"][0]["id"].as_str() {
            Some(id) if !id.is_empty() => Ok(Receipt {
                provider_message_id: id.to_owned(),
                recipient: address::contact(
                    contact["wa_id"].as_str(),
                    contact["user_id"].as_str(),
                    None,
                ),
            }),
            _ => Err(SendError::Permanent(failure(
                &response.status.to_string(),
                "Meta accepted the request but returned no message id",
            ))),
        };
    }
    Err(errors::from_error_object(&body["error"], retry_after)
        .unwrap_or_else(|| errors::from_http_status(response.status, retry_after)))
}
