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
//! as strings for CSV). The rules for each format are in [`crate::load::yaml`] and
//! [`crate::load::csv`].
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
//! list of records (see [`write_yaml`]); CSV one row per record (see [`Columns`] and
//! [`crate::load::csv`] for the cell encoding), LF line ends, RFC 4180 quoting. Where it
//! goes follows [`crate::atomic`]: a file target gets a temporary file in its folder, made at
//! the first byte of output and renamed over the target only once everything converted
//! ([`Output`]), so a failed run never leaves a partial file; standard output, a FIFO or a
//! device gets nothing until the conversion succeeded (the output is staged in an anonymous
//! temporary file), and is never replaced. An output that is the input is refused.
//!
//! **Reading.** The input is held to `max_file_size` ([`Options::limits`]): a file over it
//! is refused before it is read, and a stream (standard input, a pipe) is read one byte
//! past it at most; either is a `limit` finding that stops the conversion. CSV rows are
//! split by [`crate::load::csv::RowReader`], the state machine `check`'s scanner uses, and
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

use serde_json::{Map, Value};

use crate::atomic::{Destination, Output, Reads};
use crate::diagnostic::{Diagnostic, Severity};
use crate::error::Error;
use crate::limits::Limits;
use crate::load::{self, csv as cells, Dataset, Entry, Format, SourceFile};
use crate::model::Kind;
use crate::schema::user::SchemaFile;
use crate::schema::{Schemas, Violation};
use crate::typing::{self, Types, Typing};

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
        let mut failure = None;
        {
            let mut writer = csv::WriterBuilder::new().from_writer(&mut output);
            if let Err(e) = writer.write_record(columns.names()) {
                failure = Some(csv_io(e));
            }
            run.each(&mut source, from, false, &mut |value| {
                if failure.is_none() {
                    let row = columns.row(value, RecordTyping::of(value, options).get());
                    if let Err(e) = writer.write_record(&row) {
                        failure = Some(csv_io(e));
                    }
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

fn csv_io(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => std::io::Error::other(format!("{other:?}")),
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

/// A problem with writing a record in the output format.
#[derive(Debug)]
pub struct Problem {
    /// Where in the record.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

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
    /// row scanner, header and row functions of [`crate::load::csv`]), so both give the same
    /// records with the same locations.
    fn each_row(&mut self, reader: Box<dyn BufRead>, sink: &mut Sink<'_>) -> Result<(), Error> {
        let load = self.load.clone();
        let typing = |kind: Option<&str>| load.typing_for(kind);
        let settings = cells::Settings {
            kind: self.load.kind,
            typing: &typing,
            dataset: false,
        };
        let mut rows = cells::RowReader::new(reader);
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
                &text[cells::row_start(text)..]
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
                cells::row_start(file.text())
            } else {
                0
            };
            let (row, _) = cells::scan_row(file.text(), start);
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

/// The columns of CSV output, gathered from every record: a dotted path for each value
/// that is not a non-empty object, and only the columns some record uses.
///
/// Where a record's schema is known, its columns take the schema's order (the order of
/// `properties`, nested objects expanded in place: `value.amount`, `value.scale`, …); with
/// records of several kinds in one file, a column takes its place in the first kind that
/// has it. Columns no schema lists follow the column before them in the record that brought
/// them. So a file of one kind always has its kind's column order, whichever fields its
/// first records happen to leave out.
#[derive(Debug, Default)]
pub struct Columns {
    columns: Vec<Column>,
    /// The schema templates seen, in order: every leaf path a schema lists.
    templates: Vec<(*const Typing, Vec<Vec<String>>)>,
}

#[derive(Debug)]
struct Column {
    path: Vec<String>,
    /// The template and the position in it, when a schema lists the column.
    rank: Option<(usize, usize)>,
}

impl Columns {
    /// Adds the columns of one record.
    pub fn add(&mut self, record: &Value, typing: Option<&Typing>) -> Result<(), Problem> {
        let Value::Object(map) = record else {
            return Err(Problem {
                pointer: String::new(),
                message: "a record that is not an object cannot be a CSV row".into(),
            });
        };
        let mut leaves = Vec::new();
        leaf_paths(map, &mut Vec::new(), typing, &mut leaves)?;
        if let Some(t) = typing {
            let key: *const Typing = t;
            if !self.templates.iter().any(|(k, _)| *k == key) {
                let mut template = Vec::new();
                schema_leaves(t, &mut Vec::new(), &mut template, 0);
                self.templates.push((key, template));
            }
        }
        let mut after: Option<usize> = None;
        for leaf in leaves {
            if let Some(i) = self.columns.iter().position(|c| c.path == leaf) {
                after = Some(i);
                continue;
            }
            if let Some(clash) = self
                .columns
                .iter()
                .map(|c| &c.path)
                .find(|c| c.starts_with(&leaf) || leaf.starts_with(c))
            {
                let (short, long) = if clash.len() < leaf.len() {
                    (clash, &leaf)
                } else {
                    (&leaf, clash)
                };
                return Err(Problem {
                    pointer: typing::pointer(&leaf),
                    message: format!(
                        "`{}` is a value in one record and holds `{}` in another: one CSV column cannot be both",
                        short.join("."),
                        long.join(".")
                    ),
                });
            }
            let rank = self
                .templates
                .iter()
                .enumerate()
                .find_map(|(t, (_, paths))| {
                    paths
                        .iter()
                        .position(|p| p.starts_with(&leaf) || leaf.starts_with(p))
                        .map(|i| (t, i))
                });
            let at = match rank {
                Some(r) => self
                    .columns
                    .iter()
                    .rposition(|c| c.rank.is_some_and(|cr| cr <= r))
                    .map_or(0, |i| i + 1),
                None => after.map_or(self.columns.len(), |i| i + 1),
            };
            self.columns.insert(at, Column { path: leaf, rank });
            after = Some(at);
        }
        Ok(())
    }

    /// The header names.
    pub fn names(&self) -> Vec<String> {
        self.columns
            .iter()
            .map(|c| cells::neutralise(&c.path.join(".")).into_owned())
            .collect()
    }

    /// The cells of one record.
    pub fn row(&self, record: &Value, typing: Option<&Typing>) -> Vec<String> {
        self.columns
            .iter()
            .map(|c| {
                let mut value = Some(record);
                for token in &c.path {
                    value = value.and_then(|v| v.get(token));
                }
                match value {
                    None => String::new(),
                    Some(v) => {
                        let types = typing.and_then(|t| t.types_at(&c.path));
                        cells::neutralise(&cells::cell_text(v, types)).into_owned()
                    }
                }
            })
            .collect()
    }
}

/// Every column a schema lists, in its order: objects with properties expanded.
fn schema_leaves(
    typing: &Typing,
    path: &mut Vec<String>,
    out: &mut Vec<Vec<String>>,
    depth: usize,
) {
    for name in typing.properties_at(path) {
        path.push(name);
        let object_only = typing.types_at(path) == Some(Types::OBJECT);
        if object_only && depth < 8 && !typing.properties_at(path).is_empty() {
            schema_leaves(typing, path, out, depth + 1);
        } else {
            out.push(path.clone());
        }
        path.pop();
    }
}

fn leaf_paths(
    map: &Map<String, Value>,
    path: &mut Vec<String>,
    typing: Option<&Typing>,
    out: &mut Vec<Vec<String>>,
) -> Result<(), Problem> {
    let order = typing.map(|t| t.properties_at(path)).unwrap_or_default();
    let listed = order.iter().filter(|k| map.contains_key(k.as_str()));
    let rest = map.keys().filter(|k| !order.contains(k));
    for key in listed.chain(rest) {
        path.push(key.clone());
        if key.is_empty() || key.contains('.') {
            return Err(Problem {
                pointer: typing::pointer(path),
                message: format!(
                    "the field name `{key}` cannot be a CSV column: headers use `.` for nesting and need a name"
                ),
            });
        }
        match &map[key] {
            Value::Object(inner) if !inner.is_empty() => leaf_paths(inner, path, typing, out)?,
            _ => out.push(path.clone()),
        }
        path.pop();
    }
    Ok(())
}

/// Writes records in JSON, JSON Lines or YAML, one at a time.
enum Writer {
    Json { count: usize },
    Lines,
    Yaml { count: usize },
}

impl Writer {
    fn new(format: Format) -> Writer {
        match format {
            Format::Json => Writer::Json { count: 0 },
            Format::Yaml => Writer::Yaml { count: 0 },
            Format::JsonLines | Format::Csv => Writer::Lines,
        }
    }

    fn record(
        &mut self,
        out: &mut dyn Write,
        value: &Value,
        typing: Option<&Typing>,
    ) -> std::io::Result<()> {
        match self {
            Writer::Json { count } => {
                out.write_all(if *count == 0 { b"[\n" } else { b",\n" })?;
                *count += 1;
                let pretty = serde_json::to_string_pretty(value).map_err(std::io::Error::other)?;
                // A JSON string never holds a raw line break, so indenting line by line is
                // exactly the layout of the record inside a pretty-printed array.
                for (i, line) in pretty.split('\n').enumerate() {
                    if i > 0 {
                        out.write_all(b"\n")?;
                    }
                    out.write_all(b"  ")?;
                    out.write_all(line.as_bytes())?;
                }
                Ok(())
            }
            Writer::Lines => {
                serde_json::to_writer(&mut *out, value).map_err(std::io::Error::other)?;
                out.write_all(b"\n")
            }
            Writer::Yaml { count } => {
                *count += 1;
                let mut text = String::new();
                write_yaml(&mut text, value, typing);
                out.write_all(text.as_bytes())
            }
        }
    }

    fn finish(&mut self, out: &mut dyn Write) -> std::io::Result<()> {
        match self {
            Writer::Json { count: 0 } | Writer::Yaml { count: 0 } => out.write_all(b"[]\n"),
            Writer::Json { .. } => out.write_all(b"\n]\n"),
            Writer::Lines | Writer::Yaml { .. } => Ok(()),
        }
    }
}

/// Writes one record as an item of a YAML block list.
///
/// Mappings and lists are written in block style, two spaces per level, a list item's
/// first member on the dash's line; empty ones as `{}` and `[]`. A number is its JSON text
/// (which YAML 1.2 reads as the same number), `true`, `false` and `null` as themselves. A
/// string is written plain only when it starts with a letter, holds only letters, digits,
/// spaces and `_-./,()'` (or other printable non-ASCII characters), does not end in a space,
/// is not a word some YAML reads as a boolean or null (`yes`, `No`, `on`, `null`, `~`, …)
/// and reads back as itself; otherwise it is double-quoted with JSON-style escapes, so
/// `"2025-09-08"`, `"007"`, `"26.2"` and `"true"` stay strings in any YAML reader. Where
/// the schema does not allow a value's type (an invalid record), the value carries its core
/// tag (`!!int 5`), so reading it back gives the same value.
pub fn write_yaml(out: &mut String, record: &Value, typing: Option<&Typing>) {
    write_item(out, record, 0, &mut Vec::new(), typing);
}

fn write_item(
    out: &mut String,
    value: &Value,
    indent: usize,
    path: &mut Vec<String>,
    typing: Option<&Typing>,
) {
    out.push_str(&" ".repeat(indent));
    out.push('-');
    // A mapping in a list starts on the dash's line (`- key: …`).
    write_value(out, value, indent + 2, true, path, typing);
}

/// Writes what follows a `-` or a `key:`: a scalar on the same line, a list on the next
/// lines, a mapping on the same line when `map_inline`, else on the next lines.
fn write_value(
    out: &mut String,
    value: &Value,
    indent: usize,
    map_inline: bool,
    path: &mut Vec<String>,
    typing: Option<&Typing>,
) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push(if map_inline { ' ' } else { '\n' });
            write_map(out, map, indent, map_inline, path, typing);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            write_list(out, items, indent, path, typing);
        }
        other => {
            out.push(' ');
            write_scalar(out, other, path, typing);
            out.push('\n');
        }
    }
}

fn write_list(
    out: &mut String,
    items: &[Value],
    indent: usize,
    path: &mut Vec<String>,
    typing: Option<&Typing>,
) {
    for (i, item) in items.iter().enumerate() {
        path.push(i.to_string());
        write_item(out, item, indent, path, typing);
        path.pop();
    }
}

fn write_map(
    out: &mut String,
    map: &Map<String, Value>,
    indent: usize,
    inline_first: bool,
    path: &mut Vec<String>,
    typing: Option<&Typing>,
) {
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 || !inline_first {
            out.push_str(&" ".repeat(indent));
        }
        if plain_safe(key) {
            out.push_str(key);
        } else {
            quote(out, key);
        }
        out.push(':');
        path.push(key.clone());
        write_value(out, value, indent + 2, false, path, typing);
        path.pop();
    }
}

fn write_scalar(out: &mut String, value: &Value, path: &[String], typing: Option<&Typing>) {
    let types = typing.and_then(|t| t.types_at(path));
    let excluded = |t: Types| types.is_some_and(|set| !set.intersects(t));
    match value {
        Value::String(s) => {
            let reads_back = crate::load::yaml::plain_reads_as(s, types)
                .is_some_and(|v| v == Value::String(s.clone()));
            if plain_safe(s) && reads_back {
                out.push_str(s);
            } else {
                quote(out, s);
            }
        }
        Value::Number(n) => {
            let text = n.to_string();
            if excluded(Types::NUMBER) || types.is_some_and(Types::only_string) {
                out.push_str(if text.contains(['.', 'e', 'E']) {
                    "!!float "
                } else {
                    "!!int "
                });
            }
            out.push_str(&text);
        }
        Value::Bool(b) => {
            if excluded(Types::BOOLEAN) || types.is_some_and(Types::only_string) {
                out.push_str("!!bool ");
            }
            out.push_str(if *b { "true" } else { "false" });
        }
        Value::Null => {
            if excluded(Types::NULL) {
                out.push_str("!!null ");
            }
            out.push_str("null");
        }
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
    }
}

/// Words that some YAML version reads as a boolean or null.
const RESERVED: [&str; 11] = [
    "y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf",
];

fn plain_safe(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    first.is_alphabetic()
        && !s.ends_with(' ')
        && s.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || " _-./,()'".contains(c)
                || (!c.is_ascii()
                    && !c.is_whitespace()
                    && !c.is_control()
                    && !matches!(
                        c,
                        '\u{feff}'
                            | '\u{fffe}'
                            | '\u{ffff}'
                            | '\u{2028}'
                            | '\u{2029}'
                            | '\u{85}'
                            | '\u{a0}'
                    ))
        })
        && !RESERVED.contains(&s.to_ascii_lowercase().as_str())
}

/// A double-quoted YAML scalar: JSON's escapes, plus `\uXXXX` for every character YAML
/// does not allow written as itself.
fn quote(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20
                || ('\u{7f}'..='\u{9f}').contains(&c)
                || matches!(
                    c,
                    '\u{feff}' | '\u{fffe}' | '\u{ffff}' | '\u{2028}' | '\u{2029}'
                ) =>
            {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_scalars_read_back() {
        let record = serde_json::json!({
            "kind": "statistic", "id": "x", "label": "2025", "notes": "no",
            "value": {"amount": "26.2", "unit": "people"},
            "equivalents": [{"amount": 1.100, "currency": "USD"}],
            "tags": ["true", "a: b", "#c", "- d", "é", "x\ny", "\u{7f}", ""],
            "period": "2025-09-08"
        });
        let mut text = String::new();
        write_yaml(&mut text, &record, Some(Typing::bundled(Kind::Statistic)));
        let back = crate::load::yaml::records(&text, &|_| None).unwrap();
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].value, record, "{text}");
        assert!(text.contains("label: \"2025\""), "{text}");
    }

    #[test]
    fn tags_keep_invalid_types() {
        let record = serde_json::json!({"kind": "entity", "id": "x", "name": 5, "type": true});
        let mut text = String::new();
        write_yaml(&mut text, &record, Some(Typing::bundled(Kind::Entity)));
        assert!(text.contains("name: !!int 5"), "{text}");
        let back =
            crate::load::yaml::records(&text, &|k| k.and_then(Kind::parse).map(Typing::bundled))
                .unwrap();
        assert_eq!(back[0].value, record, "{text}");
    }

    #[test]
    fn columns_follow_the_schema() {
        let typing = Typing::bundled(Kind::Entity);
        let mut c = Columns::default();
        let a = serde_json::json!({"kind": "entity", "id": "a", "name": "A", "type": "person"});
        let b = serde_json::json!({"id": "b", "kind": "entity", "type": "person", "name": "B", "role": "R", "extra": {"x": 1}});
        c.add(&a, Some(typing)).unwrap();
        c.add(&b, Some(typing)).unwrap();
        assert_eq!(c.names(), ["kind", "id", "type", "name", "role", "extra.x"]);
        assert_eq!(
            c.row(&a, Some(typing)),
            ["entity", "a", "person", "A", "", ""]
        );
        let clash = serde_json::json!({"kind": "entity", "id": "c", "extra": 5});
        assert!(c.add(&clash, Some(typing)).is_err());
        let dotted = serde_json::json!({"a.b": 1});
        assert!(c.add(&dotted, None).is_err());
        let statistic = Typing::bundled(Kind::Statistic);
        let mut c = Columns::default();
        for v in [
            serde_json::json!({"kind": "statistic", "value": {"amount": "8", "unit": "percent", "qualifier": "about"}}),
            serde_json::json!({"kind": "statistic", "value": {"amount": "8", "scale": "million", "currency": "USD"}, "ratio_of": {"numerator": "a", "denominator": "b"}}),
        ] {
            c.add(&v, Some(statistic)).unwrap();
        }
        assert_eq!(
            c.names(),
            [
                "kind",
                "value.amount",
                "value.scale",
                "value.currency",
                "value.unit",
                "value.qualifier",
                "ratio_of.numerator",
                "ratio_of.denominator"
            ]
        );
    }
}
