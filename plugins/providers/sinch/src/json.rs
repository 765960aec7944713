//! Lenient access to callback JSON. Providers add fields, send `""` for "none" and sometimes a
//! string where the docs say an object; reading a `serde_json::Value` field by field accepts all
//! of that, where a typed struct would refuse the whole callback (and the provider would retry it
//! forever).

use serde_json::Value;

/// A non-empty string field.
pub fn str_at<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value
        .get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// An owned non-empty string field.
pub fn string_at(value: &Value, key: &str) -> Option<String> {
    str_at(value, key).map(str::to_owned)
}

/// The `field` of every object in the array at `key`, skipping items without it.
pub fn strings_at(value: &Value, key: &str, field: &str) -> Vec<String> {
    value
        .get(key)
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(|i| string_at(i, field)).collect())
        .unwrap_or_default()
}

/// An object field.
pub fn object_at<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    value.get(key).filter(|v| v.is_object())
}

/// A boolean field (`true`/`false` or the strings `"true"`/`"false"`).
pub fn bool_at(value: &Value, key: &str) -> Option<bool> {
    match value.get(key)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// A field as text whether it is a string or a number (`"1"` or `1`).
pub fn text_at(value: &Value, key: &str) -> Option<String> {
    match value.get(key)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A finite float field, also from a numeric string.
pub fn f64_at(value: &Value, key: &str) -> Option<f64> {
    let number = match value.get(key)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    number.filter(|f: &f64| f.is_finite())
}

/// The host's message id from an echo field: the decimal text this plugin sent.
pub fn message_id(text: Option<&str>) -> Option<u64> {
    text?.trim().parse().ok()
}
