//! The bundled `longest-idle` strategy as a plugin: describes itself and routes with the reference
//! algorithm in `switchboard-strategies` (the engine's native fallback runs the same code).

use switchboard_sdk::strategy::{Assignment, RouteInput, Strategy};
use switchboard_sdk::{PluginError, PluginInfo, PluginKind};
use switchboard_strategies::longest_idle::DEF;

/// The plugin.
pub struct Plugin;

impl Strategy for Plugin {
    fn describe() -> PluginInfo {
        PluginInfo::new(PluginKind::Strategy, DEF.name, env!("CARGO_PKG_VERSION"))
            .with_description(DEF.description)
            .with_config_schema(DEF.config_schema)
    }

    fn route(config: &str, input: RouteInput) -> Result<Vec<Assignment>, PluginError> {
        Ok((DEF.route)(config, &input)?)
    }
}

switchboard_sdk::export_strategy!(Plugin);

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_sdk::testing::{RouteInputBuilder, agent, check_assignments, waiting};

    #[test]
    fn describes_itself_as_the_bundled_strategy() {
        let info = Plugin::describe();
        assert_eq!(
            (info.name.as_str(), info.version.as_str()),
            ("longest-idle", "1.0.0")
        );
        assert_eq!(info.kind, PluginKind::Strategy);
        assert_eq!(info.config_schema, DEF.config_schema);
    }

    #[test]
    fn routes_through_the_sdk_like_the_reference() {
        let input = RouteInputBuilder::new()
            .waiting(waiting(1))
            .waiting(waiting(2))
            .agent(agent(7))
            .agent(agent(8))
            .build();
        let out = Plugin::route("", input.clone()).expect("routes");
        assert_eq!(out, (DEF.route)("", &input).expect("reference routes"));
        assert_eq!(out.len(), 2);
        assert_eq!(check_assignments(&input, &out), Ok(()));
    }

    #[test]
    fn bad_config_is_a_bad_config_error() {
        let error = Plugin::route(
            r#"{"no_such_setting": 1}"#,
            RouteInputBuilder::new().build(),
        )
        .expect_err("rejected");
        assert_eq!(error.code, "bad-config");
    }
}
