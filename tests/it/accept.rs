//! Accepted findings (`[[accept]]` in factkit.toml) through the command line and every
//! report: an accepted warning passes `--deny-warnings`, a stale entry fails the run.
//!
//! Each test works on a scratch copy of `examples/kazakhstan-2025`, whose one source has two
//! expected `missing-recommended` warnings (no `url`, no `published`); the example itself has
//! no factkit.toml.

use std::path::Path;

use crate::support;

use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

const SOURCE: &str = "astana-times-tokayev-reform-experts";

/// Accepts both warnings of the example's source.
const ACCEPT_BOTH: &str = r#"as_of = "2026-11-28"

[[accept]]
rule = "missing-recommended"
record = "astana-times-*"
file = "sources.json"
reason = "the copy of the article we worked from gives no URL and no date"

[[accept]]
rule = "missing-recommended"
record = "review-mining-metallurgy-output"
reason = "the review is not published yet"
"#;

/// A scratch copy of the example with `config` as its factkit.toml.
fn dataset(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = root().join("examples/kazakhstan-2025");
    for entry in std::fs::read_dir(&from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    std::fs::write(dir.path().join("factkit.toml"), config).unwrap();
    dir
}

/// Runs factkit in `dir`: exit code, standard output, standard error.
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = support::factkit(dir, args, b"");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn snapshot(dir: &Path, args: &[&str]) -> String {
    let (code, stdout, stderr) = run(dir, args);
    format!("exit: {code}\n--- stdout\n{stdout}--- stderr\n{stderr}")
}

#[test]
fn accepted_warnings_pass_deny_warnings() {
    let dir = dataset(ACCEPT_BOTH);
    let out = snapshot(dir.path(), &["check", "--deny-warnings"]);
    assert!(out.starts_with("exit: 0\n"), "{out}");
    assert!(out.contains("0 errors, 0 warnings, 3 accepted\n"), "{out}");
    insta::assert_snapshot!(out);
    // Without the entry, the same run fails (so the test can fail).
    std::fs::write(dir.path().join("factkit.toml"), "as_of = \"2026-11-28\"\n").unwrap();
    let (code, _, _) = run(dir.path(), &["check", "--deny-warnings"]);
    assert_eq!(code, 1);
}

#[test]
fn a_stale_entry_fails_the_run_at_its_line() {
    let config = format!(
        "{ACCEPT_BOTH}\n[[accept]]\nrule = \"missing-recommended\"\nrecord = \"src-gone\"\nreason = \"the record was removed\"\n"
    );
    let dir = dataset(&config);
    let out = snapshot(dir.path(), &["check"]);
    assert!(out.starts_with("exit: 1\n"), "{out}");
    assert!(
        out.contains("error[stale-accept]: the `[[accept]]` entry for `missing-recommended` on `src-gone` accepts no finding\n  --> ./factkit.toml:14:1\n   |\n14 | [[accept]]\n"),
        "{out}"
    );
    insta::assert_snapshot!(out);
    // `stale-accept` is a rule like the others: its severity can be set.
    let config = format!("{config}\n[rules]\nstale-accept = \"warning\"\n");
    std::fs::write(dir.path().join("factkit.toml"), config).unwrap();
    let (code, _, stderr) = run(dir.path(), &["check", "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
}

/// An entry whose rule is off, whose record or file matches nothing, or whose rule is
/// another: each is stale, and the first says why.
#[test]
fn entries_that_match_nothing_are_each_reported() {
    let entry = |rule: &str, record: &str, file: Option<&str>| {
        let file = file.map_or_else(String::new, |f| format!("file = \"{f}\"\n"));
        format!("\n[[accept]]\nrule = \"{rule}\"\nrecord = \"{record}\"\n{file}reason = \"r\"\n")
    };
    let config = [
        "as_of = \"2026-11-28\"\n[rules]\nsum = \"off\"\n".to_owned(),
        entry("sum", "*", None),
        entry("missing-recommended", SOURCE, Some("statistics.json")),
        entry("missing-recommended", "astana-times", None),
        entry("date-order", SOURCE, None),
        entry("missing-recommended", SOURCE, Some("*.json")),
    ]
    .concat();
    let dir = dataset(&config);
    let (code, stdout, _) = run(dir.path(), &["check", "--format", "json"]);
    assert_eq!(code, 1, "{stdout}");
    let findings: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let stale: Vec<(u64, &str)> = findings
        .iter()
        .filter(|f| f["rule"] == "stale-accept")
        .map(|f| (f["line"].as_u64().unwrap(), f["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        stale,
        [
            (5, "the `[[accept]]` entry for `sum` on `*` accepts no finding; `sum` is turned off, so it has no findings"),
            (10, "the `[[accept]]` entry for `missing-recommended` on `astana-times-tokayev-reform-experts` in `statistics.json` accepts no finding"),
            (16, "the `[[accept]]` entry for `missing-recommended` on `astana-times` accepts no finding"),
            (21, "the `[[accept]]` entry for `date-order` on `astana-times-tokayev-reform-experts` accepts no finding"),
        ]
    );
    // The last entry accepts both warnings.
    let accepted = findings
        .iter()
        .filter(|f| f.get("accepted").is_some())
        .count();
    assert_eq!(accepted, 2);
    // Four stale entries, two accepted warnings, the unpublished review's warning.
    assert_eq!(findings.len(), 7);
}

#[test]
fn every_report_shows_the_acceptance() {
    let dir = dataset(ACCEPT_BOTH);
    let reason = "the copy of the article we worked from gives no URL and no date";
    let reasons = [reason, "the review is not published yet"];

    let (code, stdout, stderr) = run(
        dir.path(),
        &["check", "--format", "json", "--deny-warnings"],
    );
    assert_eq!(code, 0, "{stderr}");
    for line in stdout.lines() {
        let finding: Value = serde_json::from_str(line).unwrap();
        assert_eq!(finding["severity"], "warning");
        let given = finding["accepted"]["reason"].as_str().unwrap();
        assert!(reasons.contains(&given), "{given}");
    }
    assert!(
        stderr.ends_with("0 errors, 0 warnings, 3 accepted\n"),
        "{stderr}"
    );

    // SARIF: each result suppressed (GitHub code scanning shows it dismissed), and the log
    // still valid against the official schema.
    let (code, stdout, _) = run(
        dir.path(),
        &["check", "--format", "sarif", "--deny-warnings"],
    );
    assert_eq!(code, 0);
    let log: Value = serde_json::from_str(&stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    for r in results {
        assert_eq!(r["level"], "warning");
        let given = r["suppressions"][0]["justification"].as_str().unwrap();
        assert!(reasons.contains(&given), "{given}");
        assert_eq!(
            r["suppressions"],
            serde_json::json!([{"kind": "external", "status": "accepted", "justification": given}])
        );
    }
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/vendor/sarif/sarif-schema-2.1.0.json"))
            .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let mut bad = log.clone();
    bad["runs"][0]["results"][0]["suppressions"][0]["kind"] = Value::from("dismissed");
    assert_eq!(validator.iter_errors(&bad).count(), 1);

    // JUnit: no failure, even with warnings denied; the reason is in the case's output.
    let (_, stdout, _) = run(
        dir.path(),
        &["check", "--format", "junit", "--deny-warnings"],
    );
    assert!(stdout.contains(" failures=\"0\" "), "{stdout}");
    assert!(!stdout.contains("<failure"), "{stdout}");
    assert!(
        stdout.contains(&format!("  accepted: {reason}\n")),
        "{stdout}"
    );

    // GitHub: no annotation, a notice counting them, the summary line.
    let (_, stdout, _) = run(dir.path(), &["check", "--format", "github"]);
    assert_eq!(
        stdout,
        "::notice title=factkit::3 findings are accepted in factkit.toml (`[[accept]]`), not annotated; each is in the job summary with its reason\n\
         checked 6 files, 32 records: 0 errors, 0 warnings, 3 accepted\n"
    );

    // Markdown and HTML: the Check column says accepted and why; the row does not fail.
    let (code, markdown, stderr) = run(dir.path(), &["export", "--to", "markdown"]);
    assert_eq!(code, 0, "{stderr}");
    let row = markdown
        .lines()
        .find(|l| l.starts_with(&format!("| `{SOURCE}`")))
        .unwrap();
    assert!(
        row.contains(&format!(
            "☑️ missing-recommended: source `{SOURCE}` has no `url`"
        )),
        "{row}"
    );
    assert!(row.contains(&format!("; accepted: {reason}")), "{row}");
    assert!(!row.contains("⚠️") && !row.contains("help:"), "{row}");
    assert!(
        markdown.contains("☑️ accepted: a finding an `[[accept]]` entry"),
        "{markdown}"
    );
    let (_, failing, _) = run(
        dir.path(),
        &["export", "--to", "markdown", "--only", "failing"],
    );
    assert!(!failing.contains(&format!("| `{SOURCE}`")), "{failing}");
    let (_, html, _) = run(dir.path(), &["export", "--to", "html"]);
    assert!(
        html.contains("<li class=\"accepted\">☑️ <b>accepted</b> <code>missing-recommended</code>"),
        "{html}"
    );
    assert!(
        html.contains(&format!("accepted: {reason}</span>")),
        "{html}"
    );
    assert!(
        html.contains(&format!("data-id=\"{SOURCE}\" data-status=\"passed\"")),
        "{html}"
    );
}

/// The library reports the same: accepted findings keep their severity, count apart, and do
/// not fail the run.
#[test]
fn the_library_counts_accepted_findings_apart() {
    let dir = dataset(ACCEPT_BOTH);
    let config = factkit::Config::load(&dir.path().join("factkit.toml")).unwrap();
    let report = factkit::check(&[dir.path().to_path_buf()], &config).unwrap();
    assert_eq!(
        (
            report.summary.errors,
            report.summary.warnings,
            report.summary.accepted
        ),
        (0, 0, 3)
    );
    assert!(!report.fails(true));
    assert!(report
        .diagnostics
        .iter()
        .all(|d| d.is_accepted() && !d.is_error()));
}
