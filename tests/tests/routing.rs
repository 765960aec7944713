//! Routing end to end over the real HTTP API: a customer writes through the sandbox, the menu
//! bot answers, the conversation queues and is assigned by each bundled strategy to an agent
//! connected over its socket, the agent's reply reaches the sandbox outbox, the agent closes
//! and the survey bot stores the customer's score. Then the rules a campaign setting sets,
//! where they need the whole engine (blacklists, the 24 h window's campaign).

use reqwest::Method;
use serde_json::json;
use switchboard_tests::desk::{self, Socket};
use switchboard_tests::server::TestServer;

const STRATEGIES: [&str; 6] = [
    "round-robin",
    "longest-idle",
    "least-busy",
    "weighted-random",
    "skills",
    "sticky",
];

#[tokio::test]
async fn a_customer_goes_from_bot_to_agent_to_survey_with_every_strategy() {
    let server = TestServer::start().await;
    let numbers: Vec<String> = (0..STRATEGIES.len())
        .map(|i| format!("+5491155551{i:03}"))
        .collect();
    let number_refs: Vec<&str> = numbers.iter().map(String::as_str).collect();
    let connector = desk::sandbox(&server, "desk", &number_refs).await;
    let agent = desk::user(&server, "ana", "agent").await;
    for (i, strategy) in STRATEGIES.iter().enumerate() {
        desk::campaign(
            &server,
            json!({
                "name": format!("support-{strategy}"),
                "numbers": [numbers[i]],
                "members": [{"user_id": agent.id}],
                "settings": {
                    "strategy": {"plugin": strategy},
                    "bot_on_start": {"plugin": "menu", "config": {
                        "greeting": "Welcome! Choose:",
                        "options": [{"key": "1", "label": "Talk to an agent"}]}},
                    "bot_on_end": {"plugin": "survey"},
                }
            }),
        )
        .await;
    }
    let mut socket = Socket::open(&server, &agent.token).await;
    for (i, strategy) in STRATEGIES.iter().enumerate() {
        let customer = format!("+5491166661{i:03}");
        // The sandbox is the number's connector; the customer writes to numbers[i].
        let conversation = inject_to(&server, connector, &customer, &numbers[i], "hola").await;
        desk::wait_sent(&server, connector, &customer, "Welcome!").await;
        inject_to(&server, connector, &customer, &numbers[i], "1").await;
        let assigned = socket
            .until("conversation.assigned", |d| d["id"] == conversation)
            .await;
        assert_eq!(assigned["data"]["agent_id"], agent.id, "{strategy}");
        let reply = format!("Hello from {strategy}");
        desk::call(
            &server,
            &agent.token,
            Method::POST,
            &format!("/api/v1/conversations/{conversation}/reply"),
            Some(json!({"text": reply})),
            202,
        )
        .await;
        desk::wait_sent(&server, connector, &customer, &reply).await;
        desk::call(
            &server,
            &agent.token,
            Method::POST,
            &format!("/api/v1/conversations/{conversation}/close"),
            Some(json!({"disposition": "resolved"})),
            204,
        )
        .await;
        desk::wait_sent(&server, connector, &customer, "How would you rate").await;
        inject_to(&server, connector, &customer, &numbers[i], "5").await;
        let done = desk::wait_conversation(&server, conversation, |c| c["state"] == "closed").await;
        assert_eq!(done["csat"], 5, "{strategy}: {done}");
        assert_eq!(done["disposition"], "resolved", "{strategy}: {done}");
        assert_eq!(done["agent_id"], agent.id, "{strategy}: {done}");
    }
    // Every conversation was answered in time: the service level report says 100 %.
    let report = desk::call(
        &server,
        &server.token,
        Method::GET,
        "/api/v1/reports/service-level?campaign_id=1&interval_minutes=60",
        None,
        200,
    )
    .await;
    assert_eq!(report["service_level"], 100.0, "{report}");
    let answered: u64 = report["intervals"]
        .as_array()
        .expect("intervals")
        .iter()
        .map(|i| i["answered"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(answered, 1, "{report}");
    socket.close().await;
    server.stop().await;
}

/// A customer message to a given business number of a sandbox connector.
async fn inject_to(server: &TestServer, connector: i64, from: &str, to: &str, text: &str) -> i64 {
    let injected = desk::call(
        server,
        &server.token,
        Method::POST,
        &format!("/api/v1/sandbox/{connector}/inbound"),
        Some(json!({"from": from, "to": to, "text": text})),
        200,
    )
    .await;
    injected["conversation_id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no conversation for {from} → {to}: {injected}"))
}

#[tokio::test]
async fn the_incoming_blacklist_switch_decides_whether_a_listed_customer_is_refused() {
    let server = TestServer::start().await;
    let connector = desk::sandbox(
        &server,
        "bl",
        &["+5491155552001", "+5491155552002", "+5491155552003"],
    )
    .await;
    let agent = desk::user(&server, "bea", "agent").await;
    let mut ids = Vec::new();
    for (name, number, incoming, outgoing) in [
        ("strict", "+5491155552001", true, true),
        ("open", "+5491155552002", false, true),
        ("free", "+5491155552003", false, false),
    ] {
        let id = desk::campaign(
            &server,
            json!({"name": name, "numbers": [number], "members": [{"user_id": agent.id}],
                   "incoming_blacklist": incoming, "outgoing_blacklist": outgoing}),
        )
        .await;
        ids.push(id);
    }
    let listed = "+5491166662000";
    desk::call(
        &server,
        &server.token,
        Method::POST,
        "/api/v1/blacklist",
        Some(json!({"address": listed, "direction": "both"})),
        200,
    )
    .await;
    let mut socket = Socket::open(&server, &agent.token).await;
    // Refused where the switch is on: no conversation at all.
    let refused = desk::call(
        &server,
        &server.token,
        Method::POST,
        &format!("/api/v1/sandbox/{connector}/inbound"),
        Some(json!({"from": listed, "to": "+5491155552001", "text": "hi"})),
        200,
    )
    .await;
    assert!(refused["conversation_id"].is_null(), "{refused}");
    // Taken where it is off.
    let taken = inject_to(&server, connector, listed, "+5491155552002", "hi").await;
    socket
        .until("conversation.assigned", |d| d["id"] == taken)
        .await;
    // And outgoing: the manual list blocks the reply only where the outgoing switch is on.
    let blocked = desk::status(
        &server,
        &agent.token,
        Method::POST,
        &format!("/api/v1/conversations/{taken}/reply"),
        Some(json!({"text": "hello"})),
    )
    .await;
    assert_eq!(blocked, 409, "the outgoing blacklist is on");
    let free = inject_to(&server, connector, listed, "+5491155552003", "hi").await;
    socket
        .until("conversation.assigned", |d| d["id"] == free)
        .await;
    desk::call(
        &server,
        &agent.token,
        Method::POST,
        &format!("/api/v1/conversations/{free}/reply"),
        Some(json!({"text": "hello"})),
        202,
    )
    .await;
    // The campaign's own list applies whatever the switch says.
    desk::call(
        &server,
        &server.token,
        Method::POST,
        "/api/v1/blacklist",
        Some(json!({"address": listed, "direction": "out", "campaign_id": ids[2]})),
        200,
    )
    .await;
    let blocked = desk::status(
        &server,
        &agent.token,
        Method::POST,
        &format!("/api/v1/conversations/{free}/reply"),
        Some(json!({"text": "again"})),
    )
    .await;
    assert_eq!(blocked, 409, "the campaign's outgoing list");
    server.stop().await;
}

#[tokio::test]
async fn fifty_simultaneous_arrivals_never_exceed_capacity() {
    let server = TestServer::start().await;
    let connector = desk::sandbox(&server, "rush", &["+5491155555001"]).await;
    let mut agents = Vec::new();
    for n in 0..5 {
        agents.push(desk::user(&server, &format!("agent{n}"), "agent").await);
    }
    let members: Vec<_> = agents.iter().map(|a| json!({"user_id": a.id})).collect();
    desk::campaign(
        &server,
        json!({"name": "rush", "numbers": ["+5491155555001"], "members": members,
               "settings": {"max_per_agent": 2}}),
    )
    .await;
    let mut sockets = Vec::new();
    for agent in &agents {
        sockets.push(Socket::open(&server, &agent.token).await);
    }
    let arrivals: Vec<_> = (0..50)
        .map(|n| {
            let (url, token) = (server.url.clone(), server.token.clone());
            tokio::spawn(async move {
                reqwest::Client::new()
                    .post(format!("{url}/api/v1/sandbox/{connector}/inbound"))
                    .bearer_auth(token)
                    .json(&json!({"from": format!("+5491166665{n:03}"), "text": "hi"}))
                    .send()
                    .await
                    .expect("inbound")
                    .status()
            })
        })
        .collect();
    for arrival in arrivals {
        assert_eq!(arrival.await.expect("task"), 200);
    }
    let board = loop {
        let board = desk::call(
            &server,
            &server.token,
            Method::GET,
            "/api/v1/board",
            None,
            200,
        )
        .await;
        let k = &board["campaigns"][0];
        if k["active"].as_u64().unwrap_or(0) + k["waiting"].as_u64().unwrap_or(0) == 50 {
            break board;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert_eq!(board["campaigns"][0]["active"], 10, "{board}");
    assert_eq!(board["campaigns"][0]["waiting"], 40, "{board}");
    for agent in board["agents"].as_array().expect("agents") {
        assert_eq!(agent["active"], 2, "{agent}");
    }
    server.stop().await;
}
