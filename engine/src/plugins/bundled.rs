//! Plugins compiled from plugins/ during the build and embedded in the binary.
//!
//! `build.rs` builds the guest workspace for wasm32-wasip2 into `target/plugins` and generates
//! `BUNDLED` (the strategies, then the provider adapters, then the bots, each group in name
//! order, `include_bytes!`'d) and `GUEST_WASM_DIR` (where every built guest lies, the test
//! plugins included, for the tests). The registry loads every bundled plugin at start, so each
//! is active by its name (`least-busy`, `twilio`, `menu`…) until an upload overrides it.

use std::path::{Path, PathBuf};

/// A plugin component embedded in the binary.
#[derive(Debug, Clone, Copy)]
pub struct BundledPlugin {
    /// The file stem it was built as, e.g. `strategy_least_busy`, `bot_after_wait`.
    pub file: &'static str,
    /// The component's bytes.
    pub wasm: &'static [u8],
}

include!(concat!(env!("OUT_DIR"), "/bundled_plugins.rs"));

/// Where the build put the component of guest crate `crate_name`:
/// `guest_wasm_path("loop-forever")` is `GUEST_WASM_DIR/loop_forever.wasm`.
pub fn guest_wasm_path(crate_name: &str) -> PathBuf {
    Path::new(GUEST_WASM_DIR).join(format!("{}.wasm", crate_name.replace('-', "_")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_strategies_providers_and_bots_are_embedded_as_components() {
        let files: Vec<_> = BUNDLED.iter().map(|p| p.file).collect();
        assert_eq!(
            files,
            [
                "strategy_least_busy",
                "strategy_longest_idle",
                "strategy_round_robin",
                "strategy_skills",
                "strategy_sticky",
                "strategy_weighted_random",
                "provider_http_gateway",
                "provider_sandbox",
                "provider_sinch",
                "provider_twilio",
                "provider_whatsapp_cloud",
                "bot_after_wait",
                "bot_faq",
                "bot_menu",
                "bot_survey",
            ]
        );
        for plugin in BUNDLED {
            // A component's preamble: the wasm magic, then version 0x0d and layer 1.
            assert_eq!(
                &plugin.wasm[..8],
                b"\0asm\x0d\0\x01\0",
                "{} is not a component",
                plugin.file
            );
        }
    }

    #[test]
    fn test_plugins_are_built_beside_them() {
        for name in [
            "loop-forever",
            "probe-v1",
            "hello-bot",
            "bad-bot",
            "echo-provider",
            "wrong-world",
        ] {
            assert!(
                guest_wasm_path(name).is_file(),
                "{} missing",
                guest_wasm_path(name).display()
            );
        }
    }
}
