//! `switchboard user add|list|passwd`: manage users straight in the data directory, whether the
//! server runs or not (the first admin password is set this way).
//!
//! The data directory and the password cost come from the same places as the server's
//! (`--data-dir`, `--config`, `SWITCHBOARD_*`). A password is read from stdin with
//! `--password-stdin` (first line), else generated and printed once. Input and output are
//! parameters, so tests drive the commands without a terminal.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;

use anyhow::{Context, anyhow};
use clap::{Args, Subcommand};

use super::output::{table, text};
use crate::clock;
use crate::config::{self, Config, Overrides};
use crate::http::api::users::{
    DEFAULT_MAX_CONCURRENT, UserDetail, check_max_concurrent, check_username,
};
use crate::http::auth::generate_token;
use crate::http::auth::password::Passwords;
use crate::store::{self, NewUser, Role, Store};

/// Hex characters of a generated password: 96 bits.
const GENERATED_PASSWORD_LEN: usize = 24;

/// `user` and the options every user command shares.
#[derive(Debug, Args)]
pub struct UserArgs {
    /// Directory holding the database (default ./data; env SWITCHBOARD_DATA_DIR).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// The server's TOML configuration file: its data_dir and [auth] settings apply.
    #[arg(long, global = true, value_name = "FILE", env = "SWITCHBOARD_CONFIG")]
    pub config: Option<PathBuf>,
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// The user command.
    #[command(subcommand)]
    pub command: UserCommand,
}

/// The user commands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user; without --password-stdin a password is generated and printed once.
    Add {
        /// Login name (letters, digits, `.`, `_`, `-`, `@`).
        name: String,
        /// agent, supervisor or admin.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Name shown to people (default: the login name).
        #[arg(long)]
        display_name: Option<String>,
        /// An agent's global maximum of concurrent conversations.
        #[arg(long, default_value_t = DEFAULT_MAX_CONCURRENT)]
        max_concurrent: i64,
        /// Read the password from the first line of stdin.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users.
    List,
    /// Set a user's password (ending their sessions); without --password-stdin a password is
    /// generated and printed once.
    Passwd {
        /// Login name.
        name: String,
        /// Read the password from the first line of stdin.
        #[arg(long)]
        password_stdin: bool,
    },
}

fn parse_role(name: &str) -> Result<Role, String> {
    Role::parse(name).ok_or_else(|| format!("`{name}` is not agent, supervisor or admin"))
}

/// Runs a user command on the data directory, reading a password from `stdin` and writing to
/// `stdout`.
pub async fn run(
    args: UserArgs,
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
) -> anyhow::Result<()> {
    let overrides = Overrides {
        data_dir: args.data_dir.clone(),
        ..Overrides::default()
    };
    let config = Config::load(args.config.as_deref(), config::process_env, &overrides)?;
    let store = store::open(&config.data_dir)
        .await
        .with_context(|| format!("cannot open the data dir {}", config.data_dir.display()))?;
    let result = command(&args, &config, store.as_ref(), stdin, stdout).await;
    store.close().await;
    result
}

async fn command(
    args: &UserArgs,
    config: &Config,
    store: &dyn Store,
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
) -> anyhow::Result<()> {
    // As the server does at start: the first user is the admin.
    store.ensure_admin_user(None, clock::now_ms()).await?;
    let passwords = || {
        Passwords::new(config.auth.argon2_memory_kib, config.auth.argon2_iterations)
            .map_err(|e| anyhow!(e))
    };
    match &args.command {
        UserCommand::List => {
            let users: Vec<UserDetail> = store.users().await?.into_iter().map(Into::into).collect();
            print_users(&users, args.json, stdout)
        }
        UserCommand::Add {
            name,
            role,
            display_name,
            max_concurrent,
            password_stdin,
        } => {
            let name = name.trim();
            check_username(name).map_err(|e| anyhow!(e.message))?;
            check_max_concurrent(*max_concurrent).map_err(|e| anyhow!(e.message))?;
            let (password, generated) = password(*password_stdin, stdin)?;
            let hash = passwords()?.hash(&password).await?;
            let user = store
                .create_user(NewUser {
                    username: name.to_owned(),
                    display_name: display_name.clone().unwrap_or_else(|| name.to_owned()),
                    role: *role,
                    password_hash: Some(hash),
                    max_concurrent: *max_concurrent,
                    campaign_scope: None,
                    at_ms: clock::now_ms(),
                })
                .await?;
            writeln!(
                stdout,
                "user {} ({}) created with id {}",
                user.username, user.role, user.id
            )?;
            announce(generated, &password, stdout)
        }
        UserCommand::Passwd {
            name,
            password_stdin,
        } => {
            let user = store
                .user_by_name(name.trim())
                .await?
                .ok_or_else(|| anyhow!("no user named `{}`", name.trim()))?;
            let (password, generated) = password(*password_stdin, stdin)?;
            let hash = passwords()?.hash(&password).await?;
            store
                .set_password_hash(user.id, &hash, clock::now_ms())
                .await?;
            let ended = store.end_user_sessions(user.id, None).await?;
            writeln!(
                stdout,
                "password of {} set; {ended} session(s) ended",
                user.username
            )?;
            announce(generated, &password, stdout)
        }
    }
}

/// The password: the first line of stdin, or a new random one (`true`: print it).
fn password(from_stdin: bool, stdin: &mut dyn Read) -> anyhow::Result<(String, bool)> {
    if from_stdin {
        let mut line = String::new();
        BufReader::new(stdin)
            .read_line(&mut line)
            .context("cannot read the password from stdin")?;
        let password = line.trim_end_matches(['\r', '\n']).to_owned();
        return Ok((password, false));
    }
    let mut password = generate_token()?;
    password.truncate(GENERATED_PASSWORD_LEN);
    Ok((password, true))
}

fn announce(generated: bool, password: &str, stdout: &mut dyn Write) -> anyhow::Result<()> {
    if generated {
        writeln!(stdout, "password (shown once): {password}")?;
    }
    Ok(())
}

fn print_users(users: &[UserDetail], json: bool, stdout: &mut dyn Write) -> anyhow::Result<()> {
    if json {
        writeln!(stdout, "{}", serde_json::to_string_pretty(users)?)?;
        return Ok(());
    }
    let rows: Vec<Vec<String>> = users
        .iter()
        .map(|u| {
            let value = serde_json::to_value(u).unwrap_or_default();
            vec![
                text(&value, "id"),
                text(&value, "username"),
                text(&value, "display_name"),
                text(&value, "role"),
                text(&value, "max_concurrent"),
                if u.has_password { "yes" } else { "no" }.to_owned(),
                text(&value, "disabled_at"),
            ]
        })
        .collect();
    writeln!(
        stdout,
        "{}",
        table(
            &[
                "ID", "USERNAME", "NAME", "ROLE", "MAX", "PASSWORD", "DISABLED"
            ],
            &rows
        )
    )?;
    Ok(())
}
