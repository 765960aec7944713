//! Sealing secrets at rest: connector credentials and webhook URL secrets are stored encrypted
//! with the engine's key (ChaCha20-Poly1305, a random nonce per value), so a copy of the
//! database alone opens nothing.
//!
//! The key is 32 bytes, given as 64 hex characters in `SWITCHBOARD_SECRET_KEY` (or the config's
//! `secret_key`), or else kept in `<data_dir>/secret.key`, created on first start with
//! owner-only permissions. Losing the key loses the stored secrets (connectors must be given
//! their credentials again), never the messages.

use std::path::Path;

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::TryRng;
use rand::rngs::SysRng;

/// Nonce length of ChaCha20-Poly1305; a sealed value is `nonce || ciphertext+tag`.
const NONCE_BYTES: usize = 12;

/// File name of the generated key inside the data directory.
pub const KEY_FILE: &str = "secret.key";

/// Why a secret could not be sealed or opened, or the key not loaded.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// The key is not 64 hex characters.
    #[error("the secret key must be 64 hex characters (32 bytes)")]
    BadKey,
    /// A sealed value does not open with this key: another key sealed it, or it was altered.
    #[error("a stored secret does not open with this key (was the secret key changed?)")]
    Tampered,
    /// The operating system gave no randomness for a nonce.
    #[error("no randomness from the operating system: {0}")]
    Random(std::io::Error),
    /// Beyond what the cipher can seal in one value (256 GiB).
    #[error("the value is too large to seal")]
    TooLarge,
    /// Reading or creating the key file failed.
    #[error("secret key file {path}: {source}")]
    Io {
        /// The key file.
        path: String,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
}

/// Seals and opens secrets with the engine's key. Cheap to clone.
#[derive(Clone)]
pub struct SecretBox {
    cipher: ChaCha20Poly1305,
    key: [u8; 32],
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(..)")
    }
}

impl SecretBox {
    /// A box with the key given as 64 hex characters.
    pub fn from_hex(key_hex: &str) -> Result<Self, SecretError> {
        let bytes: [u8; 32] = hex::decode(key_hex.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or(SecretError::BadKey)?;
        Ok(Self {
            cipher: ChaCha20Poly1305::new(&Key::from(bytes)),
            key: bytes,
        })
    }

    /// The configured key if any, else the one in `data_dir/secret.key`, created if missing.
    pub fn load(configured: Option<&str>, data_dir: &Path) -> Result<Self, SecretError> {
        if let Some(key) = configured {
            return Self::from_hex(key);
        }
        let path = data_dir.join(KEY_FILE);
        let io = |source| SecretError::Io {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::from_hex(&text),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let key = hex::encode(random_bytes::<32>().map_err(io)?);
                write_private(&path, &key).map_err(io)?;
                tracing::info!(path = %path.display(), "created the secret key; back it up with the database");
                Self::from_hex(&key)
            }
            Err(error) => Err(io(error)),
        }
    }

    /// A key for another purpose (signing media URLs), derived from this one so it survives
    /// restarts without being stored: sha256 of the label and the key.
    pub fn derive(&self, label: &str) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        hasher.update(label.as_bytes());
        hasher.update([0u8]);
        hasher.update(self.key);
        hasher.finalize().into()
    }

    /// Encrypts `plain` under a fresh random nonce.
    pub fn seal(&self, plain: &[u8]) -> Result<Vec<u8>, SecretError> {
        let nonce = random_bytes::<NONCE_BYTES>().map_err(SecretError::Random)?;
        let sealed = self
            .cipher
            .encrypt(&Nonce::from(nonce), plain)
            .map_err(|_| SecretError::TooLarge)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// Decrypts a value [`SecretBox::seal`] made with the same key.
    pub fn open(&self, sealed: &[u8]) -> Result<Vec<u8>, SecretError> {
        if sealed.len() < NONCE_BYTES {
            return Err(SecretError::Tampered);
        }
        let (nonce, body) = sealed.split_at(NONCE_BYTES);
        let nonce = Nonce::try_from(nonce).map_err(|_| SecretError::Tampered)?;
        self.cipher
            .decrypt(&nonce, body)
            .map_err(|_| SecretError::Tampered)
    }

    /// [`SecretBox::open`] of a value sealed from UTF-8 text.
    pub fn open_text(&self, sealed: &[u8]) -> Result<String, SecretError> {
        String::from_utf8(self.open(sealed)?).map_err(|_| SecretError::Tampered)
    }
}

/// `N` bytes from the operating system's random source.
pub fn random_bytes<const N: usize>() -> std::io::Result<[u8; N]> {
    let mut bytes = [0u8; N];
    SysRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(bytes)
}

/// Creates `path` readable by its owner only, failing if it exists (two starts racing).
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key_and_unaltered() {
        let one = SecretBox::from_hex(&"11".repeat(32)).expect("key");
        let other = SecretBox::from_hex(&"22".repeat(32)).expect("key");
        let sealed = one.seal(b"auth-token").expect("seals");
        assert_ne!(&sealed[NONCE_BYTES..], b"auth-token");
        assert_eq!(one.open(&sealed).expect("opens"), b"auth-token");
        assert!(matches!(other.open(&sealed), Err(SecretError::Tampered)));
        let mut altered = sealed.clone();
        let last = altered.len() - 1;
        altered[last] ^= 1;
        assert!(matches!(one.open(&altered), Err(SecretError::Tampered)));
        assert_ne!(
            one.seal(b"x").expect("seals"),
            one.seal(b"x").expect("seals"),
            "a fresh nonce every time"
        );
    }

    #[test]
    fn a_missing_key_file_is_created_once_and_reused() {
        let dir = tempfile::tempdir().expect("dir");
        let first = SecretBox::load(None, dir.path()).expect("created");
        let sealed = first.seal(b"s").expect("seals");
        let again = SecretBox::load(None, dir.path()).expect("read");
        assert_eq!(again.open(&sealed).expect("same key"), b"s");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(KEY_FILE))
                .expect("file")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(matches!(
            SecretBox::load(Some("abc"), dir.path()),
            Err(SecretError::BadKey)
        ));
    }
}
