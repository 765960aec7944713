//! Conversations and the rules every message obeys.
//!
//! - [`content`]: what a message carries, as stored and shown.
//! - [`address`]: phone numbers in E.164.
//! - [`sms`]: GSM-7 or UCS-2, and the segment count.
//! - [`template`]: `hsm:code:p1:p2`, `{{n}}` placeholders.
//! - [`fold`]: text lowercased and without accents, for matching.
//! - [`keywords`]: opt-out and opt-in keywords.
//! - [`search`]: what a conversation search matches in a message.
//! - [`compliance`]: the one gate every outbound message passes (blacklist, 24 h window,
//!   templates, recipient).
//! - [`transcript`]: a conversation rendered for download, as text or an HTML page.

pub mod address;
pub mod compliance;
pub mod content;
pub mod fold;
pub mod keywords;
pub mod search;
pub mod sms;
pub mod template;
pub mod transcript;

pub use content::Content;
