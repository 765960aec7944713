//! The engine's configuration: one typed struct whose defaults run the demo.
//!
//! Sources, each overriding the one before: the defaults, an optional TOML file
//! (`--config FILE`), environment variables (`SWITCHBOARD_*`, see [`ENV_VARS`]), then command
//! line flags ([`Overrides`]). Unknown keys are refused, and every value is checked once here,
//! with a message naming the key, so a typo fails at start instead of being silently ignored.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

mod auth;
mod dialer;
mod messaging;
mod routing;

pub use auth::AuthSettings;
pub use dialer::DialerConfig;
pub use messaging::MessagingSettings;
pub use routing::RoutingConfig;

use crate::plugins::RegistryLimits;
use crate::plugins::RuntimeConfig;
use crate::plugins::sandbox::CallLimits;

/// The environment variables read, and the key each one sets.
pub const ENV_VARS: &[(&str, &str)] = &[
    ("SWITCHBOARD_LISTEN", "listen"),
    ("SWITCHBOARD_DATA_DIR", "data_dir"),
    ("SWITCHBOARD_PUBLIC_URL", "public_url"),
    ("SWITCHBOARD_LOG", "log"),
    ("SWITCHBOARD_ADMIN_TOKEN", "admin_token"),
    ("SWITCHBOARD_SECRET_KEY", "secret_key"),
    ("SWITCHBOARD_WEB_DIR", "web_dir"),
    ("SWITCHBOARD_ARGON2_MEMORY_KIB", "auth.argon2_memory_kib"),
    ("SWITCHBOARD_ARGON2_ITERATIONS", "auth.argon2_iterations"),
    (
        "SWITCHBOARD_LOGIN_ATTEMPTS_PER_IP",
        "auth.login_attempts_per_ip",
    ),
    (
        "SWITCHBOARD_DISCONNECT_GRACE_SECS",
        "routing.disconnect_grace_secs",
    ),
];

/// Where the data lives unless told otherwise.
const DEFAULT_DATA_DIR: &str = "./data";
/// Where compiled plugins are cached unless `plugins.cache_dir` says otherwise.
const DEFAULT_CACHE_DIR: &str = "cache/plugins";
/// Where `serve --demo` keeps its data unless told otherwise, apart from a real deployment's.
pub const DEMO_DATA_DIR: &str = "./data/demo";
/// Shortest admin token accepted from configuration: anything shorter is guessable.
const MIN_ADMIN_TOKEN_LEN: usize = 16;
/// One wasm page is 64 KiB and a Rust guest's std needs about a megabyte to start.
const MIN_PLUGIN_MEMORY: usize = 1 << 20;
/// Longest deadline a plugin call may have: past that a stuck plugin stalls routing too long.
const MAX_DEADLINE_MS: u64 = 60_000;

/// Everything the engine can be told.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address and port the HTTP server listens on (`IP:PORT`). Default `127.0.0.1:8080`.
    pub listen: SocketAddr,
    /// Directory holding the database and the compiled-plugin cache; created if missing.
    /// Default `./data` (`./data/demo` with `serve --demo`).
    pub data_dir: PathBuf,
    /// The URL the world reaches this server at (`https://…`), when it differs from `listen`
    /// (behind a proxy). Providers' webhooks are registered and signed against it.
    pub public_url: Option<String>,
    /// Log filter, `tracing` env-filter syntax (`info`, `switchboard=debug,tower_http=info`).
    pub log: String,
    /// The admin token to create on first start, for automation (tests, the demo script, a
    /// deployment tool) that must know it without reading the server's output. Ignored once a
    /// token exists. When unset, the first start generates one and prints it once.
    pub admin_token: Option<Secret>,
    /// Key sealing stored secrets (connector credentials), 64 hex characters. When unset, a key
    /// is kept in `<data_dir>/secret.key`, created on first start.
    pub secret_key: Option<Secret>,
    /// Limits of the WebAssembly plugin host.
    pub plugins: PluginSettings,
    /// Webhooks, the sender, media and opt-out.
    pub messaging: MessagingSettings,
    /// Passwords, sessions and login rate limits.
    pub auth: AuthSettings,
    /// The router.
    pub routing: RoutingConfig,
    /// The dialer.
    pub dialer: DialerConfig,
    /// Serve the web client from this directory instead of the copy built into the binary:
    /// for editing it without rebuilding (`engine/web`). Default: the built-in copy.
    pub web_dir: Option<PathBuf>,
    /// `serve --demo`: seed the demo's sandbox connector. Not a file setting.
    #[serde(skip)]
    pub demo: bool,
}

/// Limits of the plugin host: uploads, instances, memory and deadlines per plugin kind.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PluginSettings {
    /// Largest plugin upload accepted, in bytes. Default 16 MiB.
    pub max_upload_bytes: usize,
    /// Plugin instances that may exist at once; calls beyond that wait. Default 128.
    pub max_instances: u32,
    /// Largest linear memory any plugin may ever have, in bytes (reserved per instance slot).
    /// Every per-kind cap must fit in it. Default 64 MiB.
    pub max_memory_bytes: usize,
    /// Wall time a routing strategy call may take, in ms. Default 50.
    pub strategy_deadline_ms: u64,
    /// Wall time a bot call may take, in ms. Default 200.
    pub bot_deadline_ms: u64,
    /// Wall time a provider adapter call may take, in ms (the network I/O is the host's and
    /// is not counted). Default 500.
    pub provider_deadline_ms: u64,
    /// Memory cap of one strategy call, in bytes. Default 32 MiB.
    pub strategy_memory_bytes: usize,
    /// Memory cap of one bot call, in bytes. Default 32 MiB.
    pub bot_memory_bytes: usize,
    /// Memory cap of one provider call, in bytes. Default 64 MiB.
    pub provider_memory_bytes: usize,
    /// Where compiled plugins are cached. Default `<data_dir>/cache/plugins`. Servers may
    /// share one: artifacts are keyed by content and engine build, and written atomically.
    pub cache_dir: Option<PathBuf>,
}

/// A value that must not appear in logs: its `Debug` shows `<redacted>`.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Values given on the command line, which win over the file and the environment.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--listen`.
    pub listen: Option<SocketAddr>,
    /// `--data-dir`.
    pub data_dir: Option<PathBuf>,
    /// `--demo`: keeps the data in [`DEMO_DATA_DIR`] unless a data dir is given some other way.
    pub demo: bool,
}

/// Why a configuration was refused. Each message names the key or variable at fault.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The config file could not be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The config file is not valid TOML or has a key or value of the wrong shape.
    #[error("config file {path}: {message}")]
    Parse { path: PathBuf, message: String },
    /// An environment variable has a value of the wrong shape.
    #[error("environment variable {var}: {message}")]
    Env { var: &'static str, message: String },
    /// A value has the right shape but is out of range.
    #[error("config key {key}: {message}")]
    Invalid { key: &'static str, message: String },
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from(DEFAULT_DATA_DIR),
            public_url: None,
            log: "info".to_string(),
            admin_token: None,
            secret_key: None,
            plugins: PluginSettings::default(),
            messaging: MessagingSettings::default(),
            auth: AuthSettings::default(),
            routing: RoutingConfig::default(),
            dialer: DialerConfig::default(),
            web_dir: None,
            demo: false,
        }
    }
}

impl Default for PluginSettings {
    fn default() -> Self {
        let limits = RegistryLimits::default();
        let runtime = RuntimeConfig::default();
        Self {
            max_upload_bytes: limits.max_upload_bytes,
            max_instances: runtime.max_instances,
            max_memory_bytes: runtime.max_memory,
            strategy_deadline_ms: millis(limits.strategy.deadline),
            bot_deadline_ms: millis(limits.bot.deadline),
            provider_deadline_ms: millis(limits.provider.deadline),
            strategy_memory_bytes: limits.strategy.memory_cap,
            bot_memory_bytes: limits.bot.memory_cap,
            provider_memory_bytes: limits.provider.memory_cap,
            cache_dir: None,
        }
    }
}

impl Config {
    /// Builds the configuration from the defaults, the file at `path` (if any), the
    /// environment as `env` reports it, then `flags`; and validates the result.
    ///
    /// `env` is a parameter so tests need not touch the process environment; pass
    /// [`process_env`] in the binary.
    pub fn load(
        path: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
        flags: &Overrides,
    ) -> Result<Self, ConfigError> {
        let (mut config, mut data_dir_given) = match path {
            Some(path) => Self::from_file(path)?,
            None => (Self::default(), false),
        };
        data_dir_given |= config.apply_env(env)?;
        data_dir_given |= flags.data_dir.is_some();
        config.apply_flags(flags);
        if flags.demo && !data_dir_given {
            config.data_dir = PathBuf::from(DEMO_DATA_DIR);
        }
        config.validate()?;
        Ok(config)
    }

    /// Parses TOML text; also says whether it sets `data_dir` (which `--demo` must respect).
    pub fn from_toml(text: &str) -> Result<(Self, bool), String> {
        let config: Self = toml::from_str(text).map_err(|e| e.to_string())?;
        let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
        Ok((config, table.contains_key("data_dir")))
    }

    fn from_file(path: &Path) -> Result<(Self, bool), ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::from_toml(&text).map_err(|message| ConfigError::Parse {
            path: path.to_owned(),
            message,
        })
    }

    /// Applies the `SWITCHBOARD_*` variables; returns whether one set the data dir.
    fn apply_env(&mut self, env: impl Fn(&str) -> Option<String>) -> Result<bool, ConfigError> {
        let mut data_dir_given = false;
        for &(var, _) in ENV_VARS {
            let Some(value) = env(var) else { continue };
            match var {
                "SWITCHBOARD_LISTEN" => {
                    self.listen = value.trim().parse().map_err(|_| ConfigError::Env {
                        var,
                        message: format!("`{value}` is not an IP:PORT address"),
                    })?;
                }
                "SWITCHBOARD_DATA_DIR" => {
                    self.data_dir = PathBuf::from(value);
                    data_dir_given = true;
                }
                "SWITCHBOARD_PUBLIC_URL" => self.public_url = Some(value),
                "SWITCHBOARD_LOG" => self.log = value,
                "SWITCHBOARD_ADMIN_TOKEN" => self.admin_token = Some(Secret(value)),
                "SWITCHBOARD_SECRET_KEY" => self.secret_key = Some(Secret(value)),
                "SWITCHBOARD_WEB_DIR" => self.web_dir = Some(PathBuf::from(value)),
                "SWITCHBOARD_ARGON2_MEMORY_KIB" => {
                    self.auth.argon2_memory_kib = env_number(var, &value)?;
                }
                "SWITCHBOARD_ARGON2_ITERATIONS" => {
                    self.auth.argon2_iterations = env_number(var, &value)?;
                }
                "SWITCHBOARD_LOGIN_ATTEMPTS_PER_IP" => {
                    self.auth.login_attempts_per_ip = env_number(var, &value)?;
                }
                "SWITCHBOARD_DISCONNECT_GRACE_SECS" => {
                    self.routing.disconnect_grace_secs = env_number(var, &value)?.into();
                }
                _ => {}
            }
        }
        Ok(data_dir_given)
    }

    fn apply_flags(&mut self, flags: &Overrides) {
        if let Some(listen) = flags.listen {
            self.listen = listen;
        }
        if let Some(data_dir) = &flags.data_dir {
            self.data_dir = data_dir.clone();
        }
        self.demo |= flags.demo;
    }

    /// Checks every value that has the right type but may still be wrong.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.data_dir.as_os_str().is_empty() {
            return Err(invalid("data_dir", "must not be empty"));
        }
        if let Some(url) = &self.public_url
            && (!(url.starts_with("http://") || url.starts_with("https://"))
                || url.contains(char::is_whitespace))
        {
            return Err(invalid(
                "public_url",
                format!("`{url}` is not an http:// or https:// URL"),
            ));
        }
        if let Err(error) = tracing_subscriber::EnvFilter::try_new(&self.log) {
            return Err(invalid(
                "log",
                format!("`{}` is not a valid filter: {error}", self.log),
            ));
        }
        if let Some(Secret(token)) = &self.admin_token
            && (token.chars().count() < MIN_ADMIN_TOKEN_LEN || token.contains(char::is_whitespace))
        {
            return Err(invalid(
                "admin_token",
                format!("must be at least {MIN_ADMIN_TOKEN_LEN} characters, without spaces"),
            ));
        }
        if let Some(Secret(key)) = &self.secret_key
            && crate::secrets::SecretBox::from_hex(key).is_err()
        {
            return Err(invalid(
                "secret_key",
                "must be 64 hex characters (32 bytes)",
            ));
        }
        self.plugins.validate()?;
        self.messaging.validate()?;
        self.auth.validate()
    }

    /// Whether people reach the server over HTTPS (`public_url`), so cookies must be `Secure`.
    pub fn is_https(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|url| url.starts_with("https://"))
    }

    /// Where compiled plugins are cached: `plugins.cache_dir`, else inside the data dir.
    pub fn plugin_cache_dir(&self) -> PathBuf {
        self.plugins
            .cache_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join(DEFAULT_CACHE_DIR))
    }

    /// The address to show people: `public_url` if set, else `http://` + `listen`.
    pub fn display_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => format!("http://{}", self.listen),
        }
    }
}

impl PluginSettings {
    fn validate(&self) -> Result<(), ConfigError> {
        if self
            .cache_dir
            .as_ref()
            .is_some_and(|dir| dir.as_os_str().is_empty())
        {
            return Err(invalid("plugins.cache_dir", "must not be empty"));
        }
        if self.max_upload_bytes == 0 {
            return Err(invalid("plugins.max_upload_bytes", "must be more than 0"));
        }
        if self.max_instances == 0 {
            return Err(invalid("plugins.max_instances", "must be at least 1"));
        }
        if self.max_memory_bytes < MIN_PLUGIN_MEMORY {
            return Err(invalid(
                "plugins.max_memory_bytes",
                format!("must be at least {MIN_PLUGIN_MEMORY}"),
            ));
        }
        let deadlines = [
            ("plugins.strategy_deadline_ms", self.strategy_deadline_ms),
            ("plugins.bot_deadline_ms", self.bot_deadline_ms),
            ("plugins.provider_deadline_ms", self.provider_deadline_ms),
        ];
        for (key, ms) in deadlines {
            if ms == 0 || ms > MAX_DEADLINE_MS {
                return Err(invalid(
                    key,
                    format!("must be between 1 and {MAX_DEADLINE_MS} ms"),
                ));
            }
        }
        let caps = [
            ("plugins.strategy_memory_bytes", self.strategy_memory_bytes),
            ("plugins.bot_memory_bytes", self.bot_memory_bytes),
            ("plugins.provider_memory_bytes", self.provider_memory_bytes),
        ];
        for (key, bytes) in caps {
            if bytes < MIN_PLUGIN_MEMORY || bytes > self.max_memory_bytes {
                return Err(invalid(
                    key,
                    format!(
                        "must be between {MIN_PLUGIN_MEMORY} and plugins.max_memory_bytes ({})",
                        self.max_memory_bytes
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The registry's limits from these settings.
    pub fn registry_limits(&self) -> RegistryLimits {
        let limits = |ms: u64, memory_cap: usize| CallLimits {
            deadline: Duration::from_millis(ms),
            memory_cap,
        };
        RegistryLimits {
            max_upload_bytes: self.max_upload_bytes,
            strategy: limits(self.strategy_deadline_ms, self.strategy_memory_bytes),
            bot: limits(self.bot_deadline_ms, self.bot_memory_bytes),
            provider: limits(self.provider_deadline_ms, self.provider_memory_bytes),
        }
    }

    /// The plugin runtime's settings, caching compiled plugins in `cache_dir`.
    pub fn runtime_config(&self, cache_dir: PathBuf) -> RuntimeConfig {
        RuntimeConfig {
            max_instances: self.max_instances,
            max_memory: self.max_memory_bytes,
            cache_dir: Some(cache_dir),
        }
    }
}

/// Reads a variable from the process environment; a value that is not UTF-8 counts as unset.
pub fn process_env(var: &str) -> Option<String> {
    std::env::var(var).ok()
}

/// A whole number from environment variable `var`.
fn env_number(var: &'static str, value: &str) -> Result<u32, ConfigError> {
    value.trim().parse().map_err(|_| ConfigError::Env {
        var,
        message: format!("`{value}` is not a whole number"),
    })
}

fn invalid(key: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        key,
        message: message.into(),
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests;
