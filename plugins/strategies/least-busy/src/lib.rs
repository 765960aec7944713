//! The bundled `least-busy` strategy as a plugin: the reference algorithm of
//! `switchboard-strategies` (which the engine's native fallback also runs), as a component.

switchboard_sdk::export_reference_strategy!(least_busy);

#[cfg(test)]
mod tests {
    use switchboard_sdk::strategy::reference::least_busy::DEF;

    #[test]
    fn is_the_reference_least_busy_strategy() {
        switchboard_sdk::testing::check_reference_plugin::<super::Plugin>(&DEF);
    }
}
