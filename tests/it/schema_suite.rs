//! The generic mode (`check --schema`) over the official JSON-Schema-Test-Suite, every draft.
//!
//! `tests/vendor/json-schema-test-suite/` holds the suite's required tests for drafts 4, 6,
//! 7, 2019-09 and 2020-12, the `optional/format/` tests of each, and the `remotes/` folder,
//! with the suite's licence and a SOURCE note. Every test group runs through the library, as
//! `factkit check --schema` does (one process per case would take minutes): the group's
//! schema is written to a file and loaded by the one user-schema loader with `remotes/`
//! mapped to `http://localhost:1234/` (what `--ref http://localhost:1234/=…/remotes/` does),
//! each case is written to a `.json` file of its own in one folder, and the folder is checked
//! against the schema in one call (`factkit::check_schema_file`). A case is *valid*
//! when no error is reported in its file, which is exactly when `factkit check --schema
//! SCHEMA CASE.json` exits 0 (1 otherwise, 2 when the schema cannot be used). The
//! `optional/format/` groups run with format assertion on (`--assert-format`).
//!
//! The suite's schemas do not name their draft (runners are expected to use the folder's),
//! so the folder's `$schema` is added to each object schema that has none; draft 2020-12 is
//! factkit's default.
//!
//! [`ALLOWED`] is the exact list of cases that still fail, with why; the test fails if any
//! other case fails, if a listed case fails for another reason than the one written, and if
//! a listed case starts to pass (so the list cannot go stale).

use std::path::Path;

use factkit::RefMapping as Mapping;
use factkit::{SchemaFile, SchemaOptions as Options};
use serde_json::Value;

/// The drafts, their folders and the `$schema` that names each.
const DRAFTS: &[(&str, Option<&str>)] = &[
    ("draft4", Some("http://json-schema.org/draft-04/schema#")),
    ("draft6", Some("http://json-schema.org/draft-06/schema#")),
    ("draft7", Some("http://json-schema.org/draft-07/schema#")),
    (
        "draft2019-09",
        Some("https://json-schema.org/draft/2019-09/schema"),
    ),
    ("draft2020-12", None),
];

/// Why the cases of [`ALLOWED`] fail, and the drafts they fail in (drafts 4 and 6 have no
/// `idn-*` formats). factkit builds jsonschema with `default-features = false`, which leaves
/// out its `idna` feature (the IDNA/UTS 46 tables: see DEPENDENCIES.md), so `idn-hostname` is
/// an unknown format, accepted whatever its text, and `idn-email` is not checked: these
/// invalid instances pass (exit 0). Every other case of every draft passes, the required
/// tests with `refRemote` and custom meta-schemas included.
const IDNA: (&[&str], &str) = (
    &["draft7", "draft2019-09", "draft2020-12"],
    "exit 0 for an invalid instance",
);

/// The exact cases that still fail: file (under the draft's folder), group and test, in
/// each draft of [`IDNA`].
const ALLOWED: &[(&str, &str, &str)] = &[
    (
        "optional/format/idn-email.json",
        "validation of an internationalized e-mail addresses",
        "a fullwidth commercial at is not a local-part separator",
    ),
    (
        "optional/format/idn-email.json",
        "validation of an internationalized e-mail addresses",
        "an invalid e-mail/idn e-mail address",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "A-label that decodes to a Bidi rule violation is invalid",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "A-label that decodes to a disallowed code point is invalid",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "A-label that decodes to only ASCII is invalid",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "Arabic-Indic digits mixed with Extended Arabic-Indic digits",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "Begins with a Nonspacing Mark",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "Begins with a Spacing Combining Mark",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "Begins with an Enclosing Mark",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "Bidi domain name with a digit-first label is invalid",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "Exceptions that are DISALLOWED, left-to-right chars",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "Exceptions that are DISALLOWED, right-to-left chars",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "Greek KERAIA not followed by Greek",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "Greek KERAIA not followed by anything",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "Hebrew GERESH not preceded by Hebrew",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "Hebrew GERESH not preceded by anything",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "Hebrew GERSHAYIM not preceded by Hebrew",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "Hebrew GERSHAYIM not preceded by anything",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "KATAKANA MIDDLE DOT with no Hiragana, Katakana, or Han",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "KATAKANA MIDDLE DOT with no other characters",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "MIDDLE DOT with no following 'l'",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "MIDDLE DOT with no preceding 'l'",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "MIDDLE DOT with nothing following",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "MIDDLE DOT with nothing preceding",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "U-label contains \"--\" in the 3rd and 4th position",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "U-label ends with a dash",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "U-label starts and ends with a dash",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "U-label starts with a dash",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "ZERO WIDTH JOINER not preceded by Virama",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "ZERO WIDTH JOINER not preceded by anything",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "a U-label whose A-label form is longer than 63 octets is invalid",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "a name longer than 253 characters is invalid",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "a single label of 64 characters is too long",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "contains illegal char U+302E Hangul single dot tone mark",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "empty label between two dots is invalid",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "empty string",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "illegal first char U+302E Hangul single dot tone mark",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "invalid Punycode",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "invalid label, correct Punycode",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "label starting with a digit before a right-to-left letter is invalid",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "left-to-right label containing a right-to-left letter is invalid",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "non-canonical Punycode that does not re-encode to itself is invalid",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "right-to-left label mixing both digit types is invalid",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of internationalized host names",
        "zero width non-joiner must pass at every occurrence",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of separators in internationalized host names",
        "leading dot",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of separators in internationalized host names",
        "leading fullwidth full stop",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of separators in internationalized host names",
        "leading halfwidth ideographic full stop",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of separators in internationalized host names",
        "leading ideographic full stop",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of separators in internationalized host names",
        "single dot",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of separators in internationalized host names",
        "single fullwidth full stop",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of separators in internationalized host names",
        "single halfwidth ideographic full stop",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of separators in internationalized host names",
        "single ideographic full stop",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of separators in internationalized host names",
        "trailing dot",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of separators in internationalized host names",
        "trailing fullwidth full stop",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of separators in internationalized host names",
        "trailing halfwidth ideographic full stop",
    ),
    (
        "optional/format/idn-hostname.json",
        "validation of separators in internationalized host names",
        "trailing ideographic full stop",
    ),
];

fn allowed(draft: &str, file: &str, group: &str, test: &str) -> Option<&'static str> {
    let listed = ALLOWED
        .iter()
        .any(|(f, g, t)| *f == file && *g == group && *t == test);
    (listed && IDNA.0.contains(&draft)).then_some(IDNA.1)
}

#[derive(Debug)]
struct Outcome {
    draft: String,
    file: String,
    group: String,
    test: String,
    problem: String,
}

fn suite() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vendor/json-schema-test-suite")
}

fn run_group(
    dir: &Path,
    meta: Option<&str>,
    assert_format: bool,
    schema: &Value,
    tests: &[Value],
) -> Vec<Result<(), String>> {
    let mut schema = schema.clone();
    if let (Some(meta), Some(object)) = (meta, schema.as_object_mut()) {
        if !object.contains_key("$schema") {
            object.insert("$schema".into(), Value::from(meta));
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
    let options = Options {
        refs: vec![Mapping::new("http://localhost:1234/", &suite().join("remotes")).unwrap()],
        assert_format,
        ..Options::default()
    };
    let report = SchemaFile::load(&schema_path, &options).and_then(|schema| {
        factkit::check_schema_file(
            &schema,
            std::slice::from_ref(&cases),
            false,
            &factkit::Selection::default(),
        )
    });
    let report = match report {
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

/// The test files of a draft: its required ones, then `optional/format/`.
fn test_files(draft: &str) -> Vec<(String, std::path::PathBuf)> {
    let mut out = Vec::new();
    for sub in ["", "optional/format/"] {
        let folder = suite().join("tests").join(draft).join(sub);
        let mut found: Vec<_> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        found.sort();
        for path in found {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            out.push((format!("{sub}{name}"), path));
        }
    }
    out
}

#[test]
fn json_schema_test_suite() {
    let scratch = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let mut stale = Vec::new();
    let mut figures = Vec::new();
    let mut listed = 0;
    for (draft, meta) in DRAFTS {
        let (mut passed, mut allowed_count) = (0, 0);
        let files = test_files(draft);
        assert!(files.len() > 30, "{draft}: only {} files", files.len());
        for (file, path) in files {
            let format = file.starts_with("optional/format/");
            let groups: Vec<Value> =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            for (g, group) in groups.iter().enumerate() {
                let description = group["description"].as_str().unwrap().to_owned();
                let tests = group["tests"].as_array().unwrap();
                let dir = scratch
                    .path()
                    .join(format!("{draft}-{}-{g}", file.replace('/', "-")));
                let results = run_group(&dir, *meta, format, &group["schema"], tests);
                for (test, result) in tests.iter().zip(results) {
                    let test_description = test["description"].as_str().unwrap().to_owned();
                    let why = allowed(draft, &file, &description, &test_description);
                    let outcome = |problem: String| Outcome {
                        draft: (*draft).into(),
                        file: file.clone(),
                        group: description.clone(),
                        test: test_description.clone(),
                        problem,
                    };
                    match (result, why) {
                        (Ok(()), None) => passed += 1,
                        (Ok(()), Some(_)) => stale.push(format!(
                            "{draft}/{file}: {description} / {test_description}"
                        )),
                        (Err(problem), Some(why)) if problem.contains(why) => allowed_count += 1,
                        (Err(problem), _) => failures.push(outcome(problem)),
                    }
                }
                let _ = std::fs::remove_dir_all(&dir);
            }
        }
        assert!(passed > 300, "{draft}: only {passed} cases ran");
        listed += allowed_count;
        figures.push(format!("{draft}: {passed} pass, {allowed_count} listed"));
    }
    let listing: Vec<String> = failures
        .iter()
        .map(|o| {
            format!(
                "    ({:?}, {:?}, {:?}, {:?}, {:?}),",
                o.draft, o.file, o.group, o.test, o.problem
            )
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} cases fail ({figures:?}):\n{}",
        failures.len(),
        listing.join("\n")
    );
    assert!(
        stale.is_empty(),
        "listed cases now pass; remove them from ALLOWED: {stale:#?}"
    );
    assert_eq!(
        listed,
        ALLOWED.len() * IDNA.0.len(),
        "every listed case ran and failed as written"
    );
    eprintln!("{}", figures.join("\n"));
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

    // The bundled schemas, whose `$ref`s are file names beside them (no `$id`).
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
