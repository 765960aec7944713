//! `application/x-www-form-urlencoded` fields, as Twilio's form bodies and Kannel's query
//! strings carry them: decoding (`+` is a space, `%XX` a byte) and lookup by name.

use crate::mock::Recorded;

/// Decoded `name=value` pairs, in order; repeated names are kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// Decodes a form body or a query string (without the `?`).
    pub fn parse(input: &[u8]) -> Self {
        Self(
            input
                .split(|&b| b == b'&')
                .filter(|part| !part.is_empty())
                .map(|part| {
                    let mut halves = part.splitn(2, |&b| b == b'=');
                    let name = decode(halves.next().unwrap_or_default());
                    let value = decode(halves.next().unwrap_or_default());
                    (name, value)
                })
                .collect(),
        )
    }

    /// The query string of a recorded request's URI.
    pub fn query_of(request: &Recorded) -> Self {
        let query = request.uri.split_once('?').map_or("", |(_, q)| q);
        Self::parse(query.as_bytes())
    }

    /// The form body of a recorded request.
    pub fn body_of(request: &Recorded) -> Self {
        Self::parse(&request.body)
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of `name`, when it is not empty.
    pub fn non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }
}

/// One form-encoded component: `+` → space, `%XX` → that byte, read as UTF-8 (lossily).
fn decode(input: &[u8]) -> String {
    String::from_utf8_lossy(&decode_bytes(input)).into_owned()
}

/// The bytes of one form-encoded component: `+` → space, `%XX` → that byte; a `%` not followed
/// by two hex digits stays as it is.
pub fn decode_bytes(input: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'+' => bytes.push(b' '),
            b'%' if i + 2 < input.len() => {
                let hex = std::str::from_utf8(&input[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(byte) => {
                        bytes.push(byte);
                        i += 2;
                    }
                    Err(_) => bytes.push(b'%'),
                }
            }
            other => bytes.push(other),
        }
        i += 1;
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_decode_like_a_browser_form() {
        let fields =
            Fields::parse(b"To=%2B5491166660001&Body=Hola+mundo%21&Empty=&Bad=%zz&Tail=%4");
        assert_eq!(fields.get("To"), Some("+5491166660001"));
        assert_eq!(fields.get("Body"), Some("Hola mundo!"));
        assert_eq!(fields.get("Empty"), Some(""));
        assert_eq!(fields.non_empty("Empty"), None);
        assert_eq!(fields.get("Bad"), Some("%zz"));
        assert_eq!(fields.get("Tail"), Some("%4"));
        assert_eq!(fields.get("missing"), None);
        assert_eq!(
            Fields::parse("text=%C2%BFc%C3%B3mo%3F".as_bytes()).get("text"),
            Some("¿cómo?")
        );
    }
}
