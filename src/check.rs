//! A check run: load, validate against the schemas (bundled, then the extra ones of the
//! configuration), run the rules (built-in, then custom), place the findings.
//!
//! This is the library's main entry point; the CLI only chooses paths and settings and
//! renders the [`Report`].

use std::path::PathBuf;

use crate::config::{Config, Level};
use crate::diagnostic::junit::Case;
use crate::diagnostic::{Diagnostic, Severity, Summary, Target};
use crate::error::Error;
use crate::load::{self, Anchor, Dataset};
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
}

impl Report {
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
    let options = &load::Options {
        limits: config.limits.clone(),
        ..options.clone()
    };
    let (mut dataset, mut findings) = load::load_with(paths, options)?;
    leave_out_schemas(&mut dataset, &mut findings, config);
    check_dataset(dataset, findings, config)
}

/// Leaves the extra schemas of the configuration out of the dataset: a desk keeps them in
/// the data repository, where a directory search finds them, but they are not records.
fn leave_out_schemas(dataset: &mut Dataset, findings: &mut Vec<Diagnostic>, config: &Config) {
    if config.schemas.is_empty() {
        return;
    }
    let schemas: Vec<PathBuf> = config
        .schemas
        .iter()
        .filter_map(|s| std::fs::canonicalize(&s.path).ok())
        .collect();
    let is_schema: Vec<bool> = dataset
        .files
        .iter()
        .map(|f| {
            f.path()
                .and_then(|p| std::fs::canonicalize(p).ok())
                .is_some_and(|p| schemas.contains(&p))
        })
        .collect();
    if !is_schema.contains(&true) {
        return;
    }
    let names: Vec<String> = dataset
        .files
        .iter()
        .zip(&is_schema)
        .filter(|(_, s)| **s)
        .map(|(f, _)| f.name().to_owned())
        .collect();
    findings.retain(|d| d.location.as_ref().is_none_or(|l| !names.contains(&l.file)));
    let mut new_index = Vec::with_capacity(is_schema.len());
    let mut next = 0;
    for schema in &is_schema {
        new_index.push(next);
        if !schema {
            next += 1;
        }
    }
    dataset.entries.retain(|e| !is_schema[e.file]);
    for entry in &mut dataset.entries {
        entry.file = new_index[entry.file];
    }
    let mut keep = is_schema.iter().map(|s| !s);
    dataset.files.retain(|_| keep.next().unwrap_or(true));
}

/// Checks an already loaded dataset; `findings` are those of loading (syntax errors).
pub fn check_dataset(
    mut dataset: Dataset,
    mut findings: Vec<Diagnostic>,
    config: &Config,
) -> Result<Report, Error> {
    let schemas = Schemas::bundled()?;
    for (i, entry) in dataset.entries.iter_mut().enumerate() {
        let (kind, violations) = schemas.validate(&entry.value);
        if let Some(kind) = kind {
            for extra in config.schemas.iter().filter(|s| s.kind == kind) {
                findings.extend(extra.validate(&entry.value, i));
            }
        }
        if !violations.is_empty() {
            findings.extend(violations.into_iter().map(|v| v.into_diagnostic(i)));
            continue;
        }
        let Some(kind) = kind else { continue };
        match Record::from_value(kind, &entry.value) {
            Ok(record) => entry.record = Some(record),
            // The schema and the types agree (a test holds them together), so this is only
            // reached if they drift; report it rather than lose the record silently.
            Err(e) => findings.push(
                Diagnostic::new(
                    "schema",
                    Severity::Error,
                    format!("the record passed its schema but cannot be read: {e}"),
                )
                .at(i, ""),
            ),
        }
    }
    let cx = Context::new(&dataset, config);
    for rule in RULES {
        if let Some(run) = rule.check {
            findings.extend(run(&cx));
        }
    }
    findings.extend(custom::check(&cx));
    Ok(finish(dataset, findings, config))
}

/// Applies the configured severities, places the findings in their files, sorts them and
/// counts them.
pub(crate) fn finish(dataset: Dataset, findings: Vec<Diagnostic>, config: &Config) -> Report {
    let mut diagnostics = Vec::with_capacity(findings.len());
    for mut d in findings {
        let default = crate::rules::find(&d.rule).map_or(d.severity, |r| r.severity);
        match config.level(&d.rule, default) {
            Level::Off => continue,
            Level::Report(severity) => d.severity = severity,
        }
        dataset.place(&mut d);
        diagnostics.push(d);
    }
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let summary = Summary {
        files: dataset.files.len(),
        records: dataset.entries.len(),
        errors,
        warnings: diagnostics.len() - errors,
    };
    Report {
        dataset,
        diagnostics,
        summary,
    }
}
