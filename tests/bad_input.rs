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
snapshot_case!(long_number, "long-number");
snapshot_case!(nan_infinity, "nan-infinity");
snapshot_case!(duplicate_keys, "duplicate-keys");
snapshot_case!(nul_byte, "nul-byte");
snapshot_case!(remote_ref, "remote-ref");
snapshot_case!(config_unknown_key, "config-unknown-key");
snapshot_case!(archive_outside, "archive-outside");
snapshot_case!(file_size_limit, "file-size-limit");
snapshot_case!(string_limit, "string-limit");

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
    let too_deep = factkit::Config::parse("[limits]\nmax_depth = 129\n", Path::new("f.toml"));
    assert!(too_deep.unwrap_err().to_string().contains("at most 128"));
}
