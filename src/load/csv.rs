//! CSV files of a dataset: a [`SourceFile`]'s rows into [`Entry`]s and located diagnostics.
//!
//! The CSV format itself (the row scanner, the header, typing a cell, the cell codec) is in
//! [`crate::format::csv`]; this module adds what the dataset layer needs: which file and row
//! an entry came from, diagnostics placed at a cell's line and column with its [`Cell`] (the
//! row number as a spreadsheet shows it, the header being row 1, and the column's number and
//! header name), and a JSON Pointer placed back at its cell (inside a JSON list cell, at the
//! element). It must not parse CSV itself.

use std::ops::Range;
use std::sync::Arc;

use super::{Anchor, Entry, SourceFile, TypingFor};
use crate::diagnostic::{Cell, Diagnostic, Location, Severity};
use crate::format::csv::read::{
    fields_with, row_record, scan_row_with, sniff_delimiter, split_rows_with, unclosed,
};
use crate::format::csv::{restore, CellError, Header, RawRow};
use crate::model::Kind;

/// How a dataset's CSV files are read.
pub struct Settings<'a> {
    /// The kind of rows without a `kind` cell (`--kind`).
    pub kind: Option<Kind>,
    /// Chooses the typing of a row from its kind.
    pub typing: &'a TypingFor<'a>,
    /// Require `id` and `kind` columns (dataset files, checked by the bundled schemas).
    pub dataset: bool,
}

/// The location of a cell (or of the end of its row, for `None`) in `file`.
fn at_cell(
    file: &SourceFile,
    row: &RawRow,
    column: Option<usize>,
    number: usize,
    header: Option<&Header>,
) -> Location {
    let span = column
        .and_then(|c| row.cells.get(c).cloned())
        .unwrap_or(row.range.end..row.range.end);
    let mut location = file.location_of(span);
    location.cell = Some(Cell {
        row: number,
        column: column.map(|c| c + 1),
        header: column.and_then(|c| header.and_then(|h| h.names().get(c).cloned())),
    });
    location
}

fn cell_diagnostic(
    file: &SourceFile,
    row: &RawRow,
    number: usize,
    header: Option<&Header>,
    e: CellError,
) -> Diagnostic {
    let mut d = Diagnostic::new("syntax", Severity::Error, e.message);
    if !e.help.is_empty() {
        d = d.help(e.help);
    }
    d.with_location(at_cell(file, row, e.column, number, header))
}

/// The cells of `row`, or why they cannot be read (an unclosed quote, a malformed field).
fn row_cells(file: &SourceFile, row: &RawRow, delimiter: u8) -> Result<Vec<String>, CellError> {
    if row.unclosed_quote {
        return Err(unclosed(row));
    }
    fields_with(&file.text()[row.range.clone()], delimiter).map_err(|message| CellError {
        column: None,
        message,
        help: String::new(),
    })
}

/// Reads the header row `row` (spreadsheet row `number`) of a comma-separated `file`, as
/// `convert` reads it (no check of the columns' names: the records' schema does that).
pub fn read_header(
    file: &SourceFile,
    row: &RawRow,
    number: usize,
    settings: &Settings<'_>,
) -> Result<Arc<Header>, Box<Diagnostic>> {
    read_header_in(file, row, number, b',', settings, None).map(|(header, _)| header)
}

/// Reads the header row `row` (spreadsheet row `number`) of `file`, whose cells are
/// separated by `delimiter`. In a dataset, with `findings`, a column that names no field of any kind the
/// rows may have is one finding at its header cell, pushed to `findings`: its cells are
/// read as the field it most likely means (`value.ammount` as `value.amount`, so the
/// amounts are still checked), or not read at all when nothing is close; either way no row
/// repeats the finding. Returns the header and the columns whose cells are not read.
pub fn read_header_in(
    file: &SourceFile,
    row: &RawRow,
    number: usize,
    delimiter: u8,
    settings: &Settings<'_>,
    findings: Option<&mut Vec<Diagnostic>>,
) -> Result<(Arc<Header>, Vec<usize>), Box<Diagnostic>> {
    let mut skipped = Vec::new();
    let header = row_cells(file, row, delimiter).and_then(|names| {
        let Some(findings) = findings.filter(|_| settings.dataset) else {
            return Header::new(names);
        };
        let original = Header::new(names.clone())?;
        if !original.has("id") || (!original.has("kind") && settings.kind.is_none()) {
            // Not a header of records: that one finding (below) says so.
            return Ok(original);
        }
        let kinds = settings.kind.map_or_else(|| Kind::ALL.to_vec(), |k| vec![k]);
        let mut read_as = names.clone();
        for (i, name) in original.names().iter().enumerate() {
            let Some(near) = unknown_column(name, &kinds, original.names()) else {
                continue;
            };
            let what = match &near {
                Some(near) => {
                    read_as[i] = near.clone();
                    format!("did you mean `{near}`? its cells were read as `{near}` to check them")
                }
                None => {
                    skipped.push(i);
                    "its cells were not read".to_owned()
                }
            };
            findings.push(
                Diagnostic::new(
                    "schema",
                    Severity::Error,
                    format!("the column `{name}` names no field of {}; {what}", kinds_text(&kinds)),
                )
                .expected("a field of the record; nested fields are written with dots, such as `value.amount`")
                .found(format!("`{name}`"))
                .help("rename the column in the header row (`factkit schema KIND` lists the fields)")
                .with_location(at_cell(file, row, Some(i), number, Some(&original))),
            );
        }
        // A renamed column's cells go where they were read as (its rows' findings name that
        // field); should the names then clash, the header is kept as written.
        Header::new(read_as).or(Ok(original))
    });
    let header = header
        .map(|h| h.with_delimiter(delimiter))
        .map_err(|e| Box::new(cell_diagnostic(file, row, number, None, e)))?;
    if settings.dataset {
        let missing = if !header.has("id") {
            Some(("the first row is the header, and it has no `id` column: is the header row missing?", "add a header row naming the columns: `kind,id,…`"))
        } else if !header.has("kind") && settings.kind.is_none() {
            Some((
                "the header has no `kind` column, so the rows have no kind",
                "add a `kind` column, or pass `--kind KIND` when every row is of one kind",
            ))
        } else {
            None
        };
        if let Some((message, help)) = missing {
            // One column: the cells may be separated by a character that was not sniffed.
            let help = if header.names().len() > 1 {
                help.to_owned()
            } else {
                format!("{help}; if the cells are separated by another character, set it in factkit.toml: `[csv]` `delimiter = \";\"`")
            };
            return Err(Box::new(
                Diagnostic::new("syntax", Severity::Error, message)
                    .help(help)
                    .with_location(at_cell(file, row, Some(0), number, Some(&header))),
            ));
        }
    }
    Ok((Arc::new(header), skipped))
}

/// "an entity", or "any kind of record".
fn kinds_text(kinds: &[Kind]) -> String {
    match kinds {
        [kind] => {
            let noun = kind.as_str().replace('_', " ");
            let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            format!("{article} {noun}")
        }
        _ => "any kind of record".to_owned(),
    }
}

/// `None` when the column `name` names a field of one of `kinds`; else `Some` of the column
/// it most likely means (a close field at the same place, not already a column of
/// `columns`), if any.
fn unknown_column(name: &str, kinds: &[Kind], columns: &[String]) -> Option<Option<String>> {
    use crate::schema::suggest::{closest, fields_at};
    let parts: Vec<&str> = name.split('.').collect();
    // The longest prefix of the path that some kind allows, and the fields allowed there.
    let mut best: (usize, Vec<&'static str>) = (0, Vec::new());
    for &kind in kinds {
        let mut pointer = String::new();
        for (depth, part) in parts.iter().enumerate() {
            let fields = fields_at(kind, &pointer);
            if !fields.contains(part) {
                if depth >= best.0 && !fields.is_empty() {
                    if depth > best.0 {
                        best = (depth, Vec::new());
                    }
                    for field in fields {
                        if !best.1.contains(&field) {
                            best.1.push(field);
                        }
                    }
                }
                break;
            }
            if depth + 1 == parts.len() {
                return None;
            }
            pointer.push('/');
            pointer.push_str(part);
        }
    }
    let (depth, fields) = best;
    let prefix = parts[..depth].join(".");
    let near = closest(parts[depth], &fields).map(|f| {
        if prefix.is_empty() {
            f.to_owned()
        } else {
            format!("{prefix}.{f}")
        }
    });
    Some(near.filter(|n| !columns.contains(n)))
}

/// Reads data row `row` (spreadsheet row `number`) of `file` into an entry; `None` for a
/// row whose cells are all empty.
pub fn row_entry(
    file_index: usize,
    file: &SourceFile,
    row: &RawRow,
    number: usize,
    header: &Arc<Header>,
    settings: &Settings<'_>,
) -> Result<Option<Entry>, Box<Diagnostic>> {
    row_entry_in(file_index, file, row, number, header, &[], settings)
}

/// [`row_entry`], leaving out the cells of the columns `skipped` (named no field).
pub fn row_entry_in(
    file_index: usize,
    file: &SourceFile,
    row: &RawRow,
    number: usize,
    header: &Arc<Header>,
    skipped: &[usize],
    settings: &Settings<'_>,
) -> Result<Option<Entry>, Box<Diagnostic>> {
    let result = row_cells(file, row, header.delimiter()).and_then(|mut cells| {
        for &i in skipped {
            if let Some(cell) = cells.get_mut(i) {
                cell.clear();
            }
        }
        row_record(header, &cells, settings.kind, settings.typing)
    });
    match result {
        Ok(Some(value)) => Ok(Some(Entry::new(
            file_index,
            Anchor::Csv {
                row: row.range.clone(),
                number,
                header: Arc::clone(header),
            },
            value,
        ))),
        Ok(None) => Ok(None),
        Err(e) => Err(Box::new(cell_diagnostic(
            file,
            row,
            number,
            Some(header),
            e,
        ))),
    }
}

/// Reads a `.csv` file into entries; its cells are separated by `delimiter` (`[csv]
/// delimiter`), else by what the header row shows ([`sniff_delimiter`]).
pub(super) fn load_csv(
    file_index: usize,
    file: &SourceFile,
    settings: &Settings<'_>,
    delimiter: Option<u8>,
    entries: &mut Vec<Entry>,
    findings: &mut Vec<Diagnostic>,
) {
    let delimiter = delimiter.unwrap_or_else(|| sniff_delimiter(file.text()));
    let mut rows = split_rows_with(file.text(), delimiter)
        .enumerate()
        .filter(|(_, row)| !row.is_blank());
    let Some((head_index, head)) = rows.next() else {
        findings.push(
            Diagnostic::new("syntax", Severity::Error, "the file is empty")
                .help("write a header row (`kind,id,…`) and one row per record, or delete the file")
                .with_location(file.location_at_line_byte(1, 1)),
        );
        return;
    };
    let head = read_header_in(
        file,
        &head,
        head_index + 1,
        delimiter,
        settings,
        Some(findings),
    );
    let (header, skipped) = match head {
        Ok(h) => h,
        Err(d) => {
            findings.push(*d);
            return;
        }
    };
    for (n, row) in rows {
        match row_entry_in(file_index, file, &row, n + 1, &header, &skipped, settings) {
            Ok(Some(entry)) => entries.push(entry),
            Ok(None) => {}
            Err(d) => findings.push(*d),
        }
    }
}

/// The location of a cell span in `file`.
pub(super) fn location(file: &SourceFile, span: Range<usize>, cell: Cell) -> Location {
    let mut location = file.location_of(span);
    location.cell = Some(cell);
    location
}

/// The span of `pointer` in the row at `row` of `text`, and its cell.
pub(crate) fn locate(
    text: &str,
    row: &Range<usize>,
    number: usize,
    header: &Header,
    pointer: &str,
) -> Option<(Range<usize>, Cell)> {
    let (raw, _) = scan_row_with(text, row.start, header.delimiter());
    let tokens = crate::typing::tokens(pointer);
    let Some((column, covered)) = header.column_of(&tokens) else {
        return Some((
            row.clone(),
            Cell {
                row: number,
                column: None,
                header: None,
            },
        ));
    };
    let cell = Cell {
        row: number,
        column: Some(column + 1),
        header: Some(header.names()[column].clone()),
    };
    let span = raw.cells.get(column)?.clone();
    let inner = &tokens[covered.min(tokens.len())..];
    if inner.is_empty() {
        return Some((span, cell));
    }
    Some((inside(text, span.clone(), inner).unwrap_or(span), cell))
}

/// The span of `inner` inside the JSON of a cell at `span`, through CSV quoting.
fn inside(text: &str, span: Range<usize>, inner: &[String]) -> Option<Range<usize>> {
    let raw = &text[span.clone()];
    let quoted = raw.starts_with('"');
    // Content bytes and, for each, its offset in the raw cell.
    let mut content = Vec::with_capacity(raw.len());
    let mut offsets = Vec::with_capacity(raw.len() + 1);
    let body = if quoted {
        raw.get(1..raw.len().saturating_sub(1))?
    } else {
        raw
    };
    let base = usize::from(quoted);
    let mut i = 0;
    let b = body.as_bytes();
    while i < b.len() {
        let step = if quoted && b[i] == b'"' && b.get(i + 1) == Some(&b'"') {
            2
        } else {
            1
        };
        offsets.push(base + i);
        content.push(b[i]);
        i += step;
    }
    offsets.push(base + b.len());
    // Only ASCII quotes were dropped, so the content is still UTF-8.
    let content = std::str::from_utf8(&content).ok()?;
    let unescaped = restore(content);
    let shift = content.len() - unescaped.len();
    let found = crate::source::locate(unescaped, &crate::typing::pointer(inner))?;
    let start = offsets.get(found.value.start + shift)?;
    let end = offsets.get(found.value.end + shift)?;
    Some(span.start + start..span.start + end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::csv::read::split_rows_with;

    fn header(names: &[&str]) -> Header {
        Header::new(names.iter().map(|s| s.to_string()).collect()).unwrap()
    }

    #[test]
    fn locate_inside_a_list_cell() {
        let text = "kind,id,equivalents\nstatistic,x,\"[{\"\"amount\"\":\"\"26.2\"\"}]\"\n";
        let h = header(&["kind", "id", "equivalents"]);
        let row = split_rows_with(text, b',').nth(1).unwrap().range;
        assert_eq!(split_rows_with(text, b',').count(), 2);
        let (span, cell) = locate(text, &row, 2, &h, "/equivalents/0/amount").unwrap();
        assert_eq!(&text[span], "\"\"26.2\"\"");
        assert_eq!(cell.column, Some(3));
        let (span, _) = locate(text, &row, 2, &h, "/id").unwrap();
        assert_eq!(&text[span], "x");
        let (_, cell) = locate(text, &row, 2, &h, "/nothing").unwrap();
        assert_eq!(cell.column, None);
    }
}
