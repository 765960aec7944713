//! The bundled `weighted-random` strategy as a plugin: the reference algorithm of
//! `switchboard-strategies` (which the engine's native fallback also runs), as a component.

switchboard_sdk::export_reference_strategy!(weighted_random);

#[cfg(test)]
mod tests {
    use switchboard_sdk::strategy::reference::weighted_random::DEF;

    #[test]
    fn is_the_reference_weighted_random_strategy() {
        switchboard_sdk::testing::check_reference_plugin::<super::Plugin>(&DEF);
    }
}
