//! Passwords: argon2id hashes as PHC strings (`$argon2id$v=19$m=…,t=…,p=1$salt$hash`).
//!
//! The cost (memory and passes) comes from the config; a stored hash carries its own, so
//! raising the cost never locks anyone out. Hashing is slow on purpose: it runs on the blocking
//! pool, at most one per core at a time, so a burst of logins queues instead of taking a
//! worker thread and 19 MiB each. A login for a user who does not exist (or has no password)
//! still verifies against a hash of the same cost, so the answer's timing does not tell which
//! usernames exist.

use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::TryRng;
use rand::rngs::SysRng;
use tokio::sync::Semaphore;

/// Shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 8;
/// Longest password accepted: enough for any passphrase, short of a denial of service.
pub const MAX_PASSWORD_LEN: usize = 256;

/// Why a password could not be set or checked.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// Too short or too long.
    #[error("a password must be {MIN_PASSWORD_LEN} to {MAX_PASSWORD_LEN} characters")]
    Length,
    /// The cost settings are out of argon2's range.
    #[error("argon2 parameters: {0}")]
    Params(String),
    /// Hashing failed (no randomness, a task that died).
    #[error("hashing a password failed: {0}")]
    Hash(String),
}

/// Hashes and verifies passwords at the configured cost. Cheap to clone.
#[derive(Clone)]
pub struct Passwords {
    argon2: Argon2<'static>,
    /// A hash of a random password at the current cost: what a login with no stored hash is
    /// checked against.
    decoy: Arc<str>,
    hashing: Arc<Semaphore>,
}

impl std::fmt::Debug for Passwords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Passwords")
            .field("params", self.argon2.params())
            .finish_non_exhaustive()
    }
}

impl Passwords {
    /// Hashing at `memory_kib` KiB and `iterations` passes, one lane. Computes one hash (the
    /// decoy), so call it where a moment of CPU is fine (start-up).
    pub fn new(memory_kib: u32, iterations: u32) -> Result<Self, PasswordError> {
        let params = Params::new(memory_kib, iterations, 1, None)
            .map_err(|e| PasswordError::Params(e.to_string()))?;
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let mut passwords = Self {
            argon2,
            decoy: Arc::from(""),
            hashing: Arc::new(Semaphore::new(cores)),
        };
        let mut random = [0u8; 16];
        SysRng
            .try_fill_bytes(&mut random)
            .map_err(|e| PasswordError::Hash(e.to_string()))?;
        passwords.decoy = Arc::from(passwords.hash_now(&hex::encode(random))?);
        Ok(passwords)
    }

    /// The PHC string of `password`, computed on the blocking pool.
    pub async fn hash(&self, password: &str) -> Result<String, PasswordError> {
        check_length(password)?;
        let (this, password) = (self.clone(), password.to_owned());
        let _permit = self.permit().await?;
        tokio::task::spawn_blocking(move || this.hash_now(&password))
            .await
            .map_err(|e| PasswordError::Hash(e.to_string()))?
    }

    /// Whether `password` matches `stored` (a PHC string). With no stored hash, spends the time
    /// of one verification and says no.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> bool {
        let decoy = stored.is_none();
        let stored: Arc<str> = stored.map_or_else(|| self.decoy.clone(), Arc::from);
        let (this, password) = (self.clone(), password.to_owned());
        let Ok(_permit) = self.permit().await else {
            return false;
        };
        let verified = tokio::task::spawn_blocking(move || this.verify_now(&password, &stored))
            .await
            .unwrap_or(false);
        verified && !decoy
    }

    fn hash_now(&self, password: &str) -> Result<String, PasswordError> {
        let mut salt = [0u8; 16];
        SysRng
            .try_fill_bytes(&mut salt)
            .map_err(|e| PasswordError::Hash(format!("no randomness: {e}")))?;
        let salt = SaltString::encode_b64(&salt).map_err(|e| PasswordError::Hash(e.to_string()))?;
        let hash = self
            .argon2
            .hash_password(password.as_bytes(), &salt)
            .map_err(|e| PasswordError::Hash(e.to_string()))?;
        Ok(hash.to_string())
    }

    fn verify_now(&self, password: &str, stored: &str) -> bool {
        // A stored hash that does not parse verifies nothing, but still costs the decoy's time.
        match PasswordHash::new(stored) {
            Ok(hash) => self
                .argon2
                .verify_password(password.as_bytes(), &hash)
                .is_ok(),
            Err(error) => {
                tracing::error!(%error, "a stored password hash is not a PHC string");
                if let Ok(decoy) = PasswordHash::new(&self.decoy) {
                    let _ = self.argon2.verify_password(password.as_bytes(), &decoy);
                }
                false
            }
        }
    }

    async fn permit(&self) -> Result<tokio::sync::SemaphorePermit<'_>, PasswordError> {
        self.hashing
            .acquire()
            .await
            .map_err(|e| PasswordError::Hash(e.to_string()))
    }
}

/// `Ok` if `password` is long enough (and not absurdly long) to be set.
pub fn check_length(password: &str) -> Result<(), PasswordError> {
    let chars = password.chars().count();
    if (MIN_PASSWORD_LEN..=MAX_PASSWORD_LEN).contains(&chars) {
        Ok(())
    } else {
        Err(PasswordError::Length)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cheapest cost argon2 allows: these tests check behaviour, not strength.
    fn cheap() -> Passwords {
        Passwords::new(8, 1).expect("valid params")
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let passwords = cheap();
        let hash = passwords.hash("correct horse").await.expect("hashed");
        assert!(hash.starts_with("$argon2id$v=19$m=8,t=1,p=1$"), "{hash}");
        assert!(passwords.verify("correct horse", Some(&hash)).await);
        assert!(!passwords.verify("correct hors", Some(&hash)).await);
        let again = passwords.hash("correct horse").await.expect("hashed");
        assert_ne!(again, hash, "each hash has its own salt");
    }

    #[tokio::test]
    async fn a_hash_of_another_cost_still_verifies() {
        let old = Passwords::new(16, 2).expect("valid params");
        let hash = old.hash("an old password").await.expect("hashed");
        assert!(cheap().verify("an old password", Some(&hash)).await);
    }

    #[tokio::test]
    async fn no_stored_hash_or_a_broken_one_never_verifies() {
        let passwords = cheap();
        assert!(!passwords.verify("anything at all", None).await);
        assert!(
            !passwords
                .verify("anything at all", Some("not a phc string"))
                .await
        );
        let decoy = passwords.decoy.to_string();
        assert!(
            decoy.starts_with("$argon2id$"),
            "the decoy costs a real hash"
        );
    }

    #[tokio::test]
    async fn short_and_huge_passwords_are_refused() {
        let passwords = cheap();
        assert!(matches!(
            passwords.hash("1234567").await,
            Err(PasswordError::Length)
        ));
        assert!(passwords.hash("12345678").await.is_ok());
        assert!(check_length(&"x".repeat(MAX_PASSWORD_LEN + 1)).is_err());
        assert!(check_length("ñandú-ñandú").is_ok());
    }

    #[test]
    fn impossible_costs_are_refused() {
        assert!(matches!(
            Passwords::new(1, 1),
            Err(PasswordError::Params(_))
        ));
        assert!(matches!(
            Passwords::new(8, 0),
            Err(PasswordError::Params(_))
        ));
    }
}
