//! The outcome of a run ([`Report`]) and its last step ([`finish`]): severities applied,
//! findings placed, capped, accepted and sorted, and counted.
//!
//! Nothing here reads a record or runs a rule; it must not print (the CLI renders).

use crate::config::Level;
use crate::diagnostic::junit::Case;
use crate::diagnostic::{Diagnostic, Severity, Summary, Target};
use crate::load::{Anchor, Dataset};
use crate::source;

/// The records of a JSON Lines file that was read in chunks and not kept (`check --schema`):
/// only the line of each, for the JUnit cases. Their findings were placed inside the chunk.
#[derive(Debug, Clone)]
pub struct Streamed {
    /// Index of the file in [`Dataset::files`].
    pub file: usize,
    /// The 1-based line of each record, in file order.
    pub lines: Vec<u32>,
}

/// The outcome of a check run.
#[derive(Debug)]
pub struct Report {
    /// What was read (files keep their text, so findings can show their line).
    pub dataset: Dataset,
    /// Every finding, placed and sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// Counts for the closing line.
    pub summary: Summary,
    /// The name and text of factkit.toml when a finding is located in it (`stale-accept`).
    pub config_text: Option<(String, std::sync::Arc<str>)>,
    /// The records of files read in chunks and not kept in [`Report::dataset`].
    pub streamed: Vec<Streamed>,
}

impl Report {
    /// The text of a file by its displayed name: a record file of the dataset, or
    /// factkit.toml for the findings located in it.
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.dataset.text_of(name).or_else(|| {
            self.config_text
                .as_ref()
                .filter(|(file, _)| file == name)
                .map(|(_, text)| &**text)
        })
    }

    /// The texts findings are shown from (see [`crate::render::Texts`]): a file whose text
    /// the run released lends one line at a time, read again from disk.
    pub fn texts(&self) -> ReportTexts<'_> {
        ReportTexts(self)
    }

    /// Whether the run fails: any error, or any warning when warnings are denied.
    pub fn fails(&self, deny_warnings: bool) -> bool {
        self.summary.errors > 0 || (deny_warnings && self.summary.warnings > 0)
    }

    /// The JUnit test cases of the run: one per record (or instance), where it is, in file
    /// order.
    pub fn cases(&self) -> Vec<Case> {
        let mut cases = Vec::with_capacity(self.summary.records);
        let mut streamed = self.streamed.iter().peekable();
        let mut flush = |before: usize, cases: &mut Vec<Case>| {
            while let Some(s) = streamed.next_if(|s| s.file < before) {
                let Some(file) = self.dataset.files.get(s.file) else {
                    continue;
                };
                cases.extend(s.lines.iter().map(|&line| Case {
                    file: file.name().to_owned(),
                    record: None,
                    lines: (line as usize, line as usize),
                }));
            }
        };
        for (i, entry) in self.dataset.entries.iter().enumerate() {
            flush(entry.file, &mut cases);
            cases.extend(self.case(i));
        }
        flush(usize::MAX, &mut cases);
        cases
    }

    /// The JUnit case of the record at entry `i`.
    fn case(&self, i: usize) -> Option<Case> {
        let entry = self.dataset.entries.get(i)?;
        let file = self.dataset.files.get(entry.file)?;
        // The whole record's lines (a diagnostic anywhere inside belongs to it).
        // A JSON Lines record is its line: a released file gives it from its line starts,
        // without reading its text back.
        let released = match &entry.anchor {
            Anchor::Json { range, prefix } if prefix.is_empty() => file.released_line(range.start),
            _ => None,
        };
        let lines = match &entry.anchor {
            _ if released.is_some() => released.map(|line| (line, line)),
            Anchor::Json { range, prefix } => file
                .text()
                .get(range.clone())
                .and_then(|text| source::locate(text, prefix))
                .map(|found| {
                    let start = range.start + found.value.start;
                    let l = file.location_of(start..range.start + found.value.end);
                    (l.line, l.end_line)
                }),
            Anchor::Yaml { .. } => self
                .dataset
                .locate(&Target {
                    entry: i,
                    pointer: String::new(),
                })
                .map(|l| (l.line, l.end_line)),
            Anchor::Csv { row, .. } => {
                let l = file.location_of(row.clone());
                Some((l.line, l.end_line))
            }
        }
        .unwrap_or_else(|| {
            let target = Target {
                entry: i,
                pointer: String::new(),
            };
            self.dataset
                .locate(&target)
                .map_or((1, 1), |l| (l.line, l.end_line))
        });
        Some(Case {
            file: file.name().to_owned(),
            record: entry.id.clone(),
            lines,
        })
    }
}

/// Applies the configured severities, places the findings in their files, keeps each within
/// `max_finding_size`, marks those `[[accept]]` accepts (reporting each entry that accepts
/// none as `stale-accept`), sorts them and counts them.
pub(crate) fn finish(
    dataset: Dataset,
    streamed: Vec<Streamed>,
    findings: Vec<Diagnostic>,
    plan: &super::Plan<'_>,
) -> Report {
    let config = &*plan.config;
    let resolved = &plan.resolved;
    let mut diagnostics = Vec::with_capacity(findings.len());
    let mut config_text = None;
    let level = |d: &mut Diagnostic| {
        let default = crate::rules::find(&d.rule).map_or(d.severity, |r| r.severity);
        match resolved.level(&d.rule, default) {
            Level::Off => false,
            Level::Report(severity) => {
                d.severity = severity;
                true
            }
        }
    };
    for mut d in findings {
        if !level(&mut d) {
            continue;
        }
        dataset.place(&mut d);
        config.limits.cap(&mut d);
        diagnostics.push(d);
    }
    // Once, on the placed findings: a `file` glob needs the file.
    for entry in resolved.accepts().apply(&mut diagnostics) {
        config_text = resolved.accepts().source().cloned();
        let mut d = stale(entry, resolved);
        if level(&mut d) {
            config.limits.cap(&mut d);
            diagnostics.push(d);
        }
    }
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let accepted = diagnostics.iter().filter(|d| d.is_accepted()).count();
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let summary = Summary {
        files: dataset.files.len(),
        records: dataset.entries.len() + streamed.iter().map(|s| s.lines.len()).sum::<usize>(),
        errors,
        warnings: diagnostics.len() - errors - accepted,
        accepted,
    };
    Report {
        dataset,
        diagnostics,
        summary,
        config_text,
        streamed,
    }
}

/// The `stale-accept` finding of an `[[accept]]` entry that accepts nothing, at its place in
/// factkit.toml.
fn stale(entry: &crate::accept::Accept, resolved: &super::plan::Resolved) -> Diagnostic {
    let rule = &entry.rule;
    let record = &entry.record;
    let file = entry
        .file
        .as_ref()
        .map_or_else(String::new, |f| format!(" in `{f}`"));
    let default = crate::rules::find(rule)
        .map(|r| r.severity)
        .or_else(|| resolved.custom_rule(rule).map(|r| r.definition.severity))
        .unwrap_or(Severity::Error);
    let why = if resolved.level(rule, default) == Level::Off {
        format!("; `{rule}` is turned off, so it has no findings")
    } else {
        String::new()
    };
    Diagnostic::new(
        crate::rules::stale_accept::ID,
        Severity::Error,
        format!("the `[[accept]]` entry for `{rule}` on `{record}`{file} accepts no finding{why}"),
    )
    .with_location(entry.place.clone())
    .help("remove the entry, or fix its `rule` or `record` (or `file`) so that it matches the finding it accepts")
}

/// The texts of a [`Report`]'s files, for rendering its findings ([`Report::texts`]).
#[derive(Debug, Clone, Copy)]
pub struct ReportTexts<'r>(&'r Report);

impl crate::render::Texts for ReportTexts<'_> {
    fn text(&self, file: &str) -> Option<std::borrow::Cow<'_, str>> {
        self.0.text_of(file).map(std::borrow::Cow::Borrowed)
    }

    fn around(
        &self,
        file: &str,
        at: usize,
        max: usize,
    ) -> Option<(std::borrow::Cow<'_, str>, usize)> {
        match self.0.dataset.file_named(file) {
            Some(f) if f.format() == crate::format::Format::JsonLines => {
                match f.line_around(at, max) {
                    Some((line, start)) => Some((std::borrow::Cow::Owned(line), start)),
                    None => self.text(file).map(|t| (t, 0)),
                }
            }
            _ => self.text(file).map(|t| (t, 0)),
        }
    }
}
