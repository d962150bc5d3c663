//! factkit's integration tests, as one test binary (as ripgrep does) so that `cargo test`
//! links once: a module per area, each opening with what it covers. [`support`] runs the
//! real binary for the modules that need it; fixtures live in `tests/fixtures/`, insta
//! snapshots in `tests/it/snapshots/` (named `it__<module>__<test>.snap`), third-party
//! suites in `tests/vendor/`.
//!
//! One binary means one process: a test must not change what others see of the process (a
//! test may set the working directory only to the repository root, as `fixtures` and
//! `formats` do, and sets no environment variable; runs of the binary get theirs on the
//! command).

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "tests say what they skipped (`SKIPPED: …`) and what they measured"
)]

mod accept;
mod bad_input;
mod cli;
mod code_scanning;
mod convert;
mod examples;
mod export;
mod fixtures;
mod formats;
mod hostile_cli;
mod hostile_output;
mod machine_reports;
mod output_paths;
mod schema_suite;
mod selection;
mod support;
