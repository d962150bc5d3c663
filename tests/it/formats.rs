//! The CI formats fed to real clients: SARIF to the official SARIF 2.1.0 JSON Schema, JUnit
//! XML to an XML parser, GitHub annotations to the escaping rules of GitHub's runner.

use std::path::{Path, PathBuf};

use factkit::model::PartialDate;
use factkit::render::{self, Format, NoTexts, Options};
use factkit::{catalog, Config, Report};
use factkit::{Diagnostic, Location, RuleMeta, Severity, Summary};
use serde_json::Value;

fn sarif(diagnostics: &[Diagnostic], rules: &[RuleMeta]) -> String {
    let options = Options {
        rules,
        ..Options::default()
    };
    render::to_string(Format::Sarif, diagnostics, &NoTexts, &options)
}

fn junit(cases: &[factkit::Case], diagnostics: &[Diagnostic], deny_warnings: bool) -> String {
    let options = Options {
        cases,
        deny_warnings,
        ..Options::default()
    };
    render::to_string(Format::Junit, diagnostics, &NoTexts, &options)
}

fn github_log(diagnostics: &[Diagnostic], summary: Summary) -> String {
    let options = Options {
        summary: Some(summary),
        ..Options::default()
    };
    render::to_string(Format::Github, diagnostics, &NoTexts, &options)
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn broken() -> Report {
    std::env::set_current_dir(root()).unwrap();
    let config = Config {
        as_of: PartialDate::parse("2026-11-28").unwrap().last(),
        ..Config::default()
    };
    factkit::check(&[PathBuf::from("examples/broken")], &config).unwrap()
}

fn sarif_schema() -> Value {
    let path = root().join("tests/vendor/sarif/sarif-schema-2.1.0.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A finding whose text holds everything the formats must escape.
fn hostile() -> Diagnostic {
    Diagnostic::new(
        "house-rule",
        Severity::Error,
        "50% <b>&amp;</b> \"quoted\" 'single'\r\nnext: line, with\ttab \u{1} and ]]> end",
    )
    .help("a: b, c%")
    .with_location(Location {
        file: "./data dir/a,b:c%.json".into(),
        line: 2,
        column: 3,
        end_line: 2,
        end_column: 7,
        span: 0..0,
        cell: None,
    })
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let report = broken();
    let config = Config::default();
    let mut diagnostics = report.diagnostics.clone();
    diagnostics.push(hostile());
    let text = sarif(&diagnostics, &catalog(&config));
    let log: Value = serde_json::from_str(&text).unwrap();
    let schema = sarif_schema();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    // The same through factkit's own generic mode.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("factkit.sarif.json");
    std::fs::write(&file, &text).unwrap();
    let schema_path = root().join("tests/vendor/sarif/sarif-schema-2.1.0.json");
    let checked = factkit::check_schema(&schema_path, std::slice::from_ref(&file)).unwrap();
    assert!(checked.diagnostics.is_empty(), "{:#?}", checked.diagnostics);

    // ...and a broken log is caught, so the checks above can fail.
    let mut bad = log.clone();
    bad["runs"][0]["results"][0]["level"] = Value::from("fatal");
    bad["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Value::from(0);
    assert_eq!(validator.iter_errors(&bad).count(), 2);
    std::fs::write(&file, serde_json::to_string(&bad).unwrap()).unwrap();
    let checked = factkit::check_schema(&schema_path, &[file]).unwrap();
    assert_eq!(checked.summary.errors, 2, "{:#?}", checked.diagnostics);
}

#[test]
fn sarif_results_point_into_the_rules_and_the_files() {
    let report = broken();
    let catalog = catalog(&Config::default());
    let log: Value = serde_json::from_str(&sarif(&report.diagnostics, &catalog)).unwrap();
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), catalog.len());
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), report.diagnostics.len());
    for (result, d) in results.iter().zip(&report.diagnostics) {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert_eq!(result["ruleId"], d.rule.as_str());
        assert_eq!(result["level"], d.severity.as_str());
        let location = d.location.as_ref().unwrap();
        let physical = &result["locations"][0]["physicalLocation"];
        let uri = physical["artifactLocation"]["uri"].as_str().unwrap();
        assert!(root().join(uri).is_file(), "{uri}");
        assert_eq!(physical["region"]["startLine"], location.line);
        assert_eq!(physical["region"]["startColumn"], location.column);
        assert_eq!(
            result["relatedLocations"].as_array().map_or(0, Vec::len),
            d.related.len()
        );
    }
    let hostile = sarif(&[hostile()], &[]);
    let log: Value = serde_json::from_str(&hostile).unwrap();
    assert_eq!(
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "data%20dir/a%2Cb%3Ac%25.json"
    );
}

#[test]
fn junit_parses_back() {
    let report = broken();
    let mut diagnostics = report.diagnostics.clone();
    diagnostics.push(hostile());
    let xml = junit(&report.cases(), &diagnostics, false);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let suites = doc.root_element();
    assert_eq!(suites.tag_name().name(), "testsuites");
    let suite: Vec<_> = suites.children().filter(|n| n.is_element()).collect();
    assert_eq!(suite.len(), 1);
    let cases: Vec<_> = suite[0]
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    // One case per record, one for the file with a syntax error, one for the hostile finding.
    assert_eq!(cases.len(), report.dataset.entries.len() + 2);
    assert_eq!(
        suite[0].attribute("tests"),
        Some(cases.len().to_string().as_str())
    );
    let failing: Vec<_> = cases
        .iter()
        .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
        .collect();
    assert_eq!(
        suite[0].attribute("failures"),
        Some(failing.len().to_string().as_str())
    );
    // Every error appears in the body of a failure, under its rule id.
    let bodies: String = failing
        .iter()
        .flat_map(|c| c.children().filter(|n| n.has_tag_name("failure")))
        .map(|f| f.text().unwrap_or("").to_owned())
        .collect();
    for d in diagnostics.iter().filter(|d| d.is_error()) {
        assert!(bodies.contains(&format!("error[{}]", d.rule)), "{}", d.rule);
    }
    // The hostile text survives the round trip, the forbidden character made visible.
    let case = cases
        .iter()
        .find(|c| c.attribute("classname") == Some("./data dir/a,b:c%.json"))
        .unwrap();
    let failure = case.children().find(|n| n.has_tag_name("failure")).unwrap();
    let expected = hostile().message.replace('\u{1}', "\\u{1}");
    assert_eq!(failure.attribute("message"), Some(expected.as_str()));
    assert!(failure.text().unwrap().contains(&expected));
    // Warnings fail a case only with --deny-warnings.
    let denied = junit(&report.cases(), &report.diagnostics, true);
    let doc = roxmltree::Document::parse(&denied).unwrap();
    let failures = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .count();
    // Then every record (or unparsable file) with any finding is a failing case.
    let with_findings: std::collections::BTreeSet<_> = report
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.location.as_ref().map(|l| l.file.clone()),
                d.record.clone(),
            )
        })
        .collect();
    assert_eq!(failures, with_findings.len());
}

#[test]
fn github_annotations_are_one_line_each() {
    let report = broken();
    let mut diagnostics = report.diagnostics.clone();
    diagnostics.push(hostile());
    let text = github_log(&diagnostics, report.summary);
    let lines: Vec<&str> = text.lines().collect();
    let annotations = lines
        .iter()
        .filter(|l| l.starts_with("::error ") || l.starts_with("::warning "))
        .count();
    assert_eq!(annotations, diagnostics.len());
    assert_eq!(lines.last(), Some(&report.summary.line().as_str()));
    let one = render::to_string(Format::Github, &[hostile()], &NoTexts, &Options::default());
    let line = one.lines().next().unwrap();
    assert_eq!(
        line,
        "::error file=data dir/a%2Cb%3Ac%25.json,line=2,endLine=2,col=3,endColumn=6,title=house-rule::50%25 <b>&amp;</b> \"quoted\" 'single'\\u{d}\\u{a}next: line, with\ttab \\u{1} and ]]> end%0Ahelp: a: b, c%25"
    );
}
