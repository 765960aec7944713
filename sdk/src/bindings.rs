//! The bindings wit-bindgen generates from `wit/`. Private: plugin authors see only the curated
//! types and traits the SDK re-exports.
//!
//! A plugin's component type must come from the plugin's own crate (each world's export macro
//! emits it there), or every plugin would claim the exports of every world. And one crate
//! cannot hold `generate!` for the three worlds of `wit/plugins.wit` as they are: each would
//! define the same `#[macro_export]` macro for the `metadata` export they share. So the SDK
//! generates four pieces whose union is each world: `meta` (the shared `metadata` export, and
//! the `types` and `host` bindings everyone shares through `with`), and one world per kind with
//! that kind's export. `export_strategy!` expands `meta` + `strategy`, which together are
//! exactly `switchboard:plugins/strategy@0.1.0`; likewise for bots and providers. Keep these
//! worlds in step with `wit/plugins.wit`.
#![allow(unsafe_code, missing_docs, clippy::all)]

/// The `metadata` export every plugin has, plus the shared `types` and `host` bindings.
pub mod meta {
    wit_bindgen::generate!({
        path: "../wit",
        inline: "
            package switchboard:sdk@0.1.0;
            world meta {
                import switchboard:host/log@0.1.0;
                export switchboard:types/metadata@0.1.0;
            }
        ",
        world: "switchboard:sdk/meta@0.1.0",
        pub_export_macro: true,
        export_macro_name: "__export_meta_world",
        additional_derives: [PartialEq],
        generate_all,
    });
}

/// The rest of `switchboard:plugins/strategy@0.1.0`.
pub mod strategy {
    wit_bindgen::generate!({
        path: "../wit",
        inline: "
            package switchboard:sdk@0.1.0;
            world strategy {
                import switchboard:host/log@0.1.0;
                export switchboard:strategy/strategy@0.1.0;
            }
        ",
        world: "switchboard:sdk/strategy@0.1.0",
        pub_export_macro: true,
        export_macro_name: "__export_strategy_world",
        // Records of the same shape are lifted straight into the core crate's types; the
        // waiting and agent tables arrive as columns and become rows in `strategy::rows`.
        with: {
            "switchboard:types/common@0.1.0": crate::bindings::meta::switchboard::types::common,
            "switchboard:host/log@0.1.0": crate::bindings::meta::switchboard::host::log,
            "switchboard:strategy/strategy@0.1.0/exclusion": switchboard_strategies::Exclusion,
            "switchboard:strategy/strategy@0.1.0/attribute": switchboard_strategies::Attribute,
            "switchboard:strategy/strategy@0.1.0/assignment": switchboard_strategies::Assignment,
        },
    });
}

/// The rest of `switchboard:plugins/bot@0.1.0`.
pub mod bot {
    wit_bindgen::generate!({
        path: "../wit",
        inline: "
            package switchboard:sdk@0.1.0;
            world bot {
                import switchboard:host/log@0.1.0;
                export switchboard:bot/bot@0.1.0;
            }
        ",
        world: "switchboard:sdk/bot@0.1.0",
        pub_export_macro: true,
        export_macro_name: "__export_bot_world",
        additional_derives: [PartialEq],
        with: {
            "switchboard:types/common@0.1.0": crate::bindings::meta::switchboard::types::common,
            "switchboard:host/log@0.1.0": crate::bindings::meta::switchboard::host::log,
        },
    });
}

/// The rest of `switchboard:plugins/provider@0.1.0`.
pub mod provider {
    wit_bindgen::generate!({
        path: "../wit",
        inline: "
            package switchboard:sdk@0.1.0;
            world provider {
                import switchboard:host/log@0.1.0;
                export switchboard:provider/provider@0.1.0;
            }
        ",
        world: "switchboard:sdk/provider@0.1.0",
        pub_export_macro: true,
        export_macro_name: "__export_provider_world",
        additional_derives: [PartialEq],
        with: {
            "switchboard:types/common@0.1.0": crate::bindings::meta::switchboard::types::common,
            "switchboard:host/log@0.1.0": crate::bindings::meta::switchboard::host::log,
        },
    });
}
