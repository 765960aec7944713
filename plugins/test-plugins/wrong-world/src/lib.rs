//! `wrong-world`: a valid component of a world that is not Switchboard's
//! (`evil:other/thing`, exporting `run`). Installing it must fail the world check. Built with
//! wit-bindgen directly, not the SDK, since the SDK only makes Switchboard worlds.

#[allow(unsafe_code, clippy::all)]
mod component {
    wit_bindgen::generate!({
        inline: "
            package evil:other@1.0.0;
            world thing {
                export run: func() -> u32;
            }
        ",
    });

    struct Thing;

    impl Guest for Thing {
        fn run() -> u32 {
            42
        }
    }

    export!(Thing);
}
