//! The Kannel style, outbound: what goes to `sendsms`, how its answers read, and how the
//! `dlr-url` each message carries comes back as a status.

mod common;

use common::*;
use provider_http_gateway::HttpGateway;
use switchboard_sdk::provider::{DeliveryState, Event, Provider, SendError};

fn send_url(config: &str, message: switchboard_sdk::provider::Outbound) -> String {
    let request = HttpGateway::prepare_send(config, None, message).expect("builds");
    assert_eq!(request.method, "GET");
    assert!(request.body.is_empty());
    request.url
}

fn param(url: &str, name: &str) -> Option<String> {
    query_param(url, name).map(|v| String::from_utf8(v).expect("utf-8"))
}

#[test]
fn gsm_text_is_sent_seven_bit_with_a_dlr_url() {
    let url = send_url(KANNEL, outbound("Hola, ¿todo bien? @ 10€"));
    assert_eq!(
        url,
        "http://127.0.0.1:13013/cgi-bin/sendsms?username=switchboard&password=s3cret\
         &from=%2B15550000&to=%2B5491155550123&coding=0&charset=UTF-8&dlr-mask=27\
         &dlr-url=https%3A%2F%2Fcc.example.com%2Fhooks%2Fk7Qx9%3Fdlr_id%3D42%26dlr%3D%25d\
         %26answer%3D%25A%26to%3D%25p%26ts%3D%25T%26smsc%3D%25i\
         &text=Hola%2C+%C2%BFtodo+bien%3F+%40+10%E2%82%AC"
    );
    assert_eq!(
        param(&url, "text").as_deref(),
        Some("Hola, ¿todo bien? @ 10€")
    );
}

#[test]
fn unicode_text_is_sent_ucs2_with_a_utf8_charset() {
    let url = send_url(KANNEL, outbound("Привет 😀"));
    assert_eq!(param(&url, "coding").as_deref(), Some("2"));
    assert_eq!(param(&url, "charset").as_deref(), Some("UTF-8"));
    assert_eq!(param(&url, "text").as_deref(), Some("Привет 😀"));
}

#[test]
fn without_iconv_unicode_text_is_sent_as_utf16be_and_no_charset() {
    let config = with(KANNEL, r#""unicode":"utf-16be""#);
    let url = send_url(&config, outbound("Ж😀"));
    assert_eq!(param(&url, "coding").as_deref(), Some("2"));
    assert_eq!(param(&url, "charset"), None);
    assert_eq!(
        query_param(&url, "text"),
        Some(vec![0x04, 0x16, 0xD8, 0x3D, 0xDE, 0x00])
    );
    let gsm = send_url(&config, outbound("plain"));
    assert_eq!(
        (param(&gsm, "coding").as_deref(), param(&gsm, "charset")),
        (Some("0"), None)
    );
}

#[test]
fn channel_slots_take_the_smsc_list_round_robin() {
    let config = with(KANNEL, r#""smsc":["sim1","sim2","sim3"]"#);
    let smsc = |slot: u32| {
        let message = switchboard_sdk::provider::Outbound {
            channel_slot: slot,
            ..outbound("hi")
        };
        param(&send_url(&config, message), "smsc")
    };
    let used: Vec<_> = (0..5).map(|slot| smsc(slot).unwrap_or_default()).collect();
    assert_eq!(used, ["sim1", "sim2", "sim3", "sim1", "sim2"]);
    assert_eq!(param(&send_url(KANNEL, outbound("hi")), "smsc"), None);
}

#[test]
fn the_dlr_url_kannel_expands_reports_back_to_the_message() {
    let url = send_url(KANNEL, outbound("hi"));
    let pattern = param(&url, "dlr-url").expect("dlr-url");
    // Kannel fills the escapes of a report and calls the URL.
    let called = kannel_expand(
        &pattern,
        &[
            ('d', b"1"),
            ('A', b"id:0a1b stat:DELIVRD err:000"),
            ('p', b"+5491155550123"),
            ('T', b"1700000000"),
            ('i', b"sim1"),
        ],
    );
    assert!(called.starts_with(HOOK), "{called}");
    let result = HttpGateway::handle_webhook(KANNEL, get(&called)).expect("a report");
    assert_eq!(
        (result.response.status, result.response.body.as_slice()),
        (200, &b"OK"[..])
    );
    let [Event::Status(status)] = result.events.as_slice() else {
        panic!("one status: {result:?}")
    };
    assert_eq!(status.provider_message_id, "42");
    assert_eq!(status.message_id, Some(42));
    assert_eq!(status.state, DeliveryState::Delivered);
    assert_eq!(status.at_ms, 1_700_000_000_000);
    assert_eq!(
        status.recipient.as_ref().and_then(|r| r.number.as_deref()),
        Some("+5491155550123")
    );
}

#[test]
fn a_configured_dlr_base_wins_and_without_any_base_no_report_is_asked() {
    let config = with(
        KANNEL,
        r#""dlr_url_base":"http://10.0.0.9:8080/hooks/k7Qx9?via=lan""#,
    );
    let url = send_url(&config, outbound("hi"));
    let dlr = param(&url, "dlr-url").expect("dlr-url");
    assert!(
        dlr.starts_with("http://10.0.0.9:8080/hooks/k7Qx9?via=lan&dlr_id=42&"),
        "{dlr}"
    );
    let no_base = switchboard_sdk::provider::Outbound {
        status_callback_url: None,
        ..outbound("hi")
    };
    let url = send_url(KANNEL, no_base);
    assert_eq!(
        (param(&url, "dlr-url"), param(&url, "dlr-mask")),
        (None, None)
    );
    let url = send_url(&with(KANNEL, r#""dlr_mask":0"#), outbound("hi"));
    assert_eq!(param(&url, "dlr-url"), None);
}

#[test]
fn a_text_over_the_segment_limit_is_refused() {
    let config = with(KANNEL, r#""max_segments":2"#);
    assert!(HttpGateway::prepare_send(&config, None, outbound(&"a".repeat(306))).is_ok());
    assert!(matches!(
        HttpGateway::prepare_send(&config, None, outbound(&"a".repeat(307))),
        Err(SendError::Permanent(f)) if f.code == "too-long"
    ));
}

#[test]
fn a_reply_to_a_short_code_goes_to_the_raw_id() {
    let message = switchboard_sdk::provider::Outbound {
        to: switchboard_sdk::provider::ContactAddress {
            number: None,
            user_id: Some("6717".into()),
            display_name: None,
        },
        ..outbound("STOP")
    };
    assert_eq!(
        param(&send_url(KANNEL, message), "to").as_deref(),
        Some("6717")
    );
}

#[test]
fn a_bad_config_pauses_the_connector() {
    assert!(matches!(
        HttpGateway::prepare_send(r#"{"style":"kannel"}"#, None, outbound("hi")),
        Err(SendError::Misconfigured(f)) if f.code == "bad-config"
    ));
}

fn read(status: u16, body: &str) -> Result<String, SendError> {
    HttpGateway::read_send_response(KANNEL, outbound("hi"), response(status, body))
        .map(|r| r.provider_message_id)
}

#[test]
fn accepted_and_queued_answers_are_receipts_named_by_the_host_id() {
    assert_eq!(read(202, "0: Accepted for delivery"), Ok("42".into()));
    assert_eq!(read(202, "3: Queued for later delivery"), Ok("42".into()));
    assert_eq!(
        read(202, "Sent."),
        Ok("42".into()),
        "immediate-sendsms-reply"
    );
}

#[test]
fn kannel_refusals_are_classified() {
    let code = |r: Result<String, SendError>| match r {
        Err(SendError::Permanent(f)) => format!("permanent {}", f.code),
        Err(SendError::BadRecipient(f)) => format!("bad-recipient {}", f.code),
        Err(SendError::Retryable(f)) => format!("retryable {}", f.failure.code),
        Err(SendError::Misconfigured(f)) => format!("misconfigured {}", f.code),
        other => format!("{other:?}"),
    };
    assert_eq!(
        code(read(403, "Authorization failed for sendsms")),
        "misconfigured auth-failed"
    );
    assert_eq!(
        code(read(403, "Not routable. Do not try again.")),
        "permanent not-routable"
    );
    assert_eq!(
        code(read(503, "Temporal failure, try again later.")),
        "retryable 503"
    );
    assert_eq!(code(read(500, "Sending failed.")), "retryable 500");
    assert_eq!(
        code(read(400, "Missing receiver number, rejected")),
        "bad-recipient 400"
    );
    assert_eq!(
        code(read(400, "Charset or body misformed, rejected")),
        "permanent 400"
    );
}
