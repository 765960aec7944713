//! What the plugin says about itself, what a connector can do, the outbox request, and every
//! answer of the outbox as a receipt or a typed send error.

mod common;

use common::*;
use provider_sandbox::Sandbox;
use serde_json::json;
use switchboard_sdk::PluginKind;
use switchboard_sdk::http::pair;
use switchboard_sdk::provider::*;

#[test]
fn describe_names_the_sandbox_with_its_schema() {
    let info = Sandbox::describe();
    assert_eq!(
        (info.name.as_str(), info.kind, info.version.as_str()),
        ("sandbox", PluginKind::Provider, "1.0.0")
    );
    assert!(!info.description.is_empty());
    assert_eq!(info.config_schema, provider_sandbox::config::SCHEMA);
}

#[test]
fn capabilities_follow_the_channel_and_the_rate() {
    let whatsapp = Sandbox::capabilities(&config()).expect("capabilities");
    assert_eq!(whatsapp.channels, [Channel::Whatsapp]);
    assert_eq!(whatsapp.session_window_ms, Some(24 * 60 * 60 * 1000));
    assert_eq!(whatsapp.max_per_second, 1000);
    let sms = json!({"outbox_url": OUTBOX, "channel": "sms", "max_per_second": 3}).to_string();
    let sms = Sandbox::capabilities(&sms).expect("capabilities");
    assert_eq!(
        (sms.channels, sms.templates, sms.max_per_second),
        (vec![Channel::Sms], TemplateRule::None, 3)
    );
    let error = Sandbox::capabilities("{}").expect_err("no outbox");
    assert_eq!(error.code, "bad-config");
}

#[test]
fn a_send_is_a_json_post_to_the_outbox() {
    let message = Outbound {
        channel_slot: 2,
        reply_to: Some("in-7".into()),
        ..outbound(Content::Text("Hola".into()))
    };
    let request = Sandbox::prepare_send(&config(), None, message).expect("builds");
    assert_eq!(
        (request.method.as_str(), request.url.as_str()),
        ("POST", OUTBOX)
    );
    assert_eq!(request.headers, [pair("Content-Type", "application/json")]);
    assert_eq!(
        json_body(&request.body),
        json!({"message_id": 42, "from": "+15550100",
            "to": {"number": "+5491155550123", "user_id": null},
            "channel_slot": 2, "status_callback_url": HOOK, "reply_to": "in-7",
            "content": {"type": "text", "text": "Hola"}})
    );
}

#[test]
fn a_user_without_a_number_is_sent_to_by_id_and_nobody_is_refused() {
    let mut message = outbound(Content::Text("x".into()));
    message.to.number = None;
    message.to.user_id = Some("AR.1349".into());
    message.status_callback_url = None;
    let request = Sandbox::prepare_send(&config(), None, message.clone()).expect("builds");
    let body = json_body(&request.body);
    assert_eq!(body["to"], json!({"number": null, "user_id": "AR.1349"}));
    assert_eq!(body["status_callback_url"], json!(null));
    message.to.user_id = None;
    assert!(matches!(
        Sandbox::prepare_send(&config(), None, message),
        Err(SendError::BadRecipient(f)) if f.code == "no-address"
    ));
}

#[test]
fn a_bad_config_pauses_the_connector() {
    let send = Sandbox::prepare_send(
        r#"{"outbox": "x"}"#,
        None,
        outbound(Content::Text("x".into())),
    );
    assert!(matches!(send, Err(SendError::Misconfigured(f)) if f.code == "bad-config"));
}

fn read(status: u16, headers: Vec<Pair>, body: &str) -> Result<Receipt, SendError> {
    let message = outbound(Content::Text("x".into()));
    Sandbox::read_send_response(&config(), message, answer(status, headers, body))
}

fn error(status: u16, headers: Vec<Pair>, body: &str) -> SendError {
    read(status, headers, body).expect_err("refused")
}

fn refusal(code: &str) -> String {
    json!({"code": code, "message": format!("the sandbox says {code}")}).to_string()
}

#[test]
fn an_id_is_a_receipt_and_no_id_is_not() {
    assert_eq!(
        read(200, vec![], r#"{"id": "sb-42"}"#),
        Ok(Receipt {
            provider_message_id: "sb-42".into(),
            recipient: None,
        })
    );
    assert_eq!(
        read(202, vec![], r#"{"id": "sb-43"}"#).map(|r| r.provider_message_id),
        Ok("sb-43".into())
    );
    for body in ["{}", r#"{"id": ""}"#, r#"{"id": 42}"#, "accepted"] {
        assert!(
            matches!(error(200, vec![], body), SendError::Permanent(f) if f.code == "no-id"),
            "{body}"
        );
    }
}

#[test]
fn too_many_requests_is_a_throughput_limit_with_the_delay() {
    let limited = error(429, vec![pair("Retry-After", "3")], &refusal("slow-down"));
    assert_eq!(
        limited,
        SendError::ProviderLimit(Limit {
            kind: LimitKind::Throughput,
            retry_after_ms: Some(3000),
            failure: Failure {
                code: "slow-down".into(),
                message: "the sandbox says slow-down".into(),
            },
        })
    );
}

#[test]
fn each_refusal_code_has_its_kind() {
    assert!(matches!(
        error(409, vec![], &refusal("window-closed")),
        SendError::WindowClosed(f) if f.code == "window-closed"
    ));
    assert!(matches!(
        error(404, vec![], &refusal("bad-recipient")),
        SendError::BadRecipient(f) if f.message == "the sandbox says bad-recipient"
    ));
    assert!(matches!(
        error(403, vec![], &refusal("unsubscribed")),
        SendError::Unsubscribed(_)
    ));
    assert!(matches!(
        error(401, vec![], &refusal("no-such-connector")),
        SendError::Misconfigured(f) if f.code == "no-such-connector"
    ));
    assert!(matches!(error(401, vec![], ""), SendError::Misconfigured(f) if f.code == "401"));
}

#[test]
fn a_code_on_the_wrong_status_and_other_client_errors_are_permanent() {
    for (status, code) in [
        (409, "bad-recipient"),
        (404, "window-closed"),
        (403, "forbidden"),
        (400, "bad-content"),
        (422, "window-closed"),
    ] {
        assert!(
            matches!(error(status, vec![], &refusal(code)), SendError::Permanent(f) if f.code == code),
            "{status} {code}"
        );
    }
    assert!(matches!(
        error(400, vec![], "<html>no</html>"),
        SendError::Permanent(f) if f.code == "400" && f.message == "<html>no</html>"
    ));
}

#[test]
fn server_errors_are_retryable_after_the_hint() {
    assert_eq!(
        error(503, vec![pair("retry-after", "7")], &refusal("busy")),
        SendError::Retryable(Retryable {
            retry_after_ms: Some(7000),
            failure: Failure {
                code: "busy".into(),
                message: "the sandbox says busy".into(),
            },
        })
    );
    assert!(matches!(
        error(500, vec![], ""),
        SendError::Retryable(Retryable {
            retry_after_ms: None,
            ..
        })
    ));
    assert!(matches!(error(408, vec![], ""), SendError::Retryable(_)));
}
