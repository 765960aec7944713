//! Logging into the engine's log (`switchboard:host/log`), tagged by the host with the plugin's
//! name and version. In a native build (`cargo test`) the lines go to a per-thread buffer that
//! [`crate::testing::take_logs`] returns, because the raw host import only exists in wasm.

pub use crate::bindings::meta::switchboard::host::log::Level;

/// Writes one line at `level`. The host caps the length and the number of lines per call.
pub fn write(level: Level, message: &str) {
    sink::write(level, message);
}

/// Writes one line at trace level.
pub fn trace(message: &str) {
    write(Level::Trace, message);
}

/// Writes one line at debug level.
pub fn debug(message: &str) {
    write(Level::Debug, message);
}

/// Writes one line at info level.
pub fn info(message: &str) {
    write(Level::Info, message);
}

/// Writes one line at warn level.
pub fn warn(message: &str) {
    write(Level::Warn, message);
}

/// Writes one line at error level.
pub fn error(message: &str) {
    write(Level::Error, message);
}

#[cfg(target_arch = "wasm32")]
mod sink {
    use super::Level;

    pub(super) fn write(level: Level, message: &str) {
        crate::bindings::meta::switchboard::host::log::write(level, message);
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub(crate) mod sink {
    use super::Level;
    use std::cell::RefCell;

    thread_local! {
        static LINES: RefCell<Vec<(Level, String)>> = const { RefCell::new(Vec::new()) };
    }

    pub(super) fn write(level: Level, message: &str) {
        LINES.with(|lines| lines.borrow_mut().push((level, message.to_owned())));
    }

    /// The lines written on this thread since the last call.
    pub(crate) fn take() -> Vec<(Level, String)> {
        LINES.with(|lines| std::mem::take(&mut *lines.borrow_mut()))
    }
}
