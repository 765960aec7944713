//! The OAuth2 client-credentials step of the Conversation API.

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use common::{CONVERSATION, CONVERSATION_SMS, WAVY, header, response};
use provider_sinch::Sinch;
use switchboard_sdk::provider::Provider;

#[test]
fn prepare_auth_posts_client_credentials_with_basic_auth() {
    let request = Sinch::prepare_auth(CONVERSATION).expect("request");
    assert_eq!(request.method, "POST");
    assert_eq!(request.url, "https://auth.sinch.com/oauth2/token");
    let expected = format!("Basic {}", STANDARD.encode("0f1e2d3c-key:s3cr3t-key"));
    assert_eq!(
        header(&request.headers, "authorization"),
        Some(expected.as_str())
    );
    assert_eq!(
        header(&request.headers, "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(request.body, b"grant_type=client_credentials");
}

#[test]
fn the_auth_base_url_can_be_overridden() {
    let request = Sinch::prepare_auth(CONVERSATION_SMS).expect("request");
    assert_eq!(request.url, "http://127.0.0.1:8081/oauth2/token");
}

#[test]
fn read_auth_keeps_the_token_a_minute_less_than_it_lives() {
    let body =
        r#"{"access_token":"eyJhbGciOi.token","expires_in":3599,"scope":"","token_type":"bearer"}"#;
    let token = Sinch::read_auth(CONVERSATION, response(200, body)).expect("token");
    assert_eq!(token.token, "eyJhbGciOi.token");
    assert_eq!(token.ttl_ms, 3_539_000);
}

#[test]
fn a_short_lived_token_is_kept_half_its_life_and_a_missing_lifetime_is_an_hour() {
    let short = r#"{"access_token":"t","expires_in":90}"#;
    assert_eq!(
        Sinch::read_auth(CONVERSATION, response(200, short)).map(|t| t.ttl_ms),
        Ok(45_000)
    );
    let none = r#"{"access_token":"t"}"#;
    assert_eq!(
        Sinch::read_auth(CONVERSATION, response(200, none)).map(|t| t.ttl_ms),
        Ok(3_540_000)
    );
}

#[test]
fn read_auth_errors_say_whether_waiting_helps() {
    let cases = [
        (401, r#"{"error":"invalid_client"}"#, "bad-credentials"),
        (400, r#"{"error":"invalid_request"}"#, "bad-credentials"),
        (503, "upstream unavailable", "unavailable"),
        (429, "", "unavailable"),
        (200, r#"{"token_type":"bearer"}"#, "bad-response"),
        (200, "<html>", "bad-response"),
    ];
    for (status, body, code) in cases {
        let error = Sinch::read_auth(CONVERSATION, response(status, body)).expect_err("error");
        assert_eq!(error.code, code, "{status} {body}");
    }
}

#[test]
fn wavy_has_no_token_step_and_a_bad_config_is_named() {
    assert_eq!(
        Sinch::prepare_auth(WAVY).map_err(|e| e.code),
        Err("unsupported".into())
    );
    let error = Sinch::prepare_auth(r#"{"api":"conversation"}"#).expect_err("no credentials");
    assert_eq!(error.code, "bad-config");
}
