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
//! file is one instance, a CSV row is one. The schema is read by the one user-schema loader,
//! [`schema::user`](crate::schema::user): `$ref`s resolve offline (files under the schema's
//! folder, `$id`s of its sibling files, and the mappings of `--ref`), never from the network.
//!
//! Nothing here prints; the CLI renders the [`Report`].

use std::path::{Path, PathBuf};

use crate::check::{finish, Report};
use crate::config::Config;
use crate::error::Error;
use crate::format::{json, yaml};
use crate::load::{self, Anchor, Entry, Format, TypingFor};
use crate::schema::user::{self, SchemaFile};

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
    let schema = SchemaFile::load(schema, &user::Options::default())?;
    check_against(&schema, paths, follow_links, selection)
}

/// Validates every instance under `paths` against a schema already loaded (with the
/// mappings and format assertion of its [`user::Options`]), reading from folders only the
/// files `selection` admits.
pub fn check_against(
    schema: &SchemaFile,
    paths: &[PathBuf],
    follow_links: bool,
    selection: &load::Selection,
) -> Result<Report, Error> {
    // YAML scalars and CSV cells are typed by the schema itself and the files it refers to.
    let typing = schema.typing();
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
        findings.extend(
            schema
                .validate(&entry.value)
                .into_iter()
                .map(|v| v.into_diagnostic(i)),
        );
    }
    Ok(finish(dataset, Vec::new(), findings, &Config::default()))
}
