//! The generic mode (`check --schema`) over the official JSON-Schema-Test-Suite.
//!
//! `tests/vendor/json-schema-test-suite/` holds the suite's required tests for draft 2020-12
//! and draft 7 (its `optional/` folder is left out), with the suite's licence and a SOURCE
//! note. Every test group is run through the library entry point, `factkit::generic::check`
//! (the same call `factkit check --schema` makes; one process per case would take minutes):
//! the group's schema is written to a file, each of its cases to a `.json` file of its own
//! in one folder, and the folder is checked against the schema in one call. A case is
//! *valid* when no error is reported in its file, which is exactly when `factkit check
//! --schema SCHEMA CASE.json` exits 0 (1 otherwise, 2 when the schema cannot be used).
//!
//! The suite's draft 7 schemas do not name their draft (runners are expected to use the
//! folder's), so a `$schema` for draft 7 is added to each object schema that has none; draft
//! 2020-12 is factkit's default.
//!
//! [`ALLOWED`] lists what cannot pass, with why; the test fails if any other case fails, if
//! an allowed case fails for another reason than the one listed, and if an allowed case
//! starts to pass (so the list cannot go stale).
//!
//! What is allowed, and why: the suite expects its `remotes/` folder to be served at
//! `http://localhost:1234/` for the tests of remote references (`refRemote.json`, part of
//! `dynamicRef.json`) and of custom meta-schemas (`vocabulary.json`). factkit never fetches
//! a schema over the network (PRODUCT.md section 9), and the vendored copy of the suite does
//! not include `remotes/`, so each of these schemas is refused with exit 2 and the error
//! below; that refusal is itself what the test checks for them. All 72 are remote; no
//! other required case of either draft fails.

use std::path::Path;

use serde_json::Value;

const REMOTE: &str = "refused: factkit never fetches schemas over the network";
const META: &str = "is not a draft factkit knows";

/// Cases that cannot pass: draft, file, group (`*` for all), test (`*` for all), and the
/// words the error must contain.
const ALLOWED: &[(&str, &str, &str, &str, &str)] = &[
    ("draft2020-12", "refRemote.json", "*", "*", REMOTE),
    ("draft7", "refRemote.json", "*", "*", REMOTE),
    ("draft2020-12", "vocabulary.json", "*", "*", META),
    (
        "draft2020-12",
        "dynamicRef.json",
        "strict-tree schema, guards against misspelled properties",
        "*",
        REMOTE,
    ),
    (
        "draft2020-12",
        "dynamicRef.json",
        "tests for implementation dynamic anchor and reference link",
        "*",
        REMOTE,
    ),
    (
        "draft2020-12",
        "dynamicRef.json",
        "$ref and $dynamicAnchor are independent of order - $defs first",
        "*",
        REMOTE,
    ),
    (
        "draft2020-12",
        "dynamicRef.json",
        "$ref and $dynamicAnchor are independent of order - $ref first",
        "*",
        REMOTE,
    ),
    (
        "draft2020-12",
        "dynamicRef.json",
        "$ref to $dynamicRef finds detached $dynamicAnchor",
        "*",
        REMOTE,
    ),
];

fn allowed(draft: &str, file: &str, group: &str, test: &str) -> Option<&'static str> {
    ALLOWED
        .iter()
        .find(|(d, f, g, t, _)| {
            *d == draft && *f == file && (*g == "*" || *g == group) && (*t == "*" || *t == test)
        })
        .map(|a| a.4)
}

#[derive(Debug)]
struct Outcome {
    draft: String,
    file: String,
    group: String,
    test: String,
    problem: String,
}

fn run_group(dir: &Path, draft: &str, schema: &Value, tests: &[Value]) -> Vec<Result<(), String>> {
    let mut schema = schema.clone();
    if draft == "draft7" {
        if let Some(object) = schema.as_object_mut() {
            if !object.contains_key("$schema") {
                object.insert(
                    "$schema".into(),
                    Value::from("http://json-schema.org/draft-07/schema#"),
                );
            }
        }
    }
    let _ = std::fs::remove_dir_all(dir);
    let cases = dir.join("cases");
    std::fs::create_dir_all(&cases).unwrap();
    let schema_path = dir.join("schema.json");
    std::fs::write(&schema_path, serde_json::to_string(&schema).unwrap()).unwrap();
    for (k, test) in tests.iter().enumerate() {
        let data = serde_json::to_string(&test["data"]).unwrap();
        std::fs::write(cases.join(format!("{k:04}.json")), data).unwrap();
    }
    let report = match factkit::generic::check(&schema_path, std::slice::from_ref(&cases)) {
        Ok(report) => report,
        Err(e) => return tests.iter().map(|_| Err(format!("exit 2: {e}"))).collect(),
    };
    tests
        .iter()
        .enumerate()
        .map(|(k, test)| {
            let name = cases.join(format!("{k:04}.json")).display().to_string();
            let errors: Vec<&str> = report
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .filter(|d| d.location.as_ref().is_none_or(|l| l.file == name))
                .map(|d| d.message.as_str())
                .collect();
            let expected = test["valid"].as_bool().unwrap();
            match (expected, errors.is_empty()) {
                (true, true) | (false, false) => Ok(()),
                (true, false) => Err(format!("exit 1 for a valid instance: {errors:?}")),
                (false, true) => Err("exit 0 for an invalid instance".into()),
            }
        })
        .collect()
}

#[test]
fn json_schema_test_suite() {
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vendor/json-schema-test-suite/tests");
    let scratch = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let mut stale = Vec::new();
    let mut passed = 0;
    let mut allowed_count = 0;
    for draft in ["draft2020-12", "draft7"] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(draft))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        assert!(files.len() > 30, "{draft}: only {} files", files.len());
        for path in files {
            let file = path.file_name().unwrap().to_string_lossy().into_owned();
            let groups: Vec<Value> =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            for (g, group) in groups.iter().enumerate() {
                let description = group["description"].as_str().unwrap().to_owned();
                let tests = group["tests"].as_array().unwrap();
                let dir = scratch.path().join(format!("{draft}-{file}-{g}"));
                let results = run_group(&dir, draft, &group["schema"], tests);
                for (test, result) in tests.iter().zip(results) {
                    let test_description = test["description"].as_str().unwrap().to_owned();
                    let why = allowed(draft, &file, &description, &test_description);
                    match (result, why) {
                        (Ok(()), None) => passed += 1,
                        (Ok(()), Some(_)) => stale.push(format!(
                            "{draft}/{file}: {description} / {test_description}"
                        )),
                        (Err(problem), Some(why)) if problem.contains(why) => allowed_count += 1,
                        (Err(problem), Some(_)) => failures.push(Outcome {
                            draft: draft.into(),
                            file: file.clone(),
                            group: description.clone(),
                            test: test_description,
                            problem,
                        }),
                        (Err(problem), None) => failures.push(Outcome {
                            draft: draft.into(),
                            file: file.clone(),
                            group: description.clone(),
                            test: test_description,
                            problem,
                        }),
                    }
                }
                let _ = std::fs::remove_dir_all(&dir);
            }
        }
    }
    let listing: Vec<String> = failures
        .iter()
        .map(|o| {
            format!(
                "(\"{}\", \"{}\", \"{}\", \"{}\", \"{}\"),",
                o.draft, o.file, o.group, o.test, o.problem
            )
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} cases fail ({passed} pass):\n{}",
        failures.len(),
        listing.join("\n")
    );
    assert!(
        stale.is_empty(),
        "allowed cases now pass; remove them from ALLOWED: {stale:#?}"
    );
    assert!(passed > 1500, "only {passed} cases ran");
    assert_eq!(allowed_count, 72, "the remote cases are all refused");
    eprintln!("{passed} cases pass, {allowed_count} allowed to fail");
}

/// Runs the binary in `dir`; returns the exit code and both outputs together.
fn factkit(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_factkit"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

fn files(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// Issue 16's layouts through the command line: an absolute `$id` with a relative `$ref` to
/// the file beside it, the bundled schemas used as user schemas, `--ref`, `[schemas.refs]`.
#[test]
fn offline_references_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    files(
        d,
        &[
            (
                "schemas/contact.json",
                r#"{"$id": "https://desk.example/schemas/contact.json", "$ref": "defs.json#/$defs/x"}"#,
            ),
            (
                "schemas/defs.json",
                r#"{"$defs": {"x": {"type": "object", "required": ["name"]}}}"#,
            ),
            ("ok.json", r#"{"name": "Aigerim"}"#),
            ("bad.json", r#"{}"#),
        ],
    );
    let (code, text) = factkit(d, &["check", "--schema", "schemas/contact.json", "ok.json"]);
    assert_eq!(code, 0, "{text}");
    let (code, text) = factkit(
        d,
        &["check", "--schema", "schemas/contact.json", "bad.json"],
    );
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("missing required property `name`"), "{text}");

    // The bundled schemas, whose `$ref`s name `https://schemas.factkit.example/v1/defs.json`.
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/statistic.json");
    let bundled = bundled.to_str().unwrap();
    files(
        d,
        &[(
            "stat.json",
            r#"{"kind": "statistic", "id": "x", "label": "l", "source": "s", "value": {"amount": "1", "currency": "USD"}}"#,
        )],
    );
    let (code, text) = factkit(d, &["check", "--schema", bundled, "stat.json"]);
    assert_eq!(code, 0, "{text}");

    // A remote reference: refused, naming `--ref`; read from the folder it is mapped to.
    files(
        d,
        &[
            (
                "remote.json",
                r#"{"$ref": "https://vendor.example/v2/person.json"}"#,
            ),
            (
                "vendor/person.json",
                r#"{"type": "object", "required": ["name"]}"#,
            ),
        ],
    );
    let (code, text) = factkit(d, &["check", "--schema", "remote.json", "ok.json"]);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("--ref https://vendor.example/v2/person.json="),
        "{text}"
    );
    let mapped = ["--ref", "https://vendor.example/v2/=vendor"];
    let (code, text) = factkit(
        d,
        &[
            &["check", "--schema", "remote.json"][..],
            &mapped,
            &["ok.json"],
        ]
        .concat(),
    );
    assert_eq!(code, 0, "{text}");
    let (code, text) = factkit(
        d,
        &[
            &["check", "--schema", "remote.json"][..],
            &mapped,
            &["bad.json"],
        ]
        .concat(),
    );
    assert_eq!(code, 1, "{text}");
    let (code, text) = factkit(
        d,
        &[
            "check",
            "--schema",
            "remote.json",
            "--ref",
            "nonsense",
            "ok.json",
        ],
    );
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("invalid value for `--ref`"), "{text}");
}

/// One loader: `check --schema` and `convert --schema` accept the same JSON and YAML schemas
/// and report the same errors (`check --schema s.yaml` was refused).
#[test]
fn check_and_convert_read_schemas_alike() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    files(
        d,
        &[
            ("s.yaml", "type: object\nrequired: [name]\n"),
            ("s.json", r#"{"type": "object", "required": ["name"]}"#),
            ("bad.jsonl", "{\"age\": 1}\n"),
        ],
    );
    for schema in ["s.yaml", "s.json"] {
        let (code, check) = factkit(d, &["check", "--schema", schema, "bad.jsonl"]);
        assert_eq!(code, 1, "{check}");
        let (code, convert) = factkit(
            d,
            &["convert", "bad.jsonl", "--to", "json", "--schema", schema],
        );
        assert_eq!(code, 1, "{convert}");
        let first = |t: &str| t.lines().next().unwrap_or("").to_owned();
        assert_eq!(first(&check), first(&convert));
        assert!(
            first(&check).contains("missing required property `name`"),
            "{check}"
        );
    }
}

/// `--assert-format` and `[schemas] assert_format`: 2020-12 only annotates formats.
#[test]
fn formats_are_asserted_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    files(
        d,
        &[
            (
                "f.json",
                r#"{"properties": {"d": {"format": "date"}, "e": {"format": "email"}}}"#,
            ),
            ("date.json", r#"{"d": "2025-13-45"}"#),
            ("email.json", r#"{"e": "not-an-email"}"#),
            (
                "fine.json",
                r#"{"d": "2025-12-31", "e": "desk@example.org"}"#,
            ),
        ],
    );
    for instance in ["date.json", "email.json"] {
        let (code, text) = factkit(d, &["check", "--schema", "f.json", instance]);
        assert_eq!(code, 0, "{text}");
        let (code, text) = factkit(
            d,
            &["check", "--schema", "f.json", "--assert-format", instance],
        );
        assert_eq!(code, 1, "{text}");
    }
    let (code, text) = factkit(
        d,
        &[
            "check",
            "--schema",
            "f.json",
            "--assert-format",
            "fine.json",
        ],
    );
    assert_eq!(code, 0, "{text}");
}

/// `[schemas.refs]` and `assert_format` in factkit.toml, for its extra schemas.
#[test]
fn configured_refs_and_formats() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    files(
        d,
        &[
            (
                "factkit.toml",
                "[schemas]\nassert_format = true\nsource = [\"house/source.json\"]\n\n[schemas.refs]\n\"https://vendor.example/v2/\" = \"vendor\"\n",
            ),
            (
                "house/source.json",
                r#"{"properties": {"published": {"$ref": "https://vendor.example/v2/date.json"}}}"#,
            ),
            ("vendor/date.json", r#"{"type": "string", "format": "date"}"#),
            (
                "data.json",
                r#"[{"kind": "source", "id": "s", "title": "T", "published": "2025"}]"#,
            ),
        ],
    );
    let (code, text) = factkit(d, &["check", "data.json"]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("is not a \"date\""), "{text}");
    std::fs::write(
        d.join("factkit.toml"),
        "[schemas]\nsource = [\"house/source.json\"]\n",
    )
    .unwrap();
    let (code, text) = factkit(d, &["check", "data.json"]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("[schemas.refs]"), "{text}");
}
