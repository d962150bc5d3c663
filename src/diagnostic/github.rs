//! The GitHub Actions format: workflow-command annotations, shown on the pull request's lines.
//!
//! Wire format, one line per diagnostic, then the summary:
//!
//! ```text
//! ::error file=examples/broken/statistics.json,line=63,endLine=63,col=19,endColumn=23,title=implied-rate::`stat-investment-wrong-usd` implies …%0Aexpected: …%0Ahelp: …
//! ::warning file=examples/broken/sources.json,line=4,endLine=4,col=11,endColumn=24,title=missing-recommended::…
//! checked 6 files, 28 records: 16 errors, 2 warnings
//! ```
//!
//! - The command is `::error` or `::warning` by severity; `title` is the rule id.
//! - `file` is relative to the repository root ([`Root`]: `GITHUB_WORKSPACE` when set, else
//!   the git top-level, else the working directory, as the CLI finds it), whatever folder
//!   factkit runs in, because GitHub reads it so; without a root, the path as given without
//!   a leading `./`; `line`/`col` are
//!   1-based, columns in Unicode scalar values; `endColumn` is the last column of the span
//!   (inclusive, as GitHub reads it). A finding with no place has no properties but `title`.
//! - The message is the finding's message, then `expected:`, `found:`, `help:` and one
//!   `see:` line per related place, joined by line feeds. Each piece of data in it, and the
//!   rule id in `title`, is first [`clean`]ed: a line break or control character in a value
//!   is shown as `\u{…}`, `::` and `##` are broken (`:\u{3a}`, `#\u{23}`), so the
//!   annotation GitHub shows holds no escape sequence or workflow command. The `file`
//!   property is the path itself (GitHub must find the file), escaped like any property.
//! - Escaping, as GitHub's runner un-escapes: in the message `%` → `%25`, CR → `%0D`, LF →
//!   `%0A`; in property values also `:` → `%3A` and `,` → `%2C`.
//! - Every finding is annotated, whatever `max_diagnostics` says (that ceiling is for the
//!   human format). GitHub shows at most 10 annotations of each level per step (50 per
//!   job), so the output ends with the summary line, preceded by a `::notice` saying how
//!   many findings GitHub leaves out when a level has more than 10. [`step_summary_in`] gives a Markdown table of every finding for the job summary
//! - A finding accepted by an `[[accept]]` entry of factkit.toml is not annotated; a
//!   `::notice` before the summary line counts them, and the job summary lists each with
//!   severity `accepted`.
//!   page (`$GITHUB_STEP_SUMMARY`, which the CLI appends to).

use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};

use super::{clean, Diagnostic, Severity, Summary};

/// Most annotations of one level GitHub shows for one step.
pub const SHOWN_PER_LEVEL: usize = 10;

/// Most rows [`step_summary_in`] writes, to stay far below GitHub's 1 MiB summary limit.
pub const SUMMARY_ROWS: usize = 500;

/// Escapes the message of a workflow command (`%`, CR, LF).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command (`%`, CR, LF, `:`, `,`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// A file name as GitHub wants it: relative, without leading `./`.
pub fn repository_path(name: &str) -> &str {
    let mut name = name;
    while let Some(rest) = name.strip_prefix("./") {
        name = rest.trim_start_matches('/');
    }
    name
}

/// Where the repository is, so that reports name files relative to its root wherever
/// factkit runs: GitHub (annotations, code scanning) reads `file=` and SARIF URIs relative
/// to the repository root, not to the step's working directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Root {
    /// The working directory and the repository root, both absolute; None to keep names
    /// as given.
    dirs: Option<(PathBuf, PathBuf)>,
}

impl Root {
    /// File names relative to `root`, for names relative to `cwd` (both absolute).
    pub fn new(cwd: PathBuf, root: PathBuf) -> Root {
        Root {
            dirs: Some((cwd, root)),
        }
    }

    /// The name of `file` (as the diagnostics show it) for a report: relative to the root,
    /// with `/` separators and no leading `./`; an absolute path when the file lies
    /// outside the root; the name as given, without `./`, when no root is known.
    pub fn path_of(&self, file: &str) -> String {
        let name = repository_path(file);
        let Some((cwd, root)) = &self.dirs else {
            return name.to_owned();
        };
        let absolute = lexical(&cwd.join(name));
        match absolute.strip_prefix(root) {
            Ok(relative) => relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/"),
            Err(_) => absolute.display().to_string(),
        }
    }
}

/// `path` with `.` and `..` resolved by name.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
/// One annotation line, without the line break; `file=` as given.
pub fn annotation(d: &Diagnostic) -> String {
    annotation_in(d, &Root::default())
}

/// One annotation line, without the line break; `file=` relative to `root`.
pub fn annotation_in(d: &Diagnostic, root: &Root) -> String {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut properties = Vec::new();
    if let Some(l) = &d.location {
        if l.file != "-" {
            properties.push(format!(
                "file={}",
                escape_property(&clean(&root.path_of(&l.file)))
            ));
        }
        properties.push(format!("line={}", l.line));
        properties.push(format!("endLine={}", l.end_line));
        properties.push(format!("col={}", l.column));
        let end = if l.end_line == l.line {
            l.end_column.saturating_sub(1).max(l.column)
        } else {
            l.end_column
        };
        properties.push(format!("endColumn={end}"));
    }
    properties.push(format!("title={}", escape_property(&clean(&d.rule))));
    format!(
        "::{command} {}::{}",
        properties.join(","),
        escape_data(&message(d, root))
    )
}

/// The full text of a finding: message, expected, found, help, related places, each piece
/// of data [`clean`]ed (a line break in a value is shown as `\u{a}`, not sent as `%0A`).
fn message(d: &Diagnostic, root: &Root) -> String {
    let mut text = clean(&d.message).into_owned();
    if let Some(e) = &d.expected {
        let _ = write!(text, "\nexpected: {}", clean(e));
    }
    if let Some(f) = &d.found {
        let _ = write!(text, "\nfound: {}", clean(f));
    }
    if let Some(h) = &d.help {
        let _ = write!(text, "\nhelp: {}", clean(h));
    }
    for r in &d.related {
        let _ = write!(text, "\nsee: {}", clean(&r.message));
        if let Some(l) = &r.location {
            let _ = write!(
                text,
                " ({}:{}:{})",
                clean(&root.path_of(&l.file)),
                l.line,
                l.column
            );
        }
    }
    text
}

/// Writes every diagnostic as an annotation, files relative to `root`, then the closing
/// notices and the summary line.
pub fn write(
    diagnostics: &[Diagnostic],
    summary: &Summary,
    root: &Root,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    // An accepted finding is no annotation; the summary line counts it.
    for d in diagnostics.iter().filter(|d| !d.is_accepted()) {
        w.write_all(annotation_in(d, root).as_bytes())?;
        w.write_all(b"\n")?;
    }
    w.write_all(closing(diagnostics, summary).as_bytes())
}

/// The notices and the summary line that close the annotations.
fn closing(diagnostics: &[Diagnostic], summary: &Summary) -> String {
    let mut out = String::new();
    let count = |severity| {
        diagnostics
            .iter()
            .filter(|d| d.severity == severity && !d.is_accepted())
            .count()
    };
    let left_out = count(Severity::Error).saturating_sub(SHOWN_PER_LEVEL)
        + count(Severity::Warning).saturating_sub(SHOWN_PER_LEVEL);
    if left_out > 0 {
        let _ = writeln!(
            out,
            "::notice title=factkit::GitHub shows at most {SHOWN_PER_LEVEL} error and {SHOWN_PER_LEVEL} warning annotations per step: {left_out} of the {} findings are not shown as annotations; all of them are in this log, and the job summary lists the first {SUMMARY_ROWS}",
            diagnostics.iter().filter(|d| !d.is_accepted()).count()
        );
    }
    if summary.accepted > 0 {
        let _ = writeln!(
            out,
            "::notice title=factkit::{} accepted in factkit.toml (`[[accept]]`), not annotated; each is in the job summary with its reason",
            match summary.accepted {
                1 => "1 finding is".to_owned(),
                n => format!("{n} findings are"),
            }
        );
    }
    out.push_str(&summary.line());
    out.push('\n');
    out
}

/// Text for a GitHub-flavoured Markdown table cell: [`clean`]ed (so a line break is shown as
/// `\u{a}`), then the backslash, the pipe and inline punctuation escaped.
pub fn markdown_cell(s: &str) -> String {
    let s = clean(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '|' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '!' | '~' | '#' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
/// A Markdown report for the job summary page: the counts and a table of every finding (at
/// most [`SUMMARY_ROWS`] rows).
pub fn step_summary(diagnostics: &[Diagnostic], summary: &Summary) -> String {
    step_summary_in(diagnostics, summary, &Root::default())
}

/// A Markdown table of every finding for the job summary, files relative to `root`.
pub fn step_summary_in(diagnostics: &[Diagnostic], summary: &Summary, root: &Root) -> String {
    let mut out = String::from("### factkit\n\n");
    let _ = writeln!(out, "{}\n", markdown_cell(&summary.line()));
    if diagnostics.is_empty() {
        return out;
    }
    out.push_str("| severity | rule | where | finding |\n|---|---|---|---|\n");
    for d in diagnostics.iter().take(SUMMARY_ROWS) {
        let place = d
            .location
            .as_ref()
            .map(|l| format!("{}:{}:{}", root.path_of(&l.file), l.line, l.column))
            .unwrap_or_default();
        let severity = match d.accepted {
            Some(_) => "accepted",
            None => d.severity.as_str(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            severity,
            markdown_cell(&d.rule),
            markdown_cell(&place),
            markdown_cell(&d.message)
        );
    }
    if diagnostics.len() > SUMMARY_ROWS {
        let _ = writeln!(
            out,
            "\n{} more findings are in the step's log.",
            diagnostics.len() - SUMMARY_ROWS
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Location;

    fn located(file: &str, message: &str) -> Diagnostic {
        Diagnostic::new("sum", Severity::Error, message).with_location(Location {
            file: file.into(),
            line: 3,
            column: 5,
            end_line: 3,
            end_column: 9,
            span: 0..0,
            cell: None,
        })
    }

    #[test]
    fn escapes_message_and_properties() {
        assert_eq!(escape_data("100% a\r\nb:c,d"), "100%25 a%0D%0Ab:c,d");
        assert_eq!(
            escape_property("100% a\r\nb:c,d"),
            "100%25 a%0D%0Ab%3Ac%2Cd"
        );
        let line = annotation(&located(
            "./data/a:b,c%.json",
            "50% off\nnow: yes, really\r",
        ));
        assert_eq!(
            line,
            "::error file=data/a%3Ab%2Cc%25.json,line=3,endLine=3,col=5,endColumn=8,title=sum::50%25 off\\u{a}now: yes, really\\u{d}"
        );
        // An escaped annotation is one line, whatever the message holds.
        assert_eq!(line.lines().count(), 1);
    }

    #[test]
    fn summary_notes_the_limit() {
        let many: Vec<Diagnostic> = (0..11).map(|_| located("a.json", "m")).collect();
        let summary = Summary {
            files: 1,
            records: 11,
            errors: 11,
            warnings: 0,
            accepted: 0,
        };
        let mut out = Vec::new();
        write(&many, &summary, &Root::default(), &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains("::notice title=factkit::GitHub shows at most 10"));
        assert!(out.ends_with("checked 1 file, 11 records: 11 errors, 0 warnings\n"));
        let table = step_summary(&many, &summary);
        assert_eq!(
            table.matches("| error | sum | a.json:3:5 | m |").count(),
            11
        );
        assert_eq!(markdown_cell("a|b\\c\nd"), "a\\|b\\\\c\\\\u{a}d");
    }

    /// Data holding a line break, workflow commands and escape sequences stays inside its
    /// one annotation, and nothing in it can be read as a command or reach the log viewer as
    /// an escape sequence; the summary table is cleaned the same way.
    #[test]
    fn data_cannot_forge_commands() {
        let payload = "x\n::notice file=README.md,line=1::forged ##[add-mask]secret \u{1b}]0;owned\u{7}\u{1b}[2J";
        let mut d = located("a.json", &format!("`{payload}` is not one of `person`"))
            .found(payload)
            .expected(payload)
            .help(payload);
        d.rule = "house::rule\n::warning::x".into();
        let place = d.location.clone().unwrap();
        d = d.related_at(payload, place);
        let line = annotation(&d);
        assert_eq!(line.lines().count(), 1, "{line}");
        assert!(line.starts_with("::error file=a.json,"), "{line}");
        assert!(
            line.contains(",title=house%3A\\u{3a}rule\\u{a}%3A\\u{3a}warning%3A\\u{3a}x::"),
            "{line}"
        );
        let body = &line[line.find("x::").unwrap() + 3..];
        assert!(
            !body.contains("::") && !body.contains("##") && !body.contains('\u{1b}'),
            "{body}"
        );
        assert!(
            body.contains("found: x\\u{a}:\\u{3a}notice file=README.md"),
            "{body}"
        );
        let summary = Summary {
            files: 1,
            records: 1,
            errors: 1,
            warnings: 0,
            accepted: 0,
        };
        let table = step_summary(&[d], &summary);
        assert!(
            !table.contains("##[") && !table.contains('\u{1b}'),
            "{table}"
        );
        assert_eq!(
            table.lines().filter(|l| l.starts_with("| error |")).count(),
            1,
            "{table}"
        );
    }
}
