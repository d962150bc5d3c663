//! The JUnit XML format, for CI systems that show test reports (GitLab, Jenkins, Azure).
//!
//! Wire format: one `<testsuites>` holding one `<testsuite name="factkit">`; one
//! `<testcase>` per record (per instance in the generic mode), named by the record's id (or
//! `FILE:LINE` when it has none) with the file as its `classname` (no `file` or `line`
//! attributes: Jenkins xUnit's `junit-10.xsd` rejects them; each finding's file, line and
//! column are in the failure body); plus one test case per file for findings that belong to no
//! record (syntax errors), named by the file, and one named `factkit` for findings with no
//! place at all. A case with errors has one `<failure>` whose `type` lists the rule ids and
//! whose `message` is the first finding's; its body lists every finding, one block each:
//!
//! ```text
//! error[sum] examples/broken/statistics.json:12:19: the parts of `total` add up to …
//!   expected: 9.25 to 9.35 billion USD
//!   found: 10.4 billion USD, i.e. 10.35 to 10.45 billion USD
//!   help: …
//!   note: part `oil`: `4.1 billion USD` (examples/broken/statistics.json:20:19)
//! ```
//!
//! Every finding is listed whatever `max_diagnostics` says (that ceiling is for people), so
//! `failures` counts every record with errors.
//!
//! Warnings do not fail a case (the run exits 0 on them) unless `--deny-warnings` is given;
//! otherwise they are listed in the case's `<system-out>`. The output is deterministic: no
//! time stamps, no durations, cases in dataset order.
//!
//! Hand-written rather than built with quick-junit: the format is a dozen elements, and
//! writing it here keeps full control of escaping. Text is XML-escaped (`&`, `<`, `>`, `"`,
//! `'`); in attributes line breaks and tabs become character references so that XML
//! attribute normalisation cannot flatten them; characters XML 1.0 forbids (control
//! characters other than tab, line feed and carriage return, and U+FFFE/U+FFFF) are written
//! as `\u{…}` text.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::{Diagnostic, Severity};

/// One test case: a record (or instance) and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// The file, as shown in diagnostics.
    pub file: String,
    /// The record's id, when it has one.
    pub record: Option<String>,
    /// First and last line of the record in the file.
    pub lines: (usize, usize),
}

impl Case {
    fn name(&self) -> String {
        match &self.record {
            Some(id) => id.clone(),
            None => format!("{}:{}", self.file, self.lines.0),
        }
    }

    /// Whether a diagnostic lies inside this case's record.
    fn contains(&self, d: &Diagnostic) -> bool {
        d.location.as_ref().is_some_and(|l| {
            l.file == self.file
                && (self.lines.0..=self.lines.1).contains(&l.line)
                && (self.record.is_none() || d.record.is_none() || self.record == d.record)
        })
    }
}

/// Finds the case a finding belongs to without scanning every case (a dataset of 30,000
/// failing records would take 900 million comparisons).
struct Owners<'c> {
    /// Indices of each file's cases, by first line.
    by_file: HashMap<&'c str, Vec<usize>>,
    /// The first case of each record id.
    by_id: HashMap<&'c str, usize>,
}

impl<'c> Owners<'c> {
    fn new(cases: &'c [Case]) -> Owners<'c> {
        let mut by_file: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_id: HashMap<&str, usize> = HashMap::new();
        for (i, case) in cases.iter().enumerate() {
            by_file.entry(&case.file).or_default().push(i);
            if let Some(id) = &case.record {
                by_id.entry(id).or_insert(i);
            }
        }
        for indices in by_file.values_mut() {
            indices.sort_by_key(|&i| (cases[i].lines.0, i));
        }
        Owners { by_file, by_id }
    }

    /// The record the finding lies in (the first, in dataset order); else the record it
    /// names (a finding placed on another record's field).
    fn of(&self, cases: &[Case], d: &Diagnostic) -> Option<usize> {
        let inside = d.location.as_ref().and_then(|l| {
            let indices = self.by_file.get(l.file.as_str())?;
            let end = indices.partition_point(|&i| cases[i].lines.0 <= l.line);
            // Records do not overlap but may share a line, so the cases holding the line
            // are the ones just before `end`; earlier ones end before it.
            indices[..end]
                .iter()
                .rev()
                .take_while(|&&i| cases[i].lines.1 >= l.line || cases[i].lines.0 == l.line)
                .filter(|&&i| cases[i].contains(d))
                .min()
                .copied()
        });
        inside.or_else(|| {
            d.record
                .as_deref()
                .and_then(|id| self.by_id.get(id).copied())
        })
    }
}

struct Rendered<'a> {
    name: String,
    classname: String,
    diagnostics: Vec<&'a Diagnostic>,
}

/// Writes `cases` with their diagnostics as a JUnit XML document.
pub fn write(
    cases: &[Case],
    diagnostics: &[Diagnostic],
    deny_warnings: bool,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    w.write_all(document(cases, diagnostics, deny_warnings).as_bytes())
}

/// The whole document: the counts on its first lines need every case first.
fn document(cases: &[Case], diagnostics: &[Diagnostic], deny_warnings: bool) -> String {
    let mut rendered: Vec<Rendered<'_>> = cases
        .iter()
        .map(|c| Rendered {
            name: c.name(),
            classname: c.file.clone(),
            diagnostics: Vec::new(),
        })
        .collect();
    let owners = Owners::new(cases);
    // The cases added for findings outside every record, by name.
    let mut extra: HashMap<String, usize> = HashMap::new();
    for d in diagnostics {
        if let Some(i) = owners.of(cases, d) {
            rendered[i].diagnostics.push(d);
            continue;
        }
        let name = d
            .location
            .as_ref()
            .map_or_else(|| "factkit".to_owned(), |l| l.file.clone());
        match extra.get(&name) {
            Some(&i) => rendered[i].diagnostics.push(d),
            None => {
                extra.insert(name.clone(), rendered.len());
                rendered.push(Rendered {
                    classname: name.clone(),
                    name,
                    diagnostics: vec![d],
                });
            }
        }
    }
    // An accepted finding never fails its case; it is listed in `system-out`.
    let fails =
        |d: &Diagnostic| d.accepted.is_none() && (d.severity == Severity::Error || deny_warnings);
    let failures = rendered
        .iter()
        .filter(|r| r.diagnostics.iter().any(|d| fails(d)))
        .count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let counts = format!(
        "tests=\"{}\" failures=\"{failures}\" errors=\"0\"",
        rendered.len()
    );
    let _ = writeln!(out, "<testsuites name=\"factkit\" {counts}>");
    let _ = writeln!(out, "  <testsuite name=\"factkit\" {counts} skipped=\"0\">");
    for case in &rendered {
        let _ = write!(
            out,
            "    <testcase name=\"{}\" classname=\"{}\"",
            attribute(&case.name),
            attribute(&case.classname)
        );
        if case.diagnostics.is_empty() {
            out.push_str("/>\n");
            continue;
        }
        out.push_str(">\n");
        let (failing, passing): (Vec<&Diagnostic>, Vec<&Diagnostic>) =
            case.diagnostics.iter().partition(|d| fails(d));
        if let Some(first) = failing.first() {
            let mut rules: Vec<&str> = Vec::new();
            for d in &failing {
                if !rules.contains(&d.rule.as_str()) {
                    rules.push(&d.rule);
                }
            }
            let _ = writeln!(
                out,
                "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                attribute(&first.message),
                attribute(&rules.join(",")),
                text(&body(&failing))
            );
        }
        if !passing.is_empty() {
            let _ = writeln!(
                out,
                "      <system-out>{}</system-out>",
                text(&body(&passing))
            );
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// The plain-text listing of findings for a failure body.
fn body(diagnostics: &[&Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let place = d
            .location
            .as_ref()
            .map(|l| format!(" {}:{}:{}", l.file, l.line, l.column))
            .unwrap_or_default();
        let _ = writeln!(out, "{}[{}]{place}: {}", d.severity, d.rule, d.message);
        if let Some(e) = &d.expected {
            let _ = writeln!(out, "  expected: {e}");
        }
        if let Some(f) = &d.found {
            let _ = writeln!(out, "  found: {f}");
        }
        if let Some(h) = &d.help {
            let _ = writeln!(out, "  help: {h}");
        }
        if let Some(reason) = &d.accepted {
            let _ = writeln!(out, "  accepted: {reason}");
        }
        for r in &d.related {
            let place = r
                .location
                .as_ref()
                .map(|l| format!(" ({}:{}:{})", l.file, l.line, l.column))
                .unwrap_or_default();
            let _ = writeln!(out, "  note: {}{place}", r.message);
        }
    }
    out
}

fn allowed_in_xml(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

fn escape(s: &str, in_attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' if in_attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if in_attribute => out.push_str("&#9;"),
            c if !allowed_in_xml(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for an XML attribute value in double quotes.
pub fn attribute(s: &str) -> String {
    escape(s, true)
}

/// Escapes text for XML character data.
pub fn text(s: &str) -> String {
    escape(s, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(
            attribute("a<b>&\"c'\n\t\r\u{1}"),
            "a&lt;b&gt;&amp;&quot;c&apos;&#10;&#9;&#13;\\u{1}"
        );
        assert_eq!(text("x\ny\u{FFFF}"), "x\ny\\u{ffff}");
    }
}
