//! Machine-readable reports are complete: the `max_diagnostics` ceiling is for people only.
//! 30,000 failing records (tiny JSON Lines, generated at test time) go through every CI
//! format of the real binary: JSON holds every finding, JUnit fails all 30,000 cases, the
//! GitHub log annotates every finding and says how many GitHub will not show, and SARIF
//! holds GitHub code scanning's 25,000 results with a notification of the 5,000 left out.

use std::path::Path;
use std::process::{Command, Stdio};

const RECORDS: usize = 30_000;

/// A dataset of `RECORDS` entities, each with one error (an unknown `type`).
fn dataset(dir: &Path) {
    let mut text = String::new();
    for i in 0..RECORDS {
        text.push_str(&format!(
            "{{\"kind\": \"entity\", \"id\": \"e{i}\", \"name\": \"E\", \"type\": \"bogus\"}}\n"
        ));
    }
    std::fs::write(dir.join("many.jsonl"), text).unwrap();
}

fn check(dir: &Path, format: &str) -> (String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_factkit"))
        .args(["check", ".", "--format", format])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_WORKSPACE")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn thirty_thousand_failing_records() {
    let dir = tempfile::tempdir().unwrap();
    dataset(dir.path());

    let (json, stderr) = check(dir.path(), "json");
    assert_eq!(json.lines().count(), RECORDS);
    assert!(!stderr.contains("not shown"), "{stderr}");

    let (xml, stderr) = check(dir.path(), "junit");
    assert!(
        xml.contains("<testsuites name=\"factkit\" tests=\"30000\" failures=\"30000\""),
        "{}",
        &xml[..300]
    );
    assert_eq!(xml.matches("<failure ").count(), RECORDS);
    assert!(!stderr.contains("not shown"), "{stderr}");

    let (log, _) = check(dir.path(), "github");
    assert_eq!(
        log.lines().filter(|l| l.starts_with("::error ")).count(),
        RECORDS
    );
    assert!(
        log.contains("::notice title=factkit::GitHub shows at most 10 error and 10 warning annotations per step: 29990 of the 30000 findings are not shown as annotations"),
        "{}",
        &log[log.len() - 400..]
    );

    let (sarif, stderr) = check(dir.path(), "sarif");
    assert!(!stderr.contains("not shown"), "{stderr}");
    let log: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let run = &log["runs"][0];
    assert_eq!(run["results"].as_array().unwrap().len(), 25_000);
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), 1);
    let text = notes[0]["message"]["text"].as_str().unwrap();
    assert!(
        text.starts_with("this log is incomplete: 5000 of 30000 findings are left out"),
        "{text}"
    );
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
}
