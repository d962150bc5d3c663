//! The Check column of the human-facing exports (Markdown, HTML): what the check found about
//! each record, and what it could not verify.
//!
//! For every entry of the dataset a [`Verdict`] holds:
//!
//! - the **findings reported on it** (a diagnostic belongs to the record it is reported on: the
//!   entry whose id it names and, when several entries share that id, the one whose text holds
//!   the diagnostic's place), shown in full with their place and help;
//! - the findings that merely **name** it (its `related` places, such as the partner of an
//!   `implied-rate` conflict), shown as a short note: the record at fault is the other one;
//! - what was **verified** against the source's archive (`quote found in source (line 7)`,
//!   `figure `4.3 billion USD` found in source (line 9)`);
//! - what was **not verified**, and why: a quote or a figure whose source has no archive (or
//!   an archive that could not be read) was not compared with anything, so it is not
//!   "passed".
//!
//! Its [`Status`] is the worst of these: failed (an error), warning, not verified, passed.
//!
//! Entries without a typed record (they failed their schema) and files or lines that could not
//! be parsed become [`Unshown`] items, for the "Could not be shown" section, with their place
//! and findings. This module only decides; it neither formats nor writes.
//!
//! **Held sparse.** A large clean dataset has no finding on most records, so only the
//! verdicts with something in them are kept (findings, names, comparisons with an archive),
//! by entry; the rest, and the line "not verified: source `…` has no archive", are made when
//! a row asks for them ([`Verdicts::of`]). The export then holds a few words per record
//! beyond the report, not a verdict each.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::HashMap;
use std::ops::Range;

use super::Options;
use crate::archive::{Archives, QuoteOutcome};
use crate::check::Report;
use crate::diagnostic::{Diagnostic, Location, Target};
use crate::limits::Limits;
use crate::load::{Anchor, Dataset};
use crate::model::{Record, Source};

/// The outcome of the check for one record, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// At least one error is reported on it.
    Failed,
    /// Warnings, no error.
    Warning,
    /// No finding, but a quote or figure of it was not compared with its source.
    NotVerified,
    /// No finding, and everything that can be verified was.
    Passed,
}

impl Status {
    /// `failed`, `warning`, `not verified` or `passed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Failed => "failed",
            Status::Warning => "warning",
            Status::NotVerified => "not verified",
            Status::Passed => "passed",
        }
    }

    /// The mark shown beside it: `❌`, `⚠️`, `❔` or `✅`.
    pub fn mark(self) -> &'static str {
        match self {
            Status::Failed => "❌",
            Status::Warning => "⚠️",
            Status::NotVerified => "❔",
            Status::Passed => "✅",
        }
    }
}

/// A finding reported on another record that names this one.
#[derive(Debug, Clone, Copy)]
pub struct Named<'r> {
    /// The finding.
    pub diagnostic: &'r Diagnostic,
    /// The record it is reported on (its id), when it has one.
    pub by: Option<&'r str>,
}

/// A quote compared with its source's archive, for the HTML export's passage column.
#[derive(Debug, Clone)]
pub struct QuoteView {
    /// The archive, as the source names it.
    pub archive: String,
    /// Where the quote was found, or the closest passage.
    pub outcome: QuoteOutcome,
}

/// What the check says about one record.
#[derive(Debug, Default, Clone)]
pub struct Verdict<'r> {
    /// Findings reported on this record, in the order of the report.
    pub findings: Vec<&'r Diagnostic>,
    /// Findings reported on other records that name this one.
    pub named_by: Vec<Named<'r>>,
    /// What was verified against the source's archive, one line each.
    pub verified: Vec<String>,
    /// What was not verified, and why, one line each.
    pub not_verified: Vec<String>,
    /// The quote's outcome in its source's archive, when it was compared.
    pub quote: Option<QuoteView>,
}

impl Verdict<'_> {
    /// The worst of its findings and checks; a finding accepted in factkit.toml counts for
    /// nothing here (it is shown with its reason).
    pub fn status(&self) -> Status {
        if self.findings.iter().any(|d| d.is_error()) {
            Status::Failed
        } else if self.is_failing() {
            Status::Warning
        } else if !self.not_verified.is_empty() {
            Status::NotVerified
        } else {
            Status::Passed
        }
    }

    /// Whether errors or warnings that are not accepted are reported on it (`--only failing`).
    pub fn is_failing(&self) -> bool {
        self.findings.iter().any(|d| !d.is_accepted())
    }
}

/// A record that failed its schema, or a file (or line) that could not be parsed.
#[derive(Debug)]
pub struct Unshown<'r> {
    /// A record (`true`), or a file or line that could not be parsed (`false`).
    pub is_record: bool,
    /// The record's id, or `None` for a record without one or a file.
    pub id: Option<&'r str>,
    /// The file, as the user named it.
    pub file: String,
    /// Where it is, when known.
    pub location: Option<Location>,
    /// Why it is not in a table.
    pub why: String,
    /// The findings about it.
    pub findings: Vec<&'r Diagnostic>,
}

/// The verdicts of every entry of a report, and what could not be shown.
#[derive(Debug)]
pub struct Verdicts<'r> {
    report: &'r Report,
    /// The verdicts that hold something, by entry index.
    by_entry: HashMap<usize, Verdict<'r>>,
    /// The sources by id, for the "has no archive" line.
    sources: HashMap<&'r str, &'r Source>,
    /// Records and files that have no row in a table, in dataset order (files first).
    pub unshown: Vec<Unshown<'r>>,
}

impl<'r> Verdicts<'r> {
    /// Judges every entry of `report`; `unshown` honours `--kind` as [`super::notes`] does.
    pub fn new(report: &'r Report, options: &Options) -> Verdicts<'r> {
        let dataset = &report.dataset;
        let mut by_entry: HashMap<usize, Verdict<'r>> = HashMap::new();
        let places = Places::new(dataset);
        let mut loose: Vec<&'r Diagnostic> = Vec::new();
        for d in &report.diagnostics {
            let own = places.entry_of(d.record.as_deref(), d.location.as_ref());
            match own {
                Some(i) => by_entry.entry(i).or_default().findings.push(d),
                None => loose.push(d),
            }
            let mut named: Vec<usize> = Vec::new();
            for related in &d.related {
                let Some(id) = related.record.as_deref() else {
                    continue;
                };
                let Some(i) = places.entry_of(Some(id), related.location.as_ref()) else {
                    continue;
                };
                if Some(i) != own && !named.contains(&i) {
                    named.push(i);
                    by_entry.entry(i).or_default().named_by.push(Named {
                        diagnostic: d,
                        by: d.record.as_deref(),
                    });
                }
            }
        }
        let sources = sources(dataset);
        archive_checks(dataset, &sources, &options.limits, &mut by_entry);
        let mut unshown: Vec<Unshown<'r>> = loose
            .into_iter()
            .filter(|d| d.rule == "syntax" || d.rule == "read")
            .map(|d| Unshown {
                is_record: false,
                id: None,
                file: d
                    .location
                    .as_ref()
                    .map(|l| l.file.clone())
                    .unwrap_or_default(),
                location: d.location.clone(),
                why: "could not be read or parsed, so no record in it is shown".into(),
                findings: vec![d],
            })
            .collect();
        for (i, entry) in dataset.entries.iter().enumerate() {
            if entry.record.is_some() || (entry.kind.is_some() && !options.selects(entry)) {
                continue;
            }
            let why = match entry.kind {
                Some(kind) => format!("failed the {kind} schema"),
                None => "has no valid `kind`".to_owned(),
            };
            unshown.push(Unshown {
                is_record: true,
                id: entry.id.as_deref(),
                file: dataset
                    .files
                    .get(entry.file)
                    .map(|f| f.name().to_owned())
                    .unwrap_or_default(),
                location: dataset.locate(&Target {
                    entry: i,
                    pointer: String::new(),
                }),
                why,
                findings: by_entry
                    .get_mut(&i)
                    .map(|v| std::mem::take(&mut v.findings))
                    .unwrap_or_default(),
            });
        }
        Verdicts {
            report,
            by_entry,
            sources,
            unshown,
        }
    }

    /// The verdict of the entry at `index` (an empty one for an index out of range): the one
    /// kept, with the "has no archive" line added when its source has none.
    pub fn of(&self, index: usize) -> Cow<'_, Verdict<'r>> {
        static EMPTY: Verdict<'static> = Verdict {
            findings: Vec::new(),
            named_by: Vec::new(),
            verified: Vec::new(),
            not_verified: Vec::new(),
            quote: None,
        };
        let kept = self.by_entry.get(&index);
        let unarchived = self
            .report
            .dataset
            .entries
            .get(index)
            .and_then(|e| unarchived(e.record.as_ref()?, &self.sources));
        match unarchived {
            None => Cow::Borrowed(kept.unwrap_or(&EMPTY)),
            Some(line) => {
                let mut verdict = kept.cloned().unwrap_or_default();
                verdict.not_verified.push(line);
                Cow::Owned(verdict)
            }
        }
    }
}

/// The sources of the dataset by id (the first of a duplicated id).
fn sources(dataset: &Dataset) -> HashMap<&str, &Source> {
    let mut sources: HashMap<&str, &Source> = HashMap::new();
    for e in &dataset.entries {
        if let Some(Record::Source(s)) = &e.record {
            sources.entry(s.id.as_str()).or_insert(s);
        }
    }
    sources
}

/// The source a quoted statement or a statistic is compared with, when it is known (an
/// unknown source is an `unknown-reference` finding already).
fn compared_source<'s>(record: &Record, sources: &HashMap<&str, &'s Source>) -> Option<&'s Source> {
    match record {
        Record::Statement(s) if s.quote.is_some() => sources.get(s.source.as_str()).copied(),
        Record::Statistic(s) => sources.get(s.source.as_str()).copied(),
        _ => None,
    }
}

/// Why a record's quote or figures were not compared, when its source has no archive.
fn unarchived(record: &Record, sources: &HashMap<&str, &Source>) -> Option<String> {
    let source = compared_source(record, sources).filter(|s| s.archive.is_none())?;
    let what = match record {
        Record::Statement(_) => "so the quote was not compared with it",
        _ => "so the figures were not looked up",
    };
    Some(format!(
        "not verified: source `{}` has no archive, {what}",
        source.id
    ))
}

/// An entry's file name and byte range in it, when known.
type Place<'d> = Option<(&'d str, Range<usize>)>;

/// Which entry a diagnostic or related place is about: by id, and by place when several
/// entries share the id (a duplicate), or when there is no id.
struct Places<'d> {
    dataset: &'d Dataset,
    /// The first entry of each id.
    first: HashMap<&'d str, usize>,
    /// Every entry of an id that more than one entry has.
    shared: HashMap<&'d str, Vec<usize>>,
    /// Each entry's file name and byte range in it, made the first time a place without an
    /// id is looked up (a clean dataset never needs them).
    ranges: OnceCell<Vec<Place<'d>>>,
}

impl<'d> Places<'d> {
    fn new(dataset: &'d Dataset) -> Places<'d> {
        let mut first: HashMap<&str, usize> = HashMap::new();
        let mut shared: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, e) in dataset.entries.iter().enumerate() {
            if let Some(id) = e.id.as_deref() {
                match first.get(id) {
                    None => {
                        first.insert(id, i);
                    }
                    Some(&one) => shared.entry(id).or_insert_with(|| vec![one]).push(i),
                }
            }
        }
        Places {
            dataset,
            first,
            shared,
            ranges: OnceCell::new(),
        }
    }

    fn ranges(&self) -> &[Place<'d>] {
        self.ranges.get_or_init(|| {
            (0..self.dataset.entries.len())
                .map(|i| entry_range(self.dataset, i))
                .collect()
        })
    }

    fn holds(&self, i: usize, location: &Location) -> bool {
        let range = match self.ranges.get() {
            Some(ranges) => ranges.get(i).cloned().flatten(),
            None => entry_range(self.dataset, i),
        };
        range.is_some_and(|(file, range)| {
            *file == location.file
                && range.start <= location.span.start
                && location.span.end <= range.end
        })
    }

    fn entry_of(&self, id: Option<&str>, location: Option<&Location>) -> Option<usize> {
        let one;
        let candidates: &[usize] = match id {
            Some(id) => match self.shared.get(id) {
                Some(several) => several,
                None => {
                    one = [*self.first.get(id)?];
                    &one
                }
            },
            None => {
                let location = location?;
                let ranges = self.ranges();
                return (0..ranges.len()).find(|&i| self.holds(i, location));
            }
        };
        match (candidates, location) {
            ([one], _) => Some(*one),
            (several, Some(location)) => several
                .iter()
                .copied()
                .find(|&i| self.holds(i, location))
                .or(several.first().copied()),
            (several, None) => several.first().copied(),
        }
    }
}

/// The file name and byte range of the entry at `i`.
fn entry_range(dataset: &Dataset, i: usize) -> Place<'_> {
    let entry = dataset.entries.get(i)?;
    let file = dataset.files.get(entry.file)?;
    let range = match &entry.anchor {
        Anchor::Json { range, prefix } => {
            let text = file.text().get(range.clone())?;
            let found = crate::source::locate(text, prefix)?;
            range.start + found.value.start..range.start + found.value.end
        }
        Anchor::Yaml { spans } => {
            let start = spans.iter().map(|(_, s)| s.start).min()?;
            let end = spans.iter().map(|(_, s)| s.end).max()?;
            start..end
        }
        Anchor::Csv { row, .. } => row.clone(),
    };
    Some((file.name(), range))
}

/// Fills in what each quote and figure was compared with, or why it was not.
/// A source without an archive is left to [`unarchived`], when the row is made; only what
/// was compared with an archive is kept.
fn archive_checks(
    dataset: &Dataset,
    sources: &HashMap<&str, &Source>,
    limits: &Limits,
    by_entry: &mut HashMap<usize, Verdict<'_>>,
) {
    let archives = Archives::load(dataset, limits);
    for (i, e) in dataset.entries.iter().enumerate() {
        let Some(record) = &e.record else {
            continue;
        };
        if compared_source(record, sources).is_none_or(|s| s.archive.is_none()) {
            continue;
        }
        let verdict = by_entry.entry(i).or_default();
        match record {
            Record::Statement(s) => {
                let Some(quote) = s.quote.as_deref() else {
                    continue;
                };
                // An unknown source is an `unknown-reference` finding already.
                let Some(source) = sources.get(s.source.as_str()) else {
                    continue;
                };
                let Some(name) = source.archive.as_deref() else {
                    continue;
                };
                match archives.get(name) {
                    Some(Ok(archive)) => {
                        let outcome = archive.find_quote(quote);
                        match &outcome {
                            QuoteOutcome::Found(_) => verdict.verified.push(outcome.describe(name)),
                            QuoteOutcome::NoWords => verdict
                                .not_verified
                                .push(format!("not verified: {}", outcome.describe(name))),
                            // Not found: a `quote-in-source` finding says so.
                            _ => {}
                        }
                        verdict.quote = Some(QuoteView {
                            archive: name.to_owned(),
                            outcome,
                        });
                    }
                    Some(Err(err)) => verdict.not_verified.push(format!(
                        "not verified: the archive `{name}` could not be read ({err})"
                    )),
                    None => {}
                }
            }
            Record::Statistic(s) => {
                let Some(source) = sources.get(s.source.as_str()) else {
                    continue;
                };
                let Some(name) = source.archive.as_deref() else {
                    continue;
                };
                match archives.get(name) {
                    Some(Ok(archive)) => {
                        for q in std::iter::once(&s.value).chain(&s.equivalents) {
                            // A figure not found is a `figure-in-source` finding.
                            if let Some((_, passage)) = archive.find_figure(q).found {
                                verdict.verified.push(format!(
                                    "figure `{q}` found in source (line {})",
                                    passage.line()
                                ));
                            }
                        }
                    }
                    Some(Err(err)) => verdict.not_verified.push(format!(
                        "not verified: the archive `{name}` could not be read ({err})"
                    )),
                    None => {}
                }
            }
            _ => {}
        }
    }
}
