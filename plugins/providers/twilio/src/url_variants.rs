//! The URL spellings Twilio's SDKs accept a signature for (providers.md §1.5). Twilio's backend
//! is inconsistent about ports and encoding, so the SDKs try several candidates:
//!
//! - the URL exactly as received (python, go, ruby);
//! - with the port removed, and with the scheme's default port added (`:443`, `:80`) when it
//!   has none (all SDKs; a URL that has a port keeps it);
//! - node's WHATWG re-serialisation (`new URL(url).toString()`: lower-case host, default port
//!   dropped, `'` in the query as `%27`, spaces and non-ASCII percent-encoded), with and without
//!   the port;
//! - node's "legacy querystring" form of those: the query parsed by `querystring.parse` and
//!   written back by `querystring.stringify` (`%27` back to `'`, `+` to `%20`).
//!
//! Everything is string surgery: a URL library would drop an explicit default port and
//! re-encode what must stay as received.

/// Every candidate for `url`, without duplicates, the received string first.
pub fn candidates(url: &str) -> Vec<String> {
    let mut out = vec![url.to_owned()];
    if let Some(raw) = Parts::parse(url) {
        let whatwg = raw.whatwg();
        let mut more = vec![
            raw.without_port(),
            raw.with_port(),
            whatwg.without_port(),
            whatwg.with_port(),
        ];
        more.push(whatwg.legacy_querystring().without_port());
        // Node re-parses its with-port string, which drops a default port again: what is left
        // is the WHATWG URL as it stands (a non-default port kept).
        more.push(whatwg.legacy_querystring().as_is());
        for candidate in more {
            if !out.contains(&candidate) {
                out.push(candidate);
            }
        }
    }
    out
}

/// An absolute URL cut at its delimiters; serialising the parts gives the input back.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Parts {
    scheme: String,
    userinfo: Option<String>,
    host: String,
    port: Option<String>,
    path: String,
    query: Option<String>,
    fragment: Option<String>,
}

impl Parts {
    fn parse(url: &str) -> Option<Parts> {
        let (scheme, rest) = url.split_once("://")?;
        let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b));
        if !scheme_ok {
            return None;
        }
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, rest) = rest.split_at(authority_end);
        let (userinfo, hostport) = match authority.rfind('@') {
            Some(at) => (Some(&authority[..at]), &authority[at + 1..]),
            None => (None, authority),
        };
        let port_colon = if hostport.starts_with('[') {
            hostport.find(']').and_then(|end| {
                let after = &hostport[end + 1..];
                after.starts_with(':').then_some(end + 1)
            })
        } else {
            hostport.rfind(':')
        };
        let (host, port) = match port_colon {
            Some(colon) => {
                let port = &hostport[colon + 1..];
                if !port.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                (&hostport[..colon], (!port.is_empty()).then_some(port))
            }
            None => (hostport, None),
        };
        if host.is_empty() {
            return None;
        }
        let (before_fragment, fragment) = match rest.split_once('#') {
            Some((a, f)) => (a, Some(f)),
            None => (rest, None),
        };
        let (path, query) = match before_fragment.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (before_fragment, None),
        };
        Some(Parts {
            scheme: scheme.to_owned(),
            userinfo: userinfo.map(str::to_owned),
            host: host.to_owned(),
            port: port.map(str::to_owned),
            path: path.to_owned(),
            query: query.map(str::to_owned),
            fragment: fragment.map(str::to_owned),
        })
    }

    fn default_port(&self) -> &'static str {
        if self.scheme.eq_ignore_ascii_case("https") {
            "443"
        } else {
            "80"
        }
    }

    fn serialize(&self, port: Option<&str>) -> String {
        let mut out = format!("{}://", self.scheme);
        if let Some(userinfo) = &self.userinfo {
            out.push_str(userinfo);
            out.push('@');
        }
        out.push_str(&self.host);
        if let Some(port) = port {
            out.push(':');
            out.push_str(port);
        }
        out.push_str(&self.path);
        if let Some(query) = &self.query {
            out.push('?');
            out.push_str(query);
        }
        if let Some(fragment) = &self.fragment {
            out.push('#');
            out.push_str(fragment);
        }
        out
    }

    fn without_port(&self) -> String {
        self.serialize(None)
    }

    /// The port the URL has, else the scheme's default.
    fn with_port(&self) -> String {
        let port = self.port.as_deref().unwrap_or(self.default_port());
        self.serialize(Some(port))
    }

    fn as_is(&self) -> String {
        self.serialize(self.port.as_deref())
    }

    /// What WHATWG `new URL(url).toString()` makes of the URL, for the parts Twilio URLs have.
    fn whatwg(&self) -> Parts {
        let scheme = self.scheme.to_ascii_lowercase();
        let special = matches!(scheme.as_str(), "http" | "https" | "ws" | "wss" | "ftp");
        let mut whatwg = Parts {
            scheme,
            // An empty password is dropped with its `:`, an empty userinfo with its `@`.
            userinfo: self
                .userinfo
                .as_deref()
                .map(|u| u.strip_suffix(':').unwrap_or(u))
                .filter(|u| !u.is_empty() && *u != ":")
                .map(str::to_owned),
            host: self.host.to_ascii_lowercase(),
            port: None,
            path: percent_encode(&self.path, PATH_SET),
            query: self.query.as_deref().map(|q| {
                percent_encode(
                    q,
                    if special {
                        SPECIAL_QUERY_SET
                    } else {
                        QUERY_SET
                    },
                )
            }),
            fragment: self
                .fragment
                .as_deref()
                .map(|f| percent_encode(f, FRAGMENT_SET)),
        };
        whatwg.port = self
            .port
            .as_deref()
            .map(|p| p.trim_start_matches('0'))
            .map(|p| if p.is_empty() { "0" } else { p })
            .filter(|p| *p != whatwg.default_port())
            .map(str::to_owned);
        if special && whatwg.path.is_empty() {
            whatwg.path.push('/');
        }
        whatwg
    }

    /// Node's `querystring.stringify(querystring.parse(query))` in place of the query; a URL
    /// without a query (or with an empty one) is unchanged.
    fn legacy_querystring(&self) -> Parts {
        let mut out = self.clone();
        if let Some(query) = self.query.as_deref().filter(|q| !q.is_empty()) {
            out.query = Some(legacy::restringify(query));
        }
        out
    }
}

/// Characters WHATWG percent-encodes in a path, besides C0 controls and non-ASCII.
const PATH_SET: &[u8] = b" \"#<>?`{}";
/// … in the query of a URL with a special scheme (http, https): `'` too.
const SPECIAL_QUERY_SET: &[u8] = b" \"#<>'";
/// … in the query of other schemes.
const QUERY_SET: &[u8] = b" \"#<>";
/// … in a fragment.
const FRAGMENT_SET: &[u8] = b" \"<>`";

/// Percent-encodes (upper-case hex) the bytes in `set`, C0 controls, DEL and non-ASCII; keeps
/// existing `%XX` escapes as they are.
fn percent_encode(input: &str, set: &[u8]) -> String {
    let mut out = String::with_capacity(input.len());
    for &b in input.as_bytes() {
        if !(0x20..0x7f).contains(&b) || set.contains(&b) {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push(char::from(b));
        }
    }
    out
}

/// Node's legacy `querystring` module, as far as signature checks need it.
mod legacy {
    /// `stringify(parse(query))`.
    pub fn restringify(query: &str) -> String {
        let mut keys: Vec<(String, Vec<String>)> = Vec::new();
        for piece in query.split('&') {
            let (key, value) = piece.split_once('=').unwrap_or((piece, ""));
            if key.is_empty() && value.is_empty() {
                continue;
            }
            let (key, value) = (unescape(key), unescape(value));
            match keys.iter_mut().find(|(k, _)| *k == key) {
                Some((_, values)) => values.push(value),
                None => keys.push((key, vec![value])),
            }
        }
        // A JavaScript object lists integer-like keys first, in numeric order.
        keys.sort_by_key(|(k, _)| array_index(k).map_or((1, 0), |i| (0, i)));
        let mut out = Vec::new();
        for (key, values) in &keys {
            for value in values {
                out.push(format!("{}={}", escape(key), escape(value)));
            }
        }
        out.join("&")
    }

    fn array_index(key: &str) -> Option<u64> {
        let canonical = key == "0" || (!key.starts_with('0') && !key.is_empty());
        if !canonical || !key.bytes().all(|b| b.is_ascii_digit()) || key.len() > 10 {
            return None;
        }
        key.parse::<u64>().ok().filter(|i| *i < u64::from(u32::MAX))
    }

    /// `+` is a space; valid `%XX` escapes are bytes, invalid ones stay; then UTF-8 (lossy).
    fn unescape(s: &str) -> String {
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let hex = |j: usize| bytes.get(j).and_then(|b| char::from(*b).to_digit(16));
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' => {
                    if let (Some(hi), Some(lo)) = (hex(i + 1), hex(i + 2)) {
                        out.push((hi * 16 + lo) as u8);
                        i += 3;
                        continue;
                    }
                    out.push(b'%');
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    /// `querystring.escape`: all but letters, digits and `-_.!~*'()`, as upper-case `%XX`.
    fn escape(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        for &b in s.as_bytes() {
            if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn matches_node_querystring() {
            assert_eq!(super::restringify("a=It%27s+ok&b"), "a=It's%20ok&b=");
            assert_eq!(super::restringify("x=1&2=b&1=a&x=2"), "1=a&2=b&x=1&x=2");
            assert_eq!(
                super::restringify("a=%zz&&=&c=%E2%82%AC"),
                "a=%25zz&c=%E2%82%AC"
            );
            assert_eq!(super::restringify("k=v=w&01=x"), "k=v%3Dw&01=x");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_round_trip_the_received_string() {
        for url in [
            "https://cc.example.com/hooks/twilio?x=1#frag",
            "https://user:pass@Example.com:8443/a%20b?q='1'",
            "http://[::1]:8080/x",
            "https://host",
        ] {
            let parts = Parts::parse(url).expect(url);
            assert_eq!(parts.serialize(parts.port.as_deref()), url);
        }
        assert_eq!(Parts::parse("not a url"), None);
        assert_eq!(Parts::parse("https://host:12x/"), None);
        assert_eq!(Parts::parse("https:///path"), None);
    }

    #[test]
    fn ports_are_added_and_removed() {
        let c = candidates("https://mycompany.com/myapp.php?foo=1");
        assert!(c.contains(&"https://mycompany.com:443/myapp.php?foo=1".to_owned()));
        let c = candidates("http://mycompany.com/x");
        assert!(c.contains(&"http://mycompany.com:80/x".to_owned()));
        let c = candidates("https://mycompany.com:1234/x");
        assert!(c.contains(&"https://mycompany.com/x".to_owned()));
        assert!(!c.iter().any(|u| u.contains(":443")), "{c:?}");
        let c = candidates("https://user:pass@mycompany.com/x");
        assert!(c.contains(&"https://user:pass@mycompany.com:443/x".to_owned()));
    }

    #[test]
    fn whatwg_and_legacy_spellings_of_the_query() {
        let c = candidates("https://Example.com/p?Body=It's+amazing");
        assert!(
            c.contains(&"https://example.com/p?Body=It%27s+amazing".to_owned()),
            "{c:?}"
        );
        assert!(
            c.contains(&"https://example.com/p?Body=It's%20amazing".to_owned()),
            "{c:?}"
        );
        let c = candidates("https://example.com/a b?q=ñ");
        assert!(
            c.contains(&"https://example.com/a%20b?q=%C3%B1".to_owned()),
            "{c:?}"
        );
    }

    #[test]
    fn a_string_that_is_no_url_is_only_itself() {
        assert_eq!(candidates("/relative?x=1"), ["/relative?x=1"]);
    }
}
