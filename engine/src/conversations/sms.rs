//! SMS encoding and segment count: what an operator bills for a text.
//!
//! A text that fits the GSM 03.38 alphabet (with its extension table, whose characters take two
//! septets) goes as GSM-7: 160 septets in one segment, 153 per segment when concatenated (the
//! header takes 7). Anything else goes as UCS-2: 70 UTF-16 units alone, 67 per segment;
//! characters outside the basic plane take two units and a segment never splits a pair.

/// How a text is encoded on the air.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// The GSM 7-bit default alphabet.
    Gsm7,
    /// UTF-16 (UCS-2 on old handsets).
    Ucs2,
}

impl Encoding {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gsm7 => "gsm7",
            Self::Ucs2 => "ucs2",
        }
    }
}

/// The GSM 03.38 basic alphabet, one septet each.
const BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

/// The extension table: an escape septet plus one, so two septets each.
const EXTENDED: &str = "^{}\\[~]|€\u{000C}";

/// Septets a character takes in GSM-7, or `None` if it is not in the alphabet.
fn septets(c: char) -> Option<usize> {
    if BASIC.contains(c) {
        Some(1)
    } else if EXTENDED.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// The encoding of `text` and how many segments it takes.
pub fn classify(text: &str) -> (Encoding, u32) {
    match text.chars().map(septets).sum::<Option<usize>>() {
        Some(total) => (Encoding::Gsm7, gsm_segments(text, total)),
        None => (Encoding::Ucs2, ucs2_segments(text)),
    }
}

/// Segments of a GSM-7 text of `total` septets; an escape pair never straddles two segments.
fn gsm_segments(text: &str, total: usize) -> u32 {
    if total <= 160 {
        return 1;
    }
    count_segments(text.chars().filter_map(septets), 153)
}

/// Segments of a UCS-2 text; a surrogate pair never straddles two segments.
fn ucs2_segments(text: &str) -> u32 {
    let units = text.encode_utf16().count();
    if units <= 70 {
        return 1;
    }
    count_segments(text.chars().map(char::len_utf16), 67)
}

/// Packs units of the given sizes greedily into segments of `capacity`.
fn count_segments(sizes: impl Iterator<Item = usize>, capacity: usize) -> u32 {
    let (mut segments, mut used) = (1u32, 0usize);
    for size in sizes {
        if used + size > capacity {
            segments += 1;
            used = 0;
        }
        used += size;
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gsm_texts_take_160_then_153_per_segment() {
        assert_eq!(classify(""), (Encoding::Gsm7, 1));
        assert_eq!(classify(&"a".repeat(160)), (Encoding::Gsm7, 1));
        assert_eq!(classify(&"a".repeat(161)), (Encoding::Gsm7, 2));
        assert_eq!(classify(&"a".repeat(306)), (Encoding::Gsm7, 2));
        assert_eq!(classify(&"a".repeat(307)), (Encoding::Gsm7, 3));
        assert_eq!(
            classify("Hola, ¿cómo estás?").0,
            Encoding::Ucs2,
            "ó is not GSM"
        );
        assert_eq!(classify("Año Ñoño: ¡é à ü ö! ¿ñ? Ç").0, Encoding::Gsm7);
    }

    #[test]
    fn extension_characters_count_twice() {
        assert_eq!(classify(&"€".repeat(80)), (Encoding::Gsm7, 1));
        assert_eq!(classify(&"€".repeat(81)), (Encoding::Gsm7, 2));
        // 152 septets then a two-septet `€`: it moves whole to the second segment.
        let text = format!("{}€{}", "a".repeat(152), "a".repeat(10));
        assert_eq!(classify(&text), (Encoding::Gsm7, 2));
    }

    #[test]
    fn ucs2_texts_take_70_then_67_and_keep_pairs_whole() {
        assert_eq!(classify(&"ó".repeat(70)), (Encoding::Ucs2, 1));
        assert_eq!(classify(&"ó".repeat(71)), (Encoding::Ucs2, 2));
        assert_eq!(classify(&"ó".repeat(134)), (Encoding::Ucs2, 2));
        assert_eq!(classify(&"ó".repeat(135)), (Encoding::Ucs2, 3));
        // 66 units, then an emoji (a surrogate pair) that cannot split: 3 segments? No: 66+2
        // does not fit 67, so the pair opens the second segment.
        let text = format!("{}😀{}", "ó".repeat(66), "ó".repeat(10));
        assert_eq!(classify(&text), (Encoding::Ucs2, 2));
        assert_eq!(classify("👍"), (Encoding::Ucs2, 1));
    }
}
