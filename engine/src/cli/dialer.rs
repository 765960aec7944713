//! `switchboard dialer …`: create dialers, upload lists (streamed, with a progress bar), start,
//! stop, purge, watch and export them, through a running server's API.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use reqwest::Method;
use serde_json::Value;

use super::client::{AdminClient, TOKEN_VAR};
use super::connector::ServerArgs;
use super::output::{print_json, table, text};

/// `dialer`.
#[derive(Debug, Args)]
pub struct DialerArgs {
    #[command(flatten)]
    pub server: ServerArgs,
    /// The dialer command.
    #[command(subcommand)]
    pub command: DialerCommand,
}

/// Dialer commands. The token (an admin's, or a supervisor's for all but create) is read from
/// SWITCHBOARD_TOKEN.
#[derive(Debug, Subcommand)]
pub enum DialerCommand {
    /// List dialers.
    List,
    /// Create a dialer from a JSON file: {"name", "settings": {"connectors": [1], ...}}.
    Create {
        /// The dialer as JSON.
        #[arg(long, value_name = "FILE.json")]
        file: PathBuf,
    },
    /// Upload a CSV list (`name;destination;message;extra`), streamed, with a progress bar.
    Upload {
        /// Dialer id.
        id: i64,
        /// The CSV file.
        file: PathBuf,
        /// The delimiter; detected from the first line when absent.
        #[arg(long)]
        delimiter: Option<String>,
        /// Whether the first row is a header; detected when absent.
        #[arg(long)]
        header: Option<bool>,
        /// The list's name (default: the file's name).
        #[arg(long)]
        name: Option<String>,
    },
    /// Start the dialer; it sends inside its schedule until stopped.
    Start {
        /// Dialer id.
        id: i64,
    },
    /// Stop the dialer; no record starts afterwards.
    Stop {
        /// Dialer id.
        id: i64,
    },
    /// Cancel every record not processed yet.
    Purge {
        /// Dialer id.
        id: i64,
    },
    /// Show where the dialer stands; with --watch, every second until it is done.
    Status {
        /// Dialer id.
        id: i64,
        /// Refresh until nothing is pending or the dialer stops.
        #[arg(long)]
        watch: bool,
    },
    /// Write every record with its state as CSV to stdout.
    Export {
        /// Dialer id.
        id: i64,
    },
}

/// Runs a dialer command.
pub async fn run(args: DialerArgs) -> anyhow::Result<()> {
    let client = AdminClient::new(&args.server.server, std::env::var(TOKEN_VAR).ok())?;
    let json = args.server.json;
    match args.command {
        DialerCommand::List => {
            let answer = client.api(Method::GET, &["dialers"], None).await?;
            if json {
                return print_json(&answer);
            }
            let rows: Vec<Vec<String>> = answer
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|d| {
                    vec![
                        text(d, "id"),
                        text(d, "name"),
                        if d["running"] == true { "yes" } else { "no" }.into(),
                        text(d, "paused_reason"),
                    ]
                })
                .collect();
            println!("{}", table(&["ID", "NAME", "RUNNING", "PAUSED"], &rows));
        }
        DialerCommand::Create { file } => {
            let content = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let body: Value = serde_json::from_str(&content)
                .with_context(|| format!("{} is not JSON", file.display()))?;
            let answer = client.api(Method::POST, &["dialers"], Some(body)).await?;
            if json {
                return print_json(&answer);
            }
            println!("dialer {} created (stopped)", text(&answer, "id"));
        }
        DialerCommand::Upload {
            id,
            file,
            delimiter,
            header,
            name,
        } => {
            let answer = upload(&client, id, &file, delimiter, header, name).await?;
            if json {
                return print_json(&answer);
            }
            print_upload(&answer);
        }
        DialerCommand::Start { id } => action(&client, id, "start", json).await?,
        DialerCommand::Stop { id } => action(&client, id, "stop", json).await?,
        DialerCommand::Purge { id } => {
            let answer = client
                .api(Method::POST, &["dialers", &id.to_string(), "purge"], None)
                .await?;
            if json {
                return print_json(&answer);
            }
            println!("{} records cancelled", text(&answer, "cancelled"));
        }
        DialerCommand::Status { id, watch } => loop {
            let answer = client
                .api(Method::GET, &["dialers", &id.to_string(), "status"], None)
                .await?;
            if json {
                print_json(&answer)?;
            } else {
                print_status(&answer);
            }
            let done = answer["not_processed"] == 0 || answer["running"] == false;
            if !watch || done {
                break;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        },
        DialerCommand::Export { id } => {
            let csv = client
                .raw(Method::GET, &["dialers", &id.to_string(), "records.csv"])
                .await?;
            print!("{csv}");
        }
    }
    Ok(())
}

async fn action(client: &AdminClient, id: i64, what: &str, json: bool) -> anyhow::Result<()> {
    let answer = client
        .api(Method::POST, &["dialers", &id.to_string(), what], None)
        .await?;
    if json {
        return print_json(&answer);
    }
    print_status(&answer);
    Ok(())
}

/// Streams the file to the server, moving a progress bar as bytes leave.
async fn upload(
    client: &AdminClient,
    id: i64,
    file: &PathBuf,
    delimiter: Option<String>,
    header: Option<bool>,
    name: Option<String>,
) -> anyhow::Result<Value> {
    let handle =
        std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let size = handle.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::new(size)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<Vec<u8>>>(8);
    let reader_bar = bar.clone();
    // Reads on a blocking thread; the body takes chunks as the socket can send them.
    tokio::task::spawn_blocking(move || {
        let mut handle = handle;
        loop {
            let mut chunk = vec![0u8; 256 * 1024];
            match handle.read(&mut chunk) {
                Ok(0) => return,
                Ok(n) => {
                    chunk.truncate(n);
                    reader_bar.inc(n as u64);
                    if tx.blocking_send(Ok(chunk)).is_err() {
                        return;
                    }
                }
                Err(error) => {
                    let _ = tx.blocking_send(Err(error));
                    return;
                }
            }
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let list_name = name.unwrap_or_else(|| {
        file.file_name()
            .map_or_else(|| "list".into(), |n| n.to_string_lossy().into_owned())
    });
    let mut query = vec![("name", list_name)];
    if let Some(delimiter) = delimiter {
        query.push(("delimiter", delimiter));
    }
    if let Some(header) = header {
        query.push(("header", header.to_string()));
    }
    let answer = client
        .upload(
            &["dialers", &id.to_string(), "lists"],
            &query,
            reqwest::Body::wrap_stream(stream),
            "text/csv",
        )
        .await;
    bar.finish_and_clear();
    answer
}

fn print_upload(report: &Value) {
    println!(
        "list {}: {} accepted, {} invalid, {} duplicates (delimiter `{}`{})",
        text(report, "list_id"),
        text(report, "accepted"),
        text(report, "invalid"),
        text(report, "duplicates"),
        text(report, "delimiter"),
        if report["header"] == true {
            ", header skipped"
        } else {
            ""
        }
    );
    for row in report["invalid_rows"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .take(20)
    {
        println!("  line {}: {}", text(row, "line"), text(row, "reason"));
    }
}

fn print_status(status: &Value) {
    let counts = &status["counts"];
    let state = if status["running"] == true {
        if status["on_schedule"] == true {
            "running"
        } else {
            "running, outside its dialing window"
        }
    } else {
        "stopped"
    };
    println!(
        "dialer {} ({}): {state}{}",
        text(status, "id"),
        text(status, "name"),
        match status["paused_reason"].as_str() {
            Some(reason) => format!(", paused: {reason}"),
            None => String::new(),
        }
    );
    if let Some(waiting) = status["waiting"].as_str() {
        println!("  waiting: {waiting}");
    }
    println!(
        "  processed {} / not processed {}  rate {}/s (ceiling {}/s)",
        text(status, "processed"),
        text(status, "not_processed"),
        text(status, "rate_per_s"),
        text(status, "ceiling_per_s"),
    );
    let states = [
        "sent",
        "delivered",
        "read",
        "failed",
        "blocked",
        "invalid",
        "unknown",
        "cancelled",
    ];
    let line: Vec<String> = states
        .iter()
        .map(|s| format!("{s} {}", text(counts, s)))
        .collect();
    println!("  {}", line.join("  "));
}
