//! Writing CSV: records into rows of cells, every cell through the one cell codec.
//!
//! [`cell_text`] is the inverse of [`cell_value`]: the text of a
//! cell that reads back as the value at a place where the caller's schema allows the given
//! JSON types. [`Columns`] gathers the columns of a file from its records (for `convert`,
//! whose columns follow the data). [`RowWriter`] writes rows (RFC 4180 quoting) and
//! neutralises every cell through [`neutralise`], so no cell factkit writes runs as a
//! formula and every one reads back through [`restore`](super::codec::restore) as written.
//!
//! This module knows no record kind and no schema of its own (a kind's fixed export columns
//! are in [`crate::export::csv`]), makes no diagnostic (a record that cannot be a row is a
//! [`Problem`]), and does not decide where its output goes.

use std::collections::HashSet;
use std::io::{self, Write};

use serde_json::{Map, Value};

use super::codec::neutralise;
use super::read::cell_value;
use crate::typing::{self, Types, Typing};

/// Writes CSV rows, neutralising every cell.
pub struct RowWriter<W: Write> {
    inner: csv::Writer<W>,
}

impl<W: Write> RowWriter<W> {
    /// Rows ended by LF (`convert`'s output).
    pub fn new(out: W) -> RowWriter<W> {
        RowWriter {
            inner: csv::WriterBuilder::new().from_writer(out),
        }
    }

    /// Rows ended by CRLF, as RFC 4180 says (`export --to csv`).
    pub fn crlf(out: W) -> RowWriter<W> {
        RowWriter {
            inner: csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .from_writer(out),
        }
    }

    /// Writes one row, each cell neutralised.
    pub fn row<I, S>(&mut self, cells: I) -> io::Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for cell in cells {
            self.inner
                .write_field(neutralise(cell.as_ref()).as_bytes())
                .map_err(csv_io)?;
        }
        self.inner.write_record(None::<&[u8]>).map_err(csv_io)
    }

    /// Flushes what is buffered to the writer.
    pub fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The I/O error inside a csv error, so that its kind (a broken pipe, a full disk) is kept.
fn csv_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// The cell text (before [`neutralise`]) that [`cell_value`] reads back as `value`, at a place
/// where the schema allows `types`. Lists and objects are compact JSON, numbers
/// their text, and a string is written as it is unless that would read back as something
/// else, in which case it is written as a JSON string.
pub fn cell_text(value: &Value, types: Option<Types>) -> String {
    match value {
        Value::String(s) => {
            let plain = cell_value(s, types);
            if matches!(&plain, Ok(Some(Value::String(back))) if back == s) {
                s.clone()
            } else {
                Value::String(s.clone()).to_string()
            }
        }
        Value::Null => "null".to_owned(),
        other => other.to_string(),
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
    /// The shapes of records already added (their typing and [`shape`]): a record of a
    /// shape seen adds no column, so it is not walked again. At most [`SHAPES`].
    shapes: HashSet<(usize, String)>,
    /// Each column's JSON types under each typing seen by [`Columns::row`], so the schema
    /// is asked once per column, not once per cell.
    types: Vec<(*const Typing, Vec<Option<Types>>)>,
}

/// Most record shapes [`Columns`] remembers: past it, records are walked every time (a
/// file whose records all differ in shape costs time, not memory).
const SHAPES: usize = 4096;

/// The shape of a record as far as its columns go: its keys in order, each non-empty
/// object's keys inside braces; keys are length-prefixed, so two shapes are equal only
/// when the records have the same leaf paths in the same order.
fn shape(map: &Map<String, Value>, out: &mut String) {
    use std::fmt::Write as _;
    for (key, value) in map {
        let _ = write!(out, "{}:{key}", key.len());
        if let Value::Object(inner) = value {
            if !inner.is_empty() {
                out.push('{');
                shape(inner, out);
                out.push('}');
            }
        }
    }
}

#[derive(Debug)]
struct Column {
    path: Vec<String>,
    /// The order the column was found in, which stays when columns are inserted before it.
    id: usize,
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
        let mut key = String::new();
        shape(map, &mut key);
        let key = (typing.map_or(0, |t| t as *const Typing as usize), key);
        if self.shapes.contains(&key) {
            return Ok(());
        }
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
            let id = self.columns.len();
            self.columns.insert(
                at,
                Column {
                    path: leaf,
                    rank,
                    id,
                },
            );
            self.types.clear();
            after = Some(at);
        }
        if self.shapes.len() < SHAPES {
            self.shapes.insert(key);
        }
        Ok(())
    }

    /// The header names (before neutralising, which [`RowWriter`] does).
    pub fn names(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.path.join(".")).collect()
    }

    /// The cells of one record (before neutralising, which [`RowWriter`] does).
    pub fn row(&mut self, record: &Value, typing: Option<&Typing>) -> Vec<String> {
        let types = typing.map(|t| self.types_of(t));
        self.columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let mut value = Some(record);
                for token in &c.path {
                    value = value.and_then(|v| v.get(token));
                }
                match value {
                    None => String::new(),
                    Some(v) => cell_text(v, types.and_then(|i_t| self.types[i_t].1[i])),
                }
            })
            .collect()
    }

    /// The index in `self.types` of the columns' types under `typing`, worked out on first
    /// use (the columns are complete by the time rows are written).
    fn types_of(&mut self, typing: &Typing) -> usize {
        let key: *const Typing = typing;
        if let Some(i) = self.types.iter().position(|(k, _)| *k == key) {
            return i;
        }
        let types = self
            .columns
            .iter()
            .map(|c| typing.types_at(&c.path))
            .collect();
        self.types.push((key, types));
        self.types.len() - 1
    }
}

/// CSV rows gathered in one pass, before the columns are known: each record's cells are
/// written to a temporary file as they are found, tagged with their column's id, and
/// [`Spool::write`] puts them in the final column order once every record has been seen.
/// So CSV output reads and parses its input once, and holds one row in memory.
pub struct Spool {
    file: io::BufWriter<std::fs::File>,
    /// Reused for each record's cells.
    cells: Vec<(usize, String)>,
}

impl Spool {
    /// An empty spool, in an anonymous temporary file.
    pub fn new() -> io::Result<Spool> {
        Ok(Spool {
            file: io::BufWriter::with_capacity(1 << 16, tempfile::tempfile()?),
            cells: Vec::new(),
        })
    }

    /// Adds the columns of `record` to `columns` ([`Columns::add`]) and spools its cells:
    /// `Err` when the record cannot be a row (nothing is spooled), `Ok(Err)` when the
    /// temporary file could not be written.
    pub fn add(
        &mut self,
        columns: &mut Columns,
        record: &Value,
        typing: Option<&Typing>,
    ) -> Result<io::Result<()>, Problem> {
        columns.add(record, typing)?;
        let types = typing.map(|t| columns.types_of(t));
        self.cells.clear();
        for (i, c) in columns.columns.iter().enumerate() {
            let mut value = Some(record);
            for token in &c.path {
                value = value.and_then(|v| v.get(token));
            }
            if let Some(v) = value {
                let types = types.and_then(|t| columns.types[t].1[i]);
                self.cells.push((c.id, cell_text(v, types)));
            }
        }
        Ok(self.spool())
    }

    fn spool(&mut self) -> io::Result<()> {
        let count = u32::try_from(self.cells.len()).map_err(io::Error::other)?;
        self.file.write_all(&count.to_le_bytes())?;
        for (id, text) in &self.cells {
            let id = u32::try_from(*id).map_err(io::Error::other)?;
            let len = u32::try_from(text.len()).map_err(io::Error::other)?;
            self.file.write_all(&id.to_le_bytes())?;
            self.file.write_all(&len.to_le_bytes())?;
            self.file.write_all(text.as_bytes())?;
        }
        Ok(())
    }

    /// Writes the header row of `columns`, then every spooled row in their order.
    pub fn write<W: Write>(self, columns: &Columns, rows: &mut RowWriter<W>) -> io::Result<()> {
        use std::io::{BufReader, Read, Seek};
        rows.row(columns.names())?;
        let mut file = self.file.into_inner().map_err(|e| e.into_error())?;
        file.seek(io::SeekFrom::Start(0))?;
        let mut file = BufReader::with_capacity(1 << 16, file);
        // Each column's place in the header, by id.
        let mut place = vec![0; columns.columns.len()];
        for (at, c) in columns.columns.iter().enumerate() {
            place[c.id] = at;
        }
        let mut row = vec![String::new(); columns.columns.len()];
        let mut word = [0u8; 4];
        let mut next = |file: &mut BufReader<std::fs::File>| -> io::Result<Option<usize>> {
            match file.read_exact(&mut word) {
                Ok(()) => Ok(Some(u32::from_le_bytes(word) as usize)),
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(None),
                Err(e) => Err(e),
            }
        };
        let corrupt = || io::Error::new(io::ErrorKind::InvalidData, "the CSV spool is cut short");
        while let Some(count) = next(&mut file)? {
            row.iter_mut().for_each(String::clear);
            for _ in 0..count {
                let id = next(&mut file)?.ok_or_else(corrupt)?;
                let len = next(&mut file)?.ok_or_else(corrupt)?;
                let cell = place
                    .get(id)
                    .and_then(|&at| row.get_mut(at))
                    .ok_or_else(corrupt)?;
                let mut bytes = std::mem::take(cell).into_bytes();
                bytes.resize(len, 0);
                file.read_exact(&mut bytes)?;
                *cell = String::from_utf8(bytes).map_err(|_| corrupt())?;
            }
            rows.row(&row)?;
        }
        rows.flush()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;

    /// Records of a shape seen are not walked again, yet every new shape still adds its
    /// columns (keys in another order, an object that became empty, a nested key), and a
    /// column added after rows were written gets its types.
    #[test]
    fn shapes_seen_add_no_columns_and_new_shapes_do() {
        let mut c = Columns::default();
        for v in [
            serde_json::json!({"a": 1, "b": {"x": 1}}),
            serde_json::json!({"a": 2, "b": {"x": 2}}),
            serde_json::json!({"b": {"x": 3}, "a": 3}),
            serde_json::json!({"a": 4, "c": {}}),
            serde_json::json!({"a": 5, "b": {"y": "z"}}),
        ] {
            c.add(&v, None).unwrap();
        }
        // A new column goes right after the record's previous leaf.
        assert_eq!(c.names(), ["a", "b.y", "c", "b.x"]);
        assert_eq!(c.shapes.len(), 4);
        // `1:ab` against `2:a` + `1:b`: the length prefix keeps the shapes apart.
        let (mut one, mut two) = (String::new(), String::new());
        shape(serde_json::json!({"ab": 1}).as_object().unwrap(), &mut one);
        shape(
            serde_json::json!({"a": 1, "b": 1}).as_object().unwrap(),
            &mut two,
        );
        assert_ne!(one, two);
        let typing = Typing::bundled(Kind::Entity);
        let mut c = Columns::default();
        let a = serde_json::json!({"kind": "entity", "id": "007"});
        c.add(&a, Some(typing)).unwrap();
        assert_eq!(c.row(&a, Some(typing)), ["entity", "007"]);
        let b = serde_json::json!({"kind": "entity", "id": "b", "name": "12"});
        c.add(&b, Some(typing)).unwrap();
        assert_eq!(c.row(&b, Some(typing)), ["entity", "b", "12"]);
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
