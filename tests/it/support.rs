//! What the integration tests share: running the real `factkit` binary as a user would.
//! Every module of the test binary may use it.

#![allow(dead_code)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs factkit in `dir` with `args` and `stdin` piped in, without colour and without the
/// GitHub variables of the machine running the tests (`GITHUB_STEP_SUMMARY`,
/// `GITHUB_WORKSPACE`), which would change what it writes and where paths are relative to.
pub fn factkit(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_factkit"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_WORKSPACE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let bytes = stdin.to_vec();
    // A writer thread: the child may stop reading at a ceiling and close its end.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&bytes);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}
