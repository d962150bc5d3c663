//! `factkit convert`: records between JSON, JSON Lines, YAML and CSV, without changing a
//! figure. A short driver: open the input (held to its ceilings) → read it one piece at a
//! time → the optional schema gate → write, through the output rule of [`crate::atomic`].
//!
//! **What it keeps.** Numbers keep their text on every path (`1.100`, `-0.0`,
//! `12345678901234567890123`; serde_json writes an exponent with its sign, `14e12` as
//! `14e+12`). Strings stay strings (`007`, `"26.2"`), unicode is written as itself, and keys
//! keep their order, except in CSV, whose columns follow the schema ([`Columns`]). Records
//! are converted as they are: `convert` does not normalise them (`factkit export --to json`
//! does).
//!
//! **Typing.** YAML and CSV input are typed by a schema ([`crate::typing`]): `--schema
//! FILE` for every record, else the bundled schema of `--kind`, else the bundled schema
//! named by each record's own `kind` (a record of no known kind is read by YAML 1.2 alone, or
//! as strings for CSV). The rules for each format are in [`crate::format::yaml::read`] and
//! [`crate::format::csv::read`]. Without `--schema`, a CSV header must name an `id` column
//! (and a `kind` column, unless `--kind`), as `check` requires of a dataset file: a file
//! whose header row is missing is refused, not converted without its first record.
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
//! **Output.** Written by [`crate::format::Writer`] (CSV through [`Spool`]): JSON as an array pretty-printed with
//! two spaces (the layout of `serde_json::to_string_pretty`), JSON Lines one compact record
//! per line, YAML a block list, CSV one row per record (cells through the one codec of
//! [`crate::format::csv::codec`] that `export --to csv` and CSV reading share), LF line
//! ends, RFC 4180 quoting. Where it goes follows [`crate::atomic`]: a file target gets a
//! temporary file in its folder, made at the first byte of output and renamed over the
//! target only once everything converted ([`Output`]), so a failed run never leaves a
//! partial file; standard output, a FIFO or a device gets nothing until the conversion
//! succeeded (the output is staged in an anonymous temporary file), and is never replaced.
//! An output that is the input is refused.
//!
//! **Reading.** The input is held to `max_file_size` ([`Options::limits`]): a file over it
//! is refused before it is read, and a stream (standard input, a pipe) is read one byte
//! past it at most ([`crate::format::input`]); either is a `limit` finding that stops the
//! conversion. The pieces are split by [`crate::format::read`] (CSV rows by the state
//! machine `check`'s scanner uses) and read by the dataset layer's functions
//! ([`crate::load::stream`]), so `convert` and `check` read the same records from any file
//! (bare `\r` line ends included), with the same findings at the same line and column.
//!
//! **Streaming.** JSON Lines and CSV input are read one record at a time, and every output
//! is written one record at a time, so converting JSON Lines or CSV to JSON Lines, JSON or
//! YAML takes memory for a few batches of records, whatever the file's size. The input is
//! read and parsed on a second thread a few batches ahead of the gate and the writer
//! ([`pass`]), in order. CSV output needs its columns before its first row: its one pass
//! gathers them and spools each row's cells, tagged by column, to a temporary file
//! ([`Spool`]), which is written out in the final column order once the input is read. So
//! the input is read and parsed once (it used to be read twice). JSON and YAML input are read
//! whole.
//!
//! Nothing here prints: diagnostics come back in the [`Outcome`], the converted records go
//! to the file or to the writer the caller hands in for standard output.

mod pass;

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use serde_json::Value;

use crate::atomic::{Destination, Output, Reads};
use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::format::csv::{Columns, RowWriter, Spool};
use crate::format::input::Input;
use crate::limits::Limits;
use crate::load::Format;
use crate::model::Kind;
use crate::schema::user::SchemaFile;
use crate::schema::{Schemas, Violation};

use pass::Run;

pub use crate::format::csv::Problem;

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
    format.name()
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
    let from = format_of(
        options.from,
        (!stdin).then_some(input),
        "--from",
        "reading standard input needs `--from json|jsonl|yaml|csv`",
    )?;
    let to = format_of(
        options.to,
        output,
        "--to",
        "writing to standard output needs `--to json|jsonl|yaml|csv` (or give `-o FILE`)",
    )?;
    if !stdin && !input.exists() {
        return Err(Error::NotFound(input.to_path_buf()));
    }
    // Where the output goes is decided before anything is read, and nothing is created
    // there until the first byte is written.
    let destination = Destination::of(output.unwrap_or(Path::new("-")))?;
    let mut reads = Reads::default();
    reads.file(input, "the input");
    reads.check(destination.path())?;
    let mut source = Input::new((!stdin).then_some(input), options.limits.max_file_size);
    let mut run = Run::new(input, options);
    if source.is_regular() {
        let size = std::fs::metadata(input).map_or(0, |m| m.len());
        if let Some(d) = options.limits.file_size(&run.name, size) {
            run.refuse(d);
            return Ok(run.outcome(from, to, false));
        }
    }
    let gate = Gate::new(options)?;
    let load = run.load.clone();
    let typing = |v: &Value| load.typing_for(v.get("kind").and_then(Value::as_str));
    let mut out = Output::new(destination);
    if to == Format::Csv {
        // One pass: the columns are gathered and each row's cells spooled as the records
        // are read; the rows are written in the final column order after it.
        let mut columns = Columns::default();
        let mut spool = Spool::new().map_err(|e| out.error(e))?;
        let mut failure = None;
        run.pass(&mut source, from, &gate, true, &mut |v| match spool.add(
            &mut columns,
            v,
            typing(v),
        ) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => {
                failure = Some(e);
                Err(None)
            }
            Err(problem) => Err(Some(problem)),
        })?;
        if let Some(e) = failure {
            return Err(out.error(e));
        }
        if run.refused() {
            return Ok(run.outcome(from, to, false));
        }
        let mut rows = RowWriter::new(&mut out);
        let written = spool.write(&columns, &mut rows);
        drop(rows);
        if let Err(e) = written {
            return Err(out.error(e));
        }
        out.finish(stdout)?;
        return Ok(run.outcome(from, to, true));
    }
    let mut failure = None;
    match crate::format::Writer::new(to, Columns::default(), &mut out) {
        Err(e) => failure = Some(e),
        Ok(mut writer) => {
            run.pass(&mut source, from, &gate, true, &mut |v| {
                writer.record(v, typing(v)).map_err(|e| {
                    failure = Some(e);
                    None
                })
            })?;
            if failure.is_none() && !run.refused() {
                failure = writer.finish().err();
            }
        }
    }
    if let Some(e) = failure {
        return Err(out.error(e));
    }
    if run.refused() {
        return Ok(run.outcome(from, to, false));
    }
    out.finish(stdout)?;
    Ok(run.outcome(from, to, true))
}

/// The format given, else the one of `path`'s extension; `none` says what to pass when
/// there is no path (standard input or output).
fn format_of(
    given: Option<Format>,
    path: Option<&Path>,
    flag: &str,
    none: &str,
) -> Result<Format, Error> {
    match (given, path) {
        (Some(f), _) => Ok(f),
        (None, None) => Err(Error::Usage(none.into())),
        (None, Some(path)) => Format::of_path(path).ok_or_else(|| {
            Error::Usage(format!(
                "cannot tell the format of `{}` from its extension: pass `{flag} json|jsonl|yaml|csv`",
                path.display()
            ))
        }),
    }
}

/// What validates records: one call per record, [`Gate::check`].
enum Gate {
    None,
    Kind(Kind, Box<Schemas>),
    Schema(Arc<SchemaFile>),
}

impl Gate {
    fn new(options: &Options) -> Result<Gate, Error> {
        Ok(match (&options.schema, options.kind) {
            (Some(schema), _) => Gate::Schema(Arc::clone(schema)),
            (None, Some(kind)) => Gate::Kind(kind, Box::new(Schemas::bundled()?)),
            (None, None) => Gate::None,
        })
    }

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
