//! Twilio Programmable Messaging (SMS) as tests need it: a mock of the Messages API that
//! checks each request as Twilio does and answers in Twilio's formats (providers.md §1.6), a
//! connector bound to it, and webhooks signed with `X-Twilio-Signature` the way Twilio's SDKs
//! compute it (§1.5).

use std::sync::Arc;

use serde_json::{Value, json};

use crate::api;
use crate::crypto::{base64, hmac_sha1};
use crate::form::Fields;
use crate::mock::{MockProvider, Recorded, Reply};
use crate::server::TestServer;

/// The account (`AC` and 32 hex digits, as Twilio's).
pub const ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";
/// Its primary auth token: the REST password, and the key webhooks are signed with.
pub const AUTH_TOKEN: &str = "f3b1c0d2e4a5968778695a4b3c2d1e0f";
/// The connector's number.
pub const BUSINESS_NUMBER: &str = "+14155552671";

/// The Messages API path of the account.
pub fn messages_path() -> String {
    format!("/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json")
}

/// The `sid` the mock gives the message of its `n`th request.
pub fn sid(n: usize) -> String {
    format!("SM{n:032x}")
}

/// `Authorization: Basic base64(AccountSid:AuthToken)`.
pub fn basic_auth() -> String {
    format!(
        "Basic {}",
        base64(format!("{ACCOUNT_SID}:{AUTH_TOKEN}").as_bytes())
    )
}

/// A mock Messages API answering [`api_answer`].
pub async fn api_mock() -> MockProvider {
    MockProvider::start(Arc::new(api_answer)).await
}

/// Twilio's error body: `{"code", "message", "more_info", "status"}`.
pub fn error(status: u16, code: u32, message: &str) -> Reply {
    Reply::new(
        status,
        json!({"code": code, "message": message,
            "more_info": format!("https://www.twilio.com/docs/errors/{code}"), "status": status})
        .to_string(),
    )
}

/// What Twilio answers a create-message request: 401 (20003) without the account's Basic
/// credentials, 404 (20404) on another path or method, 400 when the form body has no `To`
/// (21604), `From` (21603) or `Body` (21602), else `201` with the message resource.
pub fn api_answer(n: usize, request: &Recorded) -> Reply {
    if request.header("authorization") != Some(basic_auth().as_str()) {
        return error(401, 20003, "Authenticate");
    }
    if request.method != "POST" || request.uri != messages_path() {
        return error(
            404,
            20404,
            &format!("The requested resource {} was not found", request.uri),
        );
    }
    // Twilio reads form bodies only: any other body has no fields.
    let is_form = request
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    let form = if is_form {
        Fields::body_of(request)
    } else {
        Fields::default()
    };
    let Some(to) = form.non_empty("To") else {
        return error(400, 21604, "A 'To' phone number is required.");
    };
    let Some(from) = form.non_empty("From") else {
        return error(400, 21603, "A 'From' phone number is required.");
    };
    let body = form.get("Body").unwrap_or_default();
    if body.is_empty() && form.non_empty("MediaUrl").is_none() {
        return error(400, 21602, "Message body is required.");
    }
    let sid = sid(n);
    let uri = format!("/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}");
    Reply::new(
        201,
        json!({
            "account_sid": ACCOUNT_SID, "api_version": "2010-04-01", "body": body,
            "date_created": "Thu, 30 Jul 2015 20:12:31 +0000", "date_sent": null,
            "date_updated": "Thu, 30 Jul 2015 20:12:31 +0000", "direction": "outbound-api",
            "error_code": null, "error_message": null, "from": from,
            "messaging_service_sid": null, "num_media": "0", "num_segments": "1", "price": null,
            "price_unit": "USD", "sid": sid, "status": "queued",
            "subresource_uris": {"media": format!("{uri}/Media.json")}, "to": to,
            "uri": format!("{uri}.json"),
        })
        .to_string(),
    )
}

/// Twilio's refusal of a `To` that is not a phone number.
pub fn invalid_to(to: &str) -> Reply {
    error(
        400,
        21211,
        &format!("The 'To' number {to} is not a valid phone number."),
    )
}

/// Twilio's answer when it fails internally.
pub fn internal_error() -> Reply {
    error(500, 20500, "Internal Server Error")
}

/// Creates the SMS connector against `api`; returns `(id, webhook URL)`.
pub async fn connector(server: &TestServer, api: &MockProvider) -> (i64, String) {
    api::create_connector(
        server,
        &json!({"name": "twilio-sms", "plugin": "twilio", "numbers": [BUSINESS_NUMBER],
            // 50/s: the SMS default (1/s, a US long code) would pace the test's sends.
            "config": {"account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN, "channel": "sms",
                "api_base_url": api.url, "max_per_second": 50}}),
    )
    .await
}

/// `X-Twilio-Signature` of a form POST to `url`, as Twilio's SDKs compute it:
/// base64(HMAC-SHA1(auth token, url + each name and value, sorted by name then value)).
pub fn signature(token: &str, url: &str, fields: &[(String, String)]) -> String {
    let mut sorted = fields.to_vec();
    sorted.sort();
    sorted.dedup();
    let mut data = url.to_owned();
    for (name, value) in &sorted {
        data.push_str(name);
        data.push_str(value);
    }
    base64(&hmac_sha1(token.as_bytes(), data.as_bytes()))
}

fn owned(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

/// The fields of an inbound SMS ("A message comes in"), with the field set Twilio sends,
/// empty geo fields included (they count in the signature).
pub fn inbound_sms(sid: &str, from: &str, to: &str, body: &str) -> Vec<(String, String)> {
    owned(&[
        ("ToCountry", "US"),
        ("ToState", "CA"),
        ("SmsMessageSid", sid),
        ("NumMedia", "0"),
        ("ToCity", ""),
        ("FromZip", ""),
        ("SmsSid", sid),
        ("FromState", ""),
        ("SmsStatus", "received"),
        ("FromCity", ""),
        ("Body", body),
        ("FromCountry", "AR"),
        ("To", to),
        ("ToZip", ""),
        ("NumSegments", "1"),
        ("MessageSid", sid),
        ("AccountSid", ACCOUNT_SID),
        ("From", from),
        ("ApiVersion", "2010-04-01"),
    ])
}

/// The fields of a status callback for message `sid`.
pub fn status_callback(sid: &str, status: &str, to: &str) -> Vec<(String, String)> {
    owned(&[
        ("ApiVersion", "2010-04-01"),
        ("MessageStatus", status),
        ("SmsSid", sid),
        ("SmsStatus", status),
        ("To", to),
        ("From", BUSINESS_NUMBER),
        ("MessageSid", sid),
        ("AccountSid", ACCOUNT_SID),
    ])
}

/// POSTs `fields` form-encoded to `url` with `X-Twilio-Signature: signature`; returns the
/// status, the `Content-Type` and the body.
pub async fn post(
    client: &reqwest::Client,
    url: &str,
    fields: &[(String, String)],
    signature: &str,
) -> (u16, String, String) {
    let response = client
        .post(url)
        .header("x-twilio-signature", signature)
        .form(fields)
        .send()
        .await
        .expect("post webhook");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (
        status,
        content_type,
        response.text().await.unwrap_or_default(),
    )
}

/// The form fields of a recorded create-message request, as a JSON object (for messages).
pub fn sent_fields(request: &Recorded) -> Value {
    let form = Fields::body_of(request);
    Value::Object(
        form.0
            .into_iter()
            .map(|(n, v)| (n, Value::String(v)))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// providers.md's composed WhatsApp inbound vector (its fields arrive unsorted).
    #[test]
    fn signatures_sort_the_fields_like_twilios_sdks() {
        let body = "SmsMessageSid=SM0a1b2c3d4e5f60718293a4b5c6d7e8f9&NumMedia=0\
            &ProfileName=Mar%C3%ADa+L%C3%B3pez&MessageType=text\
            &SmsSid=SM0a1b2c3d4e5f60718293a4b5c6d7e8f9&WaId=5491155550123&SmsStatus=received\
            &Body=Hola%2C+necesito+ayuda+con+mi+pedido&To=whatsapp%3A%2B14155238886\
            &NumSegments=1&ReferralNumMedia=0&MessageSid=SM0a1b2c3d4e5f60718293a4b5c6d7e8f9\
            &AccountSid=AC00000000000000000000000000000000&From=whatsapp%3A%2B5491155550123\
            &ApiVersion=2010-04-01";
        assert_eq!(
            signature(
                "0123456789abcdef0123456789abcdef",
                "https://cc.example.com/hooks/twilio/wa/inbound",
                &Fields::parse(body.as_bytes()).0
            ),
            "R+WPtctp7YHa8UyDpAfOEL6a1Gc="
        );
    }
}
