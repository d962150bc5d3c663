//! Markdown: the fact-check tables for editors, in GitHub-flavoured Markdown.
//!
//! Layout: a first paragraph with the check's summary, a second with the legend ([`LEGEND`]),
//! then "Could not be shown" when it has rows, then one section per
//! kind that has records (`## Entities`, `## Sources`, `## Statements`, `## Proposals`,
//! `## Statistics`, `## Exchange rates`, `## Reviews`, in that order), each a table with one
//! row per record in dataset order:
//!
//! | section | columns |
//! |---|---|
//! | Entities | ID, Type, Name, Role, Affiliation, Country, Check |
//! | Sources | ID, Source, Publisher, Published, Language, Check |
//! | Statements | ID, Speaker, Statement, Source, Said on, Check |
//! | Proposals | ID, Proposal, Proposer, Status, Supporters, Source, Proposed on, Check |
//! | Statistics | ID, Statistic, Value as stated, Period, Source, Attributed to, Check |
//! | Exchange rates | ID, Rate, Applies, Source, Check |
//! | Reviews | ID, Reviewed, Rating, Reviewer, Reviewed on, Explanation, Check |
//!
//! - **ID** is the record id in a code span (ids are `[a-z0-9._-]`, so nothing in them can
//!   break out of it). A reference to an entity shows the entity's name (its id when the
//!   record is missing). A **source** shows as a link `[title](url)` when its `url` is
//!   `http:` or `https:` (the URL percent-encoded where Markdown or a table would misread
//!   it), else as its plain title.
//! - A quote is shown in “typographic quotes”; a paraphrase is prefixed `Paraphrase:`.
//! - **Value as stated** is the figure exactly as written (`over 14 trillion KZT`), followed
//!   by each equivalent (`= 26.2 billion USD`), and for an equivalent in another currency the
//!   exchange rate the two figures imply (`implies 533.3 to 573.6 KZT per USD`: the interval
//!   `implied-rate` and `conversion` reason with, four significant digits).
//! - **Check** is the outcome of the check for that record, one line each (from
//!   [`super::verdict`]): every finding reported on it in full, `❌` for an error and `⚠️`
//!   for a warning, with the rule id, the message, its `` (`file:line`) `` and `; help: …`
//!   (`☑️` and `; accepted: <reason>` for a finding an `[[accept]]` entry of factkit.toml
//!   accepts: it does not make the record fail or count as failing);
//!   else `✅ passed`, unless something was not verified: `❔ not verified: …` and why (a
//!   quote or a statistic whose source has no archive, or whose archive could not be read).
//!   What was verified follows (`✅ quote found in source (line 7)`), then a short
//!   `ℹ️ named by `id` (rule)` for each finding reported on another record that names this
//!   one (its `related` places, e.g. the other side of an `implied-rate` conflict): the fault
//!   is on that record, so this one gets no ❌. The column is built from the diagnostics, so
//!   every rule, present or future, shows up in it.
//! - **Could not be shown** (a section before the kinds, only when there is something in
//!   it): one row per file or line that could not be parsed and per record that failed its
//!   schema (or has no valid `kind`), with columns Record or file, Place (`file:line`) and
//!   Finding (why, then its findings as in the Check column).
//! - With `--only failing` ([`Options::only_failing`]), a kind's table has only the records
//!   with errors or warnings reported on them, and a kind with none has no section; the
//!   summary, the legend and "Could not be shown" stay.
//!
//! Left out, as a review aid rather than a full dump (CSV and JSON have every field): `notes`,
//! `tags`, a source's `retrieved` and `archive`, a statement's `about` and `language`, a
//! proposal's `summary`, `venue` and `elements`, a statistic's `sum_of`, `ratio_of`,
//! `restates` and `change_of` (their checks still show), a review's `url` except as the link on its rating, an entity's
//! `same_as`.
//!
//! **Links.** Only an `http:` or `https:` URL (any case, nothing before the scheme) becomes a
//! link: a source's `url` on its title, a review's `url` on its rating. Any other URL
//! (`javascript:`, `data:`, `vbscript:`, one with a leading space), which the bundled schemas
//! refuse but a record read past them may hold, is shown as escaped text beside the title, or
//! not at all on a rating. No other text of the data can become a link (see below).
//!
//! **Escaping.** Every text from the data goes through [`escape`]: backslash first, then `|`
//! (so a cell never splits), then the inline punctuation `` ` * _ [ ] < > & ! ~ # $ @ `` each
//! with a backslash (no emphasis, link, code span, entity, math, mention or HTML can start:
//! `<script>` shows as text, `](javascript:…)` as text), and line breaks (CRLF, CR or LF) as
//! `<br>`. Whatever a cell holds, it renders as that one cell.
//!
//! **Streaming.** The document goes to the writer as it is made: the summary line first
//! (it needs only the counts of the [`Report`]), the legend, then each table one row at a
//! time in dataset order; no whole document is held. What is held besides the report is
//! what a row needs from other records: the records by id (a reference shows the entity's
//! name or the source's title) and the [`Verdicts`] (the Check column of a record gathers
//! findings reported anywhere in the run).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use super::verdict::{Verdict, Verdicts};
use super::{kinds, records, Options};
use crate::check::Report;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{
    Entity, EntityType, ExchangeRate, Kind, Proposal, ProposalStatus, Record, Review, Source,
    Statement, Statistic,
};

/// Escapes text for a GFM table cell (see the module docs).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("<br>");
            }
            '\n' => out.push_str("<br>"),
            '\\' | '|' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '!' | '~' | '#' | '$'
            | '@' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// A diagnostic message: its `quoted` parts (ids, values) become code spans where that is
/// safe (not empty, no `|`, no line break, no space at either end), the rest is escaped.
fn message(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    if parts.len() % 2 == 0 {
        return escape(text);
    }
    let mut out = String::with_capacity(text.len());
    for (i, part) in parts.iter().enumerate() {
        let safe_code = !part.is_empty()
            && !part.contains(['|', '\n', '\r'])
            && !part.starts_with(' ')
            && !part.ends_with(' ');
        if i % 2 == 0 {
            out.push_str(&escape(part));
        } else if safe_code {
            out.push('`');
            out.push_str(part);
            out.push('`');
        } else {
            out.push_str("\\`");
            out.push_str(&escape(part));
            out.push_str("\\`");
        }
    }
    out
}

/// A record id as a code span; anything that is not an id is escaped text instead.
fn code(id: &str) -> String {
    let is_id = id.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
    if is_id {
        format!("`{id}`")
    } else {
        escape(id)
    }
}

/// A link destination for an `http:`/`https:` URL, or `None` for any other scheme.
fn destination(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return None;
    }
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' => out.push(c),
            '-' | '.' | '_' | '~' | ':' | '/' | '?' | '#' | '@' | '!' | '$' | '\'' | '*' | '+'
            | ',' | ';' | '=' | '%' => out.push(c),
            // Legal in a URL but meaningful in a Markdown link: escaped, so the URL is unchanged.
            '&' | '(' | ')' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            // Not legal in a URL as such (space, `|`, `<`, `\`, non-ASCII, …): percent-encoded,
            // which is how a URL writes them anyway.
            _ => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    let _ = write!(out, "%{b:02X}");
                }
            }
        }
    }
    Some(out)
}

struct Tables<'r> {
    report: &'r Report,
    options: &'r Options,
    by_id: HashMap<&'r str, &'r Record>,
    verdicts: Verdicts<'r>,
}

/// `❌ rule: message (`file:line`); help: …`: a finding in full, on the record it is
/// reported on.
fn finding(d: &Diagnostic) -> String {
    let icon = match (d.severity, &d.accepted) {
        (_, Some(_)) => "☑️",
        (Severity::Error, None) => "❌",
        (Severity::Warning, None) => "⚠️",
    };
    let mut text = format!("{icon} {}: {}", escape(&d.rule), message(&d.message));
    if let Some(l) = &d.location {
        let _ = write!(text, " ({})", message(&format!("`{}:{}`", l.file, l.line)));
    }
    match &d.accepted {
        Some(reason) => {
            let _ = write!(text, "; accepted: {}", message(reason));
        }
        None => {
            if let Some(help) = &d.help {
                let _ = write!(text, "; help: {}", message(help));
            }
        }
    }
    text
}

/// The Check cell of a verdict (see the module docs).
fn check_cell(verdict: &Verdict<'_>) -> String {
    let mut lines: Vec<String> = verdict.findings.iter().map(|d| finding(d)).collect();
    if lines.is_empty() && verdict.not_verified.is_empty() {
        lines.push("✅ passed".into());
    }
    lines.extend(
        verdict
            .not_verified
            .iter()
            .map(|why| format!("❔ {}", message(why))),
    );
    lines.extend(
        verdict
            .verified
            .iter()
            .map(|v| format!("✅ {}", message(v))),
    );
    lines.extend(verdict.named_by.iter().map(|n| {
        let by = n.by.map_or_else(|| "another record".to_owned(), code);
        format!("ℹ️ named by {by} ({})", escape(&n.diagnostic.rule))
    }));
    lines.join("<br>")
}

/// The legend printed under the summary.
pub const LEGEND: &str = "✅ passed: no rule has a finding, and what could be compared with \
the source was · ❔ not verified: no finding, but a quote or figure was not compared with its \
source (it has no archive) · ⚠️ warning · ❌ error, with its place and help · ℹ️ named by: \
another record's finding names this one; the fault is on that record";

/// Added to the legend when a finding is accepted.
pub const LEGEND_ACCEPTED: &str =
    " · ☑️ accepted: a finding an `[[accept]]` entry of factkit.toml accepts, with its reason";

impl<'r> Tables<'r> {
    fn new(report: &'r Report, options: &'r Options) -> Tables<'r> {
        let mut by_id = HashMap::new();
        for entry in &report.dataset.entries {
            if let Some(record) = &entry.record {
                by_id.entry(record.id()).or_insert(record);
            }
        }
        Tables {
            report,
            options,
            by_id,
            verdicts: Verdicts::new(report, options),
        }
    }

    fn entity(&self, id: &str) -> String {
        match self.by_id.get(id) {
            Some(Record::Entity(e)) => escape(&e.name),
            _ => code(id),
        }
    }

    fn entities(&self, ids: &[String]) -> String {
        ids.iter()
            .map(|id| self.entity(id))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn source(&self, id: &str) -> String {
        match self.by_id.get(id) {
            Some(Record::Source(s)) => source_link(s),
            _ => code(id),
        }
    }

    /// Writes the document to `out` piece by piece: the summary and legend, "Could not be
    /// shown", then each kind's table one row at a time in dataset order.
    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "factkit {}.", self.report.summary.line())?;
        let accepted = match self.report.summary.accepted {
            0 => "",
            _ => LEGEND_ACCEPTED,
        };
        writeln!(out, "\n{LEGEND}{accepted}")?;
        if self.options.only_failing {
            writeln!(
                out,
                "\nOnly records with errors or warnings are shown (`--only failing`)."
            )?;
        }
        if !self.verdicts.unshown.is_empty() {
            out.write_all(b"\n## Could not be shown\n\n")?;
            row(out, UNSHOWN_HEADERS.iter().map(|h| (*h).to_owned()))?;
            row(out, UNSHOWN_HEADERS.iter().map(|_| "---".to_owned()))?;
            for u in &self.verdicts.unshown {
                let name = match (u.is_record, u.id) {
                    (true, Some(id)) => code(id),
                    (true, None) => "a record without an id".to_owned(),
                    (false, _) => escape(&u.file),
                };
                let place = match &u.location {
                    Some(l) => message(&format!("`{}:{}`", l.file, l.line)),
                    None => escape(&u.file),
                };
                let mut lines = vec![escape(&u.why)];
                lines.extend(u.findings.iter().map(|d| finding(d)));
                row(out, [name, place, lines.join("<br>")])?;
            }
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
            write!(out, "\n## {}\n\n", title(kind))?;
            let headers = headers(kind);
            row(out, headers.iter().map(|h| (*h).to_owned()))?;
            row(out, headers.iter().map(|_| "---".to_owned()))?;
            for (i, record) in shown() {
                let mut cells = self.cells(record);
                cells.push(check_cell(&self.verdicts.of(i)));
                row(out, cells)?;
            }
        }
        Ok(())
    }

    fn cells(&self, record: &Record) -> Vec<String> {
        let opt = |v: Option<&str>| v.map(escape).unwrap_or_default();
        match record {
            Record::Entity(r) => self.entity_cells(r),
            Record::Source(r) => vec![
                code(&r.id),
                source_link(r),
                opt(r.publisher.as_deref()),
                opt(r.published.as_ref().map(|d| d.as_str())),
                opt(r.language.as_deref()),
            ],
            Record::Statement(r) => self.statement_cells(r),
            Record::Proposal(r) => self.proposal_cells(r),
            Record::Statistic(r) => self.statistic_cells(r),
            Record::ExchangeRate(r) => self.rate_cells(r),
            Record::Review(r) => self.review_cells(r),
        }
    }

    fn entity_cells(&self, r: &Entity) -> Vec<String> {
        let kind = match r.entity_type {
            EntityType::Person => "person",
            EntityType::Organization => "organization",
        };
        vec![
            code(&r.id),
            kind.into(),
            escape(&r.name),
            r.role.as_deref().map(escape).unwrap_or_default(),
            r.affiliation
                .as_deref()
                .map(|a| self.entity(a))
                .unwrap_or_default(),
            r.country.as_deref().map(escape).unwrap_or_default(),
        ]
    }

    fn statement_cells(&self, r: &Statement) -> Vec<String> {
        let text = match (&r.quote, &r.paraphrase) {
            (Some(q), _) => format!("“{}”", escape(q)),
            (None, Some(p)) => format!("Paraphrase: {}", escape(p)),
            (None, None) => String::new(),
        };
        vec![
            code(&r.id),
            self.entity(&r.speaker),
            text,
            self.source(&r.source),
            r.said_on
                .as_ref()
                .map(|d| escape(d.as_str()))
                .unwrap_or_default(),
        ]
    }

    fn proposal_cells(&self, r: &Proposal) -> Vec<String> {
        let status = match r.status {
            ProposalStatus::Proposed => "proposed",
            ProposalStatus::UnderDiscussion => "under discussion",
            ProposalStatus::Adopted => "adopted",
            ProposalStatus::Rejected => "rejected",
            ProposalStatus::Withdrawn => "withdrawn",
        };
        vec![
            code(&r.id),
            escape(&r.title),
            self.entity(&r.proposer),
            status.into(),
            self.entities(&r.supporters),
            self.source(&r.source),
            r.proposed_on
                .as_ref()
                .map(|d| escape(d.as_str()))
                .unwrap_or_default(),
        ]
    }

    fn statistic_cells(&self, r: &Statistic) -> Vec<String> {
        let value = super::figure_with_equivalents(r, &self.options.about_tolerance, escape);
        vec![
            code(&r.id),
            escape(&r.label),
            value,
            r.period
                .as_ref()
                .map(|p| escape(p.as_str()))
                .unwrap_or_default(),
            self.source(&r.source),
            r.attributed_to
                .as_deref()
                .map(|a| self.entity(a))
                .unwrap_or_default(),
        ]
    }

    fn rate_cells(&self, r: &ExchangeRate) -> Vec<String> {
        let applies = match (&r.on, &r.period) {
            (Some(d), _) => escape(d.as_str()),
            (None, Some(p)) => escape(p.as_str()),
            (None, None) => String::new(),
        };
        vec![
            code(&r.id),
            escape(&format!("1 {} = {} {}", r.base, r.rate, r.quote)),
            applies,
            self.source(&r.source),
        ]
    }

    fn review_cells(&self, r: &Review) -> Vec<String> {
        let reviewed = match self.by_id.get(r.about.as_str()) {
            Some(Record::Statement(s)) => {
                let text = s.quote.as_deref().or(s.paraphrase.as_deref()).unwrap_or("");
                format!("{}: {}", code(&r.about), escape(text))
            }
            Some(Record::Proposal(p)) => format!("{}: {}", code(&r.about), escape(&p.title)),
            Some(Record::Statistic(s)) => format!(
                "{}: {}, {}",
                code(&r.about),
                escape(&s.label),
                escape(&s.value.to_string())
            ),
            _ => code(&r.about),
        };
        let words = r.rating.as_str().replace('_', " ");
        let rating = match r.url.as_deref().and_then(destination) {
            Some(url) => format!("[{}]({url})", escape(&words)),
            None => escape(&words),
        };
        vec![
            code(&r.id),
            reviewed,
            rating,
            self.entity(&r.reviewer),
            escape(r.reviewed_on.as_str()),
            escape(&r.explanation),
        ]
    }
}

fn source_link(s: &Source) -> String {
    match s.url.as_deref().map(|u| (u, destination(u))) {
        Some((_, Some(url))) => format!("[{}]({url})", escape(&s.title)),
        Some((raw, None)) => format!("{} ({})", escape(&s.title), escape(raw)),
        None => escape(&s.title),
    }
}

/// The columns of the "Could not be shown" table.
pub const UNSHOWN_HEADERS: [&str; 3] = ["Record or file", "Place", "Finding"];

/// The section title of a kind.
pub fn title(kind: Kind) -> &'static str {
    match kind {
        Kind::Entity => "Entities",
        Kind::Source => "Sources",
        Kind::Statement => "Statements",
        Kind::Proposal => "Proposals",
        Kind::Statistic => "Statistics",
        Kind::ExchangeRate => "Exchange rates",
        Kind::Review => "Reviews",
    }
}

/// The column headers of a kind's table, Check last.
pub fn headers(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Entity => &[
            "ID",
            "Type",
            "Name",
            "Role",
            "Affiliation",
            "Country",
            "Check",
        ],
        Kind::Source => &[
            "ID",
            "Source",
            "Publisher",
            "Published",
            "Language",
            "Check",
        ],
        Kind::Statement => &["ID", "Speaker", "Statement", "Source", "Said on", "Check"],
        Kind::Proposal => &[
            "ID",
            "Proposal",
            "Proposer",
            "Status",
            "Supporters",
            "Source",
            "Proposed on",
            "Check",
        ],
        Kind::Statistic => &[
            "ID",
            "Statistic",
            "Value as stated",
            "Period",
            "Source",
            "Attributed to",
            "Check",
        ],
        Kind::ExchangeRate => &["ID", "Rate", "Applies", "Source", "Check"],
        Kind::Review => &[
            "ID",
            "Reviewed",
            "Rating",
            "Reviewer",
            "Reviewed on",
            "Explanation",
            "Check",
        ],
    }
}

/// Writes one table row: `| a | b |` and a line break.
fn row(out: &mut dyn Write, cells: impl IntoIterator<Item = String>) -> io::Result<()> {
    out.write_all(b"|")?;
    for cell in cells {
        out.write_all(b" ")?;
        out.write_all(cell.as_bytes())?;
        out.write_all(b" |")?;
    }
    out.write_all(b"\n")
}

/// Writes the fact-check tables to `out`, row by row (see the module docs on streaming).
pub fn write(report: &Report, options: &Options, out: &mut dyn Write) -> io::Result<()> {
    Tables::new(report, options).write(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("a\\|b"), "a\\\\\\|b");
        assert_eq!(escape("<script>"), "\\<script\\>");
        assert_eq!(escape("x\r\ny\rz\nw"), "x<br>y<br>z<br>w");
        assert_eq!(escape("](javascript:alert(1))"), "\\](javascript:alert(1))");
        assert_eq!(escape("plain text, 26.2"), "plain text, 26.2");
    }

    #[test]
    fn messages_keep_safe_code_spans() {
        assert_eq!(
            message("source `src-1` has no `url`: it <b>"),
            "source `src-1` has no `url`: it \\<b\\>"
        );
        assert_eq!(message("`a|b` and `x\ny`"), "\\`a\\|b\\` and \\`x<br>y\\`");
        assert_eq!(message("odd ` count"), "odd \\` count");
        assert_eq!(message("`<script>`"), "`<script>`");
    }

    #[test]
    fn link_destinations() {
        assert_eq!(
            destination("https://x.example/a(b)?q=1&r=2").as_deref(),
            Some("https://x.example/a\\(b\\)?q=1\\&r=2")
        );
        assert_eq!(
            destination("https://x.example/a b|c").as_deref(),
            Some("https://x.example/a%20b%7Cc")
        );
        assert_eq!(
            destination("https://x.example/ü").as_deref(),
            Some("https://x.example/%C3%BC")
        );
        assert_eq!(destination("javascript:alert(1)"), None);
    }
}
