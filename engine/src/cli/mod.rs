//! The `switchboard` command line (clap derive).
//!
//! - `serve` ([`serve`]): run the engine.
//! - `plugin list|show|install|activate|rollback` ([`plugin`]): manage the plugins of a running
//!   server through its admin API ([`client`]); `plugin inspect|route|webhook` work offline.
//! - `connector …` and `token …` ([`connector`]): connectors and API tokens of a running server.
//! - `user add|list|passwd` ([`user`]): users, straight in the data directory (no server needed).
//!
//! Every plugin command takes `--json` for scripts; otherwise it prints tables and lines for
//! people ([`output`]). A failure prints `error: …` on stderr and exits with status 1.

pub mod client;
pub mod connector;
pub mod dialer;
pub mod output;
pub mod plugin;
pub mod plugin_bot;
pub mod serve;
pub mod user;

use std::io::IsTerminal;

use clap::{Parser, Subcommand};

/// Switchboard: a WhatsApp/SMS contact-center routing engine with WebAssembly plugins.
#[derive(Debug, Parser)]
#[command(name = "switchboard", version, about, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the engine: HTTP API, plugin host, store.
    Serve(serve::ServeArgs),
    /// Manage plugins on a running server, or inspect and try one offline.
    Plugin(plugin::PluginArgs),
    /// Manage the connectors (provider + config + numbers + webhook URL) of a running server.
    Connector(connector::ConnectorArgs),
    /// Manage API tokens for integrators on a running server.
    Token(connector::TokenArgs),
    /// Manage users in a data directory (works with the server stopped).
    User(user::UserArgs),
    /// Bulk sends from CSV lists on a running server: create, upload, start, stop, purge, status.
    Dialer(dialer::DialerArgs),
}

/// Runs the parsed command.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => serve::serve(args).await,
        Command::Plugin(args) => {
            init_tracing("warn");
            plugin::run(args).await
        }
        Command::Connector(args) => {
            init_tracing("warn");
            connector::run_connector(args).await
        }
        Command::Token(args) => {
            init_tracing("warn");
            connector::run_token(args).await
        }
        Command::Dialer(args) => {
            init_tracing("warn");
            dialer::run(args).await
        }
        Command::User(args) => {
            init_tracing("warn");
            user::run(args, &mut std::io::stdin(), &mut std::io::stdout()).await
        }
    }
}

/// Logs to stderr with `filter` (env-filter syntax), so stdout carries only the command's
/// output (and the admin token line on a server's first start).
pub fn init_tracing(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Fails only if a subscriber is already installed, which then stays in charge.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

/// The error and its causes on one line, each cause once: many of our error types already
/// include their source's text, and printing the chain as is would repeat it.
pub fn error_message(error: &anyhow::Error) -> String {
    let mut message = error.to_string();
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !message.contains(&cause) {
            message.push_str(": ");
            message.push_str(&cause);
        }
    }
    message
}

#[cfg(test)]
mod tests {
    use anyhow::Context;

    use super::*;

    #[test]
    fn causes_are_shown_once() {
        let io = std::io::Error::other("address in use");
        let error = Err::<(), _>(io)
            .context("cannot listen on 127.0.0.1:8080")
            .expect_err("an error");
        assert_eq!(
            error_message(&error),
            "cannot listen on 127.0.0.1:8080: address in use"
        );

        let store = crate::store::StoreError::Unavailable("closed".into());
        let error = anyhow::Error::from(crate::server::ServeError::from(store));
        assert_eq!(error_message(&error), "store: store unavailable: closed");
    }
}
