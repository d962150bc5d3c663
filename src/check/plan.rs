//! The plan of a run: what factkit.toml (or `--schema`) asks for, resolved once before any
//! record is read.
//!
//! [`Resolved`] turns the sections of factkit.toml that name rules and schemas, which
//! `config` (factkit.toml as plain data) keeps as written with their places, into what a run
//! uses: every rule id checked (in `[rules]`, `[[accept]]` and against the built-in ids), the
//! levels resolved, the extra schemas and the custom rules in CEL compiled, the `[[accept]]`
//! entries indexed.
//! Its errors are the configuration errors they always were: the same words, at the same line
//! and column of factkit.toml, in the order the file is read. This is where config meets the
//! rules and the schemas, so that imports point down: check -> plan -> {config, rules, schema}.
//!
//! A [`Plan`] holds that, the compiled bundled schemas, the cross-record rules that are not
//! turned off and the custom rules that read one record, so that the per-record step
//! ([`Plan::prepare`]) does no lookup a second time. [`Plan::generic`] is the plan of
//! `check --schema`: one user schema, no kinds, no rules; the generic mode is a plan of the
//! same pipeline, not a second one. This module reads no record and runs no rule over the
//! dataset (it reads the extra schema files); it must not print.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use toml::Spanned;

use crate::accept::Acceptances;
use crate::config::{Config, Level, RawAccept, RawRule, RawSchemas};
use crate::diagnostic::{Diagnostic, RuleMeta, Severity};
use crate::error::Error;
use crate::load::Entry;
use crate::model::{Kind, Record};
use crate::rules::custom::{self, CustomRule, Definition};
use crate::rules::{Rule, RULES};
use crate::schema::user::SchemaFile;
use crate::schema::Schemas;

/// The rules, levels, extra schemas and accepted findings of factkit.toml, checked and
/// compiled.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    /// The level of each rule set otherwise than by its default: the configuration's
    /// `levels`, then the custom rules turned `off`, then `[rules]`.
    levels: BTreeMap<String, Level>,
    /// Extra JSON Schemas, applied to the records of their kind in addition to the bundled
    /// schema.
    schemas: Vec<ExtraSchema>,
    /// Custom rules, in the order they are written.
    custom_rules: Vec<CustomRule>,
    /// Accepted findings (`[[accept]]`; see [`crate::accept`]).
    accepts: Acceptances,
}

impl Resolved {
    /// Checks and compiles the rules, schemas and `[[accept]]` entries of `config`: an
    /// [`Error::Config`] at the place in factkit.toml of the first mistake.
    pub fn new(config: &Config) -> Result<Resolved, Error> {
        let sections = &config.sections;
        let mut out = Resolved {
            levels: config.levels.clone(),
            ..Resolved::default()
        };
        let fail = |span: Range<usize>, message: String| config.error_at(span, message);
        let path = config.path.as_deref().unwrap_or(Path::new(""));
        let base = path.parent().unwrap_or(Path::new(""));
        let mut schemas = sections.schemas.clone();
        let (refs, assert_format) = schema_settings(&mut schemas, base, &fail)?;
        for (kind_name, files) in schemas {
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
                out.schemas.push(ExtraSchema {
                    kind,
                    path: schema_path,
                    schema: Arc::new(schema),
                });
            }
        }
        // The custom rule ids so far, so that a duplicate is found without a scan per rule.
        let mut custom_ids: HashSet<String> = HashSet::with_capacity(sections.custom.len());
        for raw_rule in &sections.custom {
            let id_span = raw_rule.id.span();
            let (rule, off) = custom_rule(raw_rule, &fail)?;
            if off {
                out.levels.insert(rule.id().to_owned(), Level::Off);
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
            out.custom_rules.push(rule);
        }
        for (id, level) in &sections.rules {
            let span = id.span();
            let id = id.get_ref().clone();
            if crate::rules::find(&id).is_none() && !custom_ids.contains(&id) {
                let mut ids: Vec<&str> = crate::rules::RULES.iter().map(|r| r.id).collect();
                ids.extend(out.custom_rules.iter().map(CustomRule::id));
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
            out.levels.insert(id, level);
        }
        out.accepts = accepts(&sections.accept, &sections.text, path, &out, &fail)?;
        Ok(out)
    }

    /// The level of `rule`, given its default severity.
    pub fn level(&self, rule: &str, default: Severity) -> Level {
        self.levels
            .get(rule)
            .copied()
            .unwrap_or(Level::Report(default))
    }

    /// The custom rules, in the order they are written.
    pub fn custom_rules(&self) -> &[CustomRule] {
        &self.custom_rules
    }

    /// The custom rule with this id.
    pub fn custom_rule(&self, id: &str) -> Option<&CustomRule> {
        self.custom_rules.iter().find(|r| r.id() == id)
    }

    /// The extra schemas of `[schemas]`, in the order they are written.
    pub fn schemas(&self) -> &[ExtraSchema] {
        &self.schemas
    }

    /// The accepted findings of `[[accept]]`.
    pub fn accepts(&self) -> &Acceptances {
        &self.accepts
    }

    /// Every rule of a run, built-in then custom, with its severity as configured.
    pub fn catalog(&self) -> Vec<RuleMeta> {
        crate::rules::catalog_of(&|id, default| self.level(id, default), &self.custom_rules)
    }

    /// The custom rules that are not turned off, in configuration order.
    fn active(&self) -> impl Iterator<Item = &CustomRule> {
        self.custom_rules
            .iter()
            .filter(|r| self.level(r.id(), r.definition.severity) != Level::Off)
    }
}

/// What a run does, resolved from its settings.
pub struct Plan<'c> {
    /// The settings of the run (the defaults for the generic mode).
    pub(crate) config: Cow<'c, Config>,
    /// Its rules, levels, extra schemas and accepted findings, checked and compiled.
    pub(crate) resolved: Resolved,
    pub(crate) mode: Mode<'c>,
}

/// The two kinds of run.
pub(crate) enum Mode<'c> {
    /// `check`: records of the bundled kinds, their schemas and every rule.
    Records(Records),
    /// `check --schema FILE`: any instances against one schema, no rules.
    Generic(&'c SchemaFile),
}

/// The resolved parts of a record check.
pub(crate) struct Records {
    schemas: Schemas,
    /// Custom rules that read only their own record, run inside its chunk.
    per_record: custom::PerRecord,
    /// The custom rules that are not turned off and call `record(id)`, run over the dataset.
    pub(crate) over_dataset: Vec<CustomRule>,
    /// Whether a record's parsed JSON may be dropped once it is typed: no custom rule calls
    /// `record(id)`, so nothing after the chunk reads records as JSON.
    release: bool,
    /// The built-in rules over the whole dataset that are not turned off, in catalogue order.
    pub(crate) cross_record: Vec<&'static Rule>,
}

impl<'c> Plan<'c> {
    /// The plan of a record check under `config`: an [`Error::Config`] when factkit.toml
    /// names a rule or schema wrongly (see [`Resolved::new`]).
    pub fn new(config: &'c Config) -> Result<Plan<'c>, Error> {
        Plan::with(config, Resolved::new(config)?)
    }

    /// The plan of a record check under `config`, whose rules are already `resolved`.
    pub fn with(config: &'c Config, resolved: Resolved) -> Result<Plan<'c>, Error> {
        let cross_record = RULES
            .iter()
            .filter(|r| r.check.is_some() && resolved.level(r.id, r.severity) != Level::Off)
            .collect();
        let (over_dataset, per_record): (Vec<CustomRule>, Vec<CustomRule>) = resolved
            .active()
            .cloned()
            .partition(CustomRule::uses_records);
        Ok(Plan {
            config: Cow::Borrowed(config),
            mode: Mode::Records(Records {
                schemas: Schemas::bundled()?,
                per_record: custom::PerRecord::new(per_record),
                release: over_dataset.is_empty(),
                over_dataset,
                cross_record,
            }),
            resolved,
        })
    }

    /// The settings of the run.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The rules, levels, extra schemas and accepted findings of the run.
    pub fn resolved(&self) -> &Resolved {
        &self.resolved
    }

    /// The plan of the generic mode: every instance against `schema`, with the default
    /// settings (no rule, no `[[accept]]`).
    pub fn generic(schema: &'c SchemaFile) -> Plan<'c> {
        Plan {
            config: Cow::Owned(Config::default()),
            resolved: Resolved::default(),
            mode: Mode::Generic(schema),
        }
    }

    /// The per-record steps of a record just read, in its chunk: ceilings, then
    /// [`Plan::type_record`]. Findings are aimed at entry 0 (the loader re-aims them).
    pub fn prepare(&self, entry: &mut Entry) -> Vec<Diagnostic> {
        // A record over a ceiling (nesting, string length) is reported and not checked.
        if let Some(over) = self.config.limits.check_value(&entry.value) {
            return vec![over];
        }
        self.type_record(entry)
    }

    /// Validates a record (bundled schema, then the extra schemas of its kind), types it when
    /// it passes, runs the custom rules that read only this record, and drops its parsed
    /// JSON when nothing later needs it. In the generic mode: validates the instance.
    pub fn type_record(&self, entry: &mut Entry) -> Vec<Diagnostic> {
        match &self.mode {
            Mode::Generic(schema) => {
                // Instances are not records: no kind, and an `id` field names nothing.
                entry.kind = None;
                entry.id = None;
                schema
                    .validate(&entry.value)
                    .into_iter()
                    .map(|v| v.into_diagnostic(0))
                    .collect()
            }
            Mode::Records(records) => records.type_record(&self.resolved, entry),
        }
    }
}

impl Records {
    fn type_record(&self, resolved: &Resolved, entry: &mut Entry) -> Vec<Diagnostic> {
        let value = &entry.value;
        let mut findings = Vec::new();
        let (kind, violations) = self.schemas.validate(value);
        if let Some(kind) = kind {
            for extra in resolved.schemas.iter().filter(|s| s.kind == kind) {
                findings.extend(extra.validate(value, 0));
            }
        }
        if !violations.is_empty() {
            findings.extend(violations.into_iter().map(|v| v.into_diagnostic(0)));
            return findings;
        }
        let Some(kind) = kind else {
            return findings;
        };
        match Record::from_value(kind, value) {
            Ok(record) => {
                if !self.per_record.is_empty() {
                    findings.extend(self.per_record.check(0, kind, value));
                }
                entry.record = Some(record);
                // A typed record carries everything its JSON did (a test holds the types and
                // schemas together); for a large dataset the JSON is most of the memory.
                if self.release {
                    entry.value = serde_json::Value::Null;
                }
            }
            // The schema and the types agree (a test holds them together), so this is only
            // reached if they drift; report it rather than lose the record silently.
            Err(e) => findings.push(
                Diagnostic::new(
                    "schema",
                    Severity::Error,
                    format!("the record passed its schema but cannot be read: {e}"),
                )
                .at(0, ""),
            ),
        }
        findings
    }
}

/// Reads the `[[accept]]` entries: each needs a known `rule`, a `record` and a `reason`, and
/// its globs must be valid.
fn accepts(
    raw: &[Spanned<RawAccept>],
    text: &Arc<str>,
    path: &Path,
    resolved: &Resolved,
    fail: &dyn Fn(Range<usize>, String) -> Error,
) -> Result<crate::accept::Acceptances, Error> {
    let mut entries = Vec::with_capacity(raw.len());
    for entry in raw {
        let span = entry.span();
        let entry = entry.get_ref().clone();
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
        if crate::rules::find(&rule).is_none() && resolved.custom_rule(&rule).is_none() {
            let mut ids: Vec<&str> = crate::rules::RULES.iter().map(|r| r.id).collect();
            ids.extend(resolved.custom_rules.iter().map(CustomRule::id));
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
        let (line, column) = crate::config::line_column(text, span.start);
        let end = text[span.start.min(text.len())..]
            .find('\n')
            .map_or(text.len(), |i| span.start + i);
        let (end_line, end_column) = crate::config::line_column(text, end);
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
    let source = (!entries.is_empty()).then(|| (path.display().to_string(), Arc::clone(text)));
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
    raw: &RawRule,
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
        expr: raw.expr.get_ref().clone(),
        message: raw.message.get_ref().clone(),
        severity,
        pointer: raw.pointer.as_ref().map(|p| p.get_ref().clone()),
        description: raw.description.as_ref().map(|d| d.get_ref().clone()),
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

#[cfg(test)]
mod tests {
    use super::*;

    use num_bigint::BigInt;
    use num_rational::BigRational;

    use crate::model::PartialDate;

    /// factkit.toml's text read and its rules resolved, as `check` does before any record.
    fn parse(text: &str) -> Result<Resolved, Error> {
        Resolved::new(&Config::parse(text, Path::new("factkit.toml"))?)
    }

    /// The same text read as plain data only.
    fn read(text: &str) -> Config {
        Config::parse(text, Path::new("factkit.toml")).unwrap()
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
        let text = "as_of = 2026-11-28\n[tolerance]\nabout = \"0.1\"\n[rules]\nsum = \"warning\"\nratio = \"off\"\n[jsonld]\nbase_url = \"https://x.example/\"\n";
        let r = parse(text).unwrap();
        let c = read(text);
        assert_eq!(c.as_of, PartialDate::parse("2026-11-28").unwrap().last());
        assert_eq!(
            c.about_tolerance,
            BigRational::new(BigInt::from(1), BigInt::from(10))
        );
        assert_eq!(
            r.level("sum", Severity::Error),
            Level::Report(Severity::Warning)
        );
        assert_eq!(r.level("ratio", Severity::Error), Level::Off);
        // The plain data knows no rule: `[rules]` is the plan's.
        assert_eq!(
            c.level("sum", Severity::Error),
            Level::Report(Severity::Error)
        );
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
        assert_eq!(config.custom_rules().len(), n);
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
}
