//! Source positions: from a JSON Pointer to a byte span, and from a byte offset to a line
//! and column.
//!
//! Every diagnostic factkit produces points at a place in the file the user wrote. Schema
//! errors and rules name that place as an RFC 6901 JSON Pointer into a parsed value;
//! [`locate`] walks the same pointer through the *text* and returns the byte span of the
//! value (and of its member name), and [`LineIndex`] turns a byte offset into a
//! [`Position`] for a renderer to show. Nothing here prints or reads files.
//!
//! This is a small hand-written scanner rather than a span-aware JSON parser: the crates
//! that keep spans cost 1.6–7.9× a plain serde_json parse (see `DEPENDENCIES.md`, "Source
//! positions"), while re-reading only the records that have findings costs nothing
//! measurable. The scanner reads only as far as the pointer needs: each object on the path
//! to its end (to find the last of duplicate names), each array on the path up to the
//! index, and the target value. It allocates nothing, and it skips a value by counting
//! brackets instead of recursing, so a 100,000-deep array cannot overflow the stack. An
//! array file's records are found once, by [`elements`], so that each finding is placed
//! by reading its own record rather than every record before it.
//!
//! What it follows:
//!
//! - Pointer tokens are unescaped `~1` → `/` then `~0` → `~` (so `~01` is `~1`); a `~`
//!   followed by anything else makes the token match nothing.
//! - Member names are compared after JSON unescaping (`\"`, `\\`, `\/`, `\n`, `\uXXXX`
//!   with surrogate pairs), so `"caf\u00e9"` matches `/café`.
//! - Of duplicate member names the *last* wins, as in serde_json's `Value`, so a pointer
//!   that serde_json produced lands where serde_json took the value from. Reporting the
//!   duplicate itself (it is lost data) belongs to the loader, not here.
//! - Array index tokens are plain decimal (`0`, `12`); `01`, `-` and `+1` resolve nothing.
//! - A leading UTF-8 byte order mark is skipped, and nothing after the root value is read,
//!   so a JSON Lines line, or a file with a syntax error further on, still resolves.
//! - Lines end at `"\n"`; `"\r\n"` is one line break. Columns are 1-based and count Unicode
//!   scalar values (SARIF's `columnKind: "unicodeCodePoints"`), not bytes and not UTF-16
//!   units; a byte order mark takes no column.
//!
//! The text is trusted to be JSON: every pointer comes from a value that serde_json already
//! parsed out of it. The scanner checks the grammar of the objects and arrays on the
//! pointer's path, but a value it skips is only checked for terminated strings and
//! balanced brackets. On text that is not JSON it never panics; a value whose end cannot
//! be found spans to where the scan stopped.

/// A byte range in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset one past the last byte.
    pub end: usize,
}

/// A 1-based line and a 1-based column counted in Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, in Unicode scalar values.
    pub column: usize,
}

/// What a pointer resolved to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Located {
    /// The span of the value at the deepest resolved token.
    pub value: Span,
    /// The span of the member name (with its quotes) when the deepest resolved token is an
    /// object member.
    pub key: Option<Span>,
    /// False when the pointer did not fully resolve (e.g. it names a missing member or an
    /// index out of range); `value` then is the deepest ancestor that exists.
    pub complete: bool,
}

/// Resolve `pointer` (`""` is the whole document, `"/a/0/b~1c"`) in the JSON `text`.
///
/// Returns `None` only when the text is not JSON far enough to resolve even the root, that
/// is when no JSON value starts after the byte order mark and whitespace. A string that is
/// not a pointer (it does not start with `/`) resolves to the root, incomplete.
pub fn locate(text: &str, pointer: &str) -> Option<Located> {
    let bytes = text.as_bytes();
    let root = skip_whitespace(bytes, bom_len(bytes));
    if !starts_value(bytes, root) {
        return None;
    }
    let mut node = Node {
        start: root,
        end: None,
        key: None,
    };
    let mut complete = true;
    match pointer.strip_prefix('/') {
        None if pointer.is_empty() => {}
        None => complete = false,
        Some(tokens) => {
            for token in tokens.split('/') {
                match step(text, &node, token) {
                    Step::Into(child) => node = child,
                    Step::Stop { end } => {
                        node.end = node.end.or(end);
                        complete = false;
                        break;
                    }
                }
            }
        }
    }
    let end = node
        .end
        .unwrap_or_else(|| skip_value(bytes, node.start).unwrap_or_else(|stop| stop));
    Some(Located {
        value: Span {
            start: node.start,
            end,
        },
        key: node.key,
        complete,
    })
}

/// The span of every element of the array at the root of `text`, in order, found in one
/// pass over the text.
///
/// A loader anchors each record of an array file at its own element with this, so that
/// placing a finding reads only that record: resolving `/12345/name` from the top of the
/// file skips the 12,345 records before it, for every finding, and a file with a finding
/// in every record would cost the square of its size. `None` when the root is not an
/// array, or when an element's end cannot be found (then the caller resolves from the top
/// as before).
pub fn elements(text: &str) -> Option<Vec<Span>> {
    let bytes = text.as_bytes();
    let open = skip_whitespace(bytes, bom_len(bytes));
    if bytes.get(open) != Some(&b'[') {
        return None;
    }
    let mut spans = Vec::new();
    let mut at = skip_whitespace(bytes, open + 1);
    if bytes.get(at) == Some(&b']') {
        return Some(spans);
    }
    loop {
        if !starts_value(bytes, at) {
            return None;
        }
        let end = skip_value(bytes, at).ok()?;
        spans.push(Span { start: at, end });
        at = skip_whitespace(bytes, end);
        match bytes.get(at) {
            Some(b',') => at = skip_whitespace(bytes, at + 1),
            Some(b']') => return Some(spans),
            _ => return None,
        }
    }
}

/// A value found on the pointer's path. Its end is known when finding it meant skipping
/// it (an object member); an array element is only skipped if it turns out to be needed.
struct Node {
    start: usize,
    end: Option<usize>,
    key: Option<Span>,
}

/// The outcome of applying one pointer token to a node.
enum Step {
    /// The token names this child.
    Into(Node),
    /// The token names nothing; `end` is the node's end when the search found it.
    Stop { end: Option<usize> },
}

fn step(text: &str, node: &Node, token: &str) -> Step {
    let bytes = text.as_bytes();
    match bytes.get(node.start) {
        Some(b'{') => member(text, node.start, token),
        Some(b'[') => match array_index(token) {
            Some(index) => element(bytes, node.start, index),
            None => Step::Stop { end: None },
        },
        _ => Step::Stop { end: None },
    }
}

/// Finds the last member named `token` in the object opening at `open`.
fn member(text: &str, open: usize, token: &str) -> Step {
    let bytes = text.as_bytes();
    let mut last = None;
    let mut at = skip_whitespace(bytes, open + 1);
    if bytes.get(at) == Some(&b'}') {
        return Step::Stop { end: Some(at + 1) };
    }
    let stop = loop {
        if bytes.get(at) != Some(&b'"') {
            break at;
        }
        let name_end = match skip_string(bytes, at) {
            Ok(end) => end,
            Err(stop) => break stop,
        };
        let colon = skip_whitespace(bytes, name_end);
        if bytes.get(colon) != Some(&b':') {
            break colon;
        }
        let value = skip_whitespace(bytes, colon + 1);
        // Both bounds sit on ASCII quotes, so `get` only fails on a text this scanner did
        // not just read.
        let matches = text
            .get(at + 1..name_end - 1)
            .is_some_and(|name| name_eq(name, token));
        let key = Span {
            start: at,
            end: name_end,
        };
        let value_end = match skip_value(bytes, value) {
            Ok(end) => end,
            Err(stop) => {
                // A value that starts but never ends is still the best place to point at.
                if matches && stop > value {
                    last = Some(Node {
                        start: value,
                        end: Some(stop),
                        key: Some(key),
                    });
                }
                break stop;
            }
        };
        if matches {
            last = Some(Node {
                start: value,
                end: Some(value_end),
                key: Some(key),
            });
        }
        at = skip_whitespace(bytes, value_end);
        match bytes.get(at) {
            Some(b',') => at = skip_whitespace(bytes, at + 1),
            Some(b'}') => break at + 1,
            _ => break at,
        }
    };
    match last {
        Some(node) => Step::Into(node),
        None => Step::Stop { end: Some(stop) },
    }
}

/// Finds element `index` of the array opening at `open`, skipping only the ones before it.
fn element(bytes: &[u8], open: usize, index: usize) -> Step {
    let mut at = skip_whitespace(bytes, open + 1);
    if bytes.get(at) == Some(&b']') {
        return Step::Stop { end: Some(at + 1) };
    }
    let mut seen = 0;
    let stop = loop {
        if !starts_value(bytes, at) {
            break at;
        }
        if seen == index {
            return Step::Into(Node {
                start: at,
                end: None,
                key: None,
            });
        }
        let end = match skip_value(bytes, at) {
            Ok(end) => end,
            Err(stop) => break stop,
        };
        at = skip_whitespace(bytes, end);
        match bytes.get(at) {
            Some(b',') => {
                at = skip_whitespace(bytes, at + 1);
                seen += 1;
            }
            Some(b']') => break at + 1,
            _ => break at,
        }
    };
    Step::Stop { end: Some(stop) }
}

/// The index an array token names: plain decimal, no sign, no leading zero.
fn array_index(token: &str) -> Option<usize> {
    let plain = token == "0"
        || (!token.is_empty()
            && !token.starts_with('0')
            && token.bytes().all(|b| b.is_ascii_digit()));
    // An index too large for `usize` cannot be in range either.
    plain.then(|| token.parse().ok()).flatten()
}

fn bom_len(bytes: &[u8]) -> usize {
    if bytes.starts_with("\u{feff}".as_bytes()) {
        3
    } else {
        0
    }
}

fn skip_whitespace(bytes: &[u8], mut at: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = bytes.get(at) {
        at += 1;
    }
    at
}

fn starts_value(bytes: &[u8], at: usize) -> bool {
    matches!(
        bytes.get(at),
        Some(b'"' | b'{' | b'[' | b't' | b'f' | b'n' | b'-' | b'0'..=b'9')
    )
}

/// The end of the value starting at `at`, or `Err` with where the scan stopped.
fn skip_value(bytes: &[u8], at: usize) -> Result<usize, usize> {
    match bytes.get(at) {
        Some(b'"') => skip_string(bytes, at),
        Some(b'{' | b'[') => skip_nested(bytes, at),
        Some(b't') => skip_literal(bytes, at, b"true"),
        Some(b'f') => skip_literal(bytes, at, b"false"),
        Some(b'n') => skip_literal(bytes, at, b"null"),
        Some(b'-' | b'0'..=b'9') => Ok(skip_number(bytes, at)),
        _ => Err(at),
    }
}

/// The end of the string whose opening quote is at `open`, closing quote included.
fn skip_string(bytes: &[u8], open: usize) -> Result<usize, usize> {
    let mut at = open + 1;
    while let Some(&b) = bytes.get(at) {
        match b {
            b'"' => return Ok(at + 1),
            // Whatever is escaped, it is not the closing quote; `\uXXXX` digits are plain.
            b'\\' => at += 2,
            _ => at += 1,
        }
    }
    Err(bytes.len())
}

/// The end of the object or array opening at `open`, counting brackets instead of
/// recursing so that depth costs no stack.
fn skip_nested(bytes: &[u8], open: usize) -> Result<usize, usize> {
    let mut depth = 0usize;
    let mut at = open;
    while let Some(&b) = bytes.get(at) {
        match b {
            b'"' => {
                at = skip_string(bytes, at)?;
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                // The byte at `open` is an opening bracket, so depth is at least 1 here.
                depth -= 1;
                if depth == 0 {
                    return Ok(at + 1);
                }
            }
            _ => {}
        }
        at += 1;
    }
    Err(bytes.len())
}

fn skip_literal(bytes: &[u8], at: usize, literal: &[u8]) -> Result<usize, usize> {
    match bytes.get(at..at + literal.len()) {
        Some(found) if found == literal => Ok(at + literal.len()),
        _ => Err(at),
    }
}

/// The end of the number starting at `at`: the run of bytes a JSON number is made of.
fn skip_number(bytes: &[u8], mut at: usize) -> usize {
    while let Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') = bytes.get(at) {
        at += 1;
    }
    at
}

/// Whether the raw text between a member name's quotes, once JSON-unescaped, equals the
/// pointer token, once `~`-unescaped. Compares one char at a time, without allocating.
fn name_eq(raw: &str, token: &str) -> bool {
    if !raw.contains('\\') && !token.contains('~') {
        return raw == token;
    }
    let (mut name, mut token) = (raw, token);
    loop {
        let a = next_name_char(&mut name);
        if a != next_token_char(&mut token) {
            return false;
        }
        if a.is_none() {
            // Both ran out; a bad escape stops one of them short, and then it matches
            // nothing.
            return name.is_empty() && token.is_empty();
        }
    }
}

/// The next char of a JSON string's raw content, advancing `rest`; `None` at the end or
/// at a bad escape (leaving `rest` where it stood).
fn next_name_char(rest: &mut &str) -> Option<char> {
    let mut chars = rest.chars();
    let (c, after) = match chars.next()? {
        '\\' => unescape(chars.as_str())?,
        c => (c, chars.as_str()),
    };
    *rest = after;
    Some(c)
}

/// Decodes one JSON escape; `s` starts just after the backslash.
fn unescape(s: &str) -> Option<(char, &str)> {
    let mut chars = s.chars();
    let c = match chars.next()? {
        '"' => '"',
        '\\' => '\\',
        '/' => '/',
        'b' => '\u{8}',
        'f' => '\u{c}',
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        'u' => {
            let (unit, after) = hex4(chars.as_str())?;
            let (code, after) = match unit {
                0xD800..=0xDBFF => {
                    let (low, after) = hex4(after.strip_prefix("\\u")?)?;
                    if !(0xDC00..=0xDFFF).contains(&low) {
                        return None;
                    }
                    (0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00), after)
                }
                _ => (unit, after),
            };
            // A lone low surrogate is not a char: no name can equal it.
            return Some((char::from_u32(code)?, after));
        }
        _ => return None,
    };
    Some((c, chars.as_str()))
}

fn hex4(s: &str) -> Option<(u32, &str)> {
    let digits = s.get(..4)?;
    // `from_str_radix` alone would also take a leading `+`.
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some((u32::from_str_radix(digits, 16).ok()?, s.get(4..)?))
}

/// The next char of a pointer token, advancing `rest`; `None` at the end or at a `~` that
/// is not `~0` or `~1` (leaving `rest` where it stood).
fn next_token_char(rest: &mut &str) -> Option<char> {
    let mut chars = rest.chars();
    let c = match chars.next()? {
        '~' => match chars.next()? {
            '0' => '~',
            '1' => '/',
            _ => return None,
        },
        c => c,
    };
    *rest = chars.as_str();
    Some(c)
}

/// Start offsets of lines, for mapping byte offsets to positions. Lines end at `"\n"`
/// (`"\r\n"` counts as one line break; the `"\r"` is not part of the column count of the
/// next line).
///
/// A text ending in a line break has an empty last line, so every offset maps to a line
/// that [`LineIndex::line`] can return. A leading byte order mark belongs to no column.
/// The index answers for the text it was built from; given another text it returns
/// nonsense, but does not panic.
///
/// A column is found by counting the chars before it on its line, so that a long line (a
/// minified JSON array is one line) costs at most [`CHECKPOINT_EVERY`] bytes of counting
/// per position: the index notes the column reached every so many bytes of a long line.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Never empty: the first line starts at 0, or after the byte order mark.
    line_starts: Vec<usize>,
    /// `(offset, chars from its line's start to it)`, in offset order, every
    /// [`CHECKPOINT_EVERY`] bytes or so of the lines longer than that.
    checkpoints: Vec<(usize, usize)>,
}

/// How many bytes of a line lie between two of [`LineIndex`]'s checkpoints, at most a
/// char more.
pub const CHECKPOINT_EVERY: usize = 4096;

impl LineIndex {
    /// Indexes the line starts of `text`, and the columns along its long lines.
    pub fn new(text: &str) -> Self {
        let first = bom_len(text.as_bytes());
        let breaks = text
            .bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .map(|(at, _)| at + 1);
        let mut index = LineIndex {
            line_starts: std::iter::once(first).chain(breaks).collect(),
            checkpoints: Vec::new(),
        };
        for (number, &start) in index.line_starts.iter().enumerate() {
            let Some(content) = index.line(text, number + 1) else {
                continue;
            };
            let (mut at, mut column) = (0, 0);
            loop {
                let mut next = at + CHECKPOINT_EVERY;
                if next >= content.len() {
                    break;
                }
                while !content.is_char_boundary(next) {
                    next += 1;
                }
                column += content.get(at..next).map_or(0, |s| s.chars().count());
                index.checkpoints.push((start + next, column));
                at = next;
            }
        }
        index
    }

    /// Position of a byte offset (clamped to the text; an offset inside a multi-byte char
    /// maps to that char). An offset inside a line break maps to the column just after the
    /// line's last char.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        // 0 is a char boundary, so this stops.
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        // An offset inside the byte order mark lies before the first line start.
        let line = self
            .line_starts
            .partition_point(|&start| start <= offset)
            .max(1);
        let line_start = self.line_starts.get(line - 1).copied().unwrap_or(0);
        let content = self.line(text, line).unwrap_or("");
        let before = offset.saturating_sub(line_start).min(content.len());
        // The last checkpoint at or before the offset, when it is on this line.
        let (from, counted) = self
            .checkpoints
            .partition_point(|&(at, _)| at <= line_start + before)
            .checked_sub(1)
            .and_then(|i| self.checkpoints.get(i))
            .filter(|&&(at, _)| at >= line_start)
            .map_or((0, 0), |&(at, column)| (at - line_start, column));
        let column = counted + content.get(from..before).map_or(0, |s| s.chars().count()) + 1;
        Position { line, column }
    }

    /// The index of a text known only by its line starts (the first is 0), as a file read
    /// in chunks gives them; it has no column checkpoints, so [`LineIndex::position`] counts
    /// a long line's chars from its start.
    pub fn from_starts(line_starts: Vec<usize>) -> Self {
        let line_starts = if line_starts.is_empty() {
            vec![0]
        } else {
            line_starts
        };
        LineIndex {
            line_starts,
            checkpoints: Vec::new(),
        }
    }

    /// The 1-based line of a byte offset and the offset where that line starts.
    pub fn line_of(&self, offset: usize) -> (usize, usize) {
        let line = self
            .line_starts
            .partition_point(|&start| start <= offset)
            .max(1);
        (line, self.line_starts.get(line - 1).copied().unwrap_or(0))
    }

    /// The text of a 1-based line without its line break, or None past the end.
    pub fn line<'t>(&self, text: &'t str, line: usize) -> Option<&'t str> {
        let start = *self.line_starts.get(line.checked_sub(1)?)?;
        let raw = match self.line_starts.get(line) {
            Some(&next) => text.get(start..next)?,
            None => text.get(start..)?,
        };
        Some(match raw.strip_suffix('\n') {
            Some(content) => content.strip_suffix('\r').unwrap_or(content),
            None => raw,
        })
    }

    /// Where the 1-based line after `line` starts, or None for the last line.
    pub fn next_start(&self, line: usize) -> Option<usize> {
        self.line_starts.get(line).copied()
    }

    /// Number of lines.
    pub fn len(&self) -> usize {
        self.line_starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    /// No trailing newline, so the root span is the whole document (after any BOM).
    const DOC: &str = r#"{
  "id": "st-001",
  "speaker": {"name": "Қасым-Жомарт", "role": "president"},
  "tags": ["a", "b]}\"", {"deep": [1, 2.5e3, -0]}],
  "a\/b": {"m~n": true, "m/n": false, "~1": "tilde one"},
  "caf\u00e9": null,
  "emoji": "🦀", "after": 42,
  "dup": 1, "dup": [2],
  "esc\"key": "x",
  "": "empty key",
  "crab \ud83e\udd80": 0
}"#;

    const SPEAKER: &str = r#"{"name": "Қасым-Жомарт", "role": "president"}"#;
    const TAGS: &str = r#"["a", "b]}\"", {"deep": [1, 2.5e3, -0]}]"#;
    const A_SLASH_B: &str = r#"{"m~n": true, "m/n": false, "~1": "tilde one"}"#;

    type Row = (
        &'static str,
        (usize, usize),
        Option<(usize, usize)>,
        bool,
        &'static str,
    );

    /// Pointer, value position, key position, complete, value text.
    #[rustfmt::skip]
    const TABLE: &[Row] = &[
        ("",               (1, 1),   None,          true, DOC),
        ("/id",            (2, 9),   Some((2, 3)),  true, r#""st-001""#),
        ("/speaker",       (3, 14),  Some((3, 3)),  true, SPEAKER),
        ("/speaker/name",  (3, 23),  Some((3, 15)), true, r#""Қасым-Жомарт""#),
        // The Cyrillic chars before it count one column each, not two.
        ("/speaker/role",  (3, 47),  Some((3, 39)), true, r#""president""#),
        ("/tags",          (4, 11),  Some((4, 3)),  true, TAGS),
        ("/tags/1",        (4, 17),  None,          true, r#""b]}\"""#),
        ("/tags/2",        (4, 26),  None,          true, r#"{"deep": [1, 2.5e3, -0]}"#),
        ("/tags/2/deep",   (4, 35),  Some((4, 27)), true, "[1, 2.5e3, -0]"),
        ("/tags/2/deep/1", (4, 39),  None,          true, "2.5e3"),
        ("/tags/2/deep/2", (4, 46),  None,          true, "-0"),
        ("/a~1b/m~0n",     (5, 19),  Some((5, 12)), true, "true"),
        ("/a~1b/m~1n",     (5, 32),  Some((5, 25)), true, "false"),
        // `~01` is `~1`, not `/`.
        ("/a~1b/~01",      (5, 45),  Some((5, 39)), true, r#""tilde one""#),
        ("/café",          (6, 16),  Some((6, 3)),  true, "null"),
        ("/emoji",         (7, 12),  Some((7, 3)),  true, r#""🦀""#),
        // The emoji before it is one column.
        ("/after",         (7, 26),  Some((7, 17)), true, "42"),
        ("/dup",           (8, 20),  Some((8, 13)), true, "[2]"),
        ("/dup/0",         (8, 21),  None,          true, "2"),
        ("/esc\"key",      (9, 15),  Some((9, 3)),  true, r#""x""#),
        ("/",              (10, 7),  Some((10, 3)), true, r#""empty key""#),
        ("/crab 🦀",       (11, 24), Some((11, 3)), true, "0"),
        // Incomplete: the deepest ancestor that exists, with its own key.
        ("/speaker/age",   (3, 14),  Some((3, 3)),  false, SPEAKER),
        ("/tags/3",        (4, 11),  Some((4, 3)),  false, TAGS),
        ("/tags/01",       (4, 11),  Some((4, 3)),  false, TAGS),
        ("/tags/-",        (4, 11),  Some((4, 3)),  false, TAGS),
        ("/tags/99999999999999999999999", (4, 11), Some((4, 3)), false, TAGS),
        ("/tags/2/deep/7", (4, 35),  Some((4, 27)), false, "[1, 2.5e3, -0]"),
        ("/id/x",          (2, 9),   Some((2, 3)),  false, r#""st-001""#),
        ("/café/x",        (6, 16),  Some((6, 3)),  false, "null"),
        ("/a~1b/m~2n",     (5, 11),  Some((5, 3)),  false, A_SLASH_B),
        ("/cafe",          (1, 1),   None,          false, DOC),
        ("/nope/deeper",   (1, 1),   None,          false, DOC),
        ("id",             (1, 1),   None,          false, DOC),
    ];

    #[test]
    fn table_of_pointers_over_lf_crlf_and_bom() {
        let variants = [
            ("lf", DOC.to_owned(), "\n"),
            ("crlf", DOC.replace('\n', "\r\n"), "\r\n"),
            ("bom", format!("\u{feff}{DOC}"), "\n"),
        ];
        for (variant, text, line_break) in &variants {
            let index = LineIndex::new(text);
            for &(pointer, value_at, key_at, complete, value_text) in TABLE {
                let context = format!("{variant} {pointer:?}");
                let found = locate(text, pointer).expect(&context);
                let at = |offset| {
                    let p = index.position(text, offset);
                    (p.line, p.column)
                };
                assert_eq!(at(found.value.start), value_at, "{context}");
                assert_eq!(found.key.map(|k| at(k.start)), key_at, "{context}");
                assert_eq!(found.complete, complete, "{context}");
                assert_eq!(
                    &text[found.value.start..found.value.end],
                    value_text.replace('\n', line_break),
                    "{context}"
                );
            }
        }
    }

    #[test]
    fn key_span_includes_quotes() {
        let found = locate(DOC, "/esc\"key").unwrap();
        let key = found.key.unwrap();
        assert_eq!(&DOC[key.start..key.end], r#""esc\"key""#);
    }

    #[test]
    fn duplicate_keys_resolve_to_the_last_like_serde_json() {
        let text = r#"{"x": {"y": 1}, "x": {"z": 2}}"#;
        let parsed: Value = serde_json::from_str(text).unwrap();
        assert!(parsed.pointer("/x/y").is_none());
        let found = locate(text, "/x/z").unwrap();
        assert!(found.complete);
        assert_eq!(&text[found.value.start..found.value.end], "2");
        let missing = locate(text, "/x/y").unwrap();
        assert!(!missing.complete);
        assert_eq!(&text[missing.value.start..missing.value.end], r#"{"z": 2}"#);
        assert_eq!(missing.key.unwrap().start, 16);
    }

    #[test]
    fn skipped_strings_hide_brackets_and_quotes() {
        let text = r#"{"s": "}]{[\\\"", "t": [ "]", {"u": "\"}"} ], "v": 1}"#;
        let found = locate(text, "/v").unwrap();
        assert!(found.complete);
        assert_eq!(&text[found.value.start..found.value.end], "1");
    }

    #[test]
    fn whitespace_numbers_and_literals() {
        let text = " \t\r\n{ \"a\" \r\n : \t [ -0.5e-3 , 1E+2,0,true,false,null ] } ";
        for (pointer, want) in [
            ("/a/0", "-0.5e-3"),
            ("/a/1", "1E+2"),
            ("/a/2", "0"),
            ("/a/3", "true"),
            ("/a/4", "false"),
            ("/a/5", "null"),
        ] {
            let found = locate(text, pointer).unwrap();
            assert!(found.complete, "{pointer}");
            assert_eq!(&text[found.value.start..found.value.end], want);
        }
        let root = locate(text, "").unwrap();
        assert_eq!(root.value.start, 4);
        assert_eq!(root.value.end, text.len() - 1);
    }

    #[test]
    fn not_json_at_the_root_is_none() {
        for text in ["", "   \r\n", "x", "\u{feff}", "}", "]", ":", "+1"] {
            assert_eq!(locate(text, ""), None, "{text:?}");
            assert_eq!(locate(text, "/a"), None, "{text:?}");
        }
    }

    #[test]
    fn garbage_after_the_value_is_not_read() {
        let text = r#"{"a": [1, 2]} {"b": oops"#;
        let found = locate(text, "/a/1").unwrap();
        assert!(found.complete);
        assert_eq!(&text[found.value.start..found.value.end], "2");
        let root = locate(text, "").unwrap();
        assert_eq!(&text[root.value.start..root.value.end], r#"{"a": [1, 2]}"#);
    }

    #[test]
    fn truncated_text_resolves_what_it_can() {
        let text = r#"{"a": 1, "b": [true, {"c": "unterminated"#;
        let a = locate(text, "/a").unwrap();
        assert!(a.complete);
        assert_eq!(&text[a.value.start..a.value.end], "1");
        let b0 = locate(text, "/b/0").unwrap();
        assert!(b0.complete);
        assert_eq!(&text[b0.value.start..b0.value.end], "true");
        // A value that never ends spans to where the scan stopped.
        let c = locate(text, "/b/1/c").unwrap();
        assert!(c.complete);
        assert_eq!(&text[c.value.start..c.value.end], r#""unterminated"#);
        let b5 = locate(text, "/b/5").unwrap();
        assert!(!b5.complete);
        assert_eq!(b5.value.end, text.len());
        let root = locate(text, "").unwrap();
        assert_eq!((root.value.start, root.value.end), (0, text.len()));
    }

    #[test]
    fn malformed_names_and_escapes_do_not_panic() {
        let text = r#"{"\ud800": 1, "\uDC00x": 2, "\x": 3, "\u12": 4, "a\": 5, "ok": 6}"#;
        for pointer in ["/\u{fffd}", "/x", "/a", "/ok", "/~", "/~2", "/\\"] {
            let found = locate(text, pointer).unwrap();
            assert!(found.value.end <= text.len());
        }
        // Surrogates written in either case decode to the same char.
        let text = r#"{"\uD83E\uDD80": 1}"#;
        assert!(locate(text, "/🦀").unwrap().complete);
    }

    #[test]
    fn deep_nesting_does_not_overflow_the_stack() {
        let depth = 100_000;
        let text = format!("[{}{}, \"after\"]", "[".repeat(depth), "]".repeat(depth));
        let inner = locate(&text, "/0/0/0").unwrap();
        assert!(inner.complete);
        assert_eq!(
            inner.value,
            Span {
                start: 3,
                end: 3 + 2 * (depth - 2)
            }
        );
        let after = locate(&text, "/1").unwrap();
        assert!(after.complete);
        assert_eq!(&text[after.value.start..after.value.end], "\"after\"");
        let missing = locate(&text, "/2").unwrap();
        assert!(!missing.complete);
        assert_eq!(
            missing.value,
            Span {
                start: 0,
                end: text.len()
            }
        );

        let objects = format!(
            "{}1{}, \"b\": 2}}",
            "{\"a\": ".repeat(depth),
            "}".repeat(depth - 1)
        );
        let b = locate(&objects, "/b").unwrap();
        assert!(b.complete);
        assert_eq!(&objects[b.value.start..b.value.end], "2");
    }

    #[test]
    fn line_index_of_empty_text() {
        let index = LineIndex::new("");
        assert_eq!(index.len(), 1);
        assert_eq!(index.line("", 1), Some(""));
        assert_eq!(index.line("", 0), None);
        assert_eq!(index.line("", 2), None);
        assert_eq!(index.position("", 0), Position { line: 1, column: 1 });
        assert_eq!(index.position("", 9), Position { line: 1, column: 1 });
    }

    #[test]
    fn line_index_without_trailing_newline() {
        let text = "ab\ncd";
        let index = LineIndex::new(text);
        assert_eq!(index.len(), 2);
        assert_eq!(index.line(text, 1), Some("ab"));
        assert_eq!(index.line(text, 2), Some("cd"));
        assert_eq!(index.line(text, 3), None);
        assert_eq!(index.position(text, 2), Position { line: 1, column: 3 });
        assert_eq!(index.position(text, 3), Position { line: 2, column: 1 });
        // The end of the text, and past it.
        assert_eq!(index.position(text, 5), Position { line: 2, column: 3 });
        assert_eq!(index.position(text, 50), Position { line: 2, column: 3 });
    }

    #[test]
    fn line_index_with_trailing_newline_has_an_empty_last_line() {
        let text = "ab\n";
        let index = LineIndex::new(text);
        assert_eq!(index.len(), 2);
        assert_eq!(index.line(text, 2), Some(""));
        assert_eq!(index.position(text, 3), Position { line: 2, column: 1 });
    }

    #[test]
    fn line_index_with_crlf() {
        let text = "ab\r\ncd\r\n";
        let index = LineIndex::new(text);
        assert_eq!(index.len(), 3);
        assert_eq!(index.line(text, 1), Some("ab"));
        assert_eq!(index.line(text, 2), Some("cd"));
        assert_eq!(index.line(text, 3), Some(""));
        // Both bytes of the break sit just after the line's last char.
        assert_eq!(index.position(text, 2), Position { line: 1, column: 3 });
        assert_eq!(index.position(text, 3), Position { line: 1, column: 3 });
        assert_eq!(index.position(text, 4), Position { line: 2, column: 1 });
        assert_eq!(index.position(text, 5), Position { line: 2, column: 2 });
        assert_eq!(index.position(text, 8), Position { line: 3, column: 1 });
        // A lone carriage return is not a line break.
        let text = "a\rb";
        let index = LineIndex::new(text);
        assert_eq!(index.len(), 1);
        assert_eq!(index.line(text, 1), Some("a\rb"));
        assert_eq!(index.position(text, 2), Position { line: 1, column: 3 });
    }

    #[test]
    fn line_index_counts_scalar_values() {
        let text = "é🦀x";
        let index = LineIndex::new(text);
        let columns: Vec<usize> = (0..=text.len() + 1)
            .map(|offset| index.position(text, offset).column)
            .collect();
        // Offsets inside a multi-byte char map to that char.
        assert_eq!(columns, [1, 1, 2, 2, 2, 2, 3, 4, 4]);
    }

    #[test]
    fn long_lines_count_columns_from_checkpoints() {
        // Lines around the checkpoint interval, with multi-byte chars across checkpoints.
        let mut text = String::from("\u{feff}");
        for (n, len) in [
            0,
            1,
            CHECKPOINT_EVERY - 1,
            CHECKPOINT_EVERY,
            CHECKPOINT_EVERY + 1,
        ]
        .into_iter()
        .chain([3 * CHECKPOINT_EVERY + 5, 10_000])
        .enumerate()
        {
            let mut line = String::new();
            while line.len() < len {
                line.push(['a', 'é', '🦀', 'Қ'][(line.len() + n) % 4]);
            }
            text.push_str(&line);
            text.push_str(if n % 2 == 0 { "\n" } else { "\r\n" });
        }
        text.push_str(&"é🦀".repeat(CHECKPOINT_EVERY));
        let index = LineIndex::new(&text);
        assert!(!index.checkpoints.is_empty());
        let naive = |offset: usize| {
            let mut offset = offset.min(text.len());
            while !text.is_char_boundary(offset) {
                offset -= 1;
            }
            let start = text[..offset].rfind('\n').map_or(3, |i| i + 1);
            let line = text[..offset].matches('\n').count() + 1;
            let content = text[start..offset].trim_end_matches(['\r']);
            Position {
                line,
                column: content.chars().count() + 1,
            }
        };
        for offset in (3..=text.len() + 1).step_by(3).chain([text.len()]) {
            assert_eq!(
                index.position(&text, offset),
                naive(offset),
                "offset {offset}"
            );
        }
    }

    #[test]
    fn line_index_skips_the_byte_order_mark() {
        let text = "\u{feff}ab\ncd";
        let index = LineIndex::new(text);
        assert_eq!(index.line(text, 1), Some("ab"));
        assert_eq!(index.position(text, 0), Position { line: 1, column: 1 });
        assert_eq!(index.position(text, 3), Position { line: 1, column: 1 });
        assert_eq!(index.position(text, 4), Position { line: 1, column: 2 });
        assert_eq!(index.position(text, 6), Position { line: 2, column: 1 });
    }

    #[test]
    fn line_index_with_another_text_does_not_panic() {
        let index = LineIndex::new("a\nbb\nccc");
        assert_eq!(index.line("é", 2), None);
        assert_eq!(index.position("é", 1).line, 1);
    }

    fn json_string() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            r#"["\\/\[\]{}~:, \n\r\t\x00\x1féҚ🦀\u{2028}]{0,12}"#,
        ]
    }

    fn number() -> impl Strategy<Value = Value> {
        prop_oneof![
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            r"-?(0|[1-9][0-9]{0,30})(\.[0-9]{1,20})?([eE][+-]?[0-9]{1,4})?"
                .prop_map(|text| serde_json::from_str::<Value>(&text).unwrap()),
        ]
    }

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            number(),
            json_string().prop_map(Value::String),
        ];
        leaf.prop_recursive(5, 64, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec((json_string(), inner), 0..6)
                    .prop_map(|members| Value::Object(members.into_iter().collect())),
            ]
        })
    }

    /// Every pointer in `value`, with the member name it ends in, if any.
    fn pointers(value: &Value, pointer: &str, key: Option<&str>) -> Vec<(String, Option<String>)> {
        let mut all = vec![(pointer.to_owned(), key.map(str::to_owned))];
        match value {
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    all.extend(pointers(item, &format!("{pointer}/{index}"), None));
                }
            }
            Value::Object(members) => {
                for (name, member) in members {
                    let token = name.replace('~', "~0").replace('/', "~1");
                    all.extend(pointers(member, &format!("{pointer}/{token}"), Some(name)));
                }
            }
            _ => {}
        }
        all
    }

    proptest! {
        #[test]
        fn every_pointer_resolves_to_its_value(value in value()) {
            let compact = serde_json::to_string(&value).unwrap();
            let pretty = serde_json::to_string_pretty(&value).unwrap();
            let texts = [
                pretty.replace('\n', "\r\n"),
                format!("\u{feff}{pretty}"),
                format!("{compact}\n{{\"next\": ]garbage"),
                compact,
                pretty,
            ];
            for text in &texts {
                for (pointer, key) in pointers(&value, "", None) {
                    let found = locate(text, &pointer);
                    prop_assert!(found.is_some(), "{pointer:?} in {text:?}");
                    let found = found.unwrap();
                    prop_assert!(found.complete, "{pointer:?} in {text:?}");
                    let span = &text[found.value.start..found.value.end];
                    let parsed: Value = serde_json::from_str(span).unwrap();
                    prop_assert_eq!(Some(&parsed), value.pointer(&pointer));
                    match (key, found.key) {
                        (Some(name), Some(span)) => {
                            let parsed: String =
                                serde_json::from_str(&text[span.start..span.end]).unwrap();
                            prop_assert_eq!(parsed, name);
                        }
                        (None, None) => {}
                        (want, got) => prop_assert!(false, "key {want:?}, got {got:?}"),
                    }
                }
            }
        }

        #[test]
        fn positions_agree_with_counting_chars(text in r"(\u{feff})?[a é🦀\r\n]{0,40}") {
            let index = LineIndex::new(&text);
            let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
            let bom = text.len() - body.len();
            let mut expected = Vec::new();
            let (mut line, mut column) = (1, 1);
            for (at, c) in body.char_indices() {
                // Both bytes of "\r\n" sit just after the line's last char.
                let in_break = c == '\r' && body[at..].starts_with("\r\n");
                expected.push((bom + at, line, column));
                match c {
                    '\n' => (line, column) = (line + 1, 1),
                    _ if in_break => {}
                    _ => column += 1,
                }
            }
            expected.push((text.len(), line, column));
            prop_assert_eq!(index.len(), line);
            for (offset, line, column) in expected {
                prop_assert_eq!(index.position(&text, offset), Position { line, column });
                prop_assert!(index.line(&text, line).is_some());
            }
        }
    }
}
