//! `read_send_response`: the wamid on success, Meta's error codes as typed errors (§2.10).

mod common;

use common::*;
use provider_whatsapp_cloud::WhatsAppCloud;
use switchboard_sdk::provider::*;

fn read(response: HttpResponse) -> Result<Receipt, SendError> {
    WhatsAppCloud::read_send_response(&config(), outbound(Content::Text("x".into())), response)
}

fn graph_error(status: u16, code: i64) -> HttpResponse {
    let body = serde_json::json!({"error": {"message": format!("(#{code}) something"),
        "type": "OAuthException", "code": code,
        "error_data": {"messaging_product": "whatsapp", "details": "details"},
        "fbtrace_id": "AbCdEf"}});
    response(status, &body.to_string())
}

fn limit_kind(error: SendError) -> Option<LimitKind> {
    match error {
        SendError::ProviderLimit(limit) => Some(limit.kind),
        _ => None,
    }
}

#[test]
fn success_gives_the_wamid() {
    let body = r#"{"messaging_product":"whatsapp","contacts":[{"input":"+5491155550123","wa_id":"5491155550123"}],
        "messages":[{"id":"wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA","message_status":"accepted"}]}"#;
    assert_eq!(
        read(response(200, body)),
        Ok(Receipt {
            provider_message_id: "wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA"
                .into(),
            recipient: Some(number("+5491155550123")),
        })
    );
}

#[test]
fn the_recipient_is_the_canonical_wa_id_and_bsuid_meta_resolved() {
    // A Mexican number sent as +52… comes back as the WhatsApp id 521…, with the BSUID.
    let body = r#"{"messaging_product":"whatsapp",
        "contacts":[{"input":"+525512345678","wa_id":"5215512345678","user_id":"MX.1349"}],
        "messages":[{"id":"wamid.X"}]}"#;
    let receipt = read(response(200, body)).expect("receipt");
    assert_eq!(
        receipt.recipient,
        Some(ContactAddress {
            number: Some("+5215512345678".into()),
            user_id: Some("MX.1349".into()),
            display_name: None,
        })
    );
    let anonymous = read(response(200, r#"{"messages":[{"id":"wamid.Y"}]}"#));
    assert_eq!(anonymous.map(|r| r.recipient), Ok(None));
}

#[test]
fn success_without_an_id_is_not_a_receipt() {
    assert!(matches!(
        read(response(200, "{}")),
        Err(SendError::Permanent(_))
    ));
}

#[test]
fn the_documented_not_allowed_list_error_is_a_bad_recipient() {
    let body = r#"{"error":{"message":"(#131030) Recipient phone number not in allowed list","type":"OAuthException","code":131030,
 "error_data":{"messaging_product":"whatsapp","details":"Recipient phone number not in allowed list: Add recipient phone number to recipient list and try again."},
 "fbtrace_id":"AbCdEf"}}"#;
    let Err(SendError::BadRecipient(failure)) = read(response(400, body)) else {
        panic!("bad recipient")
    };
    assert_eq!(failure.code, "131030");
    assert!(
        failure
            .message
            .starts_with("(#131030) Recipient phone number not in allowed list: ")
    );
}

#[test]
fn each_mapped_code_has_its_kind() {
    use LimitKind::*;
    for (code, kind) in [
        (130429, Throughput),
        (4, Throughput),
        (80007, Throughput),
        (131056, PairRate),
        (131048, Quality),
        (131049, Tier),
    ] {
        assert_eq!(
            limit_kind(read(graph_error(400, code)).expect_err("error")),
            Some(kind),
            "{code}"
        );
    }
    for (code, expected) in [
        (131047, "window-closed"),
        (131026, "bad-recipient"),
        (131050, "unsubscribed"),
        (190, "misconfigured"),
        (0, "misconfigured"),
        (10, "misconfigured"),
        (200, "misconfigured"),
        (131005, "misconfigured"),
        (131031, "misconfigured"),
        (131045, "misconfigured"),
        (131000, "retryable"),
        (2, "retryable"),
        (100, "permanent"),
        (131008, "permanent"),
        (132001, "permanent"),
        (131051, "permanent"),
        (368, "permanent"),
    ] {
        let error = read(graph_error(400, code)).expect_err("error");
        let kind = match &error {
            SendError::WindowClosed(_) => "window-closed",
            SendError::BadRecipient(_) => "bad-recipient",
            SendError::Unsubscribed(_) => "unsubscribed",
            SendError::AuthExpired(_) => "auth-expired",
            SendError::Retryable(_) => "retryable",
            SendError::Permanent(_) => "permanent",
            SendError::ProviderLimit(_) => "provider-limit",
            SendError::Misconfigured(_) => "misconfigured",
        };
        assert_eq!(kind, expected, "{code}");
    }
}

#[test]
fn an_expired_long_lived_token_pauses_the_connector() {
    let error = read(graph_error(401, 190)).expect_err("error");
    assert!(matches!(error, SendError::Misconfigured(f) if f.code == "190"));
}

#[test]
fn throughput_limit_keeps_the_retry_after_hint() {
    let mut limited = graph_error(429, 130429);
    limited.headers.push(pair("Retry-After", "2"));
    let Err(SendError::ProviderLimit(limit)) = read(limited) else {
        panic!("limit")
    };
    assert_eq!(
        (limit.kind, limit.retry_after_ms),
        (LimitKind::Throughput, Some(2000))
    );
    assert_eq!(limit.failure.code, "130429");
}

#[test]
fn bodies_without_a_graph_error_fall_back_to_the_http_status() {
    let html = |status| HttpResponse {
        status,
        headers: vec![pair("Retry-After", "7")],
        body: b"<html>Bad Gateway</html>".to_vec(),
    };
    assert!(matches!(
        read(html(502)),
        Err(SendError::Retryable(Retryable {
            retry_after_ms: Some(7000),
            ..
        }))
    ));
    assert_eq!(
        limit_kind(read(html(429)).expect_err("error")),
        Some(LimitKind::Throughput)
    );
    assert!(matches!(read(html(401)), Err(SendError::Misconfigured(_))));
    assert!(matches!(read(html(403)), Err(SendError::Misconfigured(_))));
    assert!(matches!(read(html(404)), Err(SendError::Permanent(_))));
}
