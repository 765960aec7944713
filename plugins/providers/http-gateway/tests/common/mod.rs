//! Builders shared by the integration tests: configs, outbound messages, webhook calls, and
//! a copy of Kannel's escape expansion (`urltrans_fill_escape_codes`) to play Kannel's part.
#![allow(dead_code)]

use switchboard_sdk::provider::{
    ContactAddress, Content, HttpResponse, Outbound, Pair, WebhookRequest,
};

pub const KANNEL: &str = r#"{"style":"kannel","sendsms_url":"http://127.0.0.1:13013/cgi-bin/sendsms","username":"switchboard","password":"s3cret"}"#;

pub const DINSTAR: &str = r#"{"style":"dinstar","base_url":"https://192.168.1.20/","username":"admin","password":"pw","ports":[2,3],"sim_numbers":{"1":"+5491100000001"},"utc_offset_minutes":-180}"#;

/// The connector's public webhook URL, secret included.
pub const HOOK: &str = "https://cc.example.com/hooks/k7Qx9";

/// A config with extra fields merged in: `with(KANNEL, r#""smsc":["a"]"#)`.
pub fn with(config: &str, extra: &str) -> String {
    format!("{},{extra}}}", config.trim_end_matches('}'))
}

pub fn to(number: &str) -> ContactAddress {
    ContactAddress {
        number: Some(number.into()),
        user_id: None,
        display_name: None,
    }
}

/// Message 42 from `+15550000` to `+5491155550123` on slot 0, with the webhook URL.
pub fn outbound(text: &str) -> Outbound {
    Outbound {
        from: "+15550000".into(),
        status_callback_url: Some(HOOK.into()),
        ..switchboard_sdk::testing::outbound(Content::Text(text.into()))
    }
}

pub fn response(status: u16, body: &str) -> HttpResponse {
    HttpResponse {
        status,
        headers: Vec::new(),
        body: body.as_bytes().to_vec(),
    }
}

pub fn header(name: &str, value: &str) -> Pair {
    Pair {
        name: name.into(),
        value: value.into(),
    }
}

pub fn get(url: &str) -> WebhookRequest {
    let headers = vec![header("User-Agent", "Kannel/1.4.5")];
    switchboard_sdk::testing::webhook_request("GET", url, headers, b"")
}

pub fn post(url: &str, headers: Vec<Pair>, body: &[u8]) -> WebhookRequest {
    switchboard_sdk::testing::webhook_request("POST", url, headers, body)
}

/// URL-encodes like Kannel's `octstr_url_encode`: space → `+`, unreserved kept, else `%XX`.
pub fn kannel_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for &b in bytes {
        match b {
            b' ' => out.push('+'),
            b'a'..=b'z'
            | b'A'..=b'Z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'!'
            | b'~'
            | b'*'
            | b'\''
            | b'('
            | b')' => out.push(char::from(b)),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Fills Kannel escapes in `pattern` the way smsbox does: each value URL-encoded, `%%` → `%`,
/// an unknown escape left as is.
pub fn kannel_expand(pattern: &str, values: &[(char, &[u8])]) -> String {
    let mut out = String::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => out.push('%'),
            Some(e) => match values.iter().find(|(k, _)| *k == e) {
                Some((_, v)) => out.push_str(&kannel_encode(v)),
                None if "dApPTiIbcCaF".contains(e) => {}
                None => {
                    out.push('%');
                    out.push(e);
                }
            },
            None => out.push('%'),
        }
    }
    out
}

/// The decoded value of query parameter `name` in `url`.
pub fn query_param(url: &str, name: &str) -> Option<Vec<u8>> {
    let query = url.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (n, v) = pair.split_once('=')?;
        (n == name).then(|| provider_http_gateway::query::percent_decode(v.as_bytes()))
    })
}
