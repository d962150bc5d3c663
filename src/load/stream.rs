//! A record file read as a stream, one piece at a time: the pieces [`crate::format::read`]
//! splits an input into (a JSON Lines line, a CSV row, a whole JSON or YAML file), each made
//! into entries and located diagnostics by the same functions that read a dataset's files,
//! so `convert` reads the records `check` reads, with the same findings at the same places.
//!
//! Each [`Chunk`] is a little dataset of one file (the piece's text) and its entries;
//! [`Chunk::place`] places a finding about one of them and moves it to where the piece
//! starts in the input, so its line and column are the input's. Only one chunk is held at
//! a time: a JSON Lines or CSV input of any size is read in one record's memory.
//!
//! This module must not parse a format (the readers of [`crate::format`] and this layer's
//! [`json`](super::json), [`yaml`](super::yaml) and [`csv`](mod@super::csv) do), validate
//! against a schema, or read past a piece it was handed.

use std::io::{self, BufRead};
use std::path::PathBuf;
use std::sync::Arc;

use super::{csv, decode, decode_part, empty_file, load_file, Dataset, Entry, SourceFile};
use super::{Format, Options};
use crate::diagnostic::{Diagnostic, Location};
use crate::format::csv::read::{row_start, scan_row};
use crate::format::csv::Header;
use crate::format::{Pieces, Position};

/// The entries read from one piece of a streamed input, and the findings of reading it.
#[derive(Debug)]
pub struct Chunk {
    dataset: Dataset,
    /// Problems reading the piece (syntax, encoding, a bad cell), placed in its text.
    pub findings: Vec<Diagnostic>,
    at: Position,
}

impl Chunk {
    fn new(
        file: SourceFile,
        entries: Vec<Entry>,
        findings: Vec<Diagnostic>,
        at: Position,
    ) -> Chunk {
        let dataset = Dataset {
            root: PathBuf::from("."),
            files: vec![file],
            entries,
            unparsed: Vec::new(),
        };
        Chunk {
            dataset,
            findings,
            at,
        }
    }

    /// The records read, in order; a finding about one names its index here.
    pub fn entries(&self) -> &[Entry] {
        &self.dataset.entries
    }

    /// The text a placed finding's span indexes: the piece after the start of its first
    /// line, empty when that line is too long to show.
    pub fn source(&self) -> Arc<str> {
        match &self.at.before {
            Some(line) => Arc::from(format!("{line}{}", self.dataset.files[0].text())),
            None => Arc::from(""),
        }
    }

    /// Places `d` (a finding of [`Chunk::findings`], or one aimed at an entry) at the
    /// input's line and column, its spans into [`Chunk::source`].
    pub fn place(&self, mut d: Diagnostic) -> Diagnostic {
        self.dataset.place(&mut d);
        let before = self.at.before.as_ref().map_or(0, String::len);
        let at = &self.at;
        let move_to = |l: &mut Location| {
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
        d
    }
}

/// The chunks of an input, read from `pieces` in `format`: see [`read`].
pub struct Stream<R> {
    pieces: Pieces<R>,
    format: Format,
    name: String,
    options: Options,
    /// CSV: require the `id` and `kind` columns, as for a dataset file.
    dataset: bool,
    /// CSV: the header, once read, and the row number as a spreadsheet shows it.
    header: Option<Arc<Header>>,
    number: usize,
    done: bool,
}

/// Reads `input` in `format` as a stream of chunks; `name` is the input as the user named
/// it. YAML and CSV are typed by `options` (see [`Options::typing_for`]); `dataset` holds
/// a CSV header to what `check` requires of a dataset file (an `id` column, and a `kind`
/// column unless `options.kind`), so a file without a header row is refused, not read with
/// its first record as the header. The chunks end after a piece that stops the reading of
/// the whole input (bad UTF-8 or a bad header in CSV), and after a failed read.
pub fn read<R: BufRead>(
    format: Format,
    input: R,
    name: String,
    options: &Options,
    dataset: bool,
) -> Stream<R> {
    Stream {
        pieces: crate::format::read(format, input),
        format,
        name,
        options: options.clone(),
        dataset,
        header: None,
        number: 0,
        done: false,
    }
}

impl<R: BufRead> Iterator for Stream<R> {
    type Item = io::Result<Chunk>;

    fn next(&mut self) -> Option<io::Result<Chunk>> {
        while !self.done {
            let piece = match self.pieces.next() {
                Some(Ok(piece)) => piece,
                Some(Err(e)) => {
                    self.done = true;
                    return Some(Err(e));
                }
                None => {
                    self.done = true;
                    return self.end();
                }
            };
            let chunk = if self.format == Format::Csv {
                self.row(&piece.bytes, piece.at)
            } else {
                Some(self.document(&piece.bytes, piece.at))
            };
            if chunk.is_some() {
                return chunk.map(Ok);
            }
        }
        None
    }
}

impl<R> Stream<R> {
    /// A JSON Lines line, or a whole JSON or YAML input.
    fn document(&self, bytes: &[u8], at: Position) -> Chunk {
        let (file, problem) = if self.format == Format::JsonLines {
            decode_part(self.name.clone(), None, bytes, Some(self.format), at.offset)
        } else {
            decode(self.name.clone(), None, bytes, Some(self.format))
        };
        let mut entries = Vec::new();
        let mut findings = Vec::new();
        match problem {
            Some(d) => findings.push(d),
            None => load_file(0, &file, &self.options, &mut entries, &mut findings),
        }
        Chunk::new(file, entries, findings, at)
    }

    /// A CSV row: the header, a record, or nothing (a blank row).
    fn row(&mut self, bytes: &[u8], at: Position) -> Option<Chunk> {
        self.number += 1;
        let (file, problem) =
            decode_part(self.name.clone(), None, bytes, Some(Format::Csv), at.offset);
        if let Some(d) = problem {
            self.done = true;
            return Some(Chunk::new(file, Vec::new(), vec![d], at));
        }
        let start = if at.offset == 0 {
            row_start(file.text())
        } else {
            0
        };
        let (row, _) = scan_row(file.text(), start);
        if row.is_blank() {
            return None;
        }
        let typing = |kind: Option<&str>| self.options.typing_for(kind);
        let settings = csv::Settings {
            kind: self.options.kind,
            typing: &typing,
            dataset: self.dataset,
        };
        let Some(header) = &self.header else {
            match csv::read_header(&file, &row, self.number, &settings) {
                Ok(h) => {
                    self.header = Some(h);
                    return None;
                }
                Err(d) => {
                    self.done = true;
                    return Some(Chunk::new(file, Vec::new(), vec![*d], at));
                }
            }
        };
        let (entries, findings) =
            match csv::row_entry(0, &file, &row, self.number, header, &settings) {
                Ok(entry) => (entry.into_iter().collect(), Vec::new()),
                Err(d) => (Vec::new(), vec![*d]),
            };
        Some(Chunk::new(file, entries, findings, at))
    }

    /// After the last piece: a CSV input without a header row is empty, as `check` says.
    fn end(&self) -> Option<io::Result<Chunk>> {
        if self.format != Format::Csv || self.header.is_some() {
            return None;
        }
        let file = SourceFile::new(self.name.clone(), None, String::new(), Format::Csv);
        let d = empty_file(
            &file,
            "write a header row (`kind,id,…`) and one row per record",
        );
        Some(Ok(Chunk::new(file, Vec::new(), vec![d], Position::start())))
    }
}
