//! An inbound SMS from Kannel's `sms-service`: a `get-url` GET with the fields in the query
//! (the README's pattern), the same fields as a form POST, or a `post-url` POST whose body is
//! the message and whose `X-Kannel-*` headers carry the rest.
//!
//! The text is the raw message (`%b`) in the charset Kannel names (`%C`): UTF-8 for 7-bit
//! messages (Kannel's internal form), UTF-16BE for UCS-2 ones unless `mo-recode` turned them
//! into UTF-8. `%a` (the words joined by spaces) works too, but loses line breaks.

use sha2::{Digest, Sha256};
use switchboard_sdk::provider::{Content, InboundMessage, Pair, WebhookError};

use crate::config::KannelConfig;
use crate::http::header;
use crate::query::Params;
use crate::{number, time};

/// The message text as Kannel sent it, with what says how to read it.
pub struct RawText<'a> {
    /// The message bytes.
    pub bytes: &'a [u8],
    /// `%c`: 0 7-bit, 1 8-bit binary, 2 UCS-2.
    pub coding: Option<u8>,
    /// `%C`: the charset of `bytes`.
    pub charset: Option<String>,
}

/// The inbound message of a `get-url`/`post-url` call. `post_body` is the body of a
/// `post-url` call (not a form).
pub fn message(
    config: &KannelConfig,
    params: &Params,
    headers: &[Pair],
    post_body: Option<&[u8]>,
) -> Result<InboundMessage, WebhookError> {
    let field = |name: &str, header_name: &str| {
        params
            .non_empty(name)
            .or_else(|| header(headers, header_name).map(|v| v.trim().to_owned()))
            .filter(|v| !v.is_empty())
    };
    let Some(from) = field("from", "x-kannel-from") else {
        return Err(WebhookError::Malformed(
            "no `from` (add from=%p to the get-url)".into(),
        ));
    };
    let to = field("to", "x-kannel-to").unwrap_or_default();
    let coding = field("coding", "x-kannel-coding").and_then(|c| c.parse::<u8>().ok());
    let raw = match post_body {
        Some(bytes) => RawText {
            bytes,
            coding,
            charset: params
                .non_empty("charset")
                .or_else(|| crate::http::charset(headers)),
        },
        None => RawText {
            bytes: params.get("text").ok_or_else(|| {
                WebhookError::Malformed("no `text` (add text=%b to the get-url)".into())
            })?,
            coding,
            charset: params.non_empty("charset"),
        },
    };
    let ts = field("ts", "x-kannel-time");
    let at_ms = ts.as_deref().and_then(time::parse_any_utc_ms).unwrap_or(0);
    let provider_message_id = params
        .non_empty("id")
        .unwrap_or_else(|| fallback_id(&from, &to, ts.as_deref(), raw.bytes));
    Ok(InboundMessage {
        provider_message_id,
        from: number::contact(&from, config.digits_are_international),
        to,
        at_ms,
        content: decode(&raw)?,
        reply_to: None,
        attachments: Vec::new(),
        attributes: Vec::new(),
    })
}

/// Without Kannel's message id (`%I`), a redelivery is recognised by its content.
fn fallback_id(from: &str, to: &str, ts: Option<&str>, text: &[u8]) -> String {
    let mut hash = Sha256::new();
    for part in [
        from.as_bytes(),
        to.as_bytes(),
        ts.unwrap_or("").as_bytes(),
        text,
    ] {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part);
    }
    let digest = hash.finalize();
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// The text of a message, read in its charset.
pub fn decode(raw: &RawText<'_>) -> Result<Content, WebhookError> {
    let charset = raw.charset.as_deref().unwrap_or("").to_ascii_uppercase();
    let utf16 = matches!(
        charset.as_str(),
        "UTF-16BE" | "UTF-16" | "UCS-2" | "UCS2" | "ISO-10646-UCS-2"
    ) || (charset.is_empty() && raw.coding == Some(2));
    if utf16 {
        return utf16be(raw.bytes).map(Content::Text);
    }
    if charset == "8-BIT" || (charset.is_empty() && raw.coding == Some(1)) {
        return Ok(Content::Unsupported("binary-sms".into()));
    }
    if matches!(
        charset.as_str(),
        "ISO-8859-1" | "ISO8859-1" | "LATIN1" | "WINDOWS-1252" | "CP1252"
    ) {
        return Ok(Content::Text(latin1(raw.bytes)));
    }
    // UTF-8, unnamed or unknown: UTF-8 when it is, else each byte as Latin-1.
    Ok(Content::Text(match std::str::from_utf8(raw.bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => latin1(raw.bytes),
    }))
}

fn utf16be(bytes: &[u8]) -> Result<String, WebhookError> {
    if !bytes.len().is_multiple_of(2) {
        return Err(WebhookError::Malformed(
            "UCS-2 text with an odd number of bytes".into(),
        ));
    }
    let units = bytes
        .chunks_exact(2)
        .map(|p| u16::from_be_bytes([p[0], p[1]]));
    Ok(char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect())
}

fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw<'a>(bytes: &'a [u8], coding: Option<u8>, charset: Option<&str>) -> RawText<'a> {
        RawText {
            bytes,
            coding,
            charset: charset.map(Into::into),
        }
    }

    #[test]
    fn text_is_read_in_its_charset() {
        let text = |r: RawText<'_>| decode(&r).ok();
        assert_eq!(
            text(raw("Olá".as_bytes(), Some(0), Some("UTF-8"))),
            Some(Content::Text("Olá".into()))
        );
        assert_eq!(
            text(raw(
                &[0x04, 0x16, 0xD8, 0x3D, 0xDE, 0x00],
                Some(2),
                Some("UTF-16BE")
            )),
            Some(Content::Text("Ж😀".into()))
        );
        assert_eq!(
            text(raw(&[0x00, 0x41], Some(2), None)),
            Some(Content::Text("A".into()))
        );
        assert_eq!(
            text(raw(&[0x4F, 0x6C, 0xE1], None, Some("ISO-8859-1"))),
            Some(Content::Text("Olá".into()))
        );
        assert_eq!(
            text(raw(&[0x4F, 0x6C, 0xE1], None, None)),
            Some(Content::Text("Olá".into())),
            "not UTF-8: read as Latin-1"
        );
        assert_eq!(
            text(raw(&[0x05, 0x00], Some(1), Some("8-BIT"))),
            Some(Content::Unsupported("binary-sms".into()))
        );
    }

    #[test]
    fn odd_ucs2_is_malformed() {
        assert!(decode(&raw(&[0x00], Some(2), Some("UTF-16BE"))).is_err());
    }

    #[test]
    fn fallback_ids_are_stable_and_distinct() {
        let a = fallback_id("+1", "+2", Some("1"), b"hi");
        assert_eq!(a, fallback_id("+1", "+2", Some("1"), b"hi"));
        assert_ne!(a, fallback_id("+1", "+2", Some("2"), b"hi"));
        assert_ne!(
            fallback_id("+1", "2+", None, b""),
            fallback_id("+12", "+", None, b"")
        );
        assert!(a.starts_with("sha256:") && a.len() == 39);
    }
}
