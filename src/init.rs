//! `factkit init`: the files that start a dataset.
//!
//! [`files`] lists what a new dataset gets: a `factkit.toml` whose every key is written out
//! and commented (so it parses as it is and documents itself), one template record of each
//! kind under [`DATA_DIR`] whose references hang together (so `factkit check` passes on it),
//! the bundled schemas under [`SCHEMA_DIR`] (the same files as `factkit schema --write`), and
//! `.vscode/settings.json` mapping the record files to `file.json` for VS Code's JSON support
//! and the YAML language server. The schemas sit in a hidden folder because the dataset walk
//! skips hidden folders: they are never read as records.
//!
//! [`write`] refuses to replace a file that exists unless forced, and writes every file
//! atomically (nothing here prints).

use std::path::{Path, PathBuf};

use crate::error::Error;

/// Where the template records go, relative to the dataset folder.
pub const DATA_DIR: &str = "data";

/// Where the schemas go, relative to the dataset folder.
pub const SCHEMA_DIR: &str = ".factkit/schemas";

/// The commented `factkit.toml`.
pub const CONFIG: &str = r#"# factkit.toml: the settings of this dataset. Every key is optional; remove the `# `
# before a key to set it. `factkit check` reads this file from the dataset folder.

# Dates after this day are `date-order` findings (default: today).
# as_of = "2026-11-28"

# Files of the dataset, as globs relative to this file (default: every record file;
# `.gitignore` is honoured).
# include = ["data/**"]
# exclude = ["drafts/**"]

[tolerance]
# How far `"qualifier": "about"` widens a figure, as a decimal fraction of it (default 5%).
# about = "0.05"

[rules]
# A severity per rule id: "error", "warning" or "off" (`factkit explain RULE` tells what
# each checks).
# missing-recommended = "warning"
# date-order = "error"

[schemas]
# Extra JSON Schemas per kind, applied on top of the bundled ones (paths relative to
# this file).
# source = ["schemas/source-house.json"]
# Assert `format` in every draft (2019-09 and 2020-12 only annotate it by default).
# assert_format = true

[schemas.refs]
# URI prefixes of `$ref`s read from local files (nothing is fetched from the network).
# "https://desk.example/schemas/" = "schemas/"

[csv]
# The character between the cells of CSV files: "," ";" or "\t" (default: sniffed from
# each file's header row).
# delimiter = ";"

[limits]
# Resource ceilings.
# max_file_size = 104857600          # bytes per file; default 100 MiB
# max_depth = 128                    # nesting of a record; default and most 128
# max_string_length = 10485760       # bytes per string; default 10 MiB
# max_diagnostics = 1000             # findings printed for people; 0 prints all

[jsonld]
# The base URL of the `@id`s of exported JSON-LD records.
# base_url = "https://desk.example.org/facts/"

# A rule of the desk's own, in CEL (`self` is the record).
# [[rule]]
# id = "review-explanation-length"
# kind = "review"
# expr = "size(self.explanation) >= 40"
# message = "the explanation of {self.id} has {size(self.explanation)} characters"
# severity = "warning"               # error (default), warning or off
# pointer = "/explanation"
# description = "Readers need the reason for a rating."

# A finding the desk has looked at and accepts: shown with its reason, never failing.
# [[accept]]
# rule = "missing-recommended"
# record = "example-report"          # a record id or a glob of ids
# reason = "the report was published without a date"
"#;

const ENTITIES: &str = r#"[
  {
    "kind": "entity",
    "id": "example-ministry",
    "type": "organization",
    "name": "Ministry of Examples",
    "country": "KZ",
    "notes": "An organization: a ministry, a company, a party, a newspaper."
  },
  {
    "kind": "entity",
    "id": "example-minister",
    "type": "person",
    "name": "Aigerim Example",
    "role": "Minister of Examples",
    "affiliation": "example-ministry"
  },
  {
    "kind": "entity",
    "id": "example-desk",
    "type": "organization",
    "name": "Example Fact-Check Desk",
    "notes": "The desk that writes the reviews."
  }
]
"#;

const SOURCES: &str = r#"[
  {
    "kind": "source",
    "id": "example-report",
    "title": "Annual Report of the Ministry of Examples",
    "publisher": "Ministry of Examples",
    "url": "https://example.org/annual-report-2024",
    "published": "2025-01-15",
    "retrieved": "2025-01-16",
    "language": "en"
  }
]
"#;

const STATEMENTS: &str = r#"[
  {
    "kind": "statement",
    "id": "example-statement",
    "speaker": "example-minister",
    "quote": "We spent about 4.7 billion tenge on examples last year.",
    "source": "example-report",
    "said_on": "2025-01-15",
    "about": ["example-spending"]
  }
]
"#;

const PROPOSALS: &str = r#"[
  {
    "kind": "proposal",
    "id": "example-proposal",
    "title": "More examples in schools",
    "proposer": "example-minister",
    "status": "proposed",
    "source": "example-report",
    "summary": "Every school gets a library of examples.",
    "proposed_on": "2025-01-15"
  }
]
"#;

const STATISTICS: &str = r#"[
  {
    "kind": "statistic",
    "id": "example-spending",
    "label": "Spending on examples",
    "value": {"amount": "4.7", "scale": "billion", "currency": "KZT", "qualifier": "about"},
    "equivalents": [{"amount": "10", "scale": "million", "currency": "USD", "qualifier": "about"}],
    "period": "2024",
    "source": "example-report",
    "attributed_to": "example-ministry"
  }
]
"#;

const EXCHANGE_RATES: &str = r#"[
  {
    "kind": "exchange_rate",
    "id": "example-usd-kzt-2024",
    "base": "USD",
    "quote": "KZT",
    "rate": "470",
    "period": "2024",
    "source": "example-report"
  }
]
"#;

const REVIEWS: &str = r#"# A YAML record file: a list of records (or one). The editor settings in
# .vscode/settings.json give it completion from the schemas.
- kind: review
  id: example-review
  about: example-statement
  rating: accurate
  reviewer: example-desk
  reviewed_on: "2025-01-20"
  explanation: The annual report gives the same figure for spending on examples in 2024.
  url: https://example.org/fact-checks/example-spending
"#;

/// `.vscode/settings.json`: record files mapped to the file schema.
fn editor_settings() -> String {
    let schema = format!("./{SCHEMA_DIR}/file.json");
    let value = serde_json::json!({
        "json.schemas": [{
            "fileMatch": [format!("/{DATA_DIR}/**/*.json")],
            "url": schema,
        }],
        "yaml.schemas": {
            schema.clone(): [format!("{DATA_DIR}/**/*.yaml"), format!("{DATA_DIR}/**/*.yml")],
        },
    });
    // A `json!` value always serializes.
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// The files of a new dataset: paths relative to its folder, and their text.
pub fn files() -> Vec<(PathBuf, String)> {
    let data = Path::new(DATA_DIR);
    let mut out = vec![
        (PathBuf::from(crate::config::FILE_NAME), CONFIG.to_owned()),
        (data.join("entities.json"), ENTITIES.to_owned()),
        (data.join("sources.json"), SOURCES.to_owned()),
        (data.join("statements.json"), STATEMENTS.to_owned()),
        (data.join("proposals.json"), PROPOSALS.to_owned()),
        (data.join("statistics.json"), STATISTICS.to_owned()),
        (data.join("exchange_rates.json"), EXCHANGE_RATES.to_owned()),
        (data.join("reviews.yaml"), REVIEWS.to_owned()),
    ];
    out.extend(
        crate::schema::files_in(Path::new(SCHEMA_DIR))
            .into_iter()
            .map(|(path, text)| (path, text.to_owned())),
    );
    out.push((PathBuf::from(".vscode/settings.json"), editor_settings()));
    out
}

/// Writes the files of a new dataset into `dir` (created if needed) and returns their paths.
/// A file that exists is an [`Error::Usage`] naming every such file, and nothing is written,
/// unless `force`.
pub fn write(dir: &Path, force: bool) -> Result<Vec<PathBuf>, Error> {
    let files = files();
    let paths: Vec<PathBuf> = files.iter().map(|(p, _)| dir.join(p)).collect();
    if !force {
        let existing: Vec<String> = paths
            .iter()
            .filter(|p| p.symlink_metadata().is_ok())
            .map(|p| p.display().to_string())
            .collect();
        if !existing.is_empty() {
            return Err(Error::Usage(format!(
                "{} already exist{}: nothing was written; pass `--force` to replace {}",
                crate::schema::names(&existing),
                if existing.len() == 1 { "s" } else { "" },
                if existing.len() == 1 { "it" } else { "them" },
            )));
        }
    }
    for path in &paths {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::Write {
                path: parent.to_path_buf(),
                source: e,
            })?;
        }
    }
    crate::atomic::write_files(&paths, |i, out| out.write_all(files[i].1.as_bytes()))?;
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The template parses as it is, and with every example line uncommented it is still
    /// TOML (the examples are written correctly).
    #[test]
    fn config_parses_commented_and_uncommented() {
        crate::Config::parse(CONFIG, Path::new("factkit.toml")).unwrap();
        let uncommented: String = CONFIG
            .lines()
            .map(|line| match line.strip_prefix("# ") {
                Some(rest)
                    if rest.starts_with('[') || rest.starts_with('"') || rest.contains(" = ") =>
                {
                    format!("{rest}\n")
                }
                _ => format!("{line}\n"),
            })
            .collect();
        let table: toml::Table = toml::from_str(&uncommented).unwrap();
        for key in [
            "as_of",
            "include",
            "exclude",
            "tolerance",
            "rules",
            "schemas",
            "limits",
            "csv",
            "jsonld",
            "rule",
            "accept",
        ] {
            assert!(table.contains_key(key), "{key} missing:\n{uncommented}");
        }
        assert!(table["schemas"].get("refs").is_some());
        assert!(table["schemas"].get("assert_format").is_some());
    }

    #[test]
    fn refuses_to_overwrite_unless_forced() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), false).unwrap();
        std::fs::write(dir.path().join("factkit.toml"), "# mine\n").unwrap();
        let e = write(dir.path(), false).unwrap_err().to_string();
        assert!(e.contains("factkit.toml`"), "{e}");
        assert!(e.contains("--force"), "{e}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("factkit.toml")).unwrap(),
            "# mine\n"
        );
        write(dir.path(), true).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("factkit.toml")).unwrap(),
            CONFIG
        );
    }
}
