//! `factkit convert`: records between JSON, JSON Lines, YAML and CSV, without changing a
//! figure.
//!
//! **What it keeps.** Numbers keep their text on every path (`1.100`, `-0.0`,
//! `12345678901234567890123`; serde_json writes an exponent with its sign, `14e12` as
//! `14e+12`). Strings stay strings (`007`, `"26.2"`), unicode is written as itself, and keys
//! keep their order, except in CSV, whose columns follow the schema (below). Records are
//! converted as they are: `convert` does not normalise them (`factkit export --to json`
//! does).
//!
//! **Typing.** YAML and CSV input are typed by a schema ([`crate::typing`]): `--schema
//! FILE` for every record, else the bundled schema of `--kind`, else the bundled schema
//! named by each record's own `kind` (a record of no known kind is read by YAML 1.2 alone, or
//! as strings for CSV). The rules for each format are in [`crate::format::yaml::read`] and
//! [`crate::format::csv::read`].
//!
//! The round trip through every pair of formats is exact for records that are valid for
//! the schema that types them. A value of a type the schema does not allow there (an
//! invalid record, converted with `allow_errors`) keeps its type in JSON, JSON Lines and
//! YAML (which writes it with its core tag, `!!int 5`), but CSV reads a number in a
//! string-only column back as a string; without any schema, CSV cells come back as strings.
//!
//! **Gating.** With `--schema` or `--kind`, every record is validated; a record that fails
//! stops the conversion with its located diagnostics and nothing is written, unless
//! `allow_errors`. A file that cannot be read (a syntax error, a bad CSV cell) always stops
//! it: there is no record to convert. `--kind` also requires every record to be of that kind.
//!
//! **Output.** JSON is an array of the records, pretty-printed with two spaces (the layout
//! of `serde_json::to_string_pretty`); JSON Lines one compact record per line; YAML a block
//! list of records (see [`yaml::write_yaml`]); CSV one row per record (see [`Columns`],
//! [`crate::format::csv::write`] for the cell encoding and [`crate::format::csv::codec`]
//! for formula neutralisation, the one codec `export --to csv` and CSV reading share), LF
//! line ends, RFC 4180 quoting. Where it
//! goes follows [`crate::atomic`]: a file target gets a temporary file in its folder, made at
//! the first byte of output and renamed over the target only once everything converted
//! ([`Output`]), so a failed run never leaves a partial file; standard output, a FIFO or a
//! device gets nothing until the conversion succeeded (the output is staged in an anonymous
//! temporary file), and is never replaced. An output that is the input is refused.
//!
//! **Reading.** The input is held to `max_file_size` ([`Options::limits`]): a file over it
//! is refused before it is read, and a stream (standard input, a pipe) is read one byte
//! past it at most; either is a `limit` finding that stops the conversion. CSV rows are
//! split by [`crate::format::csv::RowReader`], the state machine `check`'s scanner uses, and
//! read by the same header and row functions, so `convert` and `check` read the same
//! records from any CSV file (bare `\r` line ends included), with the same locations; each
//! byte is looked at once.
//!
//! **Streaming.** JSON Lines and CSV input are read one record at a time, and every output
//! is written one record at a time, so converting JSON Lines or CSV to JSON Lines, JSON or
//! YAML takes memory for one record, whatever the file's size. CSV output needs its columns
//! before its first row, so it reads the input twice: once to find the columns (and check
//! the records), once to write (standard input, or any input that is not a regular file, is
//! copied to a temporary file on the first pass); that is still one record at a time. JSON
//! and YAML input are read whole.
//!
//! Nothing here prints: diagnostics come back in the [`Outcome`], the converted records go
//! to the file or to the writer the caller hands in for standard output.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use crate::atomic::{Destination, Output, Reads};
use crate::diagnostic::{Diagnostic, Severity};
use crate::error::Error;
use crate::format::csv::{read as rows, Columns, RowWriter};
use crate::format::{json, yaml};
use crate::limits::Limits;
use crate::load::{self, csv as cells, Dataset, Entry, Format, SourceFile};
use crate::model::Kind;
use crate::schema::user::SchemaFile;
use crate::schema::{Schemas, Violation};
use crate::typing::Typing;

/// Settings of a conversion.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// The input format; from the input's extension when `None`.
    pub from: Option<Format>,
    /// The output format; from the output's extension when `None`.
    pub to: Option<Format>,
    /// A schema that types and validates every record (`--schema`).
    pub schema: Option<Arc<SchemaFile>>,
    /// The bundled schema of this kind types and validates every record (`--kind`).
    pub kind: Option<Kind>,
    /// Convert records that fail their schema (diagnostics are still reported).
    pub allow_errors: bool,
    /// The ceilings of `[limits]`: the input is read no further than `max_file_size`.
    pub limits: Limits,
}

/// A diagnostic of a conversion and the text its location's span indexes.
#[derive(Debug)]
pub struct Finding {
    /// The finding; its line and column are the file's, its byte span is into `source`.
    pub diagnostic: Diagnostic,
    /// The whole input, or for a streamed input the record's own lines (from the start of
    /// its first line); empty when there is no text to show.
    pub source: Arc<str>,
}

/// What a conversion did.
#[derive(Debug)]
pub struct Outcome {
    /// Every diagnostic, in input order.
    pub findings: Vec<Finding>,
    /// Records read.
    pub records: usize,
    /// Errors that stop the conversion (or would, without `allow_errors`).
    pub errors: usize,
    /// Whether the output was written.
    pub written: bool,
    /// The formats converted between.
    pub from: Format,
    /// The output format.
    pub to: Format,
}

/// The name of a format, as `--from`/`--to` take it.
pub fn format_name(format: Format) -> &'static str {
    match format {
        Format::Json => "json",
        Format::JsonLines => "jsonl",
        Format::Yaml => "yaml",
        Format::Csv => "csv",
    }
}

/// Converts the records of `input` (`-` for standard input) into `output` (`None` or `-`
/// for `stdout`).
pub fn convert(
    input: &Path,
    output: Option<&Path>,
    options: &Options,
    stdout: &mut dyn Write,
) -> Result<Outcome, Error> {
    let output = output.filter(|p| p.as_os_str() != "-");
    let stdin = input.as_os_str() == "-";
    let from = match options.from {
        Some(f) => f,
        None if stdin => {
            return Err(Error::Usage(
                "reading standard input needs `--from json|jsonl|yaml|csv`".into(),
            ))
        }
        None => Format::of_path(input).ok_or_else(|| {
            Error::Usage(format!(
                "cannot tell the format of `{}` from its extension: pass `--from json|jsonl|yaml|csv`",
                input.display()
            ))
        })?,
    };
    let to = match (options.to, output) {
        (Some(f), _) => f,
        (None, None) => {
            return Err(Error::Usage(
                "writing to standard output needs `--to json|jsonl|yaml|csv` (or give `-o FILE`)"
                    .into(),
            ))
        }
        (None, Some(path)) => Format::of_path(path).ok_or_else(|| {
            Error::Usage(format!(
                "cannot tell the format of `{}` from its extension: pass `--to json|jsonl|yaml|csv`",
                path.display()
            ))
        })?,
    };
    if !stdin && !input.exists() {
        return Err(Error::NotFound(input.to_path_buf()));
    }
    // Where the output goes is decided before anything is read, and nothing is created
    // there until the first byte is written.
    let destination = Destination::of(output.unwrap_or(Path::new("-")))?;
    let mut reads = Reads::default();
    reads.file(input, "the input");
    reads.check(destination.path())?;
    let name = input.display().to_string();
    let regular = !stdin && std::fs::metadata(input).is_ok_and(|m| m.is_file());
    if regular {
        let size = std::fs::metadata(input).map_or(0, |m| m.len());
        if let Some(d) = options.limits.file_size(&name, size) {
            return Ok(Outcome {
                findings: vec![Finding {
                    diagnostic: d,
                    source: Arc::from(""),
                }],
                records: 0,
                errors: 1,
                written: false,
                from,
                to,
            });
        }
    }
    let gate = match (&options.schema, options.kind) {
        (Some(schema), _) => Gate::Schema(Arc::clone(schema)),
        (None, Some(kind)) => Gate::Kind(kind, Box::new(Schemas::bundled()?)),
        (None, None) => Gate::None,
    };
    let typing = match (&options.schema, options.kind) {
        (Some(schema), _) => Some(schema.typing()),
        (None, Some(kind)) => Some(Arc::new(Typing::bundled(kind).clone())),
        (None, None) => None,
    };
    let mut run = Run {
        name,
        load: load::Options {
            kind: options.kind,
            typing,
            ..load::Options::default()
        },
        gate,
        allow_errors: options.allow_errors,
        collect: true,
        findings: Vec::new(),
        records: 0,
        errors: 0,
        limits: options.limits.clone(),
    };
    let mut source = Input {
        path: (!stdin).then(|| input.to_path_buf()),
        regular,
        max_size: options.limits.max_file_size,
        spool: None,
    };
    let mut output = Output::new(destination);
    if to == Format::Csv {
        let mut columns = Columns::default();
        run.each(&mut source, from, true, &mut |value| {
            columns.add(value, RecordTyping::of(value, options).get())
        })?;
        if run.refused() {
            return Ok(run.outcome(from, to, false));
        }
        run.collect = false;
        let mut failure;
        {
            let mut writer = RowWriter::new(&mut output);
            failure = writer.row(columns.names()).err();
            run.each(&mut source, from, false, &mut |value| {
                if failure.is_none() {
                    let row = columns.row(value, RecordTyping::of(value, options).get());
                    failure = writer.row(&row).err();
                }
                Ok(())
            })?;
            if failure.is_none() {
                failure = writer.flush().err();
            }
        }
        if let Some(e) = failure {
            return Err(output.error(e));
        }
    } else {
        let mut writer = Writer::new(to);
        let mut failure = None;
        run.each(&mut source, from, false, &mut |value| {
            if failure.is_none() {
                let typing = RecordTyping::of(value, options);
                failure = writer.record(&mut output, value, typing.get()).err();
            }
            Ok(())
        })?;
        if let Some(e) = failure {
            return Err(output.error(e));
        }
        if !run.refused() {
            if let Err(e) = writer.finish(&mut output) {
                return Err(output.error(e));
            }
        }
    }
    // The second pass of CSV output can still stop (a file that grew past the ceiling).
    if run.refused() {
        return Ok(run.outcome(from, to, false));
    }
    output.finish(stdout)?;
    Ok(run.outcome(from, to, true))
}

/// The typing of one record for writing: the conversion's schema, else the bundled schema
/// of the record's own kind.
enum RecordTyping {
    Shared(Arc<Typing>),
    Bundled(&'static Typing),
    None,
}

impl RecordTyping {
    fn of(value: &Value, options: &Options) -> RecordTyping {
        if let Some(schema) = &options.schema {
            return RecordTyping::Shared(schema.typing());
        }
        let kind = options.kind.or_else(|| {
            value
                .get("kind")
                .and_then(Value::as_str)
                .and_then(Kind::parse)
        });
        match kind {
            Some(k) => RecordTyping::Bundled(Typing::bundled(k)),
            None => RecordTyping::None,
        }
    }

    fn get(&self) -> Option<&Typing> {
        match self {
            RecordTyping::Shared(t) => Some(t),
            RecordTyping::Bundled(t) => Some(t),
            RecordTyping::None => None,
        }
    }
}

/// What validates records.
enum Gate {
    None,
    Kind(Kind, Box<Schemas>),
    Schema(Arc<SchemaFile>),
}

impl Gate {
    fn check(&self, value: &Value) -> Vec<Violation> {
        match self {
            Gate::None => Vec::new(),
            Gate::Schema(schema) => schema.validate(value),
            Gate::Kind(kind, schemas) => {
                let written = value.get("kind").and_then(Value::as_str);
                if let Some(other) = written.filter(|k| *k != kind.as_str()) {
                    return vec![Violation {
                        pointer: "/kind".into(),
                        keyword: "const".into(),
                        message: format!(
                            "the record is a `{other}`, not a `{kind}` as `--kind` says"
                        ),
                        expected: Some(format!("`{kind}`")),
                        found: Some(format!("`{other}`")),
                    }];
                }
                schemas.validate(value).1
            }
        }
    }
}

pub use crate::format::csv::Problem;

type Sink<'s> = dyn FnMut(&Value) -> Result<(), Problem> + 's;

/// The input, opened once per pass.
struct Input {
    /// `None` for standard input.
    path: Option<PathBuf>,
    /// A regular file, which can be opened again; anything else (standard input, a pipe
    /// such as `<(cmd)`) can be read once, so it is spooled when a second pass needs it.
    regular: bool,
    /// `max_file_size`: each pass reads at most this much.
    max_size: u64,
    /// A stream as read by the first pass, for the second.
    spool: Option<File>,
}

/// Copies what it reads into a spool file.
struct Tee<R> {
    inner: R,
    copy: File,
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.copy.write_all(&buf[..n])?;
        Ok(n)
    }
}

/// Reads at most `left` bytes, then fails with [`OverCeiling`] if there is more: an input
/// is never read further than one byte past `max_file_size`.
struct Capped<R> {
    inner: R,
    left: u64,
}

/// The error [`Capped`] fails with.
#[derive(Debug)]
struct OverCeiling;

impl std::fmt::Display for OverCeiling {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the input is over `max_file_size`")
    }
}

impl std::error::Error for OverCeiling {}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(std::io::Error::other(OverCeiling)),
            };
        }
        let most = usize::try_from(self.left).map_or(buf.len(), |left| left.min(buf.len()));
        let n = self.inner.read(&mut buf[..most])?;
        self.left -= n as u64;
        Ok(n)
    }
}

impl Input {
    fn open(&mut self, keep: bool) -> Result<Box<dyn BufRead>, Error> {
        let name = self.path.clone().unwrap_or_else(|| PathBuf::from("-"));
        let read_error = |source| Error::Read {
            path: name.clone(),
            source,
        };
        if let Some(spool) = &self.spool {
            let mut file = spool.try_clone().map_err(read_error)?;
            file.seek(std::io::SeekFrom::Start(0)).map_err(read_error)?;
            return Ok(Box::new(BufReader::new(file)));
        }
        let stream: Box<dyn Read> = match &self.path {
            Some(path) => Box::new(File::open(path).map_err(read_error)?),
            None => Box::new(std::io::stdin()),
        };
        let capped = Capped {
            inner: stream,
            left: self.max_size,
        };
        if keep && !self.regular {
            let spool = tempfile::tempfile().map_err(read_error)?;
            let copy = spool.try_clone().map_err(read_error)?;
            self.spool = Some(spool);
            return Ok(Box::new(BufReader::new(Tee {
                inner: capped,
                copy,
            })));
        }
        Ok(Box::new(BufReader::new(capped)))
    }
}

/// Where a piece of a streamed input starts: the line breaks (`\n`) before it, and the
/// characters since the last one (a CSV row after a bare `\r` starts inside a line).
#[derive(Debug, Clone, Copy, Default)]
struct Shift {
    lines: usize,
    columns: usize,
}

impl Shift {
    /// The position after `text`, which starts here.
    fn after(self, text: &str) -> Shift {
        match text.rfind('\n') {
            Some(i) => Shift {
                lines: self.lines + text.bytes().filter(|&b| b == b'\n').count(),
                columns: text[i + 1..].chars().count(),
            },
            None => Shift {
                lines: self.lines,
                columns: self.columns + text.chars().count(),
            },
        }
    }
}

/// The state of a conversion.
struct Run {
    name: String,
    load: load::Options,
    gate: Gate,
    allow_errors: bool,
    /// The first pass: validate, count and report. The second only writes.
    collect: bool,
    findings: Vec<Finding>,
    records: usize,
    errors: usize,
    /// The ceilings of `[limits]`.
    limits: Limits,
}

impl Run {
    fn refused(&self) -> bool {
        self.errors > 0
    }

    fn outcome(self, from: Format, to: Format, written: bool) -> Outcome {
        Outcome {
            findings: self.findings,
            records: self.records,
            errors: self.errors,
            written,
            from,
            to,
        }
    }

    /// Reads every record of `input` in `from`, handing each to `sink` while nothing
    /// stops the conversion. `keep` spools a stream for a second pass.
    fn each(
        &mut self,
        input: &mut Input,
        from: Format,
        keep: bool,
        sink: &mut Sink<'_>,
    ) -> Result<(), Error> {
        let mut reader = input.open(keep)?;
        match from {
            Format::Json | Format::Yaml => {
                let mut bytes = Vec::new();
                if let Err(e) = reader.read_to_end(&mut bytes) {
                    return self.stop_reading(e);
                }
                let (file, problem) = load::decode(self.name.clone(), None, &bytes, Some(from));
                drop(bytes);
                let mut entries = Vec::new();
                let mut findings = Vec::new();
                match problem {
                    Some(d) => findings.push(d),
                    None => load::load_file(0, &file, &self.load, &mut entries, &mut findings),
                }
                self.chunk(file, Shift::default(), Some(""), entries, findings, sink);
            }
            Format::JsonLines => {
                let mut line = Vec::new();
                let mut number = 0;
                let mut offset = 0u64;
                loop {
                    line.clear();
                    match reader.read_until(b'\n', &mut line) {
                        Ok(0) => break,
                        Ok(_) => {}
                        Err(e) => return self.stop_reading(e),
                    }
                    number += 1;
                    let (file, problem) = load::decode_part(
                        self.name.clone(),
                        None,
                        &line,
                        Some(Format::JsonLines),
                        offset,
                    );
                    offset += line.len() as u64;
                    let mut entries = Vec::new();
                    let mut findings = Vec::new();
                    match problem {
                        Some(d) => findings.push(d),
                        None => load::load_file(0, &file, &self.load, &mut entries, &mut findings),
                    }
                    let at = Shift {
                        lines: number - 1,
                        columns: 0,
                    };
                    self.chunk(file, at, Some(""), entries, findings, sink);
                }
            }
            Format::Csv => return self.each_row(reader, sink),
        }
        Ok(())
    }

    /// Ends a pass that could not read on: over `max_file_size`, a `limit` finding that
    /// stops the conversion; any other failure, the run's error.
    fn stop_reading(&mut self, e: std::io::Error) -> Result<(), Error> {
        if e.get_ref().is_some_and(|inner| inner.is::<OverCeiling>()) {
            self.errors += 1;
            self.findings.push(Finding {
                diagnostic: self.limits.stream_size(&self.name),
                source: Arc::from(""),
            });
            return Ok(());
        }
        Err(Error::Read {
            path: PathBuf::from(&self.name),
            source: e,
        })
    }

    /// Reads CSV rows one at a time, split and read as `check` reads a CSV file (the same
    /// row scanner of [`crate::format::csv::read`], header and row functions of
    /// [`crate::load::csv`]), so both give the same
    /// records with the same locations.
    fn each_row(&mut self, reader: Box<dyn BufRead>, sink: &mut Sink<'_>) -> Result<(), Error> {
        let load = self.load.clone();
        let typing = |kind: Option<&str>| load.typing_for(kind);
        let settings = cells::Settings {
            kind: self.load.kind,
            typing: &typing,
            dataset: false,
        };
        let mut rows = rows::RowReader::new(reader);
        let mut header = None;
        // The row number as a spreadsheet shows it: blank rows count.
        let mut number = 0;
        let mut at = Shift::default();
        let mut offset = 0u64;
        let mut bytes = Vec::new();
        // The text of the line so far, before the row (a row after a bare `\r` starts inside
        // a line), so a finding shows its whole line, as `check` does; `None` past the
        // length of line a finding shows.
        let mut line = Some(String::new());
        let mut next_line = Some(String::new());
        loop {
            line.clone_from(&next_line);
            bytes.clear();
            match rows.next_row(&mut bytes) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => return self.stop_reading(e),
            }
            number += 1;
            let (file, problem) =
                load::decode_part(self.name.clone(), None, &bytes, Some(Format::Csv), offset);
            let here = at;
            let offset_before = offset;
            let text = file.text();
            // Columns on the first line are counted after a byte order mark, as in the file.
            let counted = if offset == 0 {
                &text[rows::row_start(text)..]
            } else {
                text
            };
            at = at.after(counted);
            offset += bytes.len() as u64;
            next_line = match counted.rfind('\n') {
                Some(i) => Some(counted[i + 1..].to_owned()),
                None => next_line.map(|mut l| {
                    l.push_str(counted);
                    l
                }),
            }
            .filter(|l| l.len() <= SHOWN_LINE);
            if let Some(d) = problem {
                self.chunk(file, here, line.as_deref(), Vec::new(), vec![d], sink);
                return Ok(());
            }
            let start = if offset_before == 0 {
                rows::row_start(file.text())
            } else {
                0
            };
            let (row, _) = rows::scan_row(file.text(), start);
            if row.is_blank() {
                continue;
            }
            let (entries, findings) = match &header {
                None => match cells::read_header(&file, &row, number, &settings) {
                    Ok(h) => {
                        header = Some(h);
                        continue;
                    }
                    Err(d) => {
                        self.chunk(file, here, line.as_deref(), Vec::new(), vec![*d], sink);
                        return Ok(());
                    }
                },
                Some(h) => match cells::row_entry(0, &file, &row, number, h, &settings) {
                    Ok(entry) => (entry.into_iter().collect(), Vec::new()),
                    Err(d) => (Vec::new(), vec![*d]),
                },
            };
            // Each row is handed on at once: one record in memory at a time.
            self.chunk(file, here, line.as_deref(), entries, findings, sink);
        }
        if header.is_none() {
            // No header row: the file is empty, as `check` says.
            let file = SourceFile::new(self.name.clone(), None, String::new(), Format::Csv);
            let d = load::empty_file(
                &file,
                "write a header row (`kind,id,…`) and one row per record",
            );
            self.chunk(file, Shift::default(), Some(""), Vec::new(), vec![d], sink);
        }
        Ok(())
    }

    /// Validates, reports and hands on the records read from one piece of the input
    /// (`file`, which starts at `at` in the input, after `line` on its first line; `None`
    /// when that is too long to show).
    fn chunk(
        &mut self,
        file: SourceFile,
        at: Shift,
        line: Option<&str>,
        entries: Vec<Entry>,
        mut findings: Vec<Diagnostic>,
        sink: &mut Sink<'_>,
    ) {
        if self.collect {
            for (i, entry) in entries.iter().enumerate() {
                for v in self.gate.check(&entry.value) {
                    findings.push(v.into_diagnostic(i));
                }
            }
            self.records += entries.len();
        }
        let blocking = |d: &Diagnostic, allow: bool| d.is_error() && !(allow && d.rule == "schema");
        let mut stop = self.errors > 0 || findings.iter().any(|d| blocking(d, self.allow_errors));
        let dataset = Dataset {
            root: PathBuf::from("."),
            files: vec![file],
            entries,
        };
        for (i, entry) in dataset.entries.iter().enumerate() {
            if stop {
                break;
            }
            if let Err(p) = sink(&entry.value) {
                findings
                    .push(Diagnostic::new("convert", Severity::Error, p.message).at(i, p.pointer));
                stop = true;
            }
        }
        if !self.collect || findings.is_empty() {
            return;
        }
        // The piece's text after the start of its first line, the spans moved to match.
        let (source, before): (Arc<str>, usize) = match line {
            Some(line) => (
                Arc::from(format!("{line}{}", dataset.files[0].text())),
                line.len(),
            ),
            None => (Arc::from(""), 0),
        };
        for mut d in findings {
            dataset.place(&mut d);
            if blocking(&d, self.allow_errors) {
                self.errors += 1;
            }
            shift(&mut d, at, before);
            self.findings.push(Finding {
                diagnostic: d,
                source: Arc::clone(&source),
            });
        }
    }
}

/// The longest line before a CSV row kept to show with a finding on the row (the human
/// output shows no longer line either: it names the line and column alone).
const SHOWN_LINE: usize = 16 * 1024;

/// Moves a diagnostic placed in a piece of the input to where the piece starts, and its
/// spans `before` bytes on (past the text of the line before it).
fn shift(d: &mut Diagnostic, at: Shift, before: usize) {
    let move_to = |l: &mut crate::diagnostic::Location| {
        l.span = l.span.start + before..l.span.end + before;
        if l.line == 1 {
            l.column += at.columns;
        }
        if l.end_line == 1 {
            l.end_column += at.columns;
        }
        l.line += at.lines;
        l.end_line += at.lines;
    };
    if let Some(l) = &mut d.location {
        move_to(l);
    }
    for r in &mut d.related {
        if let Some(l) = &mut r.location {
            move_to(l);
        }
    }
}

/// Writes records in JSON, JSON Lines or YAML, one at a time: the writers of
/// [`crate::format`].
enum Writer {
    Json(json::Writer),
    Yaml { count: usize },
}

impl Writer {
    fn new(format: Format) -> Writer {
        match format {
            Format::Json => Writer::Json(json::Writer::array()),
            Format::Yaml => Writer::Yaml { count: 0 },
            Format::JsonLines | Format::Csv => Writer::Json(json::Writer::lines()),
        }
    }

    fn record(
        &mut self,
        out: &mut dyn Write,
        value: &Value,
        typing: Option<&Typing>,
    ) -> std::io::Result<()> {
        match self {
            Writer::Json(w) => w.record(out, value),
            Writer::Yaml { count } => {
                *count += 1;
                let mut text = String::new();
                yaml::write_yaml(&mut text, value, typing);
                out.write_all(text.as_bytes())
            }
        }
    }

    fn finish(&mut self, out: &mut dyn Write) -> std::io::Result<()> {
        match self {
            Writer::Json(w) => w.finish(out),
            Writer::Yaml { count: 0 } => out.write_all(b"[]\n"),
            Writer::Yaml { .. } => Ok(()),
        }
    }
}
