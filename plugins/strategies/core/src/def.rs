//! What a bundled strategy is: its name, its description, its config schema and its algorithm.

use crate::{Assignment, RouteError, RouteInput};

/// A strategy's algorithm: the campaign's config as JSON text (empty means defaults) and one
/// routing pass in, assignments out.
pub type RouteFn = fn(config: &str, input: &RouteInput) -> Result<Vec<Assignment>, RouteError>;

/// A bundled strategy, as the engine registers it natively and as its plugin describes itself.
#[derive(Debug, Clone, Copy)]
pub struct StrategyDef {
    /// Registry name (`least-busy`).
    pub name: &'static str,
    /// One or two sentences for the admin page.
    pub description: &'static str,
    /// JSON Schema (draft 2020-12) of the config, as JSON text.
    pub config_schema: &'static str,
    /// The algorithm.
    pub route: RouteFn,
}
