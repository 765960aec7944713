//! The bundled `longest-idle` strategy as a plugin: the reference algorithm of
//! `switchboard-strategies` (which the engine's native fallback also runs), as a component.

switchboard_sdk::export_reference_strategy!(longest_idle);

#[cfg(test)]
mod tests {
    use switchboard_sdk::strategy::reference::longest_idle::DEF;

    #[test]
    fn is_the_reference_longest_idle_strategy() {
        switchboard_sdk::testing::check_reference_plugin::<super::Plugin>(&DEF);
    }
}
