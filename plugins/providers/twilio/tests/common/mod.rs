//! What the integration tests share: the composed-vector token and URLs, connector configs,
//! fixtures, and signed webhook requests.
#![allow(dead_code)]

use provider_twilio::params::Params;
use provider_twilio::signature;
use switchboard_sdk::provider::{Pair, WebhookRequest};

/// The made-up auth token of providers.md's composed test vectors.
pub const TOKEN: &str = "0123456789abcdef0123456789abcdef";
pub const INBOUND_URL: &str = "https://cc.example.com/hooks/twilio/wa/inbound";
pub const STATUS_URL: &str = "https://cc.example.com/hooks/twilio/wa/status";

/// A WhatsApp connector signed with [`TOKEN`].
pub fn whatsapp_config() -> String {
    format!(
        r#"{{"account_sid": "AC00000000000000000000000000000000", "auth_token": "{TOKEN}", "channel": "whatsapp"}}"#
    )
}

/// An SMS connector signed with [`TOKEN`].
pub fn sms_config() -> String {
    format!(r#"{{"account_sid": "AC00000000000000000000000000000000", "auth_token": "{TOKEN}"}}"#)
}

/// A fixture file's bytes.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The signature Twilio would send for a form POST of `body` to `url`.
pub fn sign(url: &str, body: &[u8]) -> String {
    let params = Params::from_form(body);
    signature::compute(TOKEN, url, &signature::params_string(&params))
}

/// A form POST to `url` with `signature` in `X-Twilio-Signature`.
pub fn post(url: &str, body: Vec<u8>, signature: Option<&str>) -> WebhookRequest {
    let mut headers = vec![Pair {
        name: "Content-Type".into(),
        value: "application/x-www-form-urlencoded".into(),
    }];
    if let Some(signature) = signature {
        headers.push(Pair {
            name: "X-Twilio-Signature".into(),
            value: signature.into(),
        });
    }
    switchboard_sdk::testing::webhook_request("POST", url, headers, &body)
}

/// A form POST of a fixture to `url`, signed correctly.
pub fn signed_fixture(url: &str, name: &str) -> WebhookRequest {
    let body = fixture(name);
    let signature = sign(url, &body);
    post(url, body, Some(&signature))
}
