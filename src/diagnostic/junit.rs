//! The JUnit XML format, for CI systems that show test reports (GitLab, Jenkins, Azure).
//!
//! Wire format: one `<testsuites>` holding one `<testsuite name="factkit">`; one
//! `<testcase>` per record (per instance in the generic mode), named by the record's id (or
//! `FILE:LINE` when it has none) with the file as its `classname` and `file` and the line
//! where it starts as `line`; plus one test case per file for findings that belong to no
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

struct Rendered<'a> {
    name: String,
    classname: String,
    file: Option<String>,
    line: Option<usize>,
    diagnostics: Vec<&'a Diagnostic>,
}

/// Renders `cases` with their diagnostics as a JUnit XML document.
pub fn render(cases: &[Case], diagnostics: &[Diagnostic], deny_warnings: bool) -> String {
    let mut rendered: Vec<Rendered<'_>> = cases
        .iter()
        .map(|c| Rendered {
            name: c.name(),
            classname: c.file.clone(),
            file: Some(c.file.clone()),
            line: Some(c.lines.0),
            diagnostics: Vec::new(),
        })
        .collect();
    for d in diagnostics {
        // The record the finding lies in; else the record it names (a finding placed on
        // another record's field); else its file.
        let owner = cases.iter().position(|c| c.contains(d)).or_else(|| {
            cases
                .iter()
                .position(|c| c.record.is_some() && c.record == d.record)
        });
        if let Some(i) = owner {
            rendered[i].diagnostics.push(d);
            continue;
        }
        let (name, file) = match &d.location {
            Some(l) => (l.file.clone(), Some(l.file.clone())),
            None => ("factkit".to_owned(), None),
        };
        match rendered
            .iter_mut()
            .find(|r| r.line.is_none() && r.name == name)
        {
            Some(r) => r.diagnostics.push(d),
            None => rendered.push(Rendered {
                classname: name.clone(),
                name,
                file,
                line: None,
                diagnostics: vec![d],
            }),
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
        if let Some(file) = &case.file {
            let _ = write!(out, " file=\"{}\"", attribute(file));
        }
        if let Some(line) = case.line {
            let _ = write!(out, " line=\"{line}\"");
        }
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
