//! Against a real Kannel, driven by `live/kannel-smoke.sh` (ignored by default):
//! `print_sendsms_urls` prints the sendsms URLs for the script to GET, and `read_capture`
//! runs every call Kannel then made to the webhook through the adapter and checks what came
//! out. Environment: `KANNEL_LIVE_CONFIG` (connector config), `KANNEL_LIVE_HOOK` (webhook
//! URL), `KANNEL_LIVE_CAPTURE` (the JSON lines `live/capture.py` wrote).

use provider_http_gateway::HttpGateway;
use switchboard_sdk::provider::{
    ContactAddress, Content, DeliveryState, Event, Outbound, Pair, Provider, WebhookRequest,
};

/// What the script sends: message ids and texts (7-bit, UCS-2, three parts).
const SENT: [(u64, &str); 3] = [
    (1001, "Hola mundo & más: 10€ [ok]"),
    (1002, "Привет 😀"),
    (
        1003,
        "long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long ",
    ),
];

/// What the script's fake SMSC sends in.
const RECEIVED: [&str; 2] = ["Hola mundo & mas", "При😀"];

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("set {name} (see live/kannel-smoke.sh)"))
}

#[test]
#[ignore = "needs a running Kannel: live/kannel-smoke.sh"]
fn print_sendsms_urls() {
    let config = env("KANNEL_LIVE_CONFIG");
    for (id, text) in SENT {
        let message = Outbound {
            message_id: id,
            from: "15550000".into(),
            to: ContactAddress {
                number: Some("+5491155550123".into()),
                user_id: None,
                display_name: None,
            },
            content: Content::Text(text.into()),
            reply_to: None,
            channel_slot: 0,
            status_callback_url: Some(env("KANNEL_LIVE_HOOK")),
        };
        let request = HttpGateway::prepare_send(&config, None, message).expect("builds");
        println!("SENDSMS {}", request.url);
    }
}

fn request(line: &str) -> WebhookRequest {
    let call: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
    let text = |v: &serde_json::Value| v.as_str().unwrap_or("").to_owned();
    let hex = text(&call["body_hex"]);
    WebhookRequest {
        method: text(&call["method"]),
        url: format!("http://engine.test{}", text(&call["path"])),
        headers: call["headers"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|h| Pair {
                name: text(&h[0]),
                value: text(&h[1]),
            })
            .collect(),
        body: (0..hex.len() / 2)
            .filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
            .collect(),
        peer_addr: "127.0.0.1".into(),
        received_at_ms: switchboard_sdk::testing::NOW_MS,
    }
}

#[test]
#[ignore = "needs a capture of Kannel's calls: live/kannel-smoke.sh"]
fn read_capture() {
    let config = env("KANNEL_LIVE_CONFIG");
    let capture = std::fs::read_to_string(env("KANNEL_LIVE_CAPTURE")).expect("capture");
    let (mut delivered, mut sent, mut texts) = (Vec::new(), Vec::new(), Vec::new());
    for line in capture.lines() {
        let request = request(line);
        println!("{} {}", request.method, request.url);
        let result = HttpGateway::handle_webhook(&config, request).expect("the adapter reads it");
        for event in result.events {
            println!("  {event:?}");
            match event {
                Event::Status(s) if s.state == DeliveryState::Delivered => {
                    delivered.push(s.message_id)
                }
                Event::Status(s) if s.state == DeliveryState::Sent => sent.push(s.message_id),
                Event::Message(m) => texts.push(m.content),
                Event::Status(_) | Event::Template(_) => {}
            }
        }
    }
    for (id, _) in SENT {
        assert!(sent.contains(&Some(id)), "no `sent` report for {id}");
        assert!(
            delivered.contains(&Some(id)),
            "no `delivered` report for {id}"
        );
    }
    for text in RECEIVED {
        assert!(
            texts.contains(&Content::Text(text.into())),
            "{text} not received: {texts:?}"
        );
    }
}
