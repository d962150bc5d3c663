//! The command line as a user runs it: exit code, standard output and standard error,
//! snapshotted together.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs factkit in `dir` with `args` and optional standard input.
fn run_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_factkit"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    let out = child.wait_with_output().unwrap();
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        out.status.code().map_or("signal".into(), |c| c.to_string()),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn run(args: &[&str]) -> String {
    run_in(root(), args, None)
}

/// A scratch copy of an example dataset, to edit.
fn copy_example(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = root().join("examples").join(name);
    for entry in std::fs::read_dir(&from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    dir
}

#[test]
fn check_clean_example() {
    insta::assert_snapshot!(run(&[
        "check",
        "examples/kazakhstan-2025",
        "--as-of",
        "2026-11-28"
    ]));
}

#[test]
fn check_clean_example_deny_warnings() {
    let out = run(&["check", "examples/kazakhstan-2025", "--deny-warnings"]);
    assert!(out.starts_with("exit: 1\n"), "{out}");
}

#[test]
fn check_quotes_demo() {
    insta::assert_snapshot!(run(&[
        "check",
        "examples/quotes-demo",
        "--as-of",
        "2026-11-28"
    ]));
}

#[test]
fn check_broken_human() {
    insta::assert_snapshot!(run(&["check", "examples/broken", "--as-of", "2026-11-28"]));
}

#[test]
fn check_broken_json() {
    insta::assert_snapshot!(run(&[
        "check",
        "examples/broken",
        "--as-of",
        "2026-11-28",
        "--format",
        "json"
    ]));
}

/// The acceptance test: US$3.2 billion misprinted as US$6.2 billion.
#[test]
fn implied_rate_catches_a_misprinted_dollar_figure() {
    let dir = copy_example("kazakhstan-2025");
    let path = dir.path().join("statistics.json");
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches("\"amount\": \"3.2\"").count(), 1);
    std::fs::write(
        &path,
        text.replace("\"amount\": \"3.2\"", "\"amount\": \"6.2\""),
    )
    .unwrap();
    let out = run_in(
        dir.path(),
        &["check", ".", "--as-of", "2026-11-28", "--format", "json"],
        None,
    );
    assert!(out.starts_with("exit: 1\n"), "{out}");
    let line = out
        .lines()
        .find(|l| l.contains("\"implied-rate\""))
        .expect("an implied-rate finding");
    let d: serde_json::Value = serde_json::from_str(line).unwrap();
    let changed_line = text
        .lines()
        .position(|l| l.contains("\"amount\": \"3.2\""))
        .unwrap()
        + 1;
    assert_eq!(d["line"], changed_line);
    assert_eq!(d["file"], "./statistics.json");
    let message = d["message"].as_str().unwrap();
    assert!(message.contains("272.0 to 292.7 KZT per USD"), "{message}");
    assert!(message.contains("533.3 to 573.6 KZT per USD"), "{message}");
    assert!(
        message.contains("mining-metallurgy-investment-2024")
            && message.contains("mining-metallurgy-output"),
        "{message}"
    );
}

#[test]
fn stdin_dash() {
    let records = "{\"kind\": \"entity\", \"id\": \"a\", \"type\": \"person\", \"name\": \"A\"}\n{\"kind\": \"entity\", \"id\": \"a\", \"type\": \"person\", \"name\": \"B\"}\n";
    insta::assert_snapshot!(run_in(root(), &["check", "-"], Some(records)));
}

#[test]
fn path_does_not_exist() {
    insta::assert_snapshot!(run(&["check", "no/such/folder"]));
}

#[test]
fn unsupported_file() {
    insta::assert_snapshot!(run(&["check", "Cargo.toml"]));
}

#[test]
fn bad_as_of() {
    insta::assert_snapshot!(run(&[
        "check",
        "examples/kazakhstan-2025",
        "--as-of",
        "2025-02-30"
    ]));
}

#[test]
fn bad_format_is_a_usage_error() {
    let out = run(&["check", "--format", "xml"]);
    assert!(out.starts_with("exit: 2\n"), "{out}");
}

#[test]
fn schema_prints_a_bundled_schema() {
    let out = run(&["schema", "statistic"]);
    let body = out
        .strip_prefix("exit: 0\n--- stdout\n")
        .unwrap()
        .split("--- stderr")
        .next()
        .unwrap();
    let schema: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(
        schema["$id"],
        "https://schemas.factkit.example/v1/statistic.json"
    );
    insta::assert_snapshot!(run(&["schema", "statistics"]));
}

#[test]
fn explain_a_rule() {
    insta::assert_snapshot!(run(&["explain", "implied-rate"]));
    insta::assert_snapshot!(run(&["explain", "no-such-rule"]));
}

#[test]
fn help_states_exit_codes() {
    let out = run(&["check", "--help"]);
    assert!(out.contains("Exit codes: 0 no errors"), "{out}");
}
