//! `switchboard plugin bot`: one turn of a bot, offline, through the built binary.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{Value, json};
use switchboard::plugins::bundled::guest_wasm_path;

fn run(dir: &Path, plugin: &str, turn: &Value) -> Output {
    let input = dir.join("turn.json");
    std::fs::write(&input, turn.to_string()).expect("write the turn");
    Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(["plugin", "bot", plugin, "--input"])
        .arg(&input)
        .output()
        .expect("run the CLI")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn the_menu_bot_prints_its_actions() {
    let dir = tempfile::tempdir().expect("dir");
    let config = json!({
        "greeting": "Hi!",
        "options": [{"key": "1", "label": "Sales", "campaign": "sales"}]
    });
    let start = run(
        dir.path(),
        "menu",
        &json!({"config": config, "trigger": {"type": "start"}}),
    );
    assert!(start.status.success(), "{}", stderr(&start));
    let actions: Value = serde_json::from_slice(&start.stdout).expect("JSON actions");
    assert_eq!(
        actions,
        json!([
            {"type": "send", "content": {"type": "text", "text": "Hi!\n\n1. Sales"}},
            {"type": "wait_input", "timeout_ms": 300000, "tag": "menu"}
        ])
    );

    let answer = json!({
        "config": config.to_string(),
        "context": {"variables": {"menu_attempts": "1"}},
        "trigger": {"type": "message", "content": {"type": "text", "text": "sales"}}
    });
    let transfer = run(dir.path(), "menu", &answer);
    assert!(transfer.status.success(), "{}", stderr(&transfer));
    let actions: Value = serde_json::from_slice(&transfer.stdout).expect("JSON actions");
    assert_eq!(actions[2], json!({"type": "transfer", "campaign": "sales"}));
}

#[test]
fn bad_input_and_failing_bots_exit_non_zero_and_say_why() {
    let dir = tempfile::tempdir().expect("dir");
    let no_trigger = run(dir.path(), "menu", &json!({"config": {}}));
    assert!(!no_trigger.status.success());
    assert!(
        stderr(&no_trigger).contains("is not a bot turn"),
        "{}",
        stderr(&no_trigger)
    );

    let bad_config = run(
        dir.path(),
        "survey",
        &json!({"config": {"timeout_ms": "soon"}, "trigger": {"type": "end"}}),
    );
    assert!(!bad_config.status.success());
    assert!(
        stderr(&bad_config).contains("timeout_ms"),
        "{}",
        stderr(&bad_config)
    );

    let bad_bot = guest_wasm_path("bad-bot");
    let refused = run(
        dir.path(),
        bad_bot.to_str().expect("UTF-8 path"),
        &json!({"config": {"mode": "bad-wait"}, "trigger": {"type": "start"}}),
    );
    assert!(!refused.status.success());
    let why = stderr(&refused);
    assert!(
        why.contains("bot") && why.contains("invalid output"),
        "{why}"
    );

    let unknown = run(
        dir.path(),
        "no-such-bot",
        &json!({"trigger": {"type": "start"}}),
    );
    assert!(!unknown.status.success());
    assert!(
        stderr(&unknown).contains("no bundled plugin named no-such-bot"),
        "{}",
        stderr(&unknown)
    );
}
