//! Roles on every endpoint: an agent cannot read another agent's conversation, act as a
//! supervisor, or reach admin endpoints; a supervisor limited to some campaigns sees only those.

use reqwest::Method;
use serde_json::json;
use switchboard_tests::desk::{self, Socket};
use switchboard_tests::server::TestServer;

const NUMBER: &str = "+5491155553001";
const CUSTOMER: &str = "+5491166663001";

/// A campaign with agents `ana` (connected) and `bob`, and one conversation assigned to ana.
async fn setup(server: &TestServer) -> (desk::User, desk::User, i64, Socket) {
    let connector = desk::sandbox(server, "rbac", &[NUMBER]).await;
    let ana = desk::user(server, "ana", "agent").await;
    let bob = desk::user(server, "bob", "agent").await;
    desk::campaign(
        server,
        json!({"name": "sales", "numbers": [NUMBER],
               "members": [{"user_id": ana.id}, {"user_id": bob.id}]}),
    )
    .await;
    let mut socket = Socket::open(server, &ana.token).await;
    let conversation = desk::customer_says(server, connector, CUSTOMER, "hi").await;
    socket
        .until("conversation.assigned", |d| d["id"] == conversation)
        .await;
    (ana, bob, conversation, socket)
}

#[tokio::test]
async fn an_agent_cannot_read_or_touch_another_agents_conversation() {
    let server = TestServer::start().await;
    let (ana, bob, conversation, _socket) = setup(&server).await;
    for path in [
        format!("/api/v1/conversations/{conversation}"),
        format!("/api/v1/conversations/{conversation}/messages"),
        format!("/api/v1/conversations/{conversation}/notes"),
        format!("/api/v1/recordings/{conversation}/transcript"),
    ] {
        assert_eq!(
            desk::status(&server, &bob.token, Method::GET, &path, None).await,
            404,
            "{path}"
        );
        assert_eq!(
            desk::status(&server, &ana.token, Method::GET, &path, None).await,
            200,
            "{path}"
        );
    }
    let reply = format!("/api/v1/conversations/{conversation}/reply");
    let body = Some(json!({"text": "not mine"}));
    assert_eq!(
        desk::status(&server, &bob.token, Method::POST, &reply, body).await,
        409
    );
    let close = format!("/api/v1/conversations/{conversation}/close");
    assert_eq!(
        desk::status(&server, &bob.token, Method::POST, &close, Some(json!({}))).await,
        409
    );
    // Bob's search finds nothing of Ana's.
    let found = desk::call(
        &server,
        &bob.token,
        Method::GET,
        "/api/v1/recordings",
        None,
        200,
    )
    .await;
    assert_eq!(found.as_array().map(Vec::len), Some(0), "{found}");
    let found = desk::call(
        &server,
        &ana.token,
        Method::GET,
        "/api/v1/recordings",
        None,
        200,
    )
    .await;
    assert_eq!(found.as_array().map(Vec::len), Some(1), "{found}");
    server.stop().await;
}

#[tokio::test]
async fn an_agent_cannot_act_as_a_supervisor() {
    let server = TestServer::start().await;
    let (ana, bob, conversation, _socket) = setup(&server).await;
    assert_eq!(
        desk::status(&server, &bob.token, Method::GET, "/api/v1/board", None).await,
        403
    );
    for action in ["pause", "resume", "logout"] {
        let path = format!("/api/v1/agents/{}/{action}", ana.id);
        assert_eq!(
            desk::status(&server, &bob.token, Method::POST, &path, None).await,
            403,
            "{action}"
        );
    }
    // Spying is refused on the socket.
    let mut socket = Socket::open(&server, &bob.token).await;
    socket
        .send(json!({"type": "spy", "conversation_id": conversation}))
        .await;
    let answer = socket.until("error", |_| true).await;
    assert!(
        answer["data"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("supervisor"),
        "{answer}"
    );
    // A supervisor can, and it is audited.
    let boss = desk::user(&server, "sue", "supervisor").await;
    let board = desk::call(
        &server,
        &boss.token,
        Method::GET,
        "/api/v1/board",
        None,
        200,
    )
    .await;
    assert_eq!(board["campaigns"][0]["active"], 1, "{board}");
    let mut spy = Socket::open(&server, &boss.token).await;
    spy.send(json!({"type": "spy", "conversation_id": conversation}))
        .await;
    spy.until("spying", |d| d["conversation_id"] == conversation)
        .await;
    let audit = desk::call(
        &server,
        &server.token,
        Method::GET,
        "/api/v1/audit?action=conversation.spy",
        None,
        200,
    )
    .await;
    assert!(
        audit
            .to_string()
            .contains(&format!("conversation:{conversation}")),
        "{audit}"
    );
    server.stop().await;
}

#[tokio::test]
async fn an_agent_cannot_reach_admin_endpoints() {
    let server = TestServer::start().await;
    let agent = desk::user(&server, "ann", "agent").await;
    for (method, path, body) in [
        (Method::GET, "/api/v1/connectors", None),
        (Method::GET, "/api/v1/users", None),
        (Method::GET, "/api/v1/campaigns", None),
        (
            Method::POST,
            "/api/v1/campaigns",
            Some(json!({"name": "x"})),
        ),
        (
            Method::POST,
            "/api/v1/breaks",
            Some(json!({"name": "lunch"})),
        ),
        (Method::GET, "/api/v1/plugins", None),
        (
            Method::POST,
            "/api/v1/messages",
            Some(json!({"from": NUMBER, "to": CUSTOMER, "text": "x"})),
        ),
    ] {
        assert_eq!(
            desk::status(&server, &agent.token, method.clone(), path, body).await,
            403,
            "{method} {path}"
        );
    }
    server.stop().await;
}
