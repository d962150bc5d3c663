//! The bundled schemas and the Rust types agree on every example record: each record that
//! passes its schema reads into its type, and the type writes it back unchanged.

use std::path::Path;

use factkit::Schemas;

#[test]
fn examples_pass_schema_and_types_round_trip() {
    let schemas = Schemas::bundled().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut checked = 0;
    for dataset in ["kazakhstan-2025", "broken", "quotes-demo"] {
        let (data, _) = factkit::load(&[root.join(dataset)]).unwrap();
        for entry in &data.entries {
            let (kind, violations) = schemas.validate(&entry.value);
            if !violations.is_empty() {
                assert_eq!(dataset, "broken", "{:?}: {violations:?}", entry.id);
                continue;
            }
            let record = factkit::model::Record::from_value(kind.unwrap(), &entry.value).unwrap();
            assert_eq!(
                record.to_value(),
                entry.value,
                "{:?} does not round-trip",
                entry.id
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} records checked");
}

#[test]
fn clean_example_has_no_errors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let report = factkit::check(
        &[root.join("examples/kazakhstan-2025")],
        &factkit::Config::default(),
    )
    .unwrap();
    assert_eq!(report.summary.errors, 0, "{:#?}", report.diagnostics);
    assert!(report
        .diagnostics
        .iter()
        .all(|d| d.rule == "missing-recommended"));
}

#[test]
fn broken_example_fires_every_rule() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let report =
        factkit::check(&[root.join("examples/broken")], &factkit::Config::default()).unwrap();
    // `read` and `limit` need a broken file system or a `[limits]` table; the bad-input
    // corpus (tests/it/bad_input.rs) fires them; `stale-accept` needs a factkit.toml
    // (tests/it/accept.rs).
    for rule in factkit::RULES
        .iter()
        .filter(|r| !matches!(r.id, "read" | "limit" | "stale-accept"))
    {
        assert!(
            report.diagnostics.iter().any(|d| d.rule == rule.id),
            "no `{}` finding in examples/broken",
            rule.id
        );
    }
}

/// The README's `factkit.toml` example is the one `examples/house-rules` runs with.
#[test]
fn readme_shows_the_house_rules_config() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let config = std::fs::read_to_string(root.join("examples/house-rules/factkit.toml")).unwrap();
    assert!(
        readme.contains(&format!("```toml\n{config}```")),
        "README.md must show examples/house-rules/factkit.toml as it is"
    );
    factkit::Config::load(&root.join("examples/house-rules/factkit.toml")).unwrap();
}

#[test]
fn quotes_demo_catches_the_altered_quote_only() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let report = factkit::check(
        &[root.join("examples/quotes-demo")],
        &factkit::Config::default(),
    )
    .unwrap();
    let found: Vec<_> = report
        .diagnostics
        .iter()
        .map(|d| (d.rule.as_str(), d.record.as_deref()))
        .collect();
    assert_eq!(
        found,
        [("quote-in-source", Some("lindqvist-best-money"))],
        "{:#?}",
        report.diagnostics
    );
    // Where each quote was found is a unit test of the archive module
    // (`archive::tests::quotes_demo_outcomes`).
}

#[test]
fn clean_example_mixes_every_format() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/kazakhstan-2025");
    let (data, findings) = factkit::load(&[root]).unwrap();
    assert!(findings.is_empty(), "{findings:?}");
    let mut formats: Vec<_> = data.files.iter().map(|f| f.format()).collect();
    formats.dedup();
    use factkit::Format;
    for format in [Format::Json, Format::JsonLines, Format::Yaml, Format::Csv] {
        assert!(
            formats.contains(&format),
            "no {format:?} file in the example"
        );
    }
}
