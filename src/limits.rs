//! Resource ceilings: how large a file, how deep a record, how long a string or a number
//! factkit reads, and how many findings it prints and how large each one is.
//!
//! A hostile or broken file must not exhaust memory or time. Each ceiling has a default, is
//! set in `factkit.toml` under `[limits]` (and `max_diagnostics` also with
//! `--max-diagnostics`), and a run that goes over one says which ceiling it hit and how to
//! raise it:
//!
//! | key | default | what happens over it |
//! |---|---|---|
//! | `max_file_size` | 104857600 (100 MiB) | the file is not read: a `limit` error at the file; the rest of the dataset is checked. Standard input and `convert`'s input are held to it too, while they are read: reading stops one byte past it. A JSON Lines file on disk that `check --schema` reads in chunks is not held to it: it is never held whole |
//! | `max_depth` | 128 (also the most allowed) | the record is not checked: a `limit` error at the deepest value |
//! | `max_string_length` | 10485760 (10 MiB, in bytes) | the record is not checked: a `limit` error at the string |
//! | `max_number_length` | 1000 (digits written out, at most 4096) | the record is not checked: a `limit` error at the number |
//! | `max_diagnostics` | 1000 (0: no ceiling) | findings past it are not printed; a line says how many, and the summary and the exit code count them all |
//! | `max_finding_size` | 8192 (bytes of text in one finding) | the finding is cut: notes past 20 are counted, the longest texts shortened, saying so |
//!
//! `max_depth` cannot go above 128: serde_json refuses JSON nested deeper (a syntax error),
//! and the YAML loader follows it. A number's length is its length written out in full, the
//! digits written plus the size of the exponent (`1e6` is 7 digits, see
//! [`written_length`]): exact arithmetic costs in proportion to it, and reading its digits
//! in the square of it (a 10-million-digit amount took minutes). It counts for every JSON
//! number, and for a decimal written as a string in an `amount` or `rate` field. The default
//! of 1,000 digits is far above any figure a source prints (a national debt in its smallest
//! unit has some 20) and keeps the exact arithmetic of a whole dataset of such figures
//! within milliseconds; it cannot go above 4096, the most digits and the largest power of
//! ten [`crate::model::Decimal`] computes with.
//!
//! This module decides and words the findings; the loader calls [`Limits::file_size`]
//! before reading a file ([`Limits::stream_size`] when reading
//! passes the ceiling) and [`Limits::check_records`] after, the check calls
//! [`Limits::cap`] on every finding once it is placed, and the binary calls
//! [`Limits::shown`] to cut the printed list. It does not read files or print.

use std::fmt::Write as _;
use std::ops::Range;

use serde::Deserialize;
use serde_json::Value;
use toml::Spanned;

use crate::diagnostic::{Diagnostic, Location, Severity, Target};
use crate::load::Dataset;
use crate::model::decimal::{abbreviate, written_length, MAX_DIGITS};

/// The deepest nesting any loader accepts.
pub const DEPTH_CEILING: usize = 128;

/// The highest `max_number_length` may be set: the most digits a decimal is computed with.
pub const NUMBER_CEILING: usize = MAX_DIGITS;

/// The most notes (related places) one finding keeps; the rest are counted in a last note.
pub const MAX_NOTES: usize = 20;

/// The fields whose strings are decimals in data format v1 (`value.amount`,
/// `equivalents[].amount`, `rate`): there a string counts as a number for
/// `max_number_length`.
const DECIMAL_FIELDS: [&str; 2] = ["amount", "rate"];

/// The resource ceilings of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest file read, in bytes.
    pub max_file_size: u64,
    /// Deepest nesting of arrays and objects in a record (the record itself is depth 1).
    pub max_depth: usize,
    /// Longest string (value or key) in a record, in bytes of UTF-8.
    pub max_string_length: usize,
    /// Longest number in a record, in digits written out in full (see [`written_length`]).
    pub max_number_length: usize,
    /// Most findings printed; 0 prints them all.
    pub max_diagnostics: usize,
    /// Most bytes of text in one finding (see [`Limits::cap`]).
    pub max_finding_size: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_size: 100 * 1024 * 1024,
            max_depth: DEPTH_CEILING,
            max_string_length: 10 * 1024 * 1024,
            max_number_length: 1000,
            max_diagnostics: 1000,
            max_finding_size: 8192,
        }
    }
}

/// The length every text longer than it is cut to so that texts of `lengths` add up to at
/// most `budget` (the longest cut first, to one length), or `None` when they fit already.
fn fair_share(lengths: impl Iterator<Item = usize>, budget: usize) -> Option<usize> {
    let mut lengths: Vec<usize> = lengths.collect();
    if lengths.iter().sum::<usize>() <= budget {
        return None;
    }
    lengths.sort_unstable();
    let mut left = budget;
    for (i, len) in lengths.iter().enumerate() {
        let share = left / (lengths.len() - i);
        if *len > share {
            return Some(share);
        }
        left -= len;
    }
    // Unreachable: the lengths add up to more than the budget, so one is over its share.
    Some(left)
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
            if let Some(problem) = self.walk(&dataset.entries[i].value, 1, None, &mut pointer) {
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
        let problem = self.walk(value, 1, None, &mut pointer)?;
        Some(
            Diagnostic::new("limit", Severity::Error, problem.message)
                .help(problem.help)
                .at(0, pointer),
        )
    }

    /// The first value in `value` over a ceiling, with `pointer` left pointing at it. `key`
    /// is the name of the field that holds `value`, if any.
    fn walk(
        &self,
        value: &Value,
        depth: usize,
        key: Option<&str>,
        pointer: &mut String,
    ) -> Option<Problem> {
        let long = |len: usize, what: &str| {
            Problem {
            message: format!(
                "{what} is {} bytes long, over the ceiling of {} bytes (`max_string_length`); the record is not checked",
                thousands(len as u64),
                thousands(self.max_string_length as u64)
            ),
            help: "raise it in factkit.toml: `[limits]` `max_string_length = BYTES`".into(),
        }
        };
        match value {
            Value::String(s) if s.len() > self.max_string_length => Some(long(s.len(), "a string")),
            Value::String(s) if key.is_some_and(|k| DECIMAL_FIELDS.contains(&k)) => {
                self.number(s)
            }
            Value::Number(n) => self.number(n.as_str()),
            Value::Array(_) | Value::Object(_) if depth > self.max_depth => Some(Problem {
                message: format!(
                    "the record is nested more than {} deep (`max_depth`); the record is not checked",
                    self.max_depth
                ),
                help: "raise it in factkit.toml: `[limits]` `max_depth = N` (at most 128)".into(),
            }),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let len = pointer.len();
                    let _ = write!(pointer, "/{i}");
                    if let Some(p) = self.walk(item, depth + 1, None, pointer) {
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
                    // Escaped only when it must be: this runs on every field of every record.
                    if k.contains(['~', '/']) {
                        pointer.push_str(&k.replace('~', "~0").replace('/', "~1"));
                    } else {
                        pointer.push_str(k);
                    }
                    if k.len() > self.max_string_length {
                        return Some(long(k.len(), "a field name"));
                    }
                    if let Some(p) = self.walk(v, depth + 1, Some(k), pointer) {
                        return Some(p);
                    }
                    pointer.truncate(len);
                }
                None
            }
            _ => None,
        }
    }

    /// The problem with a number's text (a JSON number, or a decimal string) over
    /// `max_number_length`.
    fn number(&self, text: &str) -> Option<Problem> {
        let length = written_length(text)?;
        if length <= self.max_number_length as u64 {
            return None;
        }
        let length = if length == u64::MAX {
            "more than a billion billion".to_owned()
        } else {
            thousands(length)
        };
        Some(Problem {
            message: format!(
                "the number `{}` is {length} digits long written out, over the ceiling of {} digits (`max_number_length`); the record is not checked",
                abbreviate(text),
                thousands(self.max_number_length as u64)
            ),
            help: format!(
                "a figure this long is most likely a copying error; if it is right, raise the ceiling in factkit.toml: `[limits]` `max_number_length = DIGITS` (at most {NUMBER_CEILING})"
            ),
        })
    }

    /// Keeps one finding within `max_finding_size` bytes of text, after it is placed: notes
    /// past [`MAX_NOTES`] are dropped and counted in a last note, then, if its texts (message,
    /// expected, found, help, record id and pointer, and each note's) still add up to more,
    /// the longest are cut to the same length, the most that lets them fit, each ending with
    /// how much was cut and the ceiling's name. Rules keep their findings well within it
    /// (long numbers and lists are shortened where they are written); this is the bound for
    /// any that does not.
    pub fn cap(&self, d: &mut Diagnostic) {
        if d.related.len() > MAX_NOTES {
            let rest = d.related.len() - MAX_NOTES;
            // The finding is placed, so the note's target (kept from the note it copies,
            // whose place is cleared) is never used.
            let mut more = d.related[MAX_NOTES].clone();
            d.related.truncate(MAX_NOTES);
            more.message = format!(
                "… and {} more place{} not shown (a finding lists at most {MAX_NOTES})",
                thousands(rest as u64),
                if rest == 1 { "" } else { "s" }
            );
            more.location = None;
            more.record = None;
            more.pointer = None;
            d.related.push(more);
        }
        let mut texts: Vec<&mut String> = vec![&mut d.message];
        texts.extend(
            [
                &mut d.expected,
                &mut d.found,
                &mut d.help,
                &mut d.record,
                &mut d.pointer,
            ]
            .into_iter()
            .flatten(),
        );
        for r in &mut d.related {
            texts.push(&mut r.message);
            texts.extend([&mut r.record, &mut r.pointer].into_iter().flatten());
        }
        let Some(each) = fair_share(texts.iter().map(|t| t.len()), self.max_finding_size) else {
            return;
        };
        for text in texts {
            if text.len() > each {
                let mut end = each;
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                let cut = text.len() - end;
                text.truncate(end);
                let _ = write!(
                    text,
                    "… [{} more bytes cut: over `max_finding_size`]",
                    thousands(cut as u64)
                );
            }
        }
    }

    /// How many of `total` findings to print, and the line that says how many were not
    /// (for `check`, which has `--max-diagnostics`).
    pub fn shown(&self, total: usize) -> (usize, Option<String>) {
        self.cut(
            total,
            "raise the limit with --max-diagnostics N (0 shows all) or `[limits]` `max_diagnostics` in factkit.toml",
        )
    }

    /// Like [`Limits::shown`], for a command whose only setting is factkit.toml (`export`,
    /// which prints the findings that stop it on standard error).
    pub fn shown_by_config(&self, total: usize) -> (usize, Option<String>) {
        self.cut(
            total,
            "raise the limit with `[limits]` `max_diagnostics` in factkit.toml (0 shows all)",
        )
    }

    fn cut(&self, total: usize, raise: &str) -> (usize, Option<String>) {
        if self.max_diagnostics == 0 || total <= self.max_diagnostics {
            return (total, None);
        }
        let rest = total - self.max_diagnostics;
        let note = format!(
            "… and {} more finding{} not shown; {raise}",
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
    max_number_length: Option<Spanned<u64>>,
    max_diagnostics: Option<Spanned<u64>>,
    max_finding_size: Option<Spanned<u64>>,
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
        if let Some(v) = self.max_number_length {
            let span = v.span();
            let n = positive(v, "max_number_length")?;
            if n > NUMBER_CEILING as u64 {
                return Err((
                    span,
                    format!("`max_number_length` is {n}: it can be at most {NUMBER_CEILING}, the most digits factkit computes with exactly"),
                ));
            }
            limits.max_number_length = size(n);
        }
        if let Some(v) = self.max_diagnostics {
            limits.max_diagnostics = size(v.into_inner());
        }
        if let Some(v) = self.max_finding_size {
            let span = v.span();
            let n = positive(v, "max_finding_size")?;
            if n < MIN_FINDING_SIZE {
                return Err((
                    span,
                    format!("`max_finding_size` is {n}: write at least {MIN_FINDING_SIZE}, room for a message and its notes"),
                ));
            }
            limits.max_finding_size = size(n);
        }
        Ok(())
    }
}

/// The lowest `max_finding_size` may be set.
const MIN_FINDING_SIZE: u64 = 1024;

struct Problem {
    message: String,
    help: String,
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
    fn numbers_are_held_to_their_ceiling() {
        let limits = Limits {
            max_number_length: 5,
            ..Limits::default()
        };
        let over = |v: Value| {
            let mut p = String::new();
            limits
                .walk(&v, 1, None, &mut p)
                .map(|problem| (p, problem.message))
        };
        let v: Value = serde_json::from_str(r#"{"value": {"amount": "123456"}}"#).unwrap();
        let (p, message) = over(v).unwrap();
        assert_eq!(p, "/value/amount");
        assert_eq!(message, "the number `123456` is 6 digits long written out, over the ceiling of 5 digits (`max_number_length`); the record is not checked");
        // `1e5` is `100000` written out; a JSON number counts wherever it is.
        let v: Value = serde_json::from_str(r#"{"a": [1, 1e5]}"#).unwrap();
        assert_eq!(over(v).unwrap().0, "/a/1");
        // A string of digits is a number only in a field that holds decimals.
        let v: Value = serde_json::from_str(r#"{"notes": "1234567", "rate": "1.234"}"#).unwrap();
        assert!(over(v).is_none());
        let v: Value = serde_json::from_str(r#"{"rate": "1.23456"}"#).unwrap();
        assert_eq!(over(v).unwrap().0, "/rate");
    }

    #[test]
    fn cap_keeps_a_finding_within_its_size() {
        let limits = Limits::default();
        let mut d = Diagnostic::new("sum", Severity::Error, "m".repeat(100_000))
            .help("short help")
            .found("é".repeat(50_000));
        for i in 0..100 {
            d = d.related(format!("part {i}"), 0, "/value");
        }
        limits.cap(&mut d);
        assert_eq!(d.related.len(), MAX_NOTES + 1);
        assert_eq!(
            d.related[MAX_NOTES].message,
            "… and 80 more places not shown (a finding lists at most 20)"
        );
        assert!(d.related[MAX_NOTES].pointer.is_none());
        assert_eq!(d.help.as_deref(), Some("short help"));
        assert_eq!(d.related[0].message, "part 0");
        let m = &d.message;
        assert!(
            m.ends_with(" more bytes cut: over `max_finding_size`]"),
            "{m}"
        );
        let found = d.found.as_deref().unwrap();
        assert!(found.starts_with("éé"), "{found}");
        let total: usize = [&d.message, found, "short help"]
            .iter()
            .map(|t| t.len())
            .sum::<usize>()
            + d.related.iter().map(|r| r.message.len() + 6).sum::<usize>();
        // The ceiling, plus the note of what was cut on each of the two long texts.
        assert!(total <= limits.max_finding_size + 2 * 64, "{total}");
        // A finding within the ceiling is left as it is.
        let small = Diagnostic::new("sum", Severity::Error, "fine").help("help");
        let mut same = small.clone();
        limits.cap(&mut same);
        assert_eq!(same, small);
    }

    #[test]
    fn raw_limits_are_checked() {
        let apply = |text: &str| {
            let raw: RawLimits = toml::from_str(text).unwrap();
            let mut limits = Limits::default();
            raw.apply(&mut limits).map(|()| limits).map_err(|(_, m)| m)
        };
        let limits = apply("max_number_length = 4096\nmax_finding_size = 2048").unwrap();
        assert_eq!(
            (limits.max_number_length, limits.max_finding_size),
            (4096, 2048)
        );
        let e = apply("max_number_length = 4097").unwrap_err();
        assert!(e.contains("it can be at most 4096"), "{e}");
        let e = apply("max_finding_size = 100").unwrap_err();
        assert!(e.contains("write at least 1024"), "{e}");
        assert!(apply("max_number_length = 0").is_err());
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
        assert!(limits.walk(&v, 1, None, &mut p).is_some());
        assert_eq!(p, "/b~1c/0");
        let mut p = String::new();
        let v: Value = serde_json::json!({"a": [[1]]});
        let problem = limits.walk(&v, 1, None, &mut p).unwrap();
        assert_eq!(p, "/a/0");
        assert!(problem.message.contains("`max_depth`"));
    }
}
