//! Bots: scripted conversations run at the start of a conversation, after a long wait, and at
//! the end. Implement [`Bot`] and export it with [`export_bot!`](crate::export_bot).
//!
//! A bot answers each [`Trigger`] with a list of [`Action`]s the host applies in order. It ends
//! its turn with at most one of `Handoff`, `Transfer`, `Close` or `WaitInput`, last; the host
//! refuses a list that breaks the limits below (and hands the conversation to the queue).
//! [`crate::testing::check_actions`] applies the same rules in unit tests, and
//! [`crate::testing::BotDialogue`] plays the host's part across several turns. [`crate::text`]
//! has the matching helpers bots need (accents and case folded, whole words, numbers).

use std::marker::PhantomData;

use crate::bindings::bot::exports::switchboard::bot::bot as wit;
use crate::bindings::meta::exports::switchboard::types::metadata;
use crate::{PluginError, PluginInfo};

pub use crate::types::*;
pub use wit::{Action, Context, Handoff, HistoryEntry, QueueInfo, Trigger, WaitInput};

/// The most actions the host accepts in one answer.
pub const MAX_ACTIONS: usize = 20;
/// The longest `WaitInput` the host accepts: 24 hours, in ms.
pub const MAX_WAIT_MS: u64 = 24 * 60 * 60 * 1000;
/// The longest `WaitInput` tag, variable name or close disposition the host accepts, in bytes.
pub const MAX_NAME_BYTES: usize = 64;
/// The longest variable value the host accepts, in bytes.
pub const MAX_VALUE_BYTES: usize = 4096;

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

impl Context {
    /// The value of the variable `name`, as the bot last set it.
    pub fn variable(&self, name: &str) -> Option<&str> {
        self.variables
            .iter()
            .rev()
            .find(|pair| pair.name == name)
            .map(|pair| pair.value.as_str())
    }
}

impl Default for Handoff {
    /// Priority 0, no skills, no attributes: the campaign's queue as it is.
    fn default() -> Self {
        Handoff {
            priority: 0,
            skills: Vec::new(),
            attributes: Vec::new(),
        }
    }
}

impl Action {
    /// Sends `text` to the customer.
    pub fn send_text(text: impl Into<String>) -> Self {
        Action::Send(Content::Text(text.into()))
    }

    /// Sets variable `name` to `value`; an empty value removes it.
    pub fn set_variable(name: &str, value: impl Into<String>) -> Self {
        Action::SetVariable(Pair {
            name: name.to_owned(),
            value: value.into(),
        })
    }

    /// Hands the conversation to the campaign's queue with the default [`Handoff`].
    pub fn handoff() -> Self {
        Action::Handoff(Handoff::default())
    }

    /// Waits up to `timeout_ms` for the customer; then the bot gets `Trigger::Timer(tag)`.
    pub fn wait_input(timeout_ms: u64, tag: &str) -> Self {
        Action::WaitInput(WaitInput {
            timeout_ms,
            tag: tag.to_owned(),
        })
    }

    /// Whether this action ends the bot's turn (`Handoff`, `Transfer`, `Close`, `WaitInput`).
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            Action::Handoff(_) | Action::Transfer(_) | Action::Close(_) | Action::WaitInput(_)
        )
    }
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
