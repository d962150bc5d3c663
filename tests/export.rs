//! Exports, snapshotted on the example dataset and read back by real clients: the csv crate,
//! pulldown-cmark (GFM tables) and a JSON-LD 1.1 processor (Python pyld, in a `.venv/` at the
//! repository root that the test creates when it is missing).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use factkit::export::{self, Format, Options};
use factkit::model::{Kind, PartialDate};
use factkit::{Config, Report};
use serde_json::{json, Value};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn config() -> Config {
    Config {
        as_of: PartialDate::parse("2026-11-28").unwrap().first(),
        ..Config::default()
    }
}

fn check(path: &Path) -> Report {
    factkit::check(&[path.to_path_buf()], &config()).unwrap()
}

fn example() -> Report {
    // Relative, as a user would type it: cargo runs integration tests from the package root.
    check(Path::new("examples/kazakhstan-2025"))
}

fn render(report: &Report, format: Format, options: &Options) -> String {
    let mut out = Vec::new();
    export::to_writer(report, format, options, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

// ---------------------------------------------------------------------------------------
// Snapshots of every format on the example dataset.

#[test]
fn example_markdown() {
    insta::assert_snapshot!(render(&example(), Format::Markdown, &Options::default()));
}

#[test]
fn example_jsonld() {
    insta::assert_snapshot!(render(&example(), Format::JsonLd, &Options::default()));
}

#[test]
fn example_json() {
    insta::assert_snapshot!(render(&example(), Format::Json, &Options::default()));
}

#[test]
fn example_jsonl() {
    insta::assert_snapshot!(render(&example(), Format::JsonLines, &Options::default()));
}

#[test]
fn example_csv() {
    let report = example();
    let dir = tempfile::tempdir().unwrap();
    let written = export::to_path(&report, Format::Csv, &Options::default(), dir.path()).unwrap();
    let names: Vec<String> = written
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "entities.csv",
            "sources.csv",
            "statements.csv",
            "proposals.csv",
            "statistics.csv",
            "reviews.csv"
        ]
    );
    let mut all = String::new();
    for path in &written {
        let text = std::fs::read_to_string(path).unwrap();
        // RFC 4180: every record ends with CRLF (no field of the example holds a line break).
        assert_eq!(text.matches('\n').count(), text.matches("\r\n").count());
        all.push_str(&format!(
            "--- {}\n{}",
            path.file_name().unwrap().to_string_lossy(),
            text.replace("\r\n", "\n")
        ));
    }
    insta::assert_snapshot!(all);
}

#[test]
fn exports_are_deterministic() {
    for format in [
        Format::Markdown,
        Format::JsonLd,
        Format::Json,
        Format::JsonLines,
    ] {
        let a = render(&example(), format, &Options::default());
        let b = render(&example(), format, &Options::default());
        assert_eq!(a, b, "{format}");
    }
}

// ---------------------------------------------------------------------------------------
// A dataset of hostile text: every string a cell, a table or a document could choke on.

const PIPES: &str = "pipe | escaped \\| double \\\\| end";
const LINES: &str = "line one\nline two\r\nline three\rfour";
const HTML: &str = "<script>alert(1)</script> &lt;b&gt; &amp; <img src=x onerror=alert(1)>";
const LINK: &str = "[click](javascript:alert(1)) and ](javascript:alert(2))";
const MARKS: &str = "`code` ``double`` *bold* _em_ ~~strike~~ **x** __y__";
const UNICODE: &str = "Ünïcödé — 東京 🎉 \"quoted\", comma; semi, 'apostrophe'";
const BLOCKS: &str = "# not a heading > not a quote - not a list $x$ @mention !bang";
const BACKSLASH: &str = "ends with a backslash \\";

fn hostile_records() -> Vec<Value> {
    vec![
        json!({"kind": "entity", "id": "speaker", "type": "person", "name": PIPES, "role": LINES,
               "affiliation": "org", "country": "KZ", "same_as": ["https://example.org/a_(b)"],
               "notes": HTML, "tags": [UNICODE, "a;b", "c,d", "e\"f"]}),
        json!({"kind": "entity", "id": "org", "type": "organization", "name": HTML,
               "role": MARKS, "country": "US"}),
        json!({"kind": "source", "id": "src", "title": LINK, "publisher": UNICODE,
               "url": "https://example.org/path_(x)?a=1&b=2", "published": "2025-09-10",
               "language": "en", "notes": BACKSLASH}),
        json!({"kind": "source", "id": "src-plain", "title": BLOCKS, "published": "2025",
               "url": "HTTP://example.org/plain"}),
        json!({"kind": "statement", "id": "quote", "speaker": "speaker",
               "quote": format!("{MARKS}\n{LINES}"), "source": "src", "said_on": "2025-09-08",
               "about": ["proposal"], "language": "en"}),
        json!({"kind": "statement", "id": "paraphrase", "speaker": "org", "paraphrase": BLOCKS,
               "source": "src-plain"}),
        json!({"kind": "proposal", "id": "proposal", "title": BACKSLASH, "proposer": "speaker",
               "status": "under_discussion", "source": "src", "summary": PIPES,
               "proposed_on": "2025-09", "venue": HTML, "supporters": ["org"],
               "elements": [PIPES, UNICODE, LINES]}),
        json!({"kind": "statistic", "id": "injected", "label": "=HYPERLINK(\"http://evil.example\",\"click\")",
               "value": {"amount": "-12.5", "unit": "degrees", "qualifier": "about"},
               "source": "src", "period": "2024-01/2024-06", "attributed_to": "org",
               "notes": "+1+1", "tags": ["@SUM(A1:A2)", "-2+3"]}),
        json!({"kind": "statistic", "id": "money", "label": UNICODE,
               "value": {"amount": "AMOUNT_1_100", "scale": "billion", "currency": "USD", "qualifier": "at_most"},
               "equivalents": [{"amount": "470.5", "scale": "billion", "currency": "KZT"},
                               {"amount": 7, "unit": "percent"}],
               "source": "src", "notes": LINES}),
        json!({"kind": "statistic", "id": "share", "label": "@SUM(A1:A2)",
               "value": {"amount": "50", "unit": "percent", "qualifier": "exact"},
               "source": "src", "ratio_of": {"numerator": "money", "denominator": "money2"},
               "notes": "-2+3"}),
        json!({"kind": "statistic", "id": "money2", "label": "-2+3",
               "value": {"amount": "2.2", "scale": "billion", "currency": "USD"},
               "sum_of": ["money", "share"], "source": "src", "notes": "\t=1+2"}),
        json!({"kind": "exchange_rate", "id": "rate", "base": "USD", "quote": "KZT",
               "rate": "470.50", "source": "src", "period": "2025-01/2025-12", "notes": "\r=1"}),
        json!({"kind": "review", "id": "review", "about": "quote", "rating": "mostly_accurate",
               "reviewer": "speaker", "reviewed_on": "2025-10-06", "explanation": HTML,
               "url": "https://factcheck.example/r?id=1&x=(2)"}),
    ]
}

/// Writes the hostile dataset as one JSON file; returns its folder and its checked report.
/// One amount is the JSON number `1.100`, written with its trailing zeros.
fn hostile() -> (tempfile::TempDir, Report) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("records.json");
    let text = serde_json::to_string_pretty(&Value::Array(hostile_records())).unwrap();
    let text = text.replace("\"AMOUNT_1_100\"", "1.100");
    std::fs::write(&path, text).unwrap();
    let report = check(dir.path());
    (dir, report)
}

#[test]
fn hostile_dataset_passes_its_schemas() {
    let (_dir, report) = hostile();
    let untyped: Vec<_> = report
        .dataset
        .entries
        .iter()
        .filter(|e| e.record.is_none())
        .collect();
    assert!(untyped.is_empty(), "{:#?}", report.diagnostics);
    assert_eq!(report.dataset.entries.len(), hostile_records().len());
}

// ---------------------------------------------------------------------------------------
// CSV, read back with the csv crate.

/// A row as issue 4's CSV reader will read it: neutralisation undone, list columns parsed as
/// JSON, dotted columns nested, empty cells absent, every other cell a string.
fn record_from_row(kind: Kind, headers: &csv::StringRecord, row: &csv::StringRecord) -> Value {
    let lists = export::csv::list_columns(kind);
    let mut record = serde_json::Map::new();
    for (column, cell) in headers.iter().zip(row.iter()) {
        let cell = export::csv::unneutralise(cell);
        if cell.is_empty() {
            continue;
        }
        let value = if lists.contains(&column) {
            serde_json::from_str(cell).unwrap()
        } else {
            Value::String(cell.to_owned())
        };
        match column.split_once('.') {
            Some((outer, inner)) => {
                let object = record
                    .entry(outer)
                    .or_insert_with(|| Value::Object(Default::default()));
                object
                    .as_object_mut()
                    .unwrap()
                    .insert(inner.to_owned(), value);
            }
            None => {
                record.insert(column.to_owned(), value);
            }
        }
    }
    Value::Object(record)
}

/// The normalised record with its scalar cells as strings (a CSV cell has no number type;
/// amounts inside list cells keep their JSON form).
fn as_cells(value: &Value) -> Value {
    fn scalar(v: &Value) -> Value {
        match v {
            Value::Number(n) => Value::String(n.to_string()),
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, v)| (k.clone(), scalar_inner(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
    fn scalar_inner(v: &Value) -> Value {
        match v {
            Value::Number(n) => Value::String(n.to_string()),
            other => other.clone(),
        }
    }
    Value::Object(
        value
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), scalar(v)))
            .collect(),
    )
}

/// Exports every kind to a directory, reads each file back, and compares every record and
/// every field with the normalised records. Returns the raw cells by record id.
fn csv_round_trip(report: &Report) -> std::collections::HashMap<String, Vec<(String, String)>> {
    let dir = tempfile::tempdir().unwrap();
    let written = export::to_path(report, Format::Csv, &Options::default(), dir.path()).unwrap();
    let mut raw = std::collections::HashMap::new();
    let mut compared = 0;
    for kind in Kind::ALL {
        let expected: Vec<Value> = report
            .dataset
            .entries
            .iter()
            .filter_map(|e| e.record.as_ref())
            .filter(|r| r.kind() == kind)
            .map(|r| as_cells(&r.to_value()))
            .collect();
        let path = dir.path().join(format!("{}.csv", kind.plural()));
        if expected.is_empty() {
            assert!(
                !path.exists(),
                "{path:?} written for a kind without records"
            );
            continue;
        }
        assert!(written.contains(&path));
        let mut reader = csv::Reader::from_path(&path).unwrap();
        let headers = reader.headers().unwrap().clone();
        assert_eq!(
            headers.iter().collect::<Vec<_>>(),
            export::csv::columns(kind).to_vec()
        );
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), expected.len(), "{kind}");
        for (row, want) in rows.iter().zip(&expected) {
            assert_eq!(row.len(), headers.len());
            assert_eq!(&record_from_row(kind, &headers, row), want);
            let id = row.get(1).unwrap().to_owned();
            let cells = headers
                .iter()
                .zip(row.iter())
                .map(|(h, c)| (h.to_owned(), c.to_owned()))
                .collect();
            raw.insert(id, cells);
            compared += 1;
        }
    }
    assert!(compared > 0);
    raw
}

#[test]
fn csv_reads_back_every_record_of_the_example() {
    let report = example();
    let raw = csv_round_trip(&report);
    assert_eq!(raw.len(), report.dataset.entries.len());
}

#[test]
fn csv_reads_back_hostile_text_intact() {
    let (_dir, report) = hostile();
    let typed = report
        .dataset
        .entries
        .iter()
        .filter(|e| e.record.is_some())
        .count();
    assert_eq!(typed, hostile_records().len(), "{:#?}", report.diagnostics);
    let raw = csv_round_trip(&report);
    let cell = |id: &str, column: &str| -> String {
        raw[id]
            .iter()
            .find(|(h, _)| h == column)
            .map(|(_, c)| c.clone())
            .unwrap()
    };
    assert_eq!(cell("speaker", "name"), PIPES);
    assert_eq!(cell("speaker", "role"), LINES);
    assert_eq!(
        cell("speaker", "tags"),
        format!(
            "[{},\"a;b\",\"c,d\",\"e\\\"f\"]",
            serde_json::to_string(UNICODE).unwrap()
        )
    );
    assert_eq!(cell("src", "publisher"), UNICODE);
    assert_eq!(cell("money", "value.amount"), "1.100");
    assert_eq!(
        cell("money", "equivalents"),
        r#"[{"amount":"470.5","scale":"billion","currency":"KZT"},{"amount":7,"unit":"percent"}]"#
    );
    assert_eq!(cell("rate", "rate"), "470.50");
}

/// OWASP CSV injection: formulas are neutralised, numbers are not.
#[test]
fn csv_neutralises_formulas_but_not_numbers() {
    let (_dir, report) = hostile();
    let raw = csv_round_trip(&report);
    let cell = |id: &str, column: &str| -> String {
        raw[id]
            .iter()
            .find(|(h, _)| h == column)
            .map(|(_, c)| c.clone())
            .unwrap()
    };
    assert_eq!(
        cell("injected", "label"),
        "'=HYPERLINK(\"http://evil.example\",\"click\")"
    );
    assert_eq!(cell("injected", "notes"), "'+1+1");
    assert_eq!(cell("share", "label"), "'@SUM(A1:A2)");
    assert_eq!(cell("share", "notes"), "'-2+3");
    assert_eq!(cell("money2", "label"), "'-2+3");
    assert_eq!(cell("money2", "notes"), "'\t=1+2");
    assert_eq!(cell("rate", "notes"), "'\r=1");
    assert_eq!(cell("injected", "value.amount"), "-12.5");
    // The list cell is a JSON array: it starts with `[`, so no spreadsheet evaluates it.
    assert_eq!(cell("injected", "tags"), r#"["@SUM(A1:A2)","-2+3"]"#);
    // No cell of any file starts like a formula unless it is a plain number.
    for cells in raw.values() {
        for (column, c) in cells {
            if let Some(first) = c.chars().next() {
                if "=+-@\t\r".contains(first) {
                    assert!(
                        c.parse::<f64>().is_ok(),
                        "{column}: {c:?} starts like a formula"
                    );
                }
            }
        }
    }
}

#[test]
fn csv_byte_order_mark() {
    let report = example();
    let options = Options {
        kind: Some(Kind::Statistic),
        bom: true,
        ..Options::default()
    };
    let with = render(&report, Format::Csv, &options);
    let without = render(
        &report,
        Format::Csv,
        &Options {
            bom: false,
            ..options.clone()
        },
    );
    assert_eq!(with.strip_prefix('\u{feff}'), Some(without.as_str()));
    assert!(!without.starts_with('\u{feff}'));
}

#[test]
fn csv_of_several_kinds_needs_a_kind_or_a_directory() {
    let mut out = Vec::new();
    let err = export::to_writer(&example(), Format::Csv, &Options::default(), &mut out)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("`--kind KIND`") && err.contains("`-o DIR`"),
        "{err}"
    );
    assert!(out.is_empty());
}

// ---------------------------------------------------------------------------------------
// Markdown, parsed as GFM by pulldown-cmark.

#[derive(Debug, Default)]
struct Cell {
    text: String,
    links: Vec<String>,
}

/// The tables of a document: headers and rows of cells, with their text (`<br>` as a line
/// break) and link destinations. Panics on any HTML other than `<br>`.
fn tables(markdown: &str) -> Vec<(Vec<String>, Vec<Vec<Cell>>)> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut options = pulldown_cmark::Options::empty();
    options.insert(pulldown_cmark::Options::ENABLE_TABLES);
    let mut out = Vec::new();
    let mut header: Vec<String> = Vec::new();
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut row: Vec<Cell> = Vec::new();
    let mut cell: Option<Cell> = None;
    let mut in_head = false;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::Table(_)) => {
                header.clear();
                rows.clear();
            }
            Event::End(TagEnd::Table) => out.push((header.clone(), std::mem::take(&mut rows))),
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableHead) => in_head = false,
            Event::Start(Tag::TableRow) => row.clear(),
            Event::End(TagEnd::TableRow) => rows.push(std::mem::take(&mut row)),
            Event::Start(Tag::TableCell) => cell = Some(Cell::default()),
            Event::End(TagEnd::TableCell) => {
                let c = cell.take().unwrap();
                if in_head {
                    header.push(c.text);
                } else {
                    row.push(c);
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(c) = cell.as_mut() {
                    c.text.push_str(&t);
                }
            }
            Event::InlineHtml(h) | Event::Html(h) => {
                assert_eq!(&*h, "<br>", "raw HTML in the output");
                if let Some(c) = cell.as_mut() {
                    c.text.push('\n');
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                if let Some(c) = cell.as_mut() {
                    c.links.push(dest_url.to_string());
                }
            }
            Event::SoftBreak | Event::HardBreak => panic!("a line break outside <br>"),
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Image { .. }) => {
                panic!("markup from the data: {markdown}")
            }
            _ => {}
        }
    }
    out
}

/// What a cell shows for a text: line breaks as one `\n`, outer white space trimmed (GFM trims
/// cells).
fn shown(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .trim()
        .to_owned()
}

#[test]
fn markdown_cells_hold_hostile_text_exactly() {
    let (_dir, report) = hostile();
    let md = render(&report, Format::Markdown, &Options::default());
    let tables = tables(&md);
    let by_section = |kind: Kind| -> &(Vec<String>, Vec<Vec<Cell>>) {
        let headers = export::markdown::headers(kind);
        tables
            .iter()
            .find(|(h, _)| h.iter().map(String::as_str).eq(headers.iter().copied()))
            .unwrap_or_else(|| panic!("no {kind} table in\n{md}"))
    };
    // Every row of every table has exactly as many cells as its header.
    assert_eq!(tables.len(), 7, "{md}");
    for (header, rows) in &tables {
        assert!(!rows.is_empty());
        for row in rows {
            assert_eq!(row.len(), header.len(), "{header:?}\n{md}");
        }
    }
    let texts = |kind: Kind, i: usize| -> Vec<String> {
        by_section(kind).1[i]
            .iter()
            .map(|c| c.text.clone())
            .collect()
    };
    assert_eq!(
        texts(Kind::Entity, 0),
        [
            "speaker",
            "person",
            &shown(PIPES),
            &shown(LINES),
            &shown(HTML),
            "KZ",
            "✅ passed"
        ]
    );
    assert_eq!(
        texts(Kind::Entity, 1),
        [
            "org",
            "organization",
            &shown(HTML),
            &shown(MARKS),
            "",
            "US",
            "✅ passed"
        ]
    );
    let sources = &by_section(Kind::Source).1;
    assert_eq!(sources[0][1].text, shown(LINK));
    assert_eq!(
        sources[0][1].links,
        ["https://example.org/path_(x)?a=1&b=2"]
    );
    assert_eq!(sources[0][2].text, shown(UNICODE));
    assert_eq!(sources[1][1].text, shown(BLOCKS));
    assert_eq!(sources[1][1].links, ["HTTP://example.org/plain"]);
    assert_eq!(
        texts(Kind::Statement, 0),
        [
            "quote",
            &shown(PIPES),
            &format!("“{}”", shown(&format!("{MARKS}\n{LINES}"))),
            &shown(LINK),
            "2025-09-08",
            "✅ passed"
        ]
    );
    assert_eq!(
        texts(Kind::Statement, 1)[2],
        format!("Paraphrase: {}", shown(BLOCKS))
    );
    assert_eq!(
        texts(Kind::Proposal, 0),
        [
            "proposal",
            &shown(BACKSLASH),
            &shown(PIPES),
            "under discussion",
            &shown(HTML),
            &shown(LINK),
            "2025-09",
            "✅ passed"
        ]
    );
    let stats = texts(Kind::Statistic, 0);
    assert_eq!(stats[1], "=HYPERLINK(\"http://evil.example\",\"click\")");
    assert_eq!(stats[2], "about -12.5 degrees");
    assert_eq!(stats[3], "2024-01/2024-06");
    assert_eq!(
        texts(Kind::Statistic, 1)[2],
        "at most 1.100 billion USD\n= 470.5 billion KZT (implies 0.002336 to 0.002338 USD per KZT)\n= 7 percent"
    );
    let rates = texts(Kind::ExchangeRate, 0);
    assert_eq!(rates[1], "1 USD = 470.50 KZT");
    let reviews = &by_section(Kind::Review).1;
    assert_eq!(reviews[0][2].text, "mostly accurate");
    assert_eq!(
        reviews[0][2].links,
        ["https://factcheck.example/r?id=1&x=(2)"]
    );
    assert_eq!(reviews[0][5].text, shown(HTML));
}

/// The Check column lists every finding about the record, and those that name it as related.
#[test]
fn markdown_check_column_shows_findings_and_related_records() {
    let dir = tempfile::tempdir().unwrap();
    let from = root().join("examples/kazakhstan-2025");
    for entry in std::fs::read_dir(&from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    let path = dir.path().join("statistics.json");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("\"amount\": \"3.2\"", "\"amount\": \"6.2\""),
    )
    .unwrap();
    let report = check(dir.path());
    assert_eq!(report.summary.errors, 1);
    let md = render(&report, Format::Markdown, &Options::default());
    let tables = tables(&md);
    let stats = &tables.iter().find(|(h, _)| h[1] == "Statistic").unwrap().1;
    let check_of = |id: &str| -> String {
        stats
            .iter()
            .find(|row| row[0].text == id)
            .map(|row| row.last().unwrap().text.clone())
            .unwrap()
    };
    let wrong = check_of("mining-metallurgy-investment-2024");
    assert!(
        wrong.starts_with(
            "❌ implied-rate: mining-metallurgy-investment-2024 implies 272.0 to 292.7 KZT per USD"
        ),
        "{wrong}"
    );
    let other = check_of("mining-metallurgy-output");
    assert!(
        other.starts_with(
            "❌ implied-rate (reported on mining-metallurgy-investment-2024): mining-metallurgy-investment-2024 implies 272.0 to 292.7"
        ),
        "{other}"
    );
    assert_eq!(check_of("mining-metallurgy-share-of-gdp"), "✅ passed");
    let sources = &tables.iter().find(|(h, _)| h[1] == "Source").unwrap().1;
    let source_check = &sources[0].last().unwrap().text;
    assert_eq!(source_check.lines().count(), 2, "{source_check}");
    assert!(source_check.lines().all(|l| l.starts_with(
        "⚠️ missing-recommended: source astana-times-tokayev-reform-experts has no "
    )));
}

// ---------------------------------------------------------------------------------------
// JSON-LD, expanded by pyld.

/// The Python of `.venv/` at the repository root, with pyld: created when missing.
fn python() -> PathBuf {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON
        .get_or_init(|| {
            let venv = root().join(".venv");
            let python = venv.join("bin").join("python");
            let has_pyld = |python: &Path| {
                Command::new(python)
                    .args(["-c", "import pyld"])
                    .output()
                    .is_ok_and(|o| o.status.success())
            };
            if has_pyld(&python) {
                return python;
            }
            if !python.exists() {
                let out = Command::new("python3")
                    .args(["-m", "venv"])
                    .arg(&venv)
                    .output()
                    .unwrap_or_else(|e| {
                        panic!(
                            "the JSON-LD test needs `python3` (with the venv module) to create {}: {e}",
                            venv.display()
                        )
                    });
                assert!(
                    out.status.success(),
                    "`python3 -m venv {}` failed (on Debian: apt-get install python3-venv):\n{}",
                    venv.display(),
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            let out = Command::new(&python)
                .args([
                    "-m",
                    "pip",
                    "install",
                    "-q",
                    "--disable-pip-version-check",
                    "pyld==3.3.0",
                ])
                .output()
                .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
            assert!(
                out.status.success(),
                "installing pyld into {} failed (it needs PyPI once; afterwards the test is offline):\n{}",
                venv.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(has_pyld(&python), "pyld installed but cannot be imported");
            python
        })
        .clone()
}

/// Runs the checker on a JSON-LD document: (success, output).
fn run_checker(document: &str) -> (bool, String) {
    let mut file = tempfile::Builder::new()
        .suffix(".jsonld")
        .tempfile()
        .unwrap();
    file.write_all(document.as_bytes()).unwrap();
    let out = Command::new(python())
        .arg(root().join("tests/jsonld/check_jsonld.py"))
        .arg(file.path())
        .arg(root().join("tests/vendor/schemaorg"))
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn assert_jsonld_passes(document: &str) -> String {
    let (ok, output) = run_checker(document);
    assert!(ok, "{output}\n{document}");
    assert!(output.starts_with("ok: "), "{output}");
    output
}

#[test]
fn jsonld_of_the_example_expands_and_uses_only_schema_org() {
    let output = assert_jsonld_passes(&render(&example(), Format::JsonLd, &Options::default()));
    for t in [
        "Person",
        "Organization",
        "NewsArticle",
        "Quotation",
        "Observation",
        "MonetaryAmount",
        "QuantitativeValue",
        "ClaimReview",
        "Rating",
        "Claim",
    ] {
        assert!(output.contains(&format!("'{t}'")), "{t} not used: {output}");
    }
}

#[test]
fn jsonld_with_a_base_url() {
    let options = Options {
        base_url: Some("https://desk.example/facts/kz-2025".into()),
        ..Options::default()
    };
    let doc = render(&example(), Format::JsonLd, &options);
    assert!(
        doc.contains("\"@id\": \"https://desk.example/facts/kz-2025#mining-metallurgy-output\"")
    );
    assert!(!doc.contains("\"@id\": \"#"));
    assert_jsonld_passes(&doc);
}

#[test]
fn jsonld_of_hostile_text_expands_intact() {
    let (_dir, report) = hostile();
    let doc = render(&report, Format::JsonLd, &Options::default());
    let output = assert_jsonld_passes(&doc);
    for t in [
        "Claim",
        "ExchangeRateSpecification",
        "UnitPriceSpecification",
        "CreativeWork",
    ] {
        assert!(output.contains(&format!("'{t}'")), "{t} not used: {output}");
    }
    let parsed: Value = serde_json::from_str(&doc).unwrap();
    let node = |id: &str| {
        parsed["@graph"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["identifier"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(node("speaker")["name"], PIPES);
    assert_eq!(node("money")["value"]["maxValue"].to_string(), "1100000000");
    assert_eq!(
        node("money")["valueReference"][0]["value"].to_string(),
        "470500000000"
    );
    assert_eq!(node("injected")["observationPeriod"], "P6M");
    assert_eq!(node("injected")["observationDate"], "2024-01");
    assert_eq!(
        node("rate")["currentExchangeRate"]["price"].to_string(),
        "470.5"
    );
    let review = node("review");
    assert_eq!(review["reviewRating"]["ratingValue"].to_string(), "4");
    assert!(review["claimReviewed"].as_str().unwrap().chars().count() <= 75);
}

/// The checker is not a rubber stamp: each kind of mistake it exists to catch, it catches.
#[test]
fn jsonld_checker_rejects_what_expansion_would_accept() {
    let doc: Value =
        serde_json::from_str(&render(&example(), Format::JsonLd, &Options::default())).unwrap();
    type Breakage = (&'static str, fn(&mut Value));
    let cases: [Breakage; 5] = [
        ("is not a schema.org 30.0 property", |g| {
            g[0]["spokenBy"] = json!("x")
        }),
        ("is not a property of Person", |g| {
            g[0]["observationDate"] = json!("2025")
        }),
        ("dropped by expansion", |g| g[0]["name"] = Value::Null),
        ("not in its range", |g| {
            g[1]["affiliation"] = json!({"@id": "#eldaniz-gusseinov"})
        }),
        ("is not a schema.org 30.0 type", |g| {
            g[0]["@type"] = json!("Personn")
        }),
    ];
    for (expected, break_it) in cases {
        let mut broken = doc.clone();
        break_it(&mut broken["@graph"]);
        let (ok, output) = run_checker(&serde_json::to_string(&broken).unwrap());
        assert!(!ok, "the checker passed a document that {expected}");
        assert!(output.contains(expected), "{expected}: {output}");
    }
}

// ---------------------------------------------------------------------------------------
// Records that cannot be typed, with --allow-errors.

#[test]
fn untyped_records_are_reported_never_dropped_silently() {
    let report = check(Path::new("examples/broken"));
    assert!(report.summary.errors > 0);
    let untyped: Vec<&str> = report
        .dataset
        .entries
        .iter()
        .filter(|e| e.record.is_none())
        .map(|e| e.id.as_deref().unwrap())
        .collect();
    assert!(!untyped.is_empty());
    for format in [Format::Markdown, Format::JsonLd] {
        let notes = export::notes(&report, format, &Options::default());
        let text = render(&report, format, &Options::default());
        for id in &untyped {
            assert!(
                notes
                    .iter()
                    .any(|n| n.message.starts_with(&format!("`{id}` failed"))
                        && n.message
                            .ends_with(&format!("left out in the {format} export"))
                        && n.location.is_some()),
                "{id}: {notes:#?}"
            );
            assert!(!text.contains(&format!("\"{id}\"")) && !text.contains(&format!("`{id}`")));
        }
        assert!(
            notes
                .iter()
                .any(|n| n.message.contains("could not be parsed")),
            "{notes:#?}"
        );
    }
    let jsonl = render(&report, Format::JsonLines, &Options::default());
    let notes = export::notes(&report, Format::JsonLines, &Options::default());
    for id in &untyped {
        let raw = report
            .dataset
            .entries
            .iter()
            .find(|e| e.id.as_deref() == Some(id))
            .unwrap();
        let line = serde_json::to_string(&raw.value).unwrap();
        assert!(jsonl.lines().any(|l| l == line), "{id} not written as read");
        assert!(notes
            .iter()
            .any(|n| n.message.contains(id) && n.message.contains("written as it was read")));
    }
    assert_eq!(jsonl.lines().count(), report.dataset.entries.len());
}

// ---------------------------------------------------------------------------------------
// Atomic writes through the public API.

#[test]
fn a_failing_csv_export_leaves_every_previous_file_and_no_temporary_file() {
    let report = example();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("entities.csv"), "previous entities\n").unwrap();
    // `statistics.csv` cannot be replaced: it is a non-empty directory.
    std::fs::create_dir(dir.path().join("statistics.csv")).unwrap();
    std::fs::write(dir.path().join("statistics.csv/keep"), "x").unwrap();
    let err = export::to_path(&report, Format::Csv, &Options::default(), dir.path()).unwrap_err();
    assert!(err.to_string().contains("statistics.csv"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("entities.csv")).unwrap(),
        "previous entities\n"
    );
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    // Files renamed before the failing one are complete new files; nothing else was created.
    assert!(
        names.iter().all(|n| !n.starts_with(".factkit-")),
        "{names:?}"
    );
}

#[test]
fn jsonld_reports_what_schema_org_cannot_say() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("entities.jsonl"),
        concat!(
            "{\"kind\": \"entity\", \"id\": \"boss\", \"type\": \"person\", \"name\": \"Boss\"}\n",
            "{\"kind\": \"entity\", \"id\": \"aide\", \"type\": \"person\", \"name\": \"Aide\", \"affiliation\": \"boss\"}\n",
        ),
    )
    .unwrap();
    let report = check(dir.path());
    assert_eq!(report.summary.errors, 0, "{:#?}", report.diagnostics);
    let notes = export::notes(&report, Format::JsonLd, &Options::default());
    assert_eq!(notes.len(), 1, "{notes:#?}");
    assert!(notes[0]
        .message
        .starts_with("the affiliation of `aide` is `boss`, a person"));
    assert_eq!(notes[0].location.as_ref().unwrap().line, 2);
    let doc = render(&report, Format::JsonLd, &Options::default());
    assert!(!doc.contains("affiliation"), "{doc}");
    assert_jsonld_passes(&doc);
    assert!(export::notes(&report, Format::Csv, &Options::default()).is_empty());
}

/// The excerpts in the README's Export section are real output: each line (or, where the
/// README cuts it with `…`, its beginning) occurs in the export of the example.
#[test]
fn readme_excerpts_are_real_output() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = readme
        .split("\n## Export\n")
        .nth(1)
        .expect("a README section `## Export`")
        .split("\n## ")
        .next()
        .unwrap();
    let report = example();
    let all = |kind: Kind| Options {
        kind: Some(kind),
        ..Options::default()
    };
    let csv = render(&report, Format::Csv, &all(Kind::Statistic)).replace("\r\n", "\n");
    let markdown = render(&report, Format::Markdown, &Options::default());
    let jsonl = render(&report, Format::JsonLines, &Options::default());
    let jsonld: Value =
        serde_json::from_str(&render(&report, Format::JsonLd, &Options::default())).unwrap();
    let mut checked = 0;
    let mut blocks = section.split("```").skip(1).step_by(2);
    for block in blocks.by_ref() {
        let (lang, body) = block.split_once('\n').unwrap();
        let actual = match lang {
            "text" => &csv,
            "markdown" => &markdown,
            "json" if body.trim_start().starts_with("{\"kind\"") => &jsonl,
            "json" => {
                let node: Value = serde_json::from_str(body).unwrap();
                assert!(
                    jsonld["@graph"].as_array().unwrap().contains(&node),
                    "not a node of the export: {body}"
                );
                checked += 1;
                continue;
            }
            _ => continue,
        };
        for line in body.lines().filter(|l| !l.is_empty()) {
            let expected = match line.split_once('…') {
                Some((head, _)) => head,
                None => line,
            };
            assert!(
                actual.lines().any(|l| if expected.len() < line.len() {
                    l.starts_with(expected)
                } else {
                    l == expected
                }),
                "README line not in the {lang} export:\n{line}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} README lines checked");
}
