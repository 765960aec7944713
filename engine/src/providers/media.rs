//! Media: inbound attachments fetched through the adapter's media steps and stored
//! content-addressed under the data directory; outbound files offered to providers through
//! expiring signed URLs.
//!
//! Files live at `<data_dir>/media/<first two hex>/<sha256>`, written to a temporary name and
//! renamed, so a crash never leaves half a file under a real name. The same file sent twice is
//! stored once.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use tokio::sync::watch;

use crate::clock;
use crate::plugins::PluginKind;
use crate::plugins::bindings::common::Pair;
use crate::plugins::provider::{self as calls, HttpRequest, MediaStep};
use crate::store::{MediaJob, MediaResult};

use super::Messaging;

/// Steps of a media download the host allows (Meta: URL lookup, then the file).
const MAX_STEPS: u8 = 3;
/// Attempts before an attachment is given up.
const MAX_ATTEMPTS: i64 = 6;
/// How long a claimed fetch is leased before another attempt may take it.
const LEASE_MS: i64 = 120_000;

/// Signs and checks outbound media URLs: `<public>/media/<sha256>?exp=<unix s>&sig=<hex>`.
#[derive(Clone)]
pub struct UrlSigner {
    key: [u8; 32],
    public_url: String,
    ttl_s: u64,
}

impl UrlSigner {
    /// A signer with `key`, for URLs under `public_url` valid `ttl_s` seconds.
    pub fn new(key: [u8; 32], public_url: String, ttl_s: u64) -> Self {
        Self {
            key,
            public_url: public_url.trim_end_matches('/').to_owned(),
            ttl_s,
        }
    }

    /// The signed URL of stored file `sha256`, made at `now_s`.
    pub fn url(&self, sha256: &str, now_s: i64) -> String {
        let expires = now_s + i64::try_from(self.ttl_s).unwrap_or(3_600);
        format!(
            "{}/media/{sha256}?exp={expires}&sig={}",
            self.public_url,
            self.signature(sha256, expires)
        )
    }

    /// Whether `sig` signs (`sha256`, `expires`) and `expires` is not past.
    pub fn verify(&self, sha256: &str, expires: i64, sig: &str, now_s: i64) -> bool {
        expires >= now_s
            && super::intake::constant_time_eq(
                self.signature(sha256, expires).as_bytes(),
                sig.as_bytes(),
            )
    }

    fn signature(&self, sha256: &str, expires: i64) -> String {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.key) else {
            return String::new();
        };
        mac.update(format!("{sha256}:{expires}").as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

/// Why a file was refused.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// Larger than allowed.
    #[error("the file is larger than {0} bytes")]
    TooLarge(usize),
    /// Type not accepted.
    #[error("files of type `{0}` are not accepted")]
    BadType(String),
    /// Disk trouble.
    #[error("storing the file failed: {0}")]
    Io(#[from] std::io::Error),
}

impl Messaging {
    /// Where file `sha256` is stored.
    pub fn media_path(&self, sha256: &str) -> Option<PathBuf> {
        let valid = sha256.len() == 64
            && sha256
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
        valid.then(|| self.media_dir.join(&sha256[..2]).join(sha256))
    }

    /// Whether `mime_type` may be stored.
    pub fn media_type_allowed(&self, mime_type: &str) -> bool {
        let mime = mime_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        self.settings
            .media_types
            .iter()
            .any(|prefix| mime.starts_with(prefix.as_str()))
    }

    /// Stores `bytes` content-addressed; returns the hex sha256.
    pub async fn store_media(&self, bytes: &[u8], mime_type: &str) -> Result<String, MediaError> {
        if bytes.len() > self.settings.media_max_bytes {
            return Err(MediaError::TooLarge(self.settings.media_max_bytes));
        }
        if !self.media_type_allowed(mime_type) {
            return Err(MediaError::BadType(mime_type.to_owned()));
        }
        let sha256 = hex::encode(Sha256::digest(bytes));
        let path = self
            .media_path(&sha256)
            .ok_or_else(|| std::io::Error::other("bad digest"))?;
        if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Ok(sha256);
        }
        write_atomically(&path, bytes).await?;
        Ok(sha256)
    }
}

async fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other("no parent"))?;
    tokio::fs::create_dir_all(dir).await?;
    let suffix = hex::encode(crate::secrets::random_bytes::<8>()?);
    let temporary = dir.join(format!(".tmp-{suffix}"));
    let mut file = tokio::fs::File::create(&temporary).await?;
    tokio::io::AsyncWriteExt::write_all(&mut file, bytes).await?;
    file.sync_all().await?;
    drop(file);
    tokio::fs::rename(&temporary, path).await
}

/// Runs the media worker until `stop` turns true.
pub async fn run(messaging: Arc<Messaging>, mut stop: watch::Receiver<bool>) {
    while !*stop.borrow() {
        let jobs = match messaging
            .store
            .claim_media(clock::now_ms(), LEASE_MS, 8)
            .await
        {
            Ok(jobs) => jobs,
            Err(error) => {
                tracing::error!(%error, "claiming media fetches failed");
                Vec::new()
            }
        };
        if jobs.is_empty() {
            tokio::select! {
                () = messaging.media_wakeup.notified() => {}
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = stop.changed() => {}
            }
            continue;
        }
        let fetches = jobs.into_iter().map(|job| {
            let messaging = messaging.clone();
            async move {
                let result = fetch(&messaging, &job).await;
                if let Err(error) = messaging
                    .store
                    .record_media(job.id, result, clock::now_ms())
                    .await
                {
                    tracing::error!(media = job.id, %error, "recording a media fetch failed");
                }
            }
        });
        futures_join_all(fetches).await;
    }
}

/// Runs futures concurrently and waits for all (the handful a claim returns).
async fn futures_join_all<F: std::future::Future<Output = ()> + Send + 'static>(
    futures: impl Iterator<Item = F>,
) {
    let mut set = tokio::task::JoinSet::new();
    for future in futures {
        set.spawn(future);
    }
    while set.join_next().await.is_some() {}
}

/// Downloads and stores one attachment.
async fn fetch(messaging: &Messaging, job: &MediaJob) -> MediaResult {
    match download(messaging, job).await {
        Ok((bytes, mime_type, filename)) => match messaging.store_media(&bytes, &mime_type).await {
            Ok(sha256) => MediaResult::Stored {
                sha256,
                size: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
                mime_type,
                filename,
            },
            Err(error @ (MediaError::TooLarge(_) | MediaError::BadType(_))) => {
                MediaResult::Failed {
                    error: error.to_string(),
                }
            }
            Err(error) => retry(job, error.to_string()),
        },
        Err(Fetch::Permanent(error)) => MediaResult::Failed { error },
        Err(Fetch::Retry(error)) => retry(job, error),
    }
}

fn retry(job: &MediaJob, error: String) -> MediaResult {
    if job.attempts >= MAX_ATTEMPTS {
        return MediaResult::Failed {
            error: format!("gave up after {} attempts: {error}", job.attempts),
        };
    }
    let wait = 5_000i64 << job.attempts.clamp(0, 10);
    MediaResult::Retry {
        at_ms: clock::now_ms() + wait,
        error,
    }
}

enum Fetch {
    Retry(String),
    Permanent(String),
}

/// The file's bytes, type and name, through the plugin's steps or a plain GET.
async fn download(
    messaging: &Messaging,
    job: &MediaJob,
) -> Result<(Vec<u8>, String, Option<String>), Fetch> {
    let connector = messaging
        .connectors
        .get(job.connector_id)
        .ok_or_else(|| Fetch::Permanent("the connector no longer exists".into()))?;
    let plugin = messaging
        .registry
        .active(&connector.plugin)
        .ok_or_else(|| Fetch::Retry("the provider plugin is not installed".into()))?;
    let limits = messaging.registry.limits().for_kind(PluginKind::Provider);
    let runtime = messaging.registry.runtime();
    let capabilities = connector.capabilities.as_ref();
    let max = messaging.settings.media_max_bytes;
    let fallback_type = job
        .mime_type
        .clone()
        .unwrap_or_else(|| "application/octet-stream".into());
    if !capabilities.is_some_and(|c| c.media_fetch) {
        // The locator is a URL anyone may fetch.
        let request = HttpRequest {
            method: "GET".into(),
            url: job.locator.clone(),
            headers: Vec::new(),
            body: Vec::new(),
        };
        let response = messaging
            .client
            .perform(request, max)
            .await
            .map_err(|e| Fetch::Retry(e.to_string()))?;
        if !(200..300).contains(&response.status) {
            return Err(status_error(response.status));
        }
        let mime = header(&response.headers, "content-type").unwrap_or(fallback_type);
        return Ok((response.body, mime, None));
    }
    let auth = if capabilities.is_some_and(|c| c.needs_auth) {
        Some(
            messaging
                .auth_token(&connector)
                .await
                .map_err(Fetch::Retry)?,
        )
    } else {
        None
    };
    let mut request = calls::prepare_media_fetch(
        runtime,
        &plugin,
        limits,
        &connector.config,
        auth.as_deref(),
        &job.locator,
    )
    .await
    .map_err(|e| Fetch::Retry(e.to_string()))?
    .map_err(|e| Fetch::Permanent(format!("{}: {}", e.code, e.message)))?;
    for step in 0..MAX_STEPS {
        let response = messaging
            .client
            .perform(request.clone(), max)
            .await
            .map_err(|e| Fetch::Retry(e.to_string()))?;
        if !(200..300).contains(&response.status) {
            return Err(status_error(response.status));
        }
        let next = calls::read_media_fetch(
            runtime,
            &plugin,
            limits,
            &connector.config,
            auth.as_deref(),
            step,
            &request,
            &response,
        )
        .await
        .map_err(|e| Fetch::Retry(e.to_string()))?
        .map_err(|e| Fetch::Permanent(format!("{}: {}", e.code, e.message)))?;
        match next {
            MediaStep::Fetch(next) => request = next,
            MediaStep::Complete(info) => return Ok((response.body, info.mime_type, info.filename)),
        }
    }
    Err(Fetch::Permanent(format!(
        "the media download took more than {MAX_STEPS} steps"
    )))
}

fn status_error(status: u16) -> Fetch {
    let text = format!("the provider answered HTTP {status}");
    if status == 404 || status == 410 || status == 403 {
        Fetch::Permanent(text)
    } else {
        Fetch::Retry(text)
    }
}

fn header(headers: &[Pair], name: &str) -> Option<String> {
    headers
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(name))
        .map(|p| p.value.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_urls_expire_and_resist_tampering() {
        let signer = UrlSigner::new([7; 32], "https://sb.example/".into(), 60);
        let sha = "a".repeat(64);
        let url = signer.url(&sha, 1_000);
        assert!(url.starts_with("https://sb.example/media/aaaa"), "{url}");
        let query = url.split_once('?').expect("query").1;
        let (exp, sig) = query.split_once("&sig=").expect("sig");
        let exp: i64 = exp.trim_start_matches("exp=").parse().expect("exp");
        assert_eq!(exp, 1_060);
        assert!(signer.verify(&sha, exp, sig, 1_030));
        assert!(!signer.verify(&sha, exp, sig, 1_061), "expired");
        assert!(!signer.verify(&sha, exp + 1, sig, 1_030), "another expiry");
        assert!(
            !signer.verify(&"b".repeat(64), exp, sig, 1_030),
            "another file"
        );
        let other = UrlSigner::new([8; 32], "https://sb.example".into(), 60);
        assert!(!other.verify(&sha, exp, sig, 1_030), "another key");
    }
}
