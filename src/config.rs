//! Settings of a check run, and `factkit.toml`, the file that sets them.
//!
//! Defaults are documented here and in the README: the as-of date is today (UTC), the `about`
//! tolerance is 5% of the stated amount on each side, every rule keeps its own default
//! severity, no extra schemas, no custom rules, no JSON-LD base URL.
//!
//! `factkit.toml` sits at the dataset root (the directory given, else the folder of the first
//! file: see [`find`]) or is named with `--config`. Keys, every one optional:
//!
//! ```toml
//! as_of = "2026-11-28"                  # a date (string or TOML date); default today
//! include = ["data/**"]                 # record files: globs relative to this file's folder
//! exclude = ["package.json", "schemas/"] # not records, never read (`.gitignore` syntax)
//!
//! [tolerance]
//! about = "0.05"                        # a decimal string, read exactly: 5% each side
//!
//! [rules]                               # a severity per rule id: error, warning or off
//! missing-recommended = "off"
//!
//! [schemas]                             # extra schemas per kind, relative to this file
//! source = ["schemas/source-house.json"]
//! assert_format = true                  # assert `format` in every draft; default: as the draft says
//!
//! [schemas.refs]                        # URI prefixes read from local files (no network)
//! "https://desk.example/schemas/" = "schemas/"
//!
//! [jsonld]
//! base_url = "https://desk.example.org/facts/"
//!
//! [csv]
//! delimiter = ";"                       # `,`, `;` or "\t"; default: sniffed from the header row
//!
//! [limits]                              # resource ceilings: see `limits`
//! max_file_size = 104857600             # bytes; default 100 MiB
//! max_depth = 128                       # nesting of a record; default and most 128
//! max_string_length = 10485760          # bytes; default 10 MiB
//! max_diagnostics = 1000                # findings printed; 0 prints all
//!
//! [[rule]]                              # a custom rule in CEL: see `rules::custom`
//! id = "review-explanation-length"
//! kind = "review"
//! expr = "size(self.explanation) >= 40"
//! message = "the explanation of {self.id} has {size(self.explanation)} characters"
//! severity = "warning"                  # error (default), warning or off
//! pointer = "/explanation"              # optional: where to point the finding
//! description = "Readers need a reason." # optional: for explain and --list-rules
//!
//! [[accept]]                            # an accepted finding: see `accept`
//! rule = "missing-recommended"          # a rule id, built-in or custom
//! record = "astana-times-*"             # a record id or a glob over ids
//! file = "sources.json"                 # optional: a glob over files, relative to this file
//! reason = "the article gives no url"   # required
//! ```
//!
//! This module is plain data with spans: it knows no rule and no schema (a unit test holds it
//! to that; it imports neither `rules` nor `schema` nor `check`). It reads the settings that
//! need no such knowledge and keeps `[schemas]`, `[[rule]]`, `[rules]` and `[[accept]]` as
//! written, each value with its place ([`Sections`]); the plan
//! ([`crate::check::plan::Resolved`]) checks the rule ids, resolves the levels, compiles the
//! extra schemas and the custom rules and indexes the accepted findings, so that imports point
//! down: check -> plan -> {config, rules, schema}, and `rules` may read a `Config`.
//!
//! Reading is strict, here or in the plan: an unknown key, a wrong type, an unknown rule id or
//! kind, a severity that is not one of the three, a tolerance that is not a decimal string, an
//! extra schema that does not compile, a custom rule that does not compile and an `[[accept]]`
//! entry without a reason, for an unknown rule or with a glob that is not valid are each an
//! [`Error::Config`] naming the file, the line and column, and what to do; the plan is made
//! before any record is read, so they come as early. Nothing here prints.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use num_bigint::BigInt;
use num_rational::BigRational;
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::Severity;
use crate::error::Error;
use crate::model::{Day, Decimal, PartialDate};

/// The name of the configuration file at a dataset's root.
pub const FILE_NAME: &str = "factkit.toml";

/// How a rule is configured to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Report as the given severity.
    Report(Severity),
    /// Do not run the rule.
    Off,
}

/// Settings of a check run.
#[derive(Debug, Clone)]
pub struct Config {
    /// Dates after this day are findings of `date-order`.
    pub as_of: Day,
    /// How far `about` widens a figure's rounding interval, as a fraction of the amount.
    pub about_tolerance: BigRational,
    /// Severity overrides by rule id, as a program sets them; the plan adds factkit.toml's
    /// `[rules]` (and the custom rules turned `off`) over them, checking the ids.
    pub levels: BTreeMap<String, Level>,
    /// The base URL of the JSON-LD `@id`s of exported records.
    pub jsonld_base_url: Option<String>,
    /// The configuration file read, if any.
    pub path: Option<PathBuf>,
    /// Resource ceilings (`[limits]`; see [`crate::limits`]).
    pub limits: crate::limits::Limits,
    /// `include`: globs (`.gitignore` syntax, relative to the folder of the configuration
    /// file) of the files found in folders that are records; empty for every file.
    pub include: Vec<String>,
    /// `exclude`: globs of files and folders that are not records and are never read.
    pub exclude: Vec<String>,
    /// The byte between the cells of CSV files (`[csv] delimiter`); `None` sniffs it from
    /// each file's header row.
    pub csv_delimiter: Option<u8>,
    /// `[schemas]`, `[[rule]]`, `[rules]` and `[[accept]]` as written, with their places
    /// (empty by default): the plan ([`crate::check::plan::Resolved`]) checks and compiles
    /// them. Opaque, so that `Config { as_of, ..Config::default() }` keeps working.
    pub sections: Sections,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            as_of: Day::today(),
            about_tolerance: BigRational::new(BigInt::from(5), BigInt::from(100)),
            levels: BTreeMap::new(),
            jsonld_base_url: None,
            path: None,
            limits: crate::limits::Limits::default(),
            include: Vec::new(),
            exclude: Vec::new(),
            csv_delimiter: None,
            sections: Sections::default(),
        }
    }
}

impl Config {
    /// The level of `rule`, given its default severity.
    pub fn level(&self, rule: &str, default: Severity) -> Level {
        self.levels
            .get(rule)
            .copied()
            .unwrap_or(Level::Report(default))
    }

    /// Adds `include` and `exclude` to `selection`, relative to the configuration file's
    /// folder.
    pub fn select(&self, selection: &mut crate::load::Selection) -> Result<(), Error> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let folder = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let fail = |message: String| Error::Config {
            path: path.clone(),
            line: 1,
            column: 1,
            message,
        };
        selection.include(folder, &self.include).map_err(fail)?;
        selection.exclude(folder, &self.exclude).map_err(fail)
    }

    /// The configuration for a dataset at `paths`: its root's `factkit.toml` when there is
    /// one, else the defaults.
    pub fn for_paths(paths: &[PathBuf]) -> Result<Config, Error> {
        match find(paths) {
            Some(path) => Config::load(&path),
            None => Ok(Config::default()),
        }
    }

    /// Reads a configuration file.
    pub fn load(path: &Path) -> Result<Config, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::reading(path, e))?;
        Config::parse(&text, path)
    }

    /// Reads configuration text; `path` names the file in errors and anchors relative
    /// schema paths.
    pub fn parse(text: &str, path: &Path) -> Result<Config, Error> {
        let fail = |span: Range<usize>, message: String| {
            let (line, column) = line_column(text, span.start);
            Error::Config {
                path: path.to_path_buf(),
                line,
                column,
                message,
            }
        };
        let raw: Raw = toml::from_str(text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            let message = e.message().trim_end().to_owned();
            let advice = if message.starts_with("unknown field") {
                "remove or rename the key; the keys are listed in the README, section \"Configuration: factkit.toml\""
            } else {
                "fix the TOML at this place"
            };
            fail(span, format!("{message}: {advice}"))
        })?;
        let mut config = Config {
            path: Some(path.to_path_buf()),
            ..Config::default()
        };
        for (key, globs, list) in [
            ("include", raw.include, &mut config.include),
            ("exclude", raw.exclude, &mut config.exclude),
        ] {
            for glob in globs {
                crate::load::check_glob(glob.get_ref())
                    .map_err(|e| fail(glob.span(), format!("`{key}`: {e}")))?;
                list.push(glob.into_inner());
            }
        }
        if let Some(limits) = raw.limits {
            limits
                .apply(&mut config.limits)
                .map_err(|(span, message)| fail(span, message))?;
        }
        if let Some(as_of) = raw.as_of {
            let span = as_of.span();
            let text = match as_of.into_inner() {
                toml::Value::String(s) => s,
                toml::Value::Datetime(d) => d.to_string(),
                other => {
                    return Err(fail(
                        span,
                        format!(
                            "`as_of` is {}: write a date such as `as_of = \"2026-11-28\"`",
                            other.type_str()
                        ),
                    ))
                }
            };
            let date = PartialDate::parse(&text).map_err(|e| {
                fail(
                    span.clone(),
                    format!("`as_of` is not a date: {e}; write it as `YYYY-MM-DD`"),
                )
            })?;
            config.as_of = date.last();
        }
        if let Some(about) = raw.tolerance.and_then(|t| t.about) {
            let span = about.span();
            let text = match about.into_inner() {
                toml::Value::String(s) => s,
                other => {
                    return Err(fail(
                        span,
                        format!(
                            "`about` is a TOML {}: write the tolerance as a decimal string, e.g. `about = \"0.05\"`, so that it is read exactly",
                            other.type_str()
                        ),
                    ))
                }
            };
            let tolerance = Decimal::parse(&text).map_err(|e| {
                fail(
                    span.clone(),
                    format!("`about` is not a decimal: {e}; write e.g. `about = \"0.05\"` for 5%"),
                )
            })?;
            if tolerance.is_negative() {
                return Err(fail(
                    span,
                    "`about` is negative: write a fraction of the amount from 0, e.g. `\"0.05\"` for 5%".into(),
                ));
            }
            config.about_tolerance = tolerance.to_rational();
        }
        if let Some(delimiter) = raw.csv.and_then(|c| c.delimiter) {
            let span = delimiter.span();
            config.csv_delimiter = Some(match delimiter.into_inner().as_str() {
                "," => b',',
                ";" => b';',
                "\t" => b'\t',
                other => {
                    return Err(fail(
                        span,
                        format!("`delimiter` `{other}` is not one of `,`, `;` or a tab: write e.g. `delimiter = \";\"` (a tab is `\"\\t\"`)"),
                    ))
                }
            });
        }
        if let Some(jsonld) = raw.jsonld {
            if let Some(url) = jsonld.base_url {
                let span = url.span();
                let url = url.into_inner();
                if !(url.starts_with("https://") || url.starts_with("http://")) {
                    return Err(fail(
                        span,
                        format!("`base_url` `{url}` is not an http(s) URL: write e.g. `base_url = \"https://desk.example.org/facts/\"`"),
                    ));
                }
                config.jsonld_base_url = Some(url);
            }
        }
        // The sections that name rules and schemas are kept as written, with their places:
        // the plan checks and compiles them (`check::plan`), in this order.
        config.sections = Sections {
            text: Arc::from(text),
            schemas: raw.schemas,
            custom: raw.custom,
            rules: raw.rules,
            accept: raw.accept,
        };
        Ok(config)
    }

    /// A configuration error at the byte range `span` of this file: its line and column,
    /// and `message`.
    pub(crate) fn error_at(&self, span: Range<usize>, message: String) -> Error {
        let (line, column) = line_column(&self.sections.text, span.start);
        Error::Config {
            path: self
                .path
                .clone()
                .unwrap_or_else(|| PathBuf::from(FILE_NAME)),
            line,
            column,
            message,
        }
    }
}

/// The sections of `factkit.toml` that name rules and schemas, as written: `[schemas]`,
/// `[[rule]]`, `[rules]` and `[[accept]]`, each value with its byte range in `text`.
#[derive(Debug, Clone, Default)]
pub struct Sections {
    /// The text of the file (empty without one): places of errors and of `stale-accept`.
    pub(crate) text: Arc<str>,
    pub(crate) schemas: BTreeMap<Spanned<String>, RawSchemas>,
    pub(crate) custom: Vec<RawRule>,
    pub(crate) rules: BTreeMap<Spanned<String>, Spanned<String>>,
    pub(crate) accept: Vec<Spanned<RawAccept>>,
}

/// 1-based line and column (in Unicode scalar values) of a byte offset.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

/// The configuration file of the dataset at `paths`: `factkit.toml` in its root, the
/// directory given first, else the folder of the first file (as
/// [`Dataset::root`](crate::load::Dataset::root) is found), when that file exists.
pub fn find(paths: &[PathBuf]) -> Option<PathBuf> {
    let mut root = PathBuf::from(".");
    for path in paths {
        if path.as_os_str() == "-" {
            continue;
        }
        let Ok(meta) = std::fs::metadata(path) else {
            break;
        };
        root = if meta.is_dir() {
            path.clone()
        } else {
            path.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
        };
        break;
    }
    let candidate = root.join(FILE_NAME);
    candidate.is_file().then_some(candidate)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    as_of: Option<Spanned<toml::Value>>,
    tolerance: Option<RawTolerance>,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    schemas: BTreeMap<Spanned<String>, RawSchemas>,
    jsonld: Option<RawJsonLd>,
    #[serde(default, rename = "rule")]
    custom: Vec<RawRule>,
    limits: Option<crate::limits::RawLimits>,
    #[serde(default)]
    include: Vec<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    accept: Vec<Spanned<RawAccept>>,
    csv: Option<RawCsv>,
}

/// An `[[accept]]` entry as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAccept {
    pub(crate) rule: Option<Spanned<String>>,
    pub(crate) record: Option<Spanned<String>>,
    pub(crate) reason: Option<Spanned<String>>,
    pub(crate) file: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCsv {
    delimiter: Option<Spanned<String>>,
}

/// A value of `[schemas]`: a kind's extra schema files, the `refs` table or `assert_format`.
#[derive(Debug, Clone)]
pub(crate) enum RawSchemas {
    Files(Vec<Spanned<String>>),
    Refs(BTreeMap<String, Spanned<String>>),
    Flag(bool),
}

impl<'de> Deserialize<'de> for RawSchemas {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = RawSchemas;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of schema files, a table of `refs` or a boolean")
            }
            fn visit_bool<E>(self, v: bool) -> Result<RawSchemas, E> {
                Ok(RawSchemas::Flag(v))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<RawSchemas, A::Error> {
                let mut files = Vec::new();
                while let Some(file) = seq.next_element()? {
                    files.push(file);
                }
                Ok(RawSchemas::Files(files))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawSchemas, A::Error> {
                let mut refs = BTreeMap::new();
                while let Some((k, v)) = map.next_entry()? {
                    refs.insert(k, v);
                }
                Ok(RawSchemas::Refs(refs))
            }
        }
        deserializer.deserialize_any(Visit)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTolerance {
    about: Option<Spanned<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJsonLd {
    base_url: Option<Spanned<String>>,
}

/// A `[[rule]]` (a custom rule) as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRule {
    pub(crate) id: Spanned<String>,
    pub(crate) kind: Spanned<String>,
    pub(crate) expr: Spanned<String>,
    pub(crate) message: Spanned<String>,
    pub(crate) severity: Option<Spanned<String>>,
    pub(crate) pointer: Option<Spanned<String>>,
    pub(crate) description: Option<Spanned<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Error> {
        Config::parse(text, Path::new("factkit.toml"))
    }

    /// The plain settings are read here, at their places; the sections that name rules and
    /// schemas are kept as written, unchecked (the plan's tests check them).
    #[test]
    fn reads_plain_settings_and_keeps_the_rest_as_written() {
        let c = parse(
            "as_of = 2026-11-28\n[tolerance]\nabout = \"0.1\"\n[rules]\nno-such = \"loud\"\n[[rule]]\nid = \"x\"\nkind = \"nope\"\nexpr = \"(\"\nmessage = \"m\"\n[jsonld]\nbase_url = \"https://x.example/\"\n",
        )
        .unwrap();
        assert_eq!(c.as_of, PartialDate::parse("2026-11-28").unwrap().last());
        assert_eq!(
            c.about_tolerance,
            BigRational::new(BigInt::from(1), BigInt::from(10))
        );
        assert_eq!(c.jsonld_base_url.as_deref(), Some("https://x.example/"));
        assert_eq!(c.sections.rules.len(), 1);
        assert_eq!(c.sections.custom.len(), 1);
        let e = parse("as_of = \"2026-01-01\"\n\n  colour = 1\n").unwrap_err();
        match e {
            Error::Config {
                line,
                column,
                message,
                ..
            } => {
                assert_eq!((line, column), (3, 3), "{message}");
                assert!(message.contains("unknown field `colour`"), "{message}");
            }
            other => panic!("not a config error: {other}"),
        }
        let e = parse("[tolerance]\nabout = 0.05\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("decimal string"), "{e}");
    }

    /// config.rs is plain data: it knows no rule and no schema, so that imports point down
    /// (check -> plan -> {config, rules, schema}) and `rules` may read the configuration.
    #[test]
    fn knows_no_rule_and_no_schema() {
        let source = include_str!("config.rs");
        let code = &source[..source.find("#[cfg(test)]").unwrap_or(source.len())];
        for module in ["rules", "schema", "check"] {
            for form in [
                format!("crate::{module}::"),
                format!("crate::{module}}}"),
                format!("crate::{{{module}"),
            ] {
                assert!(
                    !code
                        .lines()
                        .filter(|l| !l.trim_start().starts_with("//"))
                        .any(|l| l.contains(&form)),
                    "config.rs names `crate::{module}` in code: it must know no rule and no schema"
                );
            }
        }
        assert!(
            !code.contains("use crate::{"),
            "config.rs groups crate imports: list each so the test above can read them"
        );
    }

    #[test]
    fn line_columns_count_characters() {
        assert_eq!(line_column("é = 1\nab", 7), (2, 1));
        assert_eq!(line_column("é = 1", 2), (1, 2));
    }
}
