//! The bad-input corpus: every case under `tests/fixtures/bad/` is copied to a scratch
//! folder (with what cannot be committed, such as a 50 MB string, a symbolic-link loop or a
//! FIFO, made there at test time), checked by the real binary, and its exit code, standard
//! output and standard error are snapshotted together. Each case holds `other.json`, a file
//! with one record that breaks its schema, beside the bad file: its finding in the snapshot
//! shows that the rest of the dataset is still checked.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else if entry.file_name() != "README" {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A scratch copy of case `name`; the dataset is its `data/` folder, so that a path that
/// leads out of the dataset (`../`) stays inside the scratch folder.
fn scratch(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_dir(&fixtures().join(name), &data);
    (dir, data)
}

fn run(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_factkit"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        out.status.code().map_or("signal".into(), |c| c.to_string()),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The scratch folder's name changes from run to run.
    let scratch = dir.parent().unwrap();
    let canonical = std::fs::canonicalize(scratch).unwrap();
    text.replace(&canonical.display().to_string(), "[SCRATCH]")
        .replace(&scratch.display().to_string(), "[SCRATCH]")
}

/// Checks the case's dataset as `factkit check . --as-of 2026-11-28` from inside it.
fn check(data: &Path) -> String {
    run(data, &["check", ".", "--as-of", "2026-11-28"])
}

fn case(name: &str) -> String {
    let (_dir, data) = scratch(name);
    check(&data)
}

macro_rules! snapshot_case {
    ($test:ident, $name:literal) => {
        #[test]
        fn $test() {
            insta::assert_snapshot!($name, case($name));
        }
    };
}

snapshot_case!(invalid_utf8, "invalid-utf8");
snapshot_case!(utf16, "utf16");
snapshot_case!(bom, "bom");
snapshot_case!(crlf, "crlf");
snapshot_case!(empty, "empty");
snapshot_case!(whitespace_only, "whitespace-only");
snapshot_case!(truncated, "truncated");
// Issue 15: a file that does not parse, or a record that fails its schema, gives its own
// finding and one summary, not one unknown-reference per record that names it.
snapshot_case!(cascade_yaml, "cascade-yaml");
snapshot_case!(cascade_trailing_comma, "cascade-trailing-comma");
snapshot_case!(cascade_schema, "cascade-schema");
snapshot_case!(cascade_jsonl_line, "cascade-jsonl-line");
snapshot_case!(long_number, "long-number");
snapshot_case!(nan_infinity, "nan-infinity");
snapshot_case!(duplicate_keys, "duplicate-keys");
snapshot_case!(nul_byte, "nul-byte");
snapshot_case!(remote_ref, "remote-ref");
snapshot_case!(config_unknown_key, "config-unknown-key");
snapshot_case!(archive_outside, "archive-outside");
snapshot_case!(file_size_limit, "file-size-limit");
snapshot_case!(string_limit, "string-limit");
snapshot_case!(archive_absolute, "archive-absolute");
snapshot_case!(archive_too_large, "archive-too-large");

/// About `bytes` of invented prose, the same on every run (xorshift): sentences of words
/// made of syllables, common words and numbers.
fn prose(bytes: usize) -> String {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let syllables = [
        "ka", "zu", "mer", "tol", "an", "vi", "sto", "rel", "po", "dan", "qui", "les", "or", "bat",
        "nim", "ex", "ul", "gra", "fen", "so",
    ];
    let common = [
        "the", "of", "and", "a", "to", "in", "is", "that", "it", "was",
    ];
    let mut text = String::with_capacity(bytes + 200);
    while text.len() < bytes {
        for k in 0..8 + next(20) {
            if k > 0 {
                text.push(' ');
            }
            if next(3) == 0 {
                text.push_str(common[next(common.len())]);
            } else if next(30) == 0 {
                text.push_str(&next(100_000).to_string());
            } else {
                for _ in 0..1 + next(3) {
                    text.push_str(syllables[next(syllables.len())]);
                }
            }
        }
        text.push_str(if next(4) == 0 { ".\n" } else { ". " });
    }
    text
}

/// A 1 MB quote with one word changed, against 1.5 MB of archived prose: the near-miss
/// alignment was quadratic in the quote's words, and this aborted (`memory allocation of
/// 342435632384 bytes failed`; a 133 KB quote took 56 s and 6.7 GB). Bounded, the message
/// names the changed word and how many words were compared.
#[test]
fn archive_long_quote() {
    let (_dir, data) = scratch("archive-long-quote");
    let text = prose(1_500_000);
    std::fs::create_dir(data.join("archives")).unwrap();
    std::fs::write(data.join("archives/a.txt"), &text).unwrap();
    let start = text[100_000..].find(' ').unwrap() + 100_001;
    let end = start + text[start + 1_000_000..].find(' ').unwrap() + 1_000_000;
    let mut words: Vec<&str> = text[start..end].split(' ').collect();
    let middle = words.len() / 2;
    words[middle] = "zyxwv";
    let records = [
        serde_json::json!({"kind": "source", "id": "s", "title": "T", "url": "https://example.org/t",
            "published": "2025-01-01", "archive": "archives/a.txt"}),
        serde_json::json!({"kind": "entity", "id": "p", "type": "person", "name": "P"}),
        serde_json::json!({"kind": "statement", "id": "q", "speaker": "p", "source": "s",
            "quote": words.join(" ")}),
    ];
    let lines: Vec<String> = records.iter().map(|r| r.to_string()).collect();
    std::fs::write(data.join("records.jsonl"), lines.join("\n") + "\n").unwrap();
    insta::assert_snapshot!("archive-long-quote", check(&data));
}

/// The escaping `$ref` names a file that exists (beside the dataset), so the refusal is
/// not just a missing file.
#[test]
fn ref_escape() {
    let (dir, data) = scratch("ref-escape");
    std::fs::write(dir.path().join("outside.json"), "{}").unwrap();
    insta::assert_snapshot!("ref-escape", check(&data));
}

#[test]
fn deep_nesting() {
    let (_dir, data) = scratch("deep-nesting");
    let depth = 10_000;
    let json = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    std::fs::write(data.join("deep.json"), json).unwrap();
    let yaml = format!("{}{}\n", "[".repeat(depth), "]".repeat(depth));
    std::fs::write(data.join("deep.yaml"), yaml).unwrap();
    let jsonl = format!("{}{}\n", "{\"a\":".repeat(depth), "}".repeat(depth));
    std::fs::write(data.join("deep.jsonl"), jsonl).unwrap();
    insta::assert_snapshot!("deep-nesting", check(&data));
}

#[test]
fn long_string() {
    let (_dir, data) = scratch("long-string");
    let mut text = String::with_capacity(50 * 1024 * 1024 + 200);
    text.push_str(
        "[\n  {\"kind\": \"entity\", \"id\": \"long\", \"type\": \"person\", \"name\": \"",
    );
    text.push_str(&"x".repeat(50 * 1024 * 1024));
    text.push_str("\"}\n]\n");
    std::fs::write(data.join("long.json"), text).unwrap();
    let start = std::time::Instant::now();
    let out = check(&data);
    assert!(start.elapsed().as_secs() < 30, "took {:?}", start.elapsed());
    insta::assert_snapshot!("long-string", out);
}

#[cfg(unix)]
#[test]
fn symlink_loop() {
    let (_dir, data) = scratch("symlink-loop");
    std::fs::create_dir(data.join("sub")).unwrap();
    std::os::unix::fs::symlink("..", data.join("sub/loop")).unwrap();
    insta::assert_snapshot!("symlink-loop", check(&data));
}

/// We run as root in CI, and root reads a file whatever its permissions, so `chmod 000`
/// cannot make a file unreadable. A FIFO named `x.json` stands in: opening it would block
/// forever, so factkit must refuse it without opening it.
#[cfg(unix)]
#[test]
fn unreadable() {
    let (_dir, data) = scratch("unreadable");
    let fifo = std::ffi::CString::new(data.join("x.json").to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    insta::assert_snapshot!("unreadable", check(&data));
    // Named on the command line, it stops the run (exit 2) without being opened.
    let named = run(&data, &["check", "x.json", "other.json"]);
    assert!(named.starts_with("exit: 2\n"), "{named}");
    assert!(
        named.contains("`x.json`: it is not a regular file"),
        "{named}"
    );
}

/// A file that disappears during the run, made deterministic: a symbolic link whose
/// target has been removed is what the walk finds when a file vanishes between listing the
/// folder and reading it.
#[cfg(unix)]
#[test]
fn vanished() {
    let (_dir, data) = scratch("vanished");
    std::os::unix::fs::symlink("removed.json", data.join("gone.json")).unwrap();
    insta::assert_snapshot!("vanished", check(&data));
}

#[test]
fn max_diagnostics() {
    let (_dir, data) = scratch("max-diagnostics");
    insta::assert_snapshot!(
        "max-diagnostics",
        run(&data, &["check", ".", "--max-diagnostics", "2"])
    );
    let all = run(&data, &["check", ".", "--max-diagnostics", "0"]);
    assert!(!all.contains("not shown"), "{all}");
    assert!(all.contains("13 errors"), "{all}");
    // `export`, refusing a dataset with errors, prints them on standard error within the
    // same ceiling, which only factkit.toml sets for it.
    std::fs::write(data.join("factkit.toml"), "[limits]\nmax_diagnostics = 2\n").unwrap();
    let export = run(&data, &["export", ".", "--to", "json"]);
    assert!(export.starts_with("exit: 1\n"), "{export}");
    assert_eq!(export.matches("error[").count(), 2, "{export}");
    assert!(
        export.contains("… and 11 more findings not shown; raise the limit with `[limits]` `max_diagnostics` in factkit.toml (0 shows all)"),
        "{export}"
    );
}

/// Runs like [`run`], but kills factkit after a minute: a regression that blocks on a FIFO
/// then fails the test instead of hanging the suite.
fn run_bounded(dir: &Path, args: &[&str]) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_factkit"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > std::time::Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("factkit {args:?} did not finish: it blocked");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        out.status.code().map_or("signal".into(), |c| c.to_string()),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let scratch = dir.parent().unwrap();
    let canonical = std::fs::canonicalize(scratch).unwrap();
    text.replace(&canonical.display().to_string(), "[SCRATCH]")
        .replace(&scratch.display().to_string(), "[SCRATCH]")
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let fifo = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
}

/// Numbers over `max_number_length` (1,000 digits written out): a 10-million-digit amount
/// (minutes before the ceiling: reading digits into an integer is quadratic), a decimal
/// string of 1,001 digits, and `1e999999`, whose finding is at the amount, not at the
/// record's id. Each record is reported and not checked; the rest of the dataset is.
#[test]
fn number_limit() {
    let (_dir, data) = scratch("number-limit");
    let huge = format!(
        "{{\"kind\": \"statistic\", \"id\": \"huge\", \"label\": \"Huge\", \"source\": \"src\", \"value\": {{\"amount\": {}, \"unit\": \"people\"}}}}\n",
        "7".repeat(10_000_000)
    );
    std::fs::write(data.join("huge.jsonl"), huge).unwrap();
    let string = format!(
        "- kind: statistic\n  id: string\n  label: A long string\n  source: src\n  value:\n    unit: people\n    amount: \"{}\"\n",
        "3".repeat(1001)
    );
    std::fs::write(data.join("string.yaml"), string).unwrap();
    let out = check(&data);
    assert!(out.len() < 10_000, "{} bytes", out.len());
    insta::assert_snapshot!("number-limit", out);
    // At the ceiling, a number is read and kept with every digit (`long-number` has one of
    // 1,000 digits); `max_number_length` can be raised up to 4096 and no further.
    std::fs::write(
        data.join("factkit.toml"),
        "[limits]\nmax_number_length = 4097\n",
    )
    .unwrap();
    let refused = check(&data);
    assert!(refused.starts_with("exit: 2\n"), "{refused}");
    assert!(refused.contains("it can be at most 4096"), "{refused}");
}

/// Zeros where a rule divides: a `ratio_of` whose denominator is stated as zero, a figure
/// with an equivalent of zero and a zero with an equivalent that is not (`implied-rate`),
/// and an equivalent of zero that a rate record covers (`conversion`) are findings. Zero
/// for zero, and a denominator that only may be zero (`under 1`), are not.
#[test]
fn zero_figures() {
    insta::assert_snapshot!("zero-figures", case("zero-figures"));
}

/// Findings that used to run to megabytes: the parts of a total of 10,000 parts of 1,000
/// digits each (12.8 MB in one finding before), a record with 200,000 unknown fields (all
/// listed, 2 MB), and a source whose 1,000 conversions at `1e±995` agree but one (each rate
/// written out in full, 2,000 digits, in 13 places). Each finding is now a few kilobytes.
#[test]
fn finding_size() {
    let (_dir, data) = scratch("finding-size");
    let source = "{\"kind\": \"source\", \"id\": \"src\", \"title\": \"T\", \"url\": \"https://example.org/t\", \"published\": \"2025-01-01\"}\n";
    let mut parts = String::from(source);
    let mut ids = Vec::new();
    let digits = format!("1{}", "2".repeat(999));
    for i in 0..10_000 {
        parts.push_str(&format!(
            "{{\"kind\": \"statistic\", \"id\": \"p{i}\", \"label\": \"Part\", \"source\": \"src\", \"value\": {{\"amount\": {digits}, \"unit\": \"people\"}}}}\n"
        ));
        ids.push(format!("\"p{i}\""));
    }
    parts.push_str(&format!(
        "{{\"kind\": \"statistic\", \"id\": \"total\", \"label\": \"Total\", \"source\": \"src\", \"value\": {{\"amount\": \"1\", \"unit\": \"people\"}}, \"sum_of\": [{}]}}\n",
        ids.join(", ")
    ));
    std::fs::write(data.join("parts.jsonl"), parts).unwrap();
    let keys: Vec<String> = (0..200_000).map(|i| format!("\"k{i}\": 1")).collect();
    std::fs::write(
        data.join("keys.json"),
        format!(
            "{{\"kind\": \"entity\", \"id\": \"keys\", \"type\": \"person\", \"name\": \"N\", {}}}\n",
            keys.join(", ")
        ),
    )
    .unwrap();
    let mut rates = String::from(source.replace("\"src\"", "\"article\"").as_str());
    for i in 0..1_000 {
        // `(i + 1)e995` KZT for `(i + 1)e-995` USD: 10^1990 KZT per USD, but the last one.
        let usd = if i == 999 { 9 } else { i + 1 };
        rates.push_str(&format!(
            "{{\"kind\": \"statistic\", \"id\": \"c{i}\", \"label\": \"C\", \"source\": \"article\", \"value\": {{\"amount\": {}e995, \"currency\": \"KZT\", \"qualifier\": \"exact\"}}, \"equivalents\": [{{\"amount\": {usd}e-995, \"currency\": \"USD\", \"qualifier\": \"exact\"}}]}}\n",
            i + 1
        ));
    }
    std::fs::write(data.join("rates.jsonl"), rates).unwrap();
    let out = check(&data);
    assert!(out.len() < 30_000, "{} bytes", out.len());
    insta::assert_snapshot!("finding-size", out);
}

/// Every schema file factkit reads must be a regular file, checked before it is opened,
/// and no larger than `max_file_size`: an extra schema of `[schemas]` or a `$ref` target
/// that is a FIFO (which blocked forever), `check --schema` and `convert --schema` naming a
/// FIFO or `/dev/zero` (which read until memory ran out), and a schema over the ceiling
/// all stop the run with exit 2 and say why.
#[cfg(unix)]
#[test]
fn schema_special_files() {
    let (_dir, data) = scratch("schema-special-files");
    let mut out = String::new();
    let mut step = |title: &str, args: &[&str]| {
        let text = run_bounded(&data, args);
        assert!(text.starts_with("exit: 2\n"), "{title}: {text}");
        out.push_str(&format!("=== {title}\n{text}"));
    };
    mkfifo(&data.join("extra.json"));
    step("[schemas] names a FIFO", &["check", "."]);
    std::fs::remove_file(data.join("extra.json")).unwrap();
    std::fs::write(data.join("extra.json"), r#"{"$ref": "fifo.json"}"#).unwrap();
    mkfifo(&data.join("fifo.json"));
    step("a `$ref` names a FIFO", &["check", "."]);
    std::os::unix::fs::symlink("/dev/zero", data.join("zero.json")).unwrap();
    step(
        "check --schema names /dev/zero",
        &["check", "--schema", "zero.json", "other.json"],
    );
    step(
        "convert --schema names a FIFO",
        &[
            "convert",
            "other.json",
            "--to",
            "jsonl",
            "--schema",
            "fifo.json",
        ],
    );
    std::fs::remove_file(data.join("fifo.json")).unwrap();
    std::fs::write(
        data.join("fifo.json"),
        format!(r#"{{"description": "{}"}}"#, "x".repeat(2000)),
    )
    .unwrap();
    std::fs::write(
        data.join("factkit.toml"),
        "[limits]\nmax_file_size = 1000\n\n[schemas]\nentity = [\"extra.json\"]\n",
    )
    .unwrap();
    step("a `$ref` target over `max_file_size`", &["check", "."]);
    insta::assert_snapshot!("schema-special-files", out);
}

/// What factkit prints for people and CI logs is inert: no control character (so no
/// escape sequence reaches the terminal), no `##` anywhere (`##[add-mask]` works anywhere
/// in a line on GitHub's runner), and no line that starts with `::` but factkit's own
/// annotations, in whose message no `::` is left.
fn assert_inert(output: &str) {
    assert!(
        !output
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t'),
        "a control character in\n{output}"
    );
    assert!(!output.contains("##"), "`##` in\n{output}");
    for line in output.lines() {
        let Some(command) = line.trim_start().strip_prefix("::") else {
            continue;
        };
        let own = [
            "error file=",
            "warning file=",
            "error title=",
            "warning title=",
        ]
        .iter()
        .any(|p| command.starts_with(p))
            || command.starts_with("notice title=factkit::GitHub shows");
        assert!(own, "a forged command: {line}");
        let message = &command[command.find("::").unwrap() + 2..];
        assert!(!message.contains("::"), "`::` in the message of {line}");
    }
}

/// The payload of the issue: a line break then a workflow command, `##[add-mask]`, and an
/// OSC title plus a screen clear.
const PAYLOAD: &str =
    "x\n::notice file=README.md,line=1::forged ##[add-mask]secret \u{1b}]0;owned\u{7}\u{1b}[2J";

/// Hostile values in a `found` label (JSON and a raw CSV cell), a record id (echoed by
/// `export`'s warnings) and a near-miss passage of an archive come out inert in the human
/// report, in `--format github`, and on the standard error of `export` and `convert`.
#[test]
fn terminal_injection() {
    let (dir, data) = scratch("terminal-injection");
    let entity = |id: &str, ty: &str| serde_json::json!({"kind": "entity", "id": id, "type": ty, "name": "N"});
    let write = |name: &str, text: String| std::fs::write(data.join(name), text).unwrap();
    write(
        "entities.json",
        serde_json::to_string_pretty(&[entity("p", "person"), entity("t", PAYLOAD)]).unwrap(),
    );
    write(
        "entities.csv",
        "kind,id,type,name\nentity,c,\"y\u{1b}]0;owned\u{7}\u{1b}[2J##[add-mask]secret\",C\n"
            .into(),
    );
    write(
        "ids.json",
        serde_json::to_string(&[entity(PAYLOAD, "person")]).unwrap(),
    );
    write(
        "sources.json",
        serde_json::json!([{"kind": "source", "id": "s", "title": "T", "publisher": "P",
            "url": "https://example.org/a", "published": "2025-10-06", "language": "en",
            "archive": "archive.txt"}])
        .to_string(),
    );
    write(
        "statements.jsonl",
        serde_json::json!({"kind": "statement", "id": "q", "speaker": "p", "source": "s",
            "quote": "the best money this council has spent in a generation"})
        .to_string(),
    );
    write(
        "archive.txt",
        "The mayor called it the best money this\u{1b}]0;owned\u{7}\u{1b}[2J council has spent ##[x] in a decade.\n".into(),
    );
    let human = check(&data);
    assert_inert(&human);
    assert!(human.contains("found `x\\u{a}:\\u{3a}notice"), "{human}");
    assert!(
        human.contains("this\\u{1b}]0;owned\\u{7}\\u{1b}[2J council"),
        "{human}"
    );
    insta::assert_snapshot!("terminal-injection", human);
    let github = run(
        &data,
        &["check", ".", "--as-of", "2026-11-28", "--format", "github"],
    );
    assert_inert(&github);
    insta::assert_snapshot!("terminal-injection-github", github);
    let out = dir.path().join("out.jsonl");
    let export = run(
        &data,
        &[
            "export",
            "--to",
            "jsonl",
            "--allow-errors",
            "-o",
            out.to_str().unwrap(),
            ".",
        ],
    );
    assert!(export.starts_with("exit: 0\n"), "{export}");
    assert_inert(&export);
    assert!(export.contains("warning: ./ids.json:1:"), "{export}");
    let convert = run(
        &data,
        &[
            "convert",
            "entities.csv",
            "--kind",
            "entity",
            "--to",
            "json",
        ],
    );
    assert!(convert.starts_with("exit: 1\n"), "{convert}");
    assert!(convert.contains("found `y\\u{1b}]0;owned"), "{convert}");
    assert_inert(&convert);
}

/// A key of factkit.toml holding a line break is quoted in the error message, which must
/// not forge an annotation, in either format.
#[test]
fn config_newline_key() {
    let (_dir, data) = scratch("config-newline-key");
    let human = check(&data);
    assert_inert(&human);
    insta::assert_snapshot!("config-newline-key", human);
    let github = run(&data, &["check", ".", "--format", "github"]);
    assert!(github.starts_with("exit: 2\n"), "{github}");
    assert_inert(&github);
}

/// A custom rule's description and message come from factkit.toml and are quoted by
/// `explain` and `--list-rules`: they come out inert too (`explain` cleans each line of its
/// text, so a line break in a description starts a line, but one holding no command).
#[test]
fn custom_rule_text_is_inert() {
    let (_dir, data) = scratch("config-newline-key");
    let quoted: String = PAYLOAD
        .chars()
        .map(|c| match c {
            c if c.is_control() => format!("\\u{:04X}", u32::from(c)),
            c => c.to_string(),
        })
        .collect();
    let toml = format!(
        "[[rule]]\nid = \"house\"\nkind = \"entity\"\nexpr = \"true\"\nmessage = \"{quoted}\"\ndescription = \"{quoted}\"\n"
    );
    std::fs::write(data.join("factkit.toml"), toml).unwrap();
    let explained = run(&data, &["explain", "house", "--config", "factkit.toml"]);
    assert!(explained.starts_with("exit: 0\n"), "{explained}");
    assert!(
        explained.contains(":\\u{3a}notice file=README.md"),
        "{explained}"
    );
    assert_inert(&explained);
    let listed = run(&data, &["check", ".", "--list-rules"]);
    assert!(listed.contains("house "), "{listed}");
    assert_inert(&listed);
}

/// Record files are confined like archives: a link inside the dataset that leads out of
/// it (to a file beside the dataset, to the process's environment, to a folder) is a
/// `read` finding and is not read; a link that stays inside is read. `--follow-links`
/// reads them all, and a link named on the command line is read as the user asked.
#[cfg(target_os = "linux")]
#[test]
fn symlink_outside() {
    use std::os::unix::fs::symlink;
    let (dir, data) = scratch("symlink-outside");
    std::fs::write(dir.path().join("secret.txt"), "token: do-not-print-me\n").unwrap();
    std::fs::create_dir_all(dir.path().join("outside")).unwrap();
    std::fs::write(
        dir.path().join("outside/far.json"),
        r#"[{"kind": "entity", "id": "far", "type": "nobody", "name": "Far"}]"#,
    )
    .unwrap();
    std::fs::create_dir_all(data.join(".store")).unwrap();
    std::fs::write(
        data.join(".store/inside.json"),
        r#"[{"kind": "entity", "id": "near", "type": "nobody", "name": "Near"}]"#,
    )
    .unwrap();
    symlink("../secret.txt", data.join("leak.yaml")).unwrap();
    symlink("/proc/self/environ", data.join("env.jsonl")).unwrap();
    symlink("../outside", data.join("outdir")).unwrap();
    symlink(".store/inside.json", data.join("inside.json")).unwrap();
    let out = check(&data);
    assert!(
        !out.contains("do-not-print-me") && !out.contains("PATH="),
        "{out}"
    );
    insta::assert_snapshot!("symlink-outside", out);
    let github = run(&data, &["check", ".", "--format", "github"]);
    assert!(!github.contains("do-not-print-me"), "{github}");
    // With --follow-links every link is read (the environment left out of the snapshot).
    std::fs::remove_file(data.join("env.jsonl")).unwrap();
    let followed = run(
        &data,
        &["check", ".", "--as-of", "2026-11-28", "--follow-links"],
    );
    assert!(!followed.contains("leads outside"), "{followed}");
    assert!(followed.contains("./outdir/far.json"), "{followed}");
    assert!(followed.contains("./leak.yaml:1:1"), "{followed}");
    let exported = run(
        &data,
        &[
            "export",
            "--to",
            "jsonl",
            "--allow-errors",
            "--follow-links",
            ".",
        ],
    );
    assert!(exported.contains("\"id\":\"far\""), "{exported}");
    // Named on the command line, a link is read wherever it leads.
    let named = run(&data, &["check", "leak.yaml", "--format", "github"]);
    assert!(named.starts_with("exit: 1\n"), "{named}");
    assert!(named.contains("title=schema::"), "{named}");
}

/// Rows ended by a bare carriage return (old Mac line ends): `check` reads three records,
/// and `convert` converts the same three (issue 11: it wrote none and exited 0), with the
/// same finding at the same place once `--kind` validates them.
#[test]
fn bare_cr() {
    let (_dir, data) = scratch("bare-cr");
    let mut out = check(&data);
    out.push_str("\n$ factkit convert cr.csv --to jsonl\n");
    out.push_str(&run(&data, &["convert", "cr.csv", "--to", "jsonl"]));
    out.push_str("\n$ factkit convert cr.csv --to jsonl --kind entity\n");
    out.push_str(&run(
        &data,
        &["convert", "cr.csv", "--to", "jsonl", "--kind", "entity"],
    ));
    insta::assert_snapshot!("bare-cr", out);
}

/// An output that would replace a file the run reads is refused, exit 2, and nothing is
/// written (issue 11: the export wrote over `entities.csv` without its invalid row).
#[test]
fn output_over_input() {
    let (_dir, data) = scratch("output-over-input");
    let before = std::fs::read_to_string(data.join("entities.csv")).unwrap();
    let mut out = String::from("$ factkit export --to csv --allow-errors . -o ./\n");
    out.push_str(&run(
        &data,
        &["export", "--to", "csv", "--allow-errors", ".", "-o", "./"],
    ));
    out.push_str("\n$ factkit convert entities.csv -o entities.csv\n");
    out.push_str(&run(
        &data,
        &["convert", "entities.csv", "-o", "entities.csv"],
    ));
    insta::assert_snapshot!("output-over-input", out);
    assert_eq!(
        std::fs::read_to_string(data.join("entities.csv")).unwrap(),
        before
    );
}

/// Every case folder has a test above.
#[test]
fn every_case_is_run() {
    let source = include_str!("bad_input.rs");
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            source.contains(&format!("\"{name}\"")),
            "tests/fixtures/bad/{name} has no test"
        );
    }
}

/// The README's `[limits]` example is valid configuration and means what it says.
#[test]
fn readme_limits_example_parses() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme
        .find("```toml\n[limits]\n")
        .expect("a [limits] example")
        + 8;
    let end = start + readme[start..].find("```").unwrap();
    let config = factkit::Config::parse(&readme[start..end], Path::new("factkit.toml")).unwrap();
    assert_eq!(config.limits.max_file_size, 524_288_000);
    assert_eq!(config.limits.max_string_length, 52_428_800);
    assert_eq!(config.limits.max_diagnostics, 0);
    assert_eq!(config.limits.max_depth, 128);
    assert_eq!(config.limits.max_number_length, 4096);
    let too_deep = factkit::Config::parse("[limits]\nmax_depth = 129\n", Path::new("f.toml"));
    assert!(too_deep.unwrap_err().to_string().contains("at most 128"));
}
