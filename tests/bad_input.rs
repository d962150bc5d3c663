//! The bad-input corpus: every case under `tests/fixtures/bad/` is copied to a scratch
//! folder (with what cannot be committed, such as a 50 MB string, a symbolic-link loop or a
//! FIFO, made there at test time), checked by the real binary, and its exit code, standard
//! output and standard error are snapshotted together. Each case holds `other.json`, a file
//! with one record that breaks its schema, beside the bad file: its finding in the snapshot
//! shows that the rest of the dataset is still checked.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else if entry.file_name() != "README" {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A scratch copy of case `name`; the dataset is its `data/` folder, so that a path that
/// leads out of the dataset (`../`) stays inside the scratch folder.
fn scratch(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_dir(&fixtures().join(name), &data);
    (dir, data)
}

fn run(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_factkit"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        out.status.code().map_or("signal".into(), |c| c.to_string()),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The scratch folder's name changes from run to run.
    let scratch = dir.parent().unwrap();
    let canonical = std::fs::canonicalize(scratch).unwrap();
    text.replace(&canonical.display().to_string(), "[SCRATCH]")
        .replace(&scratch.display().to_string(), "[SCRATCH]")
}

/// Checks the case's dataset as `factkit check . --as-of 2026-11-28` from inside it.
fn check(data: &Path) -> String {
    run(data, &["check", ".", "--as-of", "2026-11-28"])
}

fn case(name: &str) -> String {
    let (_dir, data) = scratch(name);
    check(&data)
}

macro_rules! snapshot_case {
    ($test:ident, $name:literal) => {
        #[test]
        fn $test() {
            insta::assert_snapshot!($name, case($name));
        }
    };
}

snapshot_case!(invalid_utf8, "invalid-utf8");
snapshot_case!(utf16, "utf16");
snapshot_case!(bom, "bom");
snapshot_case!(crlf, "crlf");
snapshot_case!(empty, "empty");
snapshot_case!(whitespace_only, "whitespace-only");
snapshot_case!(truncated, "truncated");
snapshot_case!(long_number, "long-number");
snapshot_case!(nan_infinity, "nan-infinity");
snapshot_case!(duplicate_keys, "duplicate-keys");
snapshot_case!(nul_byte, "nul-byte");
snapshot_case!(remote_ref, "remote-ref");
snapshot_case!(config_unknown_key, "config-unknown-key");
snapshot_case!(archive_outside, "archive-outside");
snapshot_case!(file_size_limit, "file-size-limit");
snapshot_case!(string_limit, "string-limit");

/// The escaping `$ref` names a file that exists (beside the dataset), so the refusal is
/// not just a missing file.
#[test]
fn ref_escape() {
    let (dir, data) = scratch("ref-escape");
    std::fs::write(dir.path().join("outside.json"), "{}").unwrap();
    insta::assert_snapshot!("ref-escape", check(&data));
}

#[test]
fn deep_nesting() {
    let (_dir, data) = scratch("deep-nesting");
    let depth = 10_000;
    let json = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    std::fs::write(data.join("deep.json"), json).unwrap();
    let yaml = format!("{}{}\n", "[".repeat(depth), "]".repeat(depth));
    std::fs::write(data.join("deep.yaml"), yaml).unwrap();
    let jsonl = format!("{}{}\n", "{\"a\":".repeat(depth), "}".repeat(depth));
    std::fs::write(data.join("deep.jsonl"), jsonl).unwrap();
    insta::assert_snapshot!("deep-nesting", check(&data));
}

#[test]
fn long_string() {
    let (_dir, data) = scratch("long-string");
    let mut text = String::with_capacity(50 * 1024 * 1024 + 200);
    text.push_str(
        "[\n  {\"kind\": \"entity\", \"id\": \"long\", \"type\": \"person\", \"name\": \"",
    );
    text.push_str(&"x".repeat(50 * 1024 * 1024));
    text.push_str("\"}\n]\n");
    std::fs::write(data.join("long.json"), text).unwrap();
    let start = std::time::Instant::now();
    let out = check(&data);
    assert!(start.elapsed().as_secs() < 30, "took {:?}", start.elapsed());
    insta::assert_snapshot!("long-string", out);
}

#[cfg(unix)]
#[test]
fn symlink_loop() {
    let (_dir, data) = scratch("symlink-loop");
    std::fs::create_dir(data.join("sub")).unwrap();
    std::os::unix::fs::symlink("..", data.join("sub/loop")).unwrap();
    insta::assert_snapshot!("symlink-loop", check(&data));
}

/// We run as root in CI, and root reads a file whatever its permissions, so `chmod 000`
/// cannot make a file unreadable. A FIFO named `x.json` stands in: opening it would block
/// forever, so factkit must refuse it without opening it.
#[cfg(unix)]
#[test]
fn unreadable() {
    let (_dir, data) = scratch("unreadable");
    let fifo = std::ffi::CString::new(data.join("x.json").to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    insta::assert_snapshot!("unreadable", check(&data));
    // Named on the command line, it stops the run (exit 2) without being opened.
    let named = run(&data, &["check", "x.json", "other.json"]);
    assert!(named.starts_with("exit: 2\n"), "{named}");
    assert!(
        named.contains("`x.json`: it is not a regular file"),
        "{named}"
    );
}

/// A file that disappears during the run, made deterministic: a symbolic link whose
/// target has been removed is what the walk finds when a file vanishes between listing the
/// folder and reading it.
#[cfg(unix)]
#[test]
fn vanished() {
    let (_dir, data) = scratch("vanished");
    std::os::unix::fs::symlink("removed.json", data.join("gone.json")).unwrap();
    insta::assert_snapshot!("vanished", check(&data));
}

#[test]
fn max_diagnostics() {
    let (_dir, data) = scratch("max-diagnostics");
    insta::assert_snapshot!(
        "max-diagnostics",
        run(&data, &["check", ".", "--max-diagnostics", "2"])
    );
    let all = run(&data, &["check", ".", "--max-diagnostics", "0"]);
    assert!(!all.contains("not shown"), "{all}");
    assert!(all.contains("13 errors"), "{all}");
    // `export`, refusing a dataset with errors, prints them on standard error within the
    // same ceiling, which only factkit.toml sets for it.
    std::fs::write(data.join("factkit.toml"), "[limits]\nmax_diagnostics = 2\n").unwrap();
    let export = run(&data, &["export", ".", "--to", "json"]);
    assert!(export.starts_with("exit: 1\n"), "{export}");
    assert_eq!(export.matches("error[").count(), 2, "{export}");
    assert!(
        export.contains("… and 11 more findings not shown; raise the limit with `[limits]` `max_diagnostics` in factkit.toml (0 shows all)"),
        "{export}"
    );
}

/// Runs like [`run`], but kills factkit after a minute: a regression that blocks on a FIFO
/// then fails the test instead of hanging the suite.
fn run_bounded(dir: &Path, args: &[&str]) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_factkit"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > std::time::Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("factkit {args:?} did not finish: it blocked");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        out.status.code().map_or("signal".into(), |c| c.to_string()),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let scratch = dir.parent().unwrap();
    let canonical = std::fs::canonicalize(scratch).unwrap();
    text.replace(&canonical.display().to_string(), "[SCRATCH]")
        .replace(&scratch.display().to_string(), "[SCRATCH]")
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let fifo = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
}

/// Numbers over `max_number_length` (1,000 digits written out): a 10-million-digit amount
/// (minutes before the ceiling: reading digits into an integer is quadratic), a decimal
/// string of 1,001 digits, and `1e999999`, whose finding is at the amount, not at the
/// record's id. Each record is reported and not checked; the rest of the dataset is.
#[test]
fn number_limit() {
    let (_dir, data) = scratch("number-limit");
    let huge = format!(
        "{{\"kind\": \"statistic\", \"id\": \"huge\", \"label\": \"Huge\", \"source\": \"src\", \"value\": {{\"amount\": {}, \"unit\": \"people\"}}}}\n",
        "7".repeat(10_000_000)
    );
    std::fs::write(data.join("huge.jsonl"), huge).unwrap();
    let string = format!(
        "- kind: statistic\n  id: string\n  label: A long string\n  source: src\n  value:\n    unit: people\n    amount: \"{}\"\n",
        "3".repeat(1001)
    );
    std::fs::write(data.join("string.yaml"), string).unwrap();
    let out = check(&data);
    assert!(out.len() < 10_000, "{} bytes", out.len());
    insta::assert_snapshot!("number-limit", out);
    // At the ceiling, a number is read and kept with every digit (`long-number` has one of
    // 1,000 digits); `max_number_length` can be raised up to 4096 and no further.
    std::fs::write(
        data.join("factkit.toml"),
        "[limits]\nmax_number_length = 4097\n",
    )
    .unwrap();
    let refused = check(&data);
    assert!(refused.starts_with("exit: 2\n"), "{refused}");
    assert!(refused.contains("it can be at most 4096"), "{refused}");
}

/// Zeros where a rule divides: a `ratio_of` whose denominator is stated as zero, a figure
/// with an equivalent of zero and a zero with an equivalent that is not (`implied-rate`),
/// and an equivalent of zero that a rate record covers (`conversion`) are findings. Zero
/// for zero, and a denominator that only may be zero (`under 1`), are not.
#[test]
fn zero_figures() {
    insta::assert_snapshot!("zero-figures", case("zero-figures"));
}

/// Findings that used to run to megabytes: the parts of a total of 10,000 parts of 1,000
/// digits each (12.8 MB in one finding before), a record with 200,000 unknown fields (all
/// listed, 2 MB), and a source whose 1,000 conversions at `1e±995` agree but one (each rate
/// written out in full, 2,000 digits, in 13 places). Each finding is now a few kilobytes.
#[test]
fn finding_size() {
    let (_dir, data) = scratch("finding-size");
    let source = "{\"kind\": \"source\", \"id\": \"src\", \"title\": \"T\", \"url\": \"https://example.org/t\", \"published\": \"2025-01-01\"}\n";
    let mut parts = String::from(source);
    let mut ids = Vec::new();
    let digits = format!("1{}", "2".repeat(999));
    for i in 0..10_000 {
        parts.push_str(&format!(
            "{{\"kind\": \"statistic\", \"id\": \"p{i}\", \"label\": \"Part\", \"source\": \"src\", \"value\": {{\"amount\": {digits}, \"unit\": \"people\"}}}}\n"
        ));
        ids.push(format!("\"p{i}\""));
    }
    parts.push_str(&format!(
        "{{\"kind\": \"statistic\", \"id\": \"total\", \"label\": \"Total\", \"source\": \"src\", \"value\": {{\"amount\": \"1\", \"unit\": \"people\"}}, \"sum_of\": [{}]}}\n",
        ids.join(", ")
    ));
    std::fs::write(data.join("parts.jsonl"), parts).unwrap();
    let keys: Vec<String> = (0..200_000).map(|i| format!("\"k{i}\": 1")).collect();
    std::fs::write(
        data.join("keys.json"),
        format!(
            "{{\"kind\": \"entity\", \"id\": \"keys\", \"type\": \"person\", \"name\": \"N\", {}}}\n",
            keys.join(", ")
        ),
    )
    .unwrap();
    let mut rates = String::from(source.replace("\"src\"", "\"article\"").as_str());
    for i in 0..1_000 {
        // `(i + 1)e995` KZT for `(i + 1)e-995` USD: 10^1990 KZT per USD, but the last one.
        let usd = if i == 999 { 9 } else { i + 1 };
        rates.push_str(&format!(
            "{{\"kind\": \"statistic\", \"id\": \"c{i}\", \"label\": \"C\", \"source\": \"article\", \"value\": {{\"amount\": {}e995, \"currency\": \"KZT\", \"qualifier\": \"exact\"}}, \"equivalents\": [{{\"amount\": {usd}e-995, \"currency\": \"USD\", \"qualifier\": \"exact\"}}]}}\n",
            i + 1
        ));
    }
    std::fs::write(data.join("rates.jsonl"), rates).unwrap();
    let out = check(&data);
    assert!(out.len() < 30_000, "{} bytes", out.len());
    insta::assert_snapshot!("finding-size", out);
}

/// Every schema file factkit reads must be a regular file, checked before it is opened,
/// and no larger than `max_file_size`: an extra schema of `[schemas]` or a `$ref` target
/// that is a FIFO (which blocked forever), `check --schema` and `convert --schema` naming a
/// FIFO or `/dev/zero` (which read until memory ran out), and a schema over the ceiling
/// all stop the run with exit 2 and say why.
#[cfg(unix)]
#[test]
fn schema_special_files() {
    let (_dir, data) = scratch("schema-special-files");
    let mut out = String::new();
    let mut step = |title: &str, args: &[&str]| {
        let text = run_bounded(&data, args);
        assert!(text.starts_with("exit: 2\n"), "{title}: {text}");
        out.push_str(&format!("=== {title}\n{text}"));
    };
    mkfifo(&data.join("extra.json"));
    step("[schemas] names a FIFO", &["check", "."]);
    std::fs::remove_file(data.join("extra.json")).unwrap();
    std::fs::write(data.join("extra.json"), r#"{"$ref": "fifo.json"}"#).unwrap();
    mkfifo(&data.join("fifo.json"));
    step("a `$ref` names a FIFO", &["check", "."]);
    std::os::unix::fs::symlink("/dev/zero", data.join("zero.json")).unwrap();
    step(
        "check --schema names /dev/zero",
        &["check", "--schema", "zero.json", "other.json"],
    );
    step(
        "convert --schema names a FIFO",
        &[
            "convert",
            "other.json",
            "--to",
            "jsonl",
            "--schema",
            "fifo.json",
        ],
    );
    std::fs::remove_file(data.join("fifo.json")).unwrap();
    std::fs::write(
        data.join("fifo.json"),
        format!(r#"{{"description": "{}"}}"#, "x".repeat(2000)),
    )
    .unwrap();
    std::fs::write(
        data.join("factkit.toml"),
        "[limits]\nmax_file_size = 1000\n\n[schemas]\nentity = [\"extra.json\"]\n",
    )
    .unwrap();
    step("a `$ref` target over `max_file_size`", &["check", "."]);
    insta::assert_snapshot!("schema-special-files", out);
}

/// Every case folder has a test above.
#[test]
fn every_case_is_run() {
    let source = include_str!("bad_input.rs");
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            source.contains(&format!("\"{name}\"")),
            "tests/fixtures/bad/{name} has no test"
        );
    }
}

/// The README's `[limits]` example is valid configuration and means what it says.
#[test]
fn readme_limits_example_parses() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme
        .find("```toml\n[limits]\n")
        .expect("a [limits] example")
        + 8;
    let end = start + readme[start..].find("```").unwrap();
    let config = factkit::Config::parse(&readme[start..end], Path::new("factkit.toml")).unwrap();
    assert_eq!(config.limits.max_file_size, 524_288_000);
    assert_eq!(config.limits.max_string_length, 52_428_800);
    assert_eq!(config.limits.max_diagnostics, 0);
    assert_eq!(config.limits.max_depth, 128);
    assert_eq!(config.limits.max_number_length, 4096);
    let too_deep = factkit::Config::parse("[limits]\nmax_depth = 129\n", Path::new("f.toml"));
    assert!(too_deep.unwrap_err().to_string().contains("at most 128"));
}
