//! The one validator wrapper and the one conversion of jsonschema's errors into
//! [`Violation`]s, for the bundled schemas and user schemas alike.
//!
//! [`Checker::violations`] asks jsonschema's `is_valid` first (no error is built for the
//! common valid record), and only then walks `iter_errors`; the violations come back sorted
//! by instance path and message, without duplicates, because jsonschema reports in schema
//! order. [`violation`] words an error in the [`Voice`] of its schema: a bundled kind's
//! errors speak of fields and `factkit schema KIND`, a user schema's of properties and the
//! place of the constraint in that schema.
//!
//! This module compiles nothing and reads no file: it is handed a built validator.

use jsonschema::error::ValidationErrorKind;
use jsonschema::Validator;
use serde_json::Value;

use super::suggest::{closest, fields_at};
use super::{brief, names, Violation, LISTED};
use crate::model::{Kind, PartialDate, Period};

/// Whose words a schema's errors are put in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Voice {
    /// A bundled kind's schema: fields, kinds, `factkit schema KIND`.
    Bundled(Kind),
    /// A user's schema: properties, and where in the schema the constraint is.
    User,
}

/// A compiled schema and the voice its errors are worded in.
pub struct Checker {
    validator: Validator,
    voice: Voice,
}

impl Checker {
    /// Wraps a compiled validator.
    pub fn new(validator: Validator, voice: Voice) -> Checker {
        Checker { validator, voice }
    }

    /// Whether `value` is valid (no error is built).
    pub fn is_valid(&self, value: &Value) -> bool {
        self.validator.is_valid(value)
    }

    /// The violations of `value`, sorted by place and message, without duplicates.
    pub fn violations(&self, value: &Value) -> Vec<Violation> {
        if self.validator.is_valid(value) {
            return Vec::new();
        }
        let mut violations: Vec<Violation> = self
            .validator
            .iter_errors(value)
            .map(|e| violation(self.voice, &e))
            .collect();
        if let Voice::Bundled(_) = self.voice {
            // A malformed date fails both its `pattern` and its `format`; the format says more.
            // A link that is not http(s) and not a URI either: the scheme says more.
            let pointers = |keyword: &str, link: bool| -> Vec<String> {
                violations
                    .iter()
                    .filter(|v| v.keyword == keyword && is_link(v) == link)
                    .map(|v| v.pointer.clone())
                    .collect()
            };
            let formats = pointers("format", false);
            let links = pointers("pattern", true);
            violations.retain(|v| match v.keyword.as_str() {
                "pattern" => is_link(v) || !formats.contains(&v.pointer),
                "format" => !links.contains(&v.pointer),
                _ => true,
            });
        }
        violations.sort_by(|a, b| {
            a.pointer
                .cmp(&b.pointer)
                .then_with(|| a.message.cmp(&b.message))
        });
        violations.dedup();
        violations
    }
}

/// A readable violation from a jsonschema error, in `voice`.
pub fn violation(voice: Voice, error: &jsonschema::ValidationError<'_>) -> Violation {
    match voice {
        Voice::Bundled(kind) => bundled(kind, error),
        Voice::User => user(error),
    }
}

/// The pointer of the first unknown property under the object at `pointer`.
fn first_unknown(pointer: &str, unexpected: &[String]) -> String {
    let first = unexpected.first().cloned().unwrap_or_default();
    format!("{pointer}/{}", first.replace('~', "~0").replace('/', "~1"))
}

/// A violation of a user schema, in terms of that schema: the keyword, where in the schema it
/// is, and the value found. `required` and `additionalProperties` point at the property
/// concerned; everything else keeps jsonschema's own wording, unless it is long.
fn user(error: &jsonschema::ValidationError<'_>) -> Violation {
    let pointer = error.instance_path().as_str().to_owned();
    let keyword = error.kind().keyword().to_owned();
    let schema_path = error.schema_path().as_str().to_owned();
    let constraint = format!("the `{keyword}` constraint at `#{schema_path}` of the schema");
    match error.kind() {
        ValidationErrorKind::Required { property } => {
            let name = property
                .as_str()
                .map_or_else(|| property.to_string(), str::to_owned);
            Violation {
                pointer,
                keyword,
                message: format!("missing required property `{name}`"),
                expected: Some(format!("the property `{name}` ({constraint})")),
                found: None,
            }
        }
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => Violation {
            pointer: first_unknown(&pointer, unexpected),
            keyword,
            message: format!("property {} is not allowed", names(unexpected)),
            expected: Some(constraint),
            found: None,
        },
        _ => {
            let mut message = error.to_string();
            if message.chars().count() > 200 {
                message = format!(
                    "{} fails the `{keyword}` constraint",
                    brief(error.instance())
                );
            }
            Violation {
                pointer,
                keyword,
                message,
                expected: Some(constraint),
                found: Some(brief(error.instance())),
            }
        }
    }
}

/// A violation of a bundled schema, in the words of the kind `kind`.
fn bundled(kind: Kind, error: &jsonschema::ValidationError<'_>) -> Violation {
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
            let parent = pointer;
            let pointer = first_unknown(&parent, unexpected);
            let names = names(unexpected);
            let what = if pointer.matches('/').count() == 1 {
                a_kind(kind)
            } else {
                "this object".into()
            };
            let hint = unknown_field_hint(kind, &parent, instance, unexpected);
            (
                pointer,
                format!("unknown field {names}: {what} does not have it{hint}"),
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
            let allowed: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
            let hint = instance
                .as_str()
                .and_then(|s| closest(s, &allowed))
                .map_or_else(String::new, |near| format!("; did you mean `{near}`?"));
            (
                pointer,
                format!("{} is not {expected}{hint}", brief(instance)),
                Some(expected),
                found,
            )
        }
        ValidationErrorKind::Type { kind: types }
            if instance.is_number() && wants_string(types) =>
        {
            let text = instance.to_string();
            (
                pointer,
                format!(
                    "{} is a number, but `{field}` is text; did you mean `\"{text}\"` (in quotes)?",
                    brief(instance)
                ),
                Some("a string, written in quotes".into()),
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
            } else if pattern == LINK_PATTERN {
                (
                    format!("{value} is not an http(s) link"),
                    LINK_EXPECTED.to_owned(),
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
const LINK_PATTERN: &str = "^[Hh][Tt][Tt][Pp][Ss]?://";
const LINK_EXPECTED: &str =
    "a URL that starts with `http://` or `https://`, such as `https://example.org/report`";

/// Whether a violation is a bundled link's scheme check.
fn is_link(v: &Violation) -> bool {
    v.keyword == "pattern" && v.expected.as_deref() == Some(LINK_EXPECTED)
}
const DECIMAL_PATTERN: &str = r"^-?[0-9]+(\.[0-9]+)?$";
/// The pattern of a source's `archive` in `schemas/source.json`: no leading `/` or `\`, no
/// drive letter.
const ARCHIVE_PATTERN: &str = r"^([^/\\A-Za-z]|[A-Za-z]([^:]|$))";

/// Whether a `type` constraint allows strings.
fn wants_string(types: &jsonschema::error::TypeKind) -> bool {
    use jsonschema::error::TypeKind;
    use jsonschema::JsonType;
    match types {
        TypeKind::Single(t) => *t == JsonType::String,
        TypeKind::Multiple(set) => set.contains(JsonType::String),
    }
}

/// "; did you mean `affiliation`?" for unknown fields close to a field the object at
/// `parent` may have and does not: one name, or pairs for several (at most [`LISTED`]).
fn unknown_field_hint(kind: Kind, parent: &str, object: &Value, unexpected: &[String]) -> String {
    let present = |name: &str| object.get(name).is_some();
    let allowed: Vec<&str> = fields_at(kind, parent)
        .into_iter()
        .filter(|f| !present(f))
        .collect();
    let pairs: Vec<(&String, &str)> = unexpected
        .iter()
        .take(LISTED)
        .filter_map(|u| closest(u, &allowed).map(|near| (u, near)))
        .collect();
    match pairs.as_slice() {
        [] => String::new(),
        [(_, near)] if unexpected.len() == 1 => format!("; did you mean `{near}`?"),
        _ => format!(
            "; did you mean {}?",
            pairs
                .iter()
                .map(|(u, near)| format!("`{near}` for `{u}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

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
