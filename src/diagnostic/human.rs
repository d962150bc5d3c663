//! The human format: rustc-style reports with the offending source line underlined.
//!
//! ```text
//! error[implied-rate]: `stat-investment` converts KZT to USD at 272.0 to 292.7 KZT per USD, …
//!   --> examples/broken/statistics.json:42:19
//!    |
//! 42 |         "amount": "6.2",
//!    |                   ^^^^^ implies [272.0, 292.7] KZT per USD
//!    |
//!    = expected: …
//!    = found: …
//! ```
//!
//! Written through [`super::render`]'s [`Sink`](super::render::Sink), which applies the
//! people's ceiling. Built on annotate-snippets (the crate rustc's own diagnostics are made of), which counts
//! columns correctly on multi-byte lines. Only the lines of the span are handed to it, so a
//! report costs the length of the lines shown, not of the file.
//!
//! A finding that an `[[accept]]` entry of factkit.toml accepts is titled
//! `accepted[rule]: …` and closes with `= accepted: <reason>` in place of its help.
//!
//! Every piece of data shown (the message, labels, notes, file names and the source lines
//! themselves) goes through [`clean`](super::clean()), so no line of the report starts with
//! data and no value reaches the terminal or a CI runner as a control sequence or a workflow
//! command. Colour, when on, is the only escape sequence in the output.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use super::clean::{clean, clean_span};
use super::render::Texts;
use super::{Diagnostic, Location, Severity};

/// The title's level: `error`, `warning`, or `accepted` (a note) for a finding an
/// `[[accept]]` entry accepts, whatever its severity.
fn level(d: &Diagnostic) -> Level<'static> {
    if d.is_accepted() {
        return Level::NOTE.with_name("accepted");
    }
    match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    }
}

/// The longest line shown as an excerpt, in bytes. The renderer walks the whole line, so a
/// finding on a 50 MB line (or on each record of a minified file) would cost seconds each;
/// past this, the finding names the file, line and column without the excerpt.
const MAX_EXCERPT_LINE: usize = 16 * 1024;

/// The lines of `text` that hold `location`'s first line, with the span re-based on them;
/// None when the line is longer than [`MAX_EXCERPT_LINE`].
fn excerpt<'t>(
    (text, offset): (&'t str, usize),
    location: &Location,
) -> Option<(&'t str, std::ops::Range<usize>)> {
    // `text` is the file's text from byte `offset` on: the whole text, or the finding's line.
    let start = location.span.start.checked_sub(offset)?.min(text.len());
    if !text.is_char_boundary(start) {
        return None;
    }
    // Look for the line's ends only as far as an excerpt may reach, so that each finding on a
    // long one-line file costs the ceiling, not the file (80,000 findings on a 4 MB line took
    // 38 s when each searched the whole text).
    let reach = MAX_EXCERPT_LINE + 2;
    let mut lo = start.saturating_sub(reach);
    while !text.is_char_boundary(lo) {
        lo += 1;
    }
    let line_start = match text[lo..start].rfind('\n') {
        Some(i) => lo + i + 1,
        None if lo == 0 => 0,
        None => return None,
    };
    let mut hi = (start + reach).min(text.len());
    while !text.is_char_boundary(hi) {
        hi -= 1;
    }
    let line_end = match text[start..hi].find('\n') {
        Some(i) => start + i,
        None if hi == text.len() => text.len(),
        None => return None,
    };
    let line = text[line_start..line_end].trim_end_matches('\r');
    if line.len() > MAX_EXCERPT_LINE {
        return None;
    }
    let mut end = (location.span.end - offset)
        .min(line_start + line.len())
        .max(start);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Some((line, start - line_start..end - line_start))
}

/// One finding as a report, without the blank line that follows it; excerpts are cut from
/// the texts `texts` lends.
pub(super) fn render_one(d: &Diagnostic, texts: &dyn Texts, renderer: &Renderer) -> String {
    // The texts excerpts are cut from, fetched before the groups that borrow them.
    let text = |l: &Option<Location>| {
        l.as_ref()
            .and_then(|l| texts.around(&l.file, l.span.start, MAX_EXCERPT_LINE))
    };
    let primary_text = text(&d.location);
    let related_texts: Vec<_> = d.related.iter().map(|r| text(&r.location)).collect();
    // Every piece of data goes through `clean` (see its module): the renderer's own words
    // start each line, and nothing in a value can act on a terminal or a CI runner.
    let message = clean(&d.message);
    let rule = clean(&d.rule);
    let label = d.found.as_deref().map(|f| format!("found {}", clean(f)));
    let mut title = level(d).primary_title(message.clone()).id(rule.clone());
    let mut groups: Vec<Group<'_>> = Vec::new();
    let mut primary: Option<Group<'_>> = None;
    if let Some(location) = &d.location {
        let file = clean(&location.file);
        let snippet = primary_text
            .as_ref()
            .and_then(|(text, offset)| excerpt((text, *offset), location));
        match snippet {
            Some((line, span)) => {
                let (line, span) = clean_span(line, span);
                let mut annotation = AnnotationKind::Primary.span(span);
                if let Some(label) = &label {
                    annotation = annotation.label(label.clone());
                }
                primary = Some(
                    title.element(
                        Snippet::source(line)
                            .line_start(location.line)
                            .path(file)
                            .fold(false)
                            .annotation(annotation),
                    ),
                );
            }
            None => {
                title = title.id(rule.clone());
                primary = Some(
                    title.element(
                        annotate_snippets::Origin::path(file)
                            .line(location.line)
                            .char_column(location.column),
                    ),
                );
            }
        }
    }
    let mut group = match primary {
        Some(g) => g,
        None => Group::with_title(level(d).primary_title(message).id(rule)),
    };
    if let Some(cell) = d.location.as_ref().and_then(|l| l.cell.as_ref()) {
        let cell = clean(&cell.to_string()).into_owned();
        group = group.element(Level::NOTE.message(format!("in CSV: {cell}")));
    }
    if let Some(expected) = &d.expected {
        group = group.element(Level::NOTE.message(format!("expected: {}", clean(expected))));
    }
    if let (Some(found), None) = (&d.found, &d.location) {
        group = group.element(Level::NOTE.message(format!("found: {}", clean(found))));
    }
    match &d.accepted {
        // Accepted: the reason, not the advice the entry's author has already weighed.
        Some(reason) => {
            group = group.element(Level::NOTE.with_name("accepted").message(clean(reason)));
        }
        None => {
            if let Some(help) = &d.help {
                group = group.element(Level::HELP.message(clean(help)));
            }
        }
    }
    groups.push(group);
    for (related, text) in d.related.iter().zip(&related_texts) {
        let mut g = Group::with_title(Level::NOTE.secondary_title(clean(&related.message)));
        if let Some(location) = &related.location {
            let file = clean(&location.file);
            match text
                .as_ref()
                .and_then(|(text, offset)| excerpt((text, *offset), location))
            {
                Some((line, span)) => {
                    let (line, span) = clean_span(line, span);
                    g = g.element(
                        Snippet::source(line)
                            .line_start(location.line)
                            .path(file)
                            .fold(false)
                            .annotation(AnnotationKind::Context.span(span)),
                    );
                }
                None => {
                    g = g.element(
                        annotate_snippets::Origin::path(file)
                            .line(location.line)
                            .char_column(location.column),
                    );
                }
            }
        }
        groups.push(g);
    }
    renderer.render(&groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAYLOAD: &str =
        "x\n::notice file=README.md,line=1::forged ##[add-mask]secret \u{1b}]0;owned\u{7}\u{1b}[2J";

    /// Drops the colour sequences (`ESC [ … m`) the styled renderer writes itself.
    fn without_colour(text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(at) = rest.find("\u{1b}[") {
            out.push_str(&rest[..at]);
            let tail = &rest[at + 2..];
            let end = tail
                .find(|c: char| !(c.is_ascii_digit() || c == ';'))
                .unwrap();
            assert_eq!(&tail[end..=end], "m", "not a colour: {tail:?}");
            rest = &tail[end + 1..];
        }
        out.push_str(rest);
        out
    }

    /// A hostile value in the message, the `found` label, the notes, a related passage, a
    /// file name and the excerpted source line comes out inert, coloured or not.
    #[test]
    fn data_is_inert() {
        let line = format!("name: \"{}\" ##[add-mask]x", PAYLOAD.replace('\n', " "));
        let text = format!("- kind: entity\n  {line}\n");
        let start = text.find("name").unwrap();
        let place = |file: &str| Location {
            file: file.into(),
            line: 2,
            column: 3,
            end_line: 2,
            end_column: 7,
            span: start..start + 4,
            cell: None,
        };
        let file = "a\n::error::b.yaml";
        let d = Diagnostic::new("schema", Severity::Error, format!("`{PAYLOAD}` is wrong"))
            .with_location(place(file))
            .found(PAYLOAD)
            .expected(PAYLOAD)
            .help(PAYLOAD)
            .related_at(PAYLOAD, place(file));
        let unplaced = Diagnostic::new("custom\n::x", Severity::Warning, PAYLOAD).found(PAYLOAD);
        let source =
            crate::diagnostic::render::texts_fn(|name| (name == file).then_some(text.as_str()));
        for color in [false, true] {
            let options = crate::diagnostic::render::Options {
                color,
                ..Default::default()
            };
            let raw = crate::diagnostic::render::to_string(
                crate::diagnostic::render::Format::Human,
                &[d.clone(), unplaced.clone()],
                &source,
                &options,
            );
            let out = without_colour(&raw);
            assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out}");
            assert!(!out.contains("##"), "{out}");
            for l in out.lines() {
                let l = l.trim_start();
                assert!(
                    !l.starts_with("::") && !l.starts_with("x"),
                    "{l:?} in\n{out}"
                );
            }
            assert!(out.contains("found x\\u{a}:\\u{3a}notice"), "{out}");
            assert!(
                out.contains("secret \\u{1b}]0;owned\\u{7}\\u{1b}[2J"),
                "{out}"
            );
            // The underline is still under `name` in the cleaned excerpt.
            let excerpt = out.lines().find(|l| l.starts_with("2 |")).unwrap();
            let caret = out.lines().find(|l| l.contains("^^^^")).unwrap();
            assert_eq!(excerpt.find("name"), caret.find('^'), "{out}");
        }
    }
}
