//! Findings as data: [`Diagnostic`], [`Severity`], and the renderers that present them.
//!
//! Rules *produce* diagnostics aimed at a record and a JSON Pointer inside it; the loader then
//! *locates* them (file, line, column) and the CLI picks a format for [`render()`], the one
//! entry point of the five formats. Nothing here reads files or decides exit codes;
//! renderers write to the writer they are given, they never print. The renderers that are not
//! data formats (human, GitHub) pass every piece of data they show through [`clean`].

pub mod clean;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod render;
pub mod sarif;

use std::fmt;

pub use clean::clean;
pub use render::render;

use serde::Serialize;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Fails the run (exit 1).
    Error,
    /// Reported; fails the run only with `--deny-warnings`.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The file as the user named it (or `-` for standard input).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in Unicode scalar values.
    pub column: usize,
    /// 1-based line where the span ends.
    pub end_line: usize,
    /// 1-based column just past the span, in Unicode scalar values.
    pub end_column: usize,
    /// Byte range of the span in the file's text, for renderers that show the source.
    #[serde(skip)]
    pub span: std::ops::Range<usize>,
    /// The CSV cell, for a place in a CSV file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<Cell>,
}

/// A place in a CSV file as a spreadsheet shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cell {
    /// The row number, counting the header as row 1.
    pub row: usize,
    /// The 1-based column number, when the place is one cell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// The column's header name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
}

impl std::fmt::Display for Cell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "row {}", self.row)?;
        match (&self.column, &self.header) {
            (Some(c), Some(h)) => write!(f, ", column {c} `{h}`"),
            (Some(c), None) => write!(f, ", column {c}"),
            _ => Ok(()),
        }
    }
}

/// Which record and where inside it a finding points, before it is located in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Index of the record in the dataset's entries.
    pub entry: usize,
    /// JSON Pointer inside the record (`""` for the whole record).
    pub pointer: String,
}

/// Another place a finding involves, such as the first use of a duplicate id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    /// What this place is.
    pub message: String,
    /// Where it is, once located.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The record's id, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
    /// JSON Pointer inside that record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    #[serde(skip)]
    target: Option<Target>,
}

/// One finding of one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Rule id (`implied-rate`).
    pub rule: String,
    /// Error or warning.
    pub severity: Severity,
    /// One line saying what is wrong.
    pub message: String,
    /// Where, once located.
    pub location: Option<Location>,
    /// JSON Pointer inside the record (or file, for syntax errors).
    pub pointer: Option<String>,
    /// Id of the record, when it has one.
    pub record: Option<String>,
    /// What the rule expected (an interval, a kind, a date).
    pub expected: Option<String>,
    /// What it found.
    pub found: Option<String>,
    /// Other places involved.
    pub related: Vec<Related>,
    /// What to do about it.
    pub help: Option<String>,
    /// The record and pointer, until located.
    pub target: Option<Target>,
    /// The reason of the `[[accept]]` entry of factkit.toml that accepts this finding: an
    /// accepted finding is shown with its reason and never fails the run.
    pub accepted: Option<String>,
}

impl Diagnostic {
    /// A finding of `rule` with `message`, not yet placed.
    pub fn new(rule: impl Into<String>, severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            rule: rule.into(),
            severity,
            message: message.into(),
            location: None,
            pointer: None,
            record: None,
            expected: None,
            found: None,
            related: Vec::new(),
            help: None,
            target: None,
            accepted: None,
        }
    }

    /// Aims the finding at `pointer` inside the record at `entry`.
    pub fn at(mut self, entry: usize, pointer: impl Into<String>) -> Self {
        let pointer = pointer.into();
        self.pointer = Some(pointer.clone());
        self.target = Some(Target { entry, pointer });
        self
    }

    /// Places the finding at a known location (syntax errors, which have no record).
    pub fn with_location(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    /// Re-aims a finding made before its record had an index (the loader's prepare step)
    /// at the record's index `entry`. Related places are left as they are.
    pub fn retarget(mut self, entry: usize) -> Self {
        if let Some(target) = &mut self.target {
            target.entry = entry;
        }
        self
    }

    /// Sets what was expected.
    pub fn expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    /// Sets what was found.
    pub fn found(mut self, found: impl Into<String>) -> Self {
        self.found = Some(found.into());
        self
    }

    /// Sets advice on what to do.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds another place the finding involves.
    pub fn related(
        mut self,
        message: impl Into<String>,
        entry: usize,
        pointer: impl Into<String>,
    ) -> Self {
        let pointer = pointer.into();
        self.related.push(Related {
            message: message.into(),
            location: None,
            record: None,
            pointer: Some(pointer.clone()),
            target: Some(Target { entry, pointer }),
        });
        self
    }

    /// Adds another place the finding involves that is not in a record file, such as a
    /// passage of an archived source text.
    pub fn related_at(mut self, message: impl Into<String>, location: Location) -> Self {
        self.related.push(Related {
            message: message.into(),
            location: Some(location),
            record: None,
            pointer: None,
            target: None,
        });
        self
    }

    /// Whether this is an error that fails the run: of severity error and not accepted.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error && self.accepted.is_none()
    }

    /// Whether an `[[accept]]` entry of factkit.toml accepts this finding.
    pub fn is_accepted(&self) -> bool {
        self.accepted.is_some()
    }

    /// The order diagnostics are shown in: by file, position, then rule and message.
    pub fn sort_key(&self) -> impl Ord + '_ {
        let place = self
            .location
            .as_ref()
            .map(|l| (l.file.as_str(), l.line, l.column));
        (place, self.rule.as_str(), self.message.as_str())
    }
}

impl Related {
    /// The record and pointer, until located.
    pub fn target(&self) -> Option<&Target> {
        self.target.as_ref()
    }

    /// Fills in the place once known.
    pub fn place(&mut self, location: Option<Location>, record: Option<String>) {
        self.location = location;
        self.record = record;
    }
}

/// What a renderer may show about a rule: SARIF lists every rule of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleMeta {
    /// The rule id (`implied-rate`, or a custom rule's id).
    pub id: String,
    /// The severity as configured; `None` when the rule is turned off.
    pub level: Option<Severity>,
    /// One sentence: what the rule checks.
    pub summary: String,
    /// The full documentation.
    pub doc: String,
}

/// Counts for the closing summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Files read.
    pub files: usize,
    /// Records read.
    pub records: usize,
    /// Findings of severity error.
    pub errors: usize,
    /// Findings of severity warning.
    pub warnings: usize,
    /// Findings accepted by `[[accept]]` entries of factkit.toml, counted in neither
    /// `errors` nor `warnings`.
    pub accepted: usize,
}

impl Summary {
    /// `checked 6 files, 27 records: 0 errors, 1 warning`, then `, 2 accepted` when findings
    /// were accepted.
    pub fn line(&self) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let accepted = match self.accepted {
            0 => String::new(),
            n => format!(", {n} accepted"),
        };
        format!(
            "checked {}, {}: {}, {}{accepted}",
            plural(self.files, "file", "files"),
            plural(self.records, "record", "records"),
            plural(self.errors, "error", "errors"),
            plural(self.warnings, "warning", "warnings"),
        )
    }
}
