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
//! Reading is strict: an unknown key, a wrong type, an unknown rule id or kind, a severity
//! that is not one of the three, a tolerance that is not a decimal string, an extra schema
//! that does not compile, a custom rule that does not compile and an `[[accept]]` entry without
//! a reason, for an unknown rule or with a glob that is not valid are each an
//! [`Error::Config`] naming the file, the line and column, and what to do. Nothing here
//! prints.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use num_bigint::BigInt;
use num_rational::BigRational;
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::{Diagnostic, Severity};
use crate::error::Error;
use crate::model::{Day, Decimal, Kind, PartialDate};
use crate::rules::custom::{CustomRule, Definition};

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
    /// Severity overrides by rule id.
    pub levels: BTreeMap<String, Level>,
    /// Extra JSON Schemas, applied to the records of their kind in addition to the bundled
    /// schema.
    pub schemas: Vec<ExtraSchema>,
    /// The base URL of the JSON-LD `@id`s of exported records.
    pub jsonld_base_url: Option<String>,
    /// Custom rules, in the order they are written.
    pub custom_rules: Vec<CustomRule>,
    /// The configuration file read, if any.
    pub path: Option<PathBuf>,
    /// Resource ceilings (`[limits]`; see [`crate::limits`]).
    pub limits: crate::limits::Limits,
    /// `include`: globs (`.gitignore` syntax, relative to the folder of the configuration
    /// file) of the files found in folders that are records; empty for every file.
    pub include: Vec<String>,
    /// `exclude`: globs of files and folders that are not records and are never read.
    pub exclude: Vec<String>,
    /// Accepted findings (`[[accept]]`; see [`crate::accept`]).
    pub accepts: crate::accept::Acceptances,
    /// The byte between the cells of CSV files (`[csv] delimiter`); `None` sniffs it from
    /// each file's header row.
    pub csv_delimiter: Option<u8>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            as_of: Day::today(),
            about_tolerance: BigRational::new(BigInt::from(5), BigInt::from(100)),
            levels: BTreeMap::new(),
            schemas: Vec::new(),
            jsonld_base_url: None,
            custom_rules: Vec::new(),
            path: None,
            limits: crate::limits::Limits::default(),
            include: Vec::new(),
            exclude: Vec::new(),
            accepts: crate::accept::Acceptances::default(),
            csv_delimiter: None,
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

    /// The custom rule with this id.
    pub fn custom_rule(&self, id: &str) -> Option<&CustomRule> {
        self.custom_rules.iter().find(|r| r.id() == id)
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
        let mut raw: Raw = toml::from_str(text).map_err(|e| {
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
        let base = path.parent().unwrap_or(Path::new(""));
        let (refs, assert_format) = schema_settings(&mut raw.schemas, base, &fail)?;
        for (kind_name, files) in raw.schemas {
            let span = kind_name.span();
            let kind_name = kind_name.into_inner();
            let RawSchemas::Files(files) = files else {
                return Err(fail(
                    span,
                    format!("`{kind_name}` in `[schemas]` is a kind, whose value is a list of schema files: write e.g. `{kind_name} = [\"schemas/{kind_name}-house.json\"]`"),
                ));
            };
            let kind = Kind::parse(&kind_name).ok_or_else(|| {
                let kinds = Kind::ALL.map(Kind::as_str).join(", ");
                fail(
                    span.clone(),
                    format!(
                        "`{kind_name}` in `[schemas]` is not a kind: {}use one of {kinds}",
                        suggest(&kind_name, Kind::ALL.map(Kind::as_str))
                    ),
                )
            })?;
            for file in files {
                let span = file.span();
                let schema_path = base.join(file.get_ref());
                let options = crate::schema::user::Options {
                    refs: refs.clone(),
                    assert_format,
                    limits: config.limits.clone(),
                };
                let schema = crate::schema::user::SchemaFile::load(&schema_path, &options)
                    .map_err(|e| {
                        fail(
                            span.clone(),
                            format!("the extra schema for `{kind}` cannot be used: {e}"),
                        )
                    })?;
                config.schemas.push(ExtraSchema {
                    kind,
                    path: schema_path,
                    schema: Arc::new(schema),
                });
            }
        }
        // The custom rule ids so far, so that a duplicate is found without a scan per rule.
        let mut custom_ids: HashSet<String> = HashSet::with_capacity(raw.custom.len());
        for raw_rule in raw.custom {
            let id_span = raw_rule.id.span();
            let (rule, off) = custom_rule(raw_rule, &fail)?;
            if off {
                config.levels.insert(rule.id().to_owned(), Level::Off);
            }
            if !custom_ids.insert(rule.id().to_owned()) {
                return Err(fail(
                    id_span,
                    format!(
                        "custom rule `{}` is defined twice: give each rule its own id",
                        rule.id()
                    ),
                ));
            }
            config.custom_rules.push(rule);
        }
        for (id, level) in raw.rules {
            let span = id.span();
            let id = id.into_inner();
            if crate::rules::find(&id).is_none() && !custom_ids.contains(&id) {
                let mut ids: Vec<&str> = crate::rules::RULES.iter().map(|r| r.id).collect();
                ids.extend(config.custom_rules.iter().map(CustomRule::id));
                let listed = crate::rules::RULES.len() + LISTED_CUSTOM_RULES;
                let more = match ids.len().saturating_sub(listed) {
                    0 => String::new(),
                    more => format!(" and {more} more custom rules"),
                };
                return Err(fail(
                    span,
                    format!(
                        "`{id}` in `[rules]` is not a rule: {}the rules are {}{more}",
                        suggest(&id, ids.iter().copied()),
                        ids[..ids.len().min(listed)].join(", ")
                    ),
                ));
            }
            let level = parse_level(level.get_ref()).ok_or_else(|| {
                fail(
                    level.span(),
                    format!(
                        "`{}` is not a severity: write \"error\", \"warning\" or \"off\"",
                        level.get_ref()
                    ),
                )
            })?;
            config.levels.insert(id, level);
        }
        config.accepts = accepts(raw.accept, text, path, &config, &fail)?;
        Ok(config)
    }
}

/// Reads the `[[accept]]` entries: each needs a known `rule`, a `record` and a `reason`, and
/// its globs must be valid.
fn accepts(
    raw: Vec<Spanned<RawAccept>>,
    text: &str,
    path: &Path,
    config: &Config,
    fail: &dyn Fn(Range<usize>, String) -> Error,
) -> Result<crate::accept::Acceptances, Error> {
    let mut entries = Vec::with_capacity(raw.len());
    for entry in raw {
        let span = entry.span();
        let entry = entry.into_inner();
        let Some(rule) = entry.rule else {
            return Err(fail(
                span,
                "the `[[accept]]` entry has no `rule`: add `rule = \"ID\"` naming the rule whose finding it accepts, e.g. `rule = \"missing-recommended\"`".into(),
            ));
        };
        let rule_span = rule.span();
        let rule = rule.into_inner();
        if rule == crate::rules::stale_accept::ID {
            return Err(fail(
                rule_span,
                format!("`{rule}` cannot be accepted: it reports an `[[accept]]` entry that matches no finding; remove that entry or fix its `rule` or `record`"),
            ));
        }
        if crate::rules::find(&rule).is_none() && config.custom_rule(&rule).is_none() {
            let mut ids: Vec<&str> = crate::rules::RULES.iter().map(|r| r.id).collect();
            ids.extend(config.custom_rules.iter().map(CustomRule::id));
            return Err(fail(
                rule_span,
                format!(
                    "`{rule}` in `[[accept]]` is not a rule: {}write a rule id as `factkit check --list-rules` shows it",
                    suggest(&rule, ids.iter().copied())
                ),
            ));
        }
        let reason = match entry.reason {
            Some(r) if !r.get_ref().trim().is_empty() => r.into_inner(),
            Some(r) => {
                return Err(fail(
                    r.span(),
                    format!("the `reason` of the `[[accept]]` entry for `{rule}` is empty: say why the finding is accepted"),
                ))
            }
            None => {
                return Err(fail(
                    span,
                    format!("the `[[accept]]` entry for `{rule}` has no `reason`: add `reason = \"…\"` saying why the finding is accepted"),
                ))
            }
        };
        let Some(record) = entry.record else {
            return Err(fail(
                span,
                format!("the `[[accept]]` entry for `{rule}` has no `record`: add `record = \"ID\"`, the id of the record whose finding it accepts, or a glob over ids such as `\"src-*\"`"),
            ));
        };
        let record_span = record.span();
        let record = record.into_inner();
        if record.is_empty() {
            return Err(fail(
                record_span,
                format!("the `record` of the `[[accept]]` entry for `{rule}` is empty: write a record id or a glob such as `\"src-*\"`"),
            ));
        }
        let file_span = entry.file.as_ref().map_or(0..0, Spanned::span);
        let file = entry.file.map(Spanned::into_inner);
        // The place of a `stale-accept` finding: the entry's first line.
        let (line, column) = line_column(text, span.start);
        let end = text[span.start.min(text.len())..]
            .find('\n')
            .map_or(text.len(), |i| span.start + i);
        let (end_line, end_column) = line_column(text, end);
        let place = crate::diagnostic::Location {
            file: path.display().to_string(),
            line,
            column,
            end_line,
            end_column,
            span: span.start..end,
            cell: None,
        };
        let rule_id = rule.clone();
        let accept = crate::accept::Accept::new(rule, record, file, reason, place).map_err(
            |(key, e)| {
                let at = if key == "file" { file_span.clone() } else { record_span.clone() };
                let example = if key == "file" { "data/*.json" } else { "src-*" };
                fail(at, format!("the `{key}` of the `[[accept]]` entry for `{rule_id}` is not a valid glob: {e}; write e.g. `\"{example}\"`"))
            },
        )?;
        entries.push(accept);
    }
    let folder = path.parent().unwrap_or(Path::new(""));
    let source = (!entries.is_empty()).then(|| (path.display().to_string(), Arc::from(text)));
    Ok(crate::accept::Acceptances::with_source(
        entries, folder, source,
    ))
}

/// How many custom rule ids the message about an unknown id in `[rules]` lists.
const LISTED_CUSTOM_RULES: usize = 20;

/// "did you mean `x`? " for the candidate closest to `word`, when one is close.
fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map_or_else(String::new, |(_, c)| format!("did you mean `{c}`? "))
}

fn parse_level(text: &str) -> Option<Level> {
    match text {
        "error" => Some(Level::Report(Severity::Error)),
        "warning" => Some(Level::Report(Severity::Warning)),
        "off" => Some(Level::Off),
        _ => None,
    }
}

fn custom_rule(
    raw: RawRule,
    fail: &dyn Fn(Range<usize>, String) -> Error,
) -> Result<(CustomRule, bool), Error> {
    let id = raw.id.get_ref().clone();
    let id_ok = id.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !id_ok {
        return Err(fail(
            raw.id.span(),
            format!("custom rule id `{id}` is not valid: use lower-case letters, digits, `-` and `_`, starting with a letter"),
        ));
    }
    if crate::rules::find(&id).is_some() {
        return Err(fail(
            raw.id.span(),
            format!("custom rule id `{id}` is the id of a built-in rule: choose another id"),
        ));
    }
    let kind = Kind::parse(raw.kind.get_ref()).ok_or_else(|| {
        let kinds = Kind::ALL.map(Kind::as_str).join(", ");
        fail(
            raw.kind.span(),
            format!(
                "custom rule `{id}`: `{}` is not a kind: use one of {kinds}",
                raw.kind.get_ref()
            ),
        )
    })?;
    let (severity, off) = match &raw.severity {
        None => (Severity::Error, false),
        Some(s) => match parse_level(s.get_ref()) {
            Some(Level::Report(severity)) => (severity, false),
            Some(Level::Off) => (Severity::Error, true),
            None => {
                return Err(fail(
                    s.span(),
                    format!(
                        "custom rule `{id}`: `{}` is not a severity: write \"error\", \"warning\" or \"off\"",
                        s.get_ref()
                    ),
                ))
            }
        },
    };
    if let Some(p) = &raw.pointer {
        if !(p.get_ref().is_empty() || p.get_ref().starts_with('/')) {
            return Err(fail(
                p.span(),
                format!("custom rule `{id}`: `pointer` must be a JSON Pointer such as `/url`"),
            ));
        }
    }
    let expr_span = raw.expr.span();
    let message_span = raw.message.span();
    let definition = Definition {
        id: id.clone(),
        kind,
        expr: raw.expr.into_inner(),
        message: raw.message.into_inner(),
        severity,
        pointer: raw.pointer.map(Spanned::into_inner),
        description: raw.description.map(Spanned::into_inner),
    };
    let rule = CustomRule::compile(definition).map_err(|e| {
        let span = if e.field == "expr" {
            expr_span
        } else {
            message_span
        };
        fail(
            span,
            format!(
                "custom rule `{id}`: the `{}` does not compile at line {}, column {} of the {}: {}; {}",
                e.field,
                e.line,
                e.column,
                if e.field == "expr" { "expression" } else { "message" },
                e.message,
                e.help
            ),
        )
    })?;
    Ok((rule, off))
}

/// 1-based line and column (in Unicode scalar values) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
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

/// Takes `refs` and `assert_format` out of `[schemas]`, leaving the kinds: the mappings
/// (paths relative to the folder `base` of factkit.toml) and the flag.
fn schema_settings(
    schemas: &mut BTreeMap<Spanned<String>, RawSchemas>,
    base: &Path,
    fail: &dyn Fn(Range<usize>, String) -> Error,
) -> Result<(Vec<crate::schema::file::Mapping>, bool), Error> {
    let mut refs = Vec::new();
    let mut assert_format = false;
    let keys: Vec<Spanned<String>> = schemas
        .keys()
        .filter(|k| matches!(k.get_ref().as_str(), "refs" | "assert_format"))
        .cloned()
        .collect();
    for key in keys {
        let span = key.span();
        match (key.get_ref().as_str(), schemas.remove(&key)) {
            ("refs", Some(RawSchemas::Refs(table))) => {
                for (prefix, path) in table {
                    let span = path.span();
                    let mapping =
                        crate::schema::file::Mapping::new(&prefix, &base.join(path.get_ref()))
                            .map_err(|e| fail(span, format!("in `[schemas.refs]`: {e}")))?;
                    refs.push(mapping);
                }
            }
            ("assert_format", Some(RawSchemas::Flag(flag))) => assert_format = flag,
            (name, _) => {
                return Err(fail(
                    span,
                    format!("`{name}` in `[schemas]` has the wrong type: write `assert_format = true` or a `[schemas.refs]` table of `\"URI\" = \"PATH\"`"),
                ))
            }
        }
    }
    Ok((refs, assert_format))
}

/// An extra JSON Schema for one kind, from `[schemas]`.
#[derive(Clone)]
pub struct ExtraSchema {
    /// The kind whose records it applies to.
    pub kind: Kind,
    /// The schema file.
    pub path: PathBuf,
    schema: Arc<crate::schema::user::SchemaFile>,
}

impl std::fmt::Debug for ExtraSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExtraSchema")
            .field("kind", &self.kind)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl ExtraSchema {
    /// The `schema` findings of the record at `entry`, whose value is `value`.
    pub fn validate(&self, value: &serde_json::Value, entry: usize) -> Vec<Diagnostic> {
        let violations = self.schema.validate(value);
        let source = format!(
            "required by `{}`, an extra schema for {} records in `[schemas]` of the configuration",
            self.path.display(),
            self.kind
        );
        violations
            .into_iter()
            .map(|v| v.into_diagnostic(entry).help(source.clone()))
            .collect()
    }
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAccept {
    rule: Option<Spanned<String>>,
    record: Option<Spanned<String>>,
    reason: Option<Spanned<String>>,
    file: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCsv {
    delimiter: Option<Spanned<String>>,
}

/// A value of `[schemas]`: a kind's extra schema files, the `refs` table or `assert_format`.
enum RawSchemas {
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    kind: Spanned<String>,
    expr: Spanned<String>,
    message: Spanned<String>,
    severity: Option<Spanned<String>>,
    pointer: Option<Spanned<String>>,
    description: Option<Spanned<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Error> {
        Config::parse(text, Path::new("factkit.toml"))
    }

    /// `[schemas]` holds kinds, `assert_format` and `refs`; each of the wrong type is refused.
    #[test]
    fn schema_settings_have_their_types() {
        parse("[schemas]\nassert_format = true\n").unwrap();
        let e = parse("[schemas]\nassert_format = \"yes\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("expected a list of schema files"), "{e}");
        let e = parse("[schemas]\nassert_format = [\"x.json\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("`assert_format` in `[schemas]` has the wrong type"),
            "{e}"
        );
        let e = parse("[schemas]\nsource = true\n").unwrap_err().to_string();
        assert!(e.contains("a list of schema files"), "{e}");
        let e = parse("[schemas.refs]\n\"https://x.example/\" = \"no/such/folder\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("in `[schemas.refs]`"), "{e}");
    }

    fn where_(e: Error) -> (usize, usize, String) {
        match e {
            Error::Config {
                line,
                column,
                message,
                ..
            } => (line, column, message),
            other => panic!("not a config error: {other}"),
        }
    }

    #[test]
    fn reads_every_key() {
        let c = parse(
            "as_of = 2026-11-28\n[tolerance]\nabout = \"0.1\"\n[rules]\nsum = \"warning\"\nratio = \"off\"\n[jsonld]\nbase_url = \"https://x.example/\"\n",
        )
        .unwrap();
        assert_eq!(c.as_of, PartialDate::parse("2026-11-28").unwrap().last());
        assert_eq!(
            c.about_tolerance,
            BigRational::new(BigInt::from(1), BigInt::from(10))
        );
        assert_eq!(
            c.level("sum", Severity::Error),
            Level::Report(Severity::Warning)
        );
        assert_eq!(c.level("ratio", Severity::Error), Level::Off);
        assert_eq!(c.jsonld_base_url.as_deref(), Some("https://x.example/"));
        assert!(parse("").is_ok());
    }

    #[test]
    fn errors_name_line_and_column() {
        let (line, column, message) =
            where_(parse("as_of = \"2026-01-01\"\n\n  colour = 1\n").unwrap_err());
        assert_eq!((line, column), (3, 3), "{message}");
        assert!(message.contains("unknown field `colour`"), "{message}");
        let (line, _, message) = where_(parse("[rules]\nsum = \"loud\"\n").unwrap_err());
        assert_eq!(line, 2);
        assert!(message.contains("`loud` is not a severity"), "{message}");
        let (line, _, message) = where_(parse("[rules]\nno-such = \"off\"\n").unwrap_err());
        assert_eq!(line, 2);
        assert!(
            message.contains("`no-such` in `[rules]` is not a rule"),
            "{message}"
        );
        let (_, _, message) = where_(parse("[tolerance]\nabout = 0.05\n").unwrap_err());
        assert!(message.contains("decimal string"), "{message}");
        let (line, _, message) = where_(
            parse("[[rule]]\nid = \"x\"\nkind = \"source\"\nexpr = \"self.url.startsWith(\"\nmessage = \"m\"\n")
                .unwrap_err(),
        );
        assert_eq!(line, 4);
        assert!(
            message.contains("custom rule `x`: the `expr` does not compile at line 1"),
            "{message}"
        );
        let (_, _, message) = where_(
            parse("[[rule]]\nid = \"sum\"\nkind = \"source\"\nexpr = \"true\"\nmessage = \"m\"\n")
                .unwrap_err(),
        );
        assert!(message.contains("built-in rule"), "{message}");
    }

    /// 30,000 custom rules, twice. Each was compared with every rule before it for a
    /// duplicate id: 4.5·10^8 comparisons each time, half a minute in a debug build.
    #[test]
    fn many_custom_rules_are_read_in_linear_time() {
        let n = 30_000;
        let rule = |i: usize| {
            format!(
                "[[rule]]\nid = \"r{i}\"\nkind = \"source\"\nexpr = \"true\"\nmessage = \"m\"\n"
            )
        };
        let mut text: String = (0..n).map(rule).collect();
        text.push_str("[rules]\nr7 = \"warning\"\n");
        let config = parse(&text).unwrap();
        assert_eq!(config.custom_rules.len(), n);
        assert_eq!(
            config.level("r7", Severity::Error),
            Level::Report(Severity::Warning)
        );
        // A duplicate at the end is found, at its line.
        let mut text: String = (0..n).map(rule).collect();
        text.push_str(&rule(n - 1));
        let (line, column, message) = where_(parse(&text).unwrap_err());
        assert_eq!((line, column), (5 * n + 2, 6), "{message}");
        assert!(
            message.contains("custom rule `r29999` is defined twice"),
            "{message}"
        );
        // An unknown id in `[rules]` lists the built-in rules and a few custom ones.
        let mut text: String = (0..1_000).map(rule).collect();
        text.push_str("[rules]\nnope = \"off\"\n");
        let (_, _, message) = where_(parse(&text).unwrap_err());
        assert!(
            message.ends_with(", r19 and 980 more custom rules"),
            "{message}"
        );
    }

    /// Long and deep expressions are configuration errors at their place in the file, never
    /// an abort: before, 10,000 `+` terms overflowed the stack.
    #[test]
    fn hostile_expressions_are_config_errors() {
        let rule = |expr: &str| {
            format!(
                "[[rule]]\nid = \"deep\"\nkind = \"source\"\nexpr = \"{expr}\"\nmessage = \"m\"\n"
            )
        };
        for (expr, at, says) in [
            (vec!["1"; 10_000].join("+"), 4097, "longer than 4096 characters; split it into several rules"),
            (format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000)), 4097, "longer than 4096"),
            (format!("{}1{}", "[".repeat(100), "]".repeat(100)), 33, "brackets and `?:` nest more than 32 deep here; write it with fewer nested brackets"),
            (vec!["1"; 2_000].join("+"), 3796, "operations nest more than 100 deep here"),
            (vec!["true"; 1_000].join("&&"), 4097, "longer than 4096"),
        ] {
            let (line, column, message) = where_(parse(&rule(&expr)).unwrap_err());
            assert_eq!((line, column), (4, 8), "{message}");
            assert!(
                message.starts_with(&format!("custom rule `deep`: the `expr` does not compile at line 1, column {at} of the expression: ")),
                "{message}"
            );
            assert!(message.contains(says), "{message}");
        }
    }

    #[test]
    fn line_columns_count_characters() {
        assert_eq!(line_column("é = 1\nab", 7), (2, 1));
        assert_eq!(line_column("é = 1", 2), (1, 2));
    }
}
