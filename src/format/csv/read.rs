//! Reading CSV: rows and cells into records, one record per row, typed by the JSON types
//! the caller's schema allows at each place.
//!
//! The first non-empty row is the header. Each further row is one record:
//!
//! - **Nesting.** A dotted header builds nested objects: `value.amount` and `value.currency`
//!   make `{"value": {"amount": …, "currency": …}}`. Headers are split at every `.`, so a
//!   field name cannot contain one. Two headers that would write the same place (`value` and
//!   `value.amount`, or the same name twice) are an error.
//! - **Kind.** From the `kind` column, or from `--kind` for a file without one (the kind is
//!   then added to each record, first).
//! - **Typing, never guessing.** A cell is typed by the JSON types the schema allows at its
//!   place ([`Typing::types_at`]: the bundled schema of the row's kind, or `--schema`):
//!   - an empty cell is an absent field;
//!   - where the schema allows strings only, or says nothing (no schema, unknown kind,
//!     unknown column), the cell is that string;
//!   - where it allows a list (or an object), a cell starting with `[` (or `{`) is JSON:
//!     `["a","b"]`, `[{"amount":"26.2","scale":"billion","currency":"USD"}]`. This is the
//!     list encoding factkit's CSV writers use; a list cell that is not valid JSON is a
//!     `syntax` error at that cell;
//!   - where it allows a number, a cell written as a JSON number (`26.2`, `1.100`, `-0.0`)
//!     is that number, text kept; `007` or `+1` are not JSON numbers and stay strings;
//!   - where it allows a boolean or null, `true`/`false` and `null` are those;
//!   - in every column, a cell that is exactly one JSON string in double quotes (`"26.2"`,
//!     `""`) is that string: this is how the writer keeps a string that would otherwise
//!     read as something else (a string amount, an empty string, a string starting with
//!     `[`).
//! - **Formulas.** Each cell is restored by the one cell codec ([`super::codec::restore`])
//!   before it is typed, so a cell neutralised by any of factkit's CSV writers (`'=SUM(A1)`)
//!   reads back as the text that was written (`=SUM(A1)`).
//! - **Shape.** A byte order mark is skipped; rows may end in LF or CRLF; quoted cells may
//!   hold commas, quotes (`""`) and line breaks (RFC 4180). Blank lines and rows whose cells
//!   are all empty are skipped (spreadsheets write them). A row with more or fewer cells
//!   than the header, an unclosed quote, an empty or repeated header name, and a dataset file
//!   without an `id` column (a missing header row) are errors that name the row.
//!
//! **Positions.** The csv crate parses each row; a small scanner ([`split_rows_with`], and
//! [`RowReader`] for a stream, whose rows [`Rows`] hands on with where each starts) finds the byte span of each row and cell, which the crate does
//! not report, so the dataset layer ([`crate::load::csv`]) can point a finding at the cell
//! (and inside a JSON list cell, at the element).
//!
//! This module reads text into JSON values: it makes no diagnostic (a problem is a
//! [`CellError`] naming the column), keeps no file, and knows no schema, only the JSON types
//! a caller's [`Typing`] allows at each place.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::codec::restore;
use crate::format::{Piece, Position, TypingFor};
use crate::model::Kind;
use crate::typing::{Types, Typing};

/// The header row: column names and the path each one writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    names: Vec<String>,
    paths: Vec<Vec<String>>,
    kind_column: Option<usize>,
    tree: PathTree,
    /// The byte between cells of the file (`,` unless sniffed or set otherwise).
    delimiter: u8,
    /// Each column's JSON types under each typing rows were read with.
    types: TypesCache,
}

/// The JSON types of a header's columns, worked out once per typing rather than once per
/// cell (the schema walk was half the time of reading a CSV file). A typing is known by its
/// address: the typings a file is read with live as long as the read, and so as its header.
/// Ignored by `Clone` and `==`, which compare the header itself.
/// The same for the properties a schema lists at a place, which order a record's members
/// ([`order`]), at most [`LISTED`] places.
#[derive(Debug, Default)]
struct TypesCache {
    columns: std::sync::Mutex<Vec<(TypingId, ColumnTypes)>>,
    listed: std::sync::Mutex<Listed>,
}

/// The properties listed at each place (a path inside a record) under each typing.
type Listed = HashMap<(TypingId, Vec<String>), Arc<[String]>>;

/// A typing by its address (see [`TypesCache`]).
type TypingId = usize;

/// The JSON types of each column of a header, in column order.
type ColumnTypes = Arc<[Option<Types>]>;

/// Most places whose listed properties a header remembers (a JSON cell holding objects of
/// every shape costs time past it, not memory).
const LISTED: usize = 1024;

impl TypesCache {
    fn get(&self, typing: &Typing, paths: &[Vec<String>]) -> ColumnTypes {
        let key = typing as *const Typing as usize;
        // A poisoned lock only means another thread panicked while filling it: the entries
        // are whole (pushed complete), so they are still good.
        let mut cache = self.columns.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, types)) = cache.iter().find(|(k, _)| *k == key) {
            return Arc::clone(types);
        }
        let types: ColumnTypes = paths.iter().map(|p| typing.types_at(p)).collect();
        cache.push((key, Arc::clone(&types)));
        types
    }

    fn listed(&self, typing: &Typing, path: &[String]) -> Arc<[String]> {
        let key = (typing as *const Typing as usize, path.to_vec());
        let mut cache = self.listed.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(listed) = cache.get(&key) {
            return Arc::clone(listed);
        }
        let listed: Arc<[String]> = typing.properties_at(path).into();
        if cache.len() < LISTED {
            cache.insert(key, Arc::clone(&listed));
        }
        listed
    }
}

impl Clone for TypesCache {
    fn clone(&self) -> Self {
        TypesCache::default()
    }
}

impl PartialEq for TypesCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for TypesCache {}

/// The columns' paths as a tree of their parts, so that checking a new column against the
/// others, and finding the column of a pointer, walk one path instead of every column.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct PathTree {
    /// Node 0 is the root, the empty path.
    nodes: Vec<PathNode>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct PathNode {
    /// The node of each next part.
    children: std::collections::HashMap<String, usize>,
    /// The first column whose path passes through (or ends at) this node.
    first: usize,
    /// The column whose path ends here.
    column: Option<usize>,
}

impl PathTree {
    /// The node of each prefix of `tokens` that is in the tree, from the root (the empty
    /// prefix) on.
    fn walk<'t>(&'t self, tokens: &'t [String]) -> impl Iterator<Item = &'t PathNode> + 't {
        let mut at = self.nodes.first();
        let mut tokens = tokens.iter();
        std::iter::from_fn(move || {
            let node = at?;
            at = tokens
                .next()
                .and_then(|t| node.children.get(t))
                .and_then(|&i| self.nodes.get(i));
            Some(node)
        })
    }

    /// The column whose path is `path`, a prefix of it or inside it, with the length of the
    /// shorter of the two paths. The paths in the tree do not conflict with each other, so
    /// at most one is `path` or a prefix of it; else the first column through the node of
    /// `path`, if there is one, is the first inside it.
    fn clash(&self, path: &[String]) -> Option<(usize, usize)> {
        let mut reached = None;
        for (depth, node) in self.walk(path).enumerate() {
            if let Some(column) = node.column {
                return Some((column, depth));
            }
            reached = Some((node, depth));
        }
        match reached {
            Some((node, depth)) if depth == path.len() => Some((node.first, depth)),
            _ => None,
        }
    }

    /// Adds column `column`'s path, which conflicts with none in the tree.
    fn insert(&mut self, path: &[String], column: usize) {
        if self.nodes.is_empty() {
            self.nodes.push(PathNode {
                first: column,
                ..PathNode::default()
            });
        }
        let mut at = 0;
        for part in path {
            at = match self.nodes[at].children.get(part) {
                Some(&next) => next,
                None => {
                    let next = self.nodes.len();
                    self.nodes.push(PathNode {
                        first: column,
                        ..PathNode::default()
                    });
                    self.nodes[at].children.insert(part.clone(), next);
                    next
                }
            };
        }
        self.nodes[at].column = Some(column);
    }
}

/// A problem with one cell, row or the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    /// 0-based column, when the problem is one cell.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub help: String,
}

impl Header {
    /// Reads the header from its cells. Each column is checked against the others through
    /// the tree of their paths, so a header of 100,000 columns costs no more than reading
    /// it.
    pub fn new(names: Vec<String>) -> Result<Header, CellError> {
        let mut paths: Vec<Vec<String>> = Vec::with_capacity(names.len());
        let mut tree = PathTree::default();
        let names: Vec<String> = names.into_iter().map(|n| restore(&n).to_owned()).collect();
        for (i, name) in names.iter().enumerate() {
            let err = |message: String, help: &str| CellError {
                column: Some(i),
                message,
                help: help.to_owned(),
            };
            if name.is_empty() {
                return Err(err(
                    format!("column {} of the header has no name", i + 1),
                    "give every column a name, or delete the empty column",
                ));
            }
            let path: Vec<String> = name.split('.').map(str::to_owned).collect();
            if path.iter().any(String::is_empty) {
                return Err(err(
                    format!("the header `{name}` has an empty part between dots"),
                    "nested fields are written `value.amount`, one dot between names",
                ));
            }
            // The first column before this one that writes the same place, or a part of it.
            if let Some((j, shorter)) = tree.clash(&path) {
                let what = if paths[j].len() == path.len() {
                    format!(
                        "the header `{name}` appears twice (columns {} and {})",
                        j + 1,
                        i + 1
                    )
                } else {
                    format!(
                        "the headers `{}` (column {}) and `{name}` (column {}) both write `{}`",
                        names[j],
                        j + 1,
                        i + 1,
                        path[..shorter].join(".")
                    )
                };
                return Err(err(
                    what,
                    "keep one column per field; nested fields have dotted names only",
                ));
            }
            tree.insert(&path, i);
            paths.push(path);
        }
        let kind_column = names.iter().position(|n| n == "kind");
        Ok(Header {
            names,
            paths,
            kind_column,
            tree,
            delimiter: b',',
            types: TypesCache::default(),
        })
    }

    /// The header of a file whose cells are separated by `delimiter`.
    pub fn with_delimiter(mut self, delimiter: u8) -> Header {
        self.delimiter = delimiter;
        self
    }

    /// The byte between cells: `,`, `;` or tab.
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// The column names, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Whether a column has this name.
    pub fn has(&self, name: &str) -> bool {
        let path: Vec<String> = name.split('.').map(str::to_owned).collect();
        let mut walk = self.tree.walk(&path);
        walk.nth(path.len())
            .is_some_and(|node| node.column.is_some())
    }

    /// The column that writes `tokens` (or an ancestor of it), and how many tokens it
    /// covers; else the first column inside `tokens`.
    pub(crate) fn column_of(&self, tokens: &[String]) -> Option<(usize, usize)> {
        self.tree.clash(tokens)
    }
}

/// The value of a cell whose text (after [`restore`]) is `raw`, at a place where the
/// schema allows `types`; `None` for an empty cell (an absent field).
pub fn cell_value(raw: &str, types: Option<Types>) -> Result<Option<Value>, String> {
    if raw.is_empty() {
        return Ok(None);
    }
    if raw.starts_with('"') {
        if let Ok(Value::String(s)) = serde_json::from_str::<Value>(raw) {
            return Ok(Some(Value::String(s)));
        }
    }
    let Some(t) = types else {
        return Ok(Some(Value::String(raw.to_owned())));
    };
    if t.only_string() {
        return Ok(Some(Value::String(raw.to_owned())));
    }
    let structured = (t.intersects(Types::ARRAY) && raw.starts_with('['))
        || (t.intersects(Types::OBJECT) && raw.starts_with('{'));
    if structured {
        match crate::format::json::parse(raw) {
            Ok(v) => return Ok(Some(v)),
            Err(e) if !t.intersects(Types::STRING) => {
                let mut message = e.to_string();
                if let Some(i) = message.rfind(" at line ") {
                    message.truncate(i);
                }
                return Err(message);
            }
            Err(_) => {}
        }
    } else if !t.intersects(Types::STRING | Types::NUMBER | Types::BOOLEAN | Types::NULL) {
        let what = if t.intersects(Types::ARRAY) {
            "a JSON list such as `[\"a\",\"b\"]`"
        } else {
            "a JSON object such as `{\"a\":\"b\"}`"
        };
        return Err(format!("expected {what}"));
    }
    if t.intersects(Types::NUMBER) {
        if let Some(n) = crate::format::yaml::read::json_number(raw) {
            return Ok(Some(Value::Number(n)));
        }
    }
    if t.intersects(Types::BOOLEAN) && (raw == "true" || raw == "false") {
        return Ok(Some(Value::Bool(raw == "true")));
    }
    if t.intersects(Types::NULL) && raw == "null" {
        return Ok(Some(Value::Null));
    }
    Ok(Some(Value::String(raw.to_owned())))
}

/// A row and its cells in the text: byte ranges, without the line break.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    /// The row, from its first cell to the end of its last.
    pub range: Range<usize>,
    /// Each cell, quotes included.
    pub cells: Vec<Range<usize>>,
    /// The text ended inside a quoted cell.
    pub unclosed_quote: bool,
}

/// Where a row stands after a byte: the one state machine that decides where CSV cells and
/// rows end, for a whole text ([`scan_row`], as `check` reads) and for a stream
/// ([`RowReader`], as `convert` reads), so both split a file into the same rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Quoting {
    /// At the start of a cell.
    #[default]
    Start,
    /// Inside a cell that did not open with a quote.
    Plain,
    /// Inside a quoted cell.
    Quoted,
    /// Just after a quote inside a quoted cell: the cell's end, or the first of `""`.
    QuoteInQuoted,
}

/// What one byte is to the row.
#[derive(Debug, PartialEq, Eq)]
enum Byte {
    /// Part of a cell.
    Cell,
    /// The comma between two cells.
    Comma,
    /// A line break outside quotes (`\n`, or `\r` alone or before `\n`): the row's end.
    Break,
}

impl Quoting {
    fn step(&mut self, b: u8) -> Byte {
        self.step_with(b, b',')
    }

    /// [`Quoting::step`] for cells separated by `delimiter`.
    fn step_with(&mut self, b: u8, delimiter: u8) -> Byte {
        match (*self, b) {
            (Quoting::Quoted, b'"') => *self = Quoting::QuoteInQuoted,
            (Quoting::Quoted, _) => {}
            (Quoting::QuoteInQuoted, b'"') => *self = Quoting::Quoted,
            (Quoting::Start, b'"') => *self = Quoting::Quoted,
            (_, d) if d == delimiter => {
                *self = Quoting::Start;
                return Byte::Comma;
            }
            (_, b'\n' | b'\r') => return Byte::Break,
            _ => *self = Quoting::Plain,
        }
        Byte::Cell
    }
}

/// Where the row after a line break at `at` starts: `\r\n` is one break.
fn after_break(bytes: &[u8], at: usize) -> usize {
    if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
        at + 2
    } else {
        at + 1
    }
}

/// The row starting at byte `start` of `text`, and where the next one starts.
pub fn scan_row(text: &str, start: usize) -> (RawRow, usize) {
    scan_row_with(text, start, b',')
}

/// [`scan_row`] for cells separated by `delimiter`.
pub fn scan_row_with(text: &str, start: usize, delimiter: u8) -> (RawRow, usize) {
    let bytes = text.as_bytes();
    let mut cells = Vec::new();
    let mut cell_start = start;
    let mut state = Quoting::Start;
    let mut at = start;
    let (end, next) = loop {
        let Some(&b) = bytes.get(at) else {
            break (at, at);
        };
        match state.step_with(b, delimiter) {
            Byte::Cell => {}
            Byte::Comma => {
                cells.push(cell_start..at);
                cell_start = at + 1;
            }
            Byte::Break => break (at, after_break(bytes, at)),
        }
        at += 1;
    };
    cells.push(cell_start..end);
    (
        RawRow {
            range: start..end,
            cells,
            unclosed_quote: state == Quoting::Quoted,
        },
        next,
    )
}

/// Reads the rows of a CSV stream one at a time, split exactly where [`split_rows_with`] splits
/// the whole text (the same state machine), each byte looked at once: a row holding a
/// 25,000-line quoted cell, or the rest of a file after a stray `"`, costs its length, not
/// its length times its lines.
#[derive(Debug)]
pub struct RowReader<R> {
    inner: R,
    /// No row read yet: a byte order mark may come first.
    first: bool,
}

impl<R: std::io::BufRead> RowReader<R> {
    /// Rows from `inner`.
    pub fn new(inner: R) -> RowReader<R> {
        RowReader { inner, first: true }
    }

    /// Appends the bytes of the next row, its line break included, to `row`; `false` at the
    /// end of the stream. The first row keeps the byte order marks before it, which
    /// [`split_rows_with`] skips (one taken off by [`decode`](crate::load::decode), one by the
    /// scanner): read through [`scan_row`] (from [`row_start`] for the first row, from 0
    /// for the others), a row's text gives the row `split_rows_with` gives for it in the whole
    /// text.
    pub fn next_row(&mut self, row: &mut Vec<u8>) -> std::io::Result<bool> {
        let mut start = row.len();
        let mut state = Quoting::Start;
        if std::mem::take(&mut self.first) {
            for _ in 0..2 {
                let matched = self.match_bom(row)?;
                if matched < BOM.len() {
                    // Part of a mark is text (invalid UTF-8, which decoding reports).
                    for &b in &row[row.len() - matched..] {
                        state.step(b);
                    }
                    break;
                }
                // Byte order marks alone are no row (`split_rows_with` finds none there).
                start = row.len();
            }
        }
        loop {
            let buf = self.inner.fill_buf()?;
            if buf.is_empty() {
                return Ok(row.len() > start);
            }
            let end = buf.iter().position(|&b| state.step(b) == Byte::Break);
            match end {
                Some(at) => {
                    let cr = buf[at] == b'\r';
                    row.extend_from_slice(&buf[..=at]);
                    self.inner.consume(at + 1);
                    if cr && self.inner.fill_buf()?.first() == Some(&b'\n') {
                        row.push(b'\n');
                        self.inner.consume(1);
                    }
                    return Ok(true);
                }
                None => {
                    let n = buf.len();
                    row.extend_from_slice(buf);
                    self.inner.consume(n);
                }
            }
        }
    }

    /// Moves the bytes of a byte order mark at the start of the stream to `row`, one at a
    /// time (a read may deliver fewer than three bytes); how many matched.
    fn match_bom(&mut self, row: &mut Vec<u8>) -> std::io::Result<usize> {
        let mut matched = 0;
        while matched < BOM.len() {
            match self.inner.fill_buf()?.first() {
                Some(&b) if b == BOM[matched] => {
                    row.push(b);
                    self.inner.consume(1);
                    matched += 1;
                }
                _ => break,
            }
        }
        Ok(matched)
    }
}

const BOM: &[u8] = "\u{feff}".as_bytes();

/// The rows of a CSV stream, one at a time, each with where it starts (see
/// [`crate::format::read`]): the rows [`RowReader`] splits, blank ones included, so that row
/// numbers and positions stay the file's. A row's [`Position`] counts the characters before
/// it on its line (a row after a bare `\r` starts inside a line) and keeps that line's text
/// to show, and columns on the first line are counted after its byte order marks.
#[derive(Debug)]
pub struct Rows<R> {
    rows: RowReader<R>,
    /// Where the next row starts.
    next: Position,
    done: bool,
}

impl<R: std::io::BufRead> Rows<R> {
    /// The rows of `inner`.
    pub fn new(inner: R) -> Rows<R> {
        Rows {
            rows: RowReader::new(inner),
            next: Position::start(),
            done: false,
        }
    }
}

impl<R: std::io::BufRead> Iterator for Rows<R> {
    type Item = std::io::Result<Piece>;

    fn next(&mut self) -> Option<std::io::Result<Piece>> {
        if self.done {
            return None;
        }
        let mut bytes = Vec::new();
        match self.rows.next_row(&mut bytes) {
            Ok(true) => {}
            Ok(false) => {
                self.done = true;
                return None;
            }
            Err(e) => {
                self.done = true;
                return Some(Err(e));
            }
        }
        // A row that is not UTF-8 ends the reading of the file (the caller reports it), so
        // the lossy text only ever counts valid rows.
        let text = String::from_utf8_lossy(&bytes);
        let counted = if self.next.offset == 0 {
            // One mark is taken off by decoding, one by the scanner (see `next_row`).
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
            &text[row_start(text)..]
        } else {
            &text[..]
        };
        let after = self.next.after(counted, bytes.len());
        let at = std::mem::replace(&mut self.next, after);
        Some(Ok(Piece { bytes, at }))
    }
}

/// Where the first row of a decoded text starts: after a byte order mark (see
/// [`RowReader::next_row`]). Only for a file's first row: a later row starting with U+FEFF
/// keeps it in its first cell.
pub fn row_start(text: &str) -> usize {
    if text.starts_with('\u{feff}') {
        BOM.len()
    } else {
        0
    }
}

/// Every row of `text` in order, blank lines included (as rows with an empty range): a
/// spreadsheet numbers them too. Cells are separated by `delimiter`.
pub fn split_rows_with(text: &str, delimiter: u8) -> impl Iterator<Item = RawRow> + '_ {
    let mut at = row_start(text);
    std::iter::from_fn(move || {
        if at >= text.len() {
            return None;
        }
        let (row, next) = scan_row_with(text, at, delimiter);
        at = next.max(at + 1);
        Some(row)
    })
}

impl RawRow {
    /// Whether the row is a blank line.
    pub fn is_blank(&self) -> bool {
        self.range.is_empty() && !self.unclosed_quote
    }
}

/// The cells of one row, parsed by the csv crate's core parser (RFC 4180 quoting, the csv
/// crate's defaults, cells separated by `delimiter`). One parser per thread is reset for each row: building a csv reader
/// compiles its state machine, which cost about 30 µs a row (a second per megabyte of short
/// rows) when it was built anew for each one.
pub fn fields_with(row: &str, delimiter: u8) -> Result<Vec<String>, String> {
    thread_local! {
        /// The parser of the last delimiter used on this thread.
        static CORE: std::cell::RefCell<(u8, csv_core::Reader)> =
            std::cell::RefCell::new((b',', csv_core::Reader::new()));
    }
    CORE.with(|core| {
        let mut core = core.borrow_mut();
        if core.0 != delimiter {
            *core = (
                delimiter,
                csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            );
        }
        let core = &mut core.1;
        core.reset();
        let mut input = row.as_bytes();
        // A cell is never longer than the row: unquoting only removes bytes.
        let mut out = vec![0u8; row.len() + 1];
        let mut cells = Vec::new();
        let mut cell: Vec<u8> = Vec::new();
        loop {
            let (result, read, written) = core.read_field(input, &mut out);
            input = &input[read..];
            cell.extend_from_slice(&out[..written]);
            match result {
                // Out of input: the next call, with none, tells the parser the row ended.
                csv_core::ReadFieldResult::InputEmpty | csv_core::ReadFieldResult::OutputFull => {}
                csv_core::ReadFieldResult::Field { record_end } => {
                    let bytes = std::mem::take(&mut cell);
                    // Cells split a UTF-8 row at ASCII delimiters and quotes, so each is UTF-8.
                    cells.push(String::from_utf8(bytes).map_err(|e| e.to_string())?);
                    if record_end {
                        return Ok(cells);
                    }
                }
                csv_core::ReadFieldResult::End => return Ok(cells),
            }
        }
    })
}

/// Reads one data row into a record.
pub fn row_record(
    header: &Header,
    cells: &[String],
    kind: Option<Kind>,
    typing: &TypingFor<'_>,
) -> Result<Option<Value>, CellError> {
    if cells.iter().all(String::is_empty) {
        return Ok(None);
    }
    if cells.len() != header.names.len() {
        let column = (cells.len() > header.names.len()).then_some(header.names.len());
        return Err(CellError {
            column,
            message: format!(
                "this row has {} cells but the header has {} columns",
                cells.len(),
                header.names.len()
            ),
            help: "every row needs one cell per column: add the missing commas, or quote a cell that contains a comma".into(),
        });
    }
    let own_kind = header
        .kind_column
        .map(|i| restore(&cells[i]))
        .filter(|k| !k.is_empty());
    let kind_name = own_kind.or(kind.map(Kind::as_str));
    let typing = typing(kind_name);
    let mut record = Map::new();
    if own_kind.is_none() {
        if let Some(kind) = kind {
            record.insert("kind".into(), Value::String(kind.as_str().into()));
        }
    }
    let column_types = typing.map(|t| header.types.get(t, &header.paths));
    for (i, cell) in cells.iter().enumerate() {
        let path = &header.paths[i];
        let types = column_types.as_ref().and_then(|t| t[i]);
        let value = cell_value(restore(cell), types).map_err(|message| CellError {
            column: Some(i),
            message: format!("column `{}`: {message}", header.names[i]),
            help: "a list is written as a JSON array in one cell: `[\"a\",\"b\"]`, `[{\"amount\":\"26.2\",\"currency\":\"USD\"}]`".into(),
        })?;
        if let Some(value) = value {
            insert(&mut record, path, value);
        }
    }
    if let Some(typing) = typing {
        order(&mut record, typing, &header.types, &mut Vec::new());
    }
    Ok(Some(Value::Object(record)))
}

/// Puts an object's members in the order its schema lists them (the rest after, as they
/// came), so a record reads the same whatever the order of the file's columns.
fn order(
    object: &mut Map<String, Value>,
    typing: &Typing,
    cache: &TypesCache,
    path: &mut Vec<String>,
) {
    let listed = cache.listed(typing, path);
    if !listed.is_empty() {
        let mut members: Vec<(String, Value)> = std::mem::take(object).into_iter().collect();
        members.sort_by_key(|(k, _)| listed.iter().position(|l| l == k).unwrap_or(usize::MAX));
        object.extend(members);
    }
    for (key, value) in object.iter_mut() {
        if let Value::Object(inner) = value {
            path.push(key.clone());
            order(inner, typing, cache, path);
            path.pop();
        }
    }
}

fn insert(object: &mut Map<String, Value>, path: &[String], value: Value) {
    match path {
        [] => {}
        [last] => {
            object.insert(last.clone(), value);
        }
        [first, rest @ ..] => {
            let child = object
                .entry(first.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            // The header check rules out a column that writes a value where another writes
            // an object, so `child` is always an object here.
            if let Value::Object(child) = child {
                insert(child, rest, value);
            }
        }
    }
}

/// The delimiters a CSV file may use, as [`sniff_delimiter`] tries them.
pub const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

/// The delimiter of a CSV text, guessed from its header row: the one of `,`, `;` and tab
/// found most often outside quotes before the first line break outside quotes (`,` on a
/// tie or when there is none). Spreadsheets in much of Europe save `;`-separated files.
pub fn sniff_delimiter(text: &str) -> u8 {
    let mut counts = [0usize; DELIMITERS.len()];
    let mut quoted = false;
    for &b in text.as_bytes()[row_start(text)..].iter() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            _ if !quoted => {
                if let Some(i) = DELIMITERS.iter().position(|&d| d == b) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    let mut best = 0;
    for i in 1..DELIMITERS.len() {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    DELIMITERS[best]
}

/// The last cell of a row that ends inside quotes is the one never closed.
pub(crate) fn unclosed(row: &RawRow) -> CellError {
    CellError {
        column: Some(row.cells.len().saturating_sub(1)),
        message: "a quoted cell is never closed: the file ends inside its quotes".into(),
        help: "close the cell's opening `\"` with another; a quote inside a quoted cell is written `\"\"`".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_the_delimiter_of_the_header_row() {
        assert_eq!(sniff_delimiter("kind,id,label\n"), b',');
        assert_eq!(sniff_delimiter("kind;id;label\na,b,c,d,e\n"), b';');
        assert_eq!(sniff_delimiter("\u{feff}kind\tid\tlabel"), b'\t');
        assert_eq!(sniff_delimiter("\"a;b;c\",kind\n"), b',');
        assert_eq!(sniff_delimiter("kind\n"), b',');
        let text = "a;\"x\ny\";b\n1;2;3\n";
        let rows: Vec<_> = split_rows_with(text, b';').collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].cells.len(), 3);
        assert_eq!(fields_with("1;\"2;3\";4", b';').unwrap(), ["1", "2;3", "4"]);
    }
    use crate::format::csv::codec::neutralise;
    use crate::format::csv::write::cell_text;
    use proptest::prelude::*;

    fn bundled(kind: Option<&str>) -> Option<&'static Typing> {
        kind.and_then(Kind::parse).map(Typing::bundled)
    }

    fn header(names: &[&str]) -> Header {
        Header::new(names.iter().map(|s| s.to_string()).collect()).unwrap()
    }

    fn row(h: &Header, cells: &[&str], kind: Option<Kind>) -> Result<Option<Value>, CellError> {
        let cells: Vec<String> = cells.iter().map(|s| s.to_string()).collect();
        row_record(h, &cells, kind, &bundled)
    }

    #[test]
    fn cells_are_typed_by_the_schema() {
        let h = header(&[
            "kind",
            "id",
            "label",
            "value.amount",
            "value.unit",
            "equivalents",
            "source",
            "tags",
            "notes",
        ]);
        let v = row(
            &h,
            &[
                "statistic",
                "x",
                "1.10",
                "1.100",
                "people",
                r#"[{"amount":"26.2","currency":"USD"}]"#,
                "s",
                r#"["a","b"]"#,
                "",
            ],
            None,
        )
        .unwrap()
        .unwrap();
        assert_eq!(v["label"], "1.10");
        assert_eq!(v["value"]["amount"].to_string(), "1.100");
        assert!(v["value"]["amount"].is_number());
        assert_eq!(v["equivalents"][0]["amount"], "26.2");
        assert_eq!(v["tags"][1], "b");
        assert!(v.get("notes").is_none());
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "kind",
                "id",
                "label",
                "value",
                "source",
                "equivalents",
                "tags"
            ]
        );
        // Strings that would read as numbers are JSON strings in the cell.
        let v = row(
            &h,
            &[
                "statistic",
                "x",
                "l",
                "\"007\"",
                "people",
                "",
                "s",
                "",
                "\"\"",
            ],
            None,
        )
        .unwrap()
        .unwrap();
        assert_eq!(v["value"]["amount"], "007");
        assert_eq!(v["notes"], "");
        let v = row(
            &h,
            &["statistic", "x", "l", "007", "people", "", "s", "", ""],
            None,
        )
        .unwrap()
        .unwrap();
        assert_eq!(v["value"]["amount"], "007");
        // Without a kind, every cell is a string.
        let v = row(
            &h,
            &["", "x", "l", "1.5", "people", "[1]", "s", "", ""],
            None,
        )
        .unwrap()
        .unwrap();
        assert_eq!(v["value"]["amount"], "1.5");
        assert_eq!(v["equivalents"], "[1]");
    }

    #[test]
    fn kind_from_the_flag() {
        let h = header(&["id", "type", "name"]);
        let v = row(&h, &["a", "person", "A"], Some(Kind::Entity))
            .unwrap()
            .unwrap();
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"kind":"entity","id":"a","type":"person","name":"A"}"#
        );
    }

    #[test]
    fn bad_rows_name_the_cell() {
        let h = header(&["kind", "id", "tags"]);
        let e = row(&h, &["entity", "a", "[\"x\","], None).unwrap_err();
        assert_eq!(e.column, Some(2));
        assert!(e.message.starts_with("column `tags`: "), "{e:?}");
        let e = row(&h, &["entity", "a", "x"], None).unwrap_err();
        assert!(e.message.contains("expected a JSON list"), "{e:?}");
        let e = row(&h, &["entity", "a"], None).unwrap_err();
        assert!(e.message.contains("2 cells but the header has 3"), "{e:?}");
        assert_eq!(row(&h, &["", "", ""], None).unwrap(), None);
    }

    #[test]
    fn headers_that_collide() {
        for bad in [
            &["a", "a"][..],
            &["value", "value.amount"],
            &["a.b", "a"],
            &["a", ""],
            &["a..b"],
        ] {
            let names = bad.iter().map(|s| s.to_string()).collect();
            assert!(Header::new(names).is_err(), "{bad:?}");
        }
    }

    /// The header check and the column search as they were, comparing every pair.
    fn quadratic(names: &[String]) -> Result<Vec<Vec<String>>, (usize, usize, usize)> {
        let mut paths: Vec<Vec<String>> = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let path: Vec<String> = name.split('.').map(str::to_owned).collect();
            for (j, other) in paths.iter().enumerate() {
                let shorter = path.len().min(other.len());
                if path[..shorter] == other[..shorter] {
                    return Err((i, j, shorter));
                }
            }
            paths.push(path);
        }
        Ok(paths)
    }

    fn quadratic_column_of(paths: &[Vec<String>], tokens: &[String]) -> Option<(usize, usize)> {
        let exact = paths
            .iter()
            .enumerate()
            .filter(|(_, p)| p.len() <= tokens.len() && tokens[..p.len()] == p[..])
            .max_by_key(|(_, p)| p.len())
            .map(|(i, p)| (i, p.len()));
        exact.or_else(|| {
            paths
                .iter()
                .position(|p| p.len() > tokens.len() && p[..tokens.len()] == tokens[..])
                .map(|i| (i, tokens.len()))
        })
    }

    proptest! {
        #[test]
        fn path_tree_agrees_with_comparing_every_pair(
            names in prop::collection::vec("[ab](\\.[ab]){0,3}", 1..8),
            tokens in prop::collection::vec("[ab]", 0..5),
        ) {
            let header = Header::new(names.clone());
            match quadratic(&names) {
                Ok(paths) => {
                    let header = header.unwrap();
                    prop_assert_eq!(header.column_of(&tokens), quadratic_column_of(&paths, &tokens));
                    for name in &names {
                        prop_assert!(header.has(name));
                    }
                    prop_assert!(!header.has("c"));
                }
                Err((i, j, shorter)) => {
                    let e = header.unwrap_err();
                    prop_assert_eq!(e.column, Some(i));
                    let path: Vec<&str> = names[i].split('.').collect();
                    let want = if names[i] == names[j] {
                        format!("the header `{}` appears twice (columns {} and {})", names[i], j + 1, i + 1)
                    } else {
                        format!(
                            "the headers `{}` (column {}) and `{}` (column {}) both write `{}`",
                            names[j], j + 1, names[i], i + 1, path[..shorter].join(".")
                        )
                    };
                    prop_assert_eq!(e.message, want);
                }
            }
        }
    }

    /// 100,000 columns (0.9 MB of header). Checked pair by pair, as before, that is 5·10^9
    /// comparisons (33 s in a release build); through the tree, one walk per column.
    #[test]
    fn a_header_of_100_000_columns_is_checked_in_linear_time() {
        let n = 100_000;
        let mut names: Vec<String> = vec!["kind".into(), "id".into()];
        names.extend((0..n).map(|i| format!("c{i}.v")));
        let header = Header::new(names.clone()).unwrap();
        assert!(header.has("id") && header.has("c99999.v") && !header.has("c99999"));
        for i in (0..n).step_by(7) {
            let tokens = vec![format!("c{i}"), "v".to_owned(), "0".to_owned()];
            assert_eq!(header.column_of(&tokens), Some((i + 2, 2)));
            assert_eq!(header.column_of(&tokens[..1]), Some((i + 2, 1)));
        }
        // A clash with the first column at the very end is found, and named.
        names.push("c0".into());
        let e = Header::new(names).unwrap_err();
        assert_eq!(e.column, Some(n + 2));
        assert_eq!(
            e.message,
            "the headers `c0.v` (column 3) and `c0` (column 100003) both write `c0`"
        );
    }

    #[test]
    fn rows_and_cells_in_the_text() {
        let text = "\u{feff}a,b\r\n\"x,\"\"y\"\"\nz\",2\n\n,\n\"open";
        let rows: Vec<RawRow> = split_rows_with(text, b',')
            .filter(|r| !r.is_blank())
            .collect();
        assert_eq!(rows.len(), 4);
        assert_eq!(&text[rows[0].range.clone()], "a,b");
        assert_eq!(&text[rows[1].cells[0].clone()], "\"x,\"\"y\"\"\nz\"");
        assert_eq!(&text[rows[1].cells[1].clone()], "2");
        assert_eq!(rows[2].cells.len(), 2);
        assert!(rows[3].unclosed_quote);
        assert_eq!(
            fields_with(&text[rows[1].range.clone()], b',').unwrap(),
            ["x,\"y\"\nz", "2"]
        );
    }

    /// The rows [`RowReader`] reads from `raw` (the file's bytes), each as
    /// `(range in the decoded text, cells)`, read back the way `convert` reads them.
    fn streamed_rows(raw: &str, capacity: usize) -> Vec<(Range<usize>, Vec<Range<usize>>)> {
        let mut reader =
            RowReader::new(std::io::BufReader::with_capacity(capacity, raw.as_bytes()));
        let bom = if raw.starts_with('\u{feff}') { 3 } else { 0 };
        let mut offset = 0;
        let mut rows = Vec::new();
        let mut bytes = Vec::new();
        let mut all = Vec::new();
        loop {
            bytes.clear();
            if !reader.next_row(&mut bytes).unwrap() {
                // Byte order marks alone, read but no row.
                all.extend_from_slice(&bytes);
                break;
            }
            all.extend_from_slice(&bytes);
            let text = std::str::from_utf8(&bytes).unwrap();
            // `decode` takes one byte order mark off the file's first row.
            let (text, base) = if offset == 0 {
                (&text[bom..], 0)
            } else {
                (text, offset - bom)
            };
            let start = if offset == 0 { row_start(text) } else { 0 };
            let (row, _) = scan_row(text, start);
            let moved = |r: &Range<usize>| r.start + base..r.end + base;
            rows.push((moved(&row.range), row.cells.iter().map(moved).collect()));
            offset += bytes.len();
        }
        assert_eq!(all, raw.as_bytes(), "every byte is in exactly one row");
        rows
    }

    fn whole_rows(raw: &str) -> Vec<(Range<usize>, Vec<Range<usize>>)> {
        let text = raw.strip_prefix('\u{feff}').unwrap_or(raw);
        split_rows_with(text, b',')
            .map(|r| (r.range, r.cells))
            .collect()
    }

    #[test]
    fn the_row_reader_splits_at_bare_carriage_returns_as_check_does() {
        let raw = "kind,id,type,name\rentity,a,person,A\rentity,b,person,B\r";
        let rows = streamed_rows(raw, 8192);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows, whole_rows(raw));
        // A carriage return inside a `\n` line, and `\r\n` split across two reads.
        let raw = "kind,id\nentity,a\rentity,b\r\nentity,\"c\r\nd\"\n";
        for capacity in [1, 2, 3, 8192] {
            assert_eq!(streamed_rows(raw, capacity), whole_rows(raw), "{capacity}");
        }
        assert_eq!(streamed_rows(raw, 8192).len(), 4);
    }

    fn cell_text_strategy() -> impl Strategy<Value = String> {
        prop_oneof![any::<String>(), r#"[a-z ,"\r\n'=+@-]{0,12}"#,]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The scanner's cells are the crate's fields, through every kind of quoting.
        #[test]
        fn scanner_agrees_with_the_csv_crate(cells in prop::collection::vec(cell_text_strategy(), 1..5)) {
            let mut writer = csv::Writer::from_writer(Vec::new());
            writer.write_record(&cells).unwrap();
            let bytes = writer.into_inner().unwrap();
            let text = String::from_utf8(bytes).unwrap();
            let (raw, _) = scan_row(&text, 0);
            let parsed = fields_with(&text[raw.range.clone()], b',').unwrap();
            prop_assert_eq!(&parsed, &cells);
            prop_assert_eq!(raw.cells.len(), cells.len());
            for (span, cell) in raw.cells.iter().zip(&cells) {
                let mut one = csv::ReaderBuilder::new().has_headers(false).from_reader(text[span.clone()].as_bytes());
                let mut record = csv::StringRecord::new();
                one.read_record(&mut record).unwrap();
                prop_assert_eq!(record.get(0).unwrap_or(""), cell.as_str());
            }
        }

        /// The streaming reader (`convert`) splits any text into the rows the whole-text
        /// scanner (`check`) finds, byte order marks, quotes and line breaks of every kind
        /// included, whatever the size of its reads.
        #[test]
        fn the_row_reader_agrees_with_split_rows(
            raw in "(\u{feff}){0,2}[a,\"\r\n\u{feff}]{0,40}",
            capacity in 1usize..6,
        ) {
            prop_assert_eq!(streamed_rows(&raw, capacity), whole_rows(&raw));
        }

        /// Every string survives neutralising and typing in every kind of column.
        #[test]
        fn strings_survive_cells(text in cell_text_strategy()) {
            let back = restore(&neutralise(&text)).to_owned();
            prop_assert_eq!(&back, &text);
            for types in [None, Some(Types::STRING), Some(Types::STRING | Types::NUMBER), Some(Types::STRING | Types::ARRAY)] {
                let value = Value::String(text.clone());
                let cell = neutralise(&cell_text(&value, types)).into_owned();
                prop_assert_eq!(cell_value(restore(&cell), types).unwrap(), Some(value));
            }
        }
    }
}
