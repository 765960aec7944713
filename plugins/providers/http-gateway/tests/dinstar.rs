//! The Dinstar style, through the provider trait: `send_sms`, polling `query_incoming_sms`,
//! and pushed reports. Bodies are the examples of providers.md §4.

mod common;

use common::*;
use provider_http_gateway::HttpGateway;
use serde_json::{Value, json};
use switchboard_sdk::provider::{
    Content, DeliveryState, Event, HttpRequest, Outbound, Provider, SendError, WebhookError,
};

fn json_body(request: &HttpRequest) -> Value {
    serde_json::from_slice(&request.body).expect("JSON body")
}

fn header_of<'a>(request: &'a HttpRequest, name: &str) -> Option<&'a str> {
    request
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

#[test]
fn a_send_is_one_json_post_with_the_host_id_as_user_id() {
    let message = Outbound {
        channel_slot: 1,
        ..outbound("test message")
    };
    let request = HttpGateway::prepare_send(DINSTAR, None, message).expect("builds");
    assert_eq!(request.method, "POST");
    assert_eq!(request.url, "https://192.168.1.20/api/send_sms");
    assert_eq!(
        header_of(&request, "content-type"),
        Some("application/json")
    );
    // base64("admin:pw")
    assert_eq!(
        header_of(&request, "authorization"),
        Some("Basic YWRtaW46cHc=")
    );
    assert_eq!(
        json_body(&request),
        json!({
            "text": "test message",
            "port": [3],
            "encoding": "gsm-7bit",
            "request_status_report": true,
            "param": [{ "number": "+5491155550123", "user_id": 42 }],
        })
    );
}

#[test]
fn channel_slots_take_the_port_list_round_robin_and_unicode_is_flagged() {
    let port = |slot: u32| {
        let message = Outbound {
            channel_slot: slot,
            ..outbound("Привет")
        };
        let body = json_body(&HttpGateway::prepare_send(DINSTAR, None, message).expect("builds"));
        assert_eq!(body["encoding"], "unicode");
        body["port"].clone()
    };
    assert_eq!(
        [port(0), port(1), port(2)],
        [json!([2]), json!([3]), json!([2])]
    );
    let any_port = with(
        r#"{"style":"dinstar","base_url":"http://gw","username":"admin","password":"pw"}"#,
        r#""request_status_report":false"#,
    );
    let body =
        json_body(&HttpGateway::prepare_send(&any_port, None, outbound("x")).expect("builds"));
    assert_eq!(body.get("port"), None, "the gateway chooses");
    assert_eq!(body["request_status_report"], false);
}

fn read(status: u16, body: &str) -> Result<String, SendError> {
    HttpGateway::read_send_response(DINSTAR, outbound("hi"), response(status, body))
        .map(|r| r.provider_message_id)
}

#[test]
fn error_code_202_is_a_receipt() {
    let accepted = r#"{"error_code":202,"sn":"xxxx-xxxx-xxxx-xxxx","sms_in_queue":1,"task_id":1}"#;
    assert_eq!(read(200, accepted), Ok("42".into()));
    assert_eq!(
        read(200, r#"{"error_code":200,"sn":"a","task_id":3}"#),
        Ok("42".into())
    );
}

#[test]
fn gateway_errors_are_classified() {
    let kind = |r: Result<String, SendError>| match r {
        Err(SendError::Permanent(f)) => format!("permanent {}", f.code),
        Err(SendError::Retryable(r)) => format!("retryable {}", r.failure.code),
        Err(SendError::Misconfigured(f)) => format!("misconfigured {}", f.code),
        other => format!("{other:?}"),
    };
    assert_eq!(
        kind(read(200, r#"{"error_code":413,"sn":"a"}"#)),
        "permanent 413"
    );
    assert_eq!(kind(read(200, r#"{"error_code":400}"#)), "permanent 400");
    assert_eq!(kind(read(200, r#"{"error_code":500}"#)), "retryable 500");
    assert_eq!(kind(read(200, r#"{"error_code":550}"#)), "retryable 550");
    assert_eq!(kind(read(401, "Unauthorized")), "misconfigured 401");
    assert_eq!(kind(read(502, "")), "retryable 502");
    assert_eq!(kind(read(200, "<html>")), "permanent bad-response");
}

#[test]
fn the_first_poll_reads_unread_messages_of_the_connectors_ports() {
    let request = HttpGateway::prepare_poll(DINSTAR, None, None).expect("builds");
    assert_eq!(request.method, "POST");
    assert_eq!(request.url, "https://192.168.1.20/api/query_incoming_sms");
    assert_eq!(
        header_of(&request, "authorization"),
        Some("Basic YWRtaW46cHc=")
    );
    assert_eq!(
        json_body(&request),
        json!({ "flag": "unread", "incoming_sms_id": 0, "port": [2, 3] })
    );
}

#[test]
fn later_polls_read_everything_after_the_cursor() {
    let request = HttpGateway::prepare_poll(DINSTAR, None, Some("41")).expect("builds");
    assert_eq!(
        json_body(&request),
        json!({ "flag": "all", "incoming_sms_id": 41, "port": [2, 3] })
    );
    let error = HttpGateway::prepare_poll(DINSTAR, None, Some("x")).expect_err("bad cursor");
    assert_eq!(error.code, "bad-input");
}

#[test]
fn a_poll_answer_becomes_messages_and_the_next_cursor() {
    let body = r#"{"error_code":200,"sn":"xxxx-xxxx-xxxx-xxxx","sms":[
        {"incoming_sms_id":1,"port":1,"number":"6717","smsc":"+8613800757511","timestamp":"2016-07-12 15:46:18","text":"test"},
        {"incoming_sms_id":3,"port":2,"number":"+5491155550123","smsc":"+8613800757511","timestamp":"2016-07-12 15:47:00","text":"Hola 😀","imsi":"460001"}
    ],"read":4,"unread":2}"#;
    let batch = HttpGateway::read_poll(DINSTAR, None, response(200, body)).expect("reads");
    assert_eq!(batch.cursor.as_deref(), Some("3"));
    assert!(
        batch.more,
        "the gateway may have capped the answer: ask again at once"
    );
    let [Event::Message(first), Event::Message(second)] = batch.events.as_slice() else {
        panic!("two messages: {:?}", batch.events)
    };
    assert_eq!(first.provider_message_id, "xxxx-xxxx-xxxx-xxxx:1");
    assert_eq!(first.from.user_id.as_deref(), Some("6717"));
    assert_eq!(first.from.number, None);
    assert_eq!(first.to, "+5491100000001", "port 1's SIM number");
    // 15:46:18 at UTC-3 is 18:46:18 UTC.
    assert_eq!(first.at_ms, 1_468_349_178_000);
    assert_eq!(first.content, Content::Text("test".into()));
    assert_eq!(second.to, "port-2");
    assert_eq!(second.from.number.as_deref(), Some("+5491155550123"));
    assert_eq!(second.content, Content::Text("Hola 😀".into()));
}

#[test]
fn an_empty_poll_keeps_the_cursor_and_waits() {
    let batch = HttpGateway::read_poll(
        DINSTAR,
        Some("41"),
        response(
            200,
            r#"{"error_code":200,"sn":"a","sms":[],"read":0,"unread":0}"#,
        ),
    )
    .expect("reads");
    assert!(batch.events.is_empty());
    assert_eq!((batch.cursor, batch.more), (None, false));
}

#[test]
fn messages_at_or_below_the_cursor_never_move_it_back() {
    let _ = switchboard_sdk::testing::take_logs();
    let body = r#"{"error_code":200,"sn":"a","sms":[
        {"incoming_sms_id":2,"port":2,"number":"+5491155550123","text":"old"},
        {"incoming_sms_id":41,"port":2,"number":"+5491155550123","text":"seen"}]}"#;
    let batch = HttpGateway::read_poll(DINSTAR, Some("41"), response(200, body)).expect("reads");
    assert!(batch.events.is_empty());
    assert_eq!((batch.cursor, batch.more), (None, false));
    let logs = switchboard_sdk::testing::take_logs();
    assert!(
        logs.iter()
            .any(|(_, line)| line.contains("2 messages at or below the cursor 41")),
        "{logs:?}"
    );
    let newer = body.replace("\"incoming_sms_id\":41", "\"incoming_sms_id\":42");
    let batch = HttpGateway::read_poll(DINSTAR, Some("41"), response(200, &newer)).expect("reads");
    assert_eq!(
        (batch.events.len(), batch.cursor.as_deref()),
        (1, Some("42"))
    );
}

#[test]
fn poll_failures_are_plugin_errors() {
    let code = |status, body: &str| {
        HttpGateway::read_poll(DINSTAR, None, response(status, body))
            .map(|_| String::new())
            .unwrap_or_else(|e| e.code)
    };
    assert_eq!(code(401, ""), "unauthorized");
    assert_eq!(code(500, "oops"), "unavailable");
    assert_eq!(code(200, "not json"), "bad-response");
    assert_eq!(code(200, r#"{"error_code":500,"sn":"a"}"#), "gateway-error");
}

fn push(body: &str) -> Result<Vec<Event>, WebhookError> {
    HttpGateway::handle_webhook(
        DINSTAR,
        post(
            HOOK,
            vec![header("Content-Type", "application/json")],
            body.as_bytes(),
        ),
    )
    .map(|result| {
        assert_eq!(result.response.status, 200);
        result.events
    })
}

#[test]
fn pushed_messages_are_the_same_messages_as_polled_ones() {
    let events = push(r#"{"sn":"xxxx-xxxx-xxxx-xxxx","sms":[{"incoming_sms_id":1,"port":1,"number":"6717","smsc":"+8613800757511","timestamp":"2016-07-12 15:46:18","text":"test"}]}"#)
        .expect("reads");
    let [Event::Message(message)] = events.as_slice() else {
        panic!("one message")
    };
    assert_eq!(message.provider_message_id, "xxxx-xxxx-xxxx-xxxx:1");
}

#[test]
fn pushed_results_with_a_user_id_are_statuses() {
    let events = push(r#"{"sn":"a","sms_result":[
        {"port":2,"user_id":42,"number":"+5491155550123","time":"2016-07-12 01:46:02","status":"SENT_OK","count":1,"succ_count":1,"ref_id":215,"imsi":"4600"},
        {"port":2,"user_id":43,"number":"+5491155550124","time":"2016-07-12 01:46:05","status":"DELIVERED","count":1,"succ_count":1,"ref_id":216},
        {"port":2,"user_id":44,"number":"+5491155550125","time":"2016-07-12 01:46:09","status":"SENT_FAILED","count":2,"succ_count":1},
        {"port":2,"user_id":45,"number":"+5491155550126","status":"SENDING"}
    ]}"#)
    .expect("reads");
    let states: Vec<_> = events
        .iter()
        .map(|e| match e {
            Event::Status(s) => (s.provider_message_id.as_str(), s.message_id, s.state),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        states,
        [
            ("42", Some(42), DeliveryState::Sent),
            ("43", Some(43), DeliveryState::Delivered),
            ("44", Some(44), DeliveryState::Failed),
        ]
    );
    let Event::Status(failed) = &events[2] else {
        unreachable!()
    };
    assert!(matches!(&failed.error, Some(SendError::Permanent(f)) if f.message.contains("1 of 2")));
}

#[test]
fn a_result_records_the_network_reference_as_an_alias() {
    let events = push(r#"{"sn":"xxxx-xxxx-xxxx-xxxx","sms_result":[
        {"port":1,"user_id":42,"number":"+5491155550123","time":"2016-07-12 01:46:02","status":"SENT_OK","count":1,"succ_count":1,"ref_id":215,"imsi":"4600"},
        {"port":1,"user_id":43,"number":"+5491155550124","status":"SENT_OK"}]}"#)
    .expect("reads");
    let aliases: Vec<_> = events
        .iter()
        .map(|e| match e {
            Event::Status(s) => s.aliases.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        aliases,
        [vec!["ref:xxxx-xxxx-xxxx-xxxx:1:215".to_owned()], vec![]]
    );
}

#[test]
fn a_network_delivery_report_names_the_message_by_its_alias() {
    // The example of providers.md §4, and a permanent failure and a retry still under way.
    let deliver = r#"{"sn":"xxxx-xxxx-xxxx-xxxx","sms_deliver_status":[
        {"port":1,"number":"10086","time":"2016-07-12 15:46:53","ref_id":215,"status_code":0,"imsi":"4600"},
        {"port":1,"number":"10086","time":"2016-07-12 15:47:00","ref_id":216,"status_code":65},
        {"port":1,"number":"10086","time":"2016-07-12 15:47:00","ref_id":217,"status_code":33}]}"#;
    let events = push(deliver).expect("reads");
    let [Event::Status(delivered), Event::Status(failed)] = events.as_slice() else {
        panic!("two statuses: {events:?}")
    };
    assert_eq!(
        delivered.provider_message_id,
        provider_http_gateway::dinstar::ref_alias(Some("xxxx-xxxx-xxxx-xxxx"), 1, 215)
    );
    assert_eq!(
        (delivered.state, delivered.message_id, delivered.at_ms),
        (DeliveryState::Delivered, None, 1_468_349_213_000)
    );
    assert_eq!(failed.provider_message_id, "ref:xxxx-xxxx-xxxx-xxxx:1:216");
    assert!(matches!(&failed.error, Some(SendError::Permanent(f)) if f.code == "status-65"));
}

#[test]
fn results_without_a_user_id_and_other_pushes_are_acknowledged_and_skipped() {
    // The examples of providers.md §4: a result without user_id, and a port registration.
    let result = r#"{"sn":"xxxx-xxxx-xxxx-xxxx","sms_result":[{"port":1,"number":"10086","time":"2016-07-12 01:46:02","status":"DELIVERED","count":1,"succ_count":1,"ref_id":215,"imsi":"4600"}]}"#;
    let register = r#"{"sn":"xxxx-xxxx-xxxx-xxxx","register":[{"port":1,"imsi":"4600","number":"+5491100000001"}]}"#;
    for body in [result, register] {
        assert_eq!(push(body), Ok(Vec::new()), "{body}");
    }
}

#[test]
fn malformed_pushes_are_refused() {
    assert!(matches!(push("not json"), Err(WebhookError::Malformed(_))));
    assert!(matches!(push("[]"), Err(WebhookError::Malformed(_))));
    let mut get_request = get(HOOK);
    get_request.body = br#"{"sms":[]}"#.to_vec();
    assert!(matches!(
        HttpGateway::handle_webhook(DINSTAR, get_request),
        Err(WebhookError::Malformed(_))
    ));
}

#[test]
fn dinstar_polls_unless_turned_off() {
    let interval = |config: &str| {
        HttpGateway::capabilities(config)
            .expect("capabilities")
            .poll_interval_ms
    };
    assert_eq!(interval(DINSTAR), Some(10_000));
    assert_eq!(interval(&with(DINSTAR, r#""poll_interval_ms":0"#)), None);
}
