//! The bundled JSON Schemas: embedded, compiled once, and their errors turned into diagnostics.
//!
//! Each kind has a draft 2020-12 schema in `schemas/` with an `$id` under
//! `https://schemas.factkit.example/v1/`; the ids are names, never fetched. All schemas are
//! registered in one offline registry (jsonschema is built without its HTTP resolver), so
//! relative `$ref`s such as `defs.json#/$defs/quantity` resolve with no network and no file
//! paths. Two custom formats check what a pattern cannot: `factkit-date` (the calendar) and
//! `factkit-period` (both ends and their order).
//!
//! jsonschema reports errors in schema order; [`Schemas::validate`] returns them sorted by
//! instance path so that output is stable and follows the document.

pub mod file;
pub mod user;

use jsonschema::error::ValidationErrorKind;
use jsonschema::{Draft, Validator};
use serde_json::Value;

use crate::diagnostic::{Diagnostic, Severity};
use crate::error::Error;
use crate::model::{Kind, PartialDate, Period};

const BASE: &str = "https://schemas.factkit.example/v1/";

/// The bundled schema files: name and text.
pub const FILES: [(&str, &str); 9] = [
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
];

/// The text of a bundled schema: a kind's, or `record` (any record) for `None`.
pub fn bundled_text(kind: Option<Kind>) -> &'static str {
    let name = kind.map_or("record", Kind::as_str);
    FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, text)| text)
}

/// The custom format checks factkit registers with every validator.
pub fn with_formats<'i>(
    options: jsonschema::ValidationOptions<'i>,
) -> jsonschema::ValidationOptions<'i> {
    options
        .with_format("factkit-date", |s: &str| PartialDate::parse(s).is_ok())
        .with_format("factkit-period", |s: &str| Period::parse(s).is_ok())
        .should_validate_formats(true)
}

/// The compiled bundled schemas, one validator per kind.
pub struct Schemas {
    validators: Vec<(Kind, Validator)>,
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
                .with_registry(&registry)
                .build(&schema)
                .map_err(|e| Error::Schema {
                    name: format!("{kind}.json"),
                    message: e.to_string(),
                })?;
            validators.push((kind, validator));
        }
        Ok(Schemas { validators })
    }

    fn validator(&self, kind: Kind) -> Option<&Validator> {
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
                    return (
                        None,
                        vec![Violation {
                            pointer: "/kind".into(),
                            keyword: "enum".into(),
                            message: format!("{} is not a kind of record", brief(k)),
                            expected: Some(format!("one of {kinds}")),
                            found: Some(brief(k)),
                        }],
                    )
                }
            },
        };
        let Some(validator) = self.validator(kind) else {
            return (Some(kind), Vec::new());
        };
        if validator.is_valid(value) {
            return (Some(kind), Vec::new());
        }
        let mut violations: Vec<Violation> = validator
            .iter_errors(value)
            .map(|e| violation(kind, &e))
            .collect();
        // A malformed date fails both its `pattern` and its `format`; the format says more.
        let formats: Vec<String> = violations
            .iter()
            .filter(|v| v.keyword == "format")
            .map(|v| v.pointer.clone())
            .collect();
        violations.retain(|v| !(v.keyword == "pattern" && formats.contains(&v.pointer)));
        violations.sort_by(|a, b| {
            a.pointer
                .cmp(&b.pointer)
                .then_with(|| a.message.cmp(&b.message))
        });
        violations.dedup();
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

/// A readable violation from a jsonschema error.
pub fn violation(kind: Kind, error: &jsonschema::ValidationError<'_>) -> Violation {
    let pointer = error.instance_path().as_str().to_owned();
    let instance = error.instance();
    let keyword = error.kind().keyword().to_owned();
    let found = Some(brief(instance));
    let field = pointer.rsplit('/').next().unwrap_or("").to_owned();
    let field = field.as_str();
    let (pointer, message, expected, found) = match error.kind() {
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or("");
            (
                pointer,
                format!("missing required field `{name}`"),
                Some(format!("a `{name}` field")),
                None,
            )
        }
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            let first = unexpected.first().cloned().unwrap_or_default();
            let pointer = format!("{pointer}/{}", first.replace('~', "~0").replace('/', "~1"));
            let names = names(unexpected);
            let what = if pointer.matches('/').count() == 1 {
                a_kind(kind)
            } else {
                "this object".into()
            };
            (
                pointer,
                format!("unknown field {names}: {what} does not have it"),
                Some(format!("the fields listed by `factkit schema {kind}`")),
                None,
            )
        }
        ValidationErrorKind::Enum { options } => {
            let list = options.as_array().map(Vec::as_slice).unwrap_or_default();
            let expected = if field == "currency" || field == "base" || field == "quote" {
                "an ISO 4217 currency code such as `USD`, `EUR`, `KZT`".to_owned()
            } else if field == "country" {
                "an ISO 3166-1 alpha-2 country code such as `KZ`".to_owned()
            } else if list.len() <= 12 {
                format!(
                    "one of {}",
                    list.iter().map(brief).collect::<Vec<_>>().join(", ")
                )
            } else {
                format!(
                    "one of {} values listed in `factkit schema {kind}`",
                    list.len()
                )
            };
            (
                pointer,
                format!("{} is not {expected}", brief(instance)),
                Some(expected),
                found,
            )
        }
        ValidationErrorKind::Format { format } => {
            let text = instance.as_str().unwrap_or("");
            let why = match format.as_str() {
                "factkit-date" => PartialDate::parse(text).err().map(|e| e.to_string()),
                "factkit-period" => Period::parse(text).err().map(|e| e.to_string()),
                _ => None,
            };
            let expected = match format.as_str() {
                "factkit-date" => {
                    "a date `YYYY`, `YYYY-MM` or `YYYY-MM-DD` that exists in the calendar"
                        .to_owned()
                }
                "factkit-period" => {
                    "a date, or a range `start/end` with start before end".to_owned()
                }
                other => format!("a valid `{other}`"),
            };
            let message =
                why.unwrap_or_else(|| format!("{} is not a valid `{format}`", brief(instance)));
            (pointer, message, Some(expected), found)
        }
        ValidationErrorKind::OneOfNotValid { .. }
        | ValidationErrorKind::OneOfMultipleValid { .. } => {
            let choice = one_of_choice(kind, &pointer);
            let multiple = matches!(error.kind(), ValidationErrorKind::OneOfMultipleValid { .. });
            let holder = if pointer.is_empty() {
                a_kind(kind)
            } else {
                "a quantity".to_owned()
            };
            let message = match (&choice, multiple) {
                (Some((a, b)), true) => {
                    format!("both `{a}` and `{b}` are given: {holder} has exactly one of them")
                }
                (Some((a, b)), false) => {
                    format!("missing `{a}` or `{b}`: exactly one of them is required")
                }
                (None, _) => error.to_string(),
            };
            let expected = choice.map(|(a, b)| format!("exactly one of `{a}` or `{b}`"));
            (pointer, message, expected, None)
        }
        ValidationErrorKind::Pattern { pattern } => {
            let value = brief(instance);
            let (message, expected) = if pattern == ID_PATTERN {
                (
                    format!("{value} is not a valid id"),
                    "lower-case letters, digits, `.`, `_` and `-`, starting with a letter or digit"
                        .to_owned(),
                )
            } else if pattern == DECIMAL_PATTERN {
                (
                    format!("{value} is not a decimal number"),
                    "digits with an optional `-` and `.` decimal point, no thousands separators: `26.2`, `224000`".to_owned(),
                )
            } else if pattern == ARCHIVE_PATTERN {
                (
                    format!("{value} is an absolute path: an `archive` is named relative to the dataset root"),
                    "a path relative to the dataset root, with `/` between folders, such as `archives/article.txt`".to_owned(),
                )
            } else if field == "rate" {
                (
                    format!("{value} is not a positive rate"),
                    "a decimal above zero, such as `470.5`".to_owned(),
                )
            } else {
                (
                    format!("{value} does not match the pattern `{pattern}`"),
                    format!("a value matching `{pattern}`"),
                )
            };
            (pointer, message, Some(expected), found)
        }
        ValidationErrorKind::MinLength { limit: 1 } => (
            pointer,
            format!("`{field}` is empty"),
            Some("a non-empty string".into()),
            found,
        ),
        _ => {
            let mut message = error.to_string();
            if message.len() > 200 {
                message = format!(
                    "{} fails the `{keyword}` constraint of the {kind} schema",
                    brief(instance)
                );
            }
            (
                pointer,
                message,
                Some(format!(
                    "see the `{keyword}` constraint in `factkit schema {kind}`"
                )),
                found,
            )
        }
    };
    Violation {
        pointer,
        keyword,
        message,
        expected,
        found,
    }
}

const ID_PATTERN: &str = "^[a-z0-9][a-z0-9._-]*$";
const DECIMAL_PATTERN: &str = r"^-?[0-9]+(\.[0-9]+)?$";
/// The pattern of a source's `archive` in `schemas/source.json`: no leading `/` or `\`, no
/// drive letter.
const ARCHIVE_PATTERN: &str = r"^([^/\\A-Za-z]|[A-Za-z]([^:]|$))";

/// "a statistic", "an entity", "an exchange rate".
fn a_kind(kind: Kind) -> String {
    let noun = kind.as_str().replace('_', " ");
    let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {noun}")
}

/// The two fields an "exactly one of" constraint at `pointer` chooses between.
fn one_of_choice(kind: Kind, pointer: &str) -> Option<(&'static str, &'static str)> {
    match (kind, pointer) {
        (Kind::Statement, "") => Some(("quote", "paraphrase")),
        (Kind::ExchangeRate, "") => Some(("on", "period")),
        (_, p) if p.ends_with("/value") || p.contains("/equivalents/") => {
            Some(("currency", "unit"))
        }
        _ => None,
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
