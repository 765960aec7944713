//! Compiled plugins cached on disk, keyed by (sha256 of the wasm, the engine's compatibility
//! hash): loading a cached artifact takes well under a millisecond where compiling takes tens.
//!
//! Only files this process wrote are ever loaded: they are written under the data dir, to a
//! temporary name first and renamed into place, so a crash never leaves a torn artifact that
//! a later start would trust.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use wasmtime::Engine;
use wasmtime::component::Component;

use super::PluginError;

/// The on-disk cache of compiled components.
pub struct ArtifactCache {
    dir: Option<PathBuf>,
    engine_key: String,
}

impl ArtifactCache {
    /// A cache in `dir` for artifacts of `engine`; `None` disables caching.
    pub fn new(dir: Option<PathBuf>, engine: &Engine) -> Self {
        let mut hasher = DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        Self {
            dir,
            engine_key: format!("{:016x}", hasher.finish()),
        }
    }

    /// Loads the cached artifact of `wasm`, or compiles it and caches the result. Blocking:
    /// call it from a blocking thread.
    pub fn load_or_compile(
        &self,
        engine: &Engine,
        wasm: &[u8],
        sha256: &str,
    ) -> Result<Component, PluginError> {
        let Some(path) = self.path(sha256) else {
            return compile(engine, wasm);
        };
        if path.exists() {
            match load(engine, &path) {
                Ok(component) => return Ok(component),
                // A stale or damaged artifact is not fatal: compile again and replace it.
                Err(error) => {
                    tracing::warn!(path = %path.display(), %error, "discarding cached plugin artifact")
                }
            }
        }
        let component = compile(engine, wasm)?;
        if let Err(error) = store(&component, &path) {
            tracing::warn!(path = %path.display(), %error, "cannot cache compiled plugin");
        }
        Ok(component)
    }

    fn path(&self, sha256: &str) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        // The key is our own hex digest; refuse anything else so it can never name a path.
        if sha256.is_empty() || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        Some(dir.join(format!("{sha256}-{}.cwasm", self.engine_key)))
    }
}

fn compile(engine: &Engine, wasm: &[u8]) -> Result<Component, PluginError> {
    Component::new(engine, wasm).map_err(|e| {
        // wasmtime's full chain includes byte dumps; the first line says what is wrong.
        let message = e.to_string();
        PluginError::InvalidComponent(message.lines().next().unwrap_or("unreadable").to_string())
    })
}

#[allow(unsafe_code)]
fn load(engine: &Engine, path: &Path) -> Result<Component, String> {
    // SAFETY: `deserialize_file` trusts its input to be an artifact this engine produced. Files
    // here are written only by `store` below, under the data dir, and renamed into place
    // complete; the name carries the engine's compatibility hash, and wasmtime checks it again.
    unsafe { Component::deserialize_file(engine, path) }.map_err(|e| format!("{e:#}"))
}

fn store(component: &Component, path: &Path) -> Result<(), String> {
    let bytes = component.serialize().map_err(|e| format!("{e:#}"))?;
    let dir = path.parent().ok_or("artifact path has no parent")?;
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    // Unique per writer: two threads (or processes) caching the same plugin at once must not
    // write into one temporary file.
    static WRITES: AtomicU64 = AtomicU64::new(0);
    let n = WRITES.fetch_add(1, Ordering::Relaxed);
    let tmp = path.with_extension(format!("tmp{}-{n}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| e.to_string())?;
    std::fs::rename(&tmp, path).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugins::bundled::BUNDLED;
    use crate::plugins::registry::sha256_hex;

    fn engine() -> Engine {
        Engine::new(wasmtime::Config::new().wasm_component_model(true)).expect("engine")
    }

    #[test]
    fn a_compiled_plugin_is_cached_and_a_damaged_artifact_is_replaced() {
        let dir = tempfile::tempdir().expect("temp dir");
        let engine = engine();
        let cache = ArtifactCache::new(Some(dir.path().to_path_buf()), &engine);
        let wasm = BUNDLED[0].wasm;
        let sha = sha256_hex(wasm);
        cache
            .load_or_compile(&engine, wasm, &sha)
            .expect("compiles");
        let path = cache.path(&sha).expect("cacheable");
        assert!(path.exists(), "the artifact was written");
        cache
            .load_or_compile(&engine, wasm, &sha)
            .expect("loads from the cache");

        std::fs::write(&path, b"not an artifact").expect("damage it");
        cache
            .load_or_compile(&engine, wasm, &sha)
            .expect("recompiles");
        assert_ne!(std::fs::read(&path).expect("rewritten"), b"not an artifact");
        let leftovers = std::fs::read_dir(dir.path()).expect("dir").count();
        assert_eq!(leftovers, 1, "no temporary files are left behind");
    }

    #[test]
    fn a_key_that_is_not_a_hex_digest_is_never_a_path() {
        let engine = engine();
        let cache = ArtifactCache::new(Some(PathBuf::from("/tmp/x")), &engine);
        assert!(cache.path("../../etc/passwd").is_none());
        assert!(cache.path("").is_none());
        assert!(cache.path("00ff").is_some());
    }
}
