//! `switchboard plugin …`: manage the plugins of a running server, or inspect and try a
//! plugin offline.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use serde_json::Value;
use switchboard_strategies::RouteInput;

use super::client::{AdminClient, TOKEN_VAR};
use super::connector::ServerArgs;
use super::output::{print_json, short_sha, table, text};
use crate::plugins::offline::{self, InspectReport, PluginSource, RouteReport};
use crate::plugins::{Runtime, RuntimeConfig};

/// `plugin` and the options every plugin command shares.
#[derive(Debug, Args)]
pub struct PluginArgs {
    #[command(flatten)]
    pub server: ServerArgs,
    /// The plugin command.
    #[command(subcommand)]
    pub command: PluginCommand,
}

/// The plugin commands. The admin token is read from SWITCHBOARD_TOKEN.
#[derive(Debug, Subcommand)]
pub enum PluginCommand {
    /// List the plugins of the server with their versions and call counts.
    List,
    /// Show one plugin and all its versions.
    Show {
        /// Plugin name.
        name: String,
    },
    /// Upload a component (.wasm) to the server; it becomes active unless --no-activate.
    Install {
        /// The component file.
        file: PathBuf,
        /// Keep the new version staged; activate it later with `plugin activate`.
        #[arg(long)]
        no_activate: bool,
    },
    /// Make an installed version the active one.
    Activate {
        /// Plugin name.
        name: String,
        /// Version to activate.
        // Not named `version`: that id is taken by the `--version` flag clap propagates.
        #[arg(value_name = "VERSION")]
        plugin_version: String,
    },
    /// Go back to the version that was active before.
    Rollback {
        /// Plugin name.
        name: String,
    },
    /// Describe a component file (offline): name, version, kind, config schema, imports.
    Inspect {
        /// The component file.
        file: PathBuf,
    },
    /// Run a provider plugin's webhook handling on a saved request (offline) and print the
    /// normalized events, or why it was refused (exit status 1).
    Webhook {
        /// A bundled provider's name, or a component file.
        plugin: String,
        /// The connector config, a JSON file (secrets included).
        #[arg(long, value_name = "FILE.json")]
        config: PathBuf,
        /// The public URL the provider called, query included (signatures cover it).
        #[arg(long)]
        url: String,
        /// A request header, `Name: value`; repeat for each.
        #[arg(long = "header", value_name = "NAME:VALUE")]
        headers: Vec<String>,
        /// The raw request body.
        #[arg(long, value_name = "FILE")]
        body_file: Option<PathBuf>,
        /// The request method.
        #[arg(long, default_value = "POST")]
        method: String,
    },
    /// Run one turn of a bot (offline) and print the actions the engine would apply; exits
    /// with status 1 if the bot fails or gives an answer the engine would refuse.
    Bot {
        /// A bundled bot's name (menu, after-wait, survey, faq), or a component file.
        plugin: String,
        /// The turn: `{ "config": {…}, "context": {…}, "trigger": {"type": "start"} }`;
        /// context fields are optional (now_ms defaults to now).
        #[arg(long, value_name = "FILE.json")]
        input: PathBuf,
    },
    /// Run a strategy on a saved queue snapshot (offline) and print its assignments; exits
    /// with status 1 if the host would reject them.
    Route {
        /// A bundled strategy's name, or a component file.
        plugin: String,
        /// The queue snapshot: a JSON route input (now_ms, seed, campaign, waiting, agents).
        #[arg(long, value_name = "FILE.json")]
        input: PathBuf,
        /// The strategy's config, as JSON.
        #[arg(long, value_name = "JSON", default_value = "{}")]
        config: String,
    },
}

/// Runs a plugin command.
pub async fn run(args: PluginArgs) -> anyhow::Result<()> {
    let json = args.server.json;
    let client = || AdminClient::new(&args.server.server, std::env::var(TOKEN_VAR).ok());
    let (answer, done) = match args.command {
        PluginCommand::Inspect { file } => return inspect(&file, json).await,
        PluginCommand::Webhook {
            plugin,
            config,
            url,
            headers,
            body_file,
            method,
        } => {
            return webhook(
                &plugin,
                &config,
                url,
                &headers,
                body_file.as_deref(),
                method,
                json,
            )
            .await;
        }
        PluginCommand::Route {
            plugin,
            input,
            config,
        } => return route(&plugin, &input, &config, json).await,
        PluginCommand::Bot { plugin, input } => {
            return super::plugin_bot::run(&plugin, &input, json).await;
        }
        PluginCommand::List => {
            let answer = client()?.list().await?;
            if !json {
                print_list(&answer);
            }
            (answer, None)
        }
        PluginCommand::Show { name } => {
            let answer = client()?.show(&name).await?;
            if !json {
                print_plugin(&answer);
            }
            (answer, None)
        }
        PluginCommand::Install { file, no_activate } => {
            let client = client()?;
            (
                client.install(read(&file)?, !no_activate).await?,
                Some("installed"),
            )
        }
        PluginCommand::Activate {
            name,
            plugin_version,
        } => (
            client()?.activate(&name, &plugin_version).await?,
            Some("activated"),
        ),
        PluginCommand::Rollback { name } => {
            (client()?.rollback(&name).await?, Some("rolled back to"))
        }
    };
    if json {
        print_json(&answer)?;
    } else if let Some(done) = done {
        println!("{}", version_line(done, &answer));
    }
    Ok(())
}

async fn inspect(file: &Path, json: bool) -> anyhow::Result<()> {
    let wasm = read(file)?;
    let report = offline::inspect(&offline_runtime()?, wasm).await?;
    if json {
        return print_json(&report);
    }
    print_inspect(&report);
    Ok(())
}

async fn route(plugin: &str, input: &Path, config: &str, json: bool) -> anyhow::Result<()> {
    serde_json::from_str::<Value>(config).context("--config is not JSON")?;
    let snapshot =
        std::fs::read(input).with_context(|| format!("cannot read {}", input.display()))?;
    let input: RouteInput = serde_json::from_slice(&snapshot).with_context(|| {
        format!(
            "{} is not a route input (now_ms, seed, campaign, waiting, agents)",
            input.display()
        )
    })?;
    let source = plugin_source(plugin)?;
    let report = offline::route(&offline_runtime()?, source, config, &input).await?;
    if json {
        print_json(&report)?;
    } else {
        print_route(&report);
    }
    match &report.rejected {
        Some(reason) => bail!("the host would reject these assignments: {reason}"),
        None => Ok(()),
    }
}

async fn webhook(
    plugin: &str,
    config: &Path,
    url: String,
    headers: &[String],
    body_file: Option<&Path>,
    method: String,
    json: bool,
) -> anyhow::Result<()> {
    let config = String::from_utf8(read(config)?).context("--config is not UTF-8 text")?;
    serde_json::from_str::<Value>(&config).context("--config is not JSON")?;
    let headers = headers
        .iter()
        .map(|h| {
            h.split_once(':')
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                .with_context(|| format!("--header {h}: write it as `Name: value`"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let body = match body_file {
        Some(file) => read(file)?,
        None => Vec::new(),
    };
    let request = crate::providers::offline::SavedRequest {
        method,
        url,
        headers,
        body,
    };
    let report = crate::providers::offline::webhook(
        &offline_runtime()?,
        plugin_source(plugin)?,
        &config,
        request,
    )
    .await?;
    if json {
        print_json(&report)?;
    } else {
        println!(
            "{} {}: HTTP {}",
            report.plugin, report.version, report.status
        );
        for event in &report.events {
            println!("{}", serde_json::to_string_pretty(event)?);
        }
    }
    match &report.error {
        Some(why) => bail!("the plugin refused the webhook: {why}"),
        None => Ok(()),
    }
}

/// A path to an existing file, or anything ending in `.wasm`, is a file; otherwise a bundled
/// plugin's name.
pub(super) fn plugin_source(plugin: &str) -> anyhow::Result<PluginSource> {
    let path = Path::new(plugin);
    if path.is_file() || plugin.ends_with(".wasm") {
        return Ok(PluginSource::File(read(path)?));
    }
    Ok(PluginSource::Bundled(plugin.to_string()))
}

/// A plugin host for one offline command: no artifact cache, few instances.
pub(super) fn offline_runtime() -> anyhow::Result<Arc<Runtime>> {
    let config = RuntimeConfig {
        max_instances: 8,
        cache_dir: None,
        ..RuntimeConfig::default()
    };
    Ok(Arc::new(Runtime::new(config)?))
}

fn read(file: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))
}

fn print_list(answer: &Value) {
    let plugins = answer["plugins"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let rows: Vec<Vec<String>> = plugins
        .iter()
        .map(|p| {
            vec![
                text(p, "name"),
                text(p, "kind"),
                text(p, "active_version"),
                text(p, "previous_version"),
                text(p, "calls"),
                text(p, "errors"),
                text(p, "fallbacks"),
                p["versions"].as_array().map_or(0, Vec::len).to_string(),
            ]
        })
        .collect();
    println!(
        "{}",
        table(
            &[
                "NAME",
                "KIND",
                "ACTIVE",
                "PREVIOUS",
                "CALLS",
                "ERRORS",
                "FALLBACKS",
                "VERSIONS"
            ],
            &rows
        )
    );
}

fn print_plugin(plugin: &Value) {
    println!("{} ({})", text(plugin, "name"), text(plugin, "kind"));
    println!(
        "active: {} since {}",
        text(plugin, "active_version"),
        text(plugin, "activated_at")
    );
    println!("previous: {}", text(plugin, "previous_version"));
    let versions = plugin["versions"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let rows: Vec<Vec<String>> = versions
        .iter()
        .map(|v| {
            vec![
                if v["active"].as_bool() == Some(true) {
                    "*".to_string()
                } else {
                    String::new()
                },
                text(v, "version"),
                text(v, "source"),
                short_sha(&text(v, "sha256")).to_string(),
                text(v, "size"),
                text(v, "calls"),
                text(v, "errors"),
                text(v, "installed_at"),
            ]
        })
        .collect();
    println!(
        "{}",
        table(
            &[
                "",
                "VERSION",
                "SOURCE",
                "SHA256",
                "SIZE",
                "CALLS",
                "ERRORS",
                "INSTALLED"
            ],
            &rows
        )
    );
}

/// `installed least-busy 1.2.0 (strategy, sha256 0123456789ab, active)`.
fn version_line(done: &str, version: &Value) -> String {
    let state = if version["active"].as_bool() == Some(true) {
        "active"
    } else {
        "not active"
    };
    format!(
        "{done} {} {} ({}, sha256 {}, {state})",
        text(version, "name"),
        text(version, "version"),
        text(version, "kind"),
        short_sha(&text(version, "sha256")),
    )
}

fn print_inspect(report: &InspectReport) {
    println!("name: {}", report.name);
    println!("version: {}", report.version);
    println!("kind: {}", report.kind.as_str());
    println!("description: {}", report.description);
    println!("sha256: {}", report.sha256);
    println!("size: {} bytes", report.size);
    println!("exports: {}", report.exports.join(", "));
    println!("imports: {}", report.imports.join(", "));
    let schema = serde_json::to_string_pretty(&report.config_schema).unwrap_or_default();
    println!("config schema: {schema}");
}

fn print_route(report: &RouteReport) {
    println!(
        "{} {}: {} assignment(s) in {} µs",
        report.plugin,
        report.version,
        report.assignments.len(),
        report.elapsed_us
    );
    for assignment in &report.assignments {
        println!(
            "conversation {} -> agent {}",
            assignment.conversation, assignment.agent
        );
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    fn parse(args: &[&str]) -> PluginArgs {
        match Cli::try_parse_from(args).expect("parses").command {
            Command::Plugin(args) => args,
            other => panic!("not a plugin command: {other:?}"),
        }
    }

    #[test]
    fn the_command_line_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn activate_takes_a_name_and_a_version() {
        let args = parse(&["switchboard", "plugin", "activate", "probe", "2.0.0"]);
        assert!(
            matches!(args.command, PluginCommand::Activate { name, plugin_version }
            if name == "probe" && plugin_version == "2.0.0")
        );
    }

    #[test]
    fn json_and_server_go_anywhere_on_the_line() {
        let args = parse(&[
            "switchboard",
            "plugin",
            "list",
            "--json",
            "--server",
            "http://10.0.0.1:9",
        ]);
        assert!(args.server.json);
        assert_eq!(args.server.server, "http://10.0.0.1:9");
        assert!(matches!(args.command, PluginCommand::List));
    }

    #[test]
    fn install_activates_unless_told_not_to() {
        let args = parse(&[
            "switchboard",
            "plugin",
            "install",
            "x.wasm",
            "--no-activate",
        ]);
        assert!(matches!(
            args.command,
            PluginCommand::Install {
                no_activate: true,
                ..
            }
        ));
    }

    #[test]
    fn route_takes_a_name_or_a_file() {
        let args = parse(&[
            "switchboard",
            "plugin",
            "route",
            "least-busy",
            "--input",
            "queue.json",
        ]);
        match args.command {
            PluginCommand::Route { plugin, config, .. } => {
                assert_eq!(plugin, "least-busy");
                assert_eq!(config, "{}");
            }
            other => panic!("{other:?}"),
        }
        assert!(
            matches!(plugin_source("least-busy"), Ok(PluginSource::Bundled(name)) if name == "least-busy")
        );
        assert!(
            plugin_source("missing.wasm").is_err(),
            "a .wasm path that does not exist is an error"
        );
    }

    #[test]
    fn bot_takes_a_name_or_a_file_and_an_input() {
        let args = parse(&[
            "switchboard",
            "plugin",
            "bot",
            "./my_bot.wasm",
            "--input",
            "turn.json",
        ]);
        assert!(matches!(args.command, PluginCommand::Bot { plugin, input }
            if plugin == "./my_bot.wasm" && input == Path::new("turn.json")));
    }

    #[test]
    fn a_done_line_names_the_version() {
        let answer = serde_json::json!({
            "name": "least-busy", "version": "1.2.0", "kind": "strategy",
            "sha256": "0123456789abcdef", "active": true
        });
        assert_eq!(
            version_line("installed", &answer),
            "installed least-busy 1.2.0 (strategy, sha256 0123456789ab, active)"
        );
    }
}
