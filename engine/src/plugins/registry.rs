//! The plugin registry: every known version of every plugin, the active version of each, hot
//! swap and one-step rollback, persisted through the store.
//!
//! A call clones the active version's `Arc` and runs to completion on it; activation swaps the
//! pointer. That is the whole drain: calls in flight finish on the version they started with,
//! new calls see the new one, and nothing waits.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use arc_swap::ArcSwap;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::PluginError;
use super::bundled::BundledPlugin;
use super::component::{self, LoadedPlugin, Source};
use super::kind::PluginKind;
use super::latency::LatencySnapshot;
use super::runtime::Runtime;
use super::sandbox::CallLimits;
use super::smoke;
use crate::clock;
use crate::store::{ActivePlugin, NewPluginVersion, PluginVersionRow, Store};

/// Limits the registry applies to uploads and to calls of each kind.
#[derive(Debug, Clone)]
pub struct RegistryLimits {
    pub max_upload_bytes: usize,
    pub strategy: CallLimits,
    pub bot: CallLimits,
    pub provider: CallLimits,
}

impl Default for RegistryLimits {
    fn default() -> Self {
        Self {
            max_upload_bytes: 16 << 20,
            strategy: CallLimits {
                deadline: Duration::from_millis(50),
                memory_cap: 32 << 20,
            },
            bot: CallLimits {
                deadline: Duration::from_millis(200),
                memory_cap: 32 << 20,
            },
            provider: CallLimits {
                deadline: Duration::from_millis(500),
                memory_cap: 64 << 20,
            },
        }
    }
}

impl RegistryLimits {
    pub fn for_kind(&self, kind: PluginKind) -> CallLimits {
        match kind {
            PluginKind::Strategy => self.strategy,
            PluginKind::Bot => self.bot,
            PluginKind::Provider => self.provider,
        }
    }
}

/// One version as the API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct VersionView {
    pub name: String,
    pub version: String,
    pub kind: PluginKind,
    pub sha256: String,
    pub size: usize,
    pub source: Source,
    pub description: String,
    /// RFC 3339; `None` for bundled versions.
    pub installed_at: Option<String>,
    pub calls: u64,
    pub errors: u64,
    /// Routing passes the native fallback answered because this version failed.
    pub fallbacks: u64,
    /// Call durations since start.
    #[serde(skip)]
    pub latency: LatencySnapshot,
    pub active: bool,
}

/// One plugin as the API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct PluginView {
    pub name: String,
    pub kind: PluginKind,
    /// `None` for a plugin uploaded without activation and never activated since.
    pub active_version: Option<String>,
    pub previous_version: Option<String>,
    /// RFC 3339; `None` while the bundled version runs by default.
    pub activated_at: Option<String>,
    pub sha256: Option<String>,
    pub calls: u64,
    pub errors: u64,
    pub fallbacks: u64,
    pub versions: Vec<VersionView>,
}

/// A version the registry knows of, loaded or not.
struct Known {
    source: Source,
    kind: PluginKind,
    sha256: String,
    size: usize,
    description: String,
    installed_at_ms: Option<i64>,
    /// Loaded on first use (the active and previous versions are loaded at start).
    loaded: Option<Arc<LoadedPlugin>>,
}

/// The active version of a plugin and its activation record.
struct Active {
    plugin: Arc<LoadedPlugin>,
    previous: Option<String>,
    activated_at_ms: Option<i64>,
}

/// Every plugin by name.
pub struct Registry {
    runtime: Arc<Runtime>,
    store: Arc<dyn Store>,
    limits: RegistryLimits,
    /// Version lists, changed only under `changes`.
    known: Mutex<BTreeMap<String, BTreeMap<String, Known>>>,
    /// The hot path: name → active version, swapped whole.
    active: ArcSwap<BTreeMap<String, Arc<Active>>>,
    /// Serialises installs, activations and rollbacks so store and memory agree.
    changes: tokio::sync::Mutex<()>,
}

impl Registry {
    /// Loads the bundled plugins, then the installed ones, and restores each plugin's active
    /// version. A stored version that no longer loads is logged and skipped (its bundled
    /// version, if any, serves instead): a bad plugin never stops the engine from starting.
    pub async fn open(
        runtime: Arc<Runtime>,
        store: Arc<dyn Store>,
        bundled: &[BundledPlugin],
        limits: RegistryLimits,
    ) -> Result<Arc<Self>, PluginError> {
        let registry = Self {
            runtime,
            store,
            limits,
            known: Mutex::new(BTreeMap::new()),
            active: ArcSwap::from_pointee(BTreeMap::new()),
            changes: tokio::sync::Mutex::new(()),
        };
        let mut defaults = BTreeMap::new();
        for plugin in bundled {
            let loaded = component::load(
                &registry.runtime,
                Arc::from(plugin.wasm),
                sha256_hex(plugin.wasm),
                Source::Bundled,
            )
            .await
            .map_err(|e| {
                PluginError::Host(format!("bundled plugin {} does not load: {e}", plugin.file))
            })?;
            let loaded = Arc::new(loaded);
            registry.remember(&loaded, None);
            defaults.insert(loaded.info.name.clone(), loaded);
        }
        for row in registry.store.plugin_versions().await? {
            registry.remember_row(row);
        }
        let mut active: BTreeMap<String, Arc<Active>> = defaults
            .into_iter()
            .map(|(name, plugin)| {
                (
                    name,
                    Arc::new(Active {
                        plugin,
                        previous: None,
                        activated_at_ms: None,
                    }),
                )
            })
            .collect();
        for row in registry.store.active_plugins().await? {
            match registry.loaded(&row.name, &row.version).await {
                Ok(plugin) => {
                    active.insert(row.name.clone(), Arc::new(active_from_row(plugin, &row)));
                }
                Err(error) => tracing::error!(
                    plugin = %row.name, version = %row.version, %error,
                    "the active version does not load; serving the bundled version if there is one"
                ),
            }
        }
        registry.active.store(Arc::new(active));
        Ok(Arc::new(registry))
    }

    pub fn runtime(&self) -> &Arc<Runtime> {
        &self.runtime
    }

    pub fn limits(&self) -> &RegistryLimits {
        &self.limits
    }

    /// The active version of `name`, for a call. Cheap: a pointer load and an `Arc` clone.
    pub fn active(&self, name: &str) -> Option<Arc<LoadedPlugin>> {
        self.active.load().get(name).map(|a| a.plugin.clone())
    }

    /// Checks `config` against the active version's schema, as a campaign or connector binding
    /// the plugin must; returns the parsed config.
    pub fn validate_config(
        &self,
        name: &str,
        config: &str,
    ) -> Result<serde_json::Value, PluginError> {
        let plugin = self.active(name).ok_or_else(|| not_found(name))?;
        plugin.schema.validate(config)
    }

    /// Validates, persists and (if asked) activates an uploaded component.
    pub async fn install(&self, wasm: Vec<u8>, activate: bool) -> Result<VersionView, PluginError> {
        if wasm.len() > self.limits.max_upload_bytes {
            return Err(PluginError::TooLarge {
                size: wasm.len(),
                limit: self.limits.max_upload_bytes,
            });
        }
        let sha256 = sha256_hex(&wasm);
        let wasm: Arc<[u8]> = Arc::from(wasm);
        let plugin = Arc::new(
            component::load(
                &self.runtime,
                wasm.clone(),
                sha256.clone(),
                Source::Installed,
            )
            .await?,
        );
        if plugin.info.kind == PluginKind::Strategy {
            smoke::check_strategy(&self.runtime, &plugin, self.limits.strategy).await?;
        }
        let _guard = self.changes.lock().await;
        self.check_fits(&plugin)?;
        let info = &plugin.info;
        let row = self
            .store
            .insert_plugin_version(NewPluginVersion {
                name: info.name.clone(),
                version: info.version.clone(),
                kind: info.kind.as_str().to_string(),
                sha256: sha256.clone(),
                description: info.description.clone(),
                config_schema: info.config_schema.clone(),
                wasm: wasm.to_vec(),
                installed_at_ms: clock::now_ms(),
            })
            .await
            .map_err(conflict_or_store)?;
        self.remember(&plugin, Some(row.installed_at_ms));
        tracing::info!(plugin = %info.name, version = %info.version, sha256 = %sha256, "plugin installed");
        if activate {
            self.switch_to(&info.name, &info.version).await?;
        }
        self.version_view(&info.name, &info.version)
            .ok_or_else(|| not_found(&info.name))
    }

    /// Makes `version` the active version of `name`.
    pub async fn activate(&self, name: &str, version: &str) -> Result<VersionView, PluginError> {
        let _guard = self.changes.lock().await;
        self.switch_to(name, version).await?;
        self.version_view(name, version)
            .ok_or_else(|| not_found(name))
    }

    /// Goes back to the version active before the current one (a second rollback goes forward).
    pub async fn rollback(&self, name: &str) -> Result<VersionView, PluginError> {
        let _guard = self.changes.lock().await;
        let current = self.active.load().get(name).cloned().ok_or_else(|| {
            if self.lock_known().contains_key(name) {
                PluginError::Conflict(format!(
                    "plugin {name} has no active version to roll back from"
                ))
            } else {
                not_found(name)
            }
        })?;
        let previous = current.previous.clone().ok_or_else(|| {
            PluginError::Conflict(format!(
                "plugin {name} has no previous version to roll back to"
            ))
        })?;
        // Load before touching the store, so a version that no longer loads changes nothing.
        let plugin = self.loaded(name, &previous).await?;
        let row = self
            .store
            .rollback_plugin(name, clock::now_ms())
            .await
            .map_err(conflict_or_store)?;
        self.publish(name, Arc::new(active_from_row(plugin, &row)), &current);
        tracing::info!(plugin = %name, version = %row.version, from = %current.plugin.info.version, "plugin rolled back");
        self.version_view(name, &row.version)
            .ok_or_else(|| not_found(name))
    }

    /// Every plugin, by name.
    pub fn list(&self) -> Vec<PluginView> {
        let names: Vec<String> = self.lock_known().keys().cloned().collect();
        names.iter().filter_map(|name| self.get(name)).collect()
    }

    /// One plugin with all its versions.
    pub fn get(&self, name: &str) -> Option<PluginView> {
        let active = self.active.load().get(name).cloned();
        let known = self.lock_known();
        let versions = known.get(name)?;
        let kind = versions.values().next()?.kind;
        let active_version = active.as_ref().map(|a| a.plugin.info.version.clone());
        let views: Vec<VersionView> = versions
            .iter()
            .map(|(version, k)| {
                view_of(
                    name,
                    version,
                    k,
                    active_version.as_deref() == Some(version.as_str()),
                )
            })
            .collect();
        Some(PluginView {
            name: name.to_string(),
            kind,
            calls: active.as_ref().map_or(0, |a| a.plugin.stats.calls()),
            errors: active.as_ref().map_or(0, |a| a.plugin.stats.errors()),
            fallbacks: active.as_ref().map_or(0, |a| a.plugin.stats.fallbacks()),
            sha256: active.as_ref().map(|a| a.plugin.sha256.clone()),
            previous_version: active.as_ref().and_then(|a| a.previous.clone()),
            activated_at: active
                .as_ref()
                .and_then(|a| a.activated_at_ms)
                .map(clock::rfc3339),
            active_version,
            versions: views,
        })
    }

    /// Activates a known version: load it, record it, swap the pointer.
    async fn switch_to(&self, name: &str, version: &str) -> Result<(), PluginError> {
        let plugin = self.loaded(name, version).await?;
        let current = self.active.load().get(name).cloned();
        if let Some(current) = &current {
            if current.plugin.info.version == version {
                return Ok(());
            }
            // The bundled default was never recorded; record it so a rollback can return to it.
            if current.activated_at_ms.is_none() {
                self.store
                    .activate_plugin_version(name, &current.plugin.info.version, clock::now_ms())
                    .await
                    .map_err(conflict_or_store)?;
            }
        }
        let row = self
            .store
            .activate_plugin_version(name, version, clock::now_ms())
            .await
            .map_err(conflict_or_store)?;
        let next = Arc::new(active_from_row(plugin, &row));
        match &current {
            Some(current) => self.publish(name, next, current),
            None => self.insert_active(name, next),
        }
        tracing::info!(plugin = %name, %version, "plugin activated");
        Ok(())
    }

    /// Swaps in `next` for `name` and lets go of the old version's warm instances.
    fn publish(&self, name: &str, next: Arc<Active>, old: &Active) {
        self.insert_active(name, next);
        old.plugin.world.clear_warm();
    }

    fn insert_active(&self, name: &str, next: Arc<Active>) {
        // Writers are serialised by `changes`, so this read-copy-update never loses a write.
        let mut map = BTreeMap::clone(&self.active.load());
        map.insert(name.to_string(), next);
        self.active.store(Arc::new(map));
    }

    /// The loaded form of a known version, loading it from the store if needed.
    async fn loaded(&self, name: &str, version: &str) -> Result<Arc<LoadedPlugin>, PluginError> {
        let sha256 = {
            let known = self.lock_known();
            let entry = known
                .get(name)
                .and_then(|v| v.get(version))
                .ok_or_else(|| not_found_version(name, version))?;
            if let Some(loaded) = &entry.loaded {
                return Ok(loaded.clone());
            }
            entry.sha256.clone()
        };
        let wasm = self
            .store
            .plugin_wasm(name, version)
            .await?
            .ok_or_else(|| not_found_version(name, version))?;
        let plugin = Arc::new(
            component::load(&self.runtime, Arc::from(wasm), sha256, Source::Installed).await?,
        );
        if plugin.info.name != name || plugin.info.version != version {
            return Err(PluginError::BadDescription(format!(
                "stored as {name} {version} but describes itself as {} {}",
                plugin.info.name, plugin.info.version
            )));
        }
        if let Some(entry) = self
            .lock_known()
            .get_mut(name)
            .and_then(|v| v.get_mut(version))
        {
            entry.loaded = Some(plugin.clone());
        }
        Ok(plugin)
    }

    /// Refuses an upload that contradicts what is known: another kind under the same name, or
    /// a bundled version number with other bytes.
    fn check_fits(&self, plugin: &LoadedPlugin) -> Result<(), PluginError> {
        let known = self.lock_known();
        let Some(versions) = known.get(&plugin.info.name) else {
            return Ok(());
        };
        if let Some(existing) = versions.values().next()
            && existing.kind != plugin.info.kind
        {
            return Err(PluginError::Conflict(format!(
                "plugin {} is a {}; this upload is a {}",
                plugin.info.name,
                existing.kind.as_str(),
                plugin.info.kind.as_str()
            )));
        }
        match versions.get(&plugin.info.version) {
            Some(existing) if existing.sha256 != plugin.sha256 => {
                Err(PluginError::Conflict(format!(
                    "{} {} is already installed with other bytes; publish a new version",
                    plugin.info.name, plugin.info.version
                )))
            }
            _ => Ok(()),
        }
    }

    fn remember(&self, plugin: &Arc<LoadedPlugin>, installed_at_ms: Option<i64>) {
        let info = &plugin.info;
        self.lock_known()
            .entry(info.name.clone())
            .or_default()
            .insert(
                info.version.clone(),
                Known {
                    source: plugin.source,
                    kind: info.kind,
                    sha256: plugin.sha256.clone(),
                    size: plugin.size,
                    description: info.description.clone(),
                    installed_at_ms,
                    loaded: Some(plugin.clone()),
                },
            );
    }

    fn remember_row(&self, row: PluginVersionRow) {
        let Some(kind) = PluginKind::parse(&row.kind) else {
            tracing::error!(plugin = %row.name, version = %row.version, kind = %row.kind, "stored plugin has an unknown kind");
            return;
        };
        let mut known = self.lock_known();
        let versions = known.entry(row.name.clone()).or_default();
        // A stored version never shadows a bundled one of the same number.
        versions.entry(row.version.clone()).or_insert(Known {
            source: Source::Installed,
            kind,
            sha256: row.sha256,
            size: usize::try_from(row.size).unwrap_or(0),
            description: row.description,
            installed_at_ms: Some(row.installed_at_ms),
            loaded: None,
        });
    }

    fn version_view(&self, name: &str, version: &str) -> Option<VersionView> {
        let active = self
            .active
            .load()
            .get(name)
            .map(|a| a.plugin.info.version.clone());
        let known = self.lock_known();
        let entry = known.get(name)?.get(version)?;
        Some(view_of(
            name,
            version,
            entry,
            active.as_deref() == Some(version),
        ))
    }

    fn lock_known(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, BTreeMap<String, Known>>> {
        // The map stays consistent even if a holder panicked: every change is one insert.
        self.known.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn active_from_row(plugin: Arc<LoadedPlugin>, row: &ActivePlugin) -> Active {
    Active {
        plugin,
        previous: row.previous.clone(),
        activated_at_ms: Some(row.activated_at_ms),
    }
}

fn view_of(name: &str, version: &str, k: &Known, active: bool) -> VersionView {
    VersionView {
        name: name.to_string(),
        version: version.to_string(),
        kind: k.kind,
        sha256: k.sha256.clone(),
        size: k.size,
        source: k.source,
        description: k.description.clone(),
        installed_at: k.installed_at_ms.map(clock::rfc3339),
        calls: k.loaded.as_ref().map_or(0, |p| p.stats.calls()),
        errors: k.loaded.as_ref().map_or(0, |p| p.stats.errors()),
        fallbacks: k.loaded.as_ref().map_or(0, |p| p.stats.fallbacks()),
        latency: k
            .loaded
            .as_ref()
            .map(|p| p.stats.latency())
            .unwrap_or_default(),
        active,
    }
}

/// Hex sha256 of `bytes`: the identity of a plugin build.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn not_found(name: &str) -> PluginError {
    PluginError::NotFound(format!("no plugin named {name}"))
}

fn not_found_version(name: &str, version: &str) -> PluginError {
    PluginError::NotFound(format!("plugin {name} has no version {version}"))
}

fn conflict_or_store(error: crate::store::StoreError) -> PluginError {
    match error {
        crate::store::StoreError::Conflict(message) => PluginError::Conflict(message),
        crate::store::StoreError::NotFound(message) => PluginError::NotFound(message),
        other => PluginError::Store(other),
    }
}
