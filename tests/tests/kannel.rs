//! The `http-gateway` adapter in Kannel mode against a real Kannel (Debian's `kannel` and
//! `kannel-extras`: bearerbox, smsbox and the fake SMSC `fakesmsc`, run on loopback by
//! `scripts/kannel`), through a real server: a send reaches the fake SMSC and ends `sent`,
//! Kannel's delivery reports on the adapter's `dlr-url` move a message to `delivered`, and a
//! message from the fake SMSC arrives through the `get-url` as an inbound message.
//!
//! Kannel is installed when missing (as root, with apt). When that fails the test fails,
//! unless `SWITCHBOARD_SKIP_KANNEL=1`, which makes it say why and return.

use std::time::{Duration, Instant};

use serde_json::Value;
use switchboard_tests::api;
use switchboard_tests::kannel::{self, BUSINESS_NUMBER, RealKannel};
use switchboard_tests::server::TestServer;

const CUSTOMER: &str = "+5491166660001";

/// How long Kannel may take to pass a message on (its queues poll about every second).
const KANNEL_SETTLE: Duration = Duration::from_secs(20);

/// The `get-url` pattern the adapter's README asks for, after the connector's webhook URL.
fn readme_get_url_pattern() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../plugins/providers/http-gateway/README.md"
    );
    let readme = std::fs::read_to_string(path).expect("the http-gateway README");
    readme
        .lines()
        .map(str::trim)
        .find_map(|line| line.strip_prefix("<connector webhook URL>"))
        .expect("the README gives the get-url pattern")
        .to_owned()
}

/// Waits until the fake SMSC got `text` from the business number for the customer.
fn wait_fakesmsc(kannel: &RealKannel, text: &str) {
    let wanted = (
        BUSINESS_NUMBER.to_owned(),
        CUSTOMER.to_owned(),
        text.to_owned(),
    );
    let deadline = Instant::now() + KANNEL_SETTLE;
    while !kannel.fakesmsc_received().contains(&wanted) {
        assert!(
            Instant::now() < deadline,
            "the fake SMSC did not get {wanted:?} within {KANNEL_SETTLE:?}:\n{}",
            kannel.fakesmsc_log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test]
async fn kannel_sends_reports_and_receives_through_the_adapter() {
    if let Err(why) = kannel::install() {
        if std::env::var("SWITCHBOARD_SKIP_KANNEL").as_deref() == Ok("1") {
            eprintln!("skipping the Kannel test (SWITCHBOARD_SKIP_KANNEL=1): {why}");
            return;
        }
        panic!(
            "Kannel is needed and could not be installed: {why}\n\
             (install Debian's kannel and kannel-extras, or set SWITCHBOARD_SKIP_KANNEL=1 to skip)"
        );
    }
    let server = TestServer::start_with(|c| {
        c.messaging.retry_base_ms = 50;
        c.messaging.retry_max_ms = 200;
        c.messaging.provider_timeout_ms = 5_000;
    })
    .await;

    // The connector first (its webhook URL is Kannel's get-url), then Kannel, then the
    // connector pointed at Kannel's sendsms. No reports yet (dlr_mask 0).
    let placeholder = kannel::config("http://127.0.0.1:9/cgi-bin/sendsms", "pending", "pending");
    let (id, webhook_url) =
        api::create_connector(&server, &kannel::connector_input(placeholder)).await;
    let kannel = RealKannel::start(&webhook_url);
    assert_eq!(
        kannel.configured_get_url(),
        format!("{webhook_url}{}", readme_get_url_pattern()),
        "scripts/kannel writes the get-url the adapter's README asks for"
    );
    let mut config = kannel.connector_config();
    config["dlr_mask"] = Value::from(0);
    api::update_connector(&server, id, &kannel::connector_input(config.clone())).await;

    // (a) A send reaches the fake SMSC; without reports it ends `sent`.
    let text = "Hola, tu turno es mañana 10:30";
    let first = api::send_text(&server, BUSINESS_NUMBER, CUSTOMER, text).await;
    let sent = api::wait_message(&server, first, KANNEL_SETTLE, |m| m["status"] == "sent").await;
    assert_eq!(sent["provider_message_id"], first.to_string(), "{sent}");
    assert_eq!(sent["attempts"], 1, "{sent}");
    wait_fakesmsc(&kannel, text);
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let settled = api::read(&server, &format!("/api/v1/messages/{first}")).await;
    assert_eq!(
        settled["status"], "sent",
        "no report was asked for: {settled}"
    );

    // (b) With the default mask (27), Kannel's reports on the dlr-url move the next one to
    // `delivered`.
    config["dlr_mask"] = Value::from(27);
    api::update_connector(&server, id, &kannel::connector_input(config)).await;
    let second_text = "¿Confirmás el turno? Respondé SI o NO";
    let second = api::send_text(&server, BUSINESS_NUMBER, CUSTOMER, second_text).await;
    let delivered = api::wait_message(&server, second, KANNEL_SETTLE, |m| {
        m["status"] == "delivered"
    })
    .await;
    assert_eq!(
        delivered["provider_message_id"],
        second.to_string(),
        "{delivered}"
    );
    assert!(delivered["error_code"].is_null(), "{delivered}");
    wait_fakesmsc(&kannel, second_text);

    // (c) A message from the fake SMSC comes in through the get-url.
    let inbound = "Sí, confirmo. ¡Gracias!";
    kannel.inject("+5491166660002", BUSINESS_NUMBER, inbound);
    let message = api::wait_inbound(&server, "+5491166660002", inbound, KANNEL_SETTLE).await;
    assert_eq!(message["number"], BUSINESS_NUMBER, "{message}");
    assert_eq!(message["status"], "received", "{message}");
    assert!(
        message["provider_message_id"]
            .as_str()
            .is_some_and(|id| id.len() == 36),
        "Kannel's message UUID (%I) is the id: {message}"
    );
    server.stop().await;
}
