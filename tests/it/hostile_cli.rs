//! Hostile input found when issue 11's reproductions were run again on the merged branch:
//! file names and argument values reach GitHub annotations and clap's errors, `convert`
//! prints its findings under the same cap as `export`, and the human report places each
//! finding of a long one-line file in time independent of the file's length.

use std::path::Path;
use std::process::Output;

use crate::support;

fn factkit(dir: &Path, args: &[&str]) -> Output {
    support::factkit(dir, args, b"")
}

/// No control character, no `##` and no line that starts with `::` but factkit's own
/// annotations.
fn assert_inert(text: &str) {
    assert!(
        !text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t'),
        "a control character in\n{text}"
    );
    assert!(!text.contains("##"), "`##` in\n{text}");
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("::") {
            assert!(
                rest.starts_with("error ")
                    || rest.starts_with("warning ")
                    || rest.starts_with("notice title=factkit"),
                "a forged command: {line}"
            );
        }
    }
}

#[cfg(unix)]
#[test]
fn a_hostile_file_name_is_inert_in_github_annotations() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("ds");
    std::fs::create_dir(&data).unwrap();
    let name = "e\u{1b}]0;owned\u{7}\u{1b}[2Jh##[add-mask]q.jsonl";
    std::fs::write(
        data.join(name),
        r#"{"kind":"entity","id":"BAD","type":"person","name":"A"}"#,
    )
    .unwrap();
    for format in ["github", "human"] {
        let out = factkit(dir.path(), &["check", "ds", "--format", format]);
        assert_eq!(out.status.code(), Some(1));
        assert_inert(&String::from_utf8_lossy(&out.stdout));
        assert_inert(&String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn argument_errors_are_inert() {
    let dir = tempfile::tempdir().unwrap();
    let payload = "x\n::notice file=a,line=1::pwn ##[add-mask]zz \u{1b}[2J";
    for args in [
        vec!["check", "--format", payload],
        vec!["export", "--to", payload],
        vec!["check", payload, "--max-diagnostics", payload],
        vec![payload],
    ] {
        let out = factkit(dir.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("error"), "{stderr}");
        assert_inert(&stderr);
    }
    // --help is still plain help on standard output, exit 0.
    let help = factkit(dir.path(), &["--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("check"));
}

#[test]
fn convert_prints_at_most_max_diagnostics_findings() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..1_500 {
        text.push_str(&format!(
            "{{\"kind\":\"entity\",\"id\":\"e-{i}\",\"type\":\"alien\",\"name\":\"A\"}}\n"
        ));
    }
    std::fs::write(dir.path().join("e.jsonl"), text).unwrap();
    let out = factkit(
        dir.path(),
        &["convert", "e.jsonl", "--kind", "entity", "--to", "json"],
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("error[schema]").count(), 1_000, "{stderr}");
    assert!(
        stderr.contains("… and 500 more findings not shown"),
        "{stderr}"
    );
}

/// 20,000 findings on one line of 1.4 MB: each excerpt used to search the whole text for its
/// line's ends (28 GB of scanning, minutes in a debug build); now each looks no further than
/// an excerpt may reach, and the line, too long to show, gives no excerpt.
#[test]
fn findings_on_a_long_one_line_array_are_placed_in_linear_time() {
    let dir = tempfile::tempdir().unwrap();
    let records: Vec<String> = (0..20_000)
        .map(|i| format!(r#"{{"kind":"entity","id":"e-{i}","type":"person","nmae":"x"}}"#))
        .collect();
    std::fs::write(
        dir.path().join("e.json"),
        format!("[{}]", records.join(",")),
    )
    .unwrap();
    let out = factkit(dir.path(), &["check", ".", "--max-diagnostics", "0"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("e.json:1:"), "{}", &stdout[..500]);
    // Each record: the unknown field `nmae`, and the missing `name`.
    assert_eq!(stdout.matches("error[schema]").count(), 40_000);
    assert!(
        stdout.contains("20000 records: 40000 errors"),
        "{}",
        &stdout[stdout.len() - 200..]
    );
}
