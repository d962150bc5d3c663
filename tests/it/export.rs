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
/// JSON, dotted columns nested, empty cells absent, every other cell a string; a statistic's
/// equivalents gathered from their columns, the plain exact values (`.exact`) left out.
fn record_from_row(kind: Kind, headers: &csv::StringRecord, row: &csv::StringRecord) -> Value {
    let lists = export::csv::list_columns(kind);
    let mut record = serde_json::Map::new();
    // A statistic's equivalents, from their own columns and the overflow cell.
    let mut equivalents: Vec<serde_json::Map<String, Value>> = Vec::new();
    for (column, cell) in headers.iter().zip(row.iter()) {
        let cell = export::csv::unneutralise(cell);
        if cell.is_empty() || column.ends_with(".exact") {
            continue;
        }
        if let Some((n, field)) = column
            .strip_prefix("equivalent")
            .and_then(|rest| rest.split_once('.'))
            .and_then(|(n, f)| Some((n.parse::<usize>().ok()?, f)))
        {
            equivalents.resize_with(equivalents.len().max(n), Default::default);
            let key = match field {
                // A currency is an ISO 4217 code; anything else a unit.
                "currency_or_unit"
                    if cell.len() == 3 && cell.chars().all(|c| c.is_ascii_uppercase()) =>
                {
                    "currency"
                }
                "currency_or_unit" => "unit",
                other => other,
            };
            equivalents[n - 1].insert(key.to_owned(), Value::String(cell.to_owned()));
            continue;
        }
        if column == "equivalents.more" {
            let more: Vec<Value> = serde_json::from_str(cell).unwrap();
            equivalents.extend(more.into_iter().map(|v| v.as_object().unwrap().clone()));
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
    if !equivalents.is_empty() {
        record.insert(
            "equivalents".into(),
            Value::Array(equivalents.into_iter().map(Value::Object).collect()),
        );
    }
    Value::Object(record)
}

/// The normalised record with its scalar cells as strings (a CSV cell has no number type;
/// amounts inside list cells, and in equivalents past the second, keep their JSON form).
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
            .map(|(k, v)| match (k.as_str(), v) {
                // The first two equivalents are cells of their own: scalars as strings.
                ("equivalents", Value::Array(list)) => (
                    k.clone(),
                    Value::Array(
                        list.iter()
                            .enumerate()
                            .map(|(i, q)| if i < 2 { scalar(q) } else { q.clone() })
                            .collect(),
                    ),
                ),
                _ => (k.clone(), scalar(v)),
            })
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
        [
            cell("money", "value.exact"),
            cell("money", "equivalent1.amount"),
            cell("money", "equivalent1.exact"),
            cell("money", "equivalent2.amount"),
            cell("money", "equivalent2.currency_or_unit"),
        ],
        ["1100000000", "470.5", "470500000000", "7", "percent"]
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
            "❔ not verified: source src has no archive, so the quote was not compared with it"
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
    assert!(wrong.contains("statistics.json:"), "{wrong}");
    // The partner is named by the finding, not at fault: a note, no ❌.
    assert!(!other.contains('❌'), "{other}");
    assert!(
        other.ends_with("ℹ️ named by mining-metallurgy-investment-2024 (implied-rate)"),
        "{other}"
    );
    // No archive: nothing compared the figure with the source.
    assert_eq!(
        check_of("mining-metallurgy-share-of-gdp"),
        "❔ not verified: source astana-times-tokayev-reform-experts has no archive, so the figures were not looked up"
    );
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
    assert!(review["claimReviewed"].as_str().unwrap().chars().count() < 75);
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
    for format in [Format::Markdown, Format::Html, Format::JsonLd] {
        let notes = export::notes(&report, format, &Options::default());
        let text = render(&report, format, &Options::default());
        let what = if format.is_for_people() {
            "listed under \"Could not be shown\" in the"
        } else {
            "left out in the"
        };
        for id in &untyped {
            assert!(
                notes
                    .iter()
                    .any(|n| n.message.starts_with(&format!("`{id}` failed"))
                        && n.message.ends_with(&format!("{what} {format} export"))
                        && n.location.is_some()),
                "{id}: {notes:#?}"
            );
            if format == Format::JsonLd {
                assert!(!text.contains(&format!("\"{id}\"")) && !text.contains(&format!("`{id}`")));
            }
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
// The human-facing exports show every record, say what was verified, and blame the record
// at fault.

fn broken() -> Report {
    check(Path::new("examples/broken"))
}

/// The table row of `id` in a Markdown export (the first when the id is duplicated): its cells.
fn markdown_row(md: &str, id: &str) -> Vec<String> {
    tables(md)
        .into_iter()
        .flat_map(|(_, rows)| rows)
        .find(|row| row[0].text == id)
        .unwrap_or_else(|| panic!("no row `{id}` in\n{md}"))
        .into_iter()
        .map(|c| c.text)
        .collect()
}

#[test]
fn markdown_shows_every_record_and_the_unparsable_file() {
    let report = broken();
    let md = render(&report, Format::Markdown, &Options::default());
    let ids: Vec<&str> = report
        .dataset
        .entries
        .iter()
        .filter_map(|e| e.id.as_deref())
        .collect();
    assert_eq!(ids.len(), report.dataset.entries.len());
    for id in &ids {
        markdown_row(&md, id);
    }
    // The file with a trailing comma is a row of "Could not be shown", with its place.
    let unshown = tables(&md)
        .into_iter()
        .find(|(h, _)| {
            h.iter()
                .map(String::as_str)
                .eq(export::markdown::UNSHOWN_HEADERS)
        })
        .expect("a \"Could not be shown\" table");
    assert!(md.contains("\n## Could not be shown\n"));
    let syntax = unshown
        .1
        .iter()
        .find(|r| r[0].text == "examples/broken/syntax-error.json")
        .expect("the unparsable file");
    assert_eq!(syntax[1].text, "examples/broken/syntax-error.json:9");
    assert!(
        syntax[2].text.contains("❌ syntax: trailing comma"),
        "{}",
        syntax[2].text
    );
    let no_name = markdown_row(&md, "ent-no-name");
    assert_eq!(no_name[1], "examples/broken/entities.json:34");
    assert!(
        no_name[2].contains("missing required field name"),
        "{no_name:?}"
    );
    let currency = markdown_row(&md, "stat-bad-currency");
    assert!(currency[2].contains("statistics.json:145"), "{currency:?}");
}

#[test]
fn markdown_blames_the_record_at_fault() {
    let md = render(&broken(), Format::Markdown, &Options::default());
    let check = |id: &str| markdown_row(&md, id).pop().unwrap();
    assert_eq!(
        check("ent-speaker"),
        "✅ passed\nℹ️ named by rev-about-entity (unknown-reference)"
    );
    let at_fault = check("rev-about-entity");
    assert!(
        at_fault.starts_with("❌ unknown-reference: ent-speaker is an entity")
            && at_fault.contains("(examples/broken/reviews.jsonl:1)"),
        "{at_fault}"
    );
    assert!(!check("stat-output").contains('❌'));
    assert!(!check("rate-usd-kzt-2025-08-01").contains('❌'));
    // Help comes with the finding.
    assert!(check("stat-share-130").contains("; help: check the figure"));
    // 20 errors: one ❌ per error, each on one record (the file's syntax error included), and
    // one in the legend.
    assert_eq!(md.matches('❌').count(), 20 + 1, "{md}");
}

#[test]
fn markdown_says_what_was_not_verified() {
    let md = render(&broken(), Format::Markdown, &Options::default());
    let check = |id: &str| markdown_row(&md, id).pop().unwrap();
    assert!(check("stmt-ok").contains(
        "❔ not verified: source src-main has no archive, so the quote was not compared with it"
    ));
    assert!(
        check("stmt-altered-quote").starts_with("❌ quote-in-source"),
        "{}",
        check("stmt-altered-quote")
    );
    let example = render(&example(), Format::Markdown, &Options::default());
    let rows: Vec<Vec<String>> = tables(&example)
        .into_iter()
        .find(|(h, _)| h[2] == "Statement")
        .unwrap()
        .1
        .into_iter()
        .map(|r| r.into_iter().map(|c| c.text).collect())
        .collect();
    assert!(!rows.is_empty());
    for row in rows {
        let check = row.last().unwrap();
        assert!(check.contains("❔ not verified: source "), "{check}");
        assert!(!check.contains("✅ passed"), "{check}");
    }
    assert!(
        example.contains("❔ not verified: no finding"),
        "the legend"
    );
}

#[test]
fn only_failing_keeps_the_records_with_findings_and_the_summary() {
    let report = broken();
    let options = Options {
        only_failing: true,
        ..Options::default()
    };
    let md = render(&report, Format::Markdown, &options);
    assert!(md.starts_with("factkit checked 8 files, 38 records: 20 errors, 5 warnings."));
    let shown: Vec<String> = tables(&md)
        .into_iter()
        .flat_map(|(_, rows)| rows)
        .map(|r| r[0].text.clone())
        .collect();
    for id in [
        "stat-not-in-archive",
        "src-no-url",
        "rev-future",
        "rev-no-url",
        "ent-no-name",
    ] {
        assert!(shown.contains(&id.to_owned()), "{id}: {shown:?}");
    }
    for id in [
        "ent-speaker",
        "ent-reviewer",
        "stmt-ok",
        "stat-output",
        "src-rates",
    ] {
        assert!(!shown.contains(&id.to_owned()), "{id}: {shown:?}");
    }
    let html = render(&report, Format::Html, &options);
    assert!(!html.contains("data-id=\"ent-reviewer\""));
    assert!(html.contains("data-id=\"rev-future\""));
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
    // The Markdown excerpts come from the example and from `examples/broken`.
    let markdown = render(&report, Format::Markdown, &Options::default())
        + &render(&broken(), Format::Markdown, &Options::default());
    let html = render(&report, Format::Html, &Options::default())
        + &render(&broken(), Format::Html, &Options::default());
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
            "html" => &html,
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

// ---------------------------------------------------------------------------------------
// HTML, loaded in a real browser: headless Chromium (the Debian package), which dumps the DOM
// after the page's script ran.

/// The Chromium binary: found on the PATH, else installed quietly with apt-get (once per
/// run). `None`, with the reason printed, when it cannot be had; with
/// `FACTKIT_REQUIRE_BROWSER=1` that is a failure instead of a skip.
fn chromium() -> Option<&'static Path> {
    static CHROMIUM: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let found = CHROMIUM.get_or_init(|| {
        let on_path = || {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|dir| dir.join("chromium"))
                    .find(|p| p.is_file())
            })
        };
        if let Some(path) = on_path() {
            return Ok(path);
        }
        let installed = Command::new("apt-get")
            .args(["install", "-y", "-qq", "chromium"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .output();
        match installed {
            Ok(out) if out.status.success() => on_path()
                .ok_or_else(|| "apt-get installed chromium, but it is not on the PATH".into()),
            Ok(out) => Err(format!(
                "`apt-get install -y -qq chromium` failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )),
            Err(e) => Err(format!(
                "chromium is not on the PATH and apt-get cannot run: {e}"
            )),
        }
    });
    match found {
        Ok(path) => Some(path),
        Err(why) => {
            let require = std::env::var_os("FACTKIT_REQUIRE_BROWSER").is_some_and(|v| v == "1");
            assert!(!require, "no browser for the HTML tests: {why}");
            eprintln!("SKIPPED: the HTML browser test needs Chromium: {why}");
            println!("SKIPPED: the HTML browser test needs Chromium: {why}");
            None
        }
    }
}

/// The DOM of `html` after Chromium loaded it from disk, at `fragment` (`""` for none).
fn browser_dom(chromium: &Path, html: &str, fragment: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    std::fs::write(&page, html).unwrap();
    let profile = dir.path().join("profile");
    let url = format!("file://{}{fragment}", page.display());
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The `<tr data-id=…>` rows of a DOM: (id, status, hidden).
fn dom_rows(dom: &str) -> Vec<(String, String, bool)> {
    dom.split("<tr data-id=\"")
        .skip(1)
        .map(|rest| {
            let tag = &rest[..rest.find('>').unwrap()];
            let id = tag[..tag.find('"').unwrap()].to_owned();
            let status = tag
                .split("data-status=\"")
                .nth(1)
                .map(|s| s[..s.find('"').unwrap()].to_owned())
                .unwrap();
            (id, status, tag.contains("hidden"))
        })
        .collect()
}

fn text_of_id(dom: &str, id: &str) -> String {
    let start = dom
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}"));
    let rest = &dom[start..];
    let open = rest.find('>').unwrap() + 1;
    rest[open..open + rest[open..].find('<').unwrap()].to_owned()
}

#[test]
fn html_snapshot_of_the_broken_example() {
    insta::assert_snapshot!(render(&broken(), Format::Html, &Options::default()));
}

#[test]
fn html_in_a_browser_shows_every_record_counts_and_filters() {
    let Some(chromium) = chromium() else { return };
    let report = broken();
    let html = render(&report, Format::Html, &Options::default());
    let dom = browser_dom(chromium, &html, "");
    // Every record id of the dataset, and the file that could not be parsed.
    for entry in &report.dataset.entries {
        let id = entry.id.as_deref().unwrap();
        assert!(
            dom.contains(&format!("data-id=\"{id}\""))
                || dom.contains(&format!("<code>{id}</code>")),
            "{id}"
        );
    }
    assert!(dom.contains("<h2>Could not be shown</h2>"));
    assert!(dom.contains("examples/broken/syntax-error.json"));
    let rows = dom_rows(&dom);
    let typed = report
        .dataset
        .entries
        .iter()
        .filter(|e| e.record.is_some())
        .count();
    assert_eq!(rows.len(), typed);
    assert!(rows.iter().all(|r| !r.2), "nothing hidden without a filter");
    let count = |status: &str| rows.iter().filter(|r| r.1 == status).count();
    for status in ["failed", "warning", "not-verified", "passed"] {
        assert_eq!(
            text_of_id(&dom, &format!("count-{status}")),
            count(status).to_string(),
            "{status}"
        );
    }
    assert_eq!(text_of_id(&dom, "count-unshown"), "4");
    assert_eq!(text_of_id(&dom, "shown"), typed.to_string());
    assert!(dom.contains("factkit checked 8 files, 38 records: 20 errors, 5 warnings."));
    // A correct record named by a faulty one is not failed.
    let status_of = |rows: &[(String, String, bool)], id: &str| {
        rows.iter().find(|r| r.0 == id).unwrap().1.clone()
    };
    assert_eq!(status_of(&rows, "ent-speaker"), "passed");
    assert_eq!(status_of(&rows, "stmt-ok"), "not-verified");
    assert_eq!(status_of(&rows, "stmt-altered-quote"), "failed");
    // The near miss: the closest passage, with the differing word marked on both sides.
    assert!(dom.contains("<mark>planned</mark>"), "{dom}");
    assert!(dom.contains("<mark>hoped</mark>"));

    for (fragment, keep) in [
        ("#only=failing", &["failed", "warning"][..]),
        ("#only=not-verified", &["not-verified"][..]),
        (
            "#only=all",
            &["failed", "warning", "not-verified", "passed"][..],
        ),
    ] {
        let dom = browser_dom(chromium, &html, fragment);
        let rows = dom_rows(&dom);
        assert_eq!(rows.len(), typed);
        for (id, status, hidden) in &rows {
            assert_eq!(
                *hidden,
                !keep.contains(&status.as_str()),
                "{fragment} {id} {status}"
            );
        }
        let shown = rows.iter().filter(|r| !r.2).count();
        assert!(shown > 0);
        assert_eq!(text_of_id(&dom, "shown"), shown.to_string(), "{fragment}");
        assert!(dom.contains("<h2>Could not be shown</h2>"));
    }
}

#[test]
fn html_in_a_browser_keeps_hostile_text_as_text() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut records = hostile_records();
    records.push(
        json!({"kind": "source", "id": "src-js", "title": "<img src=x onerror=alert(3)>",
        "url": "javascript:alert(4)", "published": "2025"}),
    );
    records.push(json!({"kind": "statement", "id": "quote-js", "speaker": "org", "source": "src-js",
        "quote": "<script>alert(5)</script><img src=x onerror=alert(6)><a href=\"javascript:alert(7)\">x</a>"}));
    let text = serde_json::to_string_pretty(&Value::Array(records))
        .unwrap()
        .replace("\"AMOUNT_1_100\"", "1.100");
    std::fs::write(dir.path().join("records.json"), text).unwrap();
    let report = check(dir.path());
    // A `javascript:` URL is a schema finding (issue 16): that source is listed under
    // "Could not be shown", every other record is in its table.
    for entry in &report.dataset.entries {
        assert_eq!(
            entry.record.is_some(),
            entry.id.as_deref() != Some("src-js"),
            "{:?}: {:#?}",
            entry.id,
            report.diagnostics
        );
    }
    let html = render(&report, Format::Html, &Options::default());
    let dom = browser_dom(chromium, &html, "");
    // In the serialised DOM a `<` of text is `&lt;`, so every `<` opens a real element. Only
    // the page's own script, no image, no event handler, no link but http(s) and the filters.
    // The page's script is cut out first: its code holds `<` as such.
    let (before, script) = dom.split_once("<script nonce=\"factkit-report\">").unwrap();
    let after = &script[script.find("</script>").unwrap() + "</script>".len()..];
    let outside = format!("{before}{after}");
    let tags: Vec<&str> = outside
        .split('<')
        .skip(1)
        .map(|t| &t[..t.find('>').unwrap()])
        .collect();
    let names: Vec<String> = tags
        .iter()
        .map(|t| t.split([' ', '/']).next().unwrap().to_ascii_lowercase())
        .collect();
    for bad in ["script", "img", "iframe", "object", "embed", "svg", "form"] {
        assert!(
            !names.iter().any(|n| n == bad),
            "<{bad}> from the data: {dom}"
        );
    }
    for tag in &tags {
        let lower = tag.to_ascii_lowercase();
        assert!(
            !lower.split_whitespace().any(|a| a.starts_with("on")),
            "an event handler: <{tag}>"
        );
        for href in lower
            .split("href=\"")
            .skip(1)
            .map(|h| &h[..h.find('"').unwrap()])
        {
            assert!(
                href.starts_with("https://")
                    || href.starts_with("http://")
                    || href.starts_with("#only="),
                "a link from the data: <{tag}>"
            );
        }
    }
    assert!(
        dom.contains("“&lt;script&gt;alert(5)&lt;/script&gt;&lt;img src=x onerror=alert(6)&gt;")
    );
    // The source with the `javascript:` URL failed its schema: it is listed under "Could
    // not be shown" with its finding, the URL as text (no link: see the hrefs above).
    let shown = dom.find("Could not be shown").expect("the section");
    assert!(dom[shown..].contains("src-js"), "{dom}");
    assert!(dom[shown..].contains("javascript:alert(4)"), "{dom}");
    assert!(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(dom.contains("data-id=\"quote-js\""));
}

/// User-facing help (the `factkit explain` texts, which are also the SARIF rule help, and the
/// README) never sends users to a file they do not have; the rules that reason with intervals
/// explain them, or point at the README's section.
#[test]
fn help_texts_are_self_contained() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(!readme.contains("PRODUCT.md"));
    assert!(readme.contains("\n### What a figure means\n"));
    for rule in factkit::RULES {
        let doc = rule.doc();
        assert!(!doc.contains("PRODUCT.md"), "{}: {doc}", rule.id);
        if ["conversion", "implied-rate", "sum", "ratio"].contains(&rule.id) {
            assert!(
                doc.contains("\"What a figure means\" in the README"),
                "{}",
                rule.id
            );
            assert!(
                doc.contains("[26.15, 26.25]")
                    || doc.contains("[10.35, 10.45]")
                    || doc.contains("[6.05,"),
                "{}",
                rule.id
            );
        }
    }
}

/// Issue 12: the export and the CSV reader had two cell codecs, so a `notes` of `'-5` was
/// exported as `''-5` and read back as `''-5`. Now one codec writes and reads every cell:
/// the text comes back from `check`, from `convert` and from the csv crate with the
/// documented rule.
#[test]
fn csv_export_round_trips_an_apostrophe_before_a_number() {
    let texts = ["'-5", "''-5", "'+1.5", "'=x", "-5", "'", "'hello"];
    let records: Vec<Value> = texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            json!({"kind": "entity", "id": format!("e{i}"), "type": "person", "name": "N",
                   "notes": text})
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("records.json"),
        serde_json::to_string(&Value::Array(records)).unwrap(),
    )
    .unwrap();
    let report = check(dir.path());
    assert_eq!(report.summary.errors, 0, "{:#?}", report.diagnostics);
    let out = tempfile::tempdir().unwrap();
    let written = export::to_path(&report, Format::Csv, &Options::default(), out.path()).unwrap();
    let [file] = &written[..] else {
        panic!("{written:?}")
    };

    // The csv crate, and the rule the export documents.
    let mut reader = csv::Reader::from_path(file).unwrap();
    let notes = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "notes")
        .unwrap();
    let raw: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[notes].to_owned())
        .collect();
    assert_eq!(raw[0], "''-5");
    let restored: Vec<&str> = raw.iter().map(|c| export::csv::unneutralise(c)).collect();
    assert_eq!(restored, texts);

    // `check` reading the CSV file.
    let back = check(file);
    assert_eq!(back.summary.errors, 0, "{:#?}", back.diagnostics);
    let read: Vec<String> = back
        .dataset
        .entries
        .iter()
        .map(|e| {
            e.record.as_ref().unwrap().to_value()["notes"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(read, texts);

    // `convert` from CSV to JSON.
    let json = out.path().join("back.json");
    let outcome = factkit::convert::convert(
        file,
        Some(&json),
        &factkit::convert::Options::default(),
        &mut std::io::sink(),
    )
    .unwrap();
    assert!(outcome.written, "{:#?}", outcome.findings);
    let converted: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let notes: Vec<&str> = converted
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["notes"].as_str().unwrap())
        .collect();
    assert_eq!(notes, texts);
}

/// Made for spreadsheets: the dollar equivalent has its own cells, and every figure its
/// plain exact value, read back with the csv crate.
#[test]
fn csv_of_statistics_has_figures_as_columns() {
    for report in [example(), broken()] {
        let options = Options {
            kind: Some(Kind::Statistic),
            ..Options::default()
        };
        let text = render(&report, Format::Csv, &options);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader.headers().unwrap().clone();
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let get = |id: &str, column: &str| -> String {
            let at = headers.iter().position(|h| h == column).unwrap();
            rows.iter()
                .find(|r| r[1].ends_with(id))
                .unwrap_or_else(|| panic!("no {id}"))[at]
                .to_owned()
        };
        let id = if report.dataset.root.ends_with("broken") {
            "stat-output"
        } else {
            "mining-metallurgy-output"
        };
        assert_eq!(get(id, "value.amount"), "14");
        assert_eq!(get(id, "value.scale"), "trillion");
        assert_eq!(get(id, "value.exact"), "14000000000000");
        assert_eq!(get(id, "equivalent1.amount"), "26.2");
        assert_eq!(get(id, "equivalent1.scale"), "billion");
        assert_eq!(get(id, "equivalent1.currency_or_unit"), "USD");
        assert_eq!(get(id, "equivalent1.exact"), "26200000000");
        assert_eq!(get(id, "equivalent2.amount"), "");
        assert_eq!(get(id, "equivalents.more"), "");
    }
}

#[test]
fn csv_puts_equivalents_past_the_second_in_one_cell() {
    let dir = tempfile::tempdir().unwrap();
    let records = json!([
        {"kind": "source", "id": "src", "title": "T", "url": "https://example.org/", "published": "2025"},
        {"kind": "statistic", "id": "s", "label": "L", "source": "src",
         "value": {"amount": "1.5", "scale": "million", "currency": "EUR"},
         "equivalents": [{"amount": "1.6", "scale": "million", "currency": "USD", "qualifier": "about"},
                         {"amount": "0.5", "unit": "Percent"},
                         {"amount": "2", "scale": "thousand", "unit": "%"},
                         {"amount": "3", "unit": "people"}]}
    ]);
    std::fs::write(dir.path().join("records.json"), records.to_string()).unwrap();
    let report = check(dir.path());
    let options = Options {
        kind: Some(Kind::Statistic),
        ..Options::default()
    };
    let text = render(&report, Format::Csv, &options);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let row = reader.records().next().unwrap().unwrap();
    let cell = |column: &str| &row[headers.iter().position(|h| h == column).unwrap()];
    assert_eq!(cell("value.exact"), "1500000");
    assert_eq!(cell("equivalent1.qualifier"), "about");
    assert_eq!(cell("equivalent1.exact"), "1600000");
    // The unit keeps its spelling.
    assert_eq!(cell("equivalent2.currency_or_unit"), "Percent");
    assert_eq!(cell("equivalent2.exact"), "0.5");
    let more: Value = serde_json::from_str(cell("equivalents.more")).unwrap();
    assert_eq!(
        more,
        json!([{"amount": "2", "scale": "thousand", "unit": "%"}, {"amount": "3", "unit": "people"}])
    );
    assert_eq!(headers.len(), export::csv::columns(Kind::Statistic).len());
}

// ---------------------------------------------------------------------------------------
// ClaimReview as Google reads it (issue 16).

/// Google's documented ClaimReview properties, as (path in the ClaimReview node, required,
/// what Google says). Source: Google Search Central, "Fact check (ClaimReview) structured
/// data", <https://developers.google.com/search/docs/appearance/structured-data/factcheck>,
/// section "Structured data type definitions" (ClaimReview, Claim, Rating). The page's own
/// definitions were not in the reference text at hand (only its introduction); the
/// required properties and their wording are from a copy of those definitions at
/// schemastats.com ("per official Google Search Central documentation": claimReviewed "Try to
/// keep this less than 75 characters"; reviewRating "supports both a numeric and a textual
/// assessment"; url "Link to the page hosting the full article of the fact check"), and the
/// status of each property from Full Fact's summary of the same documentation
/// (fullfact.github.io/markup-investigation, "Basic Usage of Claim Review"). `author.name` is
/// from what the page says of the author ("The name of the organization that is publishing
/// the fact check"), written from memory and matching both summaries.
const GOOGLE_CLAIMREVIEW: &[(&str, bool, &str)] = &[
    (
        "claimReviewed",
        true,
        "a short summary of the claim, less than 75 characters",
    ),
    (
        "reviewRating",
        true,
        "a Rating: the assessment of the claim",
    ),
    (
        "reviewRating.alternateName",
        true,
        "the truthfulness rating in words",
    ),
    ("url", true, "the page hosting the full fact check"),
    (
        "author",
        false,
        "the publisher of the fact check: Organization or Person",
    ),
    ("author.name", false, "its name"),
    ("datePublished", false, "when the fact check was published"),
    ("itemReviewed", false, "a Claim: what was reviewed"),
    (
        "itemReviewed.author",
        false,
        "who made the claim: Organization or Person",
    ),
    ("itemReviewed.author.name", false, "their name"),
    (
        "itemReviewed.datePublished",
        false,
        "when the claim was made",
    ),
    (
        "itemReviewed.appearance",
        false,
        "a work the claim appears in (or firstAppearance)",
    ),
];

/// Rating properties Google recommends when the rating is numeric (an `unverifiable` rating
/// has only `alternateName`): a number to text system, `worstRating` ≤ `ratingValue` ≤
/// `bestRating`.
const GOOGLE_NUMERIC_RATING: [&str; 3] = ["ratingValue", "bestRating", "worstRating"];

/// The properties of Google's table that a ClaimReview node lacks (an empty text or node
/// counts as missing), and what is wrong with the values it has.
fn google_problems(review: &Value) -> Vec<String> {
    let get = |path: &str| {
        path.split('.')
            .try_fold(review, |v, key| v.get(key))
            .filter(|v| {
                !(v.is_null()
                    || v.as_str() == Some("")
                    || v.as_object().is_some_and(|o| o.is_empty()))
            })
    };
    let mut problems: Vec<String> = GOOGLE_CLAIMREVIEW
        .iter()
        .filter(|(path, _, _)| get(path).is_none())
        .map(|(path, required, why)| {
            let status = if *required { "required" } else { "recommended" };
            format!("{status} `{path}` missing ({why})")
        })
        .collect();
    if let Some(claim) = get("claimReviewed").and_then(Value::as_str) {
        if claim.chars().count() >= 75 {
            problems.push(format!(
                "`claimReviewed` is not less than 75 characters: {claim}"
            ));
        }
    }
    for who in ["author", "itemReviewed.author"] {
        if let Some(t) = get(&format!("{who}.@type")) {
            if t != "Person" && t != "Organization" {
                problems.push(format!("`{who}` is a {t}"));
            }
        }
    }
    if get("itemReviewed.@type").is_some_and(|t| t != "Claim") {
        problems.push("`itemReviewed` is not a Claim".into());
    }
    let rating = &review["reviewRating"];
    if rating.get("ratingValue").is_some() {
        let n = |key: &str| rating.get(key).and_then(Value::as_f64);
        match (n("worstRating"), n("ratingValue"), n("bestRating")) {
            (Some(w), Some(v), Some(b)) if w <= v && v <= b => {}
            _ => problems.push(format!(
                "numeric rating without {GOOGLE_NUMERIC_RATING:?} in order: {rating}"
            )),
        }
    }
    problems
}

const LONG_QUOTE: &str = "I support it, because in fact, until the system of checks and \
balances is fully functional, it is difficult to speak of a real parliamentary republic.";

/// A dataset with a review of every kind of record, and one review without `url`, plus
/// `extra` records.
fn reviews_dataset(extra: &[Value]) -> (tempfile::TempDir, Report) {
    let mut records = json!([
        {"kind": "entity", "id": "desk", "type": "organization", "name": "Example Fact-Check Desk"},
        {"kind": "entity", "id": "ada", "type": "person", "name": "Ada Example"},
        {"kind": "entity", "id": "agency", "type": "organization", "name": "Example Statistics Agency"},
        {"kind": "source", "id": "src", "title": "Interview", "publisher": "Example News",
         "url": "https://news.example/interview", "published": "2025-09-10"},
        {"kind": "statement", "id": "quote", "speaker": "ada", "quote": LONG_QUOTE,
         "source": "src", "said_on": "2025-09-09"},
        {"kind": "statement", "id": "para", "speaker": "desk", "paraphrase": "Exports grew.",
         "source": "src", "said_on": "2025-09-09"},
        {"kind": "proposal", "id": "reform", "title": "Reform of the Parliament",
         "proposer": "ada", "status": "proposed", "source": "src", "proposed_on": "2025-09-08",
         "summary": "Dissolve the upper chamber."},
        {"kind": "statistic", "id": "output", "label": "Output", "source": "src",
         "attributed_to": "agency",
         "value": {"amount": "14", "scale": "trillion", "currency": "KZT", "qualifier": "over"}},
        {"kind": "review", "id": "rev-quote", "about": "quote", "rating": "mostly_accurate",
         "reviewer": "desk", "reviewed_on": "2025-09-20", "explanation": "Said so.",
         "url": "https://desk.example/fact-checks/quote"},
        {"kind": "review", "id": "rev-para", "about": "para", "rating": "inaccurate",
         "reviewer": "ada", "reviewed_on": "2025-09-20", "explanation": "No.",
         "url": "https://desk.example/fact-checks/para"},
        {"kind": "review", "id": "rev-reform", "about": "reform", "rating": "accurate",
         "reviewer": "desk", "reviewed_on": "2025-09-20", "explanation": "Yes.",
         "url": "https://desk.example/fact-checks/reform"},
        {"kind": "review", "id": "rev-output", "about": "output", "rating": "unverifiable",
         "reviewer": "desk", "reviewed_on": "2025-09-20", "explanation": "No source.",
         "url": "https://desk.example/fact-checks/output"},
        {"kind": "review", "id": "rev-unpublished", "about": "para", "rating": "misleading",
         "reviewer": "desk", "reviewed_on": "2025-09-21", "explanation": "Not yet out."}
    ]);
    records.as_array_mut().unwrap().extend_from_slice(extra);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("records.json"), records.to_string()).unwrap();
    let report = check(dir.path());
    (dir, report)
}

fn claim_reviews(doc: &str) -> Vec<Value> {
    let doc: Value = serde_json::from_str(doc).unwrap();
    doc["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["@type"] == "ClaimReview")
        .cloned()
        .collect()
}

#[test]
fn jsonld_has_what_google_requires_and_recommends_for_a_claim_review() {
    let (_dir, report) = reviews_dataset(&[]);
    assert_eq!(report.summary.errors, 0, "{:#?}", report.diagnostics);
    // The only warning: the review without `url`.
    let warnings: Vec<&str> = report
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        warnings,
        [
            "review `rev-unpublished` has no `url`: Google shows a fact check in search results \
          only with the `url` of the page that publishes it"
        ],
        "{:#?}",
        report.diagnostics
    );
    assert!(report
        .diagnostics
        .iter()
        .all(|d| d.rule == "missing-recommended"));

    let doc = render(&report, Format::JsonLd, &Options::default());
    let output = assert_jsonld_passes(&doc);
    assert!(
        output.contains("'Claim'") && output.contains("'Quotation'"),
        "{output}"
    );
    let reviews = claim_reviews(&doc);
    assert_eq!(reviews.len(), 5);
    for review in &reviews {
        let problems = google_problems(review);
        if review["identifier"] == "rev-unpublished" {
            // The table check can fail: it finds the one thing missing.
            assert_eq!(
                problems,
                ["required `url` missing (the page hosting the full fact check)"],
                "{review:#}"
            );
        } else {
            assert!(problems.is_empty(), "{problems:#?}\n{review:#}");
        }
    }
    let by_id = |id: &str| reviews.iter().find(|r| r["identifier"] == id).unwrap();

    // Authors and reviewers are nodes with a name, not only links.
    assert_eq!(
        by_id("rev-quote")["author"],
        json!({"@type": "Organization", "@id": "#desk", "name": "Example Fact-Check Desk"})
    );
    assert_eq!(
        by_id("rev-para")["author"],
        json!({"@type": "Person", "@id": "#ada", "name": "Ada Example"})
    );
    assert_eq!(
        by_id("rev-output")["itemReviewed"]["author"]["name"],
        "Example Statistics Agency"
    );
    assert_eq!(
        by_id("rev-reform")["itemReviewed"]["author"]["name"],
        "Ada Example"
    );

    // A long quote is cut for `claimReviewed`; the full text stays in `itemReviewed` and in
    // the statement's own Quotation node.
    let quote = by_id("rev-quote");
    let short = quote["claimReviewed"].as_str().unwrap();
    assert!(
        short.ends_with('…') && short.chars().count() < 75,
        "{short}"
    );
    assert!(
        LONG_QUOTE.starts_with(short.trim_end_matches('…')),
        "{short}"
    );
    assert_eq!(quote["itemReviewed"]["text"], LONG_QUOTE);
    let graph: Value = serde_json::from_str(&doc).unwrap();
    let quotation = graph["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["identifier"] == "quote")
        .unwrap();
    assert_eq!(quotation["@type"], "Quotation");
    assert_eq!(quotation["text"], LONG_QUOTE);
    assert_eq!(quotation["creator"]["name"], "Ada Example");
    // Without a base URL, nothing is left for the JSON-LD notes to report.
    assert!(export::notes(&report, Format::JsonLd, &Options::default()).is_empty());

    // The bundled example's review is not published, so it warns and lacks `url`; its
    // source states no date, so the claim has none either (nothing is invented).
    let example = example();
    assert!(example
        .diagnostics
        .iter()
        .any(|d| d.rule == "missing-recommended"
            && d.message
                .starts_with("review `review-mining-metallurgy-output` has no `url`")));
    for review in claim_reviews(&render(&example, Format::JsonLd, &Options::default())) {
        assert_eq!(
            google_problems(&review),
            [
                "required `url` missing (the page hosting the full fact check)",
                "recommended `itemReviewed.datePublished` missing (when the claim was made)"
            ]
        );
    }
}

/// With `--allow-errors`, a reviewer that is not an entity cannot be named: the link stays,
/// and the export says so.
#[test]
fn jsonld_reports_an_author_it_cannot_name() {
    let (_dir, mut report) = reviews_dataset(&[]);
    for entry in &mut report.dataset.entries {
        if let Some(factkit::model::Record::Review(r)) = &mut entry.record {
            if r.id == "rev-quote" {
                r.reviewer = "nobody".into();
            }
        }
    }
    let doc = render(&report, Format::JsonLd, &Options::default());
    let review = claim_reviews(&doc)
        .into_iter()
        .find(|r| r["identifier"] == "rev-quote")
        .unwrap();
    assert_eq!(review["author"], json!({"@id": "#nobody"}));
    assert_eq!(
        google_problems(&review),
        ["recommended `author.name` missing (its name)"]
    );
    let notes = export::notes(&report, Format::JsonLd, &Options::default());
    assert_eq!(notes.len(), 1, "{notes:#?}");
    assert!(
        notes[0].message.starts_with(
            "the reviewer of `rev-quote` is `nobody`, which is not an entity of the dataset"
        ),
        "{notes:#?}"
    );
}

// ---------------------------------------------------------------------------------------
// Links are http(s) only, in Markdown and HTML, even for URLs that bypass the schema.

/// URLs no export may make a live link of.
const NOT_LINKS: [&str; 6] = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(2)",
    " javascript:alert(3)",
    "data:text/html,<script>alert(4)</script>",
    "vbscript:msgbox(5)",
    "\tjavascript:alert(6)",
];

/// Every link and image destination of a Markdown document, as GitHub-flavoured Markdown
/// (tables, strikethrough, task lists, footnotes, GFM blocks) reads it, and all its text.
fn markdown_links(markdown: &str) -> (Vec<String>, String) {
    use pulldown_cmark::{Event, Options as O, Parser, Tag};
    let options = O::ENABLE_TABLES
        | O::ENABLE_STRIKETHROUGH
        | O::ENABLE_TASKLISTS
        | O::ENABLE_FOOTNOTES
        | O::ENABLE_GFM;
    let mut links = Vec::new();
    let mut text = String::new();
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                links.push(dest_url.to_string())
            }
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::Html(h) | Event::InlineHtml(h) => {
                assert_eq!(&*h, "<br>", "raw HTML in the output: {markdown}")
            }
            _ => {}
        }
    }
    (links, text)
}

/// Every `href` and `src` of an HTML page (attribute values are escaped, so a `"` ends one).
fn html_links(html: &str) -> Vec<String> {
    ["href=\"", "src=\"", "href='", "src='"]
        .iter()
        .flat_map(|attr| {
            html.split(attr)
                .skip(1)
                .map(|rest| rest[..rest.find(['"', '\'']).unwrap()].to_owned())
        })
        .collect()
}

fn is_web_link(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

fn assert_only_web_links(report: &Report) -> (String, String) {
    let md = render(report, Format::Markdown, &Options::default());
    let (links, text) = markdown_links(&md);
    assert!(!links.is_empty(), "the http(s) URLs are links: {md}");
    for link in &links {
        assert!(is_web_link(link), "a Markdown link to {link:?}:\n{md}");
    }
    let html = render(report, Format::Html, &Options::default());
    for link in html_links(&html) {
        assert!(
            is_web_link(&link) || link.starts_with("#only="),
            "an HTML link to {link:?}"
        );
    }
    (text, html)
}

/// The library's render, on records whose URLs were never checked by a schema: every other
/// URL is shown as text, never as a link.
#[test]
fn markdown_and_html_link_only_http_urls_even_past_the_schema() {
    // One source per URL, valid when checked; its URL, the reviews' and the entities'
    // `same_as` are set after the check.
    let sources: Vec<Value> = (0..NOT_LINKS.len())
        .map(|n| {
            json!({"kind": "source", "id": format!("src-{n}"), "title": format!("Source {n}"),
                   "url": "https://news.example/", "published": "2025"})
        })
        .collect();
    let (_dir, mut report) = reviews_dataset(&sources);
    let mut urls = NOT_LINKS.iter().cycle();
    for entry in &mut report.dataset.entries {
        match &mut entry.record {
            Some(factkit::model::Record::Source(s)) if s.id.starts_with("src-") => {
                let n: usize = s.id["src-".len()..].parse().unwrap();
                s.url = Some(NOT_LINKS[n].to_owned());
            }
            Some(factkit::model::Record::Review(r)) if r.url.is_some() => {
                r.url = Some((*urls.next().unwrap()).to_owned())
            }
            Some(factkit::model::Record::Entity(e)) => {
                e.same_as = NOT_LINKS.iter().map(|u| (*u).to_owned()).collect()
            }
            _ => {}
        }
    }
    let (text, html) = assert_only_web_links(&report);
    // Each source's URL is still shown, as text beside its title.
    for (n, url) in NOT_LINKS.iter().enumerate() {
        let shown = format!("Source {n} ({url})").replace('\t', " ");
        assert!(
            text.replace('\t', " ").contains(&shown),
            "{shown:?} not shown as text"
        );
        assert!(html.contains(&format!("Source {n} (")), "{n}");
    }
    // The source with an http(s) URL is a link in both.
    assert!(html.contains("<a href=\"https://news.example/interview\""));
}

/// With `--allow-errors`, records whose URL failed the schema are listed under "Could not be
/// shown", their URLs as text.
#[test]
fn markdown_and_html_link_only_http_urls_with_allow_errors() {
    let mut records = vec![
        json!({"kind": "entity", "id": "desk", "type": "organization", "name": "Desk",
               "same_as": ["javascript:alert(0)"]}),
        json!({"kind": "source", "id": "ok", "title": "Fine", "url": "https://news.example/",
               "published": "2025"}),
        json!({"kind": "statement", "id": "s", "speaker": "desk", "quote": "Q", "source": "ok"}),
    ];
    for (n, url) in NOT_LINKS.iter().enumerate() {
        records.push(
            json!({"kind": "source", "id": format!("src-{n}"), "title": "T",
                            "url": url, "published": "2025"}),
        );
        records.push(
            json!({"kind": "review", "id": format!("rev-{n}"), "about": "s",
                            "rating": "accurate", "reviewer": "desk", "reviewed_on": "2025",
                            "explanation": "E", "url": url}),
        );
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("records.json"),
        Value::Array(records).to_string(),
    )
    .unwrap();
    let report = check(dir.path());
    let unshown: Vec<&str> = report
        .dataset
        .entries
        .iter()
        .filter(|e| e.record.is_none())
        .filter_map(|e| e.id.as_deref())
        .collect();
    assert_eq!(unshown.len(), 1 + 2 * NOT_LINKS.len(), "{unshown:?}");
    let (text, html) = assert_only_web_links(&report);
    assert!(text.contains("Could not be shown"));
    assert!(html.contains("<h2>Could not be shown</h2>"));
    for id in unshown {
        assert!(text.contains(id), "{id} not listed");
    }
}
