//! SIGKILL while webhooks pour in: every webhook that got a `200` is stored after a restart,
//! and none is stored twice. Drives the real binary, as an operator's crash would.

mod common;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::{TOKEN, free_port, spawn as start, wait_ready};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

const APP_SECRET: &str = "crash-app-secret";
const PHONE_NUMBER_ID: &str = "106540352242922";

fn webhook(id: &str, from: &str) -> (String, String) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let body = json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "5491155550100", "phone_number_id": PHONE_NUMBER_ID},
        "contacts": [{"profile": {"name": "Load"}, "wa_id": from}],
        "messages": [{"from": from, "id": id, "timestamp": now.to_string(), "type": "text", "text": {"body": "hola"}}]
    }}]}]})
    .to_string();
    let mut mac = Hmac::<Sha256>::new_from_slice(APP_SECRET.as_bytes()).expect("key");
    mac.update(body.as_bytes());
    (
        body,
        format!("sha256={}", hex::encode(mac.finalize().into_bytes())),
    )
}

async fn stored_ids(client: &reqwest::Client, base: &str) -> Vec<String> {
    let conversations: Value = client
        .get(format!("{base}/api/v1/conversations?limit=500"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    let mut ids = Vec::new();
    for conversation in conversations.as_array().expect("list") {
        let mut after = 0;
        loop {
            let page: Value = client
                .get(format!(
                    "{base}/api/v1/conversations/{}/messages?limit=500&after={after}",
                    conversation["id"]
                ))
                .bearer_auth(TOKEN)
                .send()
                .await
                .expect("history")
                .json()
                .await
                .expect("json");
            let page = page.as_array().expect("list");
            let Some(last) = page.last() else { break };
            after = last["id"].as_i64().expect("id");
            ids.extend(
                page.iter()
                    .filter_map(|m| m["provider_message_id"].as_str().map(str::to_owned)),
            );
        }
    }
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_webhooks_survive_sigkill() {
    let dir = tempfile::tempdir().expect("dir");
    let client = reqwest::Client::new();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = start(dir.path(), port);
    wait_ready(&client, &base).await;
    let connector: Value = client
        .post(format!("{base}/api/v1/connectors"))
        .bearer_auth(TOKEN)
        .json(&json!({"name": "meta", "plugin": "whatsapp-cloud", "numbers": ["+5491155550100"],
            "config": {"phone_number_id": PHONE_NUMBER_ID, "access_token": "t", "app_secret": APP_SECRET, "verify_token": "v"}}))
        .send()
        .await
        .expect("create")
        .json()
        .await
        .expect("json");
    let url = connector["webhook_url"].as_str().expect("url").to_owned();

    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let posters: Vec<_> = (0..16)
        .map(|worker| {
            let (client, url, acked) = (client.clone(), url.clone(), acked.clone());
            tokio::spawn(async move {
                for n in 0.. {
                    let id = format!("wamid.crash-{worker}-{n}");
                    let (body, signature) = webhook(&id, &format!("54911666600{:02}", worker % 8));
                    let sent = client
                        .post(&url)
                        .header("x-hub-signature-256", signature)
                        .body(body)
                        .send()
                        .await;
                    match sent {
                        Ok(r) if r.status() == 200 => acked.lock().expect("lock").push(id),
                        Ok(_) => {}
                        Err(_) => return,
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    server.kill().expect("SIGKILL");
    let _ = server.wait();
    for poster in posters {
        let _ = poster.await;
    }
    let acked = acked.lock().expect("lock").clone();
    assert!(
        acked.len() > 50,
        "the load did not get going: {} acknowledged",
        acked.len()
    );

    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = start(dir.path(), port);
    wait_ready(&client, &base).await;
    let stored = stored_ids(&client, &base).await;
    server.kill().expect("stop");
    let _ = server.wait();

    eprintln!(
        "{} webhooks acknowledged before SIGKILL, {} stored after restart",
        acked.len(),
        stored.len()
    );
    let unique: HashSet<&String> = stored.iter().collect();
    assert_eq!(unique.len(), stored.len(), "a message was stored twice");
    let missing: Vec<&String> = acked.iter().filter(|id| !unique.contains(id)).collect();
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged webhooks were lost: {:?}",
        missing.len(),
        acked.len(),
        &missing[..missing.len().min(5)]
    );
}
