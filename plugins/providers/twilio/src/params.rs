//! A webhook's fields, decoded: a form body (`application/x-www-form-urlencoded`), a query
//! string (GET webhooks), or a flat JSON object. Names may repeat; order is kept.

/// Decoded name/value pairs as Twilio sent them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// Decodes a form body or a query string (`+` is a space, `%XX` a byte; bytes that are not
    /// UTF-8 become U+FFFD, as in Twilio's SDKs).
    pub fn from_form(bytes: &[u8]) -> Params {
        Params(
            form_urlencoded::parse(bytes)
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect(),
        )
    }

    /// The fields of a flat JSON object: strings as they are, other values as JSON text.
    /// `None` when the body is not a JSON object.
    pub fn from_json(bytes: &[u8]) -> Option<Params> {
        let serde_json::Value::Object(map) = serde_json::from_slice(bytes).ok()? else {
            return None;
        };
        let pairs = map
            .into_iter()
            .map(|(name, value)| match value {
                serde_json::Value::String(s) => (name, s),
                other => (name, other.to_string()),
            })
            .collect();
        Some(Params(pairs))
    }

    /// The pairs, in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }

    /// The first value of `name`, if the field is present (even empty).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of `name`, trimmed, when present and not empty.
    pub fn non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).map(str::trim).filter(|v| !v.is_empty())
    }

    /// Whether `name` is present.
    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_fields_are_decoded_and_empty_values_kept() {
        let p = Params::from_form(b"Body=Hola%2C+mundo&ToCity=&To=whatsapp%3A%2B1&Body=again");
        assert_eq!(p.get("Body"), Some("Hola, mundo"));
        assert_eq!(p.get("ToCity"), Some(""));
        assert_eq!(p.non_empty("ToCity"), None);
        assert_eq!(p.get("To"), Some("whatsapp:+1"));
        assert_eq!(p.pairs().len(), 4);
        assert!(!p.has("From"));
    }

    #[test]
    fn json_objects_become_fields() {
        let p = Params::from_json(br#"{"MessageSid": "SM1", "NumMedia": 0, "x": {"a": 1}}"#)
            .expect("object");
        assert_eq!(p.get("MessageSid"), Some("SM1"));
        assert_eq!(p.get("NumMedia"), Some("0"));
        assert_eq!(p.get("x"), Some(r#"{"a":1}"#));
        assert_eq!(Params::from_json(b"[1]"), None);
        assert_eq!(Params::from_json(b"{"), None);
    }
}
