//! The live message feed: an agent's socket hears of their reply being queued, sent and read.

use reqwest::Method;
use serde_json::json;
use switchboard_tests::desk::{self, Socket};
use switchboard_tests::server::TestServer;

#[tokio::test]
async fn an_agent_sees_their_reply_move_from_queued_to_read() {
    let server = TestServer::start().await;
    let connector = desk::sandbox(&server, "feed", &["+5491155557000"]).await;
    let agent = desk::user(&server, "ana", "agent").await;
    desk::campaign(
        &server,
        json!({"name": "feed", "numbers": ["+5491155557000"],
               "members": [{"user_id": agent.id}], "settings": {}}),
    )
    .await;
    let mut socket = Socket::open(&server, &agent.token).await;
    let customer = "+5491166667000";
    let conversation = desk::customer_says(&server, connector, customer, "hola").await;
    socket
        .until("conversation.assigned", |d| d["id"] == conversation)
        .await;

    let reply = desk::call(
        &server,
        &agent.token,
        Method::POST,
        &format!("/api/v1/conversations/{conversation}/reply"),
        Some(json!({"text": "¿En qué te ayudo?"})),
        202,
    )
    .await;
    let message = reply["message_id"]
        .as_i64()
        .or(reply["id"].as_i64())
        .expect("the reply's message id");
    let mine = |status: &'static str| {
        move |d: &serde_json::Value| {
            d["id"] == message && d["conversation_id"] == conversation && d["status"] == status
        }
    };
    socket.until("message.updated", mine("queued")).await;
    socket.until("message.updated", mine("sent")).await;

    desk::wait_sent(&server, connector, customer, "ayudo").await;
    let outbox = desk::call(
        &server,
        &server.token,
        Method::GET,
        &format!("/api/v1/sandbox/{connector}/outbox?to=%2B5491166667000"),
        None,
        200,
    )
    .await;
    let sandbox_id = outbox[0]["id"].clone();
    desk::call(
        &server,
        &server.token,
        Method::POST,
        &format!("/api/v1/sandbox/{connector}/status"),
        Some(json!({"id": sandbox_id, "state": "read"})),
        200,
    )
    .await;
    socket.until("message.updated", mine("read")).await;
    socket.close().await;
    server.stop().await;
}
