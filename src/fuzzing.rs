//! Entry points for the fuzz targets (`fuzz/`) and for the test that replays their corpus.
//!
//! Each function takes arbitrary bytes, drives one part of factkit the way a run does, and
//! asserts the invariants that must hold for *any* input: no panic, spans inside the text,
//! exports that parse back. The fuzz targets in `fuzz/fuzz_targets/` are one line each, and
//! The unit tests at the end of this file call these same functions on every saved corpus file and every
//! crash found, so `cargo test` guards against regressions without fuzzing. They are public
//! only for that; they are not an API for anything else, and they neither print nor touch
//! the file system.

use serde_json::Value;

use crate::check;
use crate::config::Config;
use crate::export;
use crate::load::{self, Dataset, Format};
use crate::model::{Decimal, Quantity};
use crate::source::{self, LineIndex};

/// The fuzz targets, by the name of their file in `fuzz/fuzz_targets/` and corpus folder
/// (the replay tests walk them).
#[cfg(test)]
pub const TARGETS: [&str; 7] = [
    "load_json",
    "load_jsonl",
    "load_yaml",
    "load_csv",
    "quantity",
    "span_map",
    "export",
];

/// Runs the target named `name` (one of [`TARGETS`]) on `bytes`; false for an unknown name.
pub fn run(name: &str, bytes: &[u8]) -> bool {
    match name {
        "load_json" => load(Format::Json, bytes),
        "load_jsonl" => load(Format::JsonLines, bytes),
        "load_yaml" => load(Format::Yaml, bytes),
        "load_csv" => load(Format::Csv, bytes),
        "quantity" => quantity(bytes),
        "span_map" => span_map(bytes),
        "export" => export(bytes),
        _ => return false,
    }
    true
}

/// The dataset a file of `bytes` in `format` loads into, and the loader's findings.
fn dataset(format: Format, bytes: &[u8]) -> (Dataset, Vec<crate::Diagnostic>) {
    let (file, problem) = load::decode("fuzz".into(), None, bytes, Some(format));
    let mut dataset = Dataset {
        root: ".".into(),
        files: vec![file],
        entries: Vec::new(),
        unparsed: Vec::new(),
    };
    let mut findings: Vec<crate::Diagnostic> = problem.into_iter().collect();
    if findings.is_empty() {
        let mut entries = Vec::new();
        load::load_file(
            0,
            &dataset.files[0],
            &load::Options::default(),
            &mut entries,
            &mut findings,
        );
        dataset.entries = entries;
    }
    (dataset, findings)
}

/// Loads `bytes` as a file of `format`, then places every finding and every value of every
/// record (the span map a diagnostic goes through), checking each place lies in the text.
pub fn load(format: Format, bytes: &[u8]) {
    let (dataset, findings) = dataset(format, bytes);
    let text_len = dataset.files[0].text().len();
    for d in &findings {
        if let Some(l) = &d.location {
            assert!(
                l.span.start <= l.span.end && l.span.end <= text_len,
                "{l:?}"
            );
        }
    }
    for (i, entry) in dataset.entries.iter().enumerate() {
        let mut pointers = Vec::new();
        pointers_of(&entry.value, String::new(), &mut pointers, 64);
        for pointer in pointers {
            let target = crate::diagnostic::Target { entry: i, pointer };
            if let Some(l) = dataset.locate(&target) {
                assert!(
                    l.span.start <= l.span.end && l.span.end <= text_len,
                    "{l:?}"
                );
                assert!(l.line >= 1 && l.column >= 1, "{l:?}");
            }
        }
    }
}

/// Every JSON Pointer into `value` (at most `budget` of them), the root first.
fn pointers_of(value: &Value, at: String, out: &mut Vec<String>, budget: usize) {
    if out.len() >= budget {
        return;
    }
    out.push(at.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let token = k.replace('~', "~0").replace('/', "~1");
                pointers_of(v, format!("{at}/{token}"), out, budget);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers_of(v, format!("{at}/{i}"), out, budget);
            }
        }
        _ => {}
    }
}

/// Parses the first line of `bytes` as a decimal amount and the rest as a quantity (JSON),
/// then computes its interval and the interval arithmetic the rules use.
pub fn quantity(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
    let tolerance = Config::default().about_tolerance;
    if let Ok(d) = Decimal::parse(first) {
        assert_eq!(d.as_str(), first);
        let _ = d.precision();
        let _ = d.to_rational();
    }
    if let Ok(d) = Decimal::parse_number(first) {
        assert_eq!(d.as_str(), first);
    }
    let Ok(value) = crate::format::json::parse(rest) else {
        return;
    };
    let quantities: Vec<Quantity> = match value {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|v| serde_json::from_value(v).ok())
            .collect(),
        v => serde_json::from_value(v).ok().into_iter().collect(),
    };
    let intervals: Vec<_> = quantities
        .iter()
        .map(|q| {
            let iv = q.interval(&tolerance);
            assert!(iv.lo <= iv.hi, "{q}: {iv:?}");
            let _ = q.to_string();
            let _ = iv.display();
            iv
        })
        .collect();
    for a in &intervals {
        for b in &intervals {
            let _ = a.overlaps(b);
            let _ = a.gap(b);
            let _ = a.add(b);
            let _ = a.mul(b);
            if let Some(q) = a.div(b) {
                let _ = q.display();
            }
        }
    }
}

/// Treats the first line of `bytes` as a JSON Pointer and the rest as JSON text: resolves
/// the pointer, and every pointer of the text when it parses, and maps each span to a line
/// and column.
pub fn span_map(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let (pointer, json) = text.split_once('\n').unwrap_or(("", &text));
    let lines = LineIndex::new(json);
    let mut pointers = vec![pointer.to_owned()];
    if let Ok(value) = crate::format::json::parse(json) {
        pointers_of(&value, String::new(), &mut pointers, 256);
    }
    for p in &pointers {
        if let Some(found) = source::locate(json, p) {
            for span in std::iter::once(found.value).chain(found.key) {
                assert!(span.start <= span.end && span.end <= json.len(), "{span:?}");
                let start = lines.position(json, span.start);
                let end = lines.position(json, span.end);
                assert!(start <= end, "{start:?} {end:?}");
                assert!(lines.line(json, start.line).is_some());
            }
        }
    }
    for offset in (0..=json.len()).step_by(json.len() / 64 + 1) {
        let _ = lines.position(json, offset);
    }
}

/// Loads `bytes` as a JSON dataset, checks it, and exports the records that passed their
/// schema in every format, to memory; JSON and JSON Lines exports must parse back.
pub fn export(bytes: &[u8]) {
    let (dataset, findings) = dataset(Format::Json, bytes);
    let Ok(report) = check::check_dataset(dataset, findings, &Config::default()) else {
        return;
    };
    let options = export::Options::default();
    for format in [
        export::Format::JsonLd,
        export::Format::Markdown,
        export::Format::Json,
        export::Format::JsonLines,
    ] {
        let mut out = Vec::new();
        if let Err(e) = export::to_writer(&report, format, &options, &mut out) {
            panic!("{format} export failed: {e}");
        }
        let text = String::from_utf8(out).expect("an export is UTF-8");
        match format {
            export::Format::Json | export::Format::JsonLd => {
                serde_json::from_str::<Value>(&text).expect("a JSON export parses");
            }
            export::Format::JsonLines => {
                for line in text.lines() {
                    serde_json::from_str::<Value>(line).expect("a JSON Lines export parses");
                }
            }
            _ => {}
        }
    }
    for kind in export::kinds(&report, &options) {
        let options = export::Options {
            kind: Some(kind),
            ..export::Options::default()
        };
        let mut out = Vec::new();
        if let Err(e) = export::to_writer(&report, export::Format::Csv, &options, &mut out) {
            panic!("CSV export of {kind:?} failed: {e}");
        }
        let rows = csv_rows(&out);
        let records = export::records(&report, &options).count();
        assert_eq!(rows, Some(records), "one CSV row per {kind:?} record");
    }
}

/// Data rows of a CSV document, or None when it does not read back.
fn csv_rows(bytes: &[u8]) -> Option<usize> {
    let mut reader = ::csv::ReaderBuilder::new().from_reader(bytes);
    let mut n = 0;
    for row in reader.records() {
        row.ok()?;
        n += 1;
    }
    Some(n)
}

/// The fuzz corpus and every crash the fuzzers found, replayed through [`run`], so
/// `cargo test` guards against regressions without fuzzing. Corpus: `fuzz/corpus/<target>/`;
/// crashes: `fuzz/regressions/<target>/`. A panic here is a fuzz finding come back.
#[cfg(test)]
mod replay {
    use std::path::Path;

    fn replay(folder: &str) -> usize {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz")
            .join(folder);
        let mut count = 0;
        for target in super::TARGETS {
            let dir = root.join(target);
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut files: Vec<_> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
            files.sort();
            for file in files {
                // A running fuzzer adds and removes corpus files; one gone since the listing
                // is skipped (in CI nothing fuzzes).
                let Ok(bytes) = std::fs::read(&file) else {
                    continue;
                };
                let ok = std::panic::catch_unwind(|| super::run(target, &bytes));
                assert!(
                    matches!(ok, Ok(true)),
                    "fuzz target `{target}` fails on {}",
                    file.display()
                );
                count += 1;
            }
        }
        count
    }

    #[test]
    fn the_saved_corpus_replays_without_a_panic() {
        let n = replay("corpus");
        assert!(n >= 50, "only {n} corpus files: is fuzz/corpus/ missing?");
    }

    #[test]
    fn every_crash_found_replays_without_a_panic() {
        replay("regressions");
    }

    #[test]
    fn every_target_has_a_fuzz_target_file() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/fuzz_targets");
        for target in super::TARGETS {
            let file = root.join(format!("{target}.rs"));
            let text = std::fs::read_to_string(&file).unwrap();
            assert!(
                text.contains(&format!("factkit::fuzz(\"{target}\"")),
                "{}",
                file.display()
            );
        }
        assert!(!super::run("no-such-target", b""));
    }
}
