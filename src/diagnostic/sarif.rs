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
//!  }]}
//! ```
//!
//! - One run. `tool.driver.rules` lists every rule given (built-in and custom), with its
//!   summary, its full documentation as `fullDescription` and `help`, and its level as
//!   configured; a rule turned off has `"enabled": false` and level `none`. Each result's
//!   `ruleIndex` points into that list.
//! - `informationUri` is the crate's `repository` when Cargo.toml names one, else absent.
//! - `artifactLocation.uri` is the file as given, without a leading `./`, percent-encoded
//!   (RFC 3986: everything but unreserved characters and `/`), relative to the working
//!   directory (`%SRCROOT%`, the repository root in CI); an absolute path becomes a
//!   `file://` URI. Findings on standard input have no location.
//! - Regions are 1-based; columns count Unicode scalar values (the run's `columnKind`), and
//!   `endColumn` is the column just past the span, as SARIF defines it.
//! - A finding accepted by an `[[accept]]` entry of factkit.toml has
//!   `"suppressions": [{"kind": "external", "status": "accepted", "justification": "<reason>"}]`
//!   (GitHub code scanning shows it as dismissed); its level stays the rule's.
//! - `message.text` is the message followed by `expected:`, `found:` and `help:` lines;
//!   the same parts are also in `properties`, one field each.
//!
//! Written by hand with serde_json (serde-sarif does not build on its own); deterministic:
//! no time stamps, no absolute paths unless the user gave them.

use serde_json::{json, Map, Value};

use super::github::repository_path;
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

fn physical(location: &Location) -> Option<Value> {
    if location.file == "-" {
        return None;
    }
    let path = repository_path(&location.file).replace('\\', "/");
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

fn text(d: &Diagnostic) -> String {
    let mut text = d.message.clone();
    for (label, part) in [
        ("expected", &d.expected),
        ("found", &d.found),
        ("help", &d.help),
    ] {
        if let Some(part) = part {
            text.push_str(&format!("\n{label}: {part}"));
        }
    }
    text
}

fn rule_entry(rule: &RuleMeta) -> Value {
    let configuration = match rule.level {
        Some(severity) => json!({"level": level(severity), "enabled": true}),
        None => json!({"level": "none", "enabled": false}),
    };
    json!({
        "id": rule.id,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.doc},
        "help": {"text": rule.doc, "markdown": rule.doc},
        "defaultConfiguration": configuration,
    })
}

/// Renders the diagnostics as one SARIF 2.1.0 log; `rules` is every rule of the run.
pub fn render(diagnostics: &[Diagnostic], rules: &[RuleMeta]) -> String {
    let mut rules: Vec<RuleMeta> = rules.to_vec();
    for d in diagnostics {
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
    for d in diagnostics {
        let index = rules.iter().position(|r| r.id == d.rule).unwrap_or(0);
        let mut result = Map::new();
        result.insert("ruleId".into(), json!(d.rule));
        result.insert("ruleIndex".into(), json!(index));
        result.insert("level".into(), json!(level(d.severity)));
        result.insert("message".into(), json!({"text": text(d)}));
        if let Some(p) = d.location.as_ref().and_then(physical) {
            result.insert("locations".into(), json!([{"physicalLocation": p}]));
        }
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
                if let Some(p) = r.location.as_ref().and_then(physical) {
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
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": Value::Object(driver)},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    // Invariant: the log holds only strings, numbers, arrays and objects; it serialises.
    let mut out = serde_json::to_string_pretty(&log).expect("a SARIF log serialises to JSON");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(
            percent_encode_path("a b/c%#?.json"),
            "a%20b/c%25%23%3F.json"
        );
        assert_eq!(percent_encode_path("données.json"), "donn%C3%A9es.json");
    }
}
