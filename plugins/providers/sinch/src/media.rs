//! What kind of file a media reference is, from its MIME type or else its file extension: both
//! APIs name the WhatsApp message type (image, audio, video, document) in the request.

use switchboard_sdk::provider::MediaRef;

/// The WhatsApp media message types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    /// `image/*`
    Image,
    /// `audio/*`
    Audio,
    /// `video/*`
    Video,
    /// Anything else (PDF, spreadsheets, …).
    Document,
}

impl MediaKind {
    /// The lowercase name both APIs use as a key.
    pub fn name(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Audio => "audio",
            MediaKind::Video => "video",
            MediaKind::Document => "document",
        }
    }
}

/// The kind of `media`.
pub fn kind(media: &MediaRef) -> MediaKind {
    if let Some(mime) = media.mime_type.as_deref() {
        let top = mime.split('/').next().unwrap_or_default();
        match top.trim().to_ascii_lowercase().as_str() {
            "image" => return MediaKind::Image,
            "audio" => return MediaKind::Audio,
            "video" => return MediaKind::Video,
            _ if mime.contains('/') => return MediaKind::Document,
            _ => {}
        }
    }
    match extension(media).as_deref() {
        Some("jpg" | "jpeg" | "png" | "webp" | "gif") => MediaKind::Image,
        Some("mp3" | "ogg" | "oga" | "opus" | "aac" | "amr" | "m4a") => MediaKind::Audio,
        Some("mp4" | "3gp" | "mov") => MediaKind::Video,
        _ => MediaKind::Document,
    }
}

/// The file's format as a short lowercase word: the MIME subtype when it is one (`jpeg`, `pdf`,
/// `mpeg`), else the extension of the file name or of the URL's path (`docx` rather than
/// `vnd.openxmlformats-officedocument…`).
pub fn format(media: &MediaRef) -> Option<String> {
    let subtype = media
        .mime_type
        .as_deref()
        .and_then(|m| m.split_once('/'))
        .map(|(_, sub)| {
            sub.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|s| short_word(s));
    subtype.or_else(|| extension(media))
}

fn short_word(s: &str) -> bool {
    !s.is_empty() && s.len() <= 5 && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The lowercase extension of the file name, or of the URL's path.
fn extension(media: &MediaRef) -> Option<String> {
    let path = media.filename.as_deref().unwrap_or_else(|| {
        let no_query = media.locator.split(['?', '#']).next().unwrap_or_default();
        no_query.rsplit('/').next().unwrap_or_default()
    });
    let (_, ext) = path.rsplit_once('.')?;
    let ext = ext.to_ascii_lowercase();
    short_word(&ext).then_some(ext)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn media(locator: &str, mime: Option<&str>, filename: Option<&str>) -> MediaRef {
        MediaRef {
            locator: locator.into(),
            mime_type: mime.map(Into::into),
            filename: filename.map(Into::into),
            caption: None,
        }
    }

    #[test]
    fn the_mime_type_decides_then_the_extension() {
        let jpeg = media("https://cdn.test/a", Some("image/jpeg"), None);
        assert_eq!(
            (kind(&jpeg), format(&jpeg).as_deref()),
            (MediaKind::Image, Some("jpeg"))
        );
        let pdf = media(
            "https://cdn.test/f?sig=1",
            Some("application/pdf"),
            Some("bill.pdf"),
        );
        assert_eq!(
            (kind(&pdf), format(&pdf).as_deref()),
            (MediaKind::Document, Some("pdf"))
        );
        let ogg = media("https://cdn.test/v/voice.OGG?sig=x.y", None, None);
        assert_eq!(
            (kind(&ogg), format(&ogg).as_deref()),
            (MediaKind::Audio, Some("ogg"))
        );
        let docx = media(
            "https://cdn.test/d",
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            Some("Contrato.DOCX"),
        );
        assert_eq!(
            (kind(&docx), format(&docx).as_deref()),
            (MediaKind::Document, Some("docx"))
        );
        let unknown = media("https://cdn.test/blob", None, None);
        assert_eq!(
            (kind(&unknown), format(&unknown)),
            (MediaKind::Document, None)
        );
    }
}
