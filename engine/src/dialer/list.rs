//! Reading an uploaded list: CSV rows `name;destination;message;extra` into records.
//!
//! Proper CSV (the `csv` crate: quotes, quoted delimiters and newlines). The delimiter is the
//! one given, or the most frequent of `;` `,` tab `|` outside quotes in the first line. A first
//! row whose destination has no digit is a header. Destinations already in E.164 take a fast
//! path; others are parsed with libphonenumber in the dialer's default country. A bad row
//! becomes an `invalid` record with its reason; a destination already in the list is a
//! duplicate and is not spooled again.

use std::collections::HashSet;
use std::hash::{BuildHasher, RandomState};
use std::io::Read;

use phonenumber::Mode;

use crate::conversations::address::normalize_e164;
use crate::conversations::template;
use crate::store::NewRecord;

/// How to read a list.
#[derive(Debug, Clone, Default)]
pub struct ListFormat {
    /// The delimiter; detected from the first line when `None`.
    pub delimiter: Option<u8>,
    /// Whether the first row is a header; detected when `None`.
    pub header: Option<bool>,
    /// Country of numbers written without a country code.
    pub default_country: Option<phonenumber::country::Id>,
}

/// What reading a list found, besides the records.
#[derive(Debug, Clone, Default)]
pub struct ReadSummary {
    /// The delimiter used.
    pub delimiter: u8,
    /// Whether the first row was taken as a header.
    pub header: bool,
    /// Rows turned into records (valid and invalid).
    pub rows: u64,
    /// Duplicate rows skipped.
    pub duplicates: u64,
    /// Their lines, the first [`KEEP_LINES`].
    pub duplicate_lines: Vec<u64>,
}

/// How many line numbers of duplicates (and invalid rows) an answer lists.
pub const KEEP_LINES: usize = 1000;

/// The most frequent candidate delimiter outside quotes in `first_line`; `;` when none appears
/// or on a tie (the format's own delimiter).
pub fn detect_delimiter(first_line: &[u8]) -> u8 {
    let candidates = [b';', b',', b'\t', b'|'];
    let mut counts = [0usize; 4];
    let mut quoted = false;
    for &byte in first_line {
        if byte == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(i) = candidates.iter().position(|&c| c == byte) {
            counts[i] += 1;
        }
    }
    let mut best = 0;
    for i in 1..candidates.len() {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    candidates[best]
}

/// Reads `input` (whose first line is `first_line`, already detected) and hands records to
/// `emit` in file order. Returns the summary; an I/O error of the input ends the read.
pub fn read(
    input: impl Read,
    format: &ListFormat,
    mut emit: impl FnMut(NewRecord) -> Result<(), String>,
) -> Result<ReadSummary, String> {
    let delimiter = format.delimiter.unwrap_or(b';');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(256 * 1024)
        .from_reader(LineCounter::new(input));
    let mut summary = ReadSummary {
        delimiter,
        ..ReadSummary::default()
    };
    let hasher = RandomState::new();
    let mut seen: HashSet<u64> = HashSet::new();
    let mut record = csv::ByteRecord::new();
    let mut first = true;
    loop {
        let more = match reader.read_byte_record(&mut record) {
            Ok(more) => more,
            Err(error) => {
                // A CSV error (bad UTF-8 is not one: fields are bytes) is an I/O error of the
                // upload: the rows before it are kept, the answer says where it stopped.
                return Err(format!("reading the list stopped: {error}"));
            }
        };
        if !more {
            break;
        }
        // The csv crate does not count blank lines, and a record's start includes those before
        // it; the line people see is the file's own, so count back from the record's end.
        let end = reader.position().byte();
        let embedded: u64 = record
            .iter()
            .map(|f| f.iter().filter(|&&b| b == b'\n').count() as u64)
            .sum();
        let line = reader.get_mut().line_ending_at(end, embedded);
        if first {
            first = false;
            let header = format.header.unwrap_or_else(|| looks_like_header(&record));
            summary.header = header;
            if header {
                continue;
            }
        }
        if record
            .iter()
            .all(|field| field.iter().all(u8::is_ascii_whitespace))
        {
            continue;
        }
        summary.rows += 1;
        let new = row(&record, line, format);
        if new.invalid.is_none() {
            let key = hasher.hash_one(new.destination.as_str());
            if !seen.insert(key) {
                summary.duplicates += 1;
                if summary.duplicate_lines.len() < KEEP_LINES {
                    summary.duplicate_lines.push(line);
                }
                summary.rows -= 1;
                continue;
            }
        }
        emit(new)?;
    }
    Ok(summary)
}

/// Counts the input's lines as it is read, so a record's byte offset gives its line.
struct LineCounter<R> {
    inner: R,
    read: u64,
    /// Offsets of newlines not yet passed by a record.
    ahead: std::collections::VecDeque<u64>,
    /// Newlines before the first of `ahead`.
    behind: u64,
}

impl<R: Read> LineCounter<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            read: 0,
            ahead: std::collections::VecDeque::new(),
            behind: 0,
        }
    }

    /// The 1-based line a record starts on, given the offset just past it and how many
    /// newlines its quoted fields hold; records must come in order.
    fn line_ending_at(&mut self, end: u64, embedded: u64) -> u64 {
        let mut terminated = false;
        while let Some(&at) = self.ahead.front().filter(|&&at| at < end) {
            self.ahead.pop_front();
            self.behind += 1;
            terminated = at + 1 == end;
        }
        (self.behind + 1).saturating_sub(embedded + u64::from(terminated))
    }
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for (i, &byte) in buf[..n].iter().enumerate() {
            if byte == b'\n' {
                self.ahead.push_back(self.read + i as u64);
            }
        }
        self.read += n as u64;
        Ok(n)
    }
}

/// A first row whose destination field has no digit is a header.
fn looks_like_header(record: &csv::ByteRecord) -> bool {
    record
        .get(1)
        .or_else(|| record.get(0))
        .is_some_and(|field| !field.iter().any(u8::is_ascii_digit))
}

/// One row as a record; `invalid` says what is wrong with it.
fn row(record: &csv::ByteRecord, line: u64, format: &ListFormat) -> NewRecord {
    let line_number = i64::try_from(line).ok();
    let field = |i: usize| -> Result<Option<String>, String> {
        match record.get(i) {
            None => Ok(None),
            Some(bytes) => {
                let text = std::str::from_utf8(bytes)
                    .map_err(|_| format!("column {} is not UTF-8 text", i + 1))?
                    .trim();
                Ok((!text.is_empty()).then(|| text.to_owned()))
            }
        }
    };
    let mut new = NewRecord {
        line: line_number,
        ..NewRecord::default()
    };
    let parsed = (|| -> Result<(), String> {
        new.name = field(0)?;
        new.message = field(2)?;
        new.extra = field(3)?;
        if record.len() > 4 {
            return Err(format!(
                "{} columns; a row is name;destination;message;extra",
                record.len()
            ));
        }
        new.destination = field(1)?.ok_or("no destination")?;
        let normalized = normalize(&new.destination, format.default_country)?;
        new.destination = normalized;
        if let Some(message) = &new.message
            && let Some(Err(error)) = template::parse_hsm(message)
        {
            return Err(error.to_string());
        }
        Ok(())
    })();
    if let Err(reason) = parsed {
        if new.destination.is_empty() {
            new.destination = String::from_utf8_lossy(record.get(1).unwrap_or_default())
                .trim()
                .to_owned();
        }
        new.invalid = Some(reason);
    }
    new
}

/// The E.164 form of a list's destination.
pub fn normalize(
    raw: &str,
    default_country: Option<phonenumber::country::Id>,
) -> Result<String, String> {
    // Fast path: `+` and 8 to 15 digits, the form most lists come in.
    if let Some(digits) = raw.strip_prefix('+')
        && (8..=15).contains(&digits.len())
        && !digits.starts_with('0')
        && digits.bytes().all(|b| b.is_ascii_digit())
    {
        return Ok(raw.to_owned());
    }
    if raw.starts_with('+') || raw.starts_with("00") || default_country.is_none() {
        let international = raw.strip_prefix("00").unwrap_or(raw);
        return normalize_e164(international).map_err(|e| e.to_string());
    }
    let invalid = || format!("`{raw}` is not a valid phone number in {default_country:?}");
    let parsed = phonenumber::parse(default_country, raw).map_err(|_| invalid())?;
    if !phonenumber::is_valid(&parsed) {
        return Err(invalid());
    }
    Ok(parsed.format().mode(Mode::E164).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(text: &str, format: &ListFormat) -> (Vec<NewRecord>, ReadSummary) {
        let mut records = Vec::new();
        let summary = read(text.as_bytes(), format, |r| {
            records.push(r);
            Ok(())
        })
        .expect("read");
        (records, summary)
    }

    #[test]
    fn delimiter_is_the_most_frequent_outside_quotes() {
        assert_eq!(detect_delimiter(b"Ana;+5491155550001;hola;x"), b';');
        assert_eq!(detect_delimiter(b"Ana,+5491155550001,\"a;b;c;d\",x"), b',');
        assert_eq!(detect_delimiter(b"Ana\t+5491155550001\thola"), b'\t');
        assert_eq!(detect_delimiter(b"+5491155550001"), b';');
    }

    #[test]
    fn rows_become_records_with_quotes_templates_and_reasons() {
        let text = "name;destination;message;extra\n\
            Ana;+5491155550001;\"Hola; Ana\";vip\n\
            Bruno;011 15 5555-0002;hsm:turno:10\\:30:Bruno;\n\
            Carla;not a number;hola;\n\
            Dani;+5491155550001;again;\n\
            Eva;;hola;\n\
            Fede;+5491155550003;hsm:x:bad\\escape;\n\
            Gus;+5491155550004;a;b;c\n\
            \n\
            \"Multi\nline\";+5491155550005;ok;\n";
        let format = ListFormat {
            default_country: Some(phonenumber::country::Id::AR),
            ..ListFormat::default()
        };
        let (records, summary) = read_all(text, &format);
        assert!(summary.header);
        assert_eq!(summary.duplicates, 1);
        assert_eq!(summary.duplicate_lines, vec![5]);
        let by_name = |name: &str| {
            records
                .iter()
                .find(|r| r.name.as_deref() == Some(name))
                .unwrap_or_else(|| panic!("{name} missing"))
        };
        let ana = by_name("Ana");
        assert_eq!(ana.message.as_deref(), Some("Hola; Ana"));
        assert_eq!((ana.line, ana.invalid.as_deref()), (Some(2), None));
        let bruno = by_name("Bruno");
        assert_eq!(bruno.destination, "+5491155550002");
        assert_eq!(bruno.message.as_deref(), Some("hsm:turno:10\\:30:Bruno"));
        assert!(
            by_name("Carla")
                .invalid
                .as_deref()
                .unwrap_or("")
                .contains("not a number")
        );
        assert_eq!(by_name("Eva").invalid.as_deref(), Some("no destination"));
        assert!(
            by_name("Fede")
                .invalid
                .as_deref()
                .unwrap_or("")
                .contains('\\')
        );
        assert!(
            by_name("Gus")
                .invalid
                .as_deref()
                .unwrap_or("")
                .contains("5 columns")
        );
        let multi = by_name("Multi\nline");
        assert_eq!((multi.line, multi.invalid.as_deref()), (Some(10), None));
        assert_eq!(records.len(), 7);
    }

    #[test]
    fn no_header_when_the_first_destination_has_digits() {
        let (records, summary) = read_all("Ana;+5491155550001;hola\n", &ListFormat::default());
        assert!(!summary.header);
        assert_eq!(records.len(), 1);
    }

    #[test]
    fn national_numbers_need_a_country() {
        assert!(normalize("011 15 5555-0002", None).is_err());
        assert_eq!(
            normalize("0054 9 11 5555 0002", None).as_deref(),
            Ok("+5491155550002")
        );
        assert_eq!(
            normalize("(415) 555-2671", Some(phonenumber::country::Id::US)).as_deref(),
            Ok("+14155552671")
        );
    }
}
