//! Templates (WhatsApp HSM) as text: the `hsm:code:p1:p2` shorthand integrators and dialer
//! lists use, the `{{n}}` placeholders of a template body, and the body filled in for history.

/// A template asked for by code, with its parameters in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateCall {
    /// The template's code in Switchboard (unique per connector and language).
    pub code: String,
    /// Values for `{{1}}…{{n}}`.
    pub params: Vec<String>,
}

/// Why a template request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// `hsm:` with no code.
    #[error("`hsm:` needs a template code: hsm:code:param1:param2")]
    MissingCode,
    /// A `\` not followed by `:` or `\`.
    #[error("`\\` must be followed by `:` or `\\` in an hsm parameter")]
    BadEscape,
    /// Wrong number of parameters for the body.
    #[error("template `{code}` takes {expected} parameter(s), {given} given")]
    ParamCount {
        /// The template.
        code: String,
        /// Placeholders in its body.
        expected: usize,
        /// Parameters given.
        given: usize,
    },
    /// An empty parameter: providers refuse them.
    #[error("parameter {0} of the template is empty")]
    EmptyParam(usize),
}

/// Reads `hsm:code:p1:p2` (`\:` is a colon inside a parameter, `\\` a backslash). `None` when
/// `text` does not start with `hsm:`: then it is plain text.
pub fn parse_hsm(text: &str) -> Option<Result<TemplateCall, TemplateError>> {
    let rest = text.strip_prefix("hsm:")?;
    Some(split_escaped(rest).and_then(|mut parts| {
        let code = parts.remove(0);
        if code.trim().is_empty() {
            return Err(TemplateError::MissingCode);
        }
        Ok(TemplateCall {
            code: code.trim().to_owned(),
            params: parts,
        })
    }))
}

/// Splits on unescaped `:`; always returns at least one part.
fn split_escaped(text: &str) -> Result<Vec<String>, TemplateError> {
    let mut parts = vec![String::new()];
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        let current = parts.last_mut().ok_or(TemplateError::MissingCode)?;
        match c {
            '\\' => match chars.next() {
                Some(escaped @ (':' | '\\')) => current.push(escaped),
                _ => return Err(TemplateError::BadEscape),
            },
            ':' => parts.push(String::new()),
            other => current.push(other),
        }
    }
    Ok(parts)
}

/// The highest `{{n}}` in `body`: how many parameters it takes (`{{1}}` and `{{3}}` → 3).
pub fn placeholder_count(body: &str) -> usize {
    placeholders(body).map(|(_, _, n)| n).max().unwrap_or(0)
}

/// Checks `params` against `body`'s placeholders.
pub fn check_params(code: &str, body: &str, params: &[String]) -> Result<(), TemplateError> {
    let expected = placeholder_count(body);
    if params.len() != expected {
        return Err(TemplateError::ParamCount {
            code: code.to_owned(),
            expected,
            given: params.len(),
        });
    }
    match params.iter().position(|p| p.trim().is_empty()) {
        Some(index) => Err(TemplateError::EmptyParam(index + 1)),
        None => Ok(()),
    }
}

/// `body` with each `{{n}}` replaced by `params[n-1]` (left as is when missing).
pub fn fill(body: &str, params: &[String]) -> String {
    let mut out = String::with_capacity(body.len());
    let mut last = 0;
    for (start, end, n) in placeholders(body) {
        out.push_str(&body[last..start]);
        match params.get(n - 1) {
            Some(value) => out.push_str(value),
            None => out.push_str(&body[start..end]),
        }
        last = end;
    }
    out.push_str(&body[last..]);
    out
}

/// Every `{{n}}` with n ≥ 1: (start, end, n).
fn placeholders(body: &str) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    let mut from = 0;
    std::iter::from_fn(move || {
        while let Some(offset) = body[from..].find("{{") {
            let start = from + offset;
            let digits_at = start + 2;
            let digits = body[digits_at..]
                .find(|c: char| !c.is_ascii_digit())
                .map_or(body.len() - digits_at, |d| d);
            let end = digits_at + digits + 2;
            from = digits_at;
            if digits > 0 && digits <= 3 && body[digits_at + digits..].starts_with("}}") {
                let n: usize = body[digits_at..digits_at + digits].parse().unwrap_or(0);
                if n >= 1 {
                    from = end;
                    return Some((start, end, n));
                }
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hsm_shorthand_splits_on_unescaped_colons() {
        let call = parse_hsm(r"hsm:welcome:Ana:10\:30 hs:a\\b")
            .expect("hsm")
            .expect("ok");
        assert_eq!(call.code, "welcome");
        assert_eq!(call.params, ["Ana", "10:30 hs", r"a\b"]);
        assert_eq!(
            parse_hsm("hsm:bye").expect("hsm").expect("ok").params,
            Vec::<String>::new()
        );
        assert!(parse_hsm("hello").is_none());
        assert_eq!(
            parse_hsm("hsm:").expect("hsm"),
            Err(TemplateError::MissingCode)
        );
        assert_eq!(
            parse_hsm(r"hsm:x:a\b").expect("hsm"),
            Err(TemplateError::BadEscape)
        );
    }

    #[test]
    fn placeholders_are_counted_and_filled() {
        let body = "Hola {{1}}, tu turno es el {{2}} a las {{3}}. {{x}} {{0}} {{";
        assert_eq!(placeholder_count(body), 3);
        let params: Vec<String> = ["Ana", "lunes", "10:30"].map(String::from).to_vec();
        assert_eq!(
            fill(body, &params),
            "Hola Ana, tu turno es el lunes a las 10:30. {{x}} {{0}} {{"
        );
        assert!(check_params("t", body, &params).is_ok());
        assert_eq!(
            check_params("t", body, &params[..2]),
            Err(TemplateError::ParamCount {
                code: "t".into(),
                expected: 3,
                given: 2
            })
        );
        let blank: Vec<String> = ["Ana", " ", "x"].map(String::from).to_vec();
        assert_eq!(
            check_params("t", body, &blank),
            Err(TemplateError::EmptyParam(2))
        );
        assert_eq!(placeholder_count("no placeholders"), 0);
        assert_eq!(fill("{{2}} {{1}}", &params), "lunes Ana");
    }
}
