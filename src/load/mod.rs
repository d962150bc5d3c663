//! Files and directories into records.
//!
//! A dataset is a directory (searched recursively, in file-name order, skipping hidden and
//! ignored entries, and those factkit.toml leaves out: see [`Selection`]) or a list of
//! files; `-` reads standard input. Each file becomes a [`SourceFile`] (its text, kept so
//! findings can show the offending line; a JSON Lines file over 16 MiB is read in chunks
//! instead and keeps only its line starts, a finding reading its record's bytes again) and
//! its records become [`Entry`]s that remember where in the file they came from ([`Anchor`]), so a
//! diagnostic aimed at a record and a JSON Pointer can be placed at a line and column later,
//! only when there is one. Syntax problems are diagnostics, and the rest of the dataset is
//! still read; a path that does not exist or cannot be read is an [`Error`].
//!
//! Formats: `.json` (an array of records or one record) and `.jsonl` (one record per line),
//! in [`json`]; `.yaml`/`.yml` (a list of records or one, per document) in [`yaml`]; `.csv`
//! (one record per row) in [`csv`]. Each is a function from a file to entries, calling the
//! format's reader in [`crate::format`], which parses; this layer adds the file, the
//! entries' anchors and located diagnostics, and must not parse a format itself. YAML and
//! CSV cannot tell a number from a string by themselves, so their scalars and cells are
//! typed by the schema of the record's kind (see [`crate::typing`] and [`Options`]).
//! [`stream`] reads one input a record at a time through the same functions (`convert`).

pub mod csv;
pub mod json;
pub mod stream;
mod walk;
pub mod yaml;

use std::io::Read;

use rayon::prelude::*;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde_json::Value;

use crate::diagnostic::{Diagnostic, Location, Severity, Target};
use crate::error::Error;
use crate::model::{Kind, Record};
use crate::source::{self, LineIndex};
use crate::typing::Typing;

pub use crate::format::{Format, TypingFor};
pub use walk::{check_glob, Selection};

/// A file of the dataset and its text.
#[derive(Debug)]
pub struct SourceFile {
    name: String,
    path: Option<PathBuf>,
    /// The text, or empty once released by [`SourceFile::release_text`]; then read again
    /// from `path` on first use.
    pub(crate) text: OnceLock<String>,
    format: Format,
    lines: OnceLock<LineIndex>,
    /// Set by [`SourceFile::release_text`]: what places a finding in a record without the
    /// whole text (see [`SourceFile::locate_in_record`]).
    released: Option<Released>,
}

/// What a file whose text was released keeps: its line starts (a few bytes a line), where
/// its text starts on disk, and the open file, to read one record's bytes again.
#[derive(Debug)]
struct Released {
    lines: LineIndex,
    /// Bytes before the text on disk: a UTF-8 byte order mark.
    shift: u64,
    file: std::sync::Mutex<Option<std::fs::File>>,
}

impl SourceFile {
    /// A file with its displayed name and text.
    pub fn new(name: String, path: Option<PathBuf>, text: String, format: Format) -> SourceFile {
        SourceFile {
            name,
            path,
            text: OnceLock::from(text),
            format,
            lines: OnceLock::new(),
            released: None,
        }
    }

    /// The name shown in diagnostics: the path as the user named it, or `-`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The path on disk, unless it came from standard input.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The file's text (invalid UTF-8 replaced, when the file was not UTF-8).
    pub fn text(&self) -> &str {
        self.text.get_or_init(|| {
            // Only a file read from disk is ever released, so `path` is there. A file that
            // changed or vanished since gives what is there now, or nothing: its findings
            // then show without their source line, never a wrong one-off panic.
            let bytes = self
                .path
                .as_deref()
                .and_then(|p| std::fs::read(p).ok())
                .unwrap_or_default();
            let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
            String::from_utf8_lossy(body).into_owned()
        })
    }

    /// Frees the text of a file read from disk; it is read again if a finding needs it.
    /// Records keep byte ranges into the text, so this is only for files whose records
    /// were fully read, and it does nothing for standard input.
    pub fn release_text(&mut self) {
        let Some(path) = &self.path else {
            return;
        };
        // The line starts stay (8 bytes a line), so a finding is placed from its record's
        // bytes alone; an empty text (a file listed to be streamed) keeps nothing.
        if let Some(text) = self.text.get().filter(|t| !t.is_empty()) {
            let file = std::fs::File::open(path).ok();
            let mut head = [0u8; 3];
            let bom = file.as_ref().is_some_and(|mut f| {
                std::io::Read::read_exact(&mut f, &mut head).is_ok() && head == *b"\xEF\xBB\xBF"
            });
            self.released = Some(Released {
                lines: LineIndex::new(text),
                shift: if bom { 3 } else { 0 },
                file: std::sync::Mutex::new(file),
            });
        }
        self.text = OnceLock::new();
        self.lines = OnceLock::new();
    }

    /// A file read in chunks (see [`json::load_jsonl_chunked`]): released from the start,
    /// with its line starts and the length of its byte order mark on disk.
    fn released(name: String, path: PathBuf, lines: LineIndex, shift: u64) -> SourceFile {
        let file = std::fs::File::open(&path).ok();
        let mut released = SourceFile::new(name, Some(path), String::new(), Format::JsonLines);
        released.text = OnceLock::new();
        released.released = Some(Released {
            lines,
            shift,
            file: std::sync::Mutex::new(file),
        });
        released
    }

    /// The 1-based line of byte `at` of a released text, from the line starts it keeps;
    /// `None` when the text is loaded (then [`SourceFile::location_of`] gives it).
    pub fn released_line(&self, at: usize) -> Option<usize> {
        if self.text.get().is_some() {
            return None;
        }
        Some(self.released.as_ref()?.lines.line_of(at).0)
    }

    /// The line of a released text that holds byte `at`, read again from disk, and the byte
    /// where it starts: what a finding's excerpt needs, without reading the whole file back.
    /// `None` when the text is loaded (use [`SourceFile::text`]), or the line is longer
    /// than `max` bytes or cannot be read.
    pub fn line_around(&self, at: usize, max: usize) -> Option<(String, usize)> {
        use std::io::{Read, Seek, SeekFrom};
        if self.text.get().is_some() {
            return None;
        }
        let released = self.released.as_ref()?;
        let (line, start) = released.lines.line_of(at);
        // The last line runs to the end of the file: read at most `max` bytes of it.
        let len = released
            .lines
            .next_start(line)
            .map_or(max + 1, |next| next - start)
            .min(max + 1);
        let mut bytes = Vec::with_capacity(len);
        {
            let mut guard = released.file.lock().ok()?;
            let file = guard.as_mut()?;
            file.seek(SeekFrom::Start(released.shift + start as u64))
                .ok()?;
            file.take(len as u64).read_to_end(&mut bytes).ok()?;
        }
        let text = String::from_utf8(bytes).ok()?;
        let line = text.trim_end_matches(['\n', '\r']);
        (line.len() <= max).then(|| (line.to_owned(), start))
    }

    /// The location of `pointer` inside the JSON record at `range` of a released text, from
    /// that record's bytes read again from disk; `None` when the text is loaded, or the
    /// bytes cannot be read or are not the record (the caller then reads the whole text).
    fn locate_in_record(&self, range: &Range<usize>, pointer: &str) -> Option<Location> {
        use std::io::{Read, Seek, SeekFrom};
        if self.text.get().is_some() {
            return None;
        }
        let released = self.released.as_ref()?;
        let mut bytes = vec![0; range.len()];
        {
            let mut guard = released.file.lock().ok()?;
            let file = guard.as_mut()?;
            file.seek(SeekFrom::Start(released.shift + range.start as u64))
                .ok()?;
            file.read_exact(&mut bytes).ok()?;
        }
        let record = String::from_utf8(bytes).ok()?;
        let found = crate::source::locate(&record, pointer)?.value;
        // A position from the line index and the chars before it on its line, which must
        // lie inside the record (a JSON Lines record starts its line).
        let position = |offset: usize| {
            let (line, start) = released.lines.line_of(range.start + offset);
            let before = record.get(start.checked_sub(range.start)?..offset)?;
            Some((line, before.chars().count() + 1))
        };
        let (line, column) = position(found.start)?;
        let (end_line, end_column) = position(found.end)?;
        Some(Location {
            file: self.name.clone(),
            line,
            column,
            end_line,
            end_column,
            span: range.start + found.start..range.start + found.end,
            cell: None,
        })
    }

    /// The file's format.
    pub fn format(&self) -> Format {
        self.format
    }

    fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(self.text()))
    }

    /// The location of a byte range of the text.
    pub fn location_of(&self, span: Range<usize>) -> Location {
        let lines = self.lines();
        let start = lines.position(self.text(), span.start);
        let end = lines.position(self.text(), span.end);
        Location {
            file: self.name.clone(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            span,
            cell: None,
        }
    }

    /// The location of a 1-based line and 1-based byte column (as serde_json reports them).
    pub fn location_at_line_byte(&self, line: usize, byte_column: usize) -> Location {
        let lines = self.lines();
        let line = line.clamp(1, lines.len().max(1));
        let text = lines.line(self.text(), line).unwrap_or("");
        let line_offset = text.as_ptr() as usize - self.text().as_ptr() as usize;
        let mut col = byte_column.saturating_sub(1).min(text.len());
        while !text.is_char_boundary(col) {
            col -= 1;
        }
        let start = line_offset + col;
        let end = text[col..]
            .chars()
            .next()
            .map_or(start, |c| start + c.len_utf8());
        self.location_of(start..end)
    }
}

/// The `read` finding for a file found in a folder that vanished or cannot be opened since.
pub(crate) fn unreadable_during_run(path: &Path, source: &std::io::Error) -> Diagnostic {
    let help = "a file removed or made unreadable during the run";
    walk::unreadable(path, format!("cannot read the file: {source}"), help)
}

/// The `syntax` finding for a record file with nothing in it; `help` says what it should hold.
pub(crate) fn empty_file(file: &SourceFile, help: &str) -> Diagnostic {
    Diagnostic::new("syntax", Severity::Error, "the file is empty")
        .help(format!("{help}, or delete the file"))
        .with_location(file.location_at_line_byte(1, 1))
}

/// Where in its file a record came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor {
    /// A JSON document in `range` of the file text; the record is at `prefix` inside it
    /// (`/3` for the fourth element of an array file, `` for a JSON Lines line).
    Json {
        /// Byte range of the document.
        range: Range<usize>,
        /// JSON Pointer of the record inside the document.
        prefix: String,
    },
    /// A YAML record: the byte span of each of its nodes, by JSON Pointer (relative to the
    /// record), noted while it was built.
    Yaml {
        /// Spans by pointer.
        spans: Vec<(String, Range<usize>)>,
    },
    /// A CSV row.
    Csv {
        /// Byte range of the row in the file text.
        row: Range<usize>,
        /// The row number as a spreadsheet shows it (the header is row 1).
        number: usize,
        /// The file's header, which maps pointers to columns.
        header: Arc<crate::format::csv::Header>,
    },
}

/// How files are read: settings that only YAML and CSV need.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The kind of the rows of CSV files that have no `kind` column (`--kind`).
    pub kind: Option<Kind>,
    /// A schema that types YAML scalars and CSV cells instead of the bundled schema of each
    /// record's kind (`--schema`).
    pub typing: Option<Arc<Typing>>,
    /// Files to leave out, by canonical path: the extra schemas factkit.toml names, when
    /// they sit inside the dataset.
    pub skip: Vec<PathBuf>,
    /// The ceilings on file size, nesting and string length.
    pub limits: crate::limits::Limits,
    /// Follow symbolic links inside a dataset folder that lead outside it
    /// (`--follow-links`); by default such a link is a `read` finding and is not read.
    pub follow_links: bool,
    /// Which files found in a folder are records: `include` and `exclude` of factkit.toml,
    /// `--exclude`, and the ignore files unless `--no-ignore` (see [`Selection`]).
    pub selection: Selection,
    /// The byte between CSV cells (`[csv] delimiter`); `None` sniffs it per file.
    pub csv_delimiter: Option<u8>,
    /// JSON Lines files on disk are listed with no text and no records, for the caller to
    /// read them in chunks ([`json::stream_jsonl`]): `check --schema` keeps neither.
    pub stream_jsonl: bool,
}

impl Options {
    /// The typing of a record whose `kind` is written as `kind`.
    pub fn typing_for(&self, kind: Option<&str>) -> Option<&Typing> {
        match &self.typing {
            Some(t) => Some(t),
            None => kind.and_then(Kind::parse).map(Typing::bundled),
        }
    }
}

/// A record as read, before and after checking.
#[derive(Debug)]
pub struct Entry {
    /// Index of its file in [`Dataset::files`].
    pub file: usize,
    /// Where in the file.
    pub anchor: Anchor,
    /// The record as parsed, numbers with their text.
    pub value: Value,
    /// The `kind` field, when it names a kind.
    pub kind: Option<Kind>,
    /// The `id` field, when it is a string.
    pub id: Option<String>,
    /// The typed record, when it passed its schema.
    pub record: Option<Record>,
}

impl Entry {
    /// A record just read.
    pub fn new(file: usize, anchor: Anchor, value: Value) -> Entry {
        let kind = value
            .get("kind")
            .and_then(Value::as_str)
            .and_then(Kind::parse);
        let id = value.get("id").and_then(Value::as_str).map(str::to_owned);
        Entry {
            file,
            anchor,
            value,
            kind,
            id,
            record: None,
        }
    }
}

/// All files and records of a run.
#[derive(Debug, Default)]
pub struct Dataset {
    /// The dataset root: the directory given, else the folder of the first file.
    pub root: PathBuf,
    /// Every file read, in order.
    pub files: Vec<SourceFile>,
    /// Every record read, in file order.
    pub entries: Vec<Entry>,
    /// Files with a `syntax` finding: the records they hold may be missing, so references
    /// into them are not reported one by one (`unknown-reference`).
    pub unparsed: Vec<Unparsed>,
}

/// A record file with a `syntax` finding.
#[derive(Debug)]
pub struct Unparsed {
    /// Its index in [`Dataset::files`].
    pub file: usize,
    /// Where its first `syntax` finding is.
    pub location: Option<Location>,
    /// For a JSON Lines file, the text of the lines that could not be parsed: its other
    /// lines were read as records, so only these may hold what references miss (an id
    /// written in a good line is a reference, not a lost record). `None`: the whole file
    /// is unread.
    pub lines: Option<String>,
}

/// How much of the failed lines of one JSON Lines file [`Unparsed::lines`] keeps: beyond
/// it, references into the lines not kept are reported one by one, as without the rule.
const UNPARSED_LINES_MAX: usize = 16 << 20;

/// Adds `line` to the failed lines kept for a JSON Lines file, within [`UNPARSED_LINES_MAX`].
pub(crate) fn keep_failed_line(lines: &mut String, line: &str) {
    if lines.len() + line.len() < UNPARSED_LINES_MAX {
        lines.push_str(line);
        lines.push('\n');
    }
}

/// The line of `text` around byte `at`.
fn line_around(text: &str, at: usize) -> &str {
    let at = at.min(text.len());
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    text.get(start..end).unwrap_or("")
}

impl Dataset {
    /// The file and position of `pointer` inside the record at `entry`.
    pub fn locate(&self, target: &Target) -> Option<Location> {
        let entry = self.entries.get(target.entry)?;
        let file = self.files.get(entry.file)?;
        match &entry.anchor {
            Anchor::Json { range, prefix } => {
                // A finding about a whole record is shown at its id: the line that names it.
                let inner = if target.pointer.is_empty() && entry.id.is_some() {
                    "/id"
                } else {
                    target.pointer.as_str()
                };
                let pointer = format!("{prefix}{inner}");
                if let Some(location) = file.locate_in_record(range, &pointer) {
                    return Some(location);
                }
                let text = file.text().get(range.clone())?;
                let found = source::locate(text, &pointer)?;
                let span = found.value;
                Some(file.location_of(range.start + span.start..range.start + span.end))
            }
            Anchor::Yaml { spans } => {
                let pointer = if target.pointer.is_empty() && entry.id.is_some() {
                    "/id"
                } else {
                    target.pointer.as_str()
                };
                let span = crate::format::yaml::read::locate(spans, pointer)?;
                Some(file.location_of(span))
            }
            Anchor::Csv {
                row,
                number,
                header,
            } => {
                let pointer = if target.pointer.is_empty() && entry.id.is_some() {
                    "/id"
                } else {
                    target.pointer.as_str()
                };
                let (span, cell) = csv::locate(file.text(), row, *number, header, pointer)?;
                Some(csv::location(file, span, cell))
            }
        }
    }

    /// Places a diagnostic and its related notes: file, line, column and record id.
    pub fn place(&self, d: &mut Diagnostic) {
        if let Some(target) = d.target.take() {
            if d.location.is_none() {
                d.location = self.locate(&target);
            }
            if d.record.is_none() {
                d.record = self.entries.get(target.entry).and_then(|e| e.id.clone());
            }
        }
        for related in &mut d.related {
            if let Some(target) = related.target().cloned() {
                let location = self.locate(&target);
                let record = self.entries.get(target.entry).and_then(|e| e.id.clone());
                related.place(location, record);
            }
        }
    }

    /// The text of a file by its displayed name.
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.files
            .iter()
            .find(|f| f.name() == name)
            .map(SourceFile::text)
    }

    /// The file by its displayed name.
    pub fn file_named(&self, name: &str) -> Option<&SourceFile> {
        self.files.iter().find(|f| f.name() == name)
    }
}

/// Reads every record file under `paths` (the current directory when empty).
pub fn load(paths: &[PathBuf]) -> Result<(Dataset, Vec<Diagnostic>), Error> {
    load_with(paths, &Options::default())
}

/// Reads every record file under `paths`, with `options` for YAML and CSV.
pub fn load_with(
    paths: &[PathBuf],
    options: &Options,
) -> Result<(Dataset, Vec<Diagnostic>), Error> {
    read_all(paths, options, None)
}

/// What a caller does to each record as soon as it is read (checking validates and types it
/// and may release its parsed JSON), returning findings aimed at entry 0, which the loader
/// re-aims at the record's real index. It runs in parallel, so large files never hold every
/// record's parsed JSON at once.
pub type Prepare<'p> = dyn Fn(&mut Entry) -> Vec<Diagnostic> + Sync + 'p;

/// JSON Lines files above this size are checked in chunks, their text never held whole
/// (or, read whole, have it released once read, see [`SourceFile::release_text`]); a
/// finding reads its record again. Small in unit tests, so that they take this path.
const RELEASE_TEXT_ABOVE: usize = if cfg!(test) { 1 << 10 } else { 16 << 20 };

#[cfg(test)]
thread_local! {
    /// Set by a test to read large files whole, to compare with reading them in chunks.
    pub(crate) static WHOLE_TEXT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether a large JSON Lines file is read whole rather than in chunks (only tests ask).
fn whole_text() -> bool {
    #[cfg(test)]
    return WHOLE_TEXT.with(std::cell::Cell::get);
    #[cfg(not(test))]
    false
}

/// Like [`load_with`], running `prepare` on every record as it is read. `prepare` also
/// decides what happens to a record over a ceiling of `options.limits` (see
/// [`Limits::check_value`](crate::limits::Limits::check_value)).
pub fn load_prepared(
    paths: &[PathBuf],
    options: &Options,
    prepare: &Prepare<'_>,
) -> Result<(Dataset, Vec<Diagnostic>), Error> {
    read_all(paths, options, Some(prepare))
}

fn read_all(
    paths: &[PathBuf],
    options: &Options,
    prepare: Option<&Prepare<'_>>,
) -> Result<(Dataset, Vec<Diagnostic>), Error> {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut dataset = Dataset::default();
    let mut findings = Vec::new();
    let mut queue: Vec<(PathBuf, Option<Format>)> = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            queue.push((path.clone(), None));
            continue;
        }
        let meta = std::fs::metadata(path).map_err(|e| Error::reading(path, e))?;
        if meta.is_dir() {
            if dataset.root.as_os_str().is_empty() {
                dataset.root = path.clone();
            }
            let before = findings.len();
            let found = walk::discover(
                path,
                options.follow_links,
                &options.selection,
                &mut findings,
            );
            if found.is_empty() && findings.len() == before {
                return Err(Error::NoRecords(path.clone()));
            }
            for file in found {
                let format = Format::of_path(&file);
                queue.push((file, format));
            }
        } else {
            let format =
                Format::of_path(path).ok_or_else(|| Error::UnsupportedFile(path.clone()))?;
            walk::regular_file(path, &meta)?;
            if dataset.root.as_os_str().is_empty() {
                dataset.root = path
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            }
            queue.push((path.clone(), Some(format)));
        }
    }
    if dataset.root.as_os_str().is_empty() {
        dataset.root = PathBuf::from(".");
    }
    if !options.skip.is_empty() {
        queue.retain(|(path, _)| {
            std::fs::canonicalize(path).map_or(true, |p| !options.skip.contains(&p))
        });
    }
    for (path, format) in queue {
        // Never held whole, so not held to `max_file_size` either (see `crate::limits`).
        if options.stream_jsonl && format == Some(Format::JsonLines) && path.as_os_str() != "-" {
            let name = path.display().to_string();
            let mut file = SourceFile::new(name, Some(path), String::new(), Format::JsonLines);
            file.release_text();
            dataset.files.push(file);
            continue;
        }
        let size = std::fs::metadata(&path).map_or(0, |m| m.len());
        if let Some(d) = options.limits.file_size(&path.display().to_string(), size) {
            findings.push(d);
            continue;
        }
        // A large JSON Lines file is checked chunk by chunk, its text never held whole.
        if let Some(prepare) = prepare.filter(|_| {
            format == Some(Format::JsonLines)
                && path.as_os_str() != "-"
                && size > RELEASE_TEXT_ABOVE as u64
                && !whole_text()
        }) {
            let index = dataset.files.len();
            let (first, before) = (dataset.entries.len(), findings.len());
            let name = path.display().to_string();
            let mut failed = String::new();
            let read = json::load_jsonl_chunked(
                index,
                name,
                &path,
                &mut dataset.entries,
                &mut findings,
                &mut failed,
                prepare,
            );
            match read {
                Ok(Some(file)) => {
                    dataset.files.push(file);
                    if let Some(d) = findings[before..].iter().find(|d| d.rule == "syntax") {
                        dataset.unparsed.push(Unparsed {
                            file: index,
                            location: d.location.clone(),
                            lines: Some(failed),
                        });
                    }
                    continue;
                }
                // Not UTF-8: read whole below, for the `syntax` finding at its place.
                Ok(None) => {
                    dataset.entries.truncate(first);
                    findings.truncate(before);
                }
                Err(Error::Read { source, .. }) if !paths.contains(&path) => {
                    dataset.entries.truncate(first);
                    findings.truncate(before);
                    findings.push(unreadable_during_run(&path, &source));
                    continue;
                }
                Err(e) => return Err(e),
            }
        }
        let read = read_file_within(&path, format, options.limits.max_file_size);
        let (file, problem) = match read {
            Ok(Some(read)) => read,
            // Standard input, or a file that grew past the ceiling since it was measured.
            Ok(None) => {
                let name = path.display().to_string();
                findings.push(options.limits.stream_size(&name));
                continue;
            }
            // A file found in a directory that vanished or cannot be opened since.
            Err(Error::Read { source, .. }) if !paths.contains(&path) => {
                findings.push(unreadable_during_run(&path, &source));
                continue;
            }
            Err(e) => return Err(e),
        };
        let index = dataset.files.len();
        dataset.files.push(file);
        let file = &dataset.files[index];
        if let Some(problem) = problem {
            if problem.rule == "syntax" {
                dataset.unparsed.push(Unparsed {
                    file: index,
                    location: problem.location.clone(),
                    lines: None,
                });
            }
            findings.push(problem);
            continue;
        }
        let before = findings.len();
        let first = dataset.entries.len();
        let format = file.format();
        match prepare {
            Some(prepare) if format == Format::JsonLines => {
                json::load_jsonl_prepared(
                    index,
                    file,
                    &mut dataset.entries,
                    &mut findings,
                    prepare,
                );
            }
            Some(prepare) => {
                load_file(index, file, options, &mut dataset.entries, &mut findings);
                let prepared: Vec<Vec<Diagnostic>> = dataset.entries[first..]
                    .par_iter_mut()
                    .map(prepare)
                    .collect();
                for (k, diagnostics) in prepared.into_iter().enumerate() {
                    findings.extend(diagnostics.into_iter().map(|d| d.retarget(first + k)));
                }
            }
            // Without a prepare step (which checks the ceilings itself, record by record),
            // records over a ceiling are taken out here.
            None => {
                load_file(index, file, options, &mut dataset.entries, &mut findings);
                options
                    .limits
                    .check_records(&mut dataset, first, &mut findings);
            }
        }
        let mut syntax = findings[before..].iter().filter(|d| d.rule == "syntax");
        if let Some(d) = syntax.next() {
            // A JSON Lines file keeps the lines that failed; any other file is unread whole.
            let lines = (format == Format::JsonLines).then(|| {
                let text = dataset.files[index].text();
                let mut lines = String::new();
                for d in std::iter::once(d).chain(syntax) {
                    if let Some(l) = &d.location {
                        keep_failed_line(&mut lines, line_around(text, l.span.start));
                    }
                }
                lines
            });
            dataset.unparsed.push(Unparsed {
                file: index,
                location: d.location.clone(),
                lines,
            });
        }
        if format == Format::JsonLines && dataset.files[index].text().len() > RELEASE_TEXT_ABOVE {
            dataset.files[index].release_text();
        }
    }
    Ok((dataset, findings))
}

/// Reads the records of one file into `entries`, its problems into `findings`.
pub fn load_file(
    index: usize,
    file: &SourceFile,
    options: &Options,
    entries: &mut Vec<Entry>,
    findings: &mut Vec<Diagnostic>,
) {
    let typing: &TypingFor<'_> = &|kind| options.typing_for(kind);
    match file.format() {
        Format::Json => json::load_json(index, file, entries, findings),
        Format::JsonLines => json::load_jsonl(index, file, entries, findings),
        Format::Yaml => yaml::load_yaml(index, file, typing, entries, findings),
        Format::Csv => {
            let settings = csv::Settings {
                kind: options.kind,
                typing,
                dataset: options.typing.is_none(),
            };
            csv::load_csv(
                index,
                file,
                &settings,
                options.csv_delimiter,
                entries,
                findings,
            );
        }
    }
}

/// Reads a file (or standard input for `-`) as UTF-8, but at most `max_size` bytes: `None` when there is more
/// (standard input longer than `max_file_size`, or a file that grew past it since it was
/// measured). Reading stops as soon as the ceiling is passed, so no more than `max_size` and
/// one bytes are ever held.
pub fn read_file_within(
    path: &Path,
    format: Option<Format>,
    max_size: u64,
) -> Result<Option<(SourceFile, Option<Diagnostic>)>, Error> {
    let is_stdin = path.as_os_str() == "-";
    let mut bytes = Vec::new();
    let result = if is_stdin {
        read_within(std::io::stdin().lock(), max_size, &mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| {
            if let Ok(meta) = f.metadata() {
                bytes.reserve_exact(usize::try_from(meta.len().min(max_size)).unwrap_or(0));
            }
            read_within(f, max_size, &mut bytes)
        })
    };
    let within = result.map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if !within {
        return Ok(None);
    }
    let name = path.display().to_string();
    let disk_path = (!is_stdin).then(|| path.to_path_buf());
    Ok(Some(decode(name, disk_path, &bytes, format)))
}

/// Reads `reader` to its end into `bytes`, unless it holds more than `max_size` bytes:
/// then stops one byte past the ceiling and returns `false`.
pub fn read_within(reader: impl Read, max_size: u64, bytes: &mut Vec<u8>) -> std::io::Result<bool> {
    let start = bytes.len();
    reader.take(max_size.saturating_add(1)).read_to_end(bytes)?;
    Ok(((bytes.len() - start) as u64) <= max_size)
}

/// A file's bytes as UTF-8 text (a byte order mark dropped), or the file with a `syntax`
/// diagnostic saying why it is not UTF-8. `format` is sniffed from the text when `None`.
pub fn decode(
    name: String,
    disk_path: Option<PathBuf>,
    bytes: &[u8],
    format: Option<Format>,
) -> (SourceFile, Option<Diagnostic>) {
    decode_part(name, disk_path, bytes, format, 0)
}

/// Like [`decode`], for the part of a streamed input that starts at byte `start` of it (a
/// JSON Lines line or a CSV row, as `convert` reads them): only the part at byte 0 can
/// start with a byte order mark, and an invalid byte is named by its offset in the input.
pub fn decode_part(
    name: String,
    disk_path: Option<PathBuf>,
    bytes: &[u8],
    format: Option<Format>,
    start: u64,
) -> (SourceFile, Option<Diagnostic>) {
    if start == 0 && (bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF])) {
        let file = SourceFile::new(
            name,
            disk_path,
            String::new(),
            format.unwrap_or(Format::Json),
        );
        let d = Diagnostic::new(
            "syntax",
            Severity::Error,
            "the file is UTF-16 encoded; factkit reads UTF-8",
        )
        .help("re-save the file as UTF-8 (in most editors: Save As, encoding UTF-8)")
        .with_location(file.location_of(0..0));
        return (file, Some(d));
    }
    let body = match start {
        0 => bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes),
        _ => bytes,
    };
    match std::str::from_utf8(body) {
        Ok(text) => {
            let text = text.to_owned();
            let format = format.unwrap_or_else(|| Format::sniff(&text));
            (SourceFile::new(name, disk_path, text, format), None)
        }
        Err(e) => {
            let valid = e.valid_up_to();
            let offset = start + (valid + (bytes.len() - body.len())) as u64;
            let text = String::from_utf8_lossy(body).into_owned();
            let file = SourceFile::new(name, disk_path, text, format.unwrap_or(Format::Json));
            // The lossy text has the same bytes up to `valid`, so the span is exact.
            let span = valid..valid + 3.min(file.text().len() - valid);
            let d = Diagnostic::new(
                "syntax",
                Severity::Error,
                format!(
                    "the file is not valid UTF-8: byte 0x{:02X} at byte offset {offset}",
                    body[valid]
                ),
            )
            .help("re-save the file as UTF-8; factkit does not guess other encodings")
            .with_location(file.location_of(span));
            (file, Some(d))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A finding in a record of a JSON Lines file whose text was released is placed from
    /// that record's bytes alone, exactly where the whole text places it: a byte order mark,
    /// CRLF, blank lines and multi-byte characters before the value included.
    #[test]
    fn a_released_json_lines_file_places_findings_from_the_record_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.jsonl");
        let mut text = String::from("\u{feff}");
        for i in 0..50 {
            text.push_str(&format!(
                "{{\"id\": \"r{i}\", \"name\": \"Қасым {i}\", \"n\": [{i}, {{\"x\": \"é{i}\"}}]}}\r\n"
            ));
            if i % 7 == 0 {
                text.push('\n');
            }
        }
        std::fs::write(&path, &text).unwrap();
        let (dataset, findings) = load(std::slice::from_ref(&path)).unwrap();
        assert!(findings.is_empty(), "{findings:?}");
        let mut released = load(std::slice::from_ref(&path)).unwrap().0;
        released.files[0].release_text();
        let mut placed = 0;
        for entry in 0..dataset.entries.len() {
            for pointer in ["", "/name", "/n/1/x", "/n/0", "/missing"] {
                let target = Target {
                    entry,
                    pointer: pointer.into(),
                };
                let whole = dataset.locate(&target);
                let alone = released.files[0].locate_in_record(
                    match &released.entries[entry].anchor {
                        Anchor::Json { range, .. } => range,
                        _ => panic!("not a JSON anchor"),
                    },
                    if pointer.is_empty() { "/id" } else { pointer },
                );
                assert_eq!(
                    format!("{alone:?}"),
                    format!("{whole:?}"),
                    "{entry} {pointer}"
                );
                placed += usize::from(alone.is_some());
                assert_eq!(
                    format!("{:?}", released.locate(&target)),
                    format!("{whole:?}")
                );
            }
        }
        assert_eq!(placed, 250);
        // Nothing read the whole text again.
        assert!(released.files[0].text.get().is_none());
    }
}
#[cfg(test)]
mod sizes {
    use std::mem::size_of;

    /// What a run holds per record is the memory budget of `check` (1M records in
    /// BENCHMARKS.md): a typed record is a pointer to its own kind's fields, not the size
    /// of the largest kind, and an entry stays within a few cache lines.
    #[test]
    fn an_entry_and_its_record_stay_small() {
        assert!(size_of::<crate::model::Record>() <= 16);
        assert!(
            size_of::<super::Entry>() <= 168,
            "{}",
            size_of::<super::Entry>()
        );
        // A figure: its text and, unless it needs more than 64 bits, its digits inline.
        assert!(size_of::<crate::model::Decimal>() <= 40);
        // The largest kind: its rare parts (`ratio_of`, `change_of`) are boxed.
        assert!(size_of::<crate::model::Statistic>() <= 360);
    }
}
