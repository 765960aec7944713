//! `switchboard dialer …` against a running server, through the built binary: create, upload,
//! start, status, export, stop, purge, with readable and `--json` output.

mod common;

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::{Engine, TOKEN};
use serde_json::{Value, json};

fn cli(engine: &Engine, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .arg("dialer")
        .args(args)
        .args(["--server", &engine.base])
        .env("SWITCHBOARD_TOKEN", TOKEN)
        .output()
        .expect("run the CLI")
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_runs_a_dialer_from_a_csv_file() {
    let dir = tempfile::tempdir().expect("dir");
    let engine = Engine::start(dir.path()).await;
    // The sandbox connector's outbox is the engine's own (the demo's provider).
    let connector = engine
        .call(
            "/api/v1/connectors",
            Some(
                json!({"name": "sms", "plugin": "sandbox", "numbers": ["+5491155550100"],
                "config": {"outbox_url": format!("{}/sandbox/outbox", engine.base), "channel": "sms"}}),
            ),
        )
        .await["id"]
        .as_i64()
        .expect("connector");
    let file = dir.path().join("dialer.json");
    std::fs::write(
        &file,
        json!({"name": "cobranzas", "settings": {"connectors": [connector], "interval_ms": 20}})
            .to_string(),
    )
    .expect("write");
    let created = stdout(&cli(
        &engine,
        &["create", "--file", file.to_str().expect("path"), "--json"],
    ));
    let created: Value = serde_json::from_str(&created).expect("json");
    let id = created["id"].as_i64().expect("id").to_string();

    let list = dir.path().join("list.csv");
    let mut csv = String::from("nombre,telefono,mensaje,extra\n");
    for i in 0..30 {
        csv.push_str(&format!(
            "Cliente {i},+54911{:08},\"Hola, cuota {i}\",\n",
            60_000_000 + i
        ));
    }
    csv.push_str("Roto,12,hola,\n");
    std::fs::write(&list, csv).expect("write");
    let uploaded = stdout(&cli(
        &engine,
        &["upload", &id, list.to_str().expect("path")],
    ));
    assert!(
        uploaded.contains("30 accepted, 1 invalid, 0 duplicates (delimiter `,`, header skipped)"),
        "{uploaded}"
    );
    assert!(uploaded.contains("line 32:"), "{uploaded}");

    let started = stdout(&cli(&engine, &["start", &id]));
    assert!(
        started.contains("cobranzas") && started.contains("running"),
        "{started}"
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let status: Value =
            serde_json::from_str(&stdout(&cli(&engine, &["status", &id, "--json"]))).expect("json");
        // `processed` counts a record on the wire (`sending`) already: wait for its answer.
        if status["not_processed"] == 0 && status["counts"]["sending"] == 0 {
            // The engine's own sandbox reports each message delivered.
            let went = status["counts"]["sent"].as_i64().unwrap_or(0)
                + status["counts"]["delivered"].as_i64().unwrap_or(0);
            assert_eq!(went, 30, "{status}");
            break;
        }
        assert!(Instant::now() < deadline, "not done: {status}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let watched = stdout(&cli(&engine, &["status", &id, "--watch"]));
    assert!(
        watched.contains("processed 31 / not processed 0"),
        "{watched}"
    );
    assert!(
        watched.contains("invalid 1") && watched.contains("failed 0"),
        "{watched}"
    );

    let export = stdout(&cli(&engine, &["export", &id]));
    let lines: Vec<&str> = export.lines().collect();
    assert_eq!(lines.len(), 32, "{export}");
    assert!(
        lines[1].contains(";sent;") || lines[1].contains(";delivered;"),
        "{}",
        lines[1]
    );
    assert!(lines[31].contains(";invalid;"), "{}", lines[31]);

    let stopped = stdout(&cli(&engine, &["stop", &id]));
    assert!(stopped.contains("stopped"), "{stopped}");
    let purged = stdout(&cli(&engine, &["purge", &id]));
    assert_eq!(purged.trim(), "0 records cancelled");
    let listed = stdout(&cli(&engine, &["list"]));
    assert!(listed.contains("cobranzas"), "{listed}");

    let missing = cli(&engine, &["start", "999"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no dialer 999"));
    engine.kill();
}
