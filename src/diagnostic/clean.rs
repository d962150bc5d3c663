//! One rule for data that reaches a terminal or a CI log: [`clean`].
//!
//! Every renderer that is not a data format (the human report, GitHub annotations and the
//! job-summary table, the CLI's lines on standard error) passes each piece of data it shows
//! (a value, a record id, a file name, a source line, an archived passage, a configuration
//! key) through [`clean`] before it writes it. JSON, SARIF and JUnit escape by their own
//! grammar and do not use it. This module only rewrites text; it never prints.
//!
//! What it rewrites, each into the visible, ASCII escape `\u{…}` (lower-case hexadecimal,
//! Rust's notation), so that nothing in a value can act on a terminal or a CI runner:
//!
//! - control characters (C0, DEL, C1): an escape sequence (`ESC ]0;…BEL`, `ESC [2J`) becomes
//!   plain text such as `\u{1b}]0;…\u{7}`. A line feed or carriage return becomes `\u{a}` or
//!   `\u{d}`, so a value never ends a line, and a line of output never *starts* with data:
//!   every line starts with the renderer's own words (`error[`, ` --> `, `  = note`). A tab
//!   is kept: it moves the cursor, nothing more, and the excerpts show it as spaces;
//! - the characters that reorder or break a line on display: the bidirectional controls
//!   (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and the line and paragraph
//!   separators (U+2028, U+2029);
//! - the second of two colons or of two number signs: `::` becomes `:\u{3a}` and `##`
//!   becomes `#\u{23}`. GitHub's runner takes a line that starts with `::` as a workflow
//!   command, and `##[` anywhere in a line as an old-style one (`##[add-mask]`); Azure
//!   Pipelines (`##vso[`) and TeamCity (`##teamcity[`) look for `##` anywhere too. Invisible
//!   characters between the two (a soft hyphen, a zero-width space: the Unicode
//!   default-ignorable and format characters, which a culture-aware comparison such as the
//!   runner's skips) do not separate them: `:` soft-hyphen `:` is rewritten as well. The
//!   marker is visible text without a colon or a number sign, so no comparison can read
//!   the pair back.
//!
//! Text without any of these comes back borrowed, unchanged.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::ops::Range;

/// `text` made inert for a terminal or a CI log (see the module documentation).
pub fn clean(text: &str) -> Cow<'_, str> {
    let (cleaned, []) = clean_marked(text, [], Mode::Code);
    cleaned
}

/// [`clean`] of a source line, with `span` (byte offsets into `line`, on character
/// boundaries) moved to the same characters of the cleaned line, for an underline.
///
/// Unlike [`clean`], each rewritten character becomes *one* visible character, so the
/// excerpt keeps its columns (counted in characters) and the ` --> file:line:column`
/// header stays the column of the file: a C0 control becomes its Control Picture (`␛`,
/// `␍`, `␀`), DEL `␡`, any other rewritten control `�`, and the second of `::` or `##`
/// becomes `꞉` (U+A789) or `＃` (U+FF03), which no runner reads as a colon or a number
/// sign. An excerpt line always starts with the renderer's gutter (`12 | `), never with data.
pub fn clean_span(line: &str, span: Range<usize>) -> (Cow<'_, str>, Range<usize>) {
    let (cleaned, [start, end]) = clean_marked(line, [span.start, span.end], Mode::Excerpt);
    (cleaned, start..end)
}

/// How a rewritten character is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// As its code point, `\u{1b}`: unambiguous, for messages.
    Code,
    /// As one visible character of the same width in columns, for source excerpts.
    Excerpt,
}

/// What `c` is written as in the excerpt mode.
fn picture(c: char) -> char {
    match c {
        '\0'..='\u{1f}' => char::from_u32(0x2400 + u32::from(c)).unwrap_or('\u{fffd}'),
        '\u{7f}' => '\u{2421}',
        ':' => '\u{a789}',
        '#' => '\u{ff03}',
        _ => '\u{fffd}',
    }
}

/// Cleans `text` and moves each byte offset of `marks` by the bytes the rewriting added
/// before it.
fn clean_marked<const N: usize>(
    text: &str,
    marks: [usize; N],
    mode: Mode,
) -> (Cow<'_, str>, [usize; N]) {
    let mut out: Option<String> = None;
    let mut moved = marks;
    // The last character written that a comparison would see (invisible ones skipped).
    let mut previous: Option<char> = None;
    for (at, c) in text.char_indices() {
        let rewrite = shown_as_code(c) || (matches!(c, ':' | '#') && previous == Some(c));
        if !rewrite {
            if !invisible(c) {
                previous = Some(c);
            }
            if let Some(out) = &mut out {
                out.push(c);
            }
            continue;
        }
        // The escape ends with `}`, which is neither `:` nor `#`.
        previous = Some('}');
        let out = out.get_or_insert_with(|| {
            let mut s = String::with_capacity(text.len() + 16);
            s.push_str(&text[..at]);
            s
        });
        let before = out.len();
        match mode {
            Mode::Code => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            Mode::Excerpt => out.push(picture(c)),
        }
        // A picture may be longer in bytes than the character it replaces, never shorter.
        let added = (out.len() - before).saturating_sub(c.len_utf8());
        for (m, &original) in moved.iter_mut().zip(&marks) {
            if at < original {
                *m += added;
            }
        }
    }
    (out.map_or(Cow::Borrowed(text), Cow::Owned), moved)
}

/// Characters always written as `\u{…}`: controls, bidirectional controls, line and
/// paragraph separators. A tab is kept.
fn shown_as_code(c: char) -> bool {
    match c {
        '\t' => false,
        c if c.is_control() => true,
        '\u{061c}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}'
        | '\u{2028}'
        | '\u{2029}' => true,
        _ => false,
    }
}

/// Invisible characters that a culture-aware comparison skips: Unicode's
/// default-ignorable code points and the other format characters.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}'
            | '\u{034f}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061c}'
            | '\u{06dd}'
            | '\u{070f}'
            | '\u{08e2}'
            | '\u{115f}'..='\u{1160}'
            | '\u{17b4}'..='\u{17b5}'
            | '\u{180b}'..='\u{180f}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{3164}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{feff}'
            | '\u{ffa0}'
            | '\u{fff0}'..='\u{fffb}'
            | '\u{110bd}'
            | '\u{110cd}'
            | '\u{13430}'..='\u{1343f}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0000}'..='\u{e0fff}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        let text = "`stat-1` implies 272.0 KZT per USD: see p. 4 # one\ttab";
        assert!(matches!(clean(text), Cow::Borrowed(t) if t == text));
    }

    #[test]
    fn controls_are_shown_as_code_points() {
        assert_eq!(
            clean("a\u{1b}]0;owned\u{7}\u{1b}[2Jb"),
            "a\\u{1b}]0;owned\\u{7}\\u{1b}[2Jb"
        );
        assert_eq!(
            clean("\0\r\n\u{7f}\u{9b}"),
            "\\u{0}\\u{d}\\u{a}\\u{7f}\\u{9b}"
        );
        assert_eq!(clean("x\u{202e}y\u{2028}z"), "x\\u{202e}y\\u{2028}z");
        assert_eq!(clean("a\tb"), "a\tb");
    }

    #[test]
    fn a_newline_never_starts_a_line_with_data() {
        let out = clean("x\n::notice file=README.md,line=1::x");
        assert_eq!(out.lines().count(), 1);
        assert_eq!(out, "x\\u{a}:\\u{3a}notice file=README.md,line=1:\\u{3a}x");
    }

    #[test]
    fn command_markers_are_broken() {
        assert_eq!(clean("##[add-mask]secret"), "#\\u{23}[add-mask]secret");
        assert_eq!(clean("###"), "#\\u{23}#");
        assert_eq!(clean(":::"), ":\\u{3a}:");
        assert_eq!(
            clean("##vso[task.setvariable]"),
            "#\\u{23}vso[task.setvariable]"
        );
        // Invisible characters between the pair do not hide it.
        assert_eq!(clean("#\u{ad}#[x]"), "#\u{ad}\\u{23}[x]");
        assert_eq!(clean(":\u{200b}\u{2060}:"), ":\u{200b}\u{2060}\\u{3a}");
        // A single one is text like any other.
        assert_eq!(clean("12:30, #1"), "12:30, #1");
        for hostile in ["::a::b", "x##[y", "#\u{ad}#[", ":\u{feff}:"] {
            let out = clean(hostile);
            let visible: String = out.chars().filter(|c| !invisible(*c)).collect();
            assert!(!visible.contains("::") && !visible.contains("##"), "{out}");
        }
    }

    #[test]
    fn spans_follow_the_rewriting_and_columns_stay() {
        let line = "a: \"\u{1b}[2J##x\", b: 1";
        let start = line.find("##").unwrap();
        let (out, span) = clean_span(line, start..start + 3);
        assert_eq!(out, "a: \"\u{241b}[2J#\u{ff03}x\", b: 1");
        assert_eq!(&out[span.clone()], "#\u{ff03}x");
        // The same number of characters before the span: the column is the file's.
        assert_eq!(
            out[..span.start].chars().count(),
            line[..start].chars().count()
        );
        let (out, span) = clean_span("plain", 1..3);
        assert_eq!((&out[span.clone()], span), ("la", 1..3));
        let (out, span) = clean_span("\u{7}\r\u{9b}::", 0..1);
        assert_eq!(out, "\u{2407}\u{240d}\u{fffd}:\u{a789}");
        assert_eq!(&out[span], "\u{2407}");
    }
}
