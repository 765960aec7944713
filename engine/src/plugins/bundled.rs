//! PLACEHOLDER until the build.rs that embeds the guest plugins lands (helper writing it will replace this file).
pub struct BundledPlugin { pub file: &'static str, pub wasm: &'static [u8] }
pub static BUNDLED: &[BundledPlugin] = &[];
pub const GUEST_WASM_DIR: &str = "";
pub fn guest_wasm_path(crate_name: &str) -> std::path::PathBuf { std::path::Path::new(GUEST_WASM_DIR).join(format!("{}.wasm", crate_name.replace('-', "_"))) }
