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

/// The issue's acceptance test: US$3.2 billion misprinted as US$6.2 billion.
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

// `factkit convert`: output, refusals, and what is (not) written.

/// A scratch folder with `files` written into it.
fn scratch(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

#[test]
fn convert_statistics_to_csv() {
    insta::assert_snapshot!(run(&[
        "convert",
        "examples/kazakhstan-2025/statistics.json",
        "--to",
        "csv"
    ]));
}

#[test]
fn convert_yaml_example_to_json() {
    insta::assert_snapshot!(run(&[
        "convert",
        "examples/kazakhstan-2025/reviews.yaml",
        "--to",
        "json"
    ]));
}

#[test]
fn convert_stdin_jsonl_to_yaml() {
    let records = "{\"kind\": \"statistic\", \"id\": \"s\", \"label\": \"2025\", \"value\": {\"amount\": 1.100, \"unit\": \"percent\"}, \"equivalents\": [{\"amount\": \"007\", \"currency\": \"USD\"}, {\"amount\": 12345678901234567890123, \"currency\": \"KZT\"}], \"source\": \"src\", \"notes\": \"-0.0 and ünïcode: no\"}\n";
    insta::assert_snapshot!(run_in(
        root(),
        &["convert", "-", "--from", "jsonl", "--to", "yaml"],
        Some(records)
    ));
}

#[test]
fn convert_csv_with_kind_flag_to_jsonl() {
    let dir = scratch(&[(
        "people.csv",
        "id,type,name,same_as\nkospanov,person,Rassul Kospanov,\"[\"\"https://example.org/k\"\"]\"\n",
    )]);
    insta::assert_snapshot!(run_in(
        dir.path(),
        &["convert", "people.csv", "--kind", "entity", "--to", "jsonl"],
        None
    ));
}

const INVALID: &str = r#"[
  {"kind": "entity", "id": "a", "type": "person", "name": "A"},
  {"kind": "entity", "id": "b", "type": "persn", "name": "B"}
]
"#;

#[test]
fn convert_refuses_invalid_records_and_writes_nothing() {
    let dir = scratch(&[("entities.json", INVALID), ("out.csv", "previous\n")]);
    let out = run_in(
        dir.path(),
        &[
            "convert",
            "entities.json",
            "-o",
            "out.csv",
            "--kind",
            "entity",
        ],
        None,
    );
    insta::assert_snapshot!(out);
    // The previous output is untouched, and no temporary file is left behind.
    let left = std::fs::read_to_string(dir.path().join("out.csv")).unwrap();
    assert_eq!(left, "previous\n");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn convert_allow_errors_writes_anyway() {
    let dir = scratch(&[("entities.json", INVALID)]);
    let out = run_in(
        dir.path(),
        &[
            "convert",
            "entities.json",
            "-o",
            "out.yaml",
            "--kind",
            "entity",
            "--allow-errors",
        ],
        None,
    );
    assert!(out.starts_with("exit: 0\n"), "{out}");
    let written = std::fs::read_to_string(dir.path().join("out.yaml")).unwrap();
    assert!(written.contains("type: persn"), "{written}");
}

#[test]
fn convert_refuses_a_bad_csv_cell() {
    let dir = scratch(&[(
        "stats.csv",
        "kind,id,label,value.amount,value.currency,source,equivalents\nstatistic,x,X,1,USD,s,\"[1,\"\n",
    )]);
    insta::assert_snapshot!(run_in(
        dir.path(),
        &["convert", "stats.csv", "-o", "stats.json"],
        None
    ));
    assert!(!dir.path().join("stats.json").exists());
}

#[test]
fn convert_with_a_user_schema() {
    let schema = r#"{"type": "object", "required": ["name"],
        "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0}}}"#;
    let dir = scratch(&[
        ("person.schema.json", schema),
        (
            "people.yaml",
            "- name: no\n  age: 42\n- name: 2025\n  age: -1\n",
        ),
        (
            "remote.schema.json",
            r#"{"$ref": "https://example.com/person.json"}"#,
        ),
    ]);
    insta::assert_snapshot!(run_in(
        dir.path(),
        &[
            "convert",
            "people.yaml",
            "--schema",
            "person.schema.json",
            "--to",
            "json"
        ],
        None
    ));
    insta::assert_snapshot!(run_in(
        dir.path(),
        &[
            "convert",
            "people.yaml",
            "--schema",
            "remote.schema.json",
            "--to",
            "json"
        ],
        None
    ));
}

#[test]
fn convert_usage_errors() {
    let dir = scratch(&[("a.json", "[]"), ("b.txt", "")]);
    let mut all = String::new();
    for args in [
        &["convert", "-", "--to", "json"][..],
        &["convert", "a.json"],
        &["convert", "a.json", "-o", "out.txt"],
        &["convert", "b.txt", "--to", "json"],
        &["convert", "missing.json", "--to", "json"],
        &["convert", "a.json", "--to", "yaml", "--kind", "statistics"],
        &["convert", "a.json", "--to", "xml"],
    ] {
        all.push_str(&format!("$ factkit {}\n", args.join(" ")));
        let out = run_in(dir.path(), args, Some(""));
        // clap's usage text is long; its first lines are the point.
        all.extend(out.lines().take(6).map(|l| format!("{l}\n")));
        all.push('\n');
    }
    insta::assert_snapshot!(all);
}

#[test]
fn check_kind_for_csv_without_a_kind_column() {
    let dir = scratch(&[(
        "people.csv",
        "id,type,name\nkospanov,persn,Rassul Kospanov\n",
    )]);
    insta::assert_snapshot!(run_in(dir.path(), &["check", "people.csv"], None));
    insta::assert_snapshot!(run_in(
        dir.path(),
        &["check", "people.csv", "--kind", "entity"],
        None
    ));
}
