//! Exports: a checked dataset into CSV, JSON-LD, Markdown, HTML, JSON or JSON Lines.
//!
//! Each exporter is a function from the checked [`Report`] (records and their diagnostics) to
//! an [`io::Write`], in its own file that opens with the spec of what it writes: [`csv`] (the
//! columns of each kind), [`jsonld`] (the schema.org mapping), [`markdown`] (the fact-check
//! table), [`html`] (the same tables as one web page) and [`json`] (normalised records).
//! Every export is deterministic: records come in dataset order (files in the order they
//! were read, records in file order), and nothing depends on the clock, the machine or a
//! random source, so the same input gives byte-identical output.
//!
//! This module holds what the exporters share: the [`Format`] enum and its dispatch, the
//! [`Options`], the [`Note`]s that say which records an export leaves out or writes as they
//! were read, and the helper that writes files atomically ([`write_atomic`], which is [`crate::atomic`]). It does
//! not check, print or decide exit codes: the CLI checks first, refuses a dataset with errors
//! unless told otherwise, and presents the notes.
//!
//! **Records that failed their schema** (only exported with `--allow-errors`) have no typed
//! form. JSON and JSON Lines write them exactly as they were read (not normalised); Markdown
//! and HTML list them, and every file or line that could not be parsed, in a section "Could
//! not be shown" with their place and findings; CSV and JSON-LD leave them out. Either way each
//! one gets a [`Note`] naming it and its place, and so does every file or line that could not
//! be parsed at all: nothing is dropped silently.
//!
//! The Check column of Markdown and HTML comes from [`verdict`], shared so that both say the
//! same: passed, failed or not verified, each finding on the record it is reported on.
//!
//! **One contract, streamed.** Every format is written by [`export`] (and, for files,
//! [`to_path`], which stages each file through a buffered writer into a temporary file that
//! is renamed into place only when complete: a partial file is never left), to a
//! `&mut dyn Write`, one record at a time in dataset order, like the diagnostic renderers of
//! [`crate::render`](mod@crate::render). No exporter builds its whole document in memory:
//!
//! - CSV, JSON and JSON Lines write each record as it comes (a row, an array element, a
//!   line);
//! - JSON-LD is one object, but its `@graph` is written element by element, each node made,
//!   written and dropped in turn;
//! - Markdown and HTML write their tables row by row. Their summary line needs only the
//!   counts of the [`Report`]; HTML's row counts by outcome come before the tables, so they
//!   are counted first from the verdicts, without writing anything.
//!
//! What an export holds besides the report is what a record's row needs from elsewhere in
//! the run: the records by id (a reference shows its entity's name, its source's title) and,
//! for Markdown and HTML, the [`verdict::Verdicts`] (a record's Check column gathers findings
//! reported anywhere). Every exporter writes only Rust strings (and CSV's byte-order mark),
//! so what it writes is UTF-8 by construction.

pub mod csv;
pub mod html;
pub mod json;
pub mod jsonld;
pub mod markdown;
pub mod verdict;

use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use num_rational::BigRational;

use crate::atomic::Reads;
use crate::check::Report;
use crate::config::Config;
use crate::diagnostic::{Location, Target};
use crate::error::Error;
use crate::load::Entry;
use crate::model::{Kind, Record};

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values, one file per kind ([`csv`]).
    Csv,
    /// One JSON-LD document with the schema.org context ([`jsonld`]).
    JsonLd,
    /// The fact-check tables for editors ([`markdown`]).
    Markdown,
    /// One self-contained web page of the fact-check tables ([`html`]).
    Html,
    /// A JSON array of normalised records ([`json`]).
    Json,
    /// One normalised record per line ([`json`]).
    JsonLines,
}

impl Format {
    /// The name used by `--to`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::JsonLd => "jsonld",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Json => "json",
            Format::JsonLines => "jsonl",
        }
    }

    /// Whether records that failed their schema are written as they were read, rather than
    /// left out.
    pub fn keeps_untyped(self) -> bool {
        matches!(self, Format::Json | Format::JsonLines)
    }

    /// Whether the export is for people to read (Markdown, HTML): it shows every record,
    /// those that could not be typed in a "Could not be shown" section.
    pub fn is_for_people(self) -> bool {
        matches!(self, Format::Markdown | Format::Html)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Settings of an export.
#[derive(Debug, Clone)]
pub struct Options {
    /// Only records of this kind (`--kind`).
    pub kind: Option<Kind>,
    /// JSON-LD: the base of every `@id`, which is `BASE#id`; `None` gives the relative `#id`
    /// (`--base-url`, else `[jsonld] base_url` of factkit.toml). Check it with
    /// [`jsonld::check_base_url`].
    pub base_url: Option<String>,
    /// CSV: start each file with a UTF-8 byte-order mark, for Excel (`--bom`).
    pub bom: bool,
    /// Markdown: how far `about` widens a figure when showing implied exchange rates; the
    /// check's own tolerance, so the table and the findings agree.
    pub about_tolerance: BigRational,
    /// Markdown and HTML: only the records with errors or warnings reported on them, plus the
    /// summary and the "Could not be shown" section (`--only failing`).
    pub only_failing: bool,
    /// Markdown: the ceilings under which archived sources are read again for the table's
    /// "quote found" lines; the check's own, so the table and the findings agree.
    pub limits: crate::limits::Limits,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            kind: None,
            base_url: None,
            bom: false,
            about_tolerance: Config::default().about_tolerance,
            only_failing: false,
            limits: crate::limits::Limits::default(),
        }
    }
}

impl Options {
    /// Whether an entry is selected by `--kind` (entries of an unknown kind never are).
    pub(crate) fn selects(&self, entry: &Entry) -> bool {
        match (self.kind, entry.kind) {
            (None, _) => true,
            (Some(want), Some(kind)) => want == kind,
            (Some(_), None) => false,
        }
    }
}

/// A record an export leaves out or writes as it was read, or a part of a file that could
/// not be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Where, when known.
    pub location: Option<Location>,
    /// What happened to it.
    pub message: String,
}

impl fmt::Display for Note {
    /// `examples/broken/statistics.json:12:11: ...`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(l) = &self.location {
            write!(f, "{}:{}:{}: ", l.file, l.line, l.column)?;
        }
        f.write_str(&self.message)
    }
}

/// A statistic's figure for a fact-check table (Markdown and HTML, each with its own
/// `escape`): the value, then each equivalent on a line of its own (`<br>`), with the rate
/// it implies when it is in another currency, so an editor sees the conversion at a glance.
fn figure_with_equivalents(
    r: &crate::model::Statistic,
    tolerance: &BigRational,
    escape: impl Fn(&str) -> String,
) -> String {
    use std::fmt::Write as _;
    let mut value = escape(&r.value.to_string());
    for eq in &r.equivalents {
        let _ = write!(value, "<br>= {}", escape(&eq.to_string()));
        let (Some(from), Some(to)) = (r.value.currency.as_deref(), eq.currency.as_deref()) else {
            continue;
        };
        if from == to {
            continue;
        }
        if let Some(rate) = r.value.interval(tolerance).div(&eq.interval(tolerance)) {
            let _ = write!(
                value,
                " (implies {} to {} {} per {})",
                crate::model::decimal::format_significant(&rate.lo, 4),
                crate::model::decimal::format_significant(&rate.hi, 4),
                escape(from),
                escape(to)
            );
        }
    }
    value
}

/// The typed records selected by `options`, with their entry index, in dataset order.
pub fn records<'r>(
    report: &'r Report,
    options: &'r Options,
) -> impl Iterator<Item = (usize, &'r Record)> + 'r {
    report
        .dataset
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| options.selects(e))
        .filter_map(|(i, e)| Some((i, e.record.as_ref()?)))
}

/// The kinds that have at least one typed record selected by `options`, in the order of
/// [`Kind::ALL`].
pub fn kinds(report: &Report, options: &Options) -> Vec<Kind> {
    Kind::ALL
        .into_iter()
        .filter(|&k| records(report, options).any(|(_, r)| r.kind() == k))
        .collect()
}

/// What an export in `format` does with what it cannot type: one note per record that failed
/// its schema (left out, or written as read), and one per file or line that could not be
/// parsed. Records of another kind than `--kind` are not mentioned; a record whose `kind` is
/// not a kind is, whatever `--kind` says.
pub fn notes(report: &Report, format: Format, options: &Options) -> Vec<Note> {
    let mut notes = Vec::new();
    for d in &report.diagnostics {
        if d.rule == "syntax" {
            let message = if format.is_for_people() {
                format!(
                    "this could not be parsed, so the records in it are not in the tables: it is listed under \"Could not be shown\" in the {format} export"
                )
            } else {
                "this could not be parsed, so the records in it are not exported".into()
            };
            notes.push(Note {
                location: d.location.clone(),
                message,
            });
        }
    }
    for (i, entry) in report.dataset.entries.iter().enumerate() {
        if entry.record.is_some() || (entry.kind.is_some() && !options.selects(entry)) {
            continue;
        }
        let name = entry.id.as_deref().map_or_else(
            || "a record without an id".to_owned(),
            |id| format!("`{id}`"),
        );
        let why = match entry.kind {
            Some(kind) => format!("failed the {kind} schema"),
            None => "has no valid `kind`".to_owned(),
        };
        let what = if format.keeps_untyped() && options.selects(entry) {
            "written as it was read, not normalised"
        } else if format.is_for_people() {
            "listed under \"Could not be shown\""
        } else {
            "left out"
        };
        notes.push(Note {
            location: report.dataset.locate(&Target {
                entry: i,
                pointer: String::new(),
            }),
            message: format!("{name} {why}: {what} in the {format} export"),
        });
    }
    if format == Format::JsonLd {
        notes.extend(jsonld::notes(report, options));
    }
    notes
}

/// Writes the export of `report` in `format` to `out`, as one document: the crate's one
/// export entry point (the CLI's standard output, [`to_path`]'s files and a library caller's
/// own writer all go through it). Records are written one at a time in dataset order, and
/// nothing is written before the first record is ready, so a usage error leaves `out`
/// untouched. CSV holds one kind per file, so a CSV export needs `--kind` or a dataset of one
/// kind (else [`Error::Usage`]); use [`to_path`] to write a directory of one file per kind.
///
/// A failed write is [`Error::Write`] on the path `-`. `out` is written in small pieces:
/// hand in a buffered writer.
pub fn export(
    format: Format,
    report: &Report,
    options: &Options,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let kind = match format {
        Format::Csv => Some(single_csv_kind(report, options)?),
        _ => None,
    };
    write_one(format, kind, report, options, out).map_err(|source| Error::Write {
        path: "-".into(),
        source,
    })
}

/// [`export`] under its earlier name and argument order.
pub fn to_writer(
    report: &Report,
    format: Format,
    options: &Options,
    out: &mut dyn Write,
) -> Result<(), Error> {
    export(format, report, options, out)
}

/// Writes the export of `report` under `path`, atomically, and returns the files written.
///
/// `path` is a file, except for CSV without `--kind`, where it is a directory (created if
/// missing) that gets one file per kind that has records (`statistics.csv`, …); other files in
/// it are left alone. With `--kind`, a CSV path that is an existing directory gets
/// `KINDS.csv` inside it. Every file is first written in full to a temporary file beside it;
/// only when all are complete are they renamed into place. A FIFO or device (`/dev/stdout`)
/// is written to directly (see [`crate::atomic`]).
pub fn to_path(
    report: &Report,
    format: Format,
    options: &Options,
    path: &Path,
) -> Result<Vec<PathBuf>, Error> {
    to_path_guarded(report, format, options, path, &Reads::default())
}

/// Like [`to_path`], but refuses, before anything is written or a folder is made, to write a
/// file that would replace one the run read or land in its dataset folder (see
/// [`Reads::check`]).
pub fn to_path_guarded(
    report: &Report,
    format: Format,
    options: &Options,
    path: &Path,
    reads: &Reads,
) -> Result<Vec<PathBuf>, Error> {
    if format != Format::Csv {
        reads.check(path)?;
        write_atomic(&[path.to_path_buf()], |_, out| {
            write_one(format, None, report, options, out)
        })?;
        return Ok(vec![path.to_path_buf()]);
    }
    let (dir, kinds) = match options.kind {
        Some(kind) if !path.is_dir() => {
            reads.check(path)?;
            write_atomic(&[path.to_path_buf()], |_, out| {
                write_one(format, Some(kind), report, options, out)
            })?;
            return Ok(vec![path.to_path_buf()]);
        }
        Some(kind) => (path, vec![kind]),
        None => (path, kinds(report, options)),
    };
    let paths: Vec<PathBuf> = kinds
        .iter()
        .map(|k| dir.join(format!("{}.csv", k.plural())))
        .collect();
    reads.check_all(&paths)?;
    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    write_atomic(&paths, |i, out| {
        write_one(format, Some(kinds[i]), report, options, out)
    })?;
    Ok(paths)
}

/// Writes one document: the dispatch behind [`export`] and [`to_path`]. `kind` is the one
/// kind of a CSV document (ignored by the other formats).
fn write_one(
    format: Format,
    kind: Option<Kind>,
    report: &Report,
    options: &Options,
    out: &mut dyn Write,
) -> io::Result<()> {
    match (format, kind) {
        (Format::Json, _) => json::write_json(report, options, out),
        (Format::JsonLines, _) => json::write_jsonl(report, options, out),
        (Format::JsonLd, _) => jsonld::write(report, options, out),
        (Format::Markdown, _) => markdown::write(report, options, out),
        (Format::Html, _) => html::write(report, options, out),
        (Format::Csv, Some(kind)) => csv::write(report, kind, options, out),
        // Invariant: `export` and `to_path` resolve the kind of every CSV document first.
        (Format::Csv, None) => Err(io::Error::other(
            "a CSV export is written one kind at a time",
        )),
    }
}

/// The one kind a single CSV document holds: `--kind`, or the only kind with records.
fn single_csv_kind(report: &Report, options: &Options) -> Result<Kind, Error> {
    if let Some(kind) = options.kind {
        return Ok(kind);
    }
    match kinds(report, options)[..] {
        [kind] => Ok(kind),
        [] => Err(Error::Usage(
            "there are no records to export as CSV: pass `--kind KIND` to write an empty file \
             with the header of that kind"
                .into(),
        )),
        ref several => {
            let names = several
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            Err(Error::Usage(format!(
                "the dataset has records of {} kinds ({names}) and a CSV file holds one: pass \
                 `--kind KIND` for one of them, or `-o DIR` to write one file per kind",
                several.len()
            )))
        }
    }
}

/// Writes the files `paths` atomically: `render(i, out)` writes the content of `paths[i]`.
/// The crate's one atomic-write helper, [`crate::atomic::write_files`], under the name the
/// exporters have always used.
pub fn write_atomic(
    paths: &[PathBuf],
    render: impl FnMut(usize, &mut dyn Write) -> io::Result<()>,
) -> Result<(), Error> {
    crate::atomic::write_files(paths, render)
}

#[cfg(test)]
mod tests {
    use std::io::{self, Write};
    use std::path::PathBuf;

    use super::{export, Format, Options};
    use crate::check::Report;
    use crate::config::Config;
    use crate::error::Error;
    use crate::model::{Kind, PartialDate};

    /// Every format, with CSV for one kind.
    const FORMATS: [Format; 6] = [
        Format::Csv,
        Format::JsonLd,
        Format::Markdown,
        Format::Html,
        Format::Json,
        Format::JsonLines,
    ];

    /// A checked dataset of `n` statements and `n` statistics (with their entities and
    /// sources), written to a temporary folder at test time.
    fn dataset(n: usize) -> (tempfile::TempDir, Report) {
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::new();
        for i in 0..10 {
            text.push_str(&format!(
                "{{\"kind\":\"entity\",\"id\":\"entity-{i}\",\"type\":\"person\",\"name\":\"Entity {i}\"}}\n\
                 {{\"kind\":\"source\",\"id\":\"source-{i}\",\"title\":\"Report {i}\",\"url\":\"https://news.example/{i}\",\"published\":\"2025-03-0{}\"}}\n",
                i % 9 + 1
            ));
        }
        for i in 0..n {
            text.push_str(&format!(
                "{{\"kind\":\"statement\",\"id\":\"statement-{i}\",\"speaker\":\"entity-{}\",\"quote\":\"Statement number {i} | with *marks* and <b>\",\"source\":\"source-{}\",\"said_on\":\"2025-03-01\"}}\n\
                 {{\"kind\":\"statistic\",\"id\":\"statistic-{i}\",\"label\":\"Figure {i}\",\"value\":{{\"amount\":\"{i}.5\",\"scale\":\"billion\",\"currency\":\"KZT\"}},\"source\":\"source-{}\"}}\n",
                i % 10,
                i % 10,
                i % 10
            ));
        }
        let path = dir.path().join("records.jsonl");
        std::fs::write(&path, text).unwrap();
        let config = Config {
            as_of: PartialDate::parse("2026-11-28").unwrap().first(),
            ..Config::default()
        };
        let report = crate::check::check(&[PathBuf::from(&path)], &config).unwrap();
        (dir, report)
    }

    fn options(format: Format) -> Options {
        Options {
            kind: (format == Format::Csv).then_some(Kind::Statistic),
            ..Options::default()
        }
    }

    /// A writer that keeps what it is given and the largest piece it was given at once.
    #[derive(Default)]
    struct Pieces {
        bytes: Vec<u8>,
        largest: usize,
    }

    impl Write for Pieces {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.largest = self.largest.max(buf.len());
            self.bytes.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn every_format_reaches_the_writer_in_pieces_not_as_one_document() {
        let (_dir, report) = dataset(2_000);
        for format in FORMATS {
            let mut out = Pieces::default();
            export(format, &report, &options(format), &mut out).unwrap();
            assert!(
                out.bytes.len() > 100_000,
                "{format}: {} bytes is too small a document to tell",
                out.bytes.len()
            );
            // A whole-document exporter hands its text over in one piece; a streaming one in
            // pieces of a record (CSV through the csv crate's 8 KiB buffer).
            assert!(
                out.largest <= 16 * 1024,
                "{format}: a piece of {} bytes of a {}-byte document",
                out.largest,
                out.bytes.len()
            );
        }
    }

    #[test]
    fn jsonld_streamed_is_the_whole_document_pretty_printed() {
        let (_dir, report) = dataset(50);
        for kind in [None, Some(Kind::Statement), Some(Kind::Review)] {
            let options = Options {
                kind,
                ..Options::default()
            };
            let mut out = Vec::new();
            export(Format::JsonLd, &report, &options, &mut out).unwrap();
            let graph = super::jsonld::tests_graph(&report, &options);
            let doc = serde_json::json!({ "@context": super::jsonld::CONTEXT, "@graph": graph });
            let mut whole = serde_json::to_vec_pretty(&doc).unwrap();
            whole.push(b'\n');
            assert_eq!(
                String::from_utf8(out).unwrap(),
                String::from_utf8(whole).unwrap(),
                "--kind {kind:?}"
            );
        }
    }

    /// A writer that takes `room` bytes, then fails.
    struct Full {
        room: usize,
    }

    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"));
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_writer_that_fails_half_way_is_a_write_error_in_every_format() {
        let (_dir, report) = dataset(200);
        for format in FORMATS {
            for room in [0, 1, 1000, 8000] {
                let err = export(format, &report, &options(format), &mut Full { room })
                    .expect_err("the writer fills up");
                assert!(
                    matches!(&err, Error::Write { source, .. } if source.kind() == io::ErrorKind::StorageFull),
                    "{format} with room {room}: {err}"
                );
            }
        }
    }
}
