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

/// The example with US$3.2 billion misprinted as US$6.2 billion: one `implied-rate` error.
fn misprinted_example() -> tempfile::TempDir {
    let dir = copy_example("kazakhstan-2025");
    let path = dir.path().join("statistics.json");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("\"amount\": \"3.2\"", "\"amount\": \"6.2\""),
    )
    .unwrap();
    dir
}

#[test]
fn export_refuses_a_dataset_with_errors() {
    let dir = misprinted_example();
    let out = run_in(
        dir.path(),
        &[
            "export",
            "--to",
            "markdown",
            ".",
            "-o",
            "table.md",
            "--as-of",
            "2026-11-28",
        ],
        None,
    );
    assert!(!dir.path().join("table.md").exists());
    insta::assert_snapshot!(out);
}

#[test]
fn export_allow_errors() {
    let dir = misprinted_example();
    std::fs::write(
        dir.path().join("extra.jsonl"),
        concat!(
            "{\"kind\": \"statistic\", \"id\": \"bad-currency\", \"label\": \"x\", \"source\": \"astana-times-tokayev-reform-experts\", \"value\": {\"amount\": \"1\", \"currency\": \"KZ\"}}\n",
            "{\"kind\": \"statistic\", \"id\": \"truncated\",\n",
        ),
    )
    .unwrap();
    insta::assert_snapshot!(run_in(
        dir.path(),
        &[
            "export",
            "--to",
            "csv",
            "--kind",
            "statistic",
            "--allow-errors",
            "--as-of",
            "2026-11-28",
            "."
        ],
        None
    ));
}

#[test]
fn export_markdown_to_standard_output() {
    insta::assert_snapshot!(run(&[
        "export",
        "--to",
        "markdown",
        "examples/kazakhstan-2025",
        "--kind",
        "statistic",
        "--as-of",
        "2026-11-28"
    ]));
}

#[test]
fn export_csv_to_a_directory() {
    let out = tempfile::tempdir().unwrap();
    let dataset = root().join("examples/kazakhstan-2025");
    let result = run_in(
        out.path(),
        &[
            "export",
            "--to",
            "csv",
            dataset.to_str().unwrap(),
            "-o",
            "csv",
            "--bom",
        ],
        None,
    );
    let mut files: Vec<String> = std::fs::read_dir(out.path().join("csv"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let statistics = std::fs::read(out.path().join("csv/statistics.csv")).unwrap();
    assert!(statistics.starts_with(b"\xEF\xBB\xBFkind,id,label,value.amount,"));
    insta::assert_snapshot!(format!("{result}--- files\n{}\n", files.join("\n")));
}

#[test]
fn export_csv_of_several_kinds_needs_a_kind_or_a_directory() {
    insta::assert_snapshot!(run(&["export", "--to", "csv", "examples/kazakhstan-2025"]));
}

#[test]
fn export_usage_errors() {
    let dataset = "examples/kazakhstan-2025";
    insta::assert_snapshot!(
        "bom_is_for_csv",
        run(&["export", "--to", "json", dataset, "--bom"])
    );
    insta::assert_snapshot!(
        "base_url_is_absolute",
        run(&[
            "export",
            "--to",
            "jsonld",
            dataset,
            "--base-url",
            "facts/kz"
        ])
    );
    insta::assert_snapshot!(
        "base_url_has_no_fragment",
        run(&[
            "export",
            "--to",
            "jsonld",
            dataset,
            "--base-url",
            "https://desk.example/kz#x"
        ])
    );
    insta::assert_snapshot!(
        "unknown_kind",
        run(&["export", "--to", "json", dataset, "--kind", "statistics"])
    );
    insta::assert_snapshot!("unknown_format", run(&["export", "--to", "xlsx", dataset]));
}

/// An output path that cannot be replaced fails the run (exit 2) and leaves nothing behind.
#[test]
fn export_to_an_unwritable_path_leaves_everything_as_it_was() {
    let out = tempfile::tempdir().unwrap();
    std::fs::create_dir(out.path().join("taken")).unwrap();
    std::fs::write(out.path().join("taken/keep.txt"), "keep").unwrap();
    std::fs::write(out.path().join("previous.json"), "previous").unwrap();
    let dataset = root().join("examples/kazakhstan-2025");
    let result = run_in(
        out.path(),
        &[
            "export",
            "--to",
            "json",
            dataset.to_str().unwrap(),
            "-o",
            "taken",
        ],
        None,
    );
    assert!(result.starts_with("exit: 2\n"), "{result}");
    assert!(
        result.contains("error: cannot write `taken`: it is a directory"),
        "{result}"
    );
    let mut names: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["previous.json", "taken"]);
    assert_eq!(
        std::fs::read_to_string(out.path().join("taken/keep.txt")).unwrap(),
        "keep"
    );
    // A successful export over an existing file replaces it whole.
    let result = run_in(
        out.path(),
        &[
            "export",
            "--to",
            "json",
            dataset.to_str().unwrap(),
            "-o",
            "previous.json",
        ],
        None,
    );
    assert!(result.starts_with("exit: 0\n"), "{result}");
    let text = std::fs::read_to_string(out.path().join("previous.json")).unwrap();
    let records: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(records.as_array().unwrap().len(), 32);
}
