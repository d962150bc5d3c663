//! JSON and JSON Lines record files.
//!
//! Parsing goes through serde_json into a `Value`, with two differences from
//! `serde_json::from_str`: a duplicate key in an object is a syntax error (serde_json would
//! silently keep the last one, losing data), and numbers keep their text (the crate builds
//! serde_json with `arbitrary_precision`). The one change serde_json makes to a number's text
//! is to write an exponent with its sign (`14e12` becomes `14e+12`): the same number with
//! every digit.

use std::fmt;

use rayon::prelude::*;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::{Anchor, Entry, SourceFile};
use crate::diagnostic::{Diagnostic, Severity};

/// The key serde_json's `arbitrary_precision` uses to pass a number's text through a map.
/// It is not public API; `tests::numbers_keep_their_text` fails if it ever changes.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

struct Strict;

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(StrictVisitor)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("a number that is not finite"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Strict)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == NUMBER_TOKEN {
                let text: String = map.next_value()?;
                return text
                    .parse::<Number>()
                    .map(Value::Number)
                    .map_err(de::Error::custom);
            }
            if object.contains_key(&key) {
                return Err(de::Error::custom(format!(
                    "duplicate key `{key}`: the second value would silently replace the first; remove or rename one"
                )));
            }
            let value = map.next_value_seed(Strict)?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// Parses one JSON document, rejecting duplicate keys.
pub fn parse(text: &str) -> Result<Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Strict.deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// A syntax diagnostic from a serde_json error, placed at its line and column within the
/// text that starts at line `first_line` of the file (1 for a whole file, the line number
/// for a JSON Lines record).
pub(super) fn syntax_diagnostic(
    file: &SourceFile,
    error: &serde_json::Error,
    first_line: usize,
) -> Diagnostic {
    let mut message = error.to_string();
    // serde_json appends " at line L column C"; the location is shown separately.
    if let Some(i) = message.rfind(" at line ") {
        message.truncate(i);
    }
    let line = first_line + error.line().saturating_sub(1);
    let byte_column = error.column();
    let help = if message.starts_with("trailing comma") {
        "remove the comma after the last element"
    } else if message.starts_with("EOF while parsing") {
        "the file ends too early: close every `[`, `{` and `\"`"
    } else if message.starts_with("duplicate key") {
        "an object may name each field once"
    } else if message.starts_with("recursion limit exceeded") {
        "arrays and objects nest at most 128 deep (`[limits]` `max_depth` can only lower it): flatten the data"
    } else {
        "fix the JSON at this place; a JSON linter or editor shows the structure"
    };
    Diagnostic::new("syntax", Severity::Error, message)
        .help(help)
        .with_location(file.location_at_line_byte(line, byte_column))
}

/// Reads a `.json` file: an array of records, or one record.
pub(super) fn load_json(
    file_index: usize,
    file: &SourceFile,
    entries: &mut Vec<Entry>,
    findings: &mut Vec<Diagnostic>,
) {
    let text = file.text();
    if text.trim().is_empty() {
        findings.push(super::empty_file(
            file,
            "write an array of records `[ … ]` or one record `{ … }`",
        ));
        return;
    }
    match parse(text) {
        Ok(Value::Array(items)) => {
            // Each record is anchored at its own element, found in one pass, so that placing
            // a finding reads that record only, not every record before it.
            let spans = crate::source::elements(text).filter(|s| s.len() == items.len());
            for (i, value) in items.into_iter().enumerate() {
                let anchor = match spans.as_ref().and_then(|s| s.get(i)) {
                    Some(span) => Anchor::Json {
                        range: span.start..span.end,
                        prefix: String::new(),
                    },
                    None => Anchor::Json {
                        range: 0..text.len(),
                        prefix: format!("/{i}"),
                    },
                };
                entries.push(Entry::new(file_index, anchor, value));
            }
        }
        Ok(value) => entries.push(Entry::new(
            file_index,
            Anchor::Json {
                range: 0..text.len(),
                prefix: String::new(),
            },
            value,
        )),
        Err(e) => findings.push(syntax_diagnostic(file, &e, 1)),
    }
}

/// Reads a `.jsonl` file: one record per line; blank lines are skipped.
pub(super) fn load_jsonl(
    file_index: usize,
    file: &SourceFile,
    entries: &mut Vec<Entry>,
    findings: &mut Vec<Diagnostic>,
) {
    load_jsonl_prepared(file_index, file, entries, findings, &|_| Vec::new());
}

/// A JSON Lines record with the findings of its prepare step, or the line's syntax error.
type Parsed = Result<(Entry, Vec<Diagnostic>), Box<Diagnostic>>;

/// Lines parsed (and prepared) together: enough to keep both cores busy, few enough that a
/// chunk's parsed JSON is a small part of memory.
const CHUNK: usize = 16_384;

/// Reads a `.jsonl` file, running `prepare` on each record as it is parsed, in parallel and
/// chunk by chunk, keeping file order.
pub(super) fn load_jsonl_prepared(
    file_index: usize,
    file: &SourceFile,
    entries: &mut Vec<Entry>,
    findings: &mut Vec<Diagnostic>,
    prepare: &super::Prepare<'_>,
) {
    let text = file.text();
    // (line number, byte range) of every non-blank line.
    let mut lines = Vec::new();
    let mut start = 0;
    for (n, raw) in text.split_inclusive('\n').enumerate() {
        let line = raw.trim_end_matches(['\n', '\r']);
        if !line.trim().is_empty() {
            lines.push((n + 1, start..start + line.len()));
        }
        start += raw.len();
    }
    for chunk in lines.chunks(CHUNK) {
        let read = |(n, range): &(usize, std::ops::Range<usize>)| -> Parsed {
            match parse(&text[range.clone()]) {
                Ok(value) => {
                    let mut entry = Entry::new(
                        file_index,
                        Anchor::Json {
                            range: range.clone(),
                            prefix: String::new(),
                        },
                        value,
                    );
                    let found = prepare(&mut entry);
                    Ok((entry, found))
                }
                Err(e) => Err(Box::new(syntax_diagnostic(file, &e, *n))),
            }
        };
        // A handful of lines (`convert` reads one line at a time) is not worth handing to
        // other threads.
        let parsed: Vec<Parsed> = if chunk.len() < 64 {
            chunk.iter().map(read).collect()
        } else {
            chunk.par_iter().map(read).collect()
        };
        for result in parsed {
            match result {
                Ok((entry, found)) => {
                    let index = entries.len();
                    findings.extend(found.into_iter().map(|d| d.retarget(index)));
                    entries.push(entry);
                }
                Err(d) => findings.push(*d),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_text() {
        let v =
            parse(r#"{"a": 1.100, "b": 12345678901234567890123, "c": -0.0, "d": 14e12}"#).unwrap();
        assert_eq!(v["a"].to_string(), "1.100");
        assert_eq!(v["b"].to_string(), "12345678901234567890123");
        assert_eq!(v["c"].to_string(), "-0.0");
        // serde_json writes an exponent with its sign: the same number, every digit kept.
        assert_eq!(v["d"].to_string(), "14e+12");
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let e = parse(
            r#"{"id": "a",
  "id": "b"}"#,
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("duplicate key `id`"), "{e}");
        assert_eq!(e.line(), 2);
        assert!(parse(r#"[{"a": {"x": 1, "x": 2}}]"#).is_err());
        assert!(parse(r#"[{"a": 1}, {"a": 2}]"#).is_ok());
    }

    /// A finding in every record of a large array file. Resolved from the top of the file,
    /// as before, each finding skipped every record before its own: 20,000 × 0.9 MB read
    /// on average, minutes in a debug build. Anchored at their elements, each reads its own.
    #[test]
    fn a_finding_in_every_record_of_an_array_file_is_placed_in_linear_time() {
        use crate::diagnostic::Target;
        use crate::load::{Dataset, Format};
        let n = 20_000;
        let records: Vec<String> = (0..n)
            .map(|i| {
                format!(r#"  {{"kind": "entity", "id": "e{i}", "type": "person", "nmae": "N{i}"}}"#)
            })
            .collect();
        // Pretty, one record a line; and minified, every record on one line.
        for (text, one_line) in [
            (format!("[\n{}\n]\n", records.join(",\n")), false),
            (format!("[{}]", records.join(",")), true),
        ] {
            let file = SourceFile::new("big.json".into(), None, text, Format::Json);
            let mut dataset = Dataset::default();
            let mut findings = Vec::new();
            load_json(0, &file, &mut dataset.entries, &mut findings);
            assert!(findings.is_empty(), "{findings:?}");
            assert_eq!(dataset.entries.len(), n);
            let text = file.text().to_owned();
            dataset.files.push(file);
            for (i, entry) in dataset.entries.iter().enumerate() {
                let Anchor::Json { range, prefix } = &entry.anchor else {
                    panic!("not a JSON anchor")
                };
                assert_eq!(prefix, "", "record {i}");
                assert_eq!(&text[range.clone()], records[i].trim_start(), "record {i}");
            }
            for (i, record) in records.iter().enumerate() {
                let target = Target {
                    entry: i,
                    pointer: "/nmae".into(),
                };
                let l = dataset.locate(&target).unwrap();
                assert_eq!(&text[l.span.clone()], format!("\"N{i}\""), "record {i}");
                if !one_line {
                    let column = record.find("\"N").unwrap() + 1;
                    assert_eq!((l.line, l.column), (i + 2, column), "record {i}");
                }
            }
        }
    }

    #[test]
    fn rejects_what_json_does_not_allow() {
        for bad in [
            "[1,]",
            "{\"a\": NaN}",
            "[Infinity]",
            "{'a': 1}",
            "[1] [2]",
            "",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
