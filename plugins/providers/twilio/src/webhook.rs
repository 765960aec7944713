//! One webhook call: check the signature first, then read the fields as an inbound message
//! or a status callback, and answer as Twilio expects (empty TwiML for messages, so Twilio
//! sends no reply of its own; an empty 200 for statuses).

use switchboard_sdk::provider::{
    Event, HttpResponse, Pair, WebhookError, WebhookRequest, WebhookResult, unavailable,
};

use crate::config::Config;
use crate::params::Params;
use crate::send::MESSAGE_ID_PARAM;
use crate::signature::{self, Signed};
use crate::{inbound, status};

/// The empty TwiML document: "nothing to reply".
pub const EMPTY_TWIML: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Response/>"#;

/// Verifies and translates a webhook call.
pub fn handle(config: &str, request: &WebhookRequest) -> Result<WebhookResult, WebhookError> {
    // Without a readable config there is no token to check against. A 503 (not a 401) lets
    // Twilio retry or call the fallback URL instead of the call being taken for a forgery.
    let config = Config::parse(config).map_err(unavailable)?;
    let params = verified_params(&config, request)?;
    if inbound::is_inbound(&params) {
        let message = inbound::message(&params).map_err(WebhookError::Malformed)?;
        return Ok(WebhookResult {
            response: twiml_ok(),
            events: vec![Event::Message(message)],
        });
    }
    if params.has("MessageStatus") || params.has("SmsStatus") {
        let message_id = signature::query_param(&request.url, MESSAGE_ID_PARAM)
            .and_then(|id| id.parse::<u64>().ok());
        let status = status::status(&params, message_id).map_err(WebhookError::Malformed)?;
        return Ok(WebhookResult {
            response: empty_ok(),
            events: status.map(Event::Status).into_iter().collect(),
        });
    }
    Err(WebhookError::Malformed(
        "neither an inbound message nor a status callback".into(),
    ))
}

/// The request's fields, once the signature holds.
fn verified_params(config: &Config, request: &WebhookRequest) -> Result<Params, WebhookError> {
    let header = request
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(signature::HEADER))
        .map(|h| h.value.as_str());
    let method = request.method.to_ascii_uppercase();
    let unauthorized = |e: signature::SignatureError| WebhookError::Unauthorized(e.to_string());
    let check = |signed| signature::verify(&config.auth_token, &request.url, header, signed);
    if signature::query_param(&request.url, signature::BODY_SHA256).is_some() {
        check(Signed::BodyHash(&request.body)).map_err(unauthorized)?;
        return Params::from_json(&request.body)
            .or_else(|| is_form(request).then(|| Params::from_form(&request.body)))
            .ok_or_else(|| WebhookError::Malformed("body is neither JSON nor a form".into()));
    }
    match method.as_str() {
        "POST" => {
            let params = Params::from_form(&request.body);
            check(Signed::Form(&params)).map_err(unauthorized)?;
            Ok(params)
        }
        _ => {
            check(Signed::UrlOnly).map_err(unauthorized)?;
            if method != "GET" {
                return Err(WebhookError::Malformed(format!(
                    "unexpected method {}",
                    request.method
                )));
            }
            let query = request.url.split_once('?').map_or("", |(_, q)| q);
            let query = query.split_once('#').map_or(query, |(q, _)| q);
            Ok(Params::from_form(query.as_bytes()))
        }
    }
}

fn is_form(request: &WebhookRequest) -> bool {
    request.headers.iter().any(|h| {
        h.name.eq_ignore_ascii_case("content-type")
            && h.value
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
    })
}

fn twiml_ok() -> HttpResponse {
    HttpResponse {
        status: 200,
        headers: vec![Pair {
            name: "Content-Type".into(),
            value: "text/xml".into(),
        }],
        body: EMPTY_TWIML.as_bytes().to_vec(),
    }
}

fn empty_ok() -> HttpResponse {
    HttpResponse {
        status: 200,
        headers: Vec::new(),
        body: Vec::new(),
    }
}
