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
//! Built on annotate-snippets (the crate rustc's own diagnostics are made of), which counts
//! columns correctly on multi-byte lines. Only the lines of the span are handed to it, so a
//! report costs the length of the lines shown, not of the file.

use annotate_snippets::{renderer::DecorStyle, AnnotationKind, Group, Level, Renderer, Snippet};

use super::{Diagnostic, Location, Severity};

/// Renders diagnostics; `source` returns the text of a file by its displayed name.
pub fn render<'s>(
    diagnostics: &[Diagnostic],
    source: &dyn Fn(&str) -> Option<&'s str>,
    color: bool,
) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
    .decor_style(DecorStyle::Ascii);
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&render_one(d, source, &renderer));
        out.push_str("\n\n");
    }
    out
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
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
fn excerpt<'t>(text: &'t str, location: &Location) -> Option<(&'t str, std::ops::Range<usize>)> {
    let start = location.span.start.min(text.len());
    if !text.is_char_boundary(start) {
        return None;
    }
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = text[line_start..line_end].trim_end_matches('\r');
    if line.len() > MAX_EXCERPT_LINE {
        return None;
    }
    let mut end = location.span.end.min(line_start + line.len()).max(start);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Some((line, start - line_start..end - line_start))
}

fn render_one<'s>(
    d: &Diagnostic,
    source: &dyn Fn(&str) -> Option<&'s str>,
    renderer: &Renderer,
) -> String {
    let label = d.found.as_deref().map(|f| format!("found {f}"));
    let mut title = level(d.severity)
        .primary_title(d.message.as_str())
        .id(d.rule.as_str());
    let mut groups: Vec<Group<'_>> = Vec::new();
    let mut primary: Option<Group<'_>> = None;
    if let Some(location) = &d.location {
        let snippet = source(&location.file).and_then(|text| excerpt(text, location));
        match snippet {
            Some((line, span)) => {
                let mut annotation = AnnotationKind::Primary.span(span);
                if let Some(label) = &label {
                    annotation = annotation.label(label.clone());
                }
                primary = Some(
                    title.element(
                        Snippet::source(line)
                            .line_start(location.line)
                            .path(location.file.as_str())
                            .fold(false)
                            .annotation(annotation),
                    ),
                );
            }
            None => {
                title = title.id(d.rule.as_str());
                primary = Some(
                    title.element(
                        annotate_snippets::Origin::path(location.file.clone())
                            .line(location.line)
                            .char_column(location.column),
                    ),
                );
            }
        }
    }
    let mut group = match primary {
        Some(g) => g,
        None => Group::with_title(
            level(d.severity)
                .primary_title(d.message.as_str())
                .id(d.rule.as_str()),
        ),
    };
    if let Some(cell) = d.location.as_ref().and_then(|l| l.cell.as_ref()) {
        group = group.element(Level::NOTE.message(format!("in CSV: {cell}")));
    }
    if let Some(expected) = &d.expected {
        group = group.element(Level::NOTE.message(format!("expected: {expected}")));
    }
    if let (Some(found), None) = (&d.found, &d.location) {
        group = group.element(Level::NOTE.message(format!("found: {found}")));
    }
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(help.clone()));
    }
    groups.push(group);
    for related in &d.related {
        let mut g = Group::with_title(Level::NOTE.secondary_title(related.message.clone()));
        if let Some(location) = &related.location {
            match source(&location.file).and_then(|text| excerpt(text, location)) {
                Some((line, span)) => {
                    g = g.element(
                        Snippet::source(line)
                            .line_start(location.line)
                            .path(location.file.as_str())
                            .fold(false)
                            .annotation(AnnotationKind::Context.span(span)),
                    );
                }
                None => {
                    g = g.element(
                        annotate_snippets::Origin::path(location.file.clone())
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
