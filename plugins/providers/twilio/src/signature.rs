//! `X-Twilio-Signature`, exactly as Twilio's SDKs check it (providers.md §1.5):
//! `Base64(HMAC-SHA1(auth_token, url + sorted params))`, compared in constant time, against
//! every URL spelling of [`url_variants::candidates`].
//!
//! - Form bodies: the decoded fields are appended, names in code-point order, each name's
//!   distinct values sorted, as `name + value` with no separators.
//! - GET webhooks: the URL alone (the fields are in its query).
//! - JSON bodies: the URL carries `bodySHA256 = hex(SHA-256(body))`; the signature covers the
//!   URL alone and the hash must match the raw body.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::params::Params;
use crate::url_variants;

/// The signature header (matched case-insensitively).
pub const HEADER: &str = "X-Twilio-Signature";

/// The query parameter carrying the SHA-256 of a JSON body.
pub const BODY_SHA256: &str = "bodySHA256";

/// What the signature covers besides the URL.
#[derive(Debug, Clone, Copy)]
pub enum Signed<'a> {
    /// A form-encoded POST: its decoded fields.
    Form(&'a Params),
    /// A GET, or a POST with an empty body: nothing.
    UrlOnly,
    /// A body whose hash is in the URL's `bodySHA256`.
    BodyHash(&'a [u8]),
}

/// Why a request is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureError {
    /// No `X-Twilio-Signature` header.
    Missing,
    /// The header matches no URL spelling.
    Mismatch,
    /// `bodySHA256` is missing or is not the body's hash.
    BodyHash,
}

impl std::fmt::Display for SignatureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SignatureError::Missing => "missing X-Twilio-Signature header",
            SignatureError::Mismatch => "X-Twilio-Signature does not match",
            SignatureError::BodyHash => "bodySHA256 does not match the body",
        })
    }
}

/// Checks `header` for a request to `url`, signed with `auth_token`.
pub fn verify(
    auth_token: &str,
    url: &str,
    header: Option<&str>,
    signed: Signed<'_>,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?.trim();
    let suffix = match signed {
        Signed::Form(params) => params_string(params),
        Signed::UrlOnly => String::new(),
        Signed::BodyHash(body) => {
            let expected = hex_sha256(body);
            let given = query_param(url, BODY_SHA256).unwrap_or_default();
            if !bool::from(given.as_bytes().ct_eq(expected.as_bytes())) {
                return Err(SignatureError::BodyHash);
            }
            String::new()
        }
    };
    // Every candidate is computed, so the time taken does not say which one matched.
    let mut valid = subtle::Choice::from(0);
    for candidate in url_variants::candidates(url) {
        let expected = compute(auth_token, &candidate, &suffix);
        valid |= expected.as_bytes().ct_eq(header.as_bytes());
    }
    if bool::from(valid) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// `Base64(HMAC-SHA1(auth_token, url + suffix))`.
pub fn compute(auth_token: &str, url: &str, suffix: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(auth_token.as_bytes()) else {
        unreachable!("HMAC takes keys of any length");
    };
    mac.update(url.as_bytes());
    mac.update(suffix.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The fields as the SDKs append them: names sorted by code point, then each name's distinct
/// values sorted, `name + value` for each.
pub fn params_string(params: &Params) -> String {
    let mut pairs: Vec<(&str, &str)> = params
        .pairs()
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    pairs.iter().map(|(n, v)| format!("{n}{v}")).collect()
}

/// Lower-case hex SHA-256.
pub fn hex_sha256(body: &[u8]) -> String {
    Sha256::digest(body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The first decoded value of `name` in `url`'s query.
pub fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    let query = query.split_once('#').map_or(query, |(q, _)| q);
    Params::from_form(query.as_bytes())
        .get(name)
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The official vector of twilio-node `spec/validation.spec.js` and twilio-python's tests.
    const TOKEN: &str = "12345";
    const URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";

    fn official_params() -> Params {
        Params::from_form(
            b"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212",
        )
    }

    fn check(url: &str, signature: &str, params: &Params) -> Result<(), SignatureError> {
        verify(TOKEN, url, Some(signature), Signed::Form(params))
    }

    #[test]
    fn string_to_sign_is_url_then_sorted_fields() {
        let s = format!("{URL}{}", params_string(&official_params()));
        assert_eq!(
            s,
            "https://mycompany.com/myapp.php?foo=1&bar=2CallSidCA1234567890ABCDECaller+14158675309Digits1234From+14158675309To+18005551212"
        );
        assert_eq!(
            compute(TOKEN, URL, &params_string(&official_params())),
            "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        );
    }

    #[test]
    fn official_sdk_vectors() {
        let p = official_params();
        let ok = |url: &str, sig: &str| assert_eq!(check(url, sig, &p), Ok(()), "{url} {sig}");
        ok(URL, "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
        // Any explicit port is stripped.
        ok(
            "https://mycompany.com:1234/myapp.php?foo=1&bar=2",
            "RSOYDt4T1cUTdK1PDd93/VVr8B8=",
        );
        // Signed over the URL with the port it has.
        ok(
            "http://mycompany.com:1234/myapp.php?foo=1&bar=2",
            "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=",
        );
        // Signed with the default port added.
        ok(URL, "kvajT1Ptam85bY51eRf/AJRuM3w=");
        ok(
            "http://mycompany.com/myapp.php?foo=1&bar=2",
            "0ZXoZLH/DfblKGATFgpif+LLRf4=",
        );
        // Userinfo is kept, and the port goes after the host.
        let creds = "https://user:pass@mycompany.com/myapp.php?foo=1&bar=2";
        ok(creds, "CukzLTc1tT5dXEDIHm/tKBanW10=");
        ok(creds, "ZQFR1PTIZXF2MXB8ZnKCvnnA+rI=");
        ok(
            "https://user@mycompany.com/myapp.php?foo=1&bar=2",
            "2YRLlVAflCqxaNicjMpJcSTgzSs=",
        );
        // A quote in the query: as received, and as WHATWG re-encodes it.
        let special = format!("{URL}&Body=It's+amazing");
        ok(&special, "dsq4Ehbj6cs+KdTkpF5sSSplOWw=");
        ok(&special, "TfZzewPq8wqrGlMfyAud8+/IvJ0=");
    }

    #[test]
    fn repeated_fields_sort_their_distinct_values() {
        let p = Params::from_form(
            b"MessagingBinding.Address=%2B1415xxxxxxx&MessagingBinding.Address=%2B1325xxxxxxx",
        );
        assert_eq!(check(URL, "83O6e2vORAoJHUNzJjDWN1jz+BA=", &p), Ok(()));
        let p =
            Params::from_form(b"Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234&Digits=1234");
        assert_eq!(check(URL, "IK+Dwps556ElfBT0I3Rgjkr1wJU=", &p), Ok(()));
    }

    #[test]
    fn a_quote_in_the_query_validates_either_way() {
        // twilio-node `spec/unit/webhooks`: signed over one spelling, received as the other.
        let none = Params::default();
        for signed in [
            "https://example.com/path?test=param'WithQuote",
            "https://example.com/path?test=param%27WithQuote",
        ] {
            let signature = compute("s3cr3t", signed, "");
            for received in [
                "https://example.com/path?test=param'WithQuote",
                "https://example.com/path?test=param%27WithQuote",
            ] {
                let result = verify("s3cr3t", received, Some(&signature), Signed::Form(&none));
                assert_eq!(result, Ok(()), "signed {signed}, received {received}");
            }
        }
        let signature = compute("s3cr3t", "https://example.com/path?test=param", "");
        assert_eq!(
            verify(
                "s3cr3t",
                "https://example.com/path?test=param2",
                Some(&signature),
                Signed::UrlOnly
            ),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn json_bodies_are_checked_by_their_hash() {
        let body = br#"{"property": "value", "boolean": true}"#;
        let hash = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
        assert_eq!(hex_sha256(body), hash);
        let url = format!("{URL}&bodySHA256={hash}");
        let good = verify(
            TOKEN,
            &url,
            Some("a9nBmqA0ju/hNViExpshrM61xv4="),
            Signed::BodyHash(body),
        );
        assert_eq!(good, Ok(()));
        let short = format!("https://mycompany.com/myapp.php?bodySHA256={hash}");
        let good = verify(
            TOKEN,
            &short,
            Some("y77kIzt2vzLz71DgmJGsen2scGs="),
            Signed::BodyHash(body),
        );
        assert_eq!(good, Ok(()));
        // The empty-body vector only matches with the default port added.
        let empty_hash = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
        let url = format!("{URL}&bodySHA256={empty_hash}");
        let good = verify(
            TOKEN,
            &url,
            Some("Ldidvp12m26NI7eqEvxnEpkd9Hc="),
            Signed::BodyHash(b"{}"),
        );
        assert_eq!(good, Ok(()));
        // A changed body no longer matches its hash.
        let url = format!("{URL}&bodySHA256={hash}");
        let bad = verify(
            TOKEN,
            &url,
            Some("a9nBmqA0ju/hNViExpshrM61xv4="),
            Signed::BodyHash(b"{}"),
        );
        assert_eq!(bad, Err(SignatureError::BodyHash));
        let bad = verify(
            TOKEN,
            URL,
            Some("a9nBmqA0ju/hNViExpshrM61xv4="),
            Signed::BodyHash(body),
        );
        assert_eq!(bad, Err(SignatureError::BodyHash));
    }

    #[test]
    fn refusals() {
        let p = official_params();
        let sig = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
        assert_eq!(
            verify(TOKEN, URL, None, Signed::Form(&p)),
            Err(SignatureError::Missing)
        );
        assert_eq!(
            check(URL, "WRONG_SIGNATURE", &p),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(check(URL, "", &p), Err(SignatureError::Mismatch));
        assert_eq!(
            check(&format!("{URL}&somethingUnexpected=true"), sig, &p),
            Err(SignatureError::Mismatch)
        );
        let changed = Params::from_form(
            b"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1235&From=%2B14158675309&To=%2B18005551212",
        );
        assert_eq!(check(URL, sig, &changed), Err(SignatureError::Mismatch));
        let wrong_token = verify("54321", URL, Some(sig), Signed::Form(&p));
        assert_eq!(wrong_token, Err(SignatureError::Mismatch));
        // An http URL is not its https twin.
        assert_eq!(
            check("http://mycompany.com/myapp.php?foo=1&bar=2", sig, &p),
            Err(SignatureError::Mismatch)
        );
    }
}
