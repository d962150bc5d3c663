//! The command line as a user runs it: exit code, standard output and standard error,
//! snapshotted together.

use std::path::Path;
use std::process::Command;

use crate::support;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs factkit in `dir` with `args` and optional standard input.
fn run_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> String {
    let out = support::factkit(dir, args, stdin.unwrap_or("").as_bytes());
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
    assert_eq!(schema["title"], "factkit statistic");
    // No `$id`: the `$ref`s are file names, resolved beside the file wherever it is put.
    assert!(schema.get("$id").is_none());
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

#[test]
fn directory_without_records() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not records").unwrap();
    let out = run_in(dir.path(), &["check"], None);
    assert!(out.starts_with("exit: 2\n"), "{out}");
    assert!(
        out.contains("no record files (.json, .jsonl, .yaml, .yml, .csv) under `.`"),
        "{out}"
    );
}

// --- CI formats, factkit.toml, custom rules and the generic mode (issue 5) ---

const AS_OF: [&str; 2] = ["--as-of", "2026-11-28"];

#[test]
fn check_broken_github() {
    insta::assert_snapshot!(run(&[
        "check",
        "examples/broken",
        AS_OF[0],
        AS_OF[1],
        "--format",
        "github"
    ]));
}

#[test]
fn check_broken_sarif() {
    insta::assert_snapshot!(run(&[
        "check",
        "examples/broken",
        AS_OF[0],
        AS_OF[1],
        "--format",
        "sarif"
    ]));
}

#[test]
fn check_broken_junit() {
    insta::assert_snapshot!(run(&[
        "check",
        "examples/broken",
        AS_OF[0],
        AS_OF[1],
        "--format",
        "junit"
    ]));
}

/// `--output` writes the same report to the file; only the summary reaches the terminal.
#[test]
fn output_writes_the_report_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("factkit.sarif");
    let target_arg = target.to_str().unwrap();
    for format in ["sarif", "junit", "github", "json", "human"] {
        let on_stdout = run(&[
            "check",
            "examples/broken",
            AS_OF[0],
            AS_OF[1],
            "--format",
            format,
        ]);
        let to_file = run(&[
            "check",
            "examples/broken",
            AS_OF[0],
            AS_OF[1],
            "--format",
            format,
            "--output",
            target_arg,
        ]);
        assert_eq!(
            to_file,
            "exit: 1\n--- stdout\n--- stderr\nchecked 8 files, 38 records: 20 errors, 5 warnings\n",
            "{format}"
        );
        let written = std::fs::read_to_string(&target).unwrap();
        let stdout = on_stdout
            .split("--- stdout\n")
            .nth(1)
            .unwrap()
            .split("--- stderr\n")
            .next()
            .unwrap();
        assert_eq!(written, stdout, "{format}");
    }
    // Nothing is left behind but the report: the temporary file was renamed over it.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn output_to_a_missing_folder_fails_cleanly() {
    let out = run(&[
        "check",
        "examples/broken",
        "--format",
        "sarif",
        "--output",
        "no/such/folder/report.sarif",
    ]);
    assert!(
        out.starts_with(
            "exit: 2\n--- stdout\n--- stderr\nerror: cannot write `no/such/folder/report.sarif`"
        ),
        "{out}"
    );
    assert!(!Path::new("no/such/folder").exists());
}

/// With `--format github` and `$GITHUB_STEP_SUMMARY` set, a Markdown table is appended.
#[test]
fn github_step_summary_is_appended() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_factkit"))
        .args([
            "check",
            "examples/broken",
            AS_OF[0],
            AS_OF[1],
            "--format",
            "github",
        ])
        .current_dir(root())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.starts_with(
            "earlier step\n### factkit\n\nchecked 8 files, 38 records: 20 errors, 5 warnings\n"
        ),
        "{text}"
    );
    assert_eq!(text.matches("\n| error | ").count(), 20, "{text}");
    assert_eq!(text.matches("\n| warning | ").count(), 5, "{text}");
}

#[test]
fn house_rules_config_and_custom_rules() {
    insta::assert_snapshot!(run(&["check", "examples/house-rules"]));
}

#[test]
fn house_rules_list_rules() {
    insta::assert_snapshot!(run(&["check", "examples/house-rules", "--list-rules"]));
}

#[test]
fn explain_a_custom_rule() {
    insta::assert_snapshot!(run(&[
        "explain",
        "source-url-own-domain",
        "--config",
        "examples/house-rules/factkit.toml"
    ]));
}

#[test]
fn as_of_on_the_command_line_overrides_the_config() {
    let out = run(&[
        "check",
        "examples/house-rules",
        "--as-of",
        "2025-09-15",
        "--format",
        "json",
    ]);
    assert!(out.contains("\"rule\":\"date-order\""), "{out}");
    let out = run(&["check", "examples/house-rules", "--format", "json"]);
    assert!(!out.contains("\"rule\":\"date-order\""), "{out}");
}

#[test]
fn config_flag_names_the_file() {
    let out = run(&[
        "check",
        "examples/broken",
        "--config",
        "tests/fixtures/config/unknown-key.toml",
    ]);
    insta::assert_snapshot!(out);
}

/// A custom rule that fails on a record is a finding on that record, not a crash.
#[test]
fn custom_rule_that_fails_at_run_time() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("factkit.toml"),
        "[[rule]]\nid = \"https-only\"\nkind = \"source\"\nexpr = \"self.url.startsWith('https://')\"\nmessage = \"{self.id} is not on https\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("sources.jsonl"),
        "{\"kind\": \"source\", \"id\": \"a\", \"title\": \"A\", \"url\": \"http://a.example/\", \"published\": \"2025\"}\n{\"kind\": \"source\", \"id\": \"b\", \"title\": \"B\", \"published\": \"2025\"}\n{\"kind\": \"source\", \"id\": \"c\", \"title\": \"C\", \"url\": \"https://c.example/\", \"published\": \"2025\"}\n",
    )
    .unwrap();
    insta::assert_snapshot!(run_in(
        dir.path(),
        &["check", "--as-of", "2026-11-28"],
        None
    ));
}

#[test]
fn generic_mode() {
    insta::assert_snapshot!(run(&[
        "check",
        "--schema",
        "tests/fixtures/generic/person.schema.json",
        "tests/fixtures/generic/people.jsonl",
        "tests/fixtures/generic/team.json"
    ]));
}

#[test]
fn generic_mode_github() {
    insta::assert_snapshot!(run(&[
        "check",
        "--schema",
        "tests/fixtures/generic/person.schema.json",
        "tests/fixtures/generic/people.jsonl",
        "--format",
        "github"
    ]));
}

#[test]
fn generic_mode_refuses_remote_refs() {
    insta::assert_snapshot!(run(&[
        "check",
        "--schema",
        "tests/fixtures/generic/remote.schema.json",
        "tests/fixtures/generic/team.json"
    ]));
}

#[test]
fn generic_mode_refuses_refs_outside_the_schema_folder() {
    let out = run(&[
        "check",
        "--schema",
        "tests/fixtures/generic/outside.schema.json",
        "tests/fixtures/generic/team.json",
    ]);
    assert!(out.starts_with("exit: 2\n"), "{out}");
    assert!(out.contains("is outside the schema's folder"), "{out}");
}

#[test]
fn generic_mode_takes_no_config() {
    let out = run(&["check", "--schema", "a.json", "--config", "factkit.toml"]);
    assert!(out.starts_with("exit: 2\n"), "{out}");
}

// --- export (issue 3) ---

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

/// The Markdown Check column says where each faithful quote was found, and shows the near
/// miss of an altered one (issue 6).
#[test]
fn export_markdown_shows_quotes_found_in_archives() {
    let out = run(&[
        "export",
        "--to",
        "markdown",
        "--kind",
        "statement",
        "--allow-errors",
        "examples/quotes-demo",
    ]);
    assert!(
        out.contains("| ✅ passed<br>✅ quote found in source (line 11) |"),
        "{out}"
    );
    assert!(
        out.contains("❌ quote-in-source: quote not found in `archives/lakeside-gazette.txt`; closest passage (line 15) differs: `generation` → `decade`"),
        "{out}"
    );
}

/// `[jsonld] base_url` of factkit.toml sets the node ids; `--base-url` overrides it.
#[test]
fn export_jsonld_takes_the_base_url_from_the_config() {
    let out = run(&[
        "export",
        "--to",
        "jsonld",
        "--allow-errors",
        "examples/house-rules",
    ]);
    assert!(
        out.contains("\"@id\": \"https://desk.example.org/facts/#src-archived\""),
        "{out}"
    );
    let out = run(&[
        "export",
        "--to",
        "jsonld",
        "--allow-errors",
        "--base-url",
        "https://other.example/",
        "examples/house-rules",
    ]);
    assert!(
        out.contains("\"@id\": \"https://other.example/#src-archived\""),
        "{out}"
    );
}

// --- YAML, CSV and convert (issue 4) ---

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

/// Generic mode reads YAML (one instance per document) and CSV (one per row, cells typed by
/// the schema), with the same located findings.
#[test]
fn generic_mode_yaml_and_csv() {
    insta::assert_snapshot!(run(&[
        "check",
        "--schema",
        "tests/fixtures/generic/person.schema.json",
        "tests/fixtures/generic/person.yaml",
        "tests/fixtures/generic/people.csv",
    ]));
}

/// Issue 14: `factkit init d && factkit check d` passes; a second `init` names the files it
/// would replace and writes nothing (exit 2) unless `--force`.
#[test]
fn init_then_check_passes() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["init", "d"], None);
    assert!(out.starts_with("exit: 0\n"), "{out}");
    let d = dir.path().join("d");
    for file in [
        "factkit.toml",
        "data/statistics.json",
        "data/reviews.yaml",
        ".factkit/schemas/file.json",
        ".factkit/schemas/defs.json",
        ".vscode/settings.json",
    ] {
        assert!(d.join(file).is_file(), "{file} missing: {out}");
    }
    let out = run_in(dir.path(), &["check", "d", "--deny-warnings"], None);
    assert!(out.starts_with("exit: 0\n"), "{out}");
    assert!(out.contains(": 0 errors, 0 warnings"), "{out}");
    // Seven kinds, each with a record.
    let report = run_in(dir.path(), &["export", "--to", "json", "d"], None);
    for kind in [
        "entity",
        "source",
        "statement",
        "proposal",
        "statistic",
        "exchange_rate",
        "review",
    ] {
        assert!(
            report.contains(&format!("\"kind\": \"{kind}\""))
                || report.contains(&format!("\"kind\":\"{kind}\"")),
            "no {kind}: {report}"
        );
    }
    let settings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join(".vscode/settings.json")).unwrap())
            .unwrap();
    assert_eq!(
        settings["json.schemas"][0]["url"],
        "./.factkit/schemas/file.json"
    );
    assert!(settings["yaml.schemas"]["./.factkit/schemas/file.json"].is_array());

    std::fs::write(d.join("data/statistics.json"), "[]").unwrap();
    let again = run_in(dir.path(), &["init", "d"], None);
    assert!(again.starts_with("exit: 2\n"), "{again}");
    assert!(again.contains("`d/factkit.toml`"), "{again}");
    assert!(again.contains("pass `--force`"), "{again}");
    assert_eq!(
        std::fs::read_to_string(d.join("data/statistics.json")).unwrap(),
        "[]"
    );
    let forced = run_in(dir.path(), &["init", "d", "--force"], None);
    assert!(forced.starts_with("exit: 0\n"), "{forced}");
    assert_ne!(
        std::fs::read_to_string(d.join("data/statistics.json")).unwrap(),
        "[]"
    );
}

/// `schema --write DIR` places every bundled schema; `check --schema` reads them from there,
/// the `$ref`s resolved beside each other, offline.
#[test]
fn schema_write_places_every_schema() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["schema", "--write", "s"], None);
    assert!(out.starts_with("exit: 0\n"), "{out}");
    assert!(out.contains("wrote 10 schemas to s"), "{out}");
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("s"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "defs.json",
            "entity.json",
            "exchange_rate.json",
            "file.json",
            "proposal.json",
            "record.json",
            "review.json",
            "source.json",
            "statement.json",
            "statistic.json"
        ]
    );
    std::fs::write(
        dir.path().join("records.json"),
        r#"[{"kind": "entity", "id": "e", "type": "person", "name": "N"},
            {"kind": "statistic", "id": "s", "label": "L", "source": "x",
             "value": {"amount": "1", "currency": "KZT"}}]"#,
    )
    .unwrap();
    let out = run_in(
        dir.path(),
        &["check", "--schema", "s/file.json", "records.json"],
        None,
    );
    assert!(out.starts_with("exit: 0\n"), "{out}");
    std::fs::write(
        dir.path().join("records.json"),
        r#"[{"kind": "statistic", "id": "s", "label": "L", "source": "x",
             "value": {"amount": "1", "currency": "kzt"}}]"#,
    )
    .unwrap();
    let out = run_in(
        dir.path(),
        &["check", "--schema", "s/file.json", "records.json"],
        None,
    );
    assert!(out.starts_with("exit: 1\n"), "{out}");
}

/// check-jsonschema (Python), in a virtual environment under `target/`, installed once with
/// pip; `None`, with the reason printed, when it cannot be installed.
fn check_jsonschema() -> Option<std::path::PathBuf> {
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("check-jsonschema-venv");
    let tool = venv.join("bin").join("check-jsonschema");
    if tool.exists() {
        return Some(tool);
    }
    let made = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .output()
        .is_ok_and(|o| o.status.success());
    let installed = made
        && Command::new(venv.join("bin").join("pip"))
            .args([
                "install",
                "-q",
                "--disable-pip-version-check",
                "check-jsonschema",
            ])
            .output()
            .is_ok_and(|o| o.status.success());
    if installed && tool.exists() {
        Some(tool)
    } else {
        eprintln!(
            "skipped: check-jsonschema could not be installed with pip (python3 -m venv, PyPI)"
        );
        None
    }
}

/// Issue 14: `check-jsonschema --schemafile schemas/statistic.json` accepts the template
/// statistic of `factkit init`, offline (in a network namespace of its own when `unshare`
/// allows it), and refuses a broken one.
#[test]
fn check_jsonschema_accepts_the_bundled_schemas_offline() {
    let Some(tool) = check_jsonschema() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["init", "d"], None);
    assert!(out.starts_with("exit: 0\n"), "{out}");
    let records: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("d/data/statistics.json")).unwrap(),
    )
    .unwrap();
    let good = dir.path().join("good.json");
    std::fs::write(&good, records[0].to_string()).unwrap();
    let mut bad = records[0].clone();
    bad["value"]["currency"] = "kzt".into();
    let bad_path = dir.path().join("bad.json");
    std::fs::write(&bad_path, bad.to_string()).unwrap();
    let offline = Command::new("unshare")
        .args(["-n", "true"])
        .output()
        .is_ok_and(|o| o.status.success());
    let validate = |schema: &Path, instance: &Path| {
        let mut command = if offline {
            let mut c = Command::new("unshare");
            c.arg("-n").arg(&tool);
            c
        } else {
            Command::new(&tool)
        };
        let out = command
            .arg("--schemafile")
            .arg(schema)
            .arg(instance)
            .output()
            .unwrap();
        (
            out.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    };
    for schema in [
        root().join("schemas/statistic.json"),
        dir.path().join("d/.factkit/schemas/statistic.json"),
        dir.path().join("d/.factkit/schemas/file.json"),
    ] {
        let (ok, out) = validate(&schema, &good);
        assert!(ok, "{}: {out}", schema.display());
        let (ok, out) = validate(&schema, &bad_path);
        assert!(!ok, "{}: {out}", schema.display());
    }
    let (ok, out) = validate(
        &dir.path().join("d/.factkit/schemas/file.json"),
        &dir.path().join("d/data/reviews.yaml"),
    );
    assert!(ok, "{out}");
}

/// Issue 14: `[csv] delimiter` in factkit.toml overrides what the header row shows.
#[test]
fn csv_delimiter_from_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("entities.csv"),
        "kind;id;type;name\nentity;m;organization;Ministry, of Finance\n",
    )
    .unwrap();
    let out = run_in(d, &["check", "."], None);
    assert!(out.starts_with("exit: 0\n"), "{out}");
    std::fs::write(d.join("factkit.toml"), "[csv]\ndelimiter = \",\"\n").unwrap();
    let out = run_in(d, &["check", "."], None);
    assert!(out.starts_with("exit: 1\n"), "{out}");
    assert!(out.contains("no `id` column"), "{out}");
    assert!(out.contains("`delimiter = \";\"`"), "{out}");
    std::fs::write(d.join("factkit.toml"), "[csv]\ndelimiter = \";\"\n").unwrap();
    let out = run_in(d, &["check", "."], None);
    assert!(out.starts_with("exit: 0\n"), "{out}");
}

/// Issue 14: checking one file of a dataset says once that the records it names may be in
/// the dataset's other files; checking the folder does not.
#[test]
fn one_file_of_a_dataset_notes_the_other_files() {
    let dir = copy_example("kazakhstan-2025");
    let out = run_in(dir.path(), &["check", "statistics.json"], None);
    assert!(out.starts_with("exit: 1\n"), "{out}");
    assert_eq!(
        out.matches("only the files named were checked and 7 references name no record in them: the records may be in other files of the dataset; check the whole folder: `factkit check .`").count(),
        1,
        "{out}"
    );
    let out = run_in(dir.path(), &["check", "."], None);
    assert!(out.starts_with("exit: 0\n"), "{out}");
    assert!(!out.contains("only the files named"), "{out}");
}
