//! JSON and JSON Lines files of a dataset: a [`SourceFile`]'s records into [`Entry`]s, and
//! serde_json's errors into `syntax` findings at their line and column.
//!
//! Parsing itself is [`crate::format::json`]'s; this module must not parse JSON another way.

use rayon::prelude::*;
use serde_json::Value;

use super::{Anchor, Entry, SourceFile};
use crate::diagnostic::{Diagnostic, Severity};
use crate::format::json::parse;

/// A syntax diagnostic from a serde_json error, placed at its line and column within the
/// text that starts at line `first_line` of the file (1 for a whole file, the line number
/// for a JSON Lines record).
pub(super) fn syntax_diagnostic(
    file: &SourceFile,
    error: &serde_json::Error,
    first_line: usize,
) -> Diagnostic {
    let mut message = error.to_string();
    // serde_json appends " at line L column C"; the location is shown separately.
    if let Some(i) = message.rfind(" at line ") {
        message.truncate(i);
    }
    let line = first_line + error.line().saturating_sub(1);
    let byte_column = error.column();
    let help = if message.starts_with("trailing comma") {
        "remove the comma after the last element"
    } else if message.starts_with("EOF while parsing") {
        "the file ends too early: close every `[`, `{` and `\"`"
    } else if message.starts_with("duplicate key") {
        "an object may name each field once"
    } else if message.starts_with("recursion limit exceeded") {
        "arrays and objects nest at most 128 deep (`[limits]` `max_depth` can only lower it): flatten the data"
    } else {
        "fix the JSON at this place; a JSON linter or editor shows the structure"
    };
    Diagnostic::new("syntax", Severity::Error, message)
        .help(help)
        .with_location(file.location_at_line_byte(line, byte_column))
}

/// Reads a `.json` file: an array of records, or one record.
pub(super) fn load_json(
    file_index: usize,
    file: &SourceFile,
    entries: &mut Vec<Entry>,
    findings: &mut Vec<Diagnostic>,
) {
    let text = file.text();
    if text.trim().is_empty() {
        findings.push(super::empty_file(
            file,
            "write an array of records `[ … ]` or one record `{ … }`",
        ));
        return;
    }
    match parse(text) {
        Ok(Value::Array(items)) => {
            // Each record is anchored at its own element, found in one pass, so that placing
            // a finding reads that record only, not every record before it.
            let spans = crate::source::elements(text).filter(|s| s.len() == items.len());
            for (i, value) in items.into_iter().enumerate() {
                let anchor = match spans.as_ref().and_then(|s| s.get(i)) {
                    Some(span) => Anchor::Json {
                        range: span.start..span.end,
                        prefix: String::new(),
                    },
                    None => Anchor::Json {
                        range: 0..text.len(),
                        prefix: format!("/{i}"),
                    },
                };
                entries.push(Entry::new(file_index, anchor, value));
            }
        }
        Ok(value) => entries.push(Entry::new(
            file_index,
            Anchor::Json {
                range: 0..text.len(),
                prefix: String::new(),
            },
            value,
        )),
        Err(e) => findings.push(syntax_diagnostic(file, &e, 1)),
    }
}

/// Reads a `.jsonl` file: one record per line; blank lines are skipped.
pub(super) fn load_jsonl(
    file_index: usize,
    file: &SourceFile,
    entries: &mut Vec<Entry>,
    findings: &mut Vec<Diagnostic>,
) {
    load_jsonl_prepared(file_index, file, entries, findings, &|_| Vec::new());
}

/// A JSON Lines record with the findings of its prepare step, or the line's syntax error.
type Parsed = Result<(Entry, Vec<Diagnostic>), Box<Diagnostic>>;

/// Lines parsed (and prepared) together: enough to keep both cores busy, few enough that a
/// chunk's parsed JSON is a small part of memory.
const CHUNK: usize = 16_384;

/// Reads a `.jsonl` file, running `prepare` on each record as it is parsed, in parallel and
/// chunk by chunk, keeping file order.
pub(super) fn load_jsonl_prepared(
    file_index: usize,
    file: &SourceFile,
    entries: &mut Vec<Entry>,
    findings: &mut Vec<Diagnostic>,
    prepare: &super::Prepare<'_>,
) {
    let text = file.text();
    // (line number, byte range) of every non-blank line.
    let mut lines = Vec::new();
    let mut start = 0;
    for (n, raw) in text.split_inclusive('\n').enumerate() {
        let line = raw.trim_end_matches(['\n', '\r']);
        if !line.trim().is_empty() {
            lines.push((n + 1, start..start + line.len()));
        }
        start += raw.len();
    }
    // Every line is about to be a record: one allocation, not a doubling Vec that holds the
    // old and the new buffer at once (hundreds of MiB at a million records).
    entries.reserve(lines.len());
    for chunk in lines.chunks(CHUNK) {
        let read = |(n, range): &(usize, std::ops::Range<usize>)| -> Parsed {
            match parse(&text[range.clone()]) {
                Ok(value) => {
                    let mut entry = Entry::new(
                        file_index,
                        Anchor::Json {
                            range: range.clone(),
                            prefix: String::new(),
                        },
                        value,
                    );
                    let found = prepare(&mut entry);
                    Ok((entry, found))
                }
                Err(e) => Err(Box::new(syntax_diagnostic(file, &e, *n))),
            }
        };
        // A handful of lines (`convert` reads one line at a time) is not worth handing to
        // other threads.
        let parsed: Vec<Parsed> = if chunk.len() < 64 {
            chunk.iter().map(read).collect()
        } else {
            chunk.par_iter().map(read).collect()
        };
        for result in parsed {
            match result {
                Ok((entry, found)) => {
                    let index = entries.len();
                    findings.extend(found.into_iter().map(|d| d.retarget(index)));
                    entries.push(entry);
                }
                Err(d) => findings.push(*d),
            }
        }
    }
}

/// What the caller's step did with a record read by [`stream_jsonl`]: its findings (aimed
/// at entry 0) and whether it counts as read (`false` for a record over a ceiling).
pub type Step<'s> = dyn Fn(&mut Entry) -> (bool, Vec<Diagnostic>) + Sync + 's;

/// How many bytes of a streamed JSON Lines file are read, parsed and checked at a time (then
/// to the end of the line): enough lines to keep both cores busy, few enough that a
/// chunk's text and parsed JSON stay a few MiB. Unit tests use small chunks, so that a small
/// file spans many.
const STREAM_CHUNK: u64 = if cfg!(test) { 1 << 10 } else { 2 << 20 };

/// Reads the JSON Lines file `file` (listed with no text, see [`super::Options::stream_jsonl`])
/// from disk in bounded chunks: each line is parsed and handed to `step`, in parallel and in
/// file order, and its findings are placed at their line and column inside the chunk, so
/// that neither the file's text nor its records are held. Returns the line of every record
/// read, or `None` when the file is not UTF-8 (then it is read whole, as any other file,
/// for its `syntax` finding).
pub(crate) fn stream_jsonl(
    file: &SourceFile,
    step: &Step<'_>,
    findings: &mut Vec<Diagnostic>,
) -> Result<Option<Vec<u32>>, crate::error::Error> {
    let Some(path) = file.path() else {
        return Ok(None);
    };
    let mut kept = Vec::new();
    let mut found = Vec::new();
    let read = chunks(path, &mut |text, offset, lines_before| {
        read_chunk(
            file,
            text,
            offset,
            lines_before,
            step,
            &mut kept,
            &mut found,
        )
    })?;
    if read.is_none() {
        return Ok(None);
    }
    findings.append(&mut found);
    Ok(Some(kept))
}

/// Reads the file at `path` in chunks of whole lines, of about [`STREAM_CHUNK`] bytes, and
/// hands each to `each` with its byte offset in the text (after a byte order mark) and the
/// number of lines before it; `each` returns how many lines the chunk holds. Returns the
/// length of the byte order mark, or `None` as soon as the file is seen not to be UTF-8
/// (what was handed on is then to be discarded).
fn chunks(
    path: &std::path::Path,
    each: &mut dyn FnMut(&str, usize, usize) -> usize,
) -> Result<Option<u64>, crate::error::Error> {
    use std::io::{BufRead, Read};
    let fail = |source| crate::error::Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let open = std::fs::File::open(path).map_err(fail)?;
    let mut reader = std::io::BufReader::with_capacity(1 << 16, open);
    let mut buf = Vec::new();
    let (mut offset, mut lines_before) = (0usize, 0usize);
    let mut shift = None;
    loop {
        buf.clear();
        (&mut reader)
            .take(STREAM_CHUNK)
            .read_to_end(&mut buf)
            .map_err(fail)?;
        if buf.is_empty() {
            break;
        }
        if buf.last() != Some(&b'\n') {
            reader.read_until(b'\n', &mut buf).map_err(fail)?;
        }
        let mut body = &buf[..];
        if shift.is_none() {
            if body.starts_with(&[0xFF, 0xFE]) || body.starts_with(&[0xFE, 0xFF]) {
                return Ok(None);
            }
            let bom = body.starts_with(b"\xEF\xBB\xBF");
            body = &body[if bom { 3 } else { 0 }..];
            shift = Some(if bom { 3 } else { 0 });
        }
        let Ok(text) = std::str::from_utf8(body) else {
            return Ok(None);
        };
        lines_before += each(text, offset, lines_before);
        offset += text.len();
    }
    Ok(Some(shift.unwrap_or(0)))
}

/// Reads the records of a large JSON Lines file of the dataset, `path`, in chunks as
/// [`load_jsonl_prepared`] reads a whole text: each record parsed and prepared in parallel,
/// kept in `entries` (anchored in the file's text), its findings re-aimed at it, syntax
/// errors placed inside their chunk. The text is never held whole: the file returned keeps
/// only its line starts and reads a record's bytes again to place a finding. `None` when
/// the file is not UTF-8: the caller then discards what was added and reads it whole.
pub(super) fn load_jsonl_chunked(
    file_index: usize,
    name: String,
    path: &std::path::Path,
    entries: &mut Vec<Entry>,
    findings: &mut Vec<Diagnostic>,
    failed: &mut String,
    prepare: &super::Prepare<'_>,
) -> Result<Option<SourceFile>, crate::error::Error> {
    let mut starts = vec![0usize];
    let mut each = |text: &str, offset: usize, lines_before: usize| {
        let mut lines = Vec::new();
        let mut start = 0;
        let mut pieces = 0;
        for (n, raw) in text.split_inclusive('\n').enumerate() {
            let line = raw.trim_end_matches(['\n', '\r']);
            if !line.trim().is_empty() {
                lines.push((n + 1, start..start + line.len()));
            }
            start += raw.len();
            if raw.ends_with('\n') {
                starts.push(offset + start);
            }
            pieces = n + 1;
        }
        let read = |(n, range): &(usize, std::ops::Range<usize>)| {
            let value = parse(&text[range.clone()]).map_err(|e| (*n, e))?;
            let anchor = Anchor::Json {
                range: offset + range.start..offset + range.end,
                prefix: String::new(),
            };
            let mut entry = Entry::new(file_index, anchor, value);
            let found = prepare(&mut entry);
            Ok((entry, found))
        };
        type Read = Result<(Entry, Vec<Diagnostic>), (usize, serde_json::Error)>;
        let parsed: Vec<Read> = lines.par_iter().map(read).collect();
        let mut chunk: Option<SourceFile> = None;
        // `lines` is in line order, so a failed line is found by its number.
        let line_of = |n: usize| {
            let i = lines.binary_search_by_key(&n, |(m, _)| *m).ok()?;
            text.get(lines[i].1.clone())
        };
        for result in parsed {
            match result {
                Ok((entry, found)) => {
                    let index = entries.len();
                    findings.extend(found.into_iter().map(|d| d.retarget(index)));
                    entries.push(entry);
                }
                Err((n, e)) => {
                    let here = chunk.get_or_insert_with(|| {
                        SourceFile::new(
                            name.clone(),
                            None,
                            text.to_owned(),
                            super::Format::JsonLines,
                        )
                    });
                    if let Some(line) = line_of(n) {
                        super::keep_failed_line(failed, line);
                    }
                    let mut d = syntax_diagnostic(here, &e, n);
                    if let Some(l) = d.location.as_mut() {
                        l.line += lines_before;
                        l.end_line += lines_before;
                        l.span = l.span.start + offset..l.span.end + offset;
                    }
                    findings.push(d);
                }
            }
        }
        pieces
    };
    let Some(shift) = chunks(path, &mut each)? else {
        return Ok(None);
    };
    Ok(Some(SourceFile::released(
        name,
        path.to_path_buf(),
        crate::source::LineIndex::from_starts(starts),
        shift,
    )))
}

/// One chunk of [`stream_jsonl`], whole lines starting at byte `offset` and after
/// `lines_before` lines of the file; returns how many lines it holds.
fn read_chunk(
    file: &SourceFile,
    text: &str,
    offset: usize,
    lines_before: usize,
    step: &Step<'_>,
    kept: &mut Vec<u32>,
    findings: &mut Vec<Diagnostic>,
) -> usize {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut pieces = 0;
    for (n, raw) in text.split_inclusive('\n').enumerate() {
        let line = raw.trim_end_matches(['\n', '\r']);
        if !line.trim().is_empty() {
            lines.push((n + 1, start..start + line.len()));
        }
        start += raw.len();
        pieces = n + 1;
    }
    // A record without findings is dropped here, on the thread that parsed it: freeing its
    // JSON on the thread that allocated it keeps the allocator's threads apart, and off the
    // serial loop below.
    type Read = Result<(usize, Option<Entry>, bool, Vec<Diagnostic>), (usize, serde_json::Error)>;
    let read = |(n, range): &(usize, std::ops::Range<usize>)| -> Read {
        let value = parse(&text[range.clone()]).map_err(|e| (*n, e))?;
        let anchor = Anchor::Json {
            range: range.clone(),
            prefix: String::new(),
        };
        let mut entry = Entry::new(0, anchor, value);
        let (keep, found) = step(&mut entry);
        let entry = (!found.is_empty()).then_some(entry);
        Ok((*n, entry, keep, found))
    };
    let results: Vec<Read> = lines.par_iter().map(read).collect();
    // The chunk as a dataset of one file, to place its findings; built only when needed.
    let mut chunk: Option<super::Dataset> = None;
    let chunk_of = |chunk: &mut Option<super::Dataset>| {
        chunk
            .get_or_insert_with(|| super::Dataset {
                files: vec![SourceFile::new(
                    file.name().to_owned(),
                    None,
                    text.to_owned(),
                    super::Format::JsonLines,
                )],
                ..super::Dataset::default()
            })
            .entries
            .clear();
    };
    // From the chunk's lines and bytes to the file's.
    let shift = |d: &mut Diagnostic| {
        let shift = |l: &mut crate::diagnostic::Location| {
            l.line += lines_before;
            l.end_line += lines_before;
            l.span = l.span.start + offset..l.span.end + offset;
        };
        d.location.iter_mut().for_each(shift);
        for related in &mut d.related {
            related.location.iter_mut().for_each(shift);
        }
    };
    for result in results {
        let (placed, diagnostics) = match result {
            Ok((n, entry, keep, found)) => {
                if keep {
                    // Saturates only past 4 Gi lines, far beyond any `max_file_size`.
                    kept.push(u32::try_from(lines_before + n).unwrap_or(u32::MAX));
                }
                let Some(entry) = entry else { continue };
                chunk_of(&mut chunk);
                let Some(here) = chunk.as_mut() else { continue };
                here.entries.push(entry);
                (&*here, found)
            }
            Err((n, e)) => {
                chunk_of(&mut chunk);
                let Some(here) = chunk.as_ref() else { continue };
                (here, vec![syntax_diagnostic(&here.files[0], &e, n)])
            }
        };
        for mut d in diagnostics {
            placed.place(&mut d);
            shift(&mut d);
            findings.push(d);
        }
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A finding in every record of a large array file. Resolved from the top of the file,
    /// as before, each finding skipped every record before its own: 20,000 × 0.9 MB read
    /// on average, minutes in a debug build. Anchored at their elements, each reads its own.
    #[test]
    fn a_finding_in_every_record_of_an_array_file_is_placed_in_linear_time() {
        use crate::diagnostic::Target;
        use crate::load::{Dataset, Format};
        let n = 20_000;
        let records: Vec<String> = (0..n)
            .map(|i| {
                format!(r#"  {{"kind": "entity", "id": "e{i}", "type": "person", "nmae": "N{i}"}}"#)
            })
            .collect();
        // Pretty, one record a line; and minified, every record on one line.
        for (text, one_line) in [
            (format!("[\n{}\n]\n", records.join(",\n")), false),
            (format!("[{}]", records.join(",")), true),
        ] {
            let file = SourceFile::new("big.json".into(), None, text, Format::Json);
            let mut dataset = Dataset::default();
            let mut findings = Vec::new();
            load_json(0, &file, &mut dataset.entries, &mut findings);
            assert!(findings.is_empty(), "{findings:?}");
            assert_eq!(dataset.entries.len(), n);
            let text = file.text().to_owned();
            dataset.files.push(file);
            for (i, entry) in dataset.entries.iter().enumerate() {
                let Anchor::Json { range, prefix } = &entry.anchor else {
                    panic!("not a JSON anchor")
                };
                assert_eq!(prefix, "", "record {i}");
                assert_eq!(&text[range.clone()], records[i].trim_start(), "record {i}");
            }
            for (i, record) in records.iter().enumerate() {
                let target = Target {
                    entry: i,
                    pointer: "/nmae".into(),
                };
                let l = dataset.locate(&target).unwrap();
                assert_eq!(&text[l.span.clone()], format!("\"N{i}\""), "record {i}");
                if !one_line {
                    let column = record.find("\"N").unwrap() + 1;
                    assert_eq!((l.line, l.column), (i + 2, column), "record {i}");
                }
            }
        }
    }
}
