//! HTML: the fact-check tables as one self-contained web page for editors.
//!
//! The page needs nothing but itself: no network, no external script, font, style or image
//! (a `Content-Security-Policy` of `default-src 'none'` says so to the browser as well), and it
//! works opened from disk. Layout:
//!
//! - a heading, the check's summary (`checked 6 files, 32 records: 17 errors, 4 warnings`) and
//!   the counts of rows by outcome, each in an element with an id (`count-failed`,
//!   `count-warning`, `count-not-verified`, `count-passed`, `count-unshown`, and `shown`, the
//!   rows the current filter shows);
//! - the legend: every outcome has a mark and a word (`❌ failed`, `⚠️ warning`,
//!   `❔ not verified`, `✅ passed`, `ℹ️ named by`), so the page reads without its colours;
//! - the filters **all**, **failing** (errors or warnings) and **not verified**: links to the
//!   fragments `#only=all`, `#only=failing` and `#only=not-verified`. A small inline script
//!   (the page's only one) reads the fragment on load and on every change, and sets `hidden` on
//!   the rows the filter leaves out, so a filtered view is a URL that can be bookmarked;
//! - "Could not be shown" (records that failed their schema, files that could not be parsed:
//!   their place and findings), when there are any;
//! - a table per kind with the same columns as the Markdown export (see [`super::markdown`]),
//!   plus, for statements, **In the archive**: the passage the quote was found in, or for a
//!   near miss the closest passage with the differing words in `<mark>` (in the quote too).
//!   Each row is `<tr data-id="…" data-status="failed|warning|not-verified|passed">`.
//!
//! The Check column is the Markdown one (from [`super::verdict`]): each finding in full on the
//! record it is reported on, with its `file:line` and help (or, accepted in factkit.toml,
//! `☑️ accepted` and the reason, in `<li class="accepted">`); a record merely named by another's
//! finding gets a "named by" note; a quote or figure that was not compared with its source
//! says "not verified" and why.
//!
//! **Escaping.** Every text from the data goes through [`escape`] (`&`, `<`, `>`, `"`, `'`),
//! in element content and attribute values alike, so no markup, script or event handler can
//! come from the data. Only `http:` and `https:` URLs become links (`href`, escaped); any
//! other URL (`javascript:`, `data:`, `mailto:`) is shown as text. The policy above, which
//! allows only the page's own script by its nonce and forbids inline event handlers, is a
//! second line of defence, not the first.
//!
//! **Streaming.** The page goes to the writer as it is made, each table one row at a time in
//! dataset order; no whole page is held. The counts above the tables come first, so they are
//! counted from the [`Verdicts`] before any row is written (a pass over the records that
//! keeps only the counts); the verdicts themselves, and the records by id that a row's
//! references are shown from, are all that is held besides the report.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::io::{self, Write};

use super::verdict::{QuoteView, Status, Verdict, Verdicts};
use super::{kinds, markdown, records, Options};
use crate::archive::{Change, Passage, QuoteOutcome};
use crate::check::Report;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{EntityType, Kind, ProposalStatus, Record, Source, Statement, Statistic};

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Escaped text with line breaks as `<br>`.
fn text(value: &str) -> String {
    escape(&value.replace("\r\n", "\n").replace('\r', "\n")).replace('\n', "<br>")
}

/// A diagnostic message: its `quoted` parts as `<code>`, everything escaped.
fn message(value: &str) -> String {
    let parts: Vec<&str> = value.split('`').collect();
    if parts.len() % 2 == 0 {
        return text(value);
    }
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i % 2 == 0 {
            out.push_str(&text(part));
        } else {
            let _ = write!(out, "<code>{}</code>", text(part));
        }
    }
    out
}

/// A link to an `http:`/`https:` URL, or `None` for any other scheme.
fn link(url: &str, label: &str) -> Option<String> {
    let lower = url.trim_start().to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return None;
    }
    Some(format!(
        "<a href=\"{}\" rel=\"noopener noreferrer\">{}</a>",
        escape(url.trim_start()),
        text(label)
    ))
}

const NONCE: &str = "factkit-report";

const STYLE: &str = r#"
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1.5rem;color:#1b1f24;background:#fff}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;width:100%}
th,td{border:1px solid #c8ccd1;padding:.3rem .45rem;vertical-align:top;text-align:left}
th{background:#f1f3f5}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.92em}
ul.check{margin:0;padding-left:1.1rem}
.failed{background:#fde2e1}.warning{background:#fff3cd}.not-verified{background:#eceff3}.passed{background:#e4f5e6}
li.failed,li.warning,li.not-verified,li.passed,li.named{background:none}
li.failed{color:#8a1c12}li.warning{color:#7a5300}li.not-verified{color:#3d4a5c}li.passed{color:#1d6b2c}li.named{color:#4b5563}
.place,.help{display:block;color:#4b5563;font-size:.9em}
mark{background:#ffd54f;color:#000;font-weight:600}
blockquote{margin:0;padding-left:.5rem;border-left:3px solid #c8ccd1}
nav a{margin-right:.8rem}nav a[aria-current]{font-weight:700;text-decoration:none}
tr[hidden]{display:none}
"#;

const SCRIPT: &str = r#"
(function () {
  function apply() {
    var m = /^#only=(failing|not-verified)$/.exec(location.hash);
    var which = m ? m[1] : "all";
    document.body.setAttribute("data-filter", which);
    var rows = document.querySelectorAll("tr[data-status]");
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var s = rows[i].getAttribute("data-status");
      var keep = which === "all" ||
        (which === "failing" && (s === "failed" || s === "warning")) ||
        (which === "not-verified" && s === "not-verified");
      if (keep) { rows[i].removeAttribute("hidden"); shown++; }
      else { rows[i].setAttribute("hidden", ""); }
    }
    document.getElementById("shown").textContent = String(shown);
    var links = document.querySelectorAll("nav a[data-filter]");
    for (var j = 0; j < links.length; j++) {
      if (links[j].getAttribute("data-filter") === which) links[j].setAttribute("aria-current", "true");
      else links[j].removeAttribute("aria-current");
    }
  }
  window.addEventListener("hashchange", apply);
  apply();
})();
"#;

/// The class of a status: `failed`, `warning`, `not-verified`, `passed`.
fn class(status: Status) -> &'static str {
    match status {
        Status::Failed => "failed",
        Status::Warning => "warning",
        Status::NotVerified => "not-verified",
        Status::Passed => "passed",
    }
}

/// The column headers of a kind's table, Check last.
pub fn headers(kind: Kind) -> Vec<&'static str> {
    let mut h = markdown::headers(kind).to_vec();
    if kind == Kind::Statement {
        h.insert(h.len() - 1, "In the archive");
    }
    h
}

fn finding(d: &Diagnostic) -> String {
    let (cls, mark, name) = match (d.severity, &d.accepted) {
        (_, Some(_)) => ("accepted", "☑️", "accepted"),
        (Severity::Error, None) => ("failed", "❌", "error"),
        (Severity::Warning, None) => ("warning", "⚠️", "warning"),
    };
    let mut out = format!(
        "<li class=\"{cls}\">{mark} <b>{name}</b> <code>{}</code>: {}",
        escape(&d.rule),
        message(&d.message)
    );
    if let Some(l) = &d.location {
        let _ = write!(
            out,
            "<span class=\"place\">at <code>{}:{}</code></span>",
            text(&l.file),
            l.line
        );
    }
    match &d.accepted {
        Some(reason) => {
            let _ = write!(
                out,
                "<span class=\"help\">accepted: {}</span>",
                message(reason)
            );
        }
        None => {
            if let Some(help) = &d.help {
                let _ = write!(out, "<span class=\"help\">help: {}</span>", message(help));
            }
        }
    }
    out.push_str("</li>");
    out
}

fn check_cell(v: &Verdict<'_>) -> String {
    let mut out = String::from("<ul class=\"check\">");
    for d in &v.findings {
        out.push_str(&finding(d));
    }
    if v.findings.is_empty() && v.not_verified.is_empty() {
        out.push_str("<li class=\"passed\">✅ <b>passed</b></li>");
    }
    for why in &v.not_verified {
        let why = why.strip_prefix("not verified: ").unwrap_or(why);
        let _ = write!(
            out,
            "<li class=\"not-verified\">❔ <b>not verified</b>: {}</li>",
            message(why)
        );
    }
    for what in &v.verified {
        let _ = write!(out, "<li class=\"passed\">✅ {}</li>", message(what));
    }
    for n in &v.named_by {
        let by = n.by.map_or_else(
            || "another record".to_owned(),
            |id| format!("<code>{}</code>", escape(id)),
        );
        let _ = write!(
            out,
            "<li class=\"named\">ℹ️ named by {by} (<code>{}</code>)</li>",
            escape(&n.diagnostic.rule)
        );
    }
    out.push_str("</ul>");
    out
}

/// Lower-case letters and digits of a word, for comparing a passage's words with a change's.
fn word_key(word: &str) -> String {
    word.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// `text` with the words whose key is in `marked` inside `<mark>`.
fn highlight(value: &str, marked: &HashSet<String>) -> String {
    let mut out = String::new();
    for (i, word) in value.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let key = word_key(word);
        if !key.is_empty() && marked.contains(&key) {
            let _ = write!(out, "<mark>{}</mark>", text(word));
        } else {
            out.push_str(&text(word));
        }
    }
    out
}

fn keys(changes: &[Change], quote_side: bool) -> HashSet<String> {
    changes
        .iter()
        .flat_map(|c| if quote_side { &c.quote } else { &c.source })
        .flat_map(|w| w.split(' '))
        .map(word_key)
        .filter(|k| !k.is_empty())
        .collect()
}

fn passage(p: &Passage, marked: &HashSet<String>, what: &str) -> String {
    format!(
        "<blockquote>{}</blockquote><span class=\"place\">{what}, line {} of the archive</span>",
        highlight(&p.text, marked),
        p.line()
    )
}

fn archive_cell(view: Option<&QuoteView>) -> String {
    let Some(view) = view else {
        return String::new();
    };
    let none = HashSet::new();
    let body = match &view.outcome {
        QuoteOutcome::Found(p) => passage(p, &none, "found"),
        QuoteOutcome::NearMiss {
            passage: p,
            changes,
            ..
        } => passage(
            p,
            &keys(changes, false),
            "closest passage; differing words marked",
        ),
        QuoteOutcome::NotSimilar {
            closest: Some(p), ..
        } => passage(p, &none, "not found; most similar passage"),
        QuoteOutcome::NotSimilar { closest: None, .. } => {
            "none of its words occur in the archive".to_owned()
        }
        QuoteOutcome::OutOfOrder { found, .. } => passage(found, &none, "found out of order"),
        QuoteOutcome::NoWords => "no words to look for".to_owned(),
    };
    format!(
        "{body}<span class=\"place\"><code>{}</code></span>",
        text(&view.archive)
    )
}

struct Page<'r> {
    report: &'r Report,
    options: &'r Options,
    by_id: HashMap<&'r str, &'r Record>,
    verdicts: Verdicts<'r>,
}

impl<'r> Page<'r> {
    fn entity(&self, id: &str) -> String {
        match self.by_id.get(id) {
            Some(Record::Entity(e)) => text(&e.name),
            _ => format!("<code>{}</code>", escape(id)),
        }
    }

    fn source(&self, id: &str) -> String {
        match self.by_id.get(id) {
            Some(Record::Source(s)) => source_link(s),
            _ => format!("<code>{}</code>", escape(id)),
        }
    }

    /// Writes the page to `out` piece by piece: the head and the counts (from the verdicts,
    /// before any row), "Could not be shown", then each kind's table one row at a time.
    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut counts: HashMap<Status, usize> = HashMap::new();
        let mut rows = 0;
        for (i, _) in records(self.report, self.options) {
            let v = self.verdicts.of(i);
            if self.options.only_failing && !v.is_failing() {
                continue;
            }
            *counts.entry(v.status()).or_default() += 1;
            rows += 1;
        }
        let count = |s: Status| counts.get(&s).copied().unwrap_or(0);
        write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-{NONCE}'; base-uri 'none'; form-action 'none'\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>factkit fact-check report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
             <h1>Fact-check report</h1>\n"
        )?;
        writeln!(
            out,
            "<p class=\"summary\">factkit {}.</p>",
            escape(&self.report.summary.line())
        )?;
        writeln!(
            out,
            "<p class=\"counts\">Rows: <span id=\"count-failed\" class=\"failed\">{}</span> ❌ failed · \
             <span id=\"count-warning\" class=\"warning\">{}</span> ⚠️ warning · \
             <span id=\"count-not-verified\" class=\"not-verified\">{}</span> ❔ not verified · \
             <span id=\"count-passed\" class=\"passed\">{}</span> ✅ passed · \
             <span id=\"count-unshown\">{}</span> could not be shown · \
             showing <span id=\"shown\">{rows}</span> of {rows}</p>",
            count(Status::Failed),
            count(Status::Warning),
            count(Status::NotVerified),
            count(Status::Passed),
            self.verdicts.unshown.len(),
        )?;
        out.write_all(
            "<p class=\"legend\">✅ <b>passed</b>: no rule has a finding, and what could be compared \
             with the source was · ❔ <b>not verified</b>: no finding, but a quote or figure was \
             not compared with its source (it has no archive) · ⚠️ <b>warning</b> · ❌ <b>error</b>, \
             with its place and help · ℹ️ <b>named by</b>: another record's finding names this \
             one; the fault is on that record".as_bytes())?;
        if self.report.summary.accepted > 0 {
            out.write_all(
                " · ☑️ <b>accepted</b>: a finding an <code>[[accept]]</code> entry of factkit.toml \
                 accepts, with its reason".as_bytes())?;
        }
        out.write_all("</p>\n".as_bytes())?;
        if self.options.only_failing {
            out.write_all(
                "<p>Only records with errors or warnings are shown (<code>--only failing</code>).</p>\n".as_bytes())?;
        }
        out.write_all(
            "<nav>Show: <a href=\"#only=all\" data-filter=\"all\">all</a>\
             <a href=\"#only=failing\" data-filter=\"failing\">failing</a>\
             <a href=\"#only=not-verified\" data-filter=\"not-verified\">not verified</a></nav>\n"
                .as_bytes(),
        )?;
        if !self.verdicts.unshown.is_empty() {
            out.write_all(
                "<section id=\"unshown\">\n<h2>Could not be shown</h2>\n<table>\n<thead><tr>"
                    .as_bytes(),
            )?;
            for h in markdown::UNSHOWN_HEADERS {
                write!(out, "<th>{h}</th>")?;
            }
            out.write_all("</tr></thead>\n<tbody>\n".as_bytes())?;
            for u in &self.verdicts.unshown {
                let name = match (u.is_record, u.id) {
                    (true, Some(id)) => format!("<code>{}</code>", escape(id)),
                    (true, None) => "a record without an id".to_owned(),
                    (false, _) => text(&u.file),
                };
                let place = match &u.location {
                    Some(l) => format!("<code>{}:{}</code>", text(&l.file), l.line),
                    None => text(&u.file),
                };
                let mut finding_list = format!("<ul class=\"check\"><li>{}</li>", text(&u.why));
                for d in &u.findings {
                    finding_list.push_str(&finding(d));
                }
                finding_list.push_str("</ul>");
                writeln!(
                    out,
                    "<tr class=\"failed\"><td>{name}</td><td>{place}</td><td>{finding_list}</td></tr>"
                )?;
            }
            out.write_all("</tbody>\n</table>\n</section>\n".as_bytes())?;
        }
        for kind in kinds(self.report, self.options) {
            let shown = || {
                records(self.report, self.options).filter(move |(i, r)| {
                    r.kind() == kind
                        && (!self.options.only_failing || self.verdicts.of(*i).is_failing())
                })
            };
            if shown().next().is_none() {
                continue;
            }
            write!(
                out,
                "<section>\n<h2>{}</h2>\n<table>\n<thead><tr>",
                markdown::title(kind)
            )?;
            for h in headers(kind) {
                write!(out, "<th>{h}</th>")?;
            }
            out.write_all("</tr></thead>\n<tbody>\n".as_bytes())?;
            for (i, record) in shown() {
                let v = self.verdicts.of(i);
                let status = v.status();
                let mut cells = self.cells(record, &v);
                cells.push(check_cell(&v));
                write!(
                    out,
                    "<tr data-id=\"{}\" data-status=\"{}\" class=\"{}\">",
                    escape(record.id()),
                    class(status),
                    class(status)
                )?;
                for c in cells {
                    write!(out, "<td>{c}</td>")?;
                }
                out.write_all("</tr>\n".as_bytes())?;
            }
            out.write_all("</tbody>\n</table>\n</section>\n".as_bytes())?;
        }
        write!(
            out,
            "<script nonce=\"{NONCE}\">{SCRIPT}</script>\n</body>\n</html>\n"
        )?;
        Ok(())
    }

    fn cells(&self, record: &Record, v: &Verdict<'_>) -> Vec<String> {
        let id = |id: &str| format!("<code>{}</code>", escape(id));
        let opt = |s: Option<&str>| s.map(text).unwrap_or_default();
        match record {
            Record::Entity(r) => vec![
                id(&r.id),
                match r.entity_type {
                    EntityType::Person => "person",
                    EntityType::Organization => "organization",
                }
                .into(),
                text(&r.name),
                opt(r.role.as_deref()),
                r.affiliation
                    .as_deref()
                    .map(|a| self.entity(a))
                    .unwrap_or_default(),
                opt(r.country.as_deref()),
            ],
            Record::Source(r) => vec![
                id(&r.id),
                source_link(r),
                opt(r.publisher.as_deref()),
                opt(r.published.as_ref().map(|d| d.as_str())),
                opt(r.language.as_deref()),
            ],
            Record::Statement(r) => self.statement_cells(r, v),
            Record::Proposal(r) => vec![
                id(&r.id),
                text(&r.title),
                self.entity(&r.proposer),
                match r.status {
                    ProposalStatus::Proposed => "proposed",
                    ProposalStatus::UnderDiscussion => "under discussion",
                    ProposalStatus::Adopted => "adopted",
                    ProposalStatus::Rejected => "rejected",
                    ProposalStatus::Withdrawn => "withdrawn",
                }
                .into(),
                r.supporters
                    .iter()
                    .map(|s| self.entity(s))
                    .collect::<Vec<_>>()
                    .join(", "),
                self.source(&r.source),
                opt(r.proposed_on.as_ref().map(|d| d.as_str())),
            ],
            Record::Statistic(r) => self.statistic_cells(r),
            Record::ExchangeRate(r) => vec![
                id(&r.id),
                text(&format!("1 {} = {} {}", r.base, r.rate, r.quote)),
                match (&r.on, &r.period) {
                    (Some(d), _) => text(d.as_str()),
                    (None, Some(p)) => text(p.as_str()),
                    (None, None) => String::new(),
                },
                self.source(&r.source),
            ],
            Record::Review(r) => {
                let reviewed = match self.by_id.get(r.about.as_str()) {
                    Some(Record::Statement(s)) => format!(
                        "{}: {}",
                        id(&r.about),
                        text(s.quote.as_deref().or(s.paraphrase.as_deref()).unwrap_or(""))
                    ),
                    Some(Record::Proposal(p)) => format!("{}: {}", id(&r.about), text(&p.title)),
                    Some(Record::Statistic(s)) => format!(
                        "{}: {}, {}",
                        id(&r.about),
                        text(&s.label),
                        text(&s.value.to_string())
                    ),
                    _ => id(&r.about),
                };
                let words = r.rating.as_str().replace('_', " ");
                let rating = r
                    .url
                    .as_deref()
                    .and_then(|u| link(u, &words))
                    .unwrap_or_else(|| text(&words));
                vec![
                    id(&r.id),
                    reviewed,
                    rating,
                    self.entity(&r.reviewer),
                    text(r.reviewed_on.as_str()),
                    text(&r.explanation),
                ]
            }
        }
    }

    fn statement_cells(&self, r: &Statement, v: &Verdict<'_>) -> Vec<String> {
        let quote_marks = match v.quote.as_ref().map(|q| &q.outcome) {
            Some(QuoteOutcome::NearMiss { changes, .. }) => keys(changes, true),
            _ => HashSet::new(),
        };
        let said = match (&r.quote, &r.paraphrase) {
            (Some(q), _) => format!("“{}”", highlight(q, &quote_marks)),
            (None, Some(p)) => format!("Paraphrase: {}", text(p)),
            (None, None) => String::new(),
        };
        vec![
            format!("<code>{}</code>", escape(&r.id)),
            self.entity(&r.speaker),
            said,
            self.source(&r.source),
            r.said_on
                .as_ref()
                .map(|d| text(d.as_str()))
                .unwrap_or_default(),
            archive_cell(v.quote.as_ref()),
        ]
    }

    fn statistic_cells(&self, r: &Statistic) -> Vec<String> {
        let value = super::figure_with_equivalents(r, &self.options.about_tolerance, text);
        vec![
            format!("<code>{}</code>", escape(&r.id)),
            text(&r.label),
            value,
            r.period
                .as_ref()
                .map(|p| text(p.as_str()))
                .unwrap_or_default(),
            self.source(&r.source),
            r.attributed_to
                .as_deref()
                .map(|a| self.entity(a))
                .unwrap_or_default(),
        ]
    }
}

fn source_link(s: &Source) -> String {
    match s.url.as_deref() {
        Some(url) => {
            link(url, &s.title).unwrap_or_else(|| format!("{} ({})", text(&s.title), text(url)))
        }
        None => text(&s.title),
    }
}

/// Writes the page.
pub fn write(report: &Report, options: &Options, out: &mut dyn Write) -> io::Result<()> {
    let mut by_id = HashMap::new();
    for entry in &report.dataset.entries {
        if let Some(record) = &entry.record {
            by_id.entry(record.id()).or_insert(record);
        }
    }
    let page = Page {
        report,
        options,
        by_id,
        verdicts: Verdicts::new(report, options),
    };
    page.write(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_links() {
        assert_eq!(
            escape("<img src=x onerror='a'> & \"q\""),
            "&lt;img src=x onerror=&#39;a&#39;&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(link("javascript:alert(1)", "x"), None);
        assert_eq!(link(" JavaScript:alert(1)", "x"), None);
        assert_eq!(
            link("https://x.example/?a=1&b=\"2\"", "<b>").as_deref(),
            Some("<a href=\"https://x.example/?a=1&amp;b=&quot;2&quot;\" rel=\"noopener noreferrer\">&lt;b&gt;</a>")
        );
        assert_eq!(message("a `<x>` b"), "a <code>&lt;x&gt;</code> b");
    }

    #[test]
    fn near_miss_words_are_marked() {
        let marked: HashSet<String> = ["planned".to_owned()].into();
        assert_eq!(
            highlight("faster than we planned, for", &marked),
            "faster than we <mark>planned,</mark> for"
        );
    }
}
