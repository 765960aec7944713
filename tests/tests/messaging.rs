//! Messaging end to end through a real server: signed webhooks in Meta's format, deduplication
//! under concurrency, statuses out of order and before the send answer, the 24 h window,
//! opt-out, and outbound against a mock Graph API.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use switchboard_tests::api;
use switchboard_tests::meta::{self, BUSINESS_NUMBER, CUSTOMER};
use switchboard_tests::mock::{MockProvider, Reply};
use switchboard_tests::server::TestServer;

async fn conversations(server: &TestServer) -> Vec<Value> {
    api::read(server, "/api/v1/conversations")
        .await
        .as_array()
        .cloned()
        .unwrap_or_default()
}

async fn messages(server: &TestServer, conversation: i64) -> Vec<Value> {
    api::read(
        server,
        &format!("/api/v1/conversations/{conversation}/messages?limit=500"),
    )
    .await
    .as_array()
    .cloned()
    .unwrap_or_default()
}

async fn send(server: &TestServer, body: Value) -> (u16, Value) {
    let response = server
        .admin(Method::POST, "/api/v1/messages")
        .json(&body)
        .send()
        .await
        .expect("send");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn setup() -> (TestServer, MockProvider, i64, String) {
    let server = TestServer::start_with(|c| {
        c.messaging.retry_base_ms = 50;
        c.messaging.retry_max_ms = 200;
        c.messaging.provider_timeout_ms = 1_000;
    })
    .await;
    let graph = meta::graph_mock().await;
    let (id, url) = meta::connector(&server, &graph).await;
    (server, graph, id, url)
}

#[tokio::test]
async fn signed_webhooks_are_stored_and_altered_ones_refused() {
    let (server, _graph, _, url) = setup().await;
    let client = server.client();
    let body = meta::text_message("wamid.in-1", CUSTOMER, "hola");
    assert_eq!(meta::post(&client, &url, &body).await, 200);
    let list = conversations(&server).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["contact_number"], format!("+{CUSTOMER}"));
    assert_eq!(list[0]["contact_name"], "Ana");
    let history = messages(&server, list[0]["id"].as_i64().expect("id")).await;
    assert_eq!(
        history[0]["content"],
        json!({"type": "text", "text": "hola"})
    );

    // The same signature over another body, a wrong secret in the URL, no signature.
    let altered = body.replace("hola", "chau");
    let response = client
        .post(&url)
        .header("x-hub-signature-256", meta::signature(&body))
        .body(altered)
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), 401);
    let wrong_secret = format!("{}x", url);
    assert_eq!(
        meta::post(
            &client,
            &wrong_secret,
            &meta::text_message("wamid.in-2", CUSTOMER, "x")
        )
        .await,
        401
    );
    let unsigned = client
        .post(&url)
        .body(meta::text_message("wamid.in-3", CUSTOMER, "x"))
        .send()
        .await
        .expect("post");
    assert_eq!(unsigned.status(), 401);
    let history = messages(&server, list[0]["id"].as_i64().expect("id")).await;
    assert_eq!(history.len(), 1, "nothing refused was stored");
    server.stop().await;
}

#[tokio::test]
async fn the_verification_challenge_is_answered() {
    let (server, _graph, _, url) = setup().await;
    let client = server.client();
    let ok = client
        .get(format!(
            "{url}?hub.mode=subscribe&hub.verify_token={}&hub.challenge=1158201444",
            meta::VERIFY_TOKEN
        ))
        .send()
        .await
        .expect("get");
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.text().await.expect("body"), "1158201444");
    let wrong = client
        .get(format!(
            "{url}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1"
        ))
        .send()
        .await
        .expect("get");
    assert!(wrong.status().is_client_error(), "{}", wrong.status());
    server.stop().await;
}

#[tokio::test]
async fn fifty_concurrent_deliveries_make_one_message() {
    let (server, _graph, _, url) = setup().await;
    let client = server.client();
    let body = meta::text_message("wamid.dup", CUSTOMER, "once");
    let posts = (0..50).map(|_| {
        let (client, url, body) = (client.clone(), url.clone(), body.clone());
        tokio::spawn(async move { meta::post(&client, &url, &body).await })
    });
    for post in posts {
        assert_eq!(post.await.expect("task"), 200);
    }
    let list = conversations(&server).await;
    assert_eq!(list.len(), 1, "one conversation");
    let history = messages(&server, list[0]["id"].as_i64().expect("id")).await;
    assert_eq!(history.len(), 1, "one message: {history:?}");
    server.stop().await;
}

#[tokio::test]
async fn unknown_types_are_kept_as_unsupported() {
    let (server, _graph, _, url) = setup().await;
    assert_eq!(
        meta::post(
            &server.client(),
            &url,
            &meta::order_message("wamid.order", CUSTOMER)
        )
        .await,
        200
    );
    let list = conversations(&server).await;
    let history = messages(&server, list[0]["id"].as_i64().expect("id")).await;
    assert_eq!(history[0]["content"]["type"], "unsupported");
    server.stop().await;
}

#[tokio::test]
async fn the_window_allows_free_text_only_after_the_customer_writes() {
    let (server, graph, connector, url) = setup().await;
    let to = format!("+{CUSTOMER}");
    let (status, error) = send(
        &server,
        json!({"from": BUSINESS_NUMBER, "to": to, "text": "hi"}),
    )
    .await;
    assert_eq!(status, 409, "{error}");
    assert_eq!(error["code"], "window_closed");

    let template = server
        .admin(Method::POST, "/api/v1/templates")
        .json(&json!({"connector_id": connector, "code": "welcome", "language": "es_AR", "body": "Hola {{1}}, ¿seguimos?", "provider_name": "welcome_v2"}))
        .send()
        .await
        .expect("template");
    assert_eq!(template.status(), 200);
    let both =
        json!({"from": BUSINESS_NUMBER, "to": to, "text": "x", "template": {"code": "welcome"}});
    let (status, error) = send(&server, both).await;
    assert_eq!(
        (status, error["code"].as_str()),
        (400, Some("bad_request")),
        "text and template at once"
    );
    let (status, error) = send(
        &server,
        json!({"from": BUSINESS_NUMBER, "to": to, "text": "hsm:welcome"}),
    )
    .await;
    assert_eq!(
        (status, error["code"].as_str()),
        (422, Some("template_invalid")),
        "wrong parameter count"
    );
    let (status, queued) = send(
        &server,
        json!({"from": BUSINESS_NUMBER, "to": to, "text": "hsm:welcome:Ana"}),
    )
    .await;
    assert_eq!(status, 202, "{queued}");
    let sent = api::wait_message(
        &server,
        queued["message_id"].as_i64().expect("id"),
        api::SETTLE,
        |m| m["status"] == "sent",
    )
    .await;
    assert_eq!(sent["content"]["rendered"], "Hola Ana, ¿seguimos?");
    let request = graph.requests().pop().expect("a send");
    assert_eq!(request.json()["type"], "template");
    assert_eq!(request.json()["template"]["name"], "welcome_v2");

    meta::customer_says(&server.client(), &url, "wamid.w1", "hola").await;
    let (status, queued) = send(
        &server,
        json!({"from": BUSINESS_NUMBER, "to": to, "text": "¿En qué te ayudo?"}),
    )
    .await;
    assert_eq!(
        status, 202,
        "the customer wrote: the window is open: {queued}"
    );
    server.stop().await;
}

#[tokio::test]
async fn statuses_apply_in_order_and_wait_for_their_send_answer() {
    let (server, graph, _, url) = setup().await;
    let client = server.client();
    meta::customer_says(&client, &url, "wamid.s0", "hola").await;
    let conversation = conversations(&server).await[0]["id"].as_i64().expect("id");

    // Out of order: read, then delivered, then sent; the message ends read.
    let (_, queued) = send(
        &server,
        json!({"conversation_id": conversation, "text": "uno"}),
    )
    .await;
    let id = queued["message_id"].as_i64().expect("id");
    let sent = api::wait_message(&server, id, api::SETTLE, |m| m["status"] == "sent").await;
    let wamid = sent["provider_message_id"]
        .as_str()
        .expect("wamid")
        .to_owned();
    for state in ["read", "delivered", "sent"] {
        assert_eq!(
            meta::post(&client, &url, &meta::status(&wamid, state, CUSTOMER)).await,
            200
        );
    }
    assert_eq!(
        api::read(&server, &format!("/api/v1/messages/{id}")).await["status"],
        "read"
    );

    // A status before the send answer: parked, applied when the answer records the id.
    let next = graph.requests().len() + 1;
    graph
        .script([meta::graph_answer(next, &graph.requests()[0]).after(Duration::from_millis(700))]);
    let early_wamid = format!("wamid.test-{next}");
    let (_, queued) = send(
        &server,
        json!({"conversation_id": conversation, "text": "dos"}),
    )
    .await;
    let id = queued["message_id"].as_i64().expect("id");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        meta::post(
            &client,
            &url,
            &meta::status(&early_wamid, "delivered", CUSTOMER)
        )
        .await,
        200
    );
    let done = api::wait_message(&server, id, api::SETTLE, |m| {
        m["status"] != "sending" && m["status"] != "queued"
    })
    .await;
    assert_eq!(done["status"], "delivered", "{done}");
    server.stop().await;
}

#[tokio::test]
async fn outbound_retries_fails_permanently_and_times_out() {
    let (server, graph, _, url) = setup().await;
    meta::customer_says(&server.client(), &url, "wamid.o0", "hola").await;
    let conversation = conversations(&server).await[0]["id"].as_i64().expect("id");
    let template = graph.requests().first().cloned();
    assert!(template.is_none(), "nothing sent yet");

    // A 500, then success.
    graph.script([Reply::new(
        500,
        r#"{"error":{"message":"Unknown error","code":1,"type":"OAuthException"}}"#,
    )]);
    let (_, queued) = send(
        &server,
        json!({"conversation_id": conversation, "text": "retry me"}),
    )
    .await;
    let message = api::wait_message(
        &server,
        queued["message_id"].as_i64().expect("id"),
        api::SETTLE,
        |m| m["status"] == "sent",
    )
    .await;
    assert_eq!(message["attempts"], 2, "{message}");

    // A permanent error: the recipient cannot receive.
    graph.script([Reply::new(400, r#"{"error":{"message":"Message Undeliverable.","type":"OAuthException","code":131026,"error_data":{"details":"x"}}}"#)]);
    let (_, queued) = send(
        &server,
        json!({"conversation_id": conversation, "text": "doomed"}),
    )
    .await;
    let message = api::wait_message(
        &server,
        queued["message_id"].as_i64().expect("id"),
        api::SETTLE,
        |m| m["status"] == "failed",
    )
    .await;
    assert!(
        message["error_code"]
            .as_str()
            .expect("code")
            .contains("131026"),
        "{message}"
    );
    assert_eq!(message["attempts"], 1);

    // No answer within the timeout: retried, then sent.
    let slow = meta::graph_answer(99, &graph.requests()[0]).after(Duration::from_secs(3));
    graph.script([slow]);
    let (_, queued) = send(
        &server,
        json!({"conversation_id": conversation, "text": "slow"}),
    )
    .await;
    let message = api::wait_message(
        &server,
        queued["message_id"].as_i64().expect("id"),
        api::SETTLE,
        |m| m["status"] == "sent",
    )
    .await;
    assert!(
        message["attempts"].as_i64().expect("attempts") >= 2,
        "{message}"
    );
    server.stop().await;
}

#[tokio::test]
async fn stop_blacklists_and_confirms_once() {
    let (server, graph, _, url) = setup().await;
    let client = server.client();
    meta::customer_says(&client, &url, "wamid.x1", "STOP").await;
    meta::customer_says(&client, &url, "wamid.x2", "baja").await;
    let conversation = conversations(&server).await[0]["id"].as_i64().expect("id");
    // The confirmation goes out (the engine's own rule, past the blacklist), once.
    for _ in 0..200 {
        if !graph.requests().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(graph.requests().len(), 1, "one confirmation");
    let blacklist = api::read(&server, "/api/v1/blacklist").await;
    assert_eq!(blacklist[0]["address"], format!("+{CUSTOMER}"));
    assert_eq!(blacklist[0]["reason"], "opt-out");
    let (status, error) = send(
        &server,
        json!({"conversation_id": conversation, "text": "promo"}),
    )
    .await;
    assert_eq!(
        (status, error["code"].as_str()),
        (409, Some("recipient_blocked"))
    );
    // START lifts it.
    meta::customer_says(&client, &url, "wamid.x3", "START").await;
    let (status, _) = send(
        &server,
        json!({"conversation_id": conversation, "text": "welcome back"}),
    )
    .await;
    assert_eq!(status, 202);
    server.stop().await;
}

#[tokio::test]
async fn connectors_hide_secrets_and_guard_unsigned_webhooks() {
    let (server, graph, id, url) = setup().await;
    let view = api::read(&server, &format!("/api/v1/connectors/{id}")).await;
    assert!(view["config"].get("app_secret").is_none(), "{view}");
    let mut secrets: Vec<_> = view["secrets_set"]
        .as_array()
        .expect("names")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    secrets.sort_unstable();
    assert_eq!(secrets, ["access_token", "app_secret", "verify_token"]);
    // Nowhere in the database files (main file and WAL) is a secret in the clear.
    for file in ["switchboard.db", "switchboard.db-wal"] {
        let bytes = std::fs::read(server.data_dir().join(file)).unwrap_or_default();
        for secret in [meta::APP_SECRET, meta::ACCESS_TOKEN] {
            let found = bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
            assert!(!found, "{secret} is stored in the clear in {file}");
        }
    }

    // An update without secrets keeps them: webhooks still verify.
    let update = server
        .admin(Method::PUT, &format!("/api/v1/connectors/{id}"))
        .json(&json!({"name": "meta", "plugin": "whatsapp-cloud", "config": {"phone_number_id": meta::PHONE_NUMBER_ID, "graph_base_url": graph.url}, "numbers": [BUSINESS_NUMBER]}))
        .send()
        .await
        .expect("update");
    assert_eq!(update.status(), 200, "{:?}", update.text().await);
    meta::customer_says(&server.client(), &url, "wamid.k1", "hi").await;

    // Rotation: the old URL stops working.
    let rotated: Value = server
        .admin(
            Method::POST,
            &format!("/api/v1/connectors/{id}/rotate-secret"),
        )
        .send()
        .await
        .expect("rotate")
        .json()
        .await
        .expect("json");
    let new_url = rotated["webhook_url"].as_str().expect("url").to_owned();
    assert_ne!(new_url, url);
    assert_eq!(
        meta::post(
            &server.client(),
            &url,
            &meta::text_message("wamid.k2", CUSTOMER, "hi")
        )
        .await,
        401
    );
    assert_eq!(
        meta::post(
            &server.client(),
            &new_url,
            &meta::text_message("wamid.k3", CUSTOMER, "hi")
        )
        .await,
        200
    );

    // An allow-list that excludes 127.0.0.1.
    let update = server
        .admin(Method::PUT, &format!("/api/v1/connectors/{id}"))
        .json(&json!({"name": "meta", "plugin": "whatsapp-cloud", "config": {"phone_number_id": meta::PHONE_NUMBER_ID, "graph_base_url": graph.url}, "numbers": [BUSINESS_NUMBER], "allow_ips": ["10.20.0.0/16"]}))
        .send()
        .await
        .expect("update");
    assert_eq!(update.status(), 200);
    assert_eq!(
        meta::post(
            &server.client(),
            &new_url,
            &meta::text_message("wamid.k4", CUSTOMER, "hi")
        )
        .await,
        403
    );

    // Oversized bodies are refused before the plugin sees them.
    let huge = "x".repeat(2 << 20);
    let response = server
        .client()
        .post(&new_url)
        .body(huge)
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), 413);
    server.stop().await;
}

#[tokio::test]
async fn inbound_media_is_fetched_through_the_adapter_and_served_to_the_api() {
    let server = TestServer::start().await;
    let graph = meta::graph_mock_with_media().await;
    let (_, url) = meta::connector(&server, &graph).await;
    assert_eq!(
        meta::post(
            &server.client(),
            &url,
            &meta::image_message("wamid.img", CUSTOMER, "4490709327384033")
        )
        .await,
        200
    );
    let conversation = conversations(&server).await[0]["id"].as_i64().expect("id");
    let message_id = messages(&server, conversation).await[0]["id"]
        .as_i64()
        .expect("id");
    let message = api::wait_message(&server, message_id, api::SETTLE, |m| {
        m["media"][0]["state"] != "pending"
    })
    .await;
    assert_eq!(message["media"][0]["state"], "stored", "{message}");
    assert_eq!(message["content"]["caption"], "mi comprobante");
    let media = message["media"][0]["id"].as_i64().expect("media id");
    let file = server
        .admin(Method::GET, &format!("/api/v1/media/{media}"))
        .send()
        .await
        .expect("download");
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()["content-type"], "image/jpeg");
    assert_eq!(
        file.bytes().await.expect("bytes").as_ref(),
        meta::MEDIA_BYTES
    );
    // Without a token: refused.
    let anonymous = server
        .client()
        .get(format!("{}/api/v1/media/{media}", server.url))
        .send()
        .await
        .expect("get");
    assert_eq!(anonymous.status(), 401);
    server.stop().await;
}

#[tokio::test]
async fn uploaded_media_goes_out_through_an_expiring_signed_url() {
    let (server, graph, _, url) = setup().await;
    meta::customer_says(&server.client(), &url, "wamid.m0", "hola").await;
    let conversation = conversations(&server).await[0]["id"].as_i64().expect("id");
    let upload: Value = server
        .admin(Method::POST, "/api/v1/media")
        .header("content-type", "application/pdf")
        .body(b"%PDF-1.4 test".to_vec())
        .send()
        .await
        .expect("upload")
        .json()
        .await
        .expect("json");
    let locator = upload["locator"].as_str().expect("locator").to_owned();
    let refused = server
        .admin(Method::POST, "/api/v1/media")
        .header("content-type", "application/x-msdownload")
        .body(b"MZ".to_vec())
        .send()
        .await
        .expect("upload");
    assert_eq!(refused.status(), 415);
    let (status, queued) = send(&server, json!({"conversation_id": conversation, "content": {"type": "media", "locator": locator, "mime_type": "application/pdf", "filename": "factura.pdf"}})).await;
    assert_eq!(status, 202, "{queued}");
    api::wait_message(
        &server,
        queued["message_id"].as_i64().expect("id"),
        api::SETTLE,
        |m| m["status"] == "sent",
    )
    .await;
    let sent = graph.requests().pop().expect("a send").json();
    let link = sent["document"]["link"]
        .as_str()
        .expect("a link")
        .to_owned();
    assert!(
        link.starts_with(&format!("{}/media/", server.url)),
        "{link}"
    );
    let file = server.client().get(&link).send().await.expect("fetch");
    assert_eq!(file.status(), 200);
    assert_eq!(
        file.bytes().await.expect("bytes").as_ref(),
        b"%PDF-1.4 test"
    );
    let tampered = link.replace("sig=", "sig=0");
    assert_eq!(
        server
            .client()
            .get(&tampered)
            .send()
            .await
            .expect("fetch")
            .status(),
        403
    );
    server.stop().await;
}

#[tokio::test]
async fn template_reviews_from_the_provider_update_the_template() {
    let (server, _graph, connector, url) = setup().await;
    let created: Value = server
        .admin(Method::POST, "/api/v1/templates")
        .json(&json!({"connector_id": connector, "code": "promo", "language": "es_AR", "body": "Oferta {{1}}", "provider_name": "promo_nov", "status": "pending"}))
        .send()
        .await
        .expect("template")
        .json()
        .await
        .expect("json");
    assert_eq!(created["status"], "pending");
    let review = meta::template_review("promo_nov", "es_AR", "REJECTED", "INVALID_FORMAT");
    assert_eq!(meta::post(&server.client(), &url, &review).await, 200);
    let templates = api::read(
        &server,
        &format!("/api/v1/templates?connector_id={connector}"),
    )
    .await;
    assert_eq!(templates[0]["status"], "rejected", "{templates}");
    let (status, error) = send(
        &server,
        json!({"from": BUSINESS_NUMBER, "to": format!("+{CUSTOMER}"), "text": "hsm:promo:50%"}),
    )
    .await;
    assert_eq!(
        (status, error["code"].as_str()),
        (422, Some("template_invalid")),
        "{error}"
    );
    server.stop().await;
}

#[tokio::test]
async fn the_openapi_document_lists_the_api() {
    let server = TestServer::start().await;
    let doc: Value = server
        .client()
        .get(format!("{}/api/openapi.json", server.url))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    for path in [
        "/api/v1/messages",
        "/api/v1/connectors",
        "/api/v1/conversations/{id}/messages",
        "/api/v1/templates",
        "/api/v1/auth/login",
        "/api/v1/users/{id}",
        "/api/v1/audit",
        "/api/v1/campaigns/{id}",
        "/api/v1/desk",
        "/api/v1/conversations/{id}/reply",
        "/api/v1/conversations/{id}/transfer",
        "/api/v1/board",
        "/api/v1/agents/{id}/pause",
        "/api/v1/recordings",
        "/api/v1/recordings/{id}/transcript",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing");
    }
    assert!(doc["components"]["schemas"].get("SendRequest").is_some());
    server.stop().await;
}
