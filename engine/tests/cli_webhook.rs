//! `switchboard plugin webhook`: a provider's webhook handling offline, on a saved request.

use std::process::Command;

use hmac::{Hmac, Mac};
use sha2::Sha256;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../plugins/providers/whatsapp-cloud/tests/fixtures/text.json"
);

fn run(dir: &std::path::Path, signature: &str) -> std::process::Output {
    let config = dir.join("config.json");
    std::fs::write(&config, r#"{"phone_number_id": "106540352242922", "access_token": "t", "app_secret": "s3cret", "verify_token": "v"}"#).expect("config");
    Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args([
            "plugin",
            "webhook",
            "whatsapp-cloud",
            "--json",
            "--url",
            "https://cc.example.com/webhooks/1/x",
        ])
        .arg("--config")
        .arg(&config)
        .args([
            "--header",
            &format!("X-Hub-Signature-256: {signature}"),
            "--body-file",
            FIXTURE,
        ])
        .output()
        .expect("run the CLI")
}

#[test]
fn a_signed_payload_prints_its_events_and_a_forged_one_fails() {
    let dir = tempfile::tempdir().expect("dir");
    let body = std::fs::read(FIXTURE).expect("fixture");
    let mut mac = Hmac::<Sha256>::new_from_slice(b"s3cret").expect("key");
    mac.update(&body);
    let signature = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));

    let ok = run(dir.path(), &signature);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&ok.stdout).expect("json report");
    assert_eq!(report["accepted"], true);
    assert_eq!(report["events"][0]["type"], "message");
    assert_eq!(report["events"][0]["content"]["type"], "text");

    let forged = run(dir.path(), &format!("sha256={}", "0".repeat(64)));
    assert!(!forged.status.success());
    let report: serde_json::Value = serde_json::from_slice(&forged.stdout).expect("json report");
    assert_eq!(report["accepted"], false);
    assert!(
        report["error"]
            .as_str()
            .expect("why")
            .starts_with("unauthorized"),
        "{report}"
    );
}
