//! A check run: load, validate against the schemas (bundled, then the extra ones of the
//! configuration), run the rules (built-in, then custom), place the findings.
//!
//! This is the library's main entry point; the CLI only chooses paths and settings and
//! renders the [`Report`].

use std::path::PathBuf;

use rayon::prelude::*;

use crate::config::{Config, Level};
use crate::diagnostic::junit::Case;
use crate::diagnostic::{Diagnostic, Severity, Summary, Target};
use crate::error::Error;
use crate::load::{self, Anchor, Dataset, Entry};
use crate::model::Record;
use crate::rules::{custom, Context, RULES};
use crate::schema::Schemas;
use crate::source;

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

    /// Whether the run fails: any error, or any warning when warnings are denied.
    pub fn fails(&self, deny_warnings: bool) -> bool {
        self.summary.errors > 0 || (deny_warnings && self.summary.warnings > 0)
    }

    /// The JUnit test cases of the run: one per record (or instance), where it is.
    pub fn cases(&self) -> Vec<Case> {
        self.dataset
            .entries
            .iter()
            .enumerate()
            .filter_map(|(i, entry)| {
                let file = self.dataset.files.get(entry.file)?;
                // The whole record's lines (a diagnostic anywhere inside belongs to it).
                let lines = match &entry.anchor {
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
            })
            .collect()
    }
}

/// Checks the dataset at `paths` (the current directory when empty).
pub fn check(paths: &[PathBuf], config: &Config) -> Result<Report, Error> {
    check_with(paths, config, &load::Options::default())
}

/// Checks the dataset at `paths`, reading YAML and CSV files with `options` (`--kind`).
pub fn check_with(
    paths: &[PathBuf],
    config: &Config,
    options: &load::Options,
) -> Result<Report, Error> {
    let schemas = Schemas::bundled()?;
    let release = config.custom_rules.is_empty();
    // Each record is validated and typed as soon as it is read, on every core; the parsed
    // JSON of a typed record is then released (see `check_dataset`).
    let prepare = |entry: &mut Entry| {
        // A record over a ceiling (nesting, string length) is reported and not checked.
        if let Some(over) = config.limits.check_value(&entry.value) {
            return vec![over];
        }
        let (record, diagnostics) = validate(&schemas, config, 0, &entry.value);
        if release && record.is_some() {
            entry.value = serde_json::Value::Null;
        }
        entry.record = record;
        diagnostics
    };
    let mut options = options.clone();
    options.limits = config.limits.clone();
    config.select(&mut options.selection)?;
    options.csv_delimiter = options.csv_delimiter.or(config.csv_delimiter);
    // Schema files that factkit.toml names are not records, even inside the dataset.
    options.skip.extend(
        config
            .schemas
            .iter()
            .filter_map(|s| std::fs::canonicalize(&s.path).ok()),
    );
    let (dataset, findings) = load::load_prepared(paths, &options, &prepare)?;
    let mut report = run_rules(dataset, findings, config);
    note_partial_dataset(&mut report, paths);
    Ok(report)
}

/// When files were named rather than the dataset's folder, the first reference to a missing
/// record says, once, that the records may be in the files not checked.
fn note_partial_dataset(report: &mut Report, paths: &[PathBuf]) {
    let Some(file) = paths.iter().find(|p| p.as_os_str() != "-" && p.is_file()) else {
        return;
    };
    let missing = |d: &Diagnostic| d.rule == "unknown-reference" && d.message.starts_with("no ");
    let count = report.diagnostics.iter().filter(|d| missing(d)).count();
    let Some(first) = report.diagnostics.iter_mut().find(|d| missing(d)) else {
        return;
    };
    let folder = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| ".".to_owned(), |p| p.display().to_string());
    let references = if count == 1 {
        "this reference names no record in them".to_owned()
    } else {
        format!(
            "{} references name no record in them",
            crate::limits::thousands(count as u64)
        )
    };
    let note = format!(
        "only the files named were checked and {references}: the records may be in other files of the dataset; check the whole folder: `factkit check {folder}`"
    );
    first.help = Some(match first.help.take() {
        Some(help) if help.ends_with('?') => format!("{help} {note}"),
        Some(help) => format!("{help}; {note}"),
        None => note,
    });
}

/// Validates one record against its bundled schema and the configured extra schemas, and
/// reads it into its type when it passes.
fn validate(
    schemas: &Schemas,
    config: &Config,
    i: usize,
    value: &serde_json::Value,
) -> (Option<Record>, Vec<Diagnostic>) {
    let mut findings = Vec::new();
    let (kind, violations) = schemas.validate(value);
    if let Some(kind) = kind {
        for extra in config.schemas.iter().filter(|s| s.kind == kind) {
            findings.extend(extra.validate(value, i));
        }
    }
    if !violations.is_empty() {
        findings.extend(violations.into_iter().map(|v| v.into_diagnostic(i)));
        return (None, findings);
    }
    let Some(kind) = kind else {
        return (None, findings);
    };
    match Record::from_value(kind, value) {
        Ok(record) => (Some(record), findings),
        // The schema and the types agree (a test holds them together), so this is only
        // reached if they drift; report it rather than lose the record silently.
        Err(e) => {
            findings.push(
                Diagnostic::new(
                    "schema",
                    Severity::Error,
                    format!("the record passed its schema but cannot be read: {e}"),
                )
                .at(i, ""),
            );
            (None, findings)
        }
    }
}

/// Checks an already loaded dataset; `findings` are those of loading (syntax errors).
pub fn check_dataset(
    mut dataset: Dataset,
    mut findings: Vec<Diagnostic>,
    config: &Config,
) -> Result<Report, Error> {
    let schemas = Schemas::bundled()?;
    // Validating and typing a record needs nothing from the others, so it runs on every
    // core; `collect` keeps dataset order, so the output does not depend on the threads.
    let outcomes: Vec<(Option<Record>, Vec<Diagnostic>)> = dataset
        .entries
        .par_iter()
        .enumerate()
        .map(|(i, entry)| validate(&schemas, config, i, &entry.value))
        .collect();
    // A typed record carries everything its JSON did (a test holds the types and schemas
    // together), so the parsed JSON of typed records is released unless custom rules, which
    // see records as JSON, need it: for a large dataset it is most of the memory.
    let release = config.custom_rules.is_empty();
    for (entry, (record, diagnostics)) in dataset.entries.iter_mut().zip(outcomes) {
        if release && record.is_some() {
            entry.value = serde_json::Value::Null;
        }
        entry.record = record;
        findings.extend(diagnostics);
    }
    Ok(run_rules(dataset, findings, config))
}

/// Runs the cross-field rules (built-in, then custom) over a validated dataset.
fn run_rules(dataset: Dataset, mut findings: Vec<Diagnostic>, config: &Config) -> Report {
    let cx = Context::new(&dataset, config);
    for rule in RULES {
        if let Some(run) = rule.check {
            findings.extend(run(&cx));
        }
    }
    findings.extend(custom::check(&cx));
    drop(cx);
    finish(dataset, findings, config)
}

/// Applies the configured severities, places the findings in their files, keeps each within
/// `max_finding_size`, marks those `[[accept]]` accepts (reporting each entry that accepts
/// none as `stale-accept`), sorts them and counts them.
pub(crate) fn finish(dataset: Dataset, findings: Vec<Diagnostic>, config: &Config) -> Report {
    let mut diagnostics = Vec::with_capacity(findings.len());
    let mut config_text = None;
    let level = |d: &mut Diagnostic| {
        let default = crate::rules::find(&d.rule).map_or(d.severity, |r| r.severity);
        match config.level(&d.rule, default) {
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
    for entry in config.accepts.apply(&mut diagnostics) {
        config_text = config.accepts.source().cloned();
        let mut d = stale(entry, config);
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
        records: dataset.entries.len(),
        errors,
        warnings: diagnostics.len() - errors - accepted,
        accepted,
    };
    Report {
        dataset,
        diagnostics,
        summary,
        config_text,
    }
}

/// The `stale-accept` finding of an `[[accept]]` entry that accepts nothing, at its place in
/// factkit.toml.
fn stale(entry: &crate::accept::Accept, config: &Config) -> Diagnostic {
    let rule = &entry.rule;
    let record = &entry.record;
    let file = entry
        .file
        .as_ref()
        .map_or_else(String::new, |f| format!(" in `{f}`"));
    let default = crate::rules::find(rule)
        .map(|r| r.severity)
        .or_else(|| config.custom_rule(rule).map(|r| r.definition.severity))
        .unwrap_or(Severity::Error);
    let why = if config.level(rule, default) == Level::Off {
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
