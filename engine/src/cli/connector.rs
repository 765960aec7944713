//! `switchboard connector …` and `switchboard token …`: manage connectors and API tokens of a
//! running server through its admin API.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use reqwest::Method;
use serde_json::Value;

use super::client::{AdminClient, TOKEN_VAR};
use super::output::{print_json, table, text};

/// Where the server is and how to print.
#[derive(Debug, Args)]
pub struct ServerArgs {
    /// The server to manage.
    #[arg(
        long,
        global = true,
        value_name = "URL",
        env = "SWITCHBOARD_SERVER",
        default_value = "http://127.0.0.1:8080"
    )]
    pub server: String,
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
}

/// `connector`.
#[derive(Debug, Args)]
pub struct ConnectorArgs {
    #[command(flatten)]
    pub server: ServerArgs,
    /// The connector command.
    #[command(subcommand)]
    pub command: ConnectorCommand,
}

/// Connector commands. The admin token is read from SWITCHBOARD_TOKEN.
#[derive(Debug, Subcommand)]
pub enum ConnectorCommand {
    /// List connectors with their numbers and webhook URLs.
    List,
    /// Show one connector (secrets only by name).
    Show {
        /// Connector id.
        id: i64,
    },
    /// Create a connector from a JSON file: {"name", "plugin", "config", "numbers", "allow_ips"}.
    Create {
        /// The connector as JSON.
        #[arg(long, value_name = "FILE.json")]
        file: PathBuf,
    },
    /// Replace a connector's settings from a JSON file; secret fields left out are kept.
    Update {
        /// Connector id.
        id: i64,
        /// The connector as JSON.
        #[arg(long, value_name = "FILE.json")]
        file: PathBuf,
    },
    /// Delete a connector that never carried a message.
    Delete {
        /// Connector id.
        id: i64,
    },
    /// Give the connector a new webhook URL secret; the old URL stops working.
    RotateSecret {
        /// Connector id.
        id: i64,
    },
}

/// `token`.
#[derive(Debug, Args)]
pub struct TokenArgs {
    #[command(flatten)]
    pub server: ServerArgs,
    /// The token command.
    #[command(subcommand)]
    pub command: TokenCommand,
}

/// API token commands. The admin token is read from SWITCHBOARD_TOKEN.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token for an integrator; its secret is printed once.
    Create {
        /// What it is for.
        name: String,
    },
    /// List tokens.
    List,
    /// Revoke a token at once.
    Revoke {
        /// Token id.
        id: i64,
    },
}

/// Runs a connector command.
pub async fn run_connector(args: ConnectorArgs) -> anyhow::Result<()> {
    let client = AdminClient::new(&args.server.server, std::env::var(TOKEN_VAR).ok())?;
    let read = |file: &PathBuf| -> anyhow::Result<Value> {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", file.display()))
    };
    let answer = match &args.command {
        ConnectorCommand::List => client.api(Method::GET, &["connectors"], None).await?,
        ConnectorCommand::Show { id } => {
            client
                .api(Method::GET, &["connectors", &id.to_string()], None)
                .await?
        }
        ConnectorCommand::Create { file } => {
            client
                .api(Method::POST, &["connectors"], Some(read(file)?))
                .await?
        }
        ConnectorCommand::Update { id, file } => {
            client
                .api(
                    Method::PUT,
                    &["connectors", &id.to_string()],
                    Some(read(file)?),
                )
                .await?
        }
        ConnectorCommand::Delete { id } => {
            client
                .api(Method::DELETE, &["connectors", &id.to_string()], None)
                .await?
        }
        ConnectorCommand::RotateSecret { id } => {
            client
                .api(
                    Method::POST,
                    &["connectors", &id.to_string(), "rotate-secret"],
                    None,
                )
                .await?
        }
    };
    if args.server.json {
        return print_json(&answer);
    }
    match answer {
        Value::Array(list) => print_connectors(&list),
        Value::Null => println!("deleted"),
        one => print_connectors(&[one]),
    }
    Ok(())
}

fn print_connectors(list: &[Value]) {
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|c| {
            let numbers: Vec<&str> = c["numbers"]
                .as_array()
                .map(|n| n.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            vec![
                text(c, "id"),
                text(c, "name"),
                text(c, "plugin"),
                numbers.join(" "),
                if c["enabled"] == true {
                    "yes".into()
                } else {
                    "no".into()
                },
                text(c, "webhook_url"),
            ]
        })
        .collect();
    println!(
        "{}",
        table(
            &["ID", "NAME", "PLUGIN", "NUMBERS", "ENABLED", "WEBHOOK URL"],
            &rows
        )
    );
}

/// Runs a token command.
pub async fn run_token(args: TokenArgs) -> anyhow::Result<()> {
    let client = AdminClient::new(&args.server.server, std::env::var(TOKEN_VAR).ok())?;
    let answer = match &args.command {
        TokenCommand::Create { name } => {
            client
                .api(
                    Method::POST,
                    &["tokens"],
                    Some(serde_json::json!({ "name": name })),
                )
                .await?
        }
        TokenCommand::List => client.api(Method::GET, &["tokens"], None).await?,
        TokenCommand::Revoke { id } => {
            client
                .api(Method::DELETE, &["tokens", &id.to_string()], None)
                .await?
        }
    };
    if args.server.json {
        return print_json(&answer);
    }
    match (&args.command, answer) {
        (TokenCommand::Create { .. }, token) => {
            println!(
                "token {} created; its secret (shown once): {}",
                text(&token, "id"),
                text(&token, "secret")
            );
        }
        (_, Value::Array(list)) => {
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|t| {
                    vec![
                        text(t, "id"),
                        text(t, "name"),
                        text(t, "created_at"),
                        text(t, "revoked_at"),
                    ]
                })
                .collect();
            println!("{}", table(&["ID", "NAME", "CREATED", "REVOKED"], &rows));
        }
        _ => println!("revoked"),
    }
    Ok(())
}
