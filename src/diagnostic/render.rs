//! One render contract for the five diagnostic formats: [`render`] writes a run's findings
//! as `human`, `json`, `github`, `sarif` or `junit` to a writer.
//!
//! The texts that excerpts are cut from come through [`Texts`], a lookup by the file name
//! the findings show, so a renderer never needs the dataset: the caller hands in whatever
//! holds the files (today the report's resident texts, an on-demand reader tomorrow).
//!
//! The people's ceiling, `max_diagnostics`, is applied in one place: the push-style
//! [`Sink`] of the human format counts every finding pushed into it, writes the first
//! [`Cap::max`] and closes with the line that says how many were not shown. `check`,
//! `export` and `convert` all print their findings for people through it. The machine
//! formats are complete whatever the ceiling says (SARIF says inside itself what GitHub
//! would drop).
//!
//! Nothing here reads files, decides exit codes or prints: everything goes to the writer.

use std::borrow::Cow;
use std::io::{self, Write};
use std::marker::PhantomData;

use annotate_snippets::{renderer::DecorStyle, Renderer};

use super::github::Root;
use super::junit::Case;
use super::{github, human, json, junit, sarif, Diagnostic, RuleMeta, Summary};
use crate::limits::Limits;

/// The five ways findings are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// rustc-style reports with the offending source line underlined ([`human`]).
    Human,
    /// One JSON object per line ([`json`]).
    Json,
    /// GitHub workflow commands ([`github`]).
    Github,
    /// One SARIF 2.1.0 log ([`sarif`]).
    Sarif,
    /// One JUnit XML document ([`junit`]).
    Junit,
}

/// Where a renderer finds the text of a file to excerpt, by the name findings show.
pub trait Texts {
    /// The whole text of `file`; `None` when it is not known (the finding is then placed
    /// by file, line and column without an excerpt).
    fn text(&self, file: &str) -> Option<Cow<'_, str>>;

    /// The part of `file` that holds byte `at` and the byte where that part starts: the
    /// whole text by default; a source that does not keep a large file's text gives the line
    /// alone (at most `max` bytes), read again, so an excerpt does not read the file back.
    fn around(&self, file: &str, at: usize, max: usize) -> Option<(Cow<'_, str>, usize)> {
        let _ = (at, max);
        self.text(file).map(|text| (text, 0))
    }
}

/// No text for any file: findings are placed without excerpts.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoTexts;

impl Texts for NoTexts {
    fn text(&self, _: &str) -> Option<Cow<'_, str>> {
        None
    }
}

/// [`Texts`] from a function that lends texts held elsewhere; made by [`texts_fn`].
pub struct TextsFn<'t, F> {
    lookup: F,
    // Ties `'t` to the value, so that a text lent for `'t` outlives a borrow of it.
    lent: PhantomData<&'t str>,
}

/// [`Texts`] from `lookup`, a function from a file's name to its text.
pub fn texts_fn<'t, F: Fn(&str) -> Option<&'t str>>(lookup: F) -> TextsFn<'t, F> {
    TextsFn {
        lookup,
        lent: PhantomData,
    }
}

impl<'t, F: Fn(&str) -> Option<&'t str>> Texts for TextsFn<'t, F> {
    fn text(&self, file: &str) -> Option<Cow<'_, str>> {
        (self.lookup)(file).map(Cow::Borrowed)
    }
}

/// The people's ceiling on findings shown (`max_diagnostics`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cap {
    /// Most findings shown; `0` shows all.
    pub max: usize,
    /// Whether the command has `--max-diagnostics` (`check`), which the closing line then
    /// names beside factkit.toml's `[limits]` `max_diagnostics`.
    pub flag: bool,
}

impl Cap {
    /// The line that says how many of `total` findings were not shown, if any were not.
    fn note(&self, total: usize) -> Option<String> {
        let limits = Limits {
            max_diagnostics: self.max,
            ..Limits::default()
        };
        if self.flag {
            limits.shown(total).1
        } else {
            limits.shown_by_config(total).1
        }
    }
}

/// What the formats need besides the findings; each reads the fields it uses.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    /// Human: colour the report.
    pub color: bool,
    /// Human: the people's ceiling; `None` shows every finding.
    pub cap: Option<Cap>,
    /// Human: the closing summary line, when given; GitHub: the counts of its closing
    /// notices and line (zero counts when not given).
    pub summary: Option<Summary>,
    /// GitHub and SARIF: what file names are made relative to.
    pub root: Root,
    /// SARIF: every rule of the run.
    pub rules: &'a [RuleMeta],
    /// SARIF: most results in the log ([`sarif::MAX_RESULTS`]).
    pub max_results: usize,
    /// JUnit: one test case per record.
    pub cases: &'a [Case],
    /// JUnit: warnings fail their case.
    pub deny_warnings: bool,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            color: false,
            cap: None,
            summary: None,
            root: Root::default(),
            rules: &[],
            max_results: sarif::MAX_RESULTS,
            cases: &[],
            deny_warnings: false,
        }
    }
}

/// Writes `diagnostics` in `format` to `out`, excerpts cut from `texts`.
pub fn render(
    format: Format,
    diagnostics: &[Diagnostic],
    texts: &dyn Texts,
    options: &Options<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => {
            let mut sink = Sink::new(&mut *out, options.color, options.cap);
            for d in diagnostics {
                sink.push(d, texts)?;
            }
            sink.finish()?;
            if let Some(summary) = &options.summary {
                writeln!(out, "{}", summary.line())?;
            }
            Ok(())
        }
        Format::Json => json::write(diagnostics, out),
        Format::Github => github::write(
            diagnostics,
            &options.summary.unwrap_or_default(),
            &options.root,
            out,
        ),
        Format::Sarif => {
            let sarif = sarif::Options {
                max_results: options.max_results,
                root: options.root.clone(),
            };
            sarif::write(diagnostics, options.rules, &sarif, out)
        }
        Format::Junit => junit::write(options.cases, diagnostics, options.deny_warnings, out),
    }
}

/// `render` into a string, for tests and for callers that need the whole text at once.
pub fn to_string(
    format: Format,
    diagnostics: &[Diagnostic],
    texts: &dyn Texts,
    options: &Options<'_>,
) -> String {
    let mut out = Vec::new();
    // Invariant: writing to a Vec cannot fail, and every renderer writes UTF-8.
    render(format, diagnostics, texts, options, &mut out).expect("writing to memory succeeds");
    String::from_utf8(out).expect("renderers write UTF-8")
}

/// The human format as a push-style sink: each finding pushed is written at once while the
/// [`Cap`] allows, and counted either way; [`Sink::finish`] writes the line that says how
/// many were not shown. The one place `max_diagnostics` is applied.
pub struct Sink<'w> {
    out: &'w mut dyn Write,
    renderer: Renderer,
    cap: Option<Cap>,
    pushed: usize,
}

impl<'w> Sink<'w> {
    /// A sink writing to `out`, coloured or not, held to `cap`.
    pub fn new(out: &'w mut dyn Write, color: bool, cap: Option<Cap>) -> Sink<'w> {
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        }
        .decor_style(DecorStyle::Ascii);
        Sink {
            out,
            renderer,
            cap,
            pushed: 0,
        }
    }

    /// Writes `d`, with its excerpts from `texts`, unless the ceiling has been reached.
    pub fn push(&mut self, d: &Diagnostic, texts: &dyn Texts) -> io::Result<()> {
        self.pushed += 1;
        if self.cap.is_some_and(|c| c.max != 0 && self.pushed > c.max) {
            return Ok(());
        }
        self.out
            .write_all(human::render_one(d, texts, &self.renderer).as_bytes())?;
        self.out.write_all(b"\n\n")
    }

    /// Findings pushed so far, shown or not.
    pub fn pushed(&self) -> usize {
        self.pushed
    }

    /// Writes the line that says how many findings were not shown, if any were not.
    pub fn finish(self) -> io::Result<()> {
        match self.cap.and_then(|c| c.note(self.pushed)) {
            Some(note) => writeln!(self.out, "{note}"),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;

    fn findings(n: usize) -> Vec<Diagnostic> {
        (0..n)
            .map(|i| Diagnostic::new("sum", Severity::Error, format!("finding {i}")))
            .collect()
    }

    /// The human format shows the first `max` findings and says how many it left out; the
    /// machine formats list every one whatever the ceiling.
    #[test]
    fn the_cap_is_for_people_only() {
        let all = findings(5);
        let options = Options {
            cap: Some(Cap { max: 2, flag: true }),
            ..Options::default()
        };
        let human = to_string(Format::Human, &all, &NoTexts, &options);
        assert_eq!(human.matches("error[sum]").count(), 2, "{human}");
        assert!(human.ends_with(
            "… and 3 more findings not shown; raise the limit with --max-diagnostics N (0 shows all) or `[limits]` `max_diagnostics` in factkit.toml\n"
        ), "{human}");
        let json = to_string(Format::Json, &all, &NoTexts, &options);
        assert_eq!(json.lines().count(), 5);
        let unlimited = Options {
            cap: Some(Cap {
                max: 0,
                flag: false,
            }),
            ..Options::default()
        };
        let human = to_string(Format::Human, &all, &NoTexts, &unlimited);
        assert_eq!(human.matches("error[sum]").count(), 5, "{human}");
        assert!(!human.contains("not shown"));
    }

    /// A sink pushed one finding at a time with a text of its own (as `convert` does) caps
    /// like [`render`] and counts what it was given.
    #[test]
    fn a_sink_counts_every_push() {
        let mut out = Vec::new();
        let mut sink = Sink::new(
            &mut out,
            false,
            Some(Cap {
                max: 1,
                flag: false,
            }),
        );
        for d in findings(3) {
            sink.push(&d, &texts_fn(|_| Some("text"))).unwrap();
        }
        assert_eq!(sink.pushed(), 3);
        sink.finish().unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.matches("error[sum]").count(), 1, "{text}");
        assert!(text.contains("2 more findings not shown; raise the limit with `[limits]`"));
    }
}
