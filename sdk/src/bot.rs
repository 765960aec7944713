//! Bots: scripted conversations run at the start of a conversation, after a long wait, and at
//! the end. Implement [`Bot`] and export it with [`export_bot!`](crate::export_bot).

use std::marker::PhantomData;

use crate::bindings::bot::exports::switchboard::bot::bot as wit;
use crate::bindings::meta::exports::switchboard::types::metadata;
use crate::{PluginError, PluginInfo};

pub use crate::types::*;
pub use wit::{Action, Context, Handoff, HistoryEntry, Trigger, WaitInput};

/// A bot. It keeps no state between calls: its variables come back in
/// `context.variables`, as it last set them with [`Action::SetVariable`].
pub trait Bot {
    /// Name, version, description and config schema, with kind [`PluginKind::Bot`].
    ///
    /// [`PluginKind::Bot`]: crate::PluginKind::Bot
    fn describe() -> PluginInfo;

    /// Handles one trigger; the host applies the actions in order. An error hands the
    /// conversation to the queue.
    fn handle(config: &str, context: Context, trigger: Trigger)
    -> Result<Vec<Action>, PluginError>;
}

/// Exports a [`Bot`] as the plugin's implementation of `switchboard:plugins/bot`. Use once
/// per crate, with `crate-type = ["cdylib", "rlib"]`; in a native build it exports nothing.
#[macro_export]
macro_rules! export_bot {
    ($plugin:ty) => {
        const _: fn() = || {
            fn implements<T: $crate::bot::Bot>() {}
            implements::<$plugin>();
        };
        #[cfg(target_arch = "wasm32")]
        #[allow(unsafe_code)]
        const _: () = {
            type SwitchboardExport = $crate::bot::Export<$plugin>;
            $crate::__private::meta::__export_meta_world!(
                SwitchboardExport with_types_in $crate::__private::meta
            );
            $crate::__private::bot::__export_bot_world!(
                SwitchboardExport with_types_in $crate::__private::bot
            );
        };
    };
}

/// The adapter [`export_bot!`](crate::export_bot) exports.
#[doc(hidden)]
pub struct Export<T>(PhantomData<T>);

impl<T: Bot> metadata::Guest for Export<T> {
    fn describe() -> PluginInfo {
        T::describe()
    }
}

impl<T: Bot> wit::Guest for Export<T> {
    fn handle(
        config: String,
        context: Context,
        trigger: Trigger,
    ) -> Result<Vec<Action>, PluginError> {
        T::handle(&config, context, trigger)
    }
}
