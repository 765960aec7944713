//! A conversation as a download: plain text or a standalone HTML page (inline CSS, no scripts,
//! every value escaped). Pure: the caller reads the conversation and its messages and passes
//! them in.
//!
//! Times are RFC 3339 to the second, in the given IANA zone with its offset
//! (`2026-03-02T09:00:00-03:00`), or in UTC (`…Z`) without one. A zone name that does not
//! resolve falls back to UTC, and the header says which zone the times are in: a stale setting
//! should not make a transcript undownloadable.

use std::fmt::Write as _;

use jiff::{Timestamp, tz::TimeZone};

use crate::conversations::content::{Content, Interactive, Media};

/// What the transcript says about the conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranscriptHeader {
    /// Conversation id.
    pub conversation_id: i64,
    /// Campaign name.
    pub campaign: Option<String>,
    /// The business number.
    pub business_number: String,
    /// The contact's number or provider user id.
    pub contact: String,
    /// The contact's name.
    pub contact_name: Option<String>,
    /// The agent's name.
    pub agent: Option<String>,
    /// State word.
    pub state: String,
    /// Created, ms since the epoch.
    pub created_ms: i64,
    /// Closed, ms since the epoch.
    pub closed_ms: Option<i64>,
    /// The agent's disposition.
    pub disposition: Option<String>,
    /// Customer satisfaction score.
    pub csat: Option<i64>,
    /// Tags.
    pub tags: Vec<String>,
}

/// Who wrote a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Speaker {
    /// The customer.
    Customer,
    /// An agent, by name.
    Agent(String),
    /// A bot.
    Bot,
    /// The engine (out-of-hours message, transfer notices...).
    System,
}

impl Speaker {
    fn label(&self) -> String {
        match self {
            Self::Customer => "Customer".into(),
            Self::Agent(name) if name.trim().is_empty() => "Agent".into(),
            Self::Agent(name) => format!("Agent {}", one_line(name)),
            Self::Bot => "Bot".into(),
            Self::System => "System".into(),
        }
    }

    fn class(&self) -> &'static str {
        match self {
            Self::Customer => "customer",
            Self::Agent(_) => "agent",
            Self::Bot => "bot",
            Self::System => "system",
        }
    }
}

/// One message of the transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranscriptLine {
    /// When, ms since the epoch.
    pub at_ms: i64,
    /// Who wrote it.
    pub who: Speaker,
    /// The content as text ([`content_as_text`]).
    pub text: String,
    /// Delivery status of an outbound message (`read`, `failed`...).
    pub status: Option<String>,
}

/// The transcript as plain text: a header, a blank line, then one entry per message,
/// `[time] Speaker (status): text`. A message's further lines are indented, so no text can pass
/// for an entry of its own, and control characters (terminal escapes) become spaces.
pub fn to_text(
    header: &TranscriptHeader,
    lines: &[TranscriptLine],
    time_zone: Option<&str>,
) -> String {
    let clock = Clock::new(time_zone);
    let mut out = String::new();
    let _ = writeln!(out, "Conversation {}", header.conversation_id);
    for (name, value) in fields(header, &clock) {
        let _ = writeln!(out, "{name}: {}", one_line(&value));
    }
    out.push('\n');
    for line in lines {
        let _ = write!(out, "[{}] {}", clock.format(line.at_ms), line.who.label());
        if let Some(status) = &line.status {
            let _ = write!(out, " ({})", one_line(status));
        }
        out.push(':');
        let mut text_lines = line.text.lines().map(one_line);
        if let Some(first) = text_lines.next() {
            let _ = write!(out, " {first}");
        }
        for more in text_lines {
            let _ = write!(out, "\n    {more}");
        }
        out.push('\n');
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;\
padding:0 1rem;color:#222}h1{font-size:1.4rem}dl{display:grid;grid-template-columns:max-content 1fr;\
gap:.2rem 1rem}dt{font-weight:600}dd{margin:0}.line{margin:.6rem 0;padding:.5rem .8rem;\
border-radius:.5rem;background:#f2f2f2}.customer{margin-right:20%}.agent{margin-left:20%;\
background:#dcf3dc}.bot{margin-left:20%;background:#e3ecfa}.system{background:#fff;\
border:1px dashed #bbb;font-style:italic}.meta{font-size:.8rem;color:#666}.who{font-weight:600}\
.text{white-space:pre-wrap;overflow-wrap:anywhere}";

/// The transcript as a standalone HTML page. Every value from the conversation is escaped, and
/// the page's security policy forbids scripts besides.
pub fn to_html(
    header: &TranscriptHeader,
    lines: &[TranscriptLine],
    time_zone: Option<&str>,
) -> String {
    let clock = Clock::new(time_zone);
    let title = format!("Conversation {}", header.conversation_id);
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header>\n<h1>{title}</h1>\n<dl>\n"
    );
    for (name, value) in fields(header, &clock) {
        let _ = writeln!(out, "<dt>{name}</dt><dd>{}</dd>", escape(&value));
    }
    out.push_str("</dl>\n</header>\n<main>\n");
    for line in lines {
        let time = clock.format(line.at_ms);
        let _ = write!(
            out,
            "<div class=\"line {}\">\n<div class=\"meta\"><span class=\"who\">{}</span> \
             <time datetime=\"{time}\">{time}</time>",
            line.who.class(),
            escape(&line.who.label()),
            time = escape(&time),
        );
        if let Some(status) = &line.status {
            let _ = write!(out, " <span class=\"status\">{}</span>", escape(status));
        }
        let _ = write!(
            out,
            "</div>\n<div class=\"text\">{}</div>\n</div>\n",
            escape(&line.text)
        );
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// A message's content as a person would read it in a transcript: the text, a template's
/// rendered body, and a bracketed note for what is not text (`[image: photo.jpg] caption`).
pub fn content_as_text(content: &Content) -> String {
    match content {
        Content::Text { text } => text.clone(),
        Content::Media(media) => media_as_text(media),
        Content::Location {
            latitude,
            longitude,
            name,
            address,
        } => {
            let place: Vec<&str> = [name, address]
                .into_iter()
                .flatten()
                .map(String::as_str)
                .collect();
            if place.is_empty() {
                format!("[location: {latitude}, {longitude}]")
            } else {
                format!("[location: {} ({latitude}, {longitude})]", place.join(", "))
            }
        }
        Content::Contacts { contacts } => contacts
            .iter()
            .map(|card| {
                let parts: Vec<&str> = std::iter::once(card.name.as_str())
                    .chain(card.phones.iter().map(String::as_str))
                    .chain(card.emails.iter().map(String::as_str))
                    .collect();
                format!("[contact: {}]", parts.join(", "))
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Content::Template(template) => {
            let body = if template.rendered.is_empty() {
                format!("[template: {}]", template.code)
            } else {
                template.rendered.clone()
            };
            match &template.header_media {
                Some(media) => format!("{}\n{body}", media_as_text(media)),
                None => body,
            }
        }
        Content::Interactive(interactive) => interactive_as_text(interactive),
        Content::ChoiceReply(choice) if choice.title.is_empty() => {
            format!("[choice: {}]", choice.id)
        }
        Content::ChoiceReply(choice) => choice.title.clone(),
        Content::Reaction { emoji, .. } if emoji.is_empty() => "[reaction removed]".into(),
        Content::Reaction { emoji, .. } => format!("[reaction: {emoji}]"),
        Content::Unsupported { name } => format!("[unsupported: {name}]"),
    }
}

fn media_as_text(media: &Media) -> String {
    let kind = match media.mime_type.as_deref().and_then(|m| m.split('/').next()) {
        Some("image") => "image",
        Some("audio") => "audio",
        Some("video") => "video",
        Some(_) => "document",
        None => "file",
    };
    let name = media.filename.as_deref().unwrap_or(&media.locator);
    match media.caption.as_deref().filter(|c| !c.is_empty()) {
        Some(caption) => format!("[{kind}: {name}] {caption}"),
        None => format!("[{kind}: {name}]"),
    }
}

fn interactive_as_text(interactive: &Interactive) -> String {
    let choices: Vec<&str> = interactive
        .choices
        .iter()
        .map(|c| {
            if c.title.is_empty() {
                c.id.as_str()
            } else {
                c.title.as_str()
            }
        })
        .collect();
    let choices = match &interactive.list_button {
        Some(button) => format!("[list {button}: {}]", choices.join(" | ")),
        None => format!("[buttons: {}]", choices.join(" | ")),
    };
    [
        interactive.header.as_deref(),
        Some(interactive.body.as_str()),
        interactive.footer.as_deref(),
        Some(choices.as_str()),
    ]
    .into_iter()
    .flatten()
    .filter(|part| !part.is_empty())
    .collect::<Vec<_>>()
    .join("\n")
}

/// The header's fields that have a value, in order, as (label, text).
fn fields(header: &TranscriptHeader, clock: &Clock) -> Vec<(&'static str, String)> {
    let contact = match &header.contact_name {
        Some(name) if !name.trim().is_empty() => format!("{name} ({})", header.contact),
        _ => header.contact.clone(),
    };
    let mut fields = Vec::with_capacity(12);
    if let Some(campaign) = &header.campaign {
        fields.push(("Campaign", campaign.clone()));
    }
    fields.push(("Business number", header.business_number.clone()));
    fields.push(("Contact", contact));
    if let Some(agent) = &header.agent {
        fields.push(("Agent", agent.clone()));
    }
    fields.push(("State", header.state.clone()));
    fields.push(("Created", clock.format(header.created_ms)));
    if let Some(closed) = header.closed_ms {
        fields.push(("Closed", clock.format(closed)));
    }
    if let Some(disposition) = &header.disposition {
        fields.push(("Disposition", disposition.clone()));
    }
    if let Some(csat) = header.csat {
        fields.push(("CSAT", csat.to_string()));
    }
    if !header.tags.is_empty() {
        fields.push(("Tags", header.tags.join(", ")));
    }
    fields.push(("Time zone", clock.name.clone()));
    fields
}

/// Formats instants in the transcript's zone.
struct Clock {
    tz: Option<TimeZone>,
    name: String,
}

impl Clock {
    fn new(time_zone: Option<&str>) -> Self {
        match time_zone.and_then(|name| TimeZone::get(name).ok().map(|tz| (name, tz))) {
            Some((name, tz)) => Self {
                tz: Some(tz),
                name: name.to_owned(),
            },
            None => Self {
                tz: None,
                name: "UTC".into(),
            },
        }
    }

    fn format(&self, ms: i64) -> String {
        let Ok(ts) = Timestamp::from_second(ms.div_euclid(1000)) else {
            return ms.to_string();
        };
        match &self.tz {
            Some(tz) => ts.display_with_offset(tz.to_offset(ts)).to_string(),
            None => ts.to_string(),
        }
    }
}

/// Text on one line: control characters (newlines, terminal escapes) become spaces.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Escapes text for HTML element content and quoted attributes alike.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
