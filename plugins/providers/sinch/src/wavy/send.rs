//! `POST /v1/whatsapp/send` with `UserName` and `AuthenticationToken` headers, and the reading of
//! its answer: a list of destinations with the ids Wavy generated, or
//! `{"errorCode", "errorMessage"}` (providers.md §3.3).

use serde_json::{Value, json};
use switchboard_sdk::provider::{HttpRequest, HttpResponse, Outbound, Receipt, SendError};

use super::message::message_json;
use crate::address::{NumberFormat, to_identity};
use crate::config::WavyConfig;
use crate::http::{
    excerpt, failure, pair, permanent, post_json, retry_after_ms, retryable, throughput,
};
use crate::json::{str_at, text_at};

/// The send request. `correlationId` carries the host's message id; Wavy echoes it in status
/// callbacks.
pub fn prepare_send(config: &WavyConfig, message: &Outbound) -> Result<HttpRequest, SendError> {
    let destination = to_identity(&message.to, NumberFormat::Digits)?;
    let body = json!({
        "destinations": [{
            "correlationId": message.message_id.to_string(),
            "destination": destination,
        }],
        "message": message_json(config, &message.content)?,
    });
    let headers = vec![
        pair("UserName", &config.username),
        pair("AuthenticationToken", &config.token),
    ];
    Ok(post_json(config.send_url(), headers, &body))
}

/// The receipt: the id Wavy generated for this destination (the one its callbacks carry).
pub fn read_send_response(
    message: &Outbound,
    response: &HttpResponse,
) -> Result<Receipt, SendError> {
    let body: Value = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
    if !(200..300).contains(&response.status) {
        return Err(http_error(response, &body));
    }
    let correlation = message.message_id.to_string();
    let destinations = ["destinations", "destination"]
        .iter()
        .find_map(|key| body.get(*key).and_then(Value::as_array))
        .or_else(|| body.as_array());
    let per_destination = destinations.and_then(|list| {
        list.iter()
            .find(|d| str_at(d, "correlationId") == Some(correlation.as_str()))
            .or_else(|| list.first())
            .and_then(|d| str_at(d, "id"))
    });
    let id = per_destination
        .or_else(|| str_at(&body, "id"))
        .or_else(|| str_at(&body, "Id"))
        .ok_or_else(|| {
            permanent(
                "no-message-id",
                "Wavy accepted the send but its answer has no id",
            )
        })?;
    Ok(Receipt {
        provider_message_id: id.to_owned(),
        recipient: None,
    })
}

/// 401/403 are wrong credentials (static: refreshing cannot help, so the connector is
/// misconfigured); 420 ("message is rate limited") and 429 are throughput limits; 408 and 5xx
/// temporary; other 4xx permanent.
fn http_error(response: &HttpResponse, body: &Value) -> SendError {
    let code = text_at(body, "errorCode").unwrap_or_else(|| response.status.to_string());
    let text = str_at(body, "errorMessage")
        .map(str::to_owned)
        .unwrap_or_else(|| excerpt(&response.body));
    let f = failure(&code, text);
    let wait = retry_after_ms(&response.headers);
    match response.status {
        401 | 403 => SendError::Misconfigured(f),
        420 | 429 => throughput(wait, f),
        408 | 500..=599 => retryable(wait, f),
        _ => SendError::Permanent(f),
    }
}
