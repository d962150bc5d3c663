//! The generic mode, `check --schema FILE [PATH]...`: any JSON Schema over any instances.
//!
//! No kinds and no cross-field rules: every instance is validated against the one schema
//! (draft 4, 6, 7, 2019-09 or 2020-12, by its `$schema`; 2020-12 when it names none; formats
//! are checked or only annotated as that draft's specification says). It is what a plain
//! JSON Schema validator does in CI, with the same located diagnostics (`syntax` and
//! `schema`) and output formats as a record check.
//!
//! Files are found and read by the record loader ([`load::load`]), so discovery, standard
//! input, encodings and syntax errors behave exactly as for records; the instances are then
//! regrouped: a `.json` file is *one* instance (an array is not split into records), while
//! each line of a `.jsonl` file stays an instance of its own. A further format of the loader
//! must say here which of the two it is (the match below is exhaustive on purpose): a YAML
//! file is one instance, a CSV row is one. Schema `$ref`s are resolved by
//! [`schema::file`](crate::schema::file): sibling files under the schema's folder only, and
//! never the network.
//!
//! Nothing here prints; the CLI renders the [`Report`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::check::{finish, Report};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Severity};
use crate::error::Error;
use crate::format::{json, yaml};
use crate::load::{self, Anchor, Entry, Format, TypingFor};
use crate::schema::file;
use crate::typing::Typing;

/// Validates every instance under `paths` (the current directory when empty) against the
/// schema at `schema`.
pub fn check(schema: &Path, paths: &[PathBuf]) -> Result<Report, Error> {
    check_with(schema, paths, false)
}

/// Like [`check`]; `follow_links` reads files that symbolic links inside a folder lead to
/// outside it (`--follow-links`, see [`load::Options::follow_links`]).
pub fn check_with(schema: &Path, paths: &[PathBuf], follow_links: bool) -> Result<Report, Error> {
    check_selected(schema, paths, follow_links, &load::Selection::default())
}

/// Like [`check_with`], reading from folders only the files `selection` admits
/// (`--exclude`, `--no-ignore`; see [`load::Options::selection`]).
pub fn check_selected(
    schema: &Path,
    paths: &[PathBuf],
    follow_links: bool,
    selection: &load::Selection,
) -> Result<Report, Error> {
    let validator = file::compile(schema, jsonschema::options())?;
    // YAML scalars and CSV cells are typed by the schema itself (a `$ref` to a sibling file
    // leaves the value it names untyped: strings stay strings).
    let name = schema.display().to_string();
    let typing = Arc::new(Typing::new(
        HashMap::from([(name.clone(), file::read(schema)?)]),
        name,
    ));
    let options = load::Options {
        kind: None,
        typing: Some(typing.clone()),
        follow_links,
        selection: selection.clone(),
        ..load::Options::default()
    };
    let (mut dataset, mut findings) = load::load_with(paths, &options)?;
    let entries = std::mem::take(&mut dataset.entries);
    let mut by_file: Vec<Vec<Entry>> = dataset.files.iter().map(|_| Vec::new()).collect();
    for entry in entries {
        by_file[entry.file].push(entry);
    }
    // Files the loader could not read as JSON at all (encoding, syntax) were reported by it.
    let broken: Vec<String> = findings
        .iter()
        .filter_map(|d| d.location.as_ref().map(|l| l.file.clone()))
        .collect();
    for (index, (file, loaded)) in dataset.files.iter().zip(by_file).enumerate() {
        match file.format() {
            Format::Json => {
                // The loader split an array into records; here the document is the instance.
                if broken.iter().any(|name| name == file.name()) {
                    continue;
                }
                if let Ok(value) = json::parse(file.text()) {
                    dataset.entries.push(Entry::new(
                        index,
                        Anchor::Json {
                            range: 0..file.text().len(),
                            prefix: String::new(),
                        },
                        value,
                    ));
                }
            }
            Format::Yaml => {
                // As for JSON, the document (a list included) is the instance.
                if broken.iter().any(|name| name == file.name()) {
                    continue;
                }
                let types: &TypingFor<'_> = &|_| Some(&*typing);
                if let Ok(documents) = yaml::documents(file.text(), types) {
                    for document in documents {
                        dataset.entries.push(Entry::new(
                            index,
                            Anchor::Yaml {
                                spans: document.spans,
                            },
                            document.value,
                        ));
                    }
                }
            }
            Format::JsonLines | Format::Csv => dataset.entries.extend(loaded),
        }
    }
    for (i, entry) in dataset.entries.iter_mut().enumerate() {
        // Instances are not records: no kind, and an `id` field names nothing.
        entry.kind = None;
        entry.id = None;
        let mut violations: Vec<_> = validator
            .iter_errors(&entry.value)
            .map(|e| file::violation(&e))
            .collect();
        violations.sort_by(|a, b| {
            a.pointer
                .cmp(&b.pointer)
                .then_with(|| a.message.cmp(&b.message))
        });
        violations.dedup();
        findings.extend(violations.into_iter().map(|v| {
            let mut d = Diagnostic::new("schema", Severity::Error, v.message).at(i, v.pointer);
            if let Some(e) = v.expected {
                d = d.expected(e);
            }
            if let Some(f) = v.found {
                d = d.found(f);
            }
            d
        }));
    }
    Ok(finish(dataset, findings, &Config::default()))
}
