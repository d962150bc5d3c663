//! Which files are records: `include` and `exclude` in factkit.toml, `--exclude`, and the
//! ignore files (`.gitignore`, `.ignore`; `--no-ignore`), with the real binary on a desk's
//! repository made at test time: records under `data/` beside `package.json`,
//! `renovate.json`, `docker-compose.yml`, `mkdocs.yml` and `schemas/contact.json`, none of
//! them records. Excluded and ignored entries must never be opened: FIFOs named like record
//! files stand among them (opening one would block), and the runs are killed after a minute.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const STATISTIC: &str = r#"[
  {"kind": "entity", "id": "agency", "name": "Statistics Agency", "type": "organization"},
  {"kind": "source", "id": "report", "title": "Annual report", "publisher": "agency",
   "published": "2025-03-01", "url": "https://stat.example/report"}
]
"#;

/// The desk's repository, in a scratch folder that is not a git repository.
fn desk() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("desk");
    std::fs::create_dir_all(root.join("data")).unwrap();
    std::fs::create_dir_all(root.join("schemas")).unwrap();
    std::fs::write(root.join("data/records.json"), STATISTIC).unwrap();
    std::fs::write(
        root.join("package.json"),
        r#"{"name": "desk", "private": true}"#,
    )
    .unwrap();
    std::fs::write(
        root.join("renovate.json"),
        r#"{"extends": ["config:base"]}"#,
    )
    .unwrap();
    std::fs::write(
        root.join("docker-compose.yml"),
        "services:\n  web:\n    image: nginx\n",
    )
    .unwrap();
    std::fs::write(root.join("mkdocs.yml"), "site_name: Desk\n").unwrap();
    std::fs::write(
        root.join("schemas/contact.json"),
        r#"{"type": "object", "required": ["email"]}"#,
    )
    .unwrap();
    (dir, root)
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let fifo = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
}

/// Runs factkit in `dir`; exit code and both streams, killed after a minute (a FIFO that
/// is opened blocks forever).
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_factkit"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_WORKSPACE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > std::time::Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("factkit {args:?} did not finish: it opened a FIFO it should not read");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn without_a_selection_every_file_is_a_record() {
    let (_dir, root) = desk();
    let (code, stdout, stderr) = run(&root, &["check"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    for file in [
        "package.json",
        "renovate.json",
        "docker-compose.yml",
        "mkdocs.yml",
        "schemas/contact.json",
    ] {
        assert!(
            stdout.contains(&format!("--> ./{file}:")),
            "{file}: {stdout}"
        );
    }
}

#[cfg(unix)]
#[test]
fn exclude_in_factkit_toml_leaves_files_unread() {
    let (_dir, root) = desk();
    // Opening any of these would block the run: excluded entries are never opened, and
    // an excluded folder is not entered.
    mkfifo(&root.join("schemas/fifo.json"));
    mkfifo(&root.join("node.json"));
    std::fs::write(
        root.join("factkit.toml"),
        "exclude = [\"package.json\", \"renovate.json\", \"*.yml\", \"/schemas/\", \"node.json\"]\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run(&root, &["check"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("checked 1 file, 2 records: 0 errors, 0 warnings"),
        "{stdout}"
    );
    // From a subfolder, naming the root: the globs stay relative to factkit.toml's folder.
    let (code, stdout, _) = run(&root.join("data"), &["check", ".."]);
    assert_eq!(code, 0, "{stdout}");
    // Export reads the same files.
    let (code, stdout, stderr) = run(&root, &["export", "--to", "json"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stderr.contains("checked 1 file, 2 records"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn include_in_factkit_toml_selects_the_records() {
    let (_dir, root) = desk();
    mkfifo(&root.join("schemas/fifo.json"));
    std::fs::write(root.join("factkit.toml"), "include = [\"data/**\"]\n").unwrap();
    let (code, stdout, stderr) = run(&root, &["check"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("checked 1 file, 2 records"), "{stdout}");
    // A file named on the command line is the user's choice: read whatever the globs say.
    let (code, stdout, _) = run(&root, &["check", "package.json"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("--> package.json:"), "{stdout}");
}

#[cfg(unix)]
#[test]
fn exclude_on_the_command_line() {
    let (_dir, root) = desk();
    mkfifo(&root.join("schemas/fifo.json"));
    let args = [
        "check",
        "--exclude",
        "package.json",
        "--exclude",
        "renovate.json",
        "--exclude",
        "*.yml",
        "--exclude",
        "schemas",
    ];
    let (code, stdout, stderr) = run(&root, &args);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("checked 1 file, 2 records"), "{stdout}");
    let (code, _, stderr) = run(&root, &["export", "--to", "json", "--exclude", "*.yml"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(!stderr.contains("mkdocs.yml"), "{stderr}");
    // The generic mode too.
    let (_, stdout, _) = run(
        &root,
        &[
            "check",
            "--schema",
            "schemas/contact.json",
            "--exclude",
            "schemas/",
            "--exclude",
            "data/",
        ],
    );
    assert!(stdout.contains("--> ./package.json:"), "{stdout}");
    assert!(!stdout.contains("schemas/"), "{stdout}");
}

/// `.gitignore` and `.ignore` are honoured in a plain folder (not a git repository), as in
/// a clone; `--no-ignore` reads what they list.
#[cfg(unix)]
#[test]
fn ignore_files_are_honoured_outside_git() {
    let (_dir, root) = desk();
    std::fs::write(root.join("factkit.toml"), "include = [\"data/**\"]\n").unwrap();
    std::fs::create_dir_all(root.join("data/build")).unwrap();
    std::fs::write(root.join("data/build/out.json"), "[{\"kind\": \"entity\"}]").unwrap();
    std::fs::write(root.join("data/draft.json"), "[{\"kind\": \"entity\"}]").unwrap();
    mkfifo(&root.join("data/build/fifo.json"));
    std::fs::write(root.join(".gitignore"), "build/\n").unwrap();
    std::fs::write(root.join("data/.ignore"), "draft.json\n").unwrap();
    let (code, stdout, stderr) = run(&root, &["check"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("checked 1 file, 2 records"), "{stdout}");
    std::fs::remove_file(root.join("data/build/fifo.json")).unwrap();
    let (code, stdout, _) = run(&root, &["check", "--no-ignore"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("--> ./data/build/out.json:"), "{stdout}");
    assert!(stdout.contains("--> ./data/draft.json:"), "{stdout}");
}

#[test]
fn a_bad_glob_is_a_configuration_error() {
    let (_dir, root) = desk();
    std::fs::write(root.join("factkit.toml"), "exclude = [\"ok.json\", \"\"]\n").unwrap();
    let (code, _, stderr) = run(&root, &["check"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("line 1, column 23: `exclude`: an empty glob matches nothing"),
        "{stderr}"
    );
    std::fs::write(root.join("factkit.toml"), "include = \"data/**\"\n").unwrap();
    let (code, _, stderr) = run(&root, &["check"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("line 1, column 11"), "{stderr}");
    std::fs::remove_file(root.join("factkit.toml")).unwrap();
    let (code, _, stderr) = run(&root, &["check", "--exclude", "#x"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("invalid value for `--exclude`: `#x` starts with `#`"),
        "{stderr}"
    );
}
