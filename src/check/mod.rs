//! A check run, top to bottom in [`run`]: plan -> read in parallel chunks -> ceilings ->
//! validate -> type -> per-record rules -> cross-record rules -> report.
//!
//! This is the library's main entry point; the CLI only chooses paths and settings and
//! renders the [`Report`]. [`plan`] resolves the settings once (schemas compiled, rules
//! that are off left out); the per-record steps run inside the loader's chunks, on every
//! core, so a chunk's parsed JSON is dropped before the next is read; [`report`] places,
//! accepts, sorts and counts the findings. The generic mode (`check --schema`,
//! [`crate::generic`]) is another [`Plan`] through the same steps. Nothing here prints.

pub mod plan;
pub mod report;

use std::path::PathBuf;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::load::{self, Dataset};
use crate::rules::{custom, Context};

pub use plan::Plan;
pub(crate) use report::finish;
pub use report::{Report, Streamed};

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
    check_planned(&Plan::new(config)?, paths, options)
}

/// Checks the dataset at `paths` as `plan` says (factkit.toml already checked and compiled).
pub fn check_planned(
    plan: &Plan<'_>,
    paths: &[PathBuf],
    options: &load::Options,
) -> Result<Report, Error> {
    let mut report = run(plan, paths, options)?;
    note_partial_dataset(&mut report, paths);
    Ok(report)
}

/// The pipeline of a record check, step by step.
pub fn run(plan: &Plan<'_>, paths: &[PathBuf], options: &load::Options) -> Result<Report, Error> {
    let config = &*plan.config;
    // Plan the reading: ceilings, the files factkit.toml selects, the CSV delimiter.
    let mut options = options.clone();
    options.limits = config.limits.clone();
    config.select(&mut options.selection)?;
    options.csv_delimiter = options.csv_delimiter.or(config.csv_delimiter);
    // Schema files that factkit.toml names are not records, even inside the dataset.
    options.skip.extend(
        plan.resolved
            .schemas()
            .iter()
            .filter_map(|s| std::fs::canonicalize(&s.path).ok()),
    );
    // Read in parallel chunks; each record, as soon as it is parsed: ceilings -> validate ->
    // type -> the custom rules that read one record -> its JSON dropped (`Plan::prepare`).
    // The generic mode reads instances, not records, and streams JSON Lines files.
    let (dataset, streamed, mut findings) = match &plan.mode {
        plan::Mode::Records(_) => {
            let (dataset, findings) =
                load::load_prepared(paths, &options, &|entry| plan.prepare(entry))?;
            (dataset, Vec::new(), findings)
        }
        plan::Mode::Generic(schema) => crate::generic::read(plan, schema, paths, &options)?,
    };
    // The rules over many records, on the typed records.
    findings.extend(cross_record(plan, &dataset));
    // Severities, places, `[[accept]]`, order, counts.
    Ok(finish(dataset, streamed, findings, plan))
}

/// The rules that read more than one record: the built-in ones that are not turned off,
/// then the custom rules that call `record(id)`.
fn cross_record(plan: &Plan<'_>, dataset: &Dataset) -> Vec<Diagnostic> {
    let plan::Mode::Records(records) = &plan.mode else {
        return Vec::new();
    };
    let cx = Context::new(dataset, &plan.config);
    // Each rule reads the dataset and nothing else, so they run side by side; `collect`
    // keeps catalogue order (and `finish` sorts anyway).
    let mut findings: Vec<Diagnostic> = records
        .cross_record
        .par_iter()
        .filter_map(|rule| rule.check)
        .flat_map_iter(|run| run(&cx))
        .collect();
    findings.extend(custom::check(&cx, &records.over_dataset));
    findings
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

#[cfg(any(test, fuzzing))]
/// Checks an already loaded dataset; `findings` are those of loading (syntax errors). The
/// ceilings are not applied again (the loader did).
pub fn check_dataset(
    mut dataset: Dataset,
    mut findings: Vec<Diagnostic>,
    config: &Config,
) -> Result<Report, Error> {
    let plan = Plan::new(config)?;
    // Validating and typing a record needs nothing from the others, so it runs on every
    // core; `collect` keeps dataset order, so the output does not depend on the threads.
    let outcomes: Vec<Vec<Diagnostic>> = dataset
        .entries
        .par_iter_mut()
        .map(|entry| plan.type_record(entry))
        .collect();
    for (i, diagnostics) in outcomes.into_iter().enumerate() {
        findings.extend(diagnostics.into_iter().map(|d| d.retarget(i)));
    }
    findings.extend(cross_record(&plan, &dataset));
    Ok(finish(dataset, Vec::new(), findings, &plan))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A custom rule that reads one record runs inside its chunk, where the record's JSON
    /// still is; one that calls `record(id)` runs after the dataset is read, on JSON kept for
    /// it. Each reports once, at its pointer, with or without the other in the same run.
    #[test]
    fn custom_rules_run_per_record_or_over_the_dataset() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("records.jsonl"),
            concat!(
                r#"{"kind": "source", "id": "src-a", "title": "A report", "publisher": "Office", "url": "https://x.example/a", "published": "2026-01-02"}"#,
                "\n",
                r#"{"kind": "source", "id": "src-b", "title": "B", "publisher": "Office", "url": "http://x.example/b", "published": "2026-01-02"}"#,
                "\n",
            ),
        )
        .unwrap();
        let own = r#"
[[rule]]
id = "https-only"
kind = "source"
expr = "self.url.startsWith('https://')"
message = "{self.id} is not https"
pointer = "/url"
"#;
        let other = r#"
[[rule]]
id = "title-longer-than-a"
kind = "source"
expr = "self.id == 'src-a' || size(self.title) > size(record('src-a').title)"
message = "{self.id} has a shorter title than src-a"
pointer = "/title"
"#;
        let run = |toml: &str| {
            let path = dir.path().join("factkit.toml");
            std::fs::write(&path, toml).unwrap();
            let config = Config::load(&path).unwrap();
            let report = check(&[dir.path().to_path_buf()], &config).unwrap();
            let mut found: Vec<String> = report
                .diagnostics
                .iter()
                .filter(|d| d.rule != "missing-recommended")
                .map(|d| {
                    let l = d.location.as_ref().unwrap();
                    format!("{} {} {}:{}", d.rule, d.message, l.line, l.column)
                })
                .collect();
            found.sort();
            found
        };
        let https = "https-only src-b is not https 2:79";
        let title = "title-longer-than-a src-b has a shorter title than src-a 2:44";
        assert_eq!(run(own), [https]);
        assert_eq!(run(other), [title]);
        assert_eq!(run(&format!("{own}{other}")), [https, title]);
    }
}

#[cfg(test)]
mod chunked {
    use super::*;

    /// A large JSON Lines file (over 1 KiB in unit tests) is read in chunks, its text never
    /// held whole; the report is the one of the same file read whole: syntax errors, schema
    /// findings, cross-record findings with their notes, record count, all placed alike,
    /// after a byte order mark, CRLF, blank lines and multi-byte characters.
    #[test]
    fn a_large_json_lines_file_is_checked_in_chunks_as_if_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::from("\u{feff}");
        for i in 0..300 {
            let line = match i % 6 {
                0 => format!(
                    r#"{{"kind": "entity", "id": "e{i}", "type": "person", "name": "Қасым {i}"}}"#
                ),
                1 => format!(
                    r#"{{"kind": "entity", "id": "e{}", "type": "person", "name": "twice"}}"#,
                    i - 1
                ),
                2 => format!(
                    r#"{{"kind": "statement", "id": "s{i}", "quote": "é {i}", "speaker": "e{}", "source": "src-x"}}"#,
                    i + 1000
                ),
                3 => format!(r#"{{"kind": "entity", "id": "e{i}",, }}"#),
                4 => format!(r#"{{"kind": "entity", "id": "e{i}", "type": "persn", "name": "N"}}"#),
                _ => String::new(),
            };
            text.push_str(&line);
            text.push_str(if i % 2 == 0 { "\r\n" } else { "\n" });
        }
        let path = dir.path().join("big.jsonl");
        std::fs::write(&path, &text).unwrap();
        let config = Config::default();
        let run = |whole: bool| {
            crate::load::WHOLE_TEXT.with(|w| w.set(whole));
            let report = check(std::slice::from_ref(&path), &config).unwrap();
            crate::load::WHOLE_TEXT.with(|w| w.set(false));
            // The human report, whose excerpts come line by line from a released file.
            let human = crate::render::to_string(
                crate::render::Format::Human,
                &report.diagnostics,
                &report.texts(),
                &crate::render::Options::default(),
            );
            let cases: Vec<_> = report
                .cases()
                .iter()
                .map(|c| (c.record.clone(), c.lines))
                .collect();
            (
                format!("{:#?}\n{human}\n{cases:?}", report.diagnostics),
                report.summary.records,
                report.dataset.files[0].text.get().is_some(),
            )
        };
        let (chunked, records, held) = run(false);
        let (whole, whole_records, _) = run(true);
        assert!(!held, "the chunked file's text was read whole");
        assert!(
            chunked.contains("^"),
            "no excerpt in the human report: {chunked}"
        );
        assert_eq!(records, whole_records);
        assert!(chunked.matches("rule: \"").count() > 150, "{chunked}");
        for rule in ["syntax", "schema", "duplicate-id", "unknown-reference"] {
            assert!(chunked.contains(&format!("rule: \"{rule}\"")), "{rule}");
        }
        assert_eq!(chunked, whole);
    }
}
