//! SARIF and JUnit as their real consumers read them, with the real binary on
//! `examples/broken`: SARIF for GitHub code scanning (URIs relative to the repository root
//! from any folder, stable fingerprints, rule names and help URIs to README sections that
//! exist, descriptions within 1,024 characters, related locations linked from the message,
//! no level `none`), valid against the official SARIF 2.1.0 schema and, when it can be
//! installed, Microsoft's SARIF multitool with GitHub's rules; GitHub annotations relative
//! to the same root; JUnit within Jenkins xUnit's `junit-10.xsd`, checked by `xmllint`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs factkit in `dir` with `env`; standard output.
fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_factkit"));
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_WORKSPACE")
        .stdin(Stdio::null());
    for (key, value) in env {
        command.env(key, value);
    }
    let out = command.output().unwrap();
    assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn sarif(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Value {
    let mut all = vec!["check", "--format", "sarif"];
    all.extend_from_slice(args);
    serde_json::from_str(&run(dir, &all, env)).unwrap()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The GitHub-style anchors of README's headings.
fn readme_anchors() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("README.md")).unwrap();
    text.lines()
        .filter(|l| l.starts_with('#') && !l.starts_with("#!"))
        .filter_map(|l| l.trim_start_matches('#').strip_prefix(' '))
        .map(|heading| {
            heading
                .trim()
                .to_lowercase()
                .chars()
                .filter_map(|c| match c {
                    ' ' => Some('-'),
                    c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                    _ => None,
                })
                .collect()
        })
        .collect()
}

/// From a subfolder (`examples/broken`) and from the repository root, with or without
/// `GITHUB_WORKSPACE`, every URI is relative to the repository root and names a file there.
#[test]
fn uris_are_relative_to_the_repository_root() {
    let sub = root().join("examples/broken");
    let workspace = root().display().to_string();
    let logs = [
        sarif(&sub, &[], &[]),
        sarif(&sub, &[], &[("GITHUB_WORKSPACE", &workspace)]),
        sarif(&root(), &["examples/broken"], &[]),
    ];
    for log in &logs {
        let results = log["runs"][0]["results"].as_array().unwrap();
        assert!(results.len() > 10);
        for result in results {
            let artifact = &result["locations"][0]["physicalLocation"]["artifactLocation"];
            let uri = artifact["uri"].as_str().unwrap();
            assert!(uri.starts_with("examples/broken/"), "{uri}");
            assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
            assert!(root().join(uri).is_file(), "{uri}");
        }
    }
    let uris = |log: &Value| -> Vec<Value> {
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].clone())
            .collect()
    };
    assert_eq!(uris(&logs[0]), uris(&logs[2]));
    let annotations = run(&sub, &["check", "--format", "github"], &[]);
    let files: Vec<&str> = annotations
        .lines()
        .filter_map(|l| l.split("file=").nth(1))
        .map(|rest| rest.split(',').next().unwrap())
        .collect();
    assert!(files.len() > 10);
    for file in files {
        assert!(file.starts_with("examples/broken/"), "{file}");
    }
}

#[test]
fn rules_have_names_help_uris_and_short_descriptions() {
    let log = sarif(&root(), &["examples/broken"], &[]);
    let driver = &log["runs"][0]["tool"]["driver"];
    let repository = env!("CARGO_PKG_REPOSITORY");
    assert!(repository.starts_with("https://"));
    assert_eq!(driver["informationUri"], repository);
    let anchors = readme_anchors();
    let rules = driver["rules"].as_array().unwrap();
    assert!(rules.len() >= 15);
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        let name = rule["name"].as_str().unwrap();
        assert!(name.chars().next().unwrap().is_ascii_uppercase(), "{name}");
        assert!(name.chars().all(|c| c.is_ascii_alphanumeric()), "{name}");
        assert_ne!(name.to_lowercase(), id.to_lowercase());
        for key in ["shortDescription", "fullDescription"] {
            let text = rule[key]["text"].as_str().unwrap();
            assert!(
                !text.is_empty() && text.chars().count() <= 1024,
                "{id} {key}"
            );
        }
        let uri = rule["helpUri"].as_str().unwrap();
        let anchor = uri.strip_prefix(&format!("{repository}#")).unwrap();
        assert!(
            anchors.iter().any(|a| a == anchor),
            "{id}: README has no section `#{anchor}`"
        );
        assert_ne!(rule["defaultConfiguration"]["level"], "none");
    }
    // The anchor of custom rules exists too.
    assert!(anchors.iter().any(|a| a == "custom-rules-in-cel"));
}

/// Fingerprints: one per result, unique, and the same when lines move.
#[test]
fn fingerprints_are_stable_when_lines_move() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("broken");
    copy_dir(&root().join("examples/broken"), &data);
    let fingerprints = |log: &Value| -> Vec<String> {
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["factkit/v1"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    let before = fingerprints(&sarif(dir.path(), &["broken"], &[]));
    let mut unique = before.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), before.len(), "{before:#?}");
    // Blank lines at the top of every JSON file move every finding down.
    for entry in std::fs::read_dir(&data).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(&path, format!("\n\n\n{text}")).unwrap();
        }
    }
    let moved = sarif(dir.path(), &["broken"], &[]);
    let lines_moved = moved["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .ends_with(".json")
        });
    assert!(lines_moved);
    let mut after = fingerprints(&moved);
    let mut sorted = before.clone();
    sorted.sort();
    after.sort();
    assert_eq!(sorted, after);
}

#[test]
fn related_locations_are_linked_and_rules_turned_off_report_nothing() {
    let log = sarif(&root(), &["examples/broken"], &[]);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let mut linked = 0;
    for result in results {
        let text = result["message"]["text"].as_str().unwrap();
        for related in result["relatedLocations"].as_array().into_iter().flatten() {
            let id = related["id"].as_u64().unwrap();
            assert!(text.contains(&format!("]({id})")), "{text}");
            linked += 1;
        }
        assert_ne!(result["level"], "none");
    }
    assert!(linked > 0);
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("examples/broken"), dir.path());
    std::fs::write(
        dir.path().join("factkit.toml"),
        "[rules]\nmissing-recommended = \"off\"\n",
    )
    .unwrap();
    let log = sarif(dir.path(), &[], &[]);
    let run = &log["runs"][0];
    let off = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "missing-recommended")
        .unwrap();
    assert_eq!(
        off["defaultConfiguration"],
        serde_json::json!({"enabled": false})
    );
    assert!(!run["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["ruleId"] == "missing-recommended" || r["level"] == "none"));
}

/// The official schema (with the one pattern jsonschema cannot compile fixed, as in
/// tests/formats.rs), then Microsoft's SARIF multitool with GitHub's rules when npm can
/// install it (it is a self-contained binary; no .NET needed).
#[test]
fn sarif_validates() {
    let sub = root().join("examples/broken");
    let text = run(&sub, &["check", "--format", "sarif"], &[]);
    let log: Value = serde_json::from_str(&text).unwrap();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/vendor/sarif/sarif-schema-2.1.0.json"))
            .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    let Some(tool) = multitool() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("factkit.sarif");
    std::fs::write(&file, &text).unwrap();
    let out = Command::new(&tool)
        .args([
            "validate",
            "--rule-kind",
            "Gh;Sarif",
            "--level",
            "Error;Warning",
        ])
        .arg(&file)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{report}");
    let problems: Vec<&str> = report
        .lines()
        .filter(|l| l.contains(": error ") || l.contains(": warning "))
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
}

/// The SARIF multitool binary: `FACTKIT_SARIF_MULTITOOL`, else installed with npm into
/// `target/sarif-multitool`; None (with the reason printed) when it cannot be had.
fn multitool() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("FACTKIT_SARIF_MULTITOOL") {
        return Some(path.into());
    }
    let prefix = root().join("target/sarif-multitool");
    let binary = prefix.join("node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool");
    if !binary.is_file() {
        let installed = Command::new("npm")
            .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
            .arg(&prefix)
            .arg("@microsoft/sarif-multitool")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !installed || !binary.is_file() {
            println!("skipped: the SARIF multitool could not be installed with npm (no npm, no network, or not linux)");
            return None;
        }
    }
    // npm may leave its postinstall `chmod` unrun.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755));
    }
    Some(binary)
}

/// JUnit: no `testcase/@file` or `@line` (Jenkins xUnit's `junit-10.xsd` rejects them),
/// each element with only the attributes that schema allows; then `xmllint --schema` with
/// the XSD itself when both are at hand.
#[test]
fn junit_fits_jenkins_xunit() {
    let xml = run(
        &root(),
        &["check", "examples/broken", "--format", "junit"],
        &[],
    );
    let doc = roxmltree::Document::parse(&xml).unwrap();
    // The attributes junit-10.xsd declares for each element factkit writes.
    let allowed = |element: &str| -> &[&str] {
        match element {
            "testsuites" => &["name", "time", "tests", "failures", "errors"],
            "testsuite" => &[
                "name",
                "tests",
                "failures",
                "errors",
                "group",
                "time",
                "skipped",
                "timestamp",
                "hostname",
                "id",
                "package",
                "file",
                "log",
                "url",
            ],
            "testcase" => &["name", "time", "classname", "group"],
            "failure" | "error" | "skipped" => &["type", "message"],
            "system-out" | "system-err" => &[],
            other => panic!("junit-10.xsd has no element `{other}`"),
        }
    };
    let mut cases = 0;
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        for attribute in node.attributes() {
            assert!(
                allowed(name).contains(&attribute.name()),
                "`{name}` has `{}`, which junit-10.xsd does not allow",
                attribute.name()
            );
        }
        cases += usize::from(name == "testcase");
    }
    assert!(cases > 10);
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert!(failure
        .text()
        .unwrap()
        .contains("examples/broken/entities.json:"));

    let xsd = std::env::var_os("FACTKIT_JUNIT_XSD")
        .map_or_else(|| root().join("target/vendor/junit-10.xsd"), PathBuf::from);
    if !xsd.is_file() {
        println!(
            "skipped xmllint: no junit-10.xsd at {} (set FACTKIT_JUNIT_XSD; it is jenkinsci/xunit-plugin's src/main/resources/org/jenkinsci/plugins/xunit/types/model/xsd/junit-10.xsd)",
            xsd.display()
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("factkit.xml");
    std::fs::write(&file, &xml).unwrap();
    let Ok(out) = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(&xsd)
        .arg(&file)
        .output()
    else {
        println!("skipped xmllint: not installed (Debian: apt-get install libxml2-utils)");
        return;
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // ...and it can fail: the attributes factkit used to write are rejected.
    let old = xml.replacen("<testcase ", "<testcase file=\"a.json\" line=\"1\" ", 1);
    std::fs::write(&file, old).unwrap();
    let out = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(&xsd)
        .arg(&file)
        .output()
        .unwrap();
    assert!(!out.status.success());
}
