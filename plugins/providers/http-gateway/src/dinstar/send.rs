//! Sending through a Dinstar gateway: `POST /api/send_sms` with one recipient, whose
//! `user_id` is the host's message id. The gateway answers with a task id for the whole
//! request, not an id per message; its results (`sms_result`) name the `user_id`, so the
//! receipt's provider id is the host's message id, as text.

use serde_json::{Value, json};
use switchboard_sdk::provider::{
    HttpRequest, HttpResponse, Outbound, Receipt, Retryable, SendError,
};

use super::{endpoint, headers};
use crate::config::DinstarConfig;
use crate::gsm::Encoding;
use crate::http::{body_text, failure, status_error};
use crate::render;

/// The port for a channel slot: entry `slot mod len`, none when the list is empty.
fn port_for(config: &DinstarConfig, slot: u32) -> Option<u8> {
    let len = config.ports.len();
    (len > 0).then(|| config.ports[slot as usize % len])
}

/// Builds the `send_sms` request for `message`.
pub fn prepare_send(config: &DinstarConfig, message: &Outbound) -> Result<HttpRequest, SendError> {
    let render::Sms { text, to, encoding } = render::checked_sms(message, config.max_segments)?;
    let encoding = match encoding {
        Encoding::Gsm7 => "gsm-7bit",
        Encoding::Ucs2 => "unicode",
    };
    let mut body = json!({
        "text": text,
        "encoding": encoding,
        "request_status_report": config.request_status_report,
        "param": [{ "number": to, "user_id": message.message_id }],
    });
    if let (Some(port), Value::Object(fields)) = (port_for(config, message.channel_slot), &mut body)
    {
        fields.insert("port".into(), json!([port]));
    }
    Ok(HttpRequest {
        method: "POST".into(),
        url: endpoint(config, "send_sms"),
        headers: headers(config),
        body: body.to_string().into_bytes(),
    })
}

/// Reads the gateway's answer: `error_code` 202 (queued; 200 on some firmware) is a receipt.
pub fn read_send_response(
    message: &Outbound,
    response: &HttpResponse,
) -> Result<Receipt, SendError> {
    let text = body_text(&response.body);
    if response.status == 401 {
        return Err(SendError::Misconfigured(failure(
            "401",
            "the gateway refused the credentials (sent with Basic auth)",
        )));
    }
    if !(200..300).contains(&response.status) {
        return Err(status_error(response.status, &response.headers, text));
    }
    let code = serde_json::from_slice::<Value>(&response.body)
        .ok()
        .and_then(|v| v.get("error_code").cloned())
        .and_then(|c| c.as_u64().or_else(|| c.as_str()?.trim().parse().ok()));
    let Some(code) = code else {
        return Err(SendError::Permanent(failure(
            "bad-response",
            format!("no error_code in the gateway's answer: {text}"),
        )));
    };
    let failure = failure(&code.to_string(), text);
    match code {
        200 | 202 => Ok(Receipt {
            provider_message_id: message.message_id.to_string(),
            recipient: None,
        }),
        // 500: gateway error; 486: port busy; 503: port not registered; 550: no free port.
        486 | 500 | 503 | 550 => Err(SendError::Retryable(Retryable {
            retry_after_ms: None,
            failure,
        })),
        // 400: bad request; 413: too many numbers or text too long; anything else unknown.
        _ => Err(SendError::Permanent(failure)),
    }
}
