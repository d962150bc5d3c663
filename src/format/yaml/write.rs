//! Writing YAML: records as the items of a block list, typed so that [`super::read`] reads
//! each back as the same JSON value.
//!
//! It writes one record at a time to a string the caller hands on; it knows no schema of
//! its own (a caller's [`Typing`] says where a value's type is not allowed, so the value
//! carries its core tag) and does not decide where its output goes.

use serde_json::{Map, Value};

use crate::typing::{Types, Typing};

/// Writes one record as an item of a YAML block list.
///
/// Mappings and lists are written in block style, two spaces per level, a list item's
/// first member on the dash's line; empty ones as `{}` and `[]`. A number is its JSON text
/// (which YAML 1.2 reads as the same number), `true`, `false` and `null` as themselves. A
/// string is written plain only when it starts with a letter, holds only letters, digits,
/// spaces and `_-./,()'` (or other printable non-ASCII characters), does not end in a space,
/// is not a word some YAML reads as a boolean or null (`yes`, `No`, `on`, `null`, `~`, …)
/// and reads back as itself; otherwise it is double-quoted with JSON-style escapes, so
/// `"2025-09-08"`, `"007"`, `"26.2"` and `"true"` stay strings in any YAML reader. Where
/// the schema does not allow a value's type (an invalid record), the value carries its core
/// tag (`!!int 5`), so reading it back gives the same value.
pub fn write_yaml(out: &mut String, record: &Value, typing: Option<&Typing>) {
    write_item(out, record, 0, &mut Vec::new(), typing);
}

fn write_item(
    out: &mut String,
    value: &Value,
    indent: usize,
    path: &mut Vec<String>,
    typing: Option<&Typing>,
) {
    out.push_str(&" ".repeat(indent));
    out.push('-');
    // A mapping in a list starts on the dash's line (`- key: …`).
    write_value(out, value, indent + 2, true, path, typing);
}

/// Writes what follows a `-` or a `key:`: a scalar on the same line, a list on the next
/// lines, a mapping on the same line when `map_inline`, else on the next lines.
fn write_value(
    out: &mut String,
    value: &Value,
    indent: usize,
    map_inline: bool,
    path: &mut Vec<String>,
    typing: Option<&Typing>,
) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push(if map_inline { ' ' } else { '\n' });
            write_map(out, map, indent, map_inline, path, typing);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            write_list(out, items, indent, path, typing);
        }
        other => {
            out.push(' ');
            write_scalar(out, other, path, typing);
            out.push('\n');
        }
    }
}

fn write_list(
    out: &mut String,
    items: &[Value],
    indent: usize,
    path: &mut Vec<String>,
    typing: Option<&Typing>,
) {
    for (i, item) in items.iter().enumerate() {
        path.push(i.to_string());
        write_item(out, item, indent, path, typing);
        path.pop();
    }
}

fn write_map(
    out: &mut String,
    map: &Map<String, Value>,
    indent: usize,
    inline_first: bool,
    path: &mut Vec<String>,
    typing: Option<&Typing>,
) {
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 || !inline_first {
            out.push_str(&" ".repeat(indent));
        }
        if plain_safe(key) {
            out.push_str(key);
        } else {
            quote(out, key);
        }
        out.push(':');
        path.push(key.clone());
        write_value(out, value, indent + 2, false, path, typing);
        path.pop();
    }
}

fn write_scalar(out: &mut String, value: &Value, path: &[String], typing: Option<&Typing>) {
    let types = typing.and_then(|t| t.types_at(path));
    let excluded = |t: Types| types.is_some_and(|set| !set.intersects(t));
    match value {
        Value::String(s) => {
            let reads_back = super::read::plain_reads_as(s, types)
                .is_some_and(|v| v == Value::String(s.clone()));
            if plain_safe(s) && reads_back {
                out.push_str(s);
            } else {
                quote(out, s);
            }
        }
        Value::Number(n) => {
            let text = n.to_string();
            if excluded(Types::NUMBER) || types.is_some_and(Types::only_string) {
                out.push_str(if text.contains(['.', 'e', 'E']) {
                    "!!float "
                } else {
                    "!!int "
                });
            }
            out.push_str(&text);
        }
        Value::Bool(b) => {
            if excluded(Types::BOOLEAN) || types.is_some_and(Types::only_string) {
                out.push_str("!!bool ");
            }
            out.push_str(if *b { "true" } else { "false" });
        }
        Value::Null => {
            if excluded(Types::NULL) {
                out.push_str("!!null ");
            }
            out.push_str("null");
        }
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
    }
}

/// Words that some YAML version reads as a boolean or null.
const RESERVED: [&str; 11] = [
    "y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf",
];

fn plain_safe(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    first.is_alphabetic()
        && !s.ends_with(' ')
        && s.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || " _-./,()'".contains(c)
                || (!c.is_ascii()
                    && !c.is_whitespace()
                    && !c.is_control()
                    && !matches!(
                        c,
                        '\u{feff}'
                            | '\u{fffe}'
                            | '\u{ffff}'
                            | '\u{2028}'
                            | '\u{2029}'
                            | '\u{85}'
                            | '\u{a0}'
                    ))
        })
        && !RESERVED.contains(&s.to_ascii_lowercase().as_str())
}

/// A double-quoted YAML scalar: JSON's escapes, plus `\uXXXX` for every character YAML
/// does not allow written as itself.
fn quote(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20
                || ('\u{7f}'..='\u{9f}').contains(&c)
                || matches!(
                    c,
                    '\u{feff}' | '\u{fffe}' | '\u{ffff}' | '\u{2028}' | '\u{2029}'
                ) =>
            {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;

    #[test]
    fn yaml_scalars_read_back() {
        let record = serde_json::json!({
            "kind": "statistic", "id": "x", "label": "2025", "notes": "no",
            "value": {"amount": "26.2", "unit": "people"},
            "equivalents": [{"amount": 1.100, "currency": "USD"}],
            "tags": ["true", "a: b", "#c", "- d", "é", "x\ny", "\u{7f}", ""],
            "period": "2025-09-08"
        });
        let mut text = String::new();
        write_yaml(&mut text, &record, Some(Typing::bundled(Kind::Statistic)));
        let back = crate::format::yaml::read::records(&text, &|_| None).unwrap();
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].value, record, "{text}");
        assert!(text.contains("label: \"2025\""), "{text}");
    }

    #[test]
    fn tags_keep_invalid_types() {
        let record = serde_json::json!({"kind": "entity", "id": "x", "name": 5, "type": true});
        let mut text = String::new();
        write_yaml(&mut text, &record, Some(Typing::bundled(Kind::Entity)));
        assert!(text.contains("name: !!int 5"), "{text}");
        let back = crate::format::yaml::read::records(&text, &|k| {
            k.and_then(Kind::parse).map(Typing::bundled)
        })
        .unwrap();
        assert_eq!(back[0].value, record, "{text}");
    }
}
