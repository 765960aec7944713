//! Each SMS provider adapter through a real server against a mock of the provider's API that
//! checks requests as the provider does and answers in its formats: Twilio's Messages API,
//! Sinch's Conversation API (OAuth2 token, then `messages:send`) and Kannel's `sendsms` (the
//! `http-gateway` adapter in Kannel mode).
//!
//! Per provider, outbound: a success (`sent`, with the provider's id), a retryable failure then
//! a success (2 attempts), a permanent refusal of the recipient in the provider's own words
//! (`failed` at once, with its code), and an answer slower than the provider timeout (retried,
//! then `sent`). Inbound: a call authenticated the provider's way (Twilio's and Sinch's
//! signatures, Kannel's secret URL) is stored; a forged one is refused with 401.

use std::time::Duration;

use serde_json::Value;
use switchboard_tests::api;
use switchboard_tests::form::Fields;
use switchboard_tests::kannel;
use switchboard_tests::mock::{MockProvider, Reply};
use switchboard_tests::server::TestServer;
use switchboard_tests::sinch;
use switchboard_tests::twilio;

/// The customer: a valid Argentine mobile number, as the compliance gate requires.
const CUSTOMER: &str = "+5491166660001";

/// Longer than the servers' provider timeout (1 s).
const SLOW: Duration = Duration::from_secs(3);

/// A server with short retries and a 1 s provider timeout.
async fn start() -> TestServer {
    TestServer::start_with(|c| {
        c.messaging.retry_base_ms = 50;
        c.messaging.retry_max_ms = 200;
        c.messaging.provider_timeout_ms = 1_000;
    })
    .await
}

/// The outcomes every provider is checked for after its success, each with one message from
/// `from` to [`CUSTOMER`]: the mock's next answer is scripted, later ones are its default
/// (a success).
struct Outcomes<'a> {
    server: &'a TestServer,
    mock: &'a MockProvider,
    from: &'a str,
}

impl<'a> Outcomes<'a> {
    fn new(server: &'a TestServer, mock: &'a MockProvider, from: &'a str) -> Self {
        Self { server, mock, from }
    }

    async fn send(&self, text: &str) -> i64 {
        api::send_text(self.server, self.from, CUSTOMER, text).await
    }

    /// `failure` (a 5xx), then success: `sent` at the second attempt.
    async fn retried_after(&self, failure: Reply) -> Value {
        self.mock.script([failure]);
        let id = self.send("retry me").await;
        let message = api::wait_status(self.server, id, "sent").await;
        assert_eq!(message["attempts"], 2, "{message}");
        message
    }

    /// `refusal` (the recipient refused): `failed` after one attempt with `code` in its
    /// error code, and never tried again.
    async fn refused(&self, refusal: Reply, code: &str) -> Value {
        let before = self.mock.requests().len();
        self.mock.script([refusal]);
        let id = self.send("doomed").await;
        let message = api::wait_status(self.server, id, "failed").await;
        assert!(
            message["error_code"]
                .as_str()
                .is_some_and(|c| c.contains(code)),
            "error code should contain {code}: {message}"
        );
        assert_eq!(message["attempts"], 1, "{message}");
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(self.mock.requests().len(), before + 1, "no second attempt");
        message
    }

    /// `success` answered after [`SLOW`]: the engine gives up at its timeout and tries again.
    async fn timed_out(&self, success: Reply) -> Value {
        self.mock.script([success.after(SLOW)]);
        let id = self.send("slow").await;
        let message = api::wait_status(self.server, id, "sent").await;
        assert!(
            message["attempts"].as_i64().is_some_and(|a| a >= 2),
            "{message}"
        );
        message
    }
}

/// Waits for the inbound `text` from [`CUSTOMER`] to business number `number`; returns it.
async fn received(server: &TestServer, text: &str, number: &str) -> Value {
    let message = api::wait_inbound(server, CUSTOMER, text, api::SETTLE).await;
    assert_eq!(message["number"], number, "{message}");
    message
}

/// After the forgeries: still the one genuine inbound message, and nothing sent.
async fn only_the_genuine_message(server: &TestServer, mock: &MockProvider) {
    let inbound = api::inbound_messages(server).await;
    assert_eq!(inbound.len(), 1, "nothing forged was stored: {inbound:?}");
    assert!(mock.requests().is_empty(), "nothing went to the provider");
}

/// A server with a Kannel connector against a `sendsms` mock; returns the mock and the
/// connector's webhook URL.
async fn kannel_mock_connector(server: &TestServer) -> (MockProvider, String) {
    let mock = kannel::sendsms_mock().await;
    let sendsms_url = format!("{}{}", mock.url, kannel::SENDSMS_PATH);
    let config = kannel::config(&sendsms_url, kannel::USERNAME, kannel::PASSWORD);
    let (_, url) = api::create_connector(server, &kannel::connector_input(config)).await;
    (mock, url)
}

#[tokio::test]
async fn twilio_sends_retries_refuses_and_times_out() {
    let server = start().await;
    let mock = twilio::api_mock().await;
    let (_, webhook_url) = twilio::connector(&server, &mock).await;

    let text = "Hola, ¿en qué te ayudo?";
    let id = api::send_text(&server, twilio::BUSINESS_NUMBER, CUSTOMER, text).await;
    let sent = api::wait_status(&server, id, "sent").await;
    assert_eq!(sent["provider_message_id"], twilio::sid(1), "{sent}");
    assert_eq!(sent["attempts"], 1, "{sent}");
    let requests = mock.requests();
    let form = Fields::body_of(&requests[0]);
    assert_eq!(
        (form.get("To"), form.get("From"), form.get("Body")),
        (Some(CUSTOMER), Some(twilio::BUSINESS_NUMBER), Some(text)),
        "{}",
        twilio::sent_fields(&requests[0])
    );
    let callback = form
        .get("StatusCallback")
        .expect("a StatusCallback")
        .to_owned();
    assert_eq!(callback, format!("{webhook_url}?sb_message_id={id}"));

    // Twilio reports the delivery on that URL, signed over it (query included).
    let fields = twilio::status_callback(&twilio::sid(1), "delivered", CUSTOMER);
    let signature = twilio::signature(twilio::AUTH_TOKEN, &callback, &fields);
    let (status, _, _) = twilio::post(&server.client(), &callback, &fields, &signature).await;
    assert_eq!(status, 200);
    api::wait_status(&server, id, "delivered").await;

    let outcomes = Outcomes::new(&server, &mock, twilio::BUSINESS_NUMBER);
    outcomes.retried_after(twilio::internal_error()).await;
    outcomes
        .refused(twilio::invalid_to(CUSTOMER), "21211")
        .await;
    let slow = outcomes
        .timed_out(twilio::api_answer(0, &requests[0]))
        .await;
    let last = mock.requests().len();
    assert_eq!(slow["provider_message_id"], twilio::sid(last), "{slow}");
    server.stop().await;
}

#[tokio::test]
async fn twilio_signed_inbound_is_stored_and_forgeries_refused() {
    let server = start().await;
    let mock = twilio::api_mock().await;
    let (_, url) = twilio::connector(&server, &mock).await;
    let client = server.client();

    let text = "Hola, necesito ayuda con mi pedido";
    let sid = "SMe287d7109a5a925f182f0e07fe5b223b";
    let fields = twilio::inbound_sms(sid, CUSTOMER, twilio::BUSINESS_NUMBER, text);
    let signature = twilio::signature(twilio::AUTH_TOKEN, &url, &fields);
    let (status, content_type, body) = twilio::post(&client, &url, &fields, &signature).await;
    assert_eq!(status, 200, "{body}");
    assert!(content_type.starts_with("text/xml"), "{content_type}");
    assert!(body.contains("<Response"), "empty TwiML: {body}");
    let message = received(&server, text, twilio::BUSINESS_NUMBER).await;
    assert_eq!(message["provider_message_id"], sid, "{message}");

    // Signed with another token; and a field changed after signing.
    let other_sid = "SM00000000000000000000000000000002";
    let forged = twilio::inbound_sms(other_sid, CUSTOMER, twilio::BUSINESS_NUMBER, "forged");
    let wrong_key = twilio::signature("not-the-auth-token", &url, &forged);
    assert_eq!(
        twilio::post(&client, &url, &forged, &wrong_key).await.0,
        401
    );
    let altered: Vec<(String, String)> = fields
        .into_iter()
        .map(|(name, value)| match name.as_str() {
            "Body" => (name, "altered".to_owned()),
            _ => (name, value),
        })
        .collect();
    assert_eq!(
        twilio::post(&client, &url, &altered, &signature).await.0,
        401
    );
    only_the_genuine_message(&server, &mock).await;
    server.stop().await;
}

#[tokio::test]
async fn sinch_reuses_one_token_and_sends_retries_refuses_and_times_out() {
    let server = start().await;
    let mock = sinch::api_mock().await;
    sinch::connector(&server, &mock).await;

    // Two sends: one token request, then two sends with it.
    let first = api::send_text(&server, sinch::BUSINESS_NUMBER, CUSTOMER, "uno").await;
    let sent = api::wait_status(&server, first, "sent").await;
    assert_eq!(sent["provider_message_id"], sinch::message_id(2), "{sent}");
    assert_eq!(sent["attempts"], 1, "{sent}");
    let second = api::send_text(&server, sinch::BUSINESS_NUMBER, CUSTOMER, "dos").await;
    let sent = api::wait_status(&server, second, "sent").await;
    assert_eq!(sent["provider_message_id"], sinch::message_id(3), "{sent}");
    let paths: Vec<String> = mock.requests().into_iter().map(|r| r.uri).collect();
    assert_eq!(
        paths,
        [
            sinch::TOKEN_PATH.to_owned(),
            sinch::send_path(),
            sinch::send_path()
        ],
        "the token is asked for once, then reused"
    );
    let body = sinch::last_send(&mock);
    assert_eq!(body["app_id"], sinch::APP_ID, "{body}");
    let identity = &body["recipient"]["identified_by"]["channel_identities"][0];
    assert_eq!(
        (identity["channel"].as_str(), identity["identity"].as_str()),
        (Some("SMS"), Some(CUSTOMER)),
        "{body}"
    );
    assert_eq!(body["message"]["text_message"]["text"], "dos", "{body}");
    assert_eq!(
        body["channel_properties"]["SMS_SENDER"],
        sinch::BUSINESS_NUMBER,
        "{body}"
    );
    assert_eq!(body["correlation_id"], second.to_string(), "{body}");

    let outcomes = Outcomes::new(&server, &mock, sinch::BUSINESS_NUMBER);
    outcomes.retried_after(sinch::unavailable()).await;
    outcomes
        .refused(
            sinch::invalid_recipient(),
            "RECIPIENT_INVALID_CHANNEL_IDENTITY",
        )
        .await;
    let sends = sinch::requests_to(&mock, &sinch::send_path());
    outcomes.timed_out(sinch::api_answer(0, &sends[0])).await;
    assert_eq!(
        sinch::requests_to(&mock, sinch::TOKEN_PATH).len(),
        1,
        "still one token"
    );

    // Sinch stops taking the token: the engine gets a new one, once, and sends again.
    mock.script([sinch::error(
        401,
        "UNAUTHENTICATED",
        "Request had invalid authentication credentials.",
    )]);
    let id = api::send_text(&server, sinch::BUSINESS_NUMBER, CUSTOMER, "tres").await;
    api::wait_status(&server, id, "sent").await;
    assert_eq!(
        sinch::requests_to(&mock, sinch::TOKEN_PATH).len(),
        2,
        "one new token"
    );
    server.stop().await;
}

#[tokio::test]
async fn sinch_signed_inbound_is_stored_and_forgeries_refused() {
    let server = start().await;
    let mock = sinch::api_mock().await;
    let (_, url) = sinch::connector(&server, &mock).await;
    let client = server.client();

    let (id, text) = (
        "01FJ9WXZ2Z7T3K9D4YBQW0ZB6Q",
        "Hola, ¿tienen envío a Córdoba?",
    );
    let body = sinch::inbound_sms(id, CUSTOMER, text);
    let status = sinch::post(&client, &url, &body, sinch::WEBHOOK_SECRET).await;
    assert_eq!(status, 200);
    let message = received(&server, text, sinch::BUSINESS_NUMBER).await;
    assert_eq!(message["provider_message_id"], id, "{message}");

    // Signed with another secret; not signed at all.
    let forged = sinch::inbound_sms("01FJ9WXZ2Z7T3K9D4YBQW0ZB6R", CUSTOMER, "forged");
    assert_eq!(
        sinch::post(&client, &url, &forged, "not-the-secret").await,
        401
    );
    let unsigned = client.post(&url).body(forged).send().await.expect("post");
    assert_eq!(unsigned.status(), 401);
    only_the_genuine_message(&server, &mock).await;
    server.stop().await;
}

#[tokio::test]
async fn kannel_sends_retries_refuses_and_times_out() {
    let server = start().await;
    let (mock, webhook_url) = kannel_mock_connector(&server).await;

    let text = "Tu pedido 1234 sale hoy, ¿dudas?"; // GSM 7-bit: coding 0
    let id = api::send_text(&server, kannel::BUSINESS_NUMBER, CUSTOMER, text).await;
    let sent = api::wait_status(&server, id, "sent").await;
    // Kannel's answer names no id: the receipt's id is the engine's own.
    assert_eq!(sent["provider_message_id"], id.to_string(), "{sent}");
    assert_eq!(sent["attempts"], 1, "{sent}");
    let requests = mock.requests();
    assert_eq!(requests[0].method, "GET");
    let query = Fields::query_of(&requests[0]);
    for (name, value) in [
        ("from", kannel::BUSINESS_NUMBER),
        ("to", CUSTOMER),
        ("text", text),
        ("coding", "0"),
        ("charset", "UTF-8"),
        ("dlr-mask", "27"),
    ] {
        assert_eq!(
            query.get(name),
            Some(value),
            "{name} in {}",
            requests[0].uri
        );
    }
    assert_eq!(
        query.get("dlr-url"),
        Some(format!("{webhook_url}?dlr_id={id}&dlr=%d&answer=%A&to=%p&ts=%T&smsc=%i").as_str()),
        "reports come back to the connector's webhook, naming the message"
    );

    let outcomes = Outcomes::new(&server, &mock, kannel::BUSINESS_NUMBER);
    outcomes.retried_after(kannel::temporal_failure()).await;
    outcomes.refused(kannel::denied(), "400").await;
    outcomes.timed_out(Reply::new(202, kannel::ACCEPTED)).await;
    server.stop().await;
}

#[tokio::test]
async fn kannel_inbound_needs_the_secret_url() {
    let server = start().await;
    let (mock, url) = kannel_mock_connector(&server).await;
    let client = server.client();

    let (id, text) = (
        "3f2a6a0e-0c1d-4a52-9b7e-5d6f7a8b9c0d",
        "Hola & chau: 100% listo",
    );
    let call = kannel::get_url_call(&url, id, CUSTOMER, kannel::BUSINESS_NUMBER, text);
    let response = client.get(&call).send().await.expect("get-url call");
    assert_eq!(response.status(), 200);
    let body = response.text().await.expect("body");
    assert_eq!(body, "", "nothing for Kannel to text back");
    let message = received(&server, text, kannel::BUSINESS_NUMBER).await;
    assert_eq!(message["provider_message_id"], id, "{message}");

    // The same call on the URL with another secret.
    let (base, secret) = url.rsplit_once('/').expect("a secret in the webhook URL");
    let wrong = format!("{base}/{}", "x".repeat(secret.len()));
    let forged = kannel::get_url_call(&wrong, id, CUSTOMER, kannel::BUSINESS_NUMBER, "forged");
    assert_eq!(client.get(&forged).send().await.expect("get").status(), 401);
    only_the_genuine_message(&server, &mock).await;
    server.stop().await;
}

/// The mocks refuse what the real APIs refuse, so a success above means the adapter's request
/// passed the provider's checks.
#[tokio::test]
async fn the_mocks_refuse_what_the_providers_refuse() {
    let client = reqwest::Client::new();
    let twilio = twilio::api_mock().await;
    let messages = format!("{}{}", twilio.url, twilio::messages_path());
    let sms = [
        ("To", CUSTOMER),
        ("From", twilio::BUSINESS_NUMBER),
        ("Body", "hi"),
    ];
    let sinch = sinch::api_mock().await;
    let send = format!("{}{}", sinch.url, sinch::send_path());
    let token = format!("{}{}", sinch.url, sinch::TOKEN_PATH);
    let kannel = kannel::sendsms_mock().await;
    let sendsms = format!("{}{}", kannel.url, kannel::SENDSMS_PATH);
    let account = |password| {
        client
            .post(&messages)
            .basic_auth(twilio::ACCOUNT_SID, Some(password))
    };
    let sendsms_as = |password, to: &[(&str, &str)]| {
        let query = [("username", kannel::USERNAME), ("password", password)];
        let message = [("from", kannel::BUSINESS_NUMBER), ("text", "hi")];
        client.get(&sendsms).query(&query).query(&message).query(to)
    };
    let cases = [
        (account("wrong").form(&sms), 401, "20003"),
        (account(twilio::AUTH_TOKEN).form(&sms[1..]), 400, "21604"),
        (account(twilio::AUTH_TOKEN).json(&sms), 400, "21604"),
        (
            account(twilio::AUTH_TOKEN).form(&sms),
            201,
            "\"status\":\"queued\"",
        ),
        (
            client.post(&token).basic_auth(sinch::KEY_ID, Some("wrong")),
            401,
            "invalid_client",
        ),
        (
            client.post(&send).bearer_auth("stale"),
            401,
            "UNAUTHENTICATED",
        ),
        (
            client
                .post(&send)
                .bearer_auth(sinch::ACCESS_TOKEN)
                .json(&serde_json::json!({"app_id": sinch::APP_ID})),
            400,
            "INVALID_ARGUMENT",
        ),
        (
            sendsms_as("wrong", &[("to", CUSTOMER)]),
            403,
            "Authorization failed for sendsms",
        ),
        (
            sendsms_as(kannel::PASSWORD, &[]),
            400,
            "Missing receiver number, rejected",
        ),
        (
            sendsms_as(kannel::PASSWORD, &[("to", "ana")]),
            400,
            "denied by white- and/or black-lists",
        ),
        (
            sendsms_as(kannel::PASSWORD, &[("to", CUSTOMER)]),
            202,
            kannel::ACCEPTED,
        ),
    ];
    for (request, status, needle) in cases {
        let response = request.send().await.expect("call a mock");
        let (got, url) = (response.status().as_u16(), response.url().clone());
        let body = response.text().await.unwrap_or_default();
        assert_eq!(got, status, "{url}: {body}");
        assert!(body.contains(needle), "{url}: {needle} not in {body}");
    }
}
