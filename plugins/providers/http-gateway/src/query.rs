//! URL query strings and form bodies, decoded to raw bytes.
//!
//! Kannel URL-encodes the raw message bytes into `%b`, and those are UTF-16BE for a UCS-2
//! message: a decoder that turns `%XX` straight into a `String` (as `form_urlencoded::parse`
//! does, lossily) would corrupt them. Values stay bytes here; the caller decodes the text by
//! the message's charset.

/// Decoded `name=value` pairs of a query string or form body, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(Vec<(String, Vec<u8>)>);

impl Params {
    /// Parses `a=1&b=x+y&c=%41`: `+` is a space, `%XX` a byte, a `%` not followed by two hex
    /// digits stays as it is. Names are decoded as UTF-8 (lossily).
    pub fn parse(input: &[u8]) -> Params {
        let pairs = input
            .split(|&b| b == b'&')
            .filter(|part| !part.is_empty())
            .map(|part| {
                let (name, value) = match part.iter().position(|&b| b == b'=') {
                    Some(i) => (&part[..i], &part[i + 1..]),
                    None => (part, &[][..]),
                };
                let name = String::from_utf8_lossy(&percent_decode(name)).into_owned();
                (name, percent_decode(value))
            })
            .collect();
        Params(pairs)
    }

    /// The query string of `url` (after `?`, before `#`), parsed.
    pub fn from_url(url: &str) -> Params {
        let query = url.split_once('?').map_or("", |(_, q)| q);
        let query = query.split_once('#').map_or(query, |(q, _)| q);
        Params::parse(query.as_bytes())
    }

    /// Adds `other`'s pairs after this one's; [`Params::get`] prefers the later ones.
    pub fn extend(&mut self, other: Params) {
        self.0.extend(other.0);
    }

    /// The raw bytes of the last value named `name`.
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.0
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }

    /// The last value named `name` as text (invalid UTF-8 replaced), trimmed.
    pub fn text(&self, name: &str) -> Option<String> {
        self.get(name)
            .map(|v| String::from_utf8_lossy(v).trim().to_owned())
    }

    /// Like [`Params::text`], but `None` when the value is empty.
    pub fn non_empty(&self, name: &str) -> Option<String> {
        self.text(name).filter(|v| !v.is_empty())
    }
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// `+` → space, `%XX` → the byte; anything else as is.
pub fn percent_decode(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let pair = input.get(i + 1).copied().and_then(hex).and_then(|hi| {
                    input
                        .get(i + 2)
                        .copied()
                        .and_then(hex)
                        .map(|lo| (hi << 4) | lo)
                });
                if let Some(byte) = pair {
                    out.push(byte);
                    i += 2;
                } else {
                    out.push(b'%');
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    out
}

/// Encodes raw bytes as a query value (`application/x-www-form-urlencoded`: space → `+`,
/// `+` → `%2B`, every byte outside `A-Za-z0-9*-._` → `%XX`).
pub fn encode(value: &[u8]) -> String {
    form_urlencoded::byte_serialize(value).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_decoded_to_bytes() {
        let p = Params::parse(b"from=%2B5491155550123&text=hola+mundo&raw=%00%E9&flag");
        assert_eq!(p.text("from").as_deref(), Some("+5491155550123"));
        assert_eq!(p.get("text"), Some(&b"hola mundo"[..]));
        assert_eq!(p.get("raw"), Some(&[0x00, 0xE9][..]));
        assert_eq!(p.get("flag"), Some(&b""[..]));
        assert_eq!(p.get("missing"), None);
    }

    #[test]
    fn a_stray_percent_is_kept() {
        assert_eq!(percent_decode(b"100%"), b"100%");
        assert_eq!(percent_decode(b"%zz%4"), b"%zz%4");
        assert_eq!(percent_decode(b"%41%4a"), b"AJ");
    }

    #[test]
    fn the_query_is_taken_from_a_url() {
        let p = Params::from_url("https://e.test/hook/s3cr3t?a=1&b=2#frag");
        assert_eq!(p.text("b").as_deref(), Some("2"));
        assert_eq!(
            Params::from_url("https://e.test/no-query"),
            Params::default()
        );
    }

    #[test]
    fn later_values_win() {
        let mut p = Params::parse(b"a=1");
        p.extend(Params::parse(b"a=2"));
        assert_eq!(p.text("a").as_deref(), Some("2"));
    }

    #[test]
    fn encoding_round_trips_any_bytes() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(percent_decode(encode(&bytes).as_bytes()), bytes);
        assert_eq!(encode(b"+54 9"), "%2B54+9");
    }
}
