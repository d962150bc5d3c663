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

use crate::check::{Plan, Report, Streamed};
use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::format::{json, yaml};
use crate::load::{self, Anchor, Dataset, Entry, Format, TypingFor};
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
    // YAML scalars and CSV cells are typed by the schema itself and the files it refers to;
    // JSON Lines files are read in chunks by [`read`], not by the loader.
    let options = load::Options {
        kind: None,
        typing: Some(schema.typing()),
        follow_links,
        selection: selection.clone(),
        stream_jsonl: true,
        ..load::Options::default()
    };
    crate::check::run(&Plan::generic(schema), paths, &options)
}

/// The read step of the generic plan: every instance under `paths`, validated against
/// `plan`'s schema. A JSON Lines file on disk is read in bounded chunks and validated as it
/// is read ([`stream_jsonl`](crate::load::json::stream_jsonl)): only its findings, already placed, and the line of each
/// instance stay, so memory does not grow with the file. Other files are read whole.
pub(crate) fn read(
    plan: &Plan<'_>,
    schema: &SchemaFile,
    paths: &[PathBuf],
    options: &load::Options,
) -> Result<(Dataset, Vec<Streamed>, Vec<Diagnostic>), Error> {
    let typing = schema.typing();
    let (mut dataset, mut findings) = load::load_with(paths, options)?;
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
    let mut streamed = Vec::new();
    // A streamed instance over a ceiling is reported and not counted, as the loader does.
    let step = |entry: &mut Entry| match plan.config.limits.check_value(&entry.value) {
        Some(over) => (false, vec![over]),
        None => (true, plan.type_record(entry)),
    };
    let mut checked = 0;
    for (index, loaded) in by_file.into_iter().enumerate() {
        let file = &dataset.files[index];
        match file.format() {
            Format::Json => {
                // The loader split an array into records; here the document is the instance.
                if broken.iter().any(|name| name == file.name()) {
                    continue;
                }
                if let Ok(value) = json::parse(file.text()) {
                    let anchor = Anchor::Json {
                        range: 0..file.text().len(),
                        prefix: String::new(),
                    };
                    dataset.entries.push(Entry::new(index, anchor, value));
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
                        let anchor = Anchor::Yaml {
                            spans: document.spans,
                        };
                        dataset
                            .entries
                            .push(Entry::new(index, anchor, document.value));
                    }
                }
            }
            Format::JsonLines if options.stream_jsonl && file.path().is_some() => {
                match load::json::stream_jsonl(file, &step, &mut findings) {
                    Ok(Some(lines)) => {
                        streamed.push(Streamed { file: index, lines });
                        continue;
                    }
                    Ok(None) => {}
                    // A file found in a folder that vanished or cannot be opened since, as
                    // the loader reports it.
                    Err(Error::Read { path, source }) if !paths.contains(&path) => {
                        findings.push(load::unreadable_during_run(&path, &source));
                        continue;
                    }
                    Err(e) => return Err(e),
                }
                // Not UTF-8: read whole, for the loader's `syntax` finding at its place.
                let path = file.path().map(Path::to_path_buf).unwrap_or_default();
                let read = load::read_file_within(&path, Some(Format::JsonLines), u64::MAX)?;
                if let Some((file, problem)) = read {
                    dataset.files[index] = file;
                    findings.extend(problem);
                }
            }
            Format::JsonLines | Format::Csv => dataset.entries.extend(loaded),
        }
        // The instances of this file, validated (the others of the file were streamed).
        for (i, entry) in dataset.entries.iter_mut().enumerate().skip(checked) {
            findings.extend(plan.type_record(entry).into_iter().map(|d| d.retarget(i)));
        }
        checked = dataset.entries.len();
    }
    Ok((dataset, streamed, findings))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A JSON Lines file read in chunks (1 KiB in unit tests) gives the findings, places,
    /// record count and JUnit cases of the same file read whole: syntax errors, schema
    /// findings and ceilings in every chunk, a record over a chunk boundary, CRLF, blank
    /// lines, a byte order mark and multi-byte characters before a finding.
    #[test]
    fn a_streamed_json_lines_file_is_reported_as_one_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let schema_path = dir.path().join("s.json");
        std::fs::write(
            &schema_path,
            r#"{"type": "object", "required": ["n"], "properties": {"n": {"type": "integer", "maximum": 90}, "s": {"maxLength": 30}}}"#,
        )
        .unwrap();
        let mut text = String::from("\u{feff}");
        for i in 0..400 {
            match i % 7 {
                0 => text.push_str(&format!("{{\"n\": {i}, \"s\": \"żółć {i}\"}}\r\n")),
                1 => text.push('\n'),
                2 => text.push_str(&format!("{{\"n\": {i}, \"id\": \"x{i}\"}}\n")),
                3 => text.push_str(&format!("{{\"n\": {i},, }}\n")),
                4 => text.push_str(&format!(
                    "{{\"m\": {i}, \"s\": \"{}\"}}\n",
                    "é".repeat(i % 50)
                )),
                5 => text.push_str("[1, 2]\n"),
                _ => text.push_str(&format!("  {{\"n\": \"{i}\"}}  \n")),
            }
        }
        text.push_str("{\"n\": 1}");
        let data = dir.path().join("d.jsonl");
        std::fs::write(&data, &text).unwrap();
        let schema = SchemaFile::load(&schema_path, &user::Options::default()).unwrap();
        let paths = [data.clone()];
        let streamed = check_against(&schema, &paths, false, &load::Selection::default()).unwrap();
        let options = load::Options {
            typing: Some(schema.typing()),
            ..load::Options::default()
        };
        let whole = crate::check::run(&Plan::generic(&schema), &paths, &options).unwrap();
        assert!(!streamed.streamed.is_empty() && whole.streamed.is_empty());
        assert!(
            streamed.diagnostics.len() > 100,
            "{}",
            streamed.diagnostics.len()
        );
        let show = |r: &Report| format!("{:#?}", r.diagnostics);
        assert_eq!(show(&streamed), show(&whole));
        assert_eq!(streamed.summary.records, whole.summary.records);
        assert_eq!(
            format!("{:?}", streamed.cases()),
            format!("{:?}", whole.cases())
        );
    }
}
