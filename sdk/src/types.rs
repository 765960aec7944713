//! Message content and addresses, shared by bots and providers (`switchboard:types/common`).

pub use crate::bindings::meta::switchboard::types::common::{
    Channel, Choice, ContactAddress, Content, Interactive, Location, MediaRef, Pair, Reaction,
    SharedContact, TemplateHeader, TemplateMessage,
};
