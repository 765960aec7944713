//! What the supervisor pages read: conversation search by text and disposition, the hourly
//! report of a campaign's day, and agent states on a supervisor's socket (the live board).

use reqwest::Method;
use serde_json::{Value, json};
use switchboard_tests::desk::{self, Socket};
use switchboard_tests::server::TestServer;

const NUMBER: &str = "+5491155552001";

/// A customer writes, the agent gets it, replies and closes with `disposition`.
async fn handled(
    server: &TestServer,
    connector: i64,
    agent: &desk::User,
    socket: &mut Socket,
    customer: &str,
    text: &str,
    disposition: &str,
) -> i64 {
    let conversation = desk::customer_says(server, connector, customer, text).await;
    socket
        .until("conversation.assigned", |d| d["id"] == conversation)
        .await;
    desk::call(
        server,
        &agent.token,
        Method::POST,
        &format!("/api/v1/conversations/{conversation}/reply"),
        Some(json!({"text": "On it"})),
        202,
    )
    .await;
    desk::call(
        server,
        &agent.token,
        Method::POST,
        &format!("/api/v1/conversations/{conversation}/close"),
        Some(json!({"disposition": disposition})),
        204,
    )
    .await;
    desk::wait_conversation(server, conversation, |c| c["open"] == false).await;
    conversation
}

async fn get(server: &TestServer, token: &str, path: &str) -> Value {
    desk::call(server, token, Method::GET, path, None, 200).await
}

fn ids(list: &Value) -> Vec<i64> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|c| c["id"].as_i64().expect("id"))
        .collect()
}

#[tokio::test]
async fn search_by_text_and_disposition_and_the_hourly_report() {
    let server = TestServer::start().await;
    let connector = desk::sandbox(&server, "reports", &[NUMBER]).await;
    let agent = desk::user(&server, "ana", "agent").await;
    let boss = desk::user(&server, "sofia", "supervisor").await;
    let campaign = desk::campaign(
        &server,
        json!({"name": "support", "numbers": [NUMBER], "members": [{"user_id": agent.id}]}),
    )
    .await;
    let mut watcher = Socket::open(&server, &boss.token).await;
    let mut socket = Socket::open(&server, &agent.token).await;
    // The supervisor's socket hears the agent come online: the board follows agent states.
    let state = watcher
        .until("agent.state", |d| {
            d["id"] == agent.id && d["state"] == "free"
        })
        .await;
    assert_eq!(state["data"]["campaigns"], json!([campaign]), "{state}");

    let invoice = handled(
        &server,
        connector,
        &agent,
        &mut socket,
        "+5491166662001",
        "My invoice 100% wrong",
        "billing",
    )
    .await;
    let other = handled(
        &server,
        connector,
        &agent,
        &mut socket,
        "+5491166662002",
        "hola",
        "resolved",
    )
    .await;

    let token = &boss.token;
    let found = get(&server, token, "/api/v1/recordings?text=INVOICE%20100%25").await;
    assert_eq!(
        ids(&found),
        vec![invoice],
        "text, any case, % literal: {found}"
    );
    let none = get(&server, token, "/api/v1/recordings?text=100_").await;
    assert_eq!(ids(&none), Vec::<i64>::new(), "`_` is literal too: {none}");
    let resolved = get(&server, token, "/api/v1/recordings?disposition=resolved").await;
    assert_eq!(ids(&resolved), vec![other], "{resolved}");
    let closed = get(&server, token, "/api/v1/recordings?open=false").await;
    assert_eq!(ids(&closed), vec![other, invoice], "{closed}");
    let open = get(&server, token, "/api/v1/recordings?open=true").await;
    assert_eq!(ids(&open), Vec::<i64>::new(), "{open}");

    let report = get(
        &server,
        token,
        &format!("/api/v1/reports/hourly?campaign_id={campaign}"),
    )
    .await;
    assert_eq!(report["tz"], "UTC");
    let hours = report["hours"].as_array().expect("hours");
    assert_eq!(hours.len(), 24, "{report}");
    let queued: u64 = hours
        .iter()
        .map(|h| h["queued"].as_u64().unwrap_or(0))
        .sum();
    let answered: u64 = hours
        .iter()
        .map(|h| h["answered"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(
        (report["queued"].as_u64(), queued, answered),
        (Some(2), 2, 2),
        "{report}"
    );
    assert_eq!(report["service_level"], 100.0, "{report}");
    // Bad input gets a clear error.
    for bad in ["date=2026-13-01", "tz=Mars%2FOlympus"] {
        let error = desk::call(
            &server,
            token,
            Method::GET,
            &format!("/api/v1/reports/hourly?campaign_id={campaign}&{bad}"),
            None,
            422,
        )
        .await;
        assert_eq!(error["code"], "invalid", "{bad}: {error}");
    }
    socket.close().await;
    watcher.close().await;
    server.stop().await;
}
