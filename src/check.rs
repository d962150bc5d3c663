//! A check run: load, validate against the schemas, run the rules, place the findings.
//!
//! This is the library's main entry point; the CLI only chooses paths and settings and
//! renders the [`Report`].

use std::path::PathBuf;

use crate::config::{Config, Level};
use crate::diagnostic::{Diagnostic, Severity, Summary};
use crate::error::Error;
use crate::load::{self, Dataset};
use crate::model::Record;
use crate::rules::{Context, RULES};
use crate::schema::Schemas;

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
    let (dataset, findings) = load::load_with(paths, options)?;
    check_dataset(dataset, findings, config)
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
    Ok(Report {
        dataset,
        diagnostics,
        summary,
    })
}
