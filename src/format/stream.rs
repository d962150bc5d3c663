//! Records of any format, one at a time: [`read`] splits an input into the text of each
//! record with where it starts, and [`Writer`] writes records in any format.
//!
//! **Reading.** JSON Lines is split at each `\n` ([`json::Lines`]), CSV at the end of each
//! row by the one row scanner `check` uses too ([`csv::read::Rows`]), so both hold one
//! record's bytes at a time whatever the input's size; JSON and YAML are one document, read
//! whole. Each [`Piece`] comes with its [`Position`] in the input (byte offset, line,
//! column and the text of its line before it), which is all a caller needs to place a
//! finding inside the piece at the input's own line and column.
//!
//! The pieces are bytes, not values: decoding them (UTF-8, the format's parser, typing
//! through a schema's [`crate::typing::Typing`]) and turning what is wrong into
//! located diagnostics is the dataset layer's ([`crate::load::stream`]), because this module
//! makes no diagnostic. Nor does it know a schema or a rule, or where its output goes.
//!
//! **Writing.** [`Writer`] writes JSON (one pretty-printed array), JSON Lines, YAML (a block
//! list) or CSV (a header row, then one row per record, columns given up front) one record
//! at a time through the writers of [`json`], [`yaml`](mod@super::yaml::write) and [`csv`].

use std::io::{self, BufRead, Write};

use serde_json::Value;

use super::csv::{self, Columns, RowWriter};
use super::{json, yaml, Format};
use crate::typing::Typing;

/// The longest line before a piece kept to show with a finding in it (the human output
/// shows no longer line either: it names the line and column alone).
pub const SHOWN_LINE: usize = 16 * 1024;

/// Where a piece of an input starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    /// Bytes of the input before it.
    pub offset: u64,
    /// Line breaks (`\n`) before it.
    pub lines: usize,
    /// Characters between the last line break and it (a CSV row after a bare `\r` starts
    /// inside a line).
    pub columns: usize,
    /// The text of its line before it, so a finding can show the whole line; `None` when
    /// that is longer than [`SHOWN_LINE`].
    pub before: Option<String>,
}

impl Position {
    /// The start of an input.
    pub fn start() -> Position {
        Position {
            offset: 0,
            lines: 0,
            columns: 0,
            before: Some(String::new()),
        }
    }

    /// The start of line `line` (0-based), at byte `offset`.
    pub fn line(line: usize, offset: u64) -> Position {
        Position {
            offset,
            lines: line,
            ..Position::start()
        }
    }

    /// The position after a piece of `len` bytes, which starts here and reads as `text`
    /// (without the byte order marks of an input's first piece).
    pub fn after(&self, text: &str, len: usize) -> Position {
        let (lines, columns, before) = match text.rfind('\n') {
            Some(i) => (
                self.lines + text.bytes().filter(|&b| b == b'\n').count(),
                text[i + 1..].chars().count(),
                Some(text[i + 1..].to_owned()),
            ),
            None => (
                self.lines,
                self.columns + text.chars().count(),
                self.before.clone().map(|mut l| {
                    l.push_str(text);
                    l
                }),
            ),
        };
        Position {
            offset: self.offset + len as u64,
            lines,
            columns,
            before: before.filter(|l| l.len() <= SHOWN_LINE),
        }
    }
}

/// The bytes of one record (a JSON Lines line or a CSV row, line break included), or of a
/// whole JSON or YAML input, and where they start.
#[derive(Debug)]
pub struct Piece {
    /// The bytes as read; the input's first piece keeps any byte order mark.
    pub bytes: Vec<u8>,
    /// Where they start in the input.
    pub at: Position,
}

/// The pieces of an input in one format: see [`read`].
pub enum Pieces<R> {
    /// JSON or YAML: the whole input, once.
    Whole(Option<R>),
    /// JSON Lines: one line at a time.
    Lines(json::Lines<R>),
    /// CSV: one row at a time (the header row first).
    Rows(csv::read::Rows<R>),
}

/// The pieces of `input` read as `format`, in order. After an error (a failed read, or
/// the input going past its ceiling, see [`super::input`]) there are no more.
pub fn read<R: BufRead>(format: Format, input: R) -> Pieces<R> {
    match format {
        Format::Json | Format::Yaml => Pieces::Whole(Some(input)),
        Format::JsonLines => Pieces::Lines(json::Lines::new(input)),
        Format::Csv => Pieces::Rows(csv::read::Rows::new(input)),
    }
}

impl<R: BufRead> Iterator for Pieces<R> {
    type Item = io::Result<Piece>;

    fn next(&mut self) -> Option<io::Result<Piece>> {
        match self {
            Pieces::Whole(input) => {
                let mut bytes = Vec::new();
                let read = input.take()?.read_to_end(&mut bytes);
                Some(read.map(|_| Piece {
                    bytes,
                    at: Position::start(),
                }))
            }
            Pieces::Lines(lines) => lines.next(),
            Pieces::Rows(rows) => rows.next(),
        }
    }
}

/// Writes records in one format, one at a time, to `W`.
pub struct Writer<W: Write> {
    inner: Inner<W>,
}

enum Inner<W: Write> {
    Json(json::Writer, W),
    Yaml(usize, W),
    Csv(Box<(Columns, RowWriter<W>)>),
}

impl<W: Write> Writer<W> {
    /// A writer of `format` to `out`. CSV takes its `columns` from a first pass over the
    /// records ([`Columns::add`]) and writes its header row at once; the other formats
    /// ignore them.
    pub fn new(format: Format, columns: Columns, out: W) -> io::Result<Writer<W>> {
        let inner = match format {
            Format::Json => Inner::Json(json::Writer::array(), out),
            Format::JsonLines => Inner::Json(json::Writer::lines(), out),
            Format::Yaml => Inner::Yaml(0, out),
            Format::Csv => {
                let mut rows = RowWriter::new(out);
                rows.row(columns.names())?;
                Inner::Csv(Box::new((columns, rows)))
            }
        };
        Ok(Writer { inner })
    }

    /// Writes one record; `typing` is the schema's types for it (YAML and CSV write a
    /// string that would read back as another type so that it reads back as a string).
    pub fn record(&mut self, value: &Value, typing: Option<&Typing>) -> io::Result<()> {
        match &mut self.inner {
            Inner::Json(writer, out) => writer.record(out, value),
            Inner::Yaml(count, out) => {
                *count += 1;
                let mut text = String::new();
                yaml::write_yaml(&mut text, value, typing);
                out.write_all(text.as_bytes())
            }
            Inner::Csv(csv) => {
                let (columns, rows) = &mut **csv;
                rows.row(columns.row(value, typing))
            }
        }
    }

    /// Ends the output: closes a JSON array, writes `[]` for a YAML list of no record,
    /// flushes CSV.
    pub fn finish(self) -> io::Result<()> {
        match self.inner {
            Inner::Json(mut writer, mut out) => writer.finish(&mut out),
            Inner::Yaml(0, mut out) => out.write_all(b"[]\n"),
            Inner::Yaml(_, _) => Ok(()),
            Inner::Csv(mut csv) => csv.1.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_follow_lines_and_bare_carriage_returns() {
        let at = Position::start().after("a,b\n", 4);
        assert_eq!(at, Position::line(1, 4));
        let at = at.after("c,d\r", 4);
        assert_eq!(
            (at.lines, at.columns, at.before.as_deref()),
            (1, 4, Some("c,d\r"))
        );
        let at = at.after("é,\"x\ny\"\n", 9);
        assert_eq!((at.offset, at.lines, at.columns), (17, 3, 0));
        let long = "x".repeat(SHOWN_LINE + 1);
        assert_eq!(Position::start().after(&long, long.len()).before, None);
    }
}
