//! Host bindings of the three plugin worlds, generated from `wit/`.
//!
//! The strategy world's generation owns the shared `switchboard:types` and `switchboard:host`
//! types; the bot and provider worlds reuse them through `with`, so a `PluginInfo` or a
//! `PluginError` is one Rust type whatever the plugin kind.

/// `switchboard:plugins/strategy@0.1.0`.
pub mod strategy {
    wasmtime::component::bindgen!({
        path: "../wit",
        world: "switchboard:plugins/strategy@0.1.0",
        exports: { default: async },
    });
}

/// `switchboard:plugins/bot@0.1.0`.
pub mod bot {
    wasmtime::component::bindgen!({
        path: "../wit",
        world: "switchboard:plugins/bot@0.1.0",
        exports: { default: async },
        with: {
            "switchboard:types/common": super::strategy::switchboard::types::common,
            "switchboard:host/log": super::strategy::switchboard::host::log,
        },
    });
}

/// `switchboard:plugins/provider@0.1.0`.
pub mod provider {
    wasmtime::component::bindgen!({
        path: "../wit",
        world: "switchboard:plugins/provider@0.1.0",
        exports: { default: async },
        with: {
            "switchboard:types/common": super::strategy::switchboard::types::common,
            "switchboard:host/log": super::strategy::switchboard::host::log,
        },
    });
}

pub use strategy::switchboard::host::log;
pub use strategy::switchboard::types::common;
