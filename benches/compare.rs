//! The project's benchmark: factkit against the tools a desk would otherwise pick.
//!
//! `cargo bench --bench compare` (options after `--`):
//!
//! - `--sizes 10000,100000,1000000` record counts (default: those three);
//! - `--runs 3` timed runs per command (the median is reported);
//! - `--quick` is `--sizes 10000 --runs 1`;
//! - `--only convert` times the floor and the conversions alone (factkit's and Miller's),
//!   for a run at 1M records without the memory `check`, `export` and the validators take;
//!   `--only export` times the floor, `factkit check` on the clean file (what an export holds
//!   before it writes) and the exports to Markdown and to CSV (one file per kind) alone.
//!
//! For each size it writes a deterministic (seeded) dataset of mixed statement, proposal and
//! statistic records in factkit's format, as JSON Lines, with a known number of planted
//! defects of every rule, to `target/bench-data/`. It then times, on the same file:
//!
//! - the floor: every line parsed into a `serde_json::Value` on one thread (`bench/floor`,
//!   plain serde_json);
//! - `factkit check` (bundled schemas and all rules), and checks that every planted defect
//!   was reported, rule by rule;
//! - `factkit convert` JSON Lines to CSV and that CSV back to JSON Lines, and `factkit
//!   export --to markdown` and `--to csv`, when this build has those commands;
//! - when installed: the Rust `jsonschema-cli`, `ajv` (ajv-cli) and `check-jsonschema` on the
//!   same records wrapped as one array, against the same bundled schemas inlined into one
//!   document, and Miller (`mlr`) converting the JSON Lines to CSV and Markdown and the CSV
//!   back to JSON Lines.
//!
//! It prints wall-clock medians, peak resident memory (from `wait4`) and ratios to the floor
//! as a Markdown table. Nothing here asserts a time: the numbers are for people to read and
//! for `BENCHMARKS.md`.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "the benchmark prints its table and progress for people"
)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A small deterministic generator (SplitMix64), so the data needs no `rand` crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const ENTITIES: usize = 1000;
const SOURCES: usize = 500;
/// Sources below this index are published in 2025 (covered by monthly rate records); the
/// others in 2024 (no rate record: `implied-rate` applies).
const SOURCES_2025: usize = 250;
const WORDS: [&str; 16] = [
    "budget",
    "reform",
    "output",
    "investment",
    "region",
    "council",
    "growth",
    "exports",
    "minister",
    "report",
    "agreement",
    "capacity",
    "sector",
    "policy",
    "review",
    "survey",
];

/// Rate of month `m` (1–12) of 2025, in tenths of a tenge per dollar.
fn rate_tenths(m: usize) -> u128 {
    4650 + 10 * m as u128
}

/// The rate every 2024 source converts at, in tenths.
const RATE_2024_TENTHS: u128 = 4500;

/// `q / d` rounded half up to three significant digits, as an integer.
fn round3(q: u128, d: u128) -> u128 {
    let exact = q / d;
    let digits = exact.to_string().len() as u32;
    let p = 10u128.pow(digits.saturating_sub(3));
    (2 * q + p * d) / (2 * p * d) * p
}

/// A dollar figure in millions for `a` hundredths of a trillion tenge at `rate` tenths.
fn usd_millions(a: u128, rate: u128) -> u128 {
    // a/100 × 10^12 tenge ÷ (rate/10) tenge per dollar ÷ 10^6 = a × 10^5 / rate millions
    round3(a * 100_000, rate)
}

fn source_date(s: usize) -> (usize, usize, usize) {
    let year = if s < SOURCES_2025 { 2025 } else { 2024 };
    (year, 1 + s % 12, 1 + s % 28)
}

fn words(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| WORDS[rng.below(16) as usize])
        .collect::<Vec<_>>()
        .join(" ")
}

/// What the generator planted: findings expected per rule.
type Planted = BTreeMap<&'static str, usize>;

struct Generator<W: Write> {
    out: W,
    rng: Rng,
    written: usize,
    planted: Planted,
    last_statement: Option<String>,
}

impl<W: Write> Generator<W> {
    fn line(&mut self, text: &str) {
        self.out.write_all(text.as_bytes()).unwrap();
        self.out.write_all(b"\n").unwrap();
        self.written += 1;
    }

    fn header(&mut self) {
        for i in 0..ENTITIES {
            let kind = if i % 10 == 0 {
                "organization"
            } else {
                "person"
            };
            self.line(&format!(
                r#"{{"kind":"entity","id":"entity-{i}","type":"{kind}","name":"Entity {i}","role":"Spokesperson"}}"#
            ));
        }
        for s in 0..SOURCES {
            let (y, m, d) = source_date(s);
            // Every 50th source has no URL: one `missing-recommended` warning each.
            let url = if s % 50 == 49 {
                String::new()
            } else {
                format!(r#","url":"https://news.example/{s}""#)
            };
            if s % 50 == 49 {
                *self.planted.entry("missing-recommended").or_default() += 1;
            }
            self.line(&format!(
                r#"{{"kind":"source","id":"source-{s}","title":"Report {s}","publisher":"Example News"{url},"published":"{y}-{m:02}-{d:02}"}}"#
            ));
        }
        for m in 1..=12 {
            let r = rate_tenths(m);
            self.line(&format!(
                r#"{{"kind":"exchange_rate","id":"usd-kzt-2025-{m:02}","base":"USD","quote":"KZT","rate":"{}.{}","period":"2025-{m:02}","source":"source-0"}}"#,
                r / 10,
                r % 10
            ));
        }
    }

    fn statement(
        &mut self,
        id: &str,
        speaker: &str,
        source: usize,
        said_on: Option<String>,
        tail: &str,
    ) {
        let quote = words(&mut self.rng, 14);
        let notes = words(&mut self.rng, 20);
        let said = said_on
            .map(|d| format!(r#","said_on":"{d}""#))
            .unwrap_or_default();
        self.line(&format!(
            r#"{{"kind":"statement","id":"{id}","speaker":"{speaker}","quote":"The {quote}.","source":"source-{source}"{said},"notes":"{notes}"{tail}}}"#
        ));
    }

    fn statistic(&mut self, id: &str, source: usize, value: &str, equivalents: &str, extra: &str) {
        let label = words(&mut self.rng, 6);
        let notes = words(&mut self.rng, 18);
        self.line(&format!(
            r#"{{"kind":"statistic","id":"{id}","label":"{label}","value":{value}{equivalents},"source":"source-{source}"{extra},"notes":"{notes}"}}"#
        ));
    }

    /// A KZT statistic with a USD equivalent consistent with its source's rate, times `factor`.
    fn converted(&mut self, id: &str, source: usize, factor: u128) {
        let a = 100 + self.rng.below(900) as u128; // hundredths of a trillion
        let (_, m, _) = source_date(source);
        let rate = if source < SOURCES_2025 {
            rate_tenths(m)
        } else {
            RATE_2024_TENTHS
        };
        let usd = usd_millions(a, rate) * factor;
        let value = format!(
            r#"{{"amount":"{}.{:02}","scale":"trillion","currency":"KZT"}}"#,
            a / 100,
            a % 100
        );
        let eq =
            format!(r#","equivalents":[{{"amount":"{usd}","scale":"million","currency":"USD"}}]"#);
        self.statistic(id, source, &value, &eq, "");
    }

    fn normal(&mut self, i: usize) {
        let source = self.rng.below(SOURCES as u64) as usize;
        let (y, m, d) = source_date(source);
        match self.rng.below(10) {
            0..=3 => {
                let id = format!("statement-{i}");
                let speaker = format!("entity-{}", self.rng.below(ENTITIES as u64));
                self.statement(
                    &id,
                    &speaker,
                    source,
                    Some(format!("{y}-{m:02}-{d:02}")),
                    "",
                );
                self.last_statement = Some(id);
            }
            4..=5 => {
                let title = words(&mut self.rng, 5);
                let summary = words(&mut self.rng, 30);
                let proposer = self.rng.below(ENTITIES as u64);
                self.line(&format!(
                    r#"{{"kind":"proposal","id":"proposal-{i}","title":"{title}","proposer":"entity-{proposer}","status":"proposed","source":"source-{source}","proposed_on":"{y}-{m:02}-{d:02}","summary":"{summary}","elements":["{title}"]}}"#
                ));
            }
            _ => self.converted(&format!("statistic-{i}"), source, 1),
        }
    }

    fn defect(&mut self, i: usize, which: usize) {
        let plant = |g: &mut Self, rule: &'static str| *g.planted.entry(rule).or_default() += 1;
        match which {
            0 => {
                plant(self, "syntax");
                self.line(&format!(
                    r#"{{"kind":"entity","id":"broken-{i}","type":"person","name":"Broken",}}"#
                ));
            }
            1 => {
                plant(self, "schema");
                self.statistic(
                    &format!("bad-currency-{i}"),
                    0,
                    r#"{"amount":"14","scale":"trillion","currency":"KZ"}"#,
                    "",
                    "",
                );
            }
            2 => {
                let Some(id) = self.last_statement.clone() else {
                    return self.normal(i);
                };
                plant(self, "duplicate-id");
                self.statement(&id, "entity-1", 1, None, "");
            }
            3 => {
                plant(self, "unknown-reference");
                self.statement(&format!("orphan-{i}"), &format!("nobody-{i}"), 1, None, "");
            }
            4 => {
                plant(self, "date-order");
                let source = self.rng.below(SOURCES_2025 as u64) as usize;
                let (y, m, d) = source_date(source);
                self.statement(
                    &format!("late-{i}"),
                    "entity-2",
                    source,
                    Some(format!("{y}-{m:02}-{:02}", d + 1)),
                    "",
                );
            }
            5 => {
                plant(self, "conversion");
                let source = self.rng.below(SOURCES_2025 as u64) as usize;
                self.converted(&format!("misconverted-{i}"), source, 2);
            }
            6 => {
                plant(self, "implied-rate");
                let source =
                    SOURCES_2025 + self.rng.below((SOURCES - SOURCES_2025) as u64) as usize;
                // Two consistent conversions first, so the planted one is the odd one out.
                self.converted(&format!("implied-a-{i}"), source, 1);
                self.converted(&format!("implied-b-{i}"), source, 1);
                self.converted(&format!("implied-wrong-{i}"), source, 2);
            }
            7 => {
                plant(self, "sum");
                let usd =
                    |a: &str| format!(r#"{{"amount":"{a}","scale":"billion","currency":"USD"}}"#);
                self.statistic(&format!("part-a-{i}"), 3, &usd("4.1"), "", "");
                self.statistic(&format!("part-b-{i}"), 3, &usd("5.2"), "", "");
                let parts = format!(r#","sum_of":["part-a-{i}","part-b-{i}"]"#);
                self.statistic(&format!("total-{i}"), 3, &usd("10.4"), "", &parts);
            }
            8 => {
                plant(self, "ratio");
                let kzt =
                    |a: &str| format!(r#"{{"amount":"{a}","scale":"trillion","currency":"KZT"}}"#);
                self.statistic(&format!("numerator-{i}"), 3, &kzt("3.1"), "", "");
                self.statistic(&format!("denominator-{i}"), 3, &kzt("10.0"), "", "");
                let ratio = format!(
                    r#","ratio_of":{{"numerator":"numerator-{i}","denominator":"denominator-{i}"}}"#
                );
                self.statistic(
                    &format!("share-{i}"),
                    3,
                    r#"{"amount":"45","unit":"percent"}"#,
                    "",
                    &ratio,
                );
            }
            _ => {
                plant(self, "percent-range");
                self.statistic(
                    &format!("share-{i}"),
                    3,
                    r#"{"amount":"130","unit":"percent"}"#,
                    "",
                    "",
                );
            }
        }
    }
}

/// Writes `n` records (give or take a few at the end) to `path`, with planted defects or
/// without (for the conversion and export timings); returns the planted counts.
fn generate(n: usize, path: &Path, defects: bool) -> Planted {
    let file = std::fs::File::create(path).unwrap();
    let mut g = Generator {
        out: BufWriter::new(file),
        rng: Rng(42),
        written: 0,
        planted: Planted::new(),
        last_statement: None,
    };
    g.header();
    let mut i = 0;
    while g.written < n {
        if defects && i % 997 == 996 {
            g.defect(i, (i / 997) % 10);
        } else {
            g.normal(i);
        }
        i += 1;
    }
    g.out.flush().unwrap();
    g.planted
}

/// Wall time and peak resident memory of one run of a command.
struct Run {
    wall: Duration,
    max_rss_kib: i64,
    status: i32,
    stdout: Vec<u8>,
}

#[allow(clippy::zombie_processes)] // reaped by `wait4` below, to read its peak memory
fn run(cmd: &mut Command) -> Run {
    // A child's peak memory (`ru_maxrss`) counts the pages it shared with this process before
    // `exec`, so the peak is taken from GNU time, a small process that runs the command,
    // when the machine has it; otherwise from `wait4` (then it includes this process's size).
    let report = std::env::temp_dir().join(format!("factkit-bench-{}.rss", std::process::id()));
    let timed = Path::new(GNU_TIME).exists();
    let mut wrapped;
    let cmd = if timed {
        wrapped = Command::new(GNU_TIME);
        wrapped
            .arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(&report)
            .arg(cmd.get_program())
            .args(cmd.get_args());
        &mut wrapped
    } else {
        cmd
    };
    let start = Instant::now();
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let mut stdout = Vec::new();
    if let Some(mut out) = child.stdout {
        std::io::Read::read_to_end(&mut out, &mut stdout).unwrap();
    }
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet reaped (std's Child was not waited on).
    unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    let max_rss_kib = if timed {
        std::fs::read_to_string(&report)
            .ok()
            .and_then(|t| t.lines().last().and_then(|l| l.trim().parse().ok()))
            .unwrap_or(-1)
    } else {
        usage.ru_maxrss
    };
    Run {
        wall,
        max_rss_kib,
        status: if libc::WIFEXITED(status) {
            libc::WEXITSTATUS(status)
        } else {
            -1
        },
        stdout,
    }
}

/// GNU time, which reports a command's own peak resident memory.
const GNU_TIME: &str = "/usr/bin/time";

/// Median wall time and the largest peak memory over `runs` runs.
fn measure(runs: usize, make: &dyn Fn() -> Command) -> (Duration, i64, Run) {
    let mut all: Vec<Run> = (0..runs).map(|_| run(&mut make())).collect();
    all.sort_by_key(|r| r.wall);
    let rss = all.iter().map(|r| r.max_rss_kib).max().unwrap_or(0);
    let median = all[all.len() / 2].wall;
    (median, rss, all.swap_remove(0))
}

fn on_path(name: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {name}"))
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn build() -> (PathBuf, PathBuf) {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet"])
        .current_dir(root())
        .status()
        .unwrap();
    assert!(status.success(), "cargo build --release failed");
    let floor_dir = root().join("bench/floor");
    let target = root().join("target/bench-floor");
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet", "--manifest-path"])
        .arg(floor_dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        .status()
        .unwrap();
    assert!(status.success(), "building bench/floor failed");
    (
        root().join("target/release/factkit"),
        target.join("release/factkit-bench-floor"),
    )
}

/// The bundled schemas inlined into one document that validates an array of records, for
/// validators without factkit's registry (they read the records wrapped as one array).
fn bundled_schema(dir: &Path) -> PathBuf {
    let read = |name: &str| -> serde_json::Value {
        let path = root().join("schemas").join(format!("{name}.json"));
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    let mut defs = serde_json::Map::new();
    for name in [
        "record",
        "defs",
        "entity",
        "source",
        "statement",
        "proposal",
        "statistic",
        "exchange_rate",
        "review",
    ] {
        defs.insert(format!("factkit-{name}"), read(name));
    }
    let schema = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://schemas.factkit.example/v1/records.json",
        "type": "array",
        "items": {"$ref": "record.json"},
        "$defs": defs,
    });
    let path = dir.join("records-bundled.schema.json");
    std::fs::write(&path, serde_json::to_string(&schema).unwrap()).unwrap();
    path
}

/// The bundled schemas as files beside each other, for `factkit check --schema` on JSON
/// Lines (each line an instance of `record.json`; its `$ref`s resolve to the sibling files).
fn record_schema(dir: &Path) -> PathBuf {
    let schemas = dir.join("schemas");
    std::fs::create_dir_all(&schemas).unwrap();
    for entry in std::fs::read_dir(root().join("schemas")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            std::fs::copy(&path, schemas.join(path.file_name().unwrap())).unwrap();
        }
    }
    schemas.join("record.json")
}

fn as_array(jsonl: &Path) -> PathBuf {
    let out = jsonl.with_extension("array.json");
    if !out.exists() {
        // Streamed, so this process stays small while it measures others.
        let input = std::io::BufReader::new(std::fs::File::open(jsonl).unwrap());
        let mut w = BufWriter::new(std::fs::File::create(&out).unwrap());
        w.write_all(b"[").unwrap();
        let mut first = true;
        for line in std::io::BufRead::lines(input) {
            let line = line.unwrap();
            if serde_json::from_str::<serde_json::Value>(&line).is_err() {
                continue;
            }
            if !first {
                w.write_all(b",\n").unwrap();
            }
            first = false;
            w.write_all(line.as_bytes()).unwrap();
        }
        w.write_all(b"]\n").unwrap();
        w.flush().unwrap();
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut sizes = vec![10_000usize, 100_000, 1_000_000];
    let mut runs = 3;
    let mut only_convert = false;
    let mut only_export = false;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--quick" => {
                sizes = vec![10_000];
                runs = 1;
            }
            "--sizes" => {
                i += 1;
                sizes = args[i]
                    .split(',')
                    .map(|s| s.trim().parse().expect("--sizes takes numbers"))
                    .collect();
            }
            "--runs" => {
                i += 1;
                runs = args[i].parse().expect("--runs takes a number");
            }
            "--only" => {
                i += 1;
                match args[i].as_str() {
                    "convert" => only_convert = true,
                    "export" => only_export = true,
                    other => panic!("--only takes `convert` or `export`, not `{other}`"),
                }
            }
            // `cargo bench` passes `--bench`; anything else is ignored the same way.
            _ => {}
        }
        i += 1;
    }
    let (factkit, floor) = build();
    let dir = root().join("target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    // The generated files outgrow the default ceilings (a 100 MiB file, 1,000 printed
    // findings): raised here the way a desk with bulk files raises them.
    std::fs::write(
        dir.join("factkit.toml"),
        "[limits]\nmax_file_size = 4294967296\nmax_diagnostics = 0\n",
    )
    .unwrap();
    let schema = bundled_schema(&dir);
    let one_schema = record_schema(&dir);
    let help = String::from_utf8(
        Command::new(&factkit)
            .arg("--help")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let has = |cmd: &str| help.lines().any(|l| l.trim_start().starts_with(cmd));
    let mut table = String::new();
    let mut missed = 0;
    writeln!(
        table,
        "| records | command | median wall | peak memory | vs floor | records/s |"
    )
    .unwrap();
    writeln!(table, "|---:|---|---:|---:|---:|---:|").unwrap();
    for &n in &sizes {
        let data = dir.join(format!("records-{n}.jsonl"));
        let planted = generate(n, &data, true);
        let clean = dir.join(format!("records-{n}-clean.jsonl"));
        generate(n, &clean, false);
        let bytes = std::fs::metadata(&data).unwrap().len();
        eprintln!("{n} records, {:.1} MB: {planted:?}", bytes as f64 / 1e6);
        let mut rows: Vec<(String, Duration, i64)> = Vec::new();
        let (floor_wall, floor_rss, _) = measure(runs, &|| {
            let mut c = Command::new(&floor);
            c.arg(&data);
            c
        });
        rows.push((
            "serde_json parse (floor, 1 thread)".into(),
            floor_wall,
            floor_rss,
        ));
        if only_export {
            let (wall, rss, _) = measure(runs, &|| {
                let mut c = Command::new(&factkit);
                c.args(["check", "--format", "json", "--as-of", "2026-11-28"])
                    .arg(&clean);
                c
            });
            rows.push((
                "factkit check (clean file, before export)".into(),
                wall,
                rss,
            ));
        }
        // `check` on the planted file, and every planted defect reported, rule by rule.
        if !only_convert && !only_export {
            let (wall, rss, last) = measure(runs, &|| {
                let mut c = Command::new(&factkit);
                c.args(["check", "--format", "json", "--as-of", "2026-11-28"])
                    .arg(&data);
                c
            });
            rows.push(("factkit check (schemas + all rules)".into(), wall, rss));
            let (wall, rss, _) = measure(runs, &|| {
                let mut c = Command::new(&factkit);
                c.args(["check", "--format", "json", "--schema"])
                    .arg(&one_schema)
                    .arg(&data);
                c
            });
            rows.push((
                "factkit check --schema (generic, schemas only)".into(),
                wall,
                rss,
            ));
            // Every planted defect reported, rule by rule.
            let mut found: BTreeMap<String, usize> = BTreeMap::new();
            for line in String::from_utf8_lossy(&last.stdout).lines() {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                *found
                    .entry(v["rule"].as_str().unwrap().to_owned())
                    .or_default() += 1;
            }
            for (rule, want) in &planted {
                let got = found.get(*rule).copied().unwrap_or(0);
                let mark = if got == *want {
                    "ok"
                } else {
                    missed += 1;
                    "MISMATCH"
                };
                eprintln!("  {rule}: planted {want}, reported {got} {mark}");
            }
            for (rule, got) in &found {
                if !planted.contains_key(rule.as_str()) {
                    missed += 1;
                    eprintln!("  {rule}: planted 0, reported {got} MISMATCH");
                }
            }
            assert_eq!(
                last.status, 1,
                "factkit check should exit 1 on the planted defects"
            );
        }
        if has("convert") && !only_export {
            let out = dir.join(format!("records-{n}.csv"));
            let (wall, rss, _) = measure(runs, &|| {
                let mut c = Command::new(&factkit);
                c.arg("convert").arg(&clean).arg("-o").arg(&out);
                c
            });
            rows.push(("factkit convert JSONL → CSV".into(), wall, rss));
            let back = dir.join(format!("records-{n}-back.jsonl"));
            let (wall, rss, _) = measure(runs, &|| {
                let mut c = Command::new(&factkit);
                c.arg("convert").arg(&out).arg("-o").arg(&back);
                c
            });
            rows.push(("factkit convert CSV → JSONL".into(), wall, rss));
        }
        if has("export") && !only_convert {
            let (wall, rss, _) = measure(runs, &|| {
                let mut c = Command::new(&factkit);
                c.args(["export", "--to", "markdown", "--as-of", "2026-11-28"])
                    .arg(&clean);
                c
            });
            rows.push(("factkit export --to markdown".into(), wall, rss));
            let csv_dir = dir.join(format!("records-{n}-export-csv"));
            let (wall, rss, _) = measure(runs, &|| {
                let mut c = Command::new(&factkit);
                c.args(["export", "--to", "csv", "--as-of", "2026-11-28"])
                    .arg(&clean)
                    .arg("-o")
                    .arg(&csv_dir);
                c
            });
            rows.push((
                "factkit export --to csv (one file per kind)".into(),
                wall,
                rss,
            ));
        }
        if on_path("jsonschema-cli") && !only_convert && !only_export {
            let array = as_array(&data);
            let (wall, rss, _) = measure(runs, &|| {
                let mut c = Command::new("jsonschema-cli");
                c.arg("validate").arg(&schema).arg("--instance").arg(&array);
                c
            });
            rows.push(("jsonschema-cli (Rust, schemas only)".into(), wall, rss));
        }
        if on_path("ajv") && !only_convert && !only_export {
            let array = as_array(&data);
            let (wall, rss, _) = measure(runs, &|| {
                let mut c = Command::new("ajv");
                c.args(["validate", "--spec=draft2020", "--strict=false", "-s"])
                    .arg(&schema)
                    .arg("-d")
                    .arg(&array);
                c
            });
            rows.push(("ajv-cli (schemas only)".into(), wall, rss));
        }
        if on_path("check-jsonschema") && n <= 10_000 && !only_convert && !only_export {
            let array = as_array(&data);
            let (wall, rss, _) = measure(1, &|| {
                let mut c = Command::new("check-jsonschema");
                c.arg("--schemafile").arg(&schema).arg(&array);
                c
            });
            rows.push(("check-jsonschema (schemas only, 1 run)".into(), wall, rss));
        }
        if on_path("mlr") {
            for (to, label) in [
                ("--ocsv", "Miller JSONL → CSV"),
                ("--omd", "Miller JSONL → Markdown"),
            ] {
                if (only_convert && to == "--omd") || (only_export && to == "--ocsv") {
                    continue;
                }
                let (wall, rss, _) = measure(runs, &|| {
                    let mut c = Command::new("mlr");
                    c.args(["--ijsonl", to, "unsparsify"]).arg(&clean);
                    c
                });
                rows.push((label.into(), wall, rss));
            }
            // The CSV factkit wrote above, back to JSON Lines.
            let csv = dir.join(format!("records-{n}.csv"));
            if csv.exists() && !only_export {
                let (wall, rss, _) = measure(runs, &|| {
                    let mut c = Command::new("mlr");
                    c.args(["--icsv", "--ojsonl", "cat"]).arg(&csv);
                    c
                });
                rows.push(("Miller CSV → JSONL".into(), wall, rss));
            }
        }
        for (label, wall, rss) in rows {
            writeln!(
                table,
                "| {n} | {label} | {:.3} s | {:.0} MiB | {:.2}× | {:.0} |",
                wall.as_secs_f64(),
                rss as f64 / 1024.0,
                wall.as_secs_f64() / floor_wall.as_secs_f64(),
                n as f64 / wall.as_secs_f64()
            )
            .unwrap();
        }
    }
    // Start-up: the bundled example, as a CI job runs it on a small data repository.
    if only_convert || only_export {
        println!("{table}");
        return;
    }
    let example = root().join("examples/kazakhstan-2025");
    let (wall, rss, _) = measure(runs.max(21), &|| {
        let mut c = Command::new(&factkit);
        c.args(["check", "--as-of", "2026-11-28"]).arg(&example);
        c
    });
    writeln!(table, "| example | factkit check examples/kazakhstan-2025 (all files, all rules) | {:.4} s | {:.0} MiB | | |", wall.as_secs_f64(), rss as f64 / 1024.0).unwrap();
    if on_path("jsonschema-cli") {
        let (wall, rss, _) = measure(runs.max(21), &|| {
            let mut c = Command::new("jsonschema-cli");
            c.arg("validate").arg(&schema);
            for file in ["proposals.json", "sources.json", "statistics.json"] {
                c.arg("--instance").arg(example.join(file));
            }
            c
        });
        writeln!(table, "| example | jsonschema-cli on its JSON files (schemas only) | {:.4} s | {:.0} MiB | | |", wall.as_secs_f64(), rss as f64 / 1024.0).unwrap();
    }
    println!("{table}");
    if missed > 0 {
        eprintln!("{missed} rule(s) did not report exactly the planted defects");
        std::process::exit(1);
    }
}
