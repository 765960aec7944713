//! Kannel for the `http-gateway` adapter's Kannel mode: a mock of smsbox's `sendsms` that
//! checks each request as Kannel 1.4.5 does and answers with its words (checked against a real
//! Kannel), the calls a `get-url` sms-service makes, and [`RealKannel`]: a real bearerbox,
//! smsbox and fake SMSC started by `scripts/kannel`, stopped on drop.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use serde_json::{Value, json};
use tempfile::TempDir;

use crate::form::Fields;
use crate::mock::{MockProvider, Recorded, Reply};

/// The `sendsms-user` of the mock.
pub const USERNAME: &str = "switchboard";
/// Its password.
pub const PASSWORD: &str = "kannel-s3cret";
/// The connector's number.
pub const BUSINESS_NUMBER: &str = "+5491155550103";
/// smsbox's `sendsms-url`.
pub const SENDSMS_PATH: &str = "/cgi-bin/sendsms";
/// Kannel's answer to a message it took.
pub const ACCEPTED: &str = "0: Accepted for delivery";

/// The adapter's connector config for Kannel at `sendsms_url`.
pub fn config(sendsms_url: &str, username: &str, password: &str) -> Value {
    json!({"style": "kannel", "sendsms_url": sendsms_url, "username": username, "password": password})
}

/// A mock `sendsms` answering [`sendsms_answer`].
pub async fn sendsms_mock() -> MockProvider {
    MockProvider::start(Arc::new(sendsms_answer)).await
}

/// What smsbox answers a sendsms GET: `404 Unknown request.` elsewhere, `403 Authorization
/// failed for sendsms` without the user's credentials, `400` without a receiver, without a
/// sender (no `global-sender`), or for a receiver outside its default allowed characters
/// (`0123456789 +-`), else `202 0: Accepted for delivery`.
pub fn sendsms_answer(_n: usize, request: &Recorded) -> Reply {
    let path = request.uri.split('?').next().unwrap_or_default();
    if path != SENDSMS_PATH || !matches!(request.method.as_str(), "GET" | "POST") {
        return Reply::new(404, "Unknown request.");
    }
    let query = Fields::query_of(request);
    if query.get("username") != Some(USERNAME) || query.get("password") != Some(PASSWORD) {
        return Reply::new(403, "Authorization failed for sendsms");
    }
    let Some(to) = query.non_empty("to") else {
        return Reply::new(400, "Missing receiver number, rejected");
    };
    if query.non_empty("from").is_none() {
        return Reply::new(400, "Sender missing and no global set, rejected");
    }
    if !to.chars().all(|c| c.is_ascii_digit() || " +-".contains(c)) {
        return denied();
    }
    Reply::new(202, ACCEPTED)
}

/// Kannel's refusal of a receiver its white- or black-list (or allowed characters) rejects.
pub fn denied() -> Reply {
    Reply::new(
        400,
        "Number(s) has/have been denied by white- and/or black-lists.",
    )
}

/// Kannel's answer when the bearerbox cannot take the message now.
pub fn temporal_failure() -> Reply {
    Reply::new(503, "Temporal failure, try again later.")
}

/// The URL Kannel calls for an inbound 7-bit SMS through the adapter's `get-url` pattern
/// (`?id=%I&from=%p&to=%P&text=%b&coding=%c&charset=%C&ts=%T&smsc=%i`).
pub fn get_url_call(webhook_url: &str, id: &str, from: &str, to: &str, text: &str) -> String {
    let ts = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
        .to_string();
    let fields = [
        ("id", id),
        ("from", from),
        ("to", to),
        ("text", text),
        ("coding", "0"),
        ("charset", "UTF-8"),
        ("ts", &ts),
        ("smsc", "fake"),
    ];
    let query: Vec<String> = fields
        .iter()
        .map(|(name, value)| format!("{name}={}", encode(value)))
        .collect();
    format!("{webhook_url}?{}", query.join("&"))
}

/// Percent-encodes everything but unreserved characters (RFC 3986), as Kannel escapes `%p`…
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// `scripts/kannel`.
pub fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/kannel")
}

/// Installs Kannel (Debian's `kannel` and `kannel-extras`) unless it already is; the error
/// is what `scripts/kannel install` said.
pub fn install() -> Result<(), String> {
    let output = Command::new(script())
        .arg("install")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", script().display()))?;
    if output.status.success() {
        return Ok(());
    }
    Err(format!(
        "`scripts/kannel install` failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr).trim()
    ))
}

/// A real Kannel on loopback: bearerbox, smsbox and a fakesmsc client, from
/// `scripts/kannel start`. Dropping it stops every process; on a failing test it first prints
/// the end of Kannel's logs and keeps its directory.
pub struct RealKannel {
    dir: Option<TempDir>,
    env: HashMap<String, String>,
}

impl RealKannel {
    /// Starts Kannel with its sms-service's `get-url` built on `get_url` (the connector's
    /// webhook URL); panics with the script's output if it cannot.
    pub fn start(get_url: &str) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("switchboard-kannel-")
            .tempdir()
            .expect("temp dir");
        let output = Command::new(script())
            .arg("start")
            .arg(dir.path())
            .args(["--get-url", get_url])
            .output()
            .expect("run scripts/kannel start");
        let mut kannel = Self {
            dir: Some(dir),
            env: HashMap::new(),
        };
        assert!(
            output.status.success(),
            "`scripts/kannel start` failed ({}): {}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        kannel.env = kannel.read_env();
        kannel
    }

    /// Kannel's directory (config, logs, `env`).
    pub fn dir(&self) -> &Path {
        self.dir.as_ref().map_or(Path::new("."), TempDir::path)
    }

    /// A variable of `DIR/env` (`KANNEL_SENDSMS_URL`, `KANNEL_USER`, …).
    pub fn var(&self, name: &str) -> &str {
        self.env
            .get(name)
            .unwrap_or_else(|| panic!("{name} missing from {}/env", self.dir().display()))
    }

    /// The connector config that sends through this Kannel.
    pub fn connector_config(&self) -> Value {
        config(
            self.var("KANNEL_SENDSMS_URL"),
            self.var("KANNEL_USER"),
            self.var("KANNEL_PASS"),
        )
    }

    /// The `get-url` line of the sms-service in the `kannel.conf` the script wrote.
    pub fn configured_get_url(&self) -> String {
        let conf = std::fs::read_to_string(self.dir().join("kannel.conf")).expect("kannel.conf");
        conf.lines()
            .find_map(|line| line.trim().strip_prefix("get-url = "))
            .map(|value| value.trim_matches('"').to_owned())
            .expect("a get-url in kannel.conf")
    }

    /// What the fake SMSC logged so far.
    pub fn fakesmsc_log(&self) -> String {
        std::fs::read_to_string(self.var("KANNEL_FAKESMSC_LOG")).unwrap_or_default()
    }

    /// The messages Kannel delivered to the fake SMSC so far, as `(from, to, text)`: its log
    /// lines `Got message N: <FROM TO TYPE DATA>`, where a `ucs-2` message's data is its
    /// UTF-16BE bytes, form-encoded.
    pub fn fakesmsc_received(&self) -> Vec<(String, String, String)> {
        self.fakesmsc_log()
            .lines()
            .filter_map(|line| {
                let (_, message) = line.split_once(": <")?;
                let message = message.strip_suffix('>')?;
                let mut parts = message.splitn(4, ' ');
                let (from, to, kind) = (parts.next()?, parts.next()?, parts.next()?);
                let data = parts.next().unwrap_or_default();
                let text = match kind {
                    "ucs-2" => {
                        let bytes = crate::form::decode_bytes(data.as_bytes());
                        let units: Vec<u16> = bytes
                            .chunks_exact(2)
                            .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
                            .collect();
                        String::from_utf16_lossy(&units)
                    }
                    _ => data.to_owned(),
                };
                Some((from.to_owned(), to.to_owned(), text))
            })
            .collect()
    }

    /// The fake SMSC sends one MO message `text` from `from` to `to`.
    pub fn inject(&self, from: &str, to: &str, text: &str) {
        let output = Command::new(script())
            .arg("inject")
            .arg(self.dir())
            .args([from, to, text])
            .output()
            .expect("run scripts/kannel inject");
        assert!(
            output.status.success(),
            "`scripts/kannel inject` failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// `DIR/env` as the shell reads it (values are written with `printf %q`).
    fn read_env(&self) -> HashMap<String, String> {
        let output = Command::new("bash")
            .args([
                "-c",
                r#". "$1/env" && for v in ${!KANNEL_@}; do printf '%s=%s\n' "$v" "${!v}"; done"#,
                "read-env",
            ])
            .arg(self.dir())
            .output()
            .expect("read the env file");
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| line.split_once('='))
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect()
    }

    /// The last lines of each log, for a failing test's output.
    fn log_tails(&self) -> String {
        let mut tails = String::new();
        for name in ["bearerbox.log", "smsbox.log", "fakesmsc.log"] {
            let text = std::fs::read_to_string(self.dir().join(name)).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            let start = lines.len().saturating_sub(25);
            tails.push_str(&format!(
                "--- {name} (last lines)\n{}\n",
                lines[start..].join("\n")
            ));
        }
        tails
    }
}

impl Drop for RealKannel {
    fn drop(&mut self) {
        let dir = self.dir().to_path_buf();
        let failing = std::thread::panicking();
        if failing {
            eprintln!("{}", self.log_tails());
        }
        match Command::new(script()).arg("stop").arg(&dir).output() {
            Ok(output) if output.status.success() => {}
            Ok(output) => eprintln!(
                "`scripts/kannel stop {}` failed: {}",
                dir.display(),
                String::from_utf8_lossy(&output.stderr)
            ),
            Err(error) => eprintln!("cannot run scripts/kannel stop: {error}"),
        }
        if failing && let Some(dir) = self.dir.take() {
            eprintln!("Kannel's directory is kept: {}", dir.keep().display());
        }
    }
}

/// The connector input (`POST`/`PUT /api/v1/connectors`) of a Kannel connector with `config`.
pub fn connector_input(config: Value) -> Value {
    json!({"name": "kannel", "plugin": "http-gateway", "config": config, "numbers": [BUSINESS_NUMBER]})
}
