//! The native strategies that answer when a strategy plugin fails: the same reference
//! algorithms the bundled plugins wrap, compiled into the engine.

use switchboard_strategies::{self as strategies, Assignment, RouteInput, StrategyDef};

/// The strategy used when the failed plugin has no native twin.
const DEFAULT: &StrategyDef = &strategies::least_busy::DEF;

/// Routes natively: with the bundled strategy of the same name if there is one (and the
/// campaign's config if it fits it), else with least-busy and its defaults.
pub fn route(
    plugin_name: &str,
    config: &str,
    input: &RouteInput,
) -> (&'static str, Vec<Assignment>) {
    let def = strategies::by_name(plugin_name).unwrap_or(DEFAULT);
    let config = if std::ptr::eq(def, DEFAULT) && plugin_name != DEFAULT.name {
        ""
    } else {
        config
    };
    let assignments = (def.route)(config, input)
        .or_else(|_| (def.route)("", input))
        .unwrap_or_else(|error| {
            // The defaults of a bundled strategy always parse; if not, leave everyone waiting.
            tracing::error!(strategy = def.name, %error, "native fallback strategy failed");
            Vec::new()
        });
    (def.name, assignments)
}
