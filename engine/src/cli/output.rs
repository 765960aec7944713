//! Output for people: aligned tables and `key: value` lines; and for scripts, pretty JSON.

use serde::Serialize;
use serde_json::Value;

/// Prints `value` as pretty JSON on stdout.
pub fn print_json(value: &impl Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// Renders rows under a header, each column as wide as its widest cell.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    std::iter::once(&header)
        .chain(rows)
        .map(|row| line(row, &widths))
        .collect::<Vec<_>>()
        .join("\n")
}

fn line(cells: &[String], widths: &[usize]) -> String {
    let padded: Vec<String> = cells
        .iter()
        .zip(widths)
        .map(|(cell, width)| format!("{cell:<width$}"))
        .collect();
    padded.join("  ").trim_end().to_string()
}

/// A field of a JSON object as text: strings bare, `null` or missing as `-`.
pub fn text(value: &Value, key: &str) -> String {
    match &value[key] {
        Value::Null => "-".to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The first 12 hex digits of a sha256: enough to tell builds apart at a glance.
pub fn short_sha(sha256: &str) -> &str {
    sha256.get(..12).unwrap_or(sha256)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_aligned() {
        let rows = vec![
            vec!["round-robin".to_string(), "1.0.0".to_string()],
            vec!["x".to_string(), "10.20.30".to_string()],
        ];
        assert_eq!(
            table(&["NAME", "ACTIVE"], &rows),
            "NAME         ACTIVE\nround-robin  1.0.0\nx            10.20.30"
        );
    }

    #[test]
    fn missing_fields_show_as_a_dash() {
        let value = serde_json::json!({ "a": "x", "b": 3, "c": null });
        assert_eq!(text(&value, "a"), "x");
        assert_eq!(text(&value, "b"), "3");
        assert_eq!(text(&value, "c"), "-");
        assert_eq!(text(&value, "d"), "-");
        assert_eq!(short_sha("abc"), "abc");
    }
}
