//! The bundled JSON Schemas: embedded, compiled once, and their errors turned into diagnostics.
//!
//! Each kind has a draft 2020-12 schema in `schemas/`, with `record.json` (any record) and
//! `file.json` (a file of records: an array of records or one) beside them. The files have no
//! `$id`: every `$ref` is a file name such as `defs.json#/$defs/quantity`, resolved beside the
//! file that holds it, so the same files work outside factkit (an editor, check-jsonschema,
//! `factkit check --schema`) from any folder, offline. Here they are registered in one
//! offline registry under `https://schemas.factkit.example/v1/` (a name, never fetched:
//! jsonschema is built without its HTTP resolver), and each is compiled with its own name as
//! base URI, so the relative `$ref`s resolve with no network and no file paths. Two custom formats check what a pattern cannot: `factkit-date` (the calendar) and
//! `factkit-period` (both ends and their order).
//!
//! jsonschema reports errors in schema order; [`Schemas::validate`] returns them sorted by
//! instance path so that output is stable and follows the document.

pub mod file;
pub mod suggest;
pub mod user;
pub mod validator;

use jsonschema::Draft;
use serde_json::Value;

pub use validator::{Checker, Voice};

use crate::diagnostic::{Diagnostic, Severity};
use crate::error::Error;
use crate::model::{Kind, PartialDate, Period};

const BASE: &str = "https://schemas.factkit.example/v1/";

/// The bundled schema files: name and text.
pub const FILES: [(&str, &str); 10] = [
    ("defs", include_str!("../schemas/defs.json")),
    ("entity", include_str!("../schemas/entity.json")),
    ("source", include_str!("../schemas/source.json")),
    ("statement", include_str!("../schemas/statement.json")),
    ("proposal", include_str!("../schemas/proposal.json")),
    ("statistic", include_str!("../schemas/statistic.json")),
    (
        "exchange_rate",
        include_str!("../schemas/exchange_rate.json"),
    ),
    ("review", include_str!("../schemas/review.json")),
    ("record", include_str!("../schemas/record.json")),
    ("file", include_str!("../schemas/file.json")),
];

/// The text of the bundled schema file `name` (`statistic`, `defs`, `record`, `file`…).
pub fn bundled_file(name: &str) -> Option<&'static str> {
    FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

/// The bundled schema files as they are placed in a folder `dir`: `dir/NAME.json` and text.
/// `factkit schema --write` and `factkit init` both place them with this.
pub fn files_in(dir: &std::path::Path) -> Vec<(std::path::PathBuf, &'static str)> {
    FILES
        .iter()
        .map(|(name, text)| (dir.join(format!("{name}.json")), *text))
        .collect()
}

/// Writes every bundled schema file into `dir` as `NAME.json` (creating `dir`), each
/// atomically; returns the paths written. Files already there are replaced.
pub fn write_all(dir: &std::path::Path) -> Result<Vec<std::path::PathBuf>, Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::Write {
        path: dir.to_path_buf(),
        source: e,
    })?;
    let files = files_in(dir);
    let paths: Vec<_> = files.iter().map(|(p, _)| p.clone()).collect();
    crate::atomic::write_files(&paths, |i, out| out.write_all(files[i].1.as_bytes()))?;
    Ok(paths)
}

/// The text of a bundled schema: a kind's, or `record` (any record) for `None`.
pub fn bundled_text(kind: Option<Kind>) -> &'static str {
    let name = kind.map_or("record", Kind::as_str);
    FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, text)| text)
}

/// The custom format checks factkit registers with every validator: `factkit-date` and
/// `factkit-period`. Whether formats are asserted is the caller's choice.
pub fn with_formats<'i>(
    options: jsonschema::ValidationOptions<'i>,
) -> jsonschema::ValidationOptions<'i> {
    options
        .with_format("factkit-date", |s: &str| PartialDate::parse(s).is_ok())
        .with_format("factkit-period", |s: &str| Period::parse(s).is_ok())
}

/// The compiled bundled schemas, one validator per kind.
pub struct Schemas {
    validators: Vec<(Kind, Checker)>,
}

/// One schema violation inside a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// JSON Pointer of the offending value inside the record.
    pub pointer: String,
    /// The keyword that failed (`required`, `enum`, `format`…).
    pub keyword: String,
    /// One line for the user.
    pub message: String,
    /// The constraint, briefly.
    pub expected: Option<String>,
    /// The value found, briefly.
    pub found: Option<String>,
}

impl Violation {
    /// The violation as a `schema` diagnostic aimed at `entry`.
    pub fn into_diagnostic(self, entry: usize) -> Diagnostic {
        let mut d =
            Diagnostic::new("schema", Severity::Error, self.message).at(entry, self.pointer);
        if let Some(e) = self.expected {
            d = d.expected(e);
        }
        if let Some(f) = self.found {
            d = d.found(f);
        }
        d
    }
}

fn parse_bundled(name: &str, text: &str) -> Result<Value, Error> {
    serde_json::from_str(text).map_err(|e| Error::Schema {
        name: format!("{name}.json"),
        message: e.to_string(),
    })
}

impl Schemas {
    /// Compiles the bundled schemas.
    pub fn bundled() -> Result<Schemas, Error> {
        let mut resources = Vec::new();
        for (name, text) in FILES {
            let value = parse_bundled(name, text)?;
            resources.push((
                format!("{BASE}{name}.json"),
                jsonschema::Resource::from_contents(value),
            ));
        }
        let registry = jsonschema::Registry::new()
            .extend(resources)
            .and_then(|b| b.prepare())
            .map_err(|e| Error::Schema {
                name: "bundled".into(),
                message: e.to_string(),
            })?;
        let mut validators = Vec::new();
        for kind in Kind::ALL {
            let schema = parse_bundled(kind.as_str(), bundled_text(Some(kind)))?;
            let validator = with_formats(jsonschema::options().with_draft(Draft::Draft202012))
                .with_base_uri(format!("{BASE}{kind}.json"))
                .should_validate_formats(true)
                .with_registry(&registry)
                .build(&schema)
                .map_err(|e| Error::Schema {
                    name: format!("{kind}.json"),
                    message: e.to_string(),
                })?;
            validators.push((kind, Checker::new(validator, Voice::Bundled(kind))));
        }
        Ok(Schemas { validators })
    }

    fn validator(&self, kind: Kind) -> Option<&Checker> {
        self.validators
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, v)| v)
    }

    /// Checks a record: its `kind` first, then the kind's schema. Returns the kind when it
    /// is known, and the violations in document order.
    pub fn validate(&self, value: &Value) -> (Option<Kind>, Vec<Violation>) {
        let Some(object) = value.as_object() else {
            return (
                None,
                vec![Violation {
                    pointer: String::new(),
                    keyword: "type".into(),
                    message: format!("a record must be a JSON object, found {}", type_name(value)),
                    expected: Some("an object with `kind` and `id`".into()),
                    found: Some(brief(value)),
                }],
            );
        };
        let kinds = Kind::ALL.map(Kind::as_str).join(", ");
        let kind = match object.get("kind") {
            None => {
                return (
                    None,
                    vec![Violation {
                        pointer: String::new(),
                        keyword: "required".into(),
                        message: "missing required field `kind`".into(),
                        expected: Some(format!("one of {kinds}")),
                        found: None,
                    }],
                )
            }
            Some(k) => match k.as_str().and_then(Kind::parse) {
                Some(kind) => kind,
                None => {
                    let hint = k
                        .as_str()
                        .and_then(|s| suggest::closest(s, &Kind::ALL.map(Kind::as_str)))
                        .map_or_else(String::new, |near| format!("; did you mean `{near}`?"));
                    return (
                        None,
                        vec![Violation {
                            pointer: "/kind".into(),
                            keyword: "enum".into(),
                            message: format!("{} is not a kind of record{hint}", brief(k)),
                            expected: Some(format!("one of {kinds}")),
                            found: Some(brief(k)),
                        }],
                    );
                }
            },
        };
        let Some(validator) = self.validator(kind) else {
            return (Some(kind), Vec::new());
        };
        let violations = validator.violations(value);
        (Some(kind), violations)
    }
}

/// How many characters of a value [`brief`] shows.
const BRIEF_CHARS: usize = 60;

/// How many names a message lists (unknown fields); the rest are counted.
pub const LISTED: usize = 10;

/// A short rendering of a JSON value for messages: strings in backticks, long values cut,
/// a long number shortened to its first and last digits. Only what is shown is written out,
/// so an object of a million keys costs no more than a small one.
pub fn brief(value: &Value) -> String {
    let text = match value {
        Value::String(s) => cut(s, BRIEF_CHARS),
        Value::Number(n) => crate::model::decimal::abbreviate(n.as_str()).into_owned(),
        other => {
            let mut head = Head(String::new());
            // Stops with an error once enough is written; what was written is kept.
            let _ = serde_json::to_writer(&mut head, other);
            cut(&head.0, BRIEF_CHARS)
        }
    };
    format!("`{text}`")
}

/// At most `chars` characters of `text`, with `…` when it was longer.
fn cut(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// A writer that keeps the first few hundred bytes and then refuses more.
struct Head(String);

impl std::io::Write for Head {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.len() > BRIEF_CHARS * 4 {
            return Err(std::io::Error::other("enough"));
        }
        self.0.push_str(&String::from_utf8_lossy(buf));
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Names for a message, each in backticks and cut to a readable length, at most [`LISTED`]
/// of them and a count of the rest: `` `a`, `b` and 12 more ``.
pub fn names(names: &[String]) -> String {
    let mut out = names
        .iter()
        .take(LISTED)
        .map(|n| format!("`{}`", cut(n, BRIEF_CHARS)))
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > LISTED {
        out.push_str(&format!(
            " and {} more",
            crate::limits::thousands((names.len() - LISTED) as u64)
        ));
    }
    out
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bundled_schemas_compile() {
        Schemas::bundled().unwrap();
    }

    #[test]
    fn messages_name_the_field() {
        let schemas = Schemas::bundled().unwrap();
        let (kind, v) = schemas.validate(
            &json!({"kind": "statistic", "id": "x", "label": "l", "source": "s",
            "value": {"amount": "1", "currency": "KZ"}}),
        );
        assert_eq!(kind, Some(Kind::Statistic));
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(v[0].pointer, "/value/currency");
        let (_, v) = schemas.validate(
            &json!({"kind": "source", "id": "x", "title": "t", "published": "2025-09-31"}),
        );
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(v[0].message, "`2025-09-31` is not a day of the calendar");
        let (_, v) = schemas.validate(&json!({"kind": "entity", "id": "x", "type": "person"}));
        assert_eq!(v[0].message, "missing required field `name`");
        let (_, v) = schemas.validate(&json!({"kind": "thing", "id": "x"}));
        assert_eq!(v[0].pointer, "/kind");
    }

    /// Issue 16: every URL field of the bundled schemas takes http(s) links only.
    #[test]
    fn links_are_http_or_https() {
        let schemas = Schemas::bundled().unwrap();
        let source = |url: &str| json!({"kind": "source", "id": "s", "title": "T", "url": url});
        for url in ["https://example.org/a", "HTTP://example.org/"] {
            let (_, v) = schemas.validate(&source(url));
            assert!(v.is_empty(), "{url}: {v:?}");
        }
        for url in [
            "javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "file:///etc/passwd",
        ] {
            let (_, v) = schemas.validate(&source(url));
            assert_eq!(v.len(), 1, "{url}: {v:?}");
            assert_eq!(v[0].pointer, "/url");
            assert!(v[0].message.ends_with("is not an http(s) link"), "{v:?}");
            assert!(v[0].expected.as_deref().unwrap().contains("`https://`"));
        }
        let (_, v) = schemas.validate(&json!({"kind": "entity", "id": "e", "type": "person",
            "name": "N", "same_as": ["https://www.wikidata.org/wiki/Q1", "javascript:void(0)"]}));
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(v[0].pointer, "/same_as/1");
        let (_, v) = schemas.validate(&json!({"kind": "review", "id": "r", "statement": "s",
            "rating": "false", "reviewed": "2025", "url": "data:,x"}));
        assert!(
            v.iter()
                .any(|v| v.pointer == "/url" && v.message.contains("http(s) link")),
            "{v:?}"
        );
    }

    /// A record with a hundred thousand unknown fields gets one message of ten names.
    #[test]
    fn unknown_fields_are_listed_up_to_ten() {
        let schemas = Schemas::bundled().unwrap();
        let mut record = json!({"kind": "entity", "id": "x", "type": "person", "name": "N"});
        let map = record.as_object_mut().unwrap();
        for i in 0..100_000 {
            map.insert(format!("k{i}"), json!(1));
        }
        map.insert("z".repeat(1000), json!(1));
        let (_, v) = schemas.validate(&record);
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(
            v[0].message,
            "unknown field `k0`, `k1`, `k2`, `k3`, `k4`, `k5`, `k6`, `k7`, `k8`, `k9` and 99,991 more: an entity does not have it"
        );
        assert_eq!(v[0].pointer, "/k0");
        assert!(brief(&record).len() < 300, "{}", brief(&record));
        let long = json!(["x".repeat(100)]);
        assert_eq!(brief(&long), format!("`[\"{}…`", "x".repeat(58)));
        let number: Value = serde_json::from_str(&"9".repeat(5000)).unwrap();
        assert_eq!(brief(&number), "`999999999999…999999999999 (5,000 digits)`");
    }
}
