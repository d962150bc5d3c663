//! `convert` round trips: every pair of formats and back gives the same records, figure for
//! figure and byte for byte, on random records of every kind and on the example dataset.

use std::path::{Path, PathBuf};

use factkit::convert::{self, Options};
use factkit::model::{Kind, Record};
use factkit::Format;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

const FORMATS: [(Format, &str); 4] = [
    (Format::Json, "json"),
    (Format::JsonLines, "jsonl"),
    (Format::Yaml, "yaml"),
    (Format::Csv, "csv"),
];

/// Converts `from` into a new file of `format` in `dir`; panics with the diagnostics if the
/// conversion is refused.
fn convert_to(from: &Path, dir: &Path, name: &str, format: Format, options: &Options) -> PathBuf {
    let ext = FORMATS.iter().find(|(f, _)| *f == format).unwrap().1;
    let to = dir.join(format!("{name}.{ext}"));
    let outcome = convert::convert(from, Some(&to), options, &mut std::io::sink()).unwrap();
    let messages: Vec<&str> = outcome
        .findings
        .iter()
        .map(|f| f.diagnostic.message.as_str())
        .collect();
    assert!(
        outcome.written,
        "{} -> {name}: {messages:?}",
        from.display()
    );
    assert!(
        messages.is_empty(),
        "{} -> {name}: {messages:?}",
        from.display()
    );
    to
}

/// The text of `records` as convert writes JSON.
fn json_text(records: &[Value]) -> String {
    format!(
        "{}\n",
        serde_json::to_string_pretty(&Value::Array(records.to_vec())).unwrap()
    )
}

/// Every route `json -> a -> b -> json` gives back the same bytes as `json -> json`, and
/// those are `expected` when given.
fn round_trips(
    dir: &Path,
    start_text: &str,
    options: &Options,
    expected: Option<&str>,
) -> Result<(), String> {
    let start = dir.join("start.json");
    std::fs::write(&start, start_text).unwrap();
    let reference = convert_to(&start, dir, "reference", Format::Json, options);
    let baseline = std::fs::read_to_string(reference).unwrap();
    if let Some(expected) = expected {
        if baseline != expected {
            return Err(format!("json -> json changed the text:\n{baseline}"));
        }
    }
    for (a, a_name) in FORMATS {
        let first = convert_to(&start, dir, &format!("a-{a_name}"), a, options);
        for (b, b_name) in FORMATS {
            let second = convert_to(&first, dir, &format!("b-{a_name}-{b_name}"), b, options);
            let back = convert_to(
                &second,
                dir,
                &format!("back-{a_name}-{b_name}"),
                Format::Json,
                options,
            );
            let text = std::fs::read_to_string(&back).unwrap();
            if text != baseline {
                let middle = std::fs::read_to_string(&second).unwrap();
                return Err(format!(
                    "json -> {a_name} -> {b_name} -> json differs\n--- {b_name}\n{middle}\n--- expected\n{baseline}\n--- got\n{text}"
                ));
            }
        }
    }
    Ok(())
}

#[test]
fn figures_survive_every_path() {
    let records = vec![
        json!({"kind": "statistic", "id": "figures", "label": "Ünïcödé “quotes” — 🦀, tenge ₸",
            "value": {"amount": 1.100, "unit": "people"},
            "source": "s",
            "equivalents": [
                {"amount": -0.0, "unit": "percent"},
                {"amount": 12345678901234567890123u128, "currency": "KZT"},
                {"amount": "007", "scale": "million", "currency": "USD"},
                {"amount": "1.100", "currency": "EUR"}
            ],
            "period": "2025", "notes": "=SUM(A1) and a\nnew line, \"quotes\", 'single'",
            "tags": ["no", "true", "2025-09-08", "null", "", "- dash", "@at", "[not a list"]}),
        json!({"kind": "exchange_rate", "id": "rate", "base": "USD", "quote": "KZT",
            "rate": 470.50, "source": "s", "on": "2025-09"}),
    ];
    // serde_json's `json!` goes through f64 for literals: build the figures from text.
    let text = json_text(&records)
        .replace("\"amount\": 1.1,", "\"amount\": 1.100,")
        .replace("\"rate\": 470.5,", "\"rate\": 470.50,");
    let baseline: Vec<Value> = serde_json::from_str(&text).unwrap();
    let baseline = json_text(&baseline);
    assert!(baseline.contains("1.100") && baseline.contains("470.50"));
    assert!(baseline.contains("12345678901234567890123") && baseline.contains("-0.0"));
    let dir = tempfile::tempdir().unwrap();
    round_trips(dir.path(), &baseline, &Options::default(), Some(&baseline)).unwrap();
    // The same with the kind's schema gating every record.
    let dir = tempfile::tempdir().unwrap();
    // (The bundled schema wants non-empty tags.)
    let mut statistic: Vec<Value> = serde_json::from_str(&baseline).unwrap();
    statistic.truncate(1);
    statistic[0]["tags"]
        .as_array_mut()
        .unwrap()
        .retain(|t| t != "");
    let statistic = json_text(&statistic);
    let options = Options {
        kind: Some(Kind::Statistic),
        ..Options::default()
    };
    round_trips(dir.path(), &statistic, &options, Some(&statistic)).unwrap();
}

/// The example dataset, normalised, goes through every pair of formats and comes back as
/// the same bytes.
#[test]
fn example_dataset_round_trips_byte_for_byte() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/kazakhstan-2025");
    let (dataset, findings) = factkit::load(&[root]).unwrap();
    assert!(findings.is_empty(), "{findings:?}");
    let mut by_file: Vec<Vec<Value>> = vec![Vec::new(); dataset.files.len()];
    for entry in &dataset.entries {
        let record = Record::from_value(entry.kind.unwrap(), &entry.value).unwrap();
        by_file[entry.file].push(record.to_value());
    }
    let mut all = Vec::new();
    for (file, records) in dataset.files.iter().zip(&by_file) {
        let dir = tempfile::tempdir().unwrap();
        let normalised = json_text(records);
        round_trips(
            dir.path(),
            &normalised,
            &Options::default(),
            Some(&normalised),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", file.name()));
        all.extend(records.iter().cloned());
    }
    assert_eq!(all.len(), 32);
    // And all kinds in one file.
    let dir = tempfile::tempdir().unwrap();
    let baseline = json_text(&all);
    let start = dir.path().join("start.json");
    std::fs::write(&start, &baseline).unwrap();
    for (format, name) in FORMATS {
        let there = convert_to(
            &start,
            dir.path(),
            &format!("all-{name}"),
            format,
            &Options::default(),
        );
        let back = convert_to(
            &there,
            dir.path(),
            &format!("all-back-{name}"),
            Format::Json,
            &Options::default(),
        );
        let back: Vec<Value> =
            serde_json::from_str(&std::fs::read_to_string(back).unwrap()).unwrap();
        // CSV puts the columns of all kinds in one order, so compare records, not bytes.
        assert_eq!(back, all, "{name}");
    }
}

// Random records of every kind, in the field order of the normalised JSON.

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[A-Za-z][A-Za-z0-9 ,.'-]{0,20}",
        1 => any::<String>(),
        1 => r#"[0-9a-z =+@\-'"\[\]{}:#\r\n\t\\,;é🦀]{0,12}"#,
    ]
}

fn nonempty_text() -> impl Strategy<Value = String> {
    text().prop_filter("non-empty", |s| !s.is_empty())
}

fn id() -> impl Strategy<Value = String> {
    "[a-z0-9][a-z0-9._-]{0,12}"
}

fn date() -> impl Strategy<Value = String> {
    prop_oneof![
        "20[0-2][0-9]",
        "20[0-2][0-9]-0[1-9]",
        "20[0-2][0-9]-0[1-9]-[12][0-8]",
    ]
}

fn decimal() -> impl Strategy<Value = Value> {
    prop_oneof![
        "-?[0-9]{1,25}(\\.[0-9]{1,6})?".prop_map(Value::String),
        "-?(0|[1-9][0-9]{0,25})(\\.[0-9]{1,6})?([eE][+-]?[0-9]{1,2})?"
            .prop_map(|t| Value::Number(t.parse().unwrap())),
    ]
}

fn opt<T: std::fmt::Debug + Clone>(
    s: impl Strategy<Value = T>,
) -> impl Strategy<Value = Option<T>> {
    prop::option::of(s)
}

fn put(map: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(v) = value {
        map.insert(key.into(), v);
    }
}

fn strings(s: impl Strategy<Value = String>) -> impl Strategy<Value = Option<Value>> {
    opt(prop::collection::vec(s, 1..4).prop_map(Value::from))
}

fn quantity() -> impl Strategy<Value = Value> {
    (
        decimal(),
        opt(prop::sample::select(vec![
            "thousand", "million", "billion", "trillion",
        ])),
        prop_oneof![
            prop::sample::select(vec!["KZT", "USD", "EUR"])
                .prop_map(|c| ("currency", c.to_owned())),
            nonempty_text().prop_map(|u| ("unit", u)),
        ],
        opt(prop::sample::select(vec![
            "exact", "about", "over", "under",
        ])),
    )
        .prop_map(|(amount, scale, (key, unit), qualifier)| {
            let mut m = Map::new();
            m.insert("amount".into(), amount);
            put(&mut m, "scale", scale.map(Value::from));
            m.insert(key.into(), Value::from(unit));
            put(&mut m, "qualifier", qualifier.map(Value::from));
            Value::Object(m)
        })
}

fn common(kind: &str, id: String) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("kind".into(), kind.into());
    m.insert("id".into(), id.into());
    m
}

fn finish(mut m: Map<String, Value>, notes: Option<String>, tags: Option<Value>) -> Value {
    put(&mut m, "notes", notes.map(Value::from));
    put(&mut m, "tags", tags);
    Value::Object(m)
}

fn record(kind: Kind) -> BoxedStrategy<Value> {
    let tail = (opt(text()), strings(nonempty_text()));
    match kind {
        Kind::Entity => (
            id(),
            prop::bool::ANY,
            nonempty_text(),
            opt(text()),
            opt(id()),
            opt(prop::sample::select(vec!["KZ", "US"])),
            strings("https://[a-z]{1,8}\\.org/[a-z0-9]{0,6}"),
            tail,
        )
            .prop_map(
                |(i, person, name, role, aff, country, same_as, (notes, tags))| {
                    let mut m = common("entity", i);
                    m.insert(
                        "type".into(),
                        if person { "person" } else { "organization" }.into(),
                    );
                    m.insert("name".into(), name.into());
                    put(&mut m, "role", role.map(Value::from));
                    put(&mut m, "affiliation", aff.map(Value::from));
                    put(&mut m, "country", country.map(Value::from));
                    put(&mut m, "same_as", same_as);
                    finish(m, notes, tags)
                },
            )
            .boxed(),
        Kind::Source => (
            id(),
            nonempty_text(),
            opt(text()),
            opt("https://[a-z]{1,8}\\.kz/[a-z0-9/]{0,8}"),
            opt(date()),
            opt(date()),
            opt("(en|kk|ru-KZ)"),
            tail,
        )
            .prop_map(
                |(i, title, publisher, url, published, retrieved, language, (notes, tags))| {
                    let mut m = common("source", i);
                    m.insert("title".into(), title.into());
                    put(&mut m, "publisher", publisher.map(Value::from));
                    put(&mut m, "url", url.map(Value::from));
                    put(&mut m, "published", published.map(Value::from));
                    put(&mut m, "retrieved", retrieved.map(Value::from));
                    put(&mut m, "language", language.map(Value::from));
                    finish(m, notes, tags)
                },
            )
            .boxed(),
        Kind::Statement => (
            id(),
            id(),
            prop::bool::ANY,
            nonempty_text(),
            id(),
            opt(date()),
            strings(id()),
            tail,
        )
            .prop_map(
                |(i, speaker, verbatim, words, source, said_on, about, (notes, tags))| {
                    let mut m = common("statement", i);
                    m.insert("speaker".into(), speaker.into());
                    m.insert(
                        if verbatim { "quote" } else { "paraphrase" }.into(),
                        words.into(),
                    );
                    m.insert("source".into(), source.into());
                    put(&mut m, "said_on", said_on.map(Value::from));
                    put(&mut m, "about", about);
                    finish(m, notes, tags)
                },
            )
            .boxed(),
        Kind::Proposal => (
            id(),
            nonempty_text(),
            id(),
            prop::sample::select(vec!["proposed", "adopted", "under_discussion"]),
            id(),
            opt(text()),
            opt(date()),
            strings(id()),
            strings(nonempty_text()),
            tail,
        )
            .prop_map(
                |(
                    i,
                    title,
                    proposer,
                    status,
                    source,
                    summary,
                    on,
                    supporters,
                    elements,
                    (notes, tags),
                )| {
                    let mut m = common("proposal", i);
                    m.insert("title".into(), title.into());
                    m.insert("proposer".into(), proposer.into());
                    m.insert("status".into(), status.into());
                    m.insert("source".into(), source.into());
                    put(&mut m, "summary", summary.map(Value::from));
                    put(&mut m, "proposed_on", on.map(Value::from));
                    put(&mut m, "supporters", supporters);
                    put(&mut m, "elements", elements);
                    finish(m, notes, tags)
                },
            )
            .boxed(),
        Kind::Statistic => (
            id(),
            nonempty_text(),
            quantity(),
            id(),
            opt(prop::collection::vec(quantity(), 1..3)),
            opt(date()),
            opt(id()),
            strings(id()),
            opt((id(), id())),
            tail,
        )
            .prop_map(
                |(
                    i,
                    label,
                    value,
                    source,
                    equivalents,
                    period,
                    attributed,
                    sum_of,
                    ratio,
                    (notes, tags),
                )| {
                    let mut m = common("statistic", i);
                    m.insert("label".into(), label.into());
                    m.insert("value".into(), value);
                    m.insert("source".into(), source.into());
                    put(&mut m, "equivalents", equivalents.map(Value::from));
                    put(&mut m, "period", period.map(Value::from));
                    put(&mut m, "attributed_to", attributed.map(Value::from));
                    put(&mut m, "sum_of", sum_of);
                    put(
                        &mut m,
                        "ratio_of",
                        ratio.map(|(n, d)| json!({"numerator": n, "denominator": d})),
                    );
                    finish(m, notes, tags)
                },
            )
            .boxed(),
        Kind::ExchangeRate => (id(), decimal(), id(), prop::bool::ANY, date(), tail)
            .prop_map(|(i, rate, source, on, when, (notes, tags))| {
                let mut m = common("exchange_rate", i);
                m.insert("base".into(), "USD".into());
                m.insert("quote".into(), "KZT".into());
                m.insert("rate".into(), rate);
                m.insert("source".into(), source.into());
                m.insert(if on { "on" } else { "period" }.into(), when.into());
                finish(m, notes, tags)
            })
            .boxed(),
        Kind::Review => (
            id(),
            id(),
            prop::sample::select(vec!["accurate", "misleading", "unverifiable"]),
            id(),
            date(),
            nonempty_text(),
            opt("https://[a-z]{1,8}\\.org"),
            tail,
        )
            .prop_map(
                |(i, about, rating, reviewer, on, explanation, url, (notes, tags))| {
                    let mut m = common("review", i);
                    m.insert("about".into(), about.into());
                    m.insert("rating".into(), rating.into());
                    m.insert("reviewer".into(), reviewer.into());
                    m.insert("reviewed_on".into(), on.into());
                    m.insert("explanation".into(), explanation.into());
                    put(&mut m, "url", url.map(Value::from));
                    finish(m, notes, tags)
                },
            )
            .boxed(),
    }
}

fn records() -> impl Strategy<Value = Vec<Value>> {
    prop::sample::select(Kind::ALL.to_vec())
        .prop_flat_map(|kind| prop::collection::vec(record(kind), 1..4))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Random records of one kind through every pair of formats and back: the same bytes.
    #[test]
    fn random_records_round_trip(records in records()) {
        let dir = tempfile::tempdir().unwrap();
        let result = round_trips(dir.path(), &json_text(&records), &Options::default(), None);
        prop_assert!(result.is_ok(), "{}", result.unwrap_err());
    }
}

/// A desk can keep its records in YAML or CSV instead of JSON and get the same checks: the
/// broken example, converted file by file, gives the same findings on the same records and
/// fields.
#[test]
fn the_same_findings_in_every_format() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/broken");
    let config = factkit::Config {
        as_of: factkit::model::PartialDate::parse("2026-11-28")
            .unwrap()
            .first(),
        ..factkit::Config::default()
    };
    let findings = |dir: &Path| {
        let report = factkit::check(&[dir.to_path_buf()], &config).unwrap();
        for d in &report.diagnostics {
            let location = d.location.as_ref().expect("every finding is located");
            if location.file.ends_with(".csv") {
                assert!(location.cell.is_some(), "{d:?}");
            }
        }
        let mut all: Vec<String> = report
            .diagnostics
            .iter()
            // A syntax error's file and place are the JSON file's own.
            .filter(|d| d.rule != "syntax")
            .map(|d| {
                // Messages that name a file name it in its own format.
                let mut message = d.message.replace(&dir.display().to_string(), "DIR");
                for ext in [".jsonl", ".json", ".yaml", ".csv"] {
                    message = message.replace(ext, ".EXT");
                }
                format!(
                    "{} {:?} {message} {:?} {:?}",
                    d.rule, d.record, d.pointer, d.expected
                )
            })
            .collect();
        all.sort();
        all
    };
    let expected = findings(&root);
    assert!(expected.len() > 10, "{expected:?}");
    for (format, ext) in [(Format::Yaml, "yaml"), (Format::Csv, "csv")] {
        let dir = tempfile::tempdir().unwrap();
        for entry in std::fs::read_dir(&root).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            match path.extension().and_then(|e| e.to_str()) {
                Some("json" | "jsonl") if name != "syntax-error" => {
                    convert_to(&path, dir.path(), &name, format, &Options::default());
                }
                _ if path.is_dir() => copy_dir(&path, &dir.path().join(path.file_name().unwrap())),
                _ => {
                    std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
                }
            }
        }
        assert_eq!(findings(dir.path()), expected, "{ext}");
    }
}

/// Copies a folder (the archived texts of `examples/broken`) with everything in it.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

// --- Issue 11: convert reads CSV as check does, in linear time, within the ceilings ---

/// The records `check` reads from the CSV file `path`, and the findings' messages.
fn checked_records(path: &Path) -> (Vec<Value>, Vec<String>) {
    let (dataset, findings) = factkit::load(&[path.to_path_buf()]).unwrap();
    let records = dataset.entries.into_iter().map(|e| e.value).collect();
    (records, findings.into_iter().map(|d| d.message).collect())
}

/// Converts `path` to JSON Lines in memory: the records and the findings' messages.
fn converted_records(path: &Path, options: &Options) -> (Vec<Value>, Vec<String>, bool) {
    let options = Options {
        to: Some(Format::JsonLines),
        ..options.clone()
    };
    let mut out = Vec::new();
    let outcome = convert::convert(path, None, &options, &mut out).unwrap();
    let records = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let messages = outcome
        .findings
        .iter()
        .map(|f| f.diagnostic.message.clone())
        .collect();
    (records, messages, outcome.written)
}

/// A bare carriage return ends a CSV row for `convert` as for `check`: no row is lost,
/// and the previous output is replaced by every record (issue 11: 0 were written).
#[test]
fn convert_reads_csv_rows_as_check_does() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "cr.csv",
            "kind,id,type,name\rentity,a,person,A\rentity,b,person,B\r",
        ),
        (
            "mixed.csv",
            "kind,id,type,name\nentity,a,person,A\rentity,b,person,B\nentity,c,person,C\r\n",
        ),
        (
            "quoted.csv",
            "\u{feff}kind,id,type,name\r\nentity,a,person,\"A\rB\nC\"\rentity,b,person,B",
        ),
    ];
    for (name, text) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let (expected, findings) = checked_records(&path);
        assert!(findings.is_empty(), "{name}: {findings:?}");
        assert!(expected.len() >= 2, "{name}");
        let (records, messages, written) = converted_records(&path, &Options::default());
        assert!(written && messages.is_empty(), "{name}: {messages:?}");
        assert_eq!(records, expected, "{name}");
    }
    let previous = dir.path().join("prev.jsonl");
    std::fs::write(&previous, "previous\n").unwrap();
    let outcome = convert::convert(
        &dir.path().join("cr.csv"),
        Some(&previous),
        &Options::default(),
        &mut std::io::sink(),
    )
    .unwrap();
    assert_eq!(outcome.records, 2);
    let written = std::fs::read_to_string(&previous).unwrap();
    assert_eq!(written.lines().count(), 2, "{written}");
}

/// A finding in a row after a bare carriage return is placed where `check` places it.
#[test]
fn convert_places_csv_findings_as_check_does() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.csv");
    std::fs::write(
        &path,
        "kind,id,type,name\nentity,a,person,A\rentity,b,person\nentity,c,person,C\n",
    )
    .unwrap();
    let (dataset, findings) = factkit::load(std::slice::from_ref(&path)).unwrap();
    drop(dataset);
    let expected = findings[0].location.clone().unwrap();
    let outcome = convert::convert(
        &path,
        None,
        &Options {
            to: Some(Format::Json),
            ..Options::default()
        },
        &mut std::io::sink(),
    )
    .unwrap();
    assert!(!outcome.written);
    let got = outcome.findings[0].diagnostic.location.clone().unwrap();
    assert_eq!(
        (got.line, got.column, got.cell.clone()),
        (expected.line, expected.column, expected.cell.clone())
    );
    assert_eq!((got.line, got.column), (2, 34));
    // The finding's text starts where its line does, so the excerpt is the whole line.
    let source = &outcome.findings[0].source;
    assert_eq!(&source[got.span.clone()], "");
    assert!(source.starts_with("entity,a,person,A\r"), "{source:?}");
}

/// The CSV reader looks at each byte once. On main it rescanned the open row at every
/// line: 1 MB after one stray `"` took 27 s (release), so these 2 MB would take minutes;
/// and a quoted cell of 100,000 lines (old: 6 s for 25,000, quadratic) the same.
#[test]
fn convert_reads_open_quotes_and_long_cells_in_linear_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut stray = String::from("kind,id,type,name\nentity,\"a,person,A\n");
    let mut i = 0;
    while stray.len() < 2_000_000 {
        stray.push_str(&format!("entity,x{i},person,X\n"));
        i += 1;
    }
    let path = dir.path().join("stray.csv");
    std::fs::write(&path, &stray).unwrap();
    let (_, messages, written) = converted_records(&path, &Options::default());
    assert!(!written);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].contains("never closed"), "{messages:?}");
    let (_, check_messages) = checked_records(&path);
    assert_eq!(check_messages, messages);

    let cell: Vec<String> = (0..100_000).map(|i| format!("line {i}")).collect();
    let cell = cell.join("\n");
    let text = format!("kind,id,type,name\nentity,a,person,\"{cell}\"\n");
    let path = dir.path().join("cell.csv");
    std::fs::write(&path, text).unwrap();
    let (records, messages, written) = converted_records(&path, &Options::default());
    assert!(written, "{messages:?}");
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["name"], Value::String(cell));
}

/// `max_file_size` holds for convert's input: a one-line JSON array over it is refused
/// before it is read (issue 11: 1 GB aborted at 8 GB), naming the ceiling and how to raise
/// it; nothing is written and no temporary file is left.
#[test]
fn convert_refuses_an_input_over_max_file_size() {
    let dir = tempfile::tempdir().unwrap();
    let records: Vec<Value> = (0..100)
        .map(|i| json!({"kind": "entity", "id": format!("e{i}"), "type": "person", "name": "N"}))
        .collect();
    let path = dir.path().join("big.json");
    std::fs::write(&path, serde_json::to_string(&records).unwrap()).unwrap();
    let previous = dir.path().join("out.jsonl");
    std::fs::write(&previous, "previous\n").unwrap();
    let mut options = Options::default();
    options.limits.max_file_size = 1000;
    let outcome = convert::convert(&path, Some(&previous), &options, &mut std::io::sink()).unwrap();
    assert!(!outcome.written);
    assert_eq!(outcome.errors, 1);
    let d = &outcome.findings[0].diagnostic;
    assert_eq!(d.rule, "limit");
    assert!(
        d.message
            .contains("over the ceiling of 1,000 bytes (`max_file_size`)"),
        "{}",
        d.message
    );
    assert!(d
        .help
        .as_deref()
        .unwrap_or("")
        .contains("max_file_size = BYTES"));
    assert_eq!(std::fs::read_to_string(&previous).unwrap(), "previous\n");
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with(".factkit-")),
        "{names:?}"
    );
    // Within the ceiling, the same file converts.
    options.limits.max_file_size = 1_000_000;
    let outcome = convert::convert(&path, Some(&previous), &options, &mut std::io::sink()).unwrap();
    assert!(outcome.written);
    assert_eq!(outcome.records, 100);
}

// --- Issue 12: a CSV file without its header row ---

/// A CSV file whose header row is missing was converted with its first record taken as the
/// header: `entity,a,person,A` became the column names, one record came out instead of two,
/// and the run exited 0. `convert` now holds the header to what `check` requires of a
/// dataset file (an `id` column; a `kind` column unless `--kind`), with the same finding at
/// the same place, and writes nothing. With `--schema` the columns are the schema's to
/// judge, as for `check --schema`.
#[test]
fn convert_refuses_a_csv_file_without_its_header_row_as_check_does() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nohead.csv");
    std::fs::write(&path, "entity,a,person,A\nentity,b,person,B\n").unwrap();
    let (_, check_messages) = checked_records(&path);
    assert_eq!(check_messages.len(), 1, "{check_messages:?}");
    assert!(
        check_messages[0].contains("no `id` column"),
        "{check_messages:?}"
    );
    let kind = Options {
        kind: Some(Kind::Entity),
        ..Options::default()
    };
    for options in [Options::default(), kind] {
        let previous = dir.path().join("out.jsonl");
        std::fs::write(&previous, "previous\n").unwrap();
        let outcome =
            convert::convert(&path, Some(&previous), &options, &mut std::io::sink()).unwrap();
        assert!(!outcome.written);
        assert_eq!(outcome.errors, 1);
        assert_eq!(outcome.records, 0);
        let messages: Vec<&str> = outcome
            .findings
            .iter()
            .map(|f| f.diagnostic.message.as_str())
            .collect();
        assert_eq!(messages, check_messages, "{:?}", options.kind);
        let at = outcome.findings[0].diagnostic.location.clone().unwrap();
        assert_eq!((at.line, at.column), (1, 1));
        assert_eq!(std::fs::read_to_string(&previous).unwrap(), "previous\n");
    }
    // A header without `kind` needs `--kind`, as for `check`; with it the rows convert.
    let people = dir.path().join("people.csv");
    std::fs::write(&people, "id,type,name\na,person,A\nb,person,B\n").unwrap();
    let (_, messages, written) = converted_records(&people, &Options::default());
    assert!(!written);
    assert_eq!(messages, checked_records(&people).1);
    assert!(messages[0].contains("no `kind` column"), "{messages:?}");
    let kind = Options {
        kind: Some(Kind::Entity),
        ..Options::default()
    };
    let (records, messages, written) = converted_records(&people, &kind);
    assert!(written, "{messages:?}");
    assert_eq!(records.len(), 2);
}
