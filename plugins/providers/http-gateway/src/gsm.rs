//! GSM 03.38 character sets and SMS segment counting.
//!
//! A text that uses only the GSM 7-bit default alphabet (plus its extension table, whose
//! characters cost two septets: an escape and the character) is sent 7-bit: 160 septets in one
//! SMS, 153 per part once concatenated (the 6-byte concatenation header takes 7 septets).
//! Anything else is sent UCS-2: 70 UTF-16 code units in one SMS, 67 per part; a character
//! outside the Basic Multilingual Plane (most emoji) takes two units. Neither an escaped GSM
//! character nor a surrogate pair is ever split across two parts, so a long text can need one
//! part more than `units / 153` suggests.

/// Septets in a single 7-bit SMS.
pub const GSM7_SINGLE: usize = 160;
/// Septets per part of a concatenated 7-bit SMS.
pub const GSM7_PART: usize = 153;
/// UTF-16 code units in a single UCS-2 SMS.
pub const UCS2_SINGLE: usize = 70;
/// UTF-16 code units per part of a concatenated UCS-2 SMS.
pub const UCS2_PART: usize = 67;

/// The GSM 7-bit default alphabet, in table order, without the escape (0x1B).
const BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

/// The extension table reached through the escape: two septets each.
const EXTENSION: &str = "\u{c}^{}\\[~]|€";

/// How a text is encoded on the air interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// GSM 03.38 7-bit default alphabet (with its extension table).
    Gsm7,
    /// UCS-2 (UTF-16 code units).
    Ucs2,
}

/// The size of a text as SMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentCount {
    /// The encoding the text needs.
    pub encoding: Encoding,
    /// Septets (7-bit) or UTF-16 code units (UCS-2).
    pub units: usize,
    /// SMS parts needed; an empty text is still one SMS.
    pub segments: usize,
}

/// Septets `c` takes in the GSM 7-bit alphabet, or `None` if it has no 7-bit form.
pub fn gsm7_septets(c: char) -> Option<usize> {
    if BASIC.contains(c) {
        Some(1)
    } else if EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// The encoding `text` needs: 7-bit when every character is in the GSM alphabet.
pub fn encoding(text: &str) -> Encoding {
    if text.chars().all(|c| gsm7_septets(c).is_some()) {
        Encoding::Gsm7
    } else {
        Encoding::Ucs2
    }
}

/// Encoding, size and number of SMS parts of `text`.
pub fn count(text: &str) -> SegmentCount {
    let encoding = encoding(text);
    let (single, part) = match encoding {
        Encoding::Gsm7 => (GSM7_SINGLE, GSM7_PART),
        Encoding::Ucs2 => (UCS2_SINGLE, UCS2_PART),
    };
    let width = |c: char| match encoding {
        Encoding::Gsm7 => gsm7_septets(c).unwrap_or(1),
        Encoding::Ucs2 => c.len_utf16(),
    };
    let units: usize = text.chars().map(width).sum();
    if units <= single {
        return SegmentCount {
            encoding,
            units,
            segments: 1,
        };
    }
    // Greedy packing: a character that does not fit whole starts the next part.
    let (mut segments, mut used) = (1, 0);
    for w in text.chars().map(width) {
        if used + w > part {
            segments += 1;
            used = 0;
        }
        used += w;
    }
    SegmentCount {
        encoding,
        units,
        segments,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segments(text: &str) -> (Encoding, usize, usize) {
        let c = count(text);
        (c.encoding, c.units, c.segments)
    }

    #[test]
    fn plain_ascii_and_gsm_accents_are_seven_bit() {
        assert_eq!(encoding("Hello, world! 123"), Encoding::Gsm7);
        assert_eq!(
            encoding("¿Dónde está? Ñandú"),
            Encoding::Ucs2,
            "ó and á are not GSM"
        );
        assert_eq!(
            encoding("¿Qué pasó? Ñ ü é à"),
            Encoding::Ucs2,
            "ó is not GSM"
        );
        assert_eq!(encoding("¿Qué? Ñ ü é à ΔΩ £ ¥ § @"), Encoding::Gsm7);
        assert_eq!(encoding(""), Encoding::Gsm7);
    }

    #[test]
    fn exactly_160_gsm_chars_fit_one_sms_and_161_need_two() {
        assert_eq!(segments(&"a".repeat(160)), (Encoding::Gsm7, 160, 1));
        assert_eq!(segments(&"a".repeat(161)), (Encoding::Gsm7, 161, 2));
        assert_eq!(segments(&"a".repeat(306)), (Encoding::Gsm7, 306, 2));
        assert_eq!(segments(&"a".repeat(307)), (Encoding::Gsm7, 307, 3));
    }

    #[test]
    fn extension_chars_count_double() {
        assert_eq!(gsm7_septets('€'), Some(2));
        assert_eq!(gsm7_septets('['), Some(2));
        assert_eq!(gsm7_septets('a'), Some(1));
        assert_eq!(segments(&"€".repeat(80)), (Encoding::Gsm7, 160, 1));
        assert_eq!(segments(&"€".repeat(81)), (Encoding::Gsm7, 162, 2));
        assert_eq!(segments("{a}"), (Encoding::Gsm7, 5, 1));
    }

    #[test]
    fn an_escaped_char_is_not_split_across_parts() {
        // 152 septets then a 2-septet char: it moves whole to the second part.
        let text = format!("{}€{}", "a".repeat(152), "a".repeat(152));
        assert_eq!(segments(&text), (Encoding::Gsm7, 306, 3));
    }

    #[test]
    fn emoji_forces_ucs2_and_takes_two_units() {
        assert_eq!(segments("hi 😀"), (Encoding::Ucs2, 5, 1));
        assert_eq!(segments(&"😀".repeat(35)), (Encoding::Ucs2, 70, 1));
        assert_eq!(segments(&"😀".repeat(36)), (Encoding::Ucs2, 72, 2));
    }

    #[test]
    fn exactly_70_ucs2_units_fit_one_sms_and_71_need_two() {
        assert_eq!(segments(&"ж".repeat(70)), (Encoding::Ucs2, 70, 1));
        assert_eq!(segments(&"ж".repeat(71)), (Encoding::Ucs2, 71, 2));
        assert_eq!(segments(&"ж".repeat(134)), (Encoding::Ucs2, 134, 2));
        assert_eq!(segments(&"ж".repeat(135)), (Encoding::Ucs2, 135, 3));
    }

    #[test]
    fn a_surrogate_pair_is_not_split_across_parts() {
        let text = format!("{}😀{}", "ж".repeat(66), "ж".repeat(66));
        assert_eq!(segments(&text), (Encoding::Ucs2, 134, 3));
    }

    #[test]
    fn empty_text_is_one_sms() {
        assert_eq!(segments(""), (Encoding::Gsm7, 0, 1));
    }
}
