//! Fixture snapshots: every file under `tests/fixtures/rules/` and `tests/fixtures/formats/`,
//! and every folder under `tests/fixtures/archives/` (records with the archived source texts
//! they name), is a dataset of its own; the rendered diagnostics (human, plain, then JSON
//! Lines) are snapshotted. `rules/` holds JSON cases per rule, `formats/` YAML and CSV cases
//! (syntax errors, schema errors and rule findings, located at YAML lines and CSV cells). A new
//! case is a new file or folder, no Rust.

use std::path::Path;

use factkit::model::PartialDate;
use factkit::render::{self, texts_fn, Format, NoTexts, Options};
use factkit::Config;

fn config() -> Config {
    Config {
        as_of: PartialDate::parse("2026-01-01").unwrap().first(),
        ..Config::default()
    }
}

fn render(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let relative = path.strip_prefix(root).unwrap().to_path_buf();
    std::env::set_current_dir(root).unwrap();
    let report = factkit::check(&[relative], &config()).unwrap();
    let texts = texts_fn(|n| report.dataset.text_of(n));
    let options = Options::default();
    let text = render::to_string(Format::Human, &report.diagnostics, &texts, &options);
    let json = render::to_string(Format::Json, &report.diagnostics, &NoTexts, &options);
    format!("{text}{}\n\n--- json\n{json}", report.summary.line())
}

#[test]
fn rules() {
    insta::glob!("..", "fixtures/rules/*.json*", |path| {
        insta::assert_snapshot!(render(path));
    });
}

/// Configuration errors: every file under `tests/fixtures/config/` is a `factkit.toml` with
/// one mistake; the error message (file, line, column, what to do) is snapshotted.
#[test]
fn config_errors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    insta::glob!("..", "fixtures/config/*.toml", |path| {
        let relative = path.strip_prefix(root).unwrap();
        // Rule ids, custom rules and extra schemas are checked by the plan, as `check` does.
        let loaded = Config::load(relative).and_then(|c| factkit::Plan::new(&c).map(drop));
        let message = match loaded {
            Ok(_) => "no error".to_owned(),
            Err(e) => format!("error: {e}"),
        };
        insta::assert_snapshot!(message);
    });
}

#[test]
fn archives() {
    insta::glob!("..", "fixtures/archives/*", |path| {
        insta::assert_snapshot!(render(path));
    });
}

#[test]
fn formats() {
    insta::glob!("..", "fixtures/formats/*.{yaml,yml,csv}", |path| {
        insta::assert_snapshot!(render(path));
    });
}
