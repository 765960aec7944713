//! Builds the guest side (`sdk/`, `plugins/`) for wasm32-wasip2 as part of the engine's build,
//! so one binary carries its bundled strategies, providers and bots, and writes
//! `bundled_plugins.rs` into `OUT_DIR` for `src/plugins/bundled.rs` to include.
//!
//! Modelled on wasmtime's `crates/test-programs/artifacts/build.rs`. The nested cargo:
//! - has its own target dir, `target/plugins` (sharing the outer one deadlocks on cargo's lock),
//!   outside `plugins/` so that building it never marks the watched sources as changed;
//! - gets none of the variables through which the outer build would leak into it (host
//!   RUSTFLAGS, a wrapper such as clippy-driver or sccache, the outer target or target dir);
//! - runs `--locked` against the committed `plugins/Cargo.lock`.
//!
//! It reruns only when the WIT, the SDK, a plugin's sources or manifests, or the lockfile
//! change.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The guests' target.
const TARGET: &str = "wasm32-wasip2";

/// Variables that would make the nested build behave like the outer one.
const LEAKY_VARS: &[&str] = &[
    "RUSTFLAGS",
    "CARGO_ENCODED_RUSTFLAGS",
    "CARGO_BUILD_RUSTFLAGS",
    "CARGO_BUILD_TARGET",
    "RUSTC_WRAPPER",
    "RUSTC_WORKSPACE_WRAPPER",
    "CARGO_TARGET_DIR",
];

fn main() {
    let engine =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = engine
        .parent()
        .expect("engine/ is inside the repository")
        .to_path_buf();
    let plugins = root.join("plugins");
    watch_sources(&root);
    embed_web(&engine.join("web"));
    ensure_target_installed();
    let target_dir = root.join("target").join("plugins");
    build_guests(&plugins, &target_dir);
    let wasm_dir = target_dir.join(TARGET).join("release");
    let mut bundled = bundled_group(&plugins.join("strategies"), "strategy");
    bundled.extend(bundled_group(&plugins.join("providers"), "provider"));
    bundled.extend(bundled_group(&plugins.join("bots"), "bot"));
    write_bundled(&wasm_dir, &bundled);
}

/// Reruns on changes to what the guests are built from, never to what building them writes.
fn watch_sources(root: &Path) {
    let watch = |path: PathBuf| println!("cargo:rerun-if-changed={}", path.display());
    watch(root.join("wit"));
    watch(root.join("sdk").join("src"));
    watch(root.join("sdk").join("Cargo.toml"));
    let plugins = root.join("plugins");
    watch(plugins.join("Cargo.toml"));
    watch(plugins.join("Cargo.lock"));
    for group in ["strategies", "providers", "bots", "test-plugins"] {
        if !plugins.join(group).is_dir() {
            continue;
        }
        // The group directory itself, so a new plugin crate is noticed, then each crate's
        // sources and manifest (cargo scans a directory recursively).
        watch(plugins.join(group));
        for krate in crate_dirs(&plugins.join(group)) {
            watch(krate.join("src"));
            watch(krate.join("Cargo.toml"));
        }
    }
}

/// The crates (directories with a `Cargo.toml`) in `dir`, sorted.
fn crate_dirs(dir: &Path) -> Vec<PathBuf> {
    let entries =
        fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    let mut crates: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.join("Cargo.toml").is_file())
        .collect();
    crates.sort();
    crates
}

/// Fails early, with the fix, when the toolchain cannot build for the guests' target:
/// `rust-toolchain.toml` lists it, but rustup does not add targets to an installed toolchain.
fn ensure_target_installed() {
    let rustc = env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let output = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", rustc.to_string_lossy()));
    let sysroot = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    let target_lib = sysroot.join("lib").join("rustlib").join(TARGET);
    if !target_lib.is_dir() {
        panic!(
            "\n\nThe {TARGET} target is not installed for this toolchain ({}).\n\
             The bundled plugins are built for it. Install it with:\n\n    \
             rustup target add {TARGET}\n\n(or run scripts/ensure-toolchain)\n",
            sysroot.display()
        );
    }
}

/// Runs the nested `cargo build` of the guest workspace.
fn build_guests(plugins: &Path, target_dir: &Path) {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .arg("build")
        .arg("--manifest-path")
        .arg(plugins.join("Cargo.toml"))
        .args(["--workspace", "--release", "--locked", "--target", TARGET])
        .arg("--target-dir")
        .arg(target_dir)
        .current_dir(plugins);
    for var in LEAKY_VARS {
        command.env_remove(var);
    }
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run the guest build {command:?}: {e}"));
    if !output.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&output.stderr));
        panic!(
            "building the guest plugins failed ({}): {command:?}; its output is above",
            output.status
        );
    }
}

/// The `.wasm` file stems of one group of bundled plugins: every crate in `dir` but a `core`
/// library, named `<prefix>-<dir name>` (`round-robin` → `strategy_round_robin`).
fn bundled_group(dir: &Path, prefix: &str) -> Vec<String> {
    crate_dirs(dir)
        .iter()
        .filter_map(|krate| krate.file_name()?.to_str().map(str::to_owned))
        .filter(|name| name != "core")
        .map(|name| format!("{prefix}_{}", name.replace('-', "_")))
        .collect()
}

/// Writes `OUT_DIR/bundled_plugins.rs`: `BUNDLED` (strategies, providers, bots, embedded) and
/// `GUEST_WASM_DIR` (where every built guest is, for the tests).
fn write_bundled(wasm_dir: &Path, bundled: &[String]) {
    let mut code = String::new();
    code.push_str("/// The bundled strategies, provider adapters and bots, embedded in the binary.\npub static BUNDLED: &[BundledPlugin] = &[\n");
    for file in bundled {
        let path = wasm_dir.join(format!("{file}.wasm"));
        assert!(
            path.is_file(),
            "the guest build did not produce {}",
            path.display()
        );
        let path = path.to_str().expect("the target directory path is UTF-8");
        writeln!(
            code,
            "    BundledPlugin {{ file: {file:?}, wasm: include_bytes!({path:?}) }},"
        )
        .expect("write to a String");
    }
    code.push_str("];\n\n");
    let dir = wasm_dir
        .to_str()
        .expect("the target directory path is UTF-8");
    writeln!(
        code,
        "/// Absolute path of the directory holding every built guest `.wasm`, test plugins included.\n\
         pub const GUEST_WASM_DIR: &str = {dir:?};"
    )
    .expect("write to a String");
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("bundled_plugins.rs");
    fs::write(&out, code).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}

/// Writes `web_assets.rs`: every file under `engine/web`, by its path there, as `include_bytes!`,
/// so the binary serves the web client with nothing beside it.
fn embed_web(web: &Path) {
    println!("cargo:rerun-if-changed={}", web.display());
    let mut files = Vec::new();
    collect_files(web, &mut files);
    files.sort();
    let mut out = String::from("pub static ASSETS: &[(&str, &[u8])] = &[\n");
    for file in &files {
        let relative = file.strip_prefix(web).expect("collected under web/");
        let name = relative
            .components()
            .map(|part| part.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        writeln!(
            out,
            "    ({name:?}, include_bytes!({:?})),",
            file.display().to_string()
        )
        .expect("writing to a String");
    }
    out.push_str("];\n");
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::write(out_dir.join("web_assets.rs"), out).expect("write web_assets.rs");
}

fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(&path, files);
        } else if !entry.file_name().to_string_lossy().starts_with('.') {
            files.push(path);
        }
    }
}
