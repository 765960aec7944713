//! `switchboard serve`: load the configuration, bind, run until Ctrl-C or SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use tokio::net::TcpListener;

use crate::config::{self, Config, Overrides};
use crate::plugins::bundled::BUNDLED;
use crate::server;

/// Flags of `serve`. Each wins over the config file and the environment.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on, IP:PORT (default 127.0.0.1:8080; env SWITCHBOARD_LISTEN).
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// Directory for the database and caches (default ./data; env SWITCHBOARD_DATA_DIR).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// TOML configuration file; every key is optional.
    #[arg(long, value_name = "FILE", env = "SWITCHBOARD_CONFIG")]
    pub config: Option<PathBuf>,
    /// Run the demo: data in ./data/demo unless a data dir is given, and a banner saying what
    /// to try.
    #[arg(long)]
    pub demo: bool,
}

/// Runs the server in the foreground.
pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let overrides = Overrides {
        listen: args.listen,
        data_dir: args.data_dir,
        demo: args.demo,
    };
    let config = Config::load(args.config.as_deref(), config::process_env, &overrides)?;
    super::init_tracing(&config.log);
    let listener = TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    if args.demo {
        demo_banner(&config, listener.local_addr()?);
    }
    server::run(config, listener, shutdown_signal()).await?;
    Ok(())
}

/// What the demo holds so far and where to look. Grows as the demo does.
fn demo_banner(config: &Config, bound: SocketAddr) {
    let url = match &config.public_url {
        Some(_) => config.display_url(),
        None => format!("http://{bound}"),
    };
    let bundled = |prefix: &str| -> Vec<String> {
        BUNDLED
            .iter()
            .filter_map(|p| p.file.strip_prefix(prefix))
            .map(|name| name.replace('_', "-"))
            .collect()
    };
    let (strategies, providers, bots) =
        (bundled("strategy_"), bundled("provider_"), bundled("bot_"));
    tracing::info!(
        "Switchboard demo at {url} (data in {})",
        config.data_dir.display()
    );
    tracing::info!("bundled routing strategies: {}", strategies.join(", "));
    tracing::info!("bundled provider adapters: {}", providers.join(", "));
    tracing::info!(
        "bundled bots: {} (try one offline: switchboard plugin bot menu --input turn.json)",
        bots.join(", ")
    );
    tracing::info!(
        "sandbox WhatsApp number {}: write as a customer with POST {url}/api/v1/sandbox/1/inbound \
         {{\"from\": \"+5491166660001\", \"text\": \"hola\"}}, reply with POST {url}/api/v1/messages \
         {{\"conversation_id\": 1, \"text\": \"...\"}}, read what went out at GET {url}/api/v1/sandbox/1/outbox",
        crate::demo::NUMBER
    );
    tracing::info!("health {url}/healthz, readiness {url}/readyz, metrics {url}/metrics");
    tracing::info!(
        "plugin admin API {url}/api/v1/plugins: send the admin token printed on this data dir's first start \
         (Authorization: Bearer <token>, or SWITCHBOARD_TOKEN for `switchboard plugin list`); \
         lost it? stop, delete {}, start again",
        config.data_dir.display()
    );
}

/// Completes on Ctrl-C or, on Unix, SIGTERM (what `docker stop` and systemd send).
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
