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
