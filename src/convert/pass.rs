//! One pass of `convert` over its input: each chunk [`crate::load::stream`] reads goes
//! through the schema gate ([`Gate::check`], on the first pass), its findings are placed at
//! the input's line and column and counted, and its records go on to the sink (the column
//! gatherer or the writer) while nothing stops the conversion: no error so far, none in the
//! chunk (a `schema` finding does not stop it with `allow_errors`), no record the output
//! format cannot hold.
//!
//! The input is read on a second thread a few batches ahead ([`BATCH`], [`AHEAD`]), so a
//! pass holds a bounded number of chunks and keeps only the findings. It must not write output
//! (the sink does) or decide where it goes.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use super::{Finding, Gate, Options, Outcome, Problem};
use crate::diagnostic::{Diagnostic, Severity};
use crate::error::Error;
use crate::format::input::{is_over_ceiling, Input};
use crate::load::{self, stream::Chunk, Format};
use crate::typing::Typing;

/// Records read per batch handed from the reading thread to the pass.
const BATCH: usize = 256;

/// Batches the reading thread may be ahead of the pass.
const AHEAD: usize = 4;

/// What a pass does with each record nothing stops: `Err(Some(problem))` is a `convert`
/// finding on the record, `Err(None)` ends the pass (the output failed).
pub(super) type Sink<'s> = dyn FnMut(&Value) -> Result<(), Option<Problem>> + 's;

/// The state of a conversion.
pub(super) struct Run<'o> {
    /// The input as the user named it (`-` for standard input).
    pub(super) name: String,
    options: &'o Options,
    /// How records are read: typed by `--schema` or `--kind`, else by their own kind.
    pub(super) load: load::Options,
    findings: Vec<Finding>,
    records: usize,
    errors: usize,
}

impl Run<'_> {
    pub(super) fn new<'o>(input: &Path, options: &'o Options) -> Run<'o> {
        // Records are typed by `--schema`, else by `--kind`, else each by its own kind,
        // when they are read and again when they are written.
        let typing = match (&options.schema, options.kind) {
            (Some(schema), _) => Some(schema.typing()),
            (None, kind) => kind.map(|k| Arc::new(Typing::bundled(k).clone())),
        };
        let load = load::Options {
            kind: options.kind,
            typing,
            ..load::Options::default()
        };
        Run {
            name: input.display().to_string(),
            options,
            load,
            findings: Vec::new(),
            records: 0,
            errors: 0,
        }
    }

    /// Whether an error stops the conversion.
    pub(super) fn refused(&self) -> bool {
        self.errors > 0
    }

    /// Stops the conversion with `d`, a finding with no text to show (a ceiling).
    pub(super) fn refuse(&mut self, diagnostic: Diagnostic) {
        self.errors += 1;
        let source = Arc::from("");
        self.findings.push(Finding { diagnostic, source });
    }

    pub(super) fn outcome(self, from: Format, to: Format, written: bool) -> Outcome {
        let (findings, records, errors) = (self.findings, self.records, self.errors);
        Outcome {
            findings,
            records,
            errors,
            written,
            from,
            to,
        }
    }

    /// Reads every record of `input` in `from`, handing each to `sink` while nothing
    /// stops the conversion. `collect` gates, counts and reports; a pass that does not
    /// only writes.
    pub(super) fn pass(
        &mut self,
        input: &mut Input,
        from: Format,
        gate: &Gate,
        collect: bool,
        sink: &mut Sink<'_>,
    ) -> Result<(), Error> {
        let path = PathBuf::from(&self.name);
        let read_error = |source| Error::Read {
            path: path.clone(),
            source,
        };
        // Every output is written in one pass now: nothing to keep for a second one.
        let reader = input.open(false).map_err(read_error)?;
        // A CSV header is held to what `check` requires of it (an `id` column, and `kind`
        // or `--kind`) unless `--schema` says what the columns are.
        let dataset = self.options.schema.is_none();
        let stream = load::stream::read(from, reader, self.name.clone(), &self.load, dataset);
        // Reading (splitting, decoding, parsing, typing) runs on its own thread, a batch of
        // chunks ahead of the gate and the sink on this one: two cores for one pass, the
        // records still in input order (one channel, first in first out), and at most
        // `AHEAD` batches of `BATCH` records held, whatever the input's size.
        std::thread::scope(|scope| {
            let (send, batches) = std::sync::mpsc::sync_channel::<Vec<io::Result<Chunk>>>(AHEAD);
            scope.spawn(move || {
                let mut batch = Vec::with_capacity(BATCH);
                for chunk in stream {
                    batch.push(chunk);
                    if batch.len() == BATCH {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                        // The receiver is gone once the pass has stopped: nothing more to read.
                        if send.send(full).is_err() {
                            return;
                        }
                    }
                }
                let _ = send.send(batch);
            });
            for chunk in batches.iter().flatten() {
                match chunk {
                    Ok(chunk) => {
                        if !self.chunk(chunk, gate, collect, sink) {
                            break;
                        }
                    }
                    // Over `max_file_size`: a `limit` finding that stops the conversion.
                    Err(e) if is_over_ceiling(&e) => {
                        self.refuse(self.options.limits.stream_size(&self.name));
                        break;
                    }
                    Err(e) => return Err(read_error(e)),
                }
            }
            Ok(())
        })
    }

    /// Gates, reports and hands on the records of one chunk; `false` when the pass ends.
    fn chunk(&mut self, mut chunk: Chunk, gate: &Gate, collect: bool, sink: &mut Sink<'_>) -> bool {
        let mut findings = std::mem::take(&mut chunk.findings);
        if collect {
            for (i, entry) in chunk.entries().iter().enumerate() {
                let violations = gate.check(&entry.value).into_iter();
                findings.extend(violations.map(|v| v.into_diagnostic(i)));
            }
            self.records += chunk.entries().len();
        }
        let allow = self.options.allow_errors;
        let blocking = |d: &Diagnostic| d.is_error() && !(allow && d.rule == "schema");
        let mut stop = self.errors > 0 || findings.iter().any(blocking);
        let mut more = true;
        for (i, entry) in chunk.entries().iter().enumerate() {
            if stop {
                break;
            }
            match sink(&entry.value) {
                Ok(()) => {}
                Err(Some(p)) => {
                    let d = Diagnostic::new("convert", Severity::Error, p.message);
                    findings.push(d.at(i, p.pointer));
                    stop = true;
                }
                Err(None) => (stop, more) = (true, false),
            }
        }
        if collect && !findings.is_empty() {
            let source = chunk.source();
            for d in findings {
                let diagnostic = chunk.place(d);
                self.errors += usize::from(blocking(&diagnostic));
                let source = Arc::clone(&source);
                self.findings.push(Finding { diagnostic, source });
            }
        }
        more
    }
}
