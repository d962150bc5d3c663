//! Resource ceilings: how large a file, how deep a record and how long a string factkit
//! reads, and how many findings it prints.
//!
//! A hostile or broken file must not exhaust memory or time. Each ceiling has a default, is
//! set in `factkit.toml` under `[limits]` (and `max_diagnostics` also with
//! `--max-diagnostics`), and a run that goes over one says which ceiling it hit and how to
//! raise it:
//!
//! | key | default | what happens over it |
//! |---|---|---|
//! | `max_file_size` | 104857600 (100 MiB) | the file is not read: a `limit` error at the file; the rest of the dataset is checked. Standard input and `convert`'s input are held to it too, while they are read: reading stops one byte past it |
//! | `max_depth` | 128 (also the most allowed) | the record is not checked: a `limit` error at the deepest value |
//! | `max_string_length` | 10485760 (10 MiB, in bytes) | the record is not checked: a `limit` error at the string |
//! | `max_diagnostics` | 1000 (0: no ceiling) | findings past it are not printed; a line says how many, and the summary and the exit code count them all |
//!
//! `max_depth` cannot go above 128: serde_json refuses JSON nested deeper (a syntax error),
//! and the YAML loader follows it. This module decides and words the findings; the loader
//! calls [`Limits::file_size`] before reading a file ([`Limits::stream_size`] when reading
//! passes the ceiling) and [`Limits::check_records`] after,
//! and the binary calls [`Limits::shown`] to cut the printed list. It does not read files or
//! print.

use std::fmt::Write as _;
use std::ops::Range;

use serde::Deserialize;
use serde_json::Value;
use toml::Spanned;

use crate::diagnostic::{Diagnostic, Location, Severity, Target};
use crate::load::Dataset;

/// The deepest nesting any loader accepts.
pub const DEPTH_CEILING: usize = 128;

/// The resource ceilings of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest file read, in bytes.
    pub max_file_size: u64,
    /// Deepest nesting of arrays and objects in a record (the record itself is depth 1).
    pub max_depth: usize,
    /// Longest string (value or key) in a record, in bytes of UTF-8.
    pub max_string_length: usize,
    /// Most findings printed; 0 prints them all.
    pub max_diagnostics: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_size: 100 * 1024 * 1024,
            max_depth: DEPTH_CEILING,
            max_string_length: 10 * 1024 * 1024,
            max_diagnostics: 1000,
        }
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl Limits {
    /// A `limit` finding when a file of `size` bytes is over `max_file_size`, placed at the
    /// start of the file named `name`.
    pub fn file_size(&self, name: &str, size: u64) -> Option<Diagnostic> {
        (size > self.max_file_size).then(|| {
            Diagnostic::new(
                "limit",
                Severity::Error,
                format!(
                    "the file is {} bytes, over the ceiling of {} bytes (`max_file_size`); it was not read",
                    thousands(size),
                    thousands(self.max_file_size)
                ),
            )
            .help("raise it in factkit.toml: `[limits]` `max_file_size = BYTES`, or split the file")
            .with_location(start_of(name))
        })
    }

    /// The `limit` finding for an input whose size is only known by reading it (standard
    /// input, a pipe, a file that grew since it was measured) that went past
    /// `max_file_size`: reading stopped one byte past the ceiling. Placed at the start of
    /// `name` (`-` for standard input).
    pub fn stream_size(&self, name: &str) -> Diagnostic {
        let what = if name == "-" {
            "standard input"
        } else {
            "the file"
        };
        Diagnostic::new(
            "limit",
            Severity::Error,
            format!(
                "{what} is over the ceiling of {} bytes (`max_file_size`); reading stopped at the ceiling, and none of it is used",
                thousands(self.max_file_size)
            ),
        )
        .help("raise it in factkit.toml: `[limits]` `max_file_size = BYTES`, or split the input")
        .with_location(start_of(name))
    }

    /// Checks the records `from..` of `dataset` (those of the file just read) against
    /// `max_depth` and `max_string_length`. A record over a ceiling gets a `limit` finding at
    /// the offending value and is taken out of the dataset, so no rule spends time on it.
    pub fn check_records(
        &self,
        dataset: &mut Dataset,
        from: usize,
        findings: &mut Vec<Diagnostic>,
    ) {
        let mut over = Vec::new();
        for i in from..dataset.entries.len() {
            let mut pointer = String::new();
            if let Some(problem) = self.walk(&dataset.entries[i].value, 1, &mut pointer) {
                let target = Target { entry: i, pointer };
                let location = dataset.locate(&target);
                let mut d =
                    Diagnostic::new("limit", Severity::Error, problem.message).help(problem.help);
                d.location = location;
                d.record = dataset.entries[i].id.clone();
                findings.push(d);
                over.push(i);
            }
        }
        for i in over.into_iter().rev() {
            dataset.entries.remove(i);
        }
    }

    /// The finding for a record over a ceiling, aimed at the offending value of entry 0 (the
    /// loader's prepare step re-aims it at the record's index), or `None` when it is within
    /// every ceiling. A record over a ceiling is kept but not checked.
    pub fn check_value(&self, value: &Value) -> Option<Diagnostic> {
        let mut pointer = String::new();
        let problem = self.walk(value, 1, &mut pointer)?;
        Some(
            Diagnostic::new("limit", Severity::Error, problem.message)
                .help(problem.help)
                .at(0, pointer),
        )
    }

    /// The first value in `value` over a ceiling, with `pointer` left pointing at it.
    fn walk(&self, value: &Value, depth: usize, pointer: &mut String) -> Option<Problem> {
        let long = |len: usize, what: &str| {
            Problem {
            message: format!(
                "{what} is {} bytes long, over the ceiling of {} bytes (`max_string_length`); the record is not checked",
                thousands(len as u64),
                thousands(self.max_string_length as u64)
            ),
            help: "raise it in factkit.toml: `[limits]` `max_string_length = BYTES`",
        }
        };
        match value {
            Value::String(s) if s.len() > self.max_string_length => Some(long(s.len(), "a string")),
            Value::Array(_) | Value::Object(_) if depth > self.max_depth => Some(Problem {
                message: format!(
                    "the record is nested more than {} deep (`max_depth`); the record is not checked",
                    self.max_depth
                ),
                help: "raise it in factkit.toml: `[limits]` `max_depth = N` (at most 128)",
            }),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let len = pointer.len();
                    let _ = write!(pointer, "/{i}");
                    if let Some(p) = self.walk(item, depth + 1, pointer) {
                        return Some(p);
                    }
                    pointer.truncate(len);
                }
                None
            }
            Value::Object(map) => {
                for (k, v) in map {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&k.replace('~', "~0").replace('/', "~1"));
                    if k.len() > self.max_string_length {
                        return Some(long(k.len(), "a field name"));
                    }
                    if let Some(p) = self.walk(v, depth + 1, pointer) {
                        return Some(p);
                    }
                    pointer.truncate(len);
                }
                None
            }
            _ => None,
        }
    }

    /// How many of `total` findings to print, and the line that says how many were not.
    pub fn shown(&self, total: usize) -> (usize, Option<String>) {
        if self.max_diagnostics == 0 || total <= self.max_diagnostics {
            return (total, None);
        }
        let rest = total - self.max_diagnostics;
        let note = format!(
            "… and {} more finding{} not shown; raise the limit with --max-diagnostics N (0 shows all) or `[limits]` `max_diagnostics` in factkit.toml",
            thousands(rest as u64),
            if rest == 1 { "" } else { "s" }
        );
        (self.max_diagnostics, Some(note))
    }
}

/// The start of the file `name`, where a finding about the whole file is placed.
fn start_of(name: &str) -> Location {
    Location {
        file: name.to_owned(),
        line: 1,
        column: 1,
        end_line: 1,
        end_column: 1,
        span: 0..0,
        cell: None,
    }
}

/// The `[limits]` table of factkit.toml, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLimits {
    max_file_size: Option<Spanned<u64>>,
    max_depth: Option<Spanned<u64>>,
    max_string_length: Option<Spanned<u64>>,
    max_diagnostics: Option<Spanned<u64>>,
}

impl RawLimits {
    /// Sets the ceilings written; a value out of range is the span and message of the error.
    pub(crate) fn apply(self, limits: &mut Limits) -> Result<(), (Range<usize>, String)> {
        let positive = |v: Spanned<u64>, key: &str| {
            let span = v.span();
            match v.into_inner() {
                0 => Err((span, format!("`{key}` is 0: write a positive number"))),
                n => Ok(n),
            }
        };
        let size = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        if let Some(v) = self.max_file_size {
            limits.max_file_size = positive(v, "max_file_size")?;
        }
        if let Some(v) = self.max_depth {
            let span = v.span();
            let n = positive(v, "max_depth")?;
            if n > DEPTH_CEILING as u64 {
                return Err((
                    span,
                    format!("`max_depth` is {n}: it can be at most {DEPTH_CEILING}, the deepest nesting the JSON parser reads"),
                ));
            }
            limits.max_depth = size(n);
        }
        if let Some(v) = self.max_string_length {
            limits.max_string_length = size(positive(v, "max_string_length")?);
        }
        if let Some(v) = self.max_diagnostics {
            limits.max_diagnostics = size(v.into_inner());
        }
        Ok(())
    }
}

struct Problem {
    message: String,
    help: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn shown_cuts_at_the_ceiling_and_counts_the_rest() {
        let limits = Limits {
            max_diagnostics: 2,
            ..Limits::default()
        };
        assert_eq!(limits.shown(2), (2, None));
        let (n, note) = limits.shown(1236);
        assert_eq!(n, 2);
        assert!(note
            .unwrap()
            .starts_with("… and 1,234 more findings not shown"));
        let all = Limits {
            max_diagnostics: 0,
            ..Limits::default()
        };
        assert_eq!(all.shown(5000), (5000, None));
    }

    #[test]
    fn walk_finds_the_long_string_and_the_deep_value() {
        let limits = Limits {
            max_string_length: 3,
            max_depth: 2,
            ..Limits::default()
        };
        let mut p = String::new();
        let v: Value = serde_json::json!({"a": "ok", "b/c": ["long!"]});
        assert!(limits.walk(&v, 1, &mut p).is_some());
        assert_eq!(p, "/b~1c/0");
        let mut p = String::new();
        let v: Value = serde_json::json!({"a": [[1]]});
        let problem = limits.walk(&v, 1, &mut p).unwrap();
        assert_eq!(p, "/a/0");
        assert!(problem.message.contains("`max_depth`"));
    }
}
