//! The JSON format: one JSON object per diagnostic per line (JSON Lines).
//!
//! Wire format, stable from v1 (fields absent when they do not apply):
//!
//! ```json
//! {"rule":"implied-rate","severity":"error","message":"…","file":"data/stats.json",
//!  "line":42,"column":19,"end_line":42,"end_column":24,"pointer":"/equivalents/0/amount",
//!  "record":"stat-investment","expected":"…","found":"…","help":"…",
//!  "related":[{"message":"…","file":"…","line":12,"column":19,"end_line":12,"end_column":25,"record":"stat-output","pointer":"…"}]}
//! ```
//!
//! A finding that an `[[accept]]` entry of factkit.toml accepts also has
//! `"accepted":{"reason":"…"}` (its `severity` stays the rule's).
//!
//! Columns count Unicode scalar values and are 1-based. A place in a CSV file also has
//! `"cell":{"row":3,"column":7,"header":"value.currency"}`: the row as a spreadsheet numbers
//! it (the header is row 1) and the column's number and header name.

use serde::Serialize;

use super::{Diagnostic, Location, Related, Severity};

#[derive(Serialize)]
struct Wire<'a> {
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    location: Option<&'a Location>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pointer: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    record: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    found: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "<[Related]>::is_empty")]
    related: &'a [Related],
    #[serde(skip_serializing_if = "Option::is_none")]
    accepted: Option<Accepted<'a>>,
}

#[derive(Serialize)]
struct Accepted<'a> {
    reason: &'a str,
}

/// One line of JSON for a diagnostic, without the line break.
pub fn line(d: &Diagnostic) -> String {
    let wire = Wire {
        rule: &d.rule,
        severity: d.severity,
        message: &d.message,
        location: d.location.as_ref(),
        pointer: d.pointer.as_deref(),
        record: d.record.as_deref(),
        expected: d.expected.as_deref(),
        found: d.found.as_deref(),
        help: d.help.as_deref(),
        related: &d.related,
        accepted: d.accepted.as_deref().map(|reason| Accepted { reason }),
    };
    // Invariant: the wire struct holds only strings, numbers and lists; it always serialises.
    serde_json::to_string(&wire).expect("a diagnostic serialises to JSON")
}

/// Writes every diagnostic as JSON Lines.
pub fn write(diagnostics: &[Diagnostic], out: &mut dyn std::io::Write) -> std::io::Result<()> {
    for d in diagnostics {
        out.write_all(line(d).as_bytes())?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
