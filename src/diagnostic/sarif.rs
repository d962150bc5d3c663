//! The SARIF 2.1.0 format, for GitHub code scanning and other static-analysis viewers.
//!
//! Wire format (OASIS SARIF 2.1.0; a test validates it against the official schema):
//!
//! ```json
//! {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
//!  "runs": [{
//!    "tool": {"driver": {"name": "factkit", "version": "0.1.0", "informationUri": "…",
//!      "rules": [{"id": "implied-rate", "shortDescription": {"text": "…"},
//!                 "fullDescription": {"text": "…"}, "help": {"text": "…", "markdown": "…"},
//!                 "defaultConfiguration": {"level": "error", "enabled": true}}, …]}},
//!    "columnKind": "unicodeCodePoints",
//!    "results": [{"ruleId": "implied-rate", "ruleIndex": 6, "level": "error",
//!      "message": {"text": "…"},
//!      "locations": [{"physicalLocation": {
//!        "artifactLocation": {"uri": "examples/broken/statistics.json", "uriBaseId": "%SRCROOT%"},
//!        "region": {"startLine": 63, "startColumn": 19, "endLine": 63, "endColumn": 24}}}],
//!      "relatedLocations": [{"id": 1, "message": {"text": "…"}, "physicalLocation": {…}}],
//!      "properties": {"pointer": "/equivalents/0/amount", "record": "…", "expected": "…", "found": "…", "help": "…"}}]
//!    "invocations": [{"executionSuccessful": true, "toolExecutionNotifications": []}],
//!  }]}
//! ```
//!
//! - One run. `tool.driver.rules` lists every rule given (built-in and custom), with its
//!   summary, its full documentation as `fullDescription` and `help`, and its level as
//!   configured; a rule turned off has `{"enabled": false}` (no level) and its findings
//!   are left out, so no result has level `none`. Each rule has a Pascal-case `name`
//!   ([`friendly_name`]), short and full descriptions cut to [`MAX_DESCRIPTION`]
//!   characters (GitHub's limit; `help` keeps the whole text) and a `helpUri`: the crate's
//!   `repository` and the README section of [`help_anchor`]. Each result's `ruleIndex`
//!   points into that list, and its `partialFingerprints` `factkit/v1` is a stable hash of
//!   the rule, the record's id and the pointer, with `:N` for the Nth repeat.
//! - Related places are linked from the message: one `see: [text](id)` line per
//!   `relatedLocations` entry; `\`, `[` and `]` in data are escaped with a backslash.
//! - Complete whatever `max_diagnostics` says, up to [`MAX_RESULTS`] (25,000: GitHub code
//!   scanning rejects a run with more); past it errors are kept before warnings, and
//!   `invocations[0].toolExecutionNotifications` holds one `results-left-out` warning
//!   saying how many were left out (an empty list when none were).
//! - `informationUri` is the crate's `repository` when Cargo.toml names one, else absent.
//! - `artifactLocation.uri` is the file relative to the repository root ([`Root`], from
//!   [`Options::root`]; the file as given, without `./`, when none is set), percent-encoded
//!   (RFC 3986: everything but unreserved characters and `/`), with `uriBaseId`
//!   `%SRCROOT%`; a file outside the root (or an absolute path) becomes a `file://` URI.
//!   Findings on standard input have no location.
//! - Regions are 1-based; columns count Unicode scalar values (the run's `columnKind`), and
//!   `endColumn` is the column just past the span, as SARIF defines it.
//! - A finding accepted by an `[[accept]]` entry of factkit.toml has
//!   `"suppressions": [{"kind": "external", "status": "accepted", "justification": "<reason>"}]`
//!   (GitHub code scanning shows it as dismissed); its level stays the rule's.
//! - `message.text` is the message followed by `expected:`, `found:`, `help:` and `see:`
//!   lines; the same parts are also in `properties`, one field each.
//!
//! Written by hand with serde_json (serde-sarif does not build on its own); deterministic:
//! no time stamps, no absolute paths unless the user gave them.

use serde_json::{json, Map, Value};

use std::collections::HashMap;

use super::github::Root;
use super::{Diagnostic, Location, RuleMeta, Severity};

/// Percent-encodes everything in a path but unreserved characters and `/`.
pub fn percent_encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn physical(location: &Location, root: &Root) -> Option<Value> {
    if location.file == "-" {
        return None;
    }
    let path = root.path_of(&location.file).replace('\\', "/");
    let artifact = if path.starts_with('/') {
        json!({"uri": format!("file://{}", percent_encode_path(&path))})
    } else {
        json!({"uri": percent_encode_path(&path), "uriBaseId": "%SRCROOT%"})
    };
    Some(json!({
        "artifactLocation": artifact,
        "region": {
            "startLine": location.line,
            "startColumn": location.column,
            "endLine": location.end_line,
            "endColumn": location.end_column,
        }
    }))
}

/// Escapes text for a SARIF message, where `[text](id)` is a link to a related location:
/// `\`, `[` and `]` in data get a backslash.
fn escape_message(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '[' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The message: the finding's, then `expected:`, `found:`, `help:` lines and one `see:`
/// line per related place, linked to its related location (`[text](id)`).
fn text(d: &Diagnostic) -> String {
    let mut text = escape_message(&d.message);
    for (label, part) in [
        ("expected", &d.expected),
        ("found", &d.found),
        ("help", &d.help),
    ] {
        if let Some(part) = part {
            text.push_str(&format!("\n{label}: {}", escape_message(part)));
        }
    }
    for (k, r) in d.related.iter().enumerate() {
        text.push_str(&format!(
            "\nsee: [{}]({})",
            escape_message(&r.message),
            k + 1
        ));
    }
    text
}

/// Most characters GitHub code scanning keeps of a rule's `shortDescription` and
/// `fullDescription`.
pub const MAX_DESCRIPTION: usize = 1024;

/// `text` cut to [`MAX_DESCRIPTION`] characters, ending in `…` when cut.
fn description(text: &str) -> String {
    if text.chars().count() <= MAX_DESCRIPTION {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(MAX_DESCRIPTION - 1).collect();
    cut.push('…');
    cut
}

/// A rule id as the Pascal-case "friendly name" SARIF asks for, which must differ from
/// the id even in case (`implied-rate` → `ImpliedRateCheck`, `sum` → `SumCheck`).
pub fn friendly_name(id: &str) -> String {
    let mut name: String = id
        .split(['-', '_'])
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect::<String>()
            })
        })
        .collect();
    name.push_str("Check");
    name
}

/// The README section that documents a rule (`rules`, or `custom-rules-in-cel` for a rule
/// of factkit.toml): the anchor of its `helpUri`.
pub fn help_anchor(id: &str) -> &'static str {
    if crate::rules::find(id).is_some() {
        "rules"
    } else {
        "custom-rules-in-cel"
    }
}

/// The rule's documentation page: the crate's `repository` and the README anchor; None
/// when Cargo.toml names no repository.
fn help_uri(id: &str) -> Option<String> {
    let repository = env!("CARGO_PKG_REPOSITORY").trim_end_matches('/');
    (!repository.is_empty()).then(|| format!("{repository}#{}", help_anchor(id)))
}

/// FNV-1a, 64 bits: a hash that stays the same across builds and platforms.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// What identifies a finding across runs, whatever lines move: the rule, the record's id
/// and the pointer inside it (for a finding outside every record, such as a syntax error,
/// its file, pointer and message); repeats are told apart by their order in the run.
fn identity(d: &Diagnostic, root: &Root) -> u64 {
    match &d.record {
        Some(record) => fnv1a(&[&d.rule, record, d.pointer.as_deref().unwrap_or("")]),
        None => {
            let file = d
                .location
                .as_ref()
                .map_or_else(String::new, |l| root.path_of(&l.file));
            let pointer = d.pointer.as_deref().unwrap_or("");
            fnv1a(&[&d.rule, &file, pointer, &d.message])
        }
    }
}

fn rule_entry(rule: &RuleMeta) -> Value {
    let configuration = match rule.level {
        Some(severity) => json!({"level": level(severity), "enabled": true}),
        None => json!({"enabled": false}),
    };
    let mut entry = Map::new();
    entry.insert("id".into(), json!(rule.id));
    entry.insert("name".into(), json!(friendly_name(&rule.id)));
    entry.insert(
        "shortDescription".into(),
        json!({"text": description(&rule.summary)}),
    );
    entry.insert(
        "fullDescription".into(),
        json!({"text": description(&rule.doc)}),
    );
    entry.insert(
        "help".into(),
        json!({"text": rule.doc, "markdown": rule.doc}),
    );
    if let Some(uri) = help_uri(&rule.id) {
        entry.insert("helpUri".into(), json!(uri));
    }
    entry.insert("defaultConfiguration".into(), configuration);
    Value::Object(entry)
}

/// Most results GitHub code scanning accepts in one run; a log with more is rejected.
pub const MAX_RESULTS: usize = 25_000;

/// How a SARIF log is written.
#[derive(Debug, Clone)]
pub struct Options {
    /// Most results in the run ([`MAX_RESULTS`]); the rest are counted in a notification.
    pub max_results: usize,
    /// What artifact URIs are relative to (`%SRCROOT%`): the repository root.
    pub root: Root,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            max_results: MAX_RESULTS,
            root: Root::default(),
        }
    }
}

/// The diagnostics a run of at most `max` results keeps: errors before warnings, each in
/// the order given; the kept ones stay in that order.
fn kept(diagnostics: &[Diagnostic], max: usize) -> Vec<&Diagnostic> {
    if diagnostics.len() <= max {
        return diagnostics.iter().collect();
    }
    let mut order: Vec<usize> = (0..diagnostics.len()).collect();
    order.sort_by_key(|&i| (diagnostics[i].severity, i));
    order.truncate(max);
    order.sort_unstable();
    order.into_iter().map(|i| &diagnostics[i]).collect()
}

/// Writes the diagnostics as one SARIF 2.1.0 log; `rules` is every rule of the run.
pub fn write(
    diagnostics: &[Diagnostic],
    rules: &[RuleMeta],
    options: &Options,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    // A rule turned off reports nothing (a finding of it would be level `none`).
    let on: Vec<Diagnostic> = diagnostics
        .iter()
        .filter(|d| !rules.iter().any(|r| r.id == d.rule && r.level.is_none()))
        .cloned()
        .collect();
    let all = &on[..];
    let diagnostics = kept(all, options.max_results);
    let root = &options.root;
    let mut seen: HashMap<u64, usize> = HashMap::new();
    let mut rules: Vec<RuleMeta> = rules.to_vec();
    for d in &diagnostics {
        if !rules.iter().any(|r| r.id == d.rule) {
            rules.push(RuleMeta {
                id: d.rule.clone(),
                level: Some(d.severity),
                summary: d.rule.clone(),
                doc: d.rule.clone(),
            });
        }
    }
    let mut results = Vec::with_capacity(diagnostics.len());
    for &d in &diagnostics {
        let index = rules.iter().position(|r| r.id == d.rule).unwrap_or(0);
        let mut result = Map::new();
        result.insert("ruleId".into(), json!(d.rule));
        result.insert("ruleIndex".into(), json!(index));
        result.insert("level".into(), json!(level(d.severity)));
        result.insert("message".into(), json!({"text": text(d)}));
        if let Some(p) = d.location.as_ref().and_then(|l| physical(l, root)) {
            result.insert("locations".into(), json!([{"physicalLocation": p}]));
        }
        // Two findings of one rule at one place keep apart by their order.
        let hash = identity(d, root);
        let occurrence = seen.entry(hash).or_insert(0);
        *occurrence += 1;
        result.insert(
            "partialFingerprints".into(),
            json!({"factkit/v1": format!("{hash:016x}:{occurrence}")}),
        );
        // Accepted in factkit.toml: suppressed outside the log, as code scanning dismisses it.
        if let Some(reason) = &d.accepted {
            result.insert(
                "suppressions".into(),
                json!([{"kind": "external", "status": "accepted", "justification": reason}]),
            );
        }
        let related: Vec<Value> = d
            .related
            .iter()
            .enumerate()
            .map(|(k, r)| {
                let mut entry = Map::new();
                entry.insert("id".into(), json!(k + 1));
                entry.insert("message".into(), json!({"text": r.message}));
                if let Some(p) = r.location.as_ref().and_then(|l| physical(l, root)) {
                    entry.insert("physicalLocation".into(), p);
                }
                Value::Object(entry)
            })
            .collect();
        if !related.is_empty() {
            result.insert("relatedLocations".into(), Value::Array(related));
        }
        let mut properties = Map::new();
        for (key, value) in [
            ("pointer", &d.pointer),
            ("record", &d.record),
            ("expected", &d.expected),
            ("found", &d.found),
            ("help", &d.help),
        ] {
            if let Some(v) = value {
                properties.insert(key.into(), json!(v));
            }
        }
        if !properties.is_empty() {
            result.insert("properties".into(), Value::Object(properties));
        }
        results.push(Value::Object(result));
    }
    let mut driver = Map::new();
    driver.insert("name".into(), json!("factkit"));
    driver.insert("version".into(), json!(env!("CARGO_PKG_VERSION")));
    let repository = env!("CARGO_PKG_REPOSITORY");
    if !repository.is_empty() {
        driver.insert("informationUri".into(), json!(repository));
    }
    driver.insert(
        "rules".into(),
        Value::Array(rules.iter().map(rule_entry).collect()),
    );
    let mut run = Map::new();
    run.insert("tool".into(), json!({"driver": Value::Object(driver)}));
    let left_out = all.len() - diagnostics.len();
    let mut notifications = Vec::new();
    if left_out > 0 {
        notifications.push(json!({
            "level": "warning",
            "descriptor": {"id": "results-left-out"},
            "message": {"text": format!(
                "this log is incomplete: {left_out} of {} findings are left out, because GitHub code scanning accepts at most {} results per run (errors are kept before warnings; {} are kept); `--format json` or `--format junit` holds every finding",
                all.len(),
                options.max_results,
                diagnostics.len(),
            )},
        }));
    }
    run.insert(
        "invocations".into(),
        json!([{
            "executionSuccessful": true,
            "toolExecutionNotifications": notifications,
        }]),
    );
    run.insert("columnKind".into(), json!("unicodeCodePoints"));
    run.insert("results".into(), Value::Array(results));
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [Value::Object(run)]
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Over the ceiling, errors are kept before warnings, in their order, and the log says
    /// how many were left out.
    #[test]
    fn capped_runs_keep_errors_and_say_so() {
        let d = |severity, message: &str| Diagnostic::new("sum", severity, message);
        let all = [
            d(Severity::Warning, "w1"),
            d(Severity::Error, "e1"),
            d(Severity::Warning, "w2"),
            d(Severity::Error, "e2"),
        ];
        let kept: Vec<&str> = kept(&all, 3).iter().map(|d| d.message.as_str()).collect();
        assert_eq!(kept, ["w1", "e1", "e2"]);
        let render = |options: &Options| {
            let mut out = Vec::new();
            write(&all, &[], options, &mut out).unwrap();
            String::from_utf8(out).unwrap()
        };
        let log: Value = serde_json::from_str(&render(&Options {
            max_results: 2,
            root: Root::default(),
        }))
        .unwrap();
        assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 2);
        let note = &log["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
        assert!(note["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("this log is incomplete: 2 of 4 findings are left out"));
        let whole: Value = serde_json::from_str(&render(&Options::default())).unwrap();
        assert_eq!(
            whole["runs"][0]["invocations"][0]["toolExecutionNotifications"],
            json!([])
        );
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(
            percent_encode_path("a b/c%#?.json"),
            "a%20b/c%25%23%3F.json"
        );
        assert_eq!(percent_encode_path("données.json"), "donn%C3%A9es.json");
    }
}
