//! What the agent's desk reads around a conversation: the window, templates and pre-set
//! replies, the contact, the customer's earlier conversations, the campaign's templates for an
//! outbound start, the people to transfer to or chat with; and transfers on both desks. Only
//! for who may see them.

use reqwest::Method;
use serde_json::json;
use switchboard_tests::desk::{self, Socket};
use switchboard_tests::server::TestServer;

const NUMBER: &str = "+5491155554001";
const CUSTOMER: &str = "+5491166664001";

#[tokio::test]
async fn an_agent_reads_the_context_of_its_conversation_and_nobody_elses() {
    let server = TestServer::start().await;
    let connector = desk::sandbox(&server, "desk-context", &[NUMBER]).await;
    let ana = desk::user(&server, "ana", "agent").await;
    let bob = desk::user(&server, "bob", "agent").await;
    let sofia = desk::user(&server, "sofia", "supervisor").await;
    let campaign = desk::campaign(
        &server,
        json!({"name": "support", "numbers": [NUMBER],
               "members": [{"user_id": ana.id}, {"user_id": bob.id}],
               "settings": {"preset_replies": [{"code": "hi", "title": "Greeting", "text": "Hello!"}]}}),
    )
    .await;
    desk::call(
        &server,
        &server.token,
        Method::POST,
        "/api/v1/templates",
        Some(
            json!({"connector_id": connector, "code": "reminder", "language": "es_AR",
                    "body": "Hola {{1}}, tu turno es a las {{2}}"}),
        ),
        200,
    )
    .await;
    desk::call(
        &server,
        &server.token,
        Method::POST,
        "/api/v1/templates",
        Some(
            json!({"connector_id": connector, "code": "draft", "language": "es_AR",
                    "body": "not yet", "status": "pending"}),
        ),
        200,
    )
    .await;

    // A first conversation, closed, then a second one with the same customer.
    let mut ana_socket = Socket::open(&server, &ana.token).await;
    let first = desk::customer_says(&server, connector, CUSTOMER, "first time").await;
    ana_socket
        .until("conversation.assigned", |d| d["id"] == first)
        .await;
    desk::call(
        &server,
        &ana.token,
        Method::POST,
        &format!("/api/v1/conversations/{first}/close"),
        Some(json!({"disposition": "resolved"})),
        204,
    )
    .await;
    desk::wait_conversation(&server, first, |c| c["open"] == false).await;
    let second = desk::customer_says(&server, connector, CUSTOMER, "again").await;
    assert_ne!(first, second);
    ana_socket
        .until("conversation.assigned", |d| d["id"] == second)
        .await;

    let context = desk::call(
        &server,
        &ana.token,
        Method::GET,
        &format!("/api/v1/conversations/{second}/context"),
        None,
        200,
    )
    .await;
    assert_eq!(context["conversation"]["id"], second, "{context}");
    assert_eq!(context["window"]["applies"], true, "{context}");
    assert_eq!(context["window"]["open"], true, "{context}");
    assert!(context["window"]["closes_at"].is_string(), "{context}");
    assert_eq!(context["contact"]["number"], CUSTOMER, "{context}");
    assert_eq!(context["preset_replies"][0]["code"], "hi", "{context}");
    let codes: Vec<&str> = context["templates"]
        .as_array()
        .expect("templates")
        .iter()
        .filter_map(|t| t["code"].as_str())
        .collect();
    assert_eq!(codes, ["reminder"], "only approved templates: {context}");

    // Contact fields written through PATCH come back in the context.
    let contact = context["contact"]["id"].as_i64().expect("contact id");
    desk::call(
        &server,
        &ana.token,
        Method::PATCH,
        &format!("/api/v1/contacts/{contact}"),
        Some(json!({"name": "Carla", "attributes": {"plan": "gold"}})),
        204,
    )
    .await;
    let context = desk::call(
        &server,
        &ana.token,
        Method::GET,
        &format!("/api/v1/conversations/{second}/context"),
        None,
        200,
    )
    .await;
    assert_eq!(context["contact"]["name"], "Carla", "{context}");
    assert_eq!(
        context["contact"]["attributes"]["plan"], "gold",
        "{context}"
    );

    // The earlier conversation, with its messages.
    let earlier = desk::call(
        &server,
        &ana.token,
        Method::GET,
        &format!("/api/v1/conversations/{second}/earlier"),
        None,
        200,
    )
    .await;
    let earlier = earlier.as_array().expect("list");
    assert_eq!(earlier.len(), 1, "{earlier:?}");
    assert_eq!(earlier[0]["conversation"]["id"], first);
    assert_eq!(earlier[0]["conversation"]["disposition"], "resolved");
    assert_eq!(
        earlier[0]["messages"][0]["content"]["text"], "first time",
        "{earlier:?}"
    );

    // Bob holds neither: both reads are 404, as for the conversation itself.
    for path in [
        format!("/api/v1/conversations/{second}/context"),
        format!("/api/v1/conversations/{second}/earlier"),
    ] {
        assert_eq!(
            desk::status(&server, &bob.token, Method::GET, &path, None).await,
            404,
            "{path}"
        );
    }

    // Templates for an outbound start: members and supervisors, not strangers.
    let path = format!("/api/v1/desk/templates?campaign_id={campaign}");
    let templates = desk::call(&server, &bob.token, Method::GET, &path, None, 200).await;
    assert_eq!(templates[0]["code"], "reminder", "{templates}");
    assert_eq!(templates.as_array().map(Vec::len), Some(1));
    let stranger = desk::user(&server, "eve", "agent").await;
    assert_eq!(
        desk::status(&server, &stranger.token, Method::GET, &path, None).await,
        404
    );
    desk::call(&server, &sofia.token, Method::GET, &path, None, 200).await;

    // People: the campaign's agents with their state, and the supervisor to chat with.
    let people = desk::call(
        &server,
        &ana.token,
        Method::GET,
        "/api/v1/desk/people",
        None,
        200,
    )
    .await;
    let agents: Vec<i64> = people["agents"]
        .as_array()
        .expect("agents")
        .iter()
        .filter_map(|a| a["agent_id"].as_i64())
        .collect();
    assert!(
        agents.contains(&ana.id) && agents.contains(&bob.id),
        "{people}"
    );
    assert!(
        people["supervisors"]
            .as_array()
            .expect("supervisors")
            .iter()
            .any(|s| s["id"] == sofia.id),
        "{people}"
    );
}

#[tokio::test]
async fn a_transfer_shows_on_both_desks_until_taken() {
    let server = TestServer::start().await;
    let connector = desk::sandbox(&server, "desk-transfer", &[NUMBER]).await;
    let ana = desk::user(&server, "ana", "agent").await;
    let bob = desk::user(&server, "bob", "agent").await;
    desk::campaign(
        &server,
        json!({"name": "support", "numbers": [NUMBER],
               "members": [{"user_id": ana.id}, {"user_id": bob.id}]}),
    )
    .await;
    let mut ana_socket = Socket::open(&server, &ana.token).await;
    let mut bob_socket = Socket::open(&server, &bob.token).await;
    let conversation = desk::customer_says(&server, connector, CUSTOMER, "hi").await;
    let assigned =
        desk::wait_conversation(&server, conversation, |c| c["state"] == "assigned").await;
    // Whoever got it transfers it to the other.
    let (from, to, from_socket, to_socket) = if assigned["agent_id"] == ana.id {
        (&ana, &bob, &mut ana_socket, &mut bob_socket)
    } else {
        (&bob, &ana, &mut bob_socket, &mut ana_socket)
    };
    desk::call(
        &server,
        &from.token,
        Method::POST,
        &format!("/api/v1/conversations/{conversation}/transfer"),
        Some(json!({"agent_id": to.id})),
        204,
    )
    .await;
    to_socket
        .until("conversation.transferring", |d| d["id"] == conversation)
        .await;
    let target = desk::call(&server, &to.token, Method::GET, "/api/v1/desk", None, 200).await;
    assert_eq!(target["transfers_in"], json!([conversation]), "{target}");
    assert!(
        target["conversations"]
            .as_array()
            .expect("list")
            .iter()
            .any(|c| c["id"] == conversation),
        "the target sees it to accept: {target}"
    );
    let sender = desk::call(&server, &from.token, Method::GET, "/api/v1/desk", None, 200).await;
    assert_eq!(sender["transfers_out"], json!([conversation]), "{sender}");
    desk::call(
        &server,
        &to.token,
        Method::POST,
        &format!("/api/v1/conversations/{conversation}/accept-transfer"),
        None,
        204,
    )
    .await;
    // The agent who made the transfer hears that it was taken.
    let taken = from_socket
        .until("conversation.assigned", |d| {
            d["id"] == conversation && d["transfer"] == true
        })
        .await;
    assert_eq!(taken["data"]["agent_id"], to.id, "{taken}");
    let target = desk::call(&server, &to.token, Method::GET, "/api/v1/desk", None, 200).await;
    assert_eq!(target["transfers_in"], json!([]), "{target}");
    assert!(
        target["conversations"]
            .as_array()
            .expect("list")
            .iter()
            .any(|c| c["id"] == conversation && c["agent_id"] == to.id),
        "{target}"
    );
    let sender = desk::call(&server, &from.token, Method::GET, "/api/v1/desk", None, 200).await;
    assert_eq!(sender["transfers_out"], json!([]), "{sender}");
    assert!(
        !sender["conversations"]
            .as_array()
            .expect("list")
            .iter()
            .any(|c| c["id"] == conversation),
        "{sender}"
    );
}

/// In offer mode the desk names each offer's customer and deadline, so the agent knows what
/// it accepts; a rejected offer leaves the desk.
#[tokio::test]
async fn an_offer_on_the_desk_names_its_customer_and_deadline() {
    const OFFER_NUMBER: &str = "+5491155554002";
    const OFFER_CUSTOMER: &str = "+5491166664002";
    let server = TestServer::start().await;
    let connector = desk::sandbox(&server, "desk-offer", &[OFFER_NUMBER]).await;
    let ana = desk::user(&server, "ana", "agent").await;
    desk::campaign(
        &server,
        json!({"name": "offers", "numbers": [OFFER_NUMBER], "members": [{"user_id": ana.id}],
               "settings": {"offer_timeout_secs": 90}}),
    )
    .await;
    let mut socket = Socket::open(&server, &ana.token).await;
    let id = desk::customer_says(&server, connector, OFFER_CUSTOMER, "hola").await;
    socket
        .until("conversation.offered", |d| {
            d["id"] == id && d["offered_to"] == ana.id
        })
        .await;

    let desk = desk::call(&server, &ana.token, Method::GET, "/api/v1/desk", None, 200).await;
    assert_eq!(desk["offers"], json!([id]), "{desk}");
    let offer = &desk["offered"][0];
    assert_eq!(offer["conversation"]["id"], id, "{desk}");
    assert_eq!(
        offer["conversation"]["contact_number"], OFFER_CUSTOMER,
        "{desk}"
    );
    let expires: jiff::Timestamp = offer["expires_at"]
        .as_str()
        .expect("expires_at")
        .parse()
        .expect("RFC 3339");
    let left = expires.duration_since(jiff::Timestamp::now()).as_secs_f64();
    assert!((60.0..=90.0).contains(&left), "{left} s left of 90: {desk}");
    assert_eq!(
        desk["conversations"],
        json!([]),
        "an offer is not held yet: {desk}"
    );

    desk::call(
        &server,
        &ana.token,
        Method::POST,
        &format!("/api/v1/conversations/{id}/reject"),
        None,
        204,
    )
    .await;
    let desk = desk::call(&server, &ana.token, Method::GET, "/api/v1/desk", None, 200).await;
    assert_eq!(
        (desk["offers"].clone(), desk["offered"].clone()),
        (json!([]), json!([])),
        "{desk}"
    );
}
