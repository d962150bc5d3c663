//! Where `-o` writes (issue 11): atomically over a regular file or a new path only; into a
//! FIFO, a device, a link to one, `/dev/stdout` or `-` directly, the node never replaced;
//! never over a file the run reads. And the ceilings on what is read from standard input.
//! Every test runs the real binary, in a scratch folder.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support;
use support::factkit;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A scratch copy of `examples/broken` (errors, warnings, a syntax error: every output
/// path is exercised), in `data/` of the returned folder.
fn broken() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_dir(&root().join("examples/broken"), &data);
    (dir, data)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".factkit-"))
        .collect()
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
}

#[cfg(unix)]
fn is_fifo(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata(path)
        .unwrap()
        .file_type()
        .is_fifo()
}

/// Runs factkit with `args` while a thread reads the FIFO `fifo`; what the reader got.
/// The reader opens the FIFO without waiting for a writer and reads until factkit has
/// exited and the FIFO is drained, so a factkit that never opens it (or replaces it) fails
/// the test instead of hanging it.
#[cfg(unix)]
fn through_fifo(dir: &Path, fifo: &Path, args: &[&str]) -> (Output, String) {
    use std::os::unix::fs::OpenOptionsExt;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(fifo)
        .unwrap();
    let done = Arc::new(AtomicBool::new(false));
    let finished = Arc::clone(&done);
    let reader = std::thread::spawn(move || {
        let mut got = Vec::new();
        let mut buf = [0u8; 65536];
        loop {
            // Read before looking at the flag: what was written before exit is drained.
            let exited = finished.load(Ordering::SeqCst);
            match file.read(&mut buf) {
                Ok(0) if exited => break,
                Ok(n) if n > 0 => got.extend_from_slice(&buf[..n]),
                Ok(_) => std::thread::sleep(std::time::Duration::from_millis(5)),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    std::thread::sleep(std::time::Duration::from_millis(5))
                }
                Err(e) => panic!("{e}"),
            }
        }
        String::from_utf8(got).unwrap()
    });
    let out = factkit(dir, args, b"");
    done.store(true, Ordering::SeqCst);
    (out, reader.join().unwrap())
}

/// A FIFO given to `check --output`, `export -o` and `convert -o` receives the output and is
/// still a FIFO afterwards (issue 11: it got nothing and was replaced by a regular file).
#[cfg(unix)]
#[test]
fn a_fifo_target_receives_the_output_and_stays_a_fifo() {
    let (dir, data) = broken();
    let fifo = dir.path().join("out.fifo");
    mkfifo(&fifo);
    let data_arg = data.to_str().unwrap();
    let fifo_arg = fifo.to_str().unwrap();
    let runs: [&[&str]; 3] = [
        &[
            "check",
            data_arg,
            "--as-of",
            "2026-11-28",
            "--format",
            "json",
            "-o",
            fifo_arg,
        ],
        &[
            "export",
            "--to",
            "jsonl",
            "--allow-errors",
            data_arg,
            "-o",
            fifo_arg,
        ],
        &[
            "convert",
            "data/reviews.jsonl",
            "--to",
            "csv",
            "-o",
            fifo_arg,
        ],
    ];
    for (args, (code, expect)) in runs.iter().zip([
        (1, "{\"rule\":\"duplicate-id\""),
        (0, "{\"kind\":\"entity\""),
        (0, "kind,id,about,rating"),
    ]) {
        let (out, got) = through_fifo(dir.path(), &fifo, args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(got.starts_with(expect), "{args:?}: {got}");
        assert!(is_fifo(&fifo), "{args:?}: the FIFO was replaced");
    }
    assert_eq!(temporaries(dir.path()), Vec::<String>::new());
}

/// A character device made with `mknod` (a copy of `/dev/null`) is written to and stays a
/// device. Making one needs root; otherwise the test says why it did nothing.
#[cfg(target_os = "linux")]
#[test]
fn a_device_target_is_written_to_and_stays_a_device() {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::FileTypeExt;
    let (dir, data) = broken();
    let device = dir.path().join("null");
    let c = std::ffi::CString::new(device.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path; major 1, minor 3 is /dev/null.
    let made = unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o666, libc::makedev(1, 3)) };
    if made != 0 {
        eprintln!(
            "skipped: mknod needs root ({}), so no device to write to",
            std::io::Error::last_os_error()
        );
        return;
    }
    let link = dir.path().join("link-to-null.json");
    std::os::unix::fs::symlink(&device, &link).unwrap();
    let data_arg = data.to_str().unwrap();
    for target in [&device, &link] {
        let target_arg = target.to_str().unwrap();
        for args in [
            &["check", data_arg, "--format", "sarif", "-o", target_arg][..],
            &[
                "export",
                "--to",
                "json",
                "--allow-errors",
                data_arg,
                "-o",
                target_arg,
            ],
            &[
                "convert",
                "data/entities.json",
                "--to",
                "yaml",
                "-o",
                target_arg,
            ],
        ] {
            let out = factkit(dir.path(), args, b"");
            assert!(
                matches!(out.status.code(), Some(0 | 1)),
                "{args:?}: {}",
                text(&out.stderr)
            );
            let kind = std::fs::metadata(&device).unwrap().file_type();
            assert!(kind.is_char_device(), "{args:?}: the device was replaced");
            assert!(std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink());
        }
    }
    assert_eq!(temporaries(dir.path()), Vec::<String>::new());
}

/// `-o -` and a link to `/proc/self/fd/1` (what `/dev/stdout` is) write to standard output;
/// the link is not replaced (issue 11: `-o /dev/stdout` printed nothing and replaced it).
#[cfg(target_os = "linux")]
#[test]
fn standard_output_by_name_is_written_to_directly() {
    let (dir, data) = broken();
    let link = dir.path().join("stdout.json");
    std::os::unix::fs::symlink("/proc/self/fd/1", &link).unwrap();
    let data_arg = data.to_str().unwrap();
    let expected = factkit(
        dir.path(),
        &[
            "check",
            data_arg,
            "--as-of",
            "2026-11-28",
            "--format",
            "json",
        ],
        b"",
    );
    for target in ["-", link.to_str().unwrap()] {
        let out = factkit(
            dir.path(),
            &[
                "check",
                data_arg,
                "--as-of",
                "2026-11-28",
                "--format",
                "json",
                "-o",
                target,
            ],
            b"",
        );
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        assert_eq!(text(&out.stdout), text(&expected.stdout), "{target}");
        assert!(text(&out.stderr).starts_with("checked 8 files"), "{target}");
        let out = factkit(
            dir.path(),
            &["convert", "data/reviews.jsonl", "--to", "csv", "-o", target],
            b"",
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert!(
            text(&out.stdout).starts_with("kind,id,about,rating"),
            "{target}"
        );
    }
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(temporaries(dir.path()), Vec::<String>::new());
}

/// An output over a file the run reads is refused, exit 2, before anything is written
/// (issue 11: `export --to csv --allow-errors DS -o DS/` wrote over `DS/entities.csv`
/// without its invalid row, and the next check found every id twice). A report that is not
/// a record file may go inside the dataset.
#[test]
fn an_output_over_what_the_run_reads_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ds = dir.path().join("DS");
    std::fs::create_dir(&ds).unwrap();
    let entities = "kind,id,type,name\nentity,a,person,A\nentity,b,persn,B\n";
    std::fs::write(ds.join("entities.csv"), entities).unwrap();
    std::fs::write(
        ds.join("a.jsonl"),
        "{\"kind\":\"entity\",\"id\":\"c\",\"type\":\"person\",\"name\":\"C\"}\n",
    )
    .unwrap();
    let refused = |args: &[&str], path: &str| {
        let out = factkit(dir.path(), args, b"");
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(&format!("error: `{path}` is ")),
            "{args:?}: {stderr}"
        );
        assert!(stderr.contains("write"), "{args:?}: {stderr}");
        stderr
    };
    let stderr = refused(
        &["export", "--to", "csv", "--allow-errors", "DS", "-o", "DS/"],
        "DS/entities.csv",
    );
    assert!(
        stderr.contains("a record file of the dataset this run reads"),
        "{stderr}"
    );
    refused(
        &[
            "export",
            "--to",
            "json",
            "--allow-errors",
            "DS",
            "-o",
            "DS/all.json",
        ],
        "DS/all.json",
    );
    let stderr = refused(&["convert", "DS/a.jsonl", "-o", "DS/a.jsonl"], "DS/a.jsonl");
    assert!(stderr.contains("is the input this run reads"), "{stderr}");
    refused(&["check", "DS", "-o", "DS/a.jsonl"], "DS/a.jsonl");
    refused(&["check", "DS", "-o", "DS/factkit.toml"], "DS/factkit.toml");
    assert_eq!(
        std::fs::read_to_string(ds.join("entities.csv")).unwrap(),
        entities
    );
    assert_eq!(std::fs::read_dir(&ds).unwrap().count(), 2);
    // What the run does not read is fine: a Markdown report inside, a CSV export outside.
    let out = factkit(dir.path(), &["check", "DS", "-o", "DS/report.md"], b"");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(ds.join("report.md").is_file());
    let out = factkit(
        dir.path(),
        &[
            "export",
            "--to",
            "csv",
            "--allow-errors",
            "DS",
            "-o",
            "out/",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(dir.path().join("out/entities.csv").is_file());
    let out = factkit(
        dir.path(),
        &["convert", "DS/a.jsonl", "-o", "DS/b.yaml"],
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

/// `check -` and `convert -` hold standard input to `max_file_size` while reading it, and
/// stop just past it (issue 11: 1 GB of standard input took 6.4 GB). Nothing is written,
/// the previous output is kept, no temporary file is left.
#[test]
fn standard_input_is_held_to_max_file_size() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("factkit.toml"),
        "[limits]\nmax_file_size = 1000\n",
    )
    .unwrap();
    let line = "{\"kind\":\"entity\",\"id\":\"e\",\"type\":\"person\",\"name\":\"N\"}\n";
    let over = line.repeat(1001 / line.len() + 1);
    let within = line.repeat(1000 / line.len());
    std::fs::write(dir.path().join("prev.json"), "previous\n").unwrap();
    for args in [
        &["check", "-"][..],
        &["convert", "-", "--from", "jsonl", "-o", "prev.json"],
        &["convert", "-", "--from", "jsonl", "--to", "csv"],
        &["convert", "-", "--from", "json", "--to", "yaml"],
    ] {
        let out = factkit(dir.path(), args, over.as_bytes());
        let stderr = text(&out.stderr);
        let all = format!("{}{stderr}", text(&out.stdout));
        assert_eq!(out.status.code(), Some(1), "{args:?}: {all}");
        assert!(
            all.contains(
                "error[limit]: standard input is over the ceiling of 1,000 bytes (`max_file_size`)"
            ),
            "{args:?}: {all}"
        );
        assert!(
            all.contains("`[limits]` `max_file_size = BYTES`"),
            "{args:?}: {all}"
        );
        if args[0] == "convert" {
            assert!(text(&out.stdout).is_empty(), "{args:?}");
        }
        let out = factkit(dir.path(), args, within.as_bytes());
        let code = out.status.code();
        assert!(
            matches!(code, Some(0 | 1)) && !text(&out.stdout).contains("error[limit]"),
            "{args:?}: {}",
            text(&out.stderr)
        );
        std::fs::write(dir.path().join("prev.json"), "previous\n").unwrap();
    }
    assert_eq!(temporaries(dir.path()), Vec::<String>::new());
    let previous = std::fs::read_to_string(dir.path().join("prev.json")).unwrap();
    assert_eq!(previous, "previous\n");
}

/// A pipe given by name is read once, so CSV output (which needs two passes) spools it
/// like standard input instead of reading it again and writing no rows.
#[cfg(target_os = "linux")]
#[test]
fn a_pipe_given_by_name_converts_every_record_to_csv() {
    let dir = tempfile::tempdir().unwrap();
    let lines: String = (0..3)
        .map(|i| {
            format!("{{\"kind\":\"entity\",\"id\":\"e{i}\",\"type\":\"person\",\"name\":\"N\"}}\n")
        })
        .collect();
    let out = factkit(
        dir.path(),
        &["convert", "/dev/stdin", "--from", "jsonl", "--to", "csv"],
        lines.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).lines().count(),
        4,
        "{}",
        text(&out.stdout)
    );
}

/// A write that fails names the path given, never the temporary file, and leaves nothing.
#[test]
fn a_write_error_names_the_target_given() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.jsonl"),
        "{\"kind\":\"entity\",\"id\":\"e\",\"type\":\"person\",\"name\":\"N\"}\n",
    )
    .unwrap();
    for args in [
        &["convert", "a.jsonl", "-o", "missing/out.json"][..],
        &["check", "a.jsonl", "-o", "missing/out.json"],
        &[
            "export",
            "--to",
            "json",
            "a.jsonl",
            "-o",
            "missing/out.json",
        ],
    ] {
        let out = factkit(dir.path(), args, b"");
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("error: cannot write `missing/out.json`: No such file or directory"),
            "{args:?}: {stderr}"
        );
        assert!(
            !stderr.contains(".factkit-") && !stderr.contains("at path"),
            "{stderr}"
        );
    }
    assert_eq!(temporaries(dir.path()), Vec::<String>::new());
}
