//! The plan of a run: what factkit.toml (or `--schema`) asks for, resolved once before any
//! record is read.
//!
//! A [`Plan`] holds the compiled bundled schemas, the extra schemas by kind, the cross-record
//! rules that are not turned off and the custom rules that read one record, so that the
//! per-record step ([`Plan::prepare`]) does no lookup a second time. [`Plan::generic`] is
//! the plan of `check --schema`: one user schema, no kinds, no rules; the generic mode is a
//! plan of the same pipeline, not a second one. This module reads no file and runs no rule
//! over the dataset; it must not print.

use std::borrow::Cow;

use crate::config::{Config, Level};
use crate::diagnostic::{Diagnostic, Severity};
use crate::error::Error;
use crate::load::Entry;
use crate::model::Record;
use crate::rules::{custom, Rule, RULES};
use crate::schema::user::SchemaFile;
use crate::schema::Schemas;

/// What a run does, resolved from its settings.
pub struct Plan<'c> {
    /// The settings of the run (the defaults for the generic mode).
    pub(crate) config: Cow<'c, Config>,
    pub(crate) mode: Mode<'c>,
}

/// The two kinds of run.
pub(crate) enum Mode<'c> {
    /// `check`: records of the bundled kinds, their schemas and every rule.
    Records(Records<'c>),
    /// `check --schema FILE`: any instances against one schema, no rules.
    Generic(&'c SchemaFile),
}

/// The resolved parts of a record check.
pub(crate) struct Records<'c> {
    schemas: Schemas,
    /// Custom rules that read only their own record, run inside its chunk.
    per_record: custom::PerRecord<'c>,
    /// Whether a record's parsed JSON may be dropped once it is typed: no custom rule calls
    /// `record(id)`, so nothing after the chunk reads records as JSON.
    release: bool,
    /// The built-in rules over the whole dataset that are not turned off, in catalogue order.
    pub(crate) cross_record: Vec<&'static Rule>,
}

impl<'c> Plan<'c> {
    /// The plan of a record check under `config`.
    pub fn new(config: &'c Config) -> Result<Plan<'c>, Error> {
        let cross_record = RULES
            .iter()
            .filter(|r| r.check.is_some() && config.level(r.id, r.severity) != Level::Off)
            .collect();
        Ok(Plan {
            config: Cow::Borrowed(config),
            mode: Mode::Records(Records {
                schemas: Schemas::bundled()?,
                per_record: custom::PerRecord::new(config),
                release: !custom::needs_dataset(config),
                cross_record,
            }),
        })
    }

    /// The plan of the generic mode: every instance against `schema`, with the default
    /// settings (no rule, no `[[accept]]`).
    pub fn generic(schema: &'c SchemaFile) -> Plan<'c> {
        Plan {
            config: Cow::Owned(Config::default()),
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
            Mode::Records(records) => records.type_record(&self.config, entry),
        }
    }
}

impl Records<'_> {
    fn type_record(&self, config: &Config, entry: &mut Entry) -> Vec<Diagnostic> {
        let value = &entry.value;
        let mut findings = Vec::new();
        let (kind, violations) = self.schemas.validate(value);
        if let Some(kind) = kind {
            for extra in config.schemas.iter().filter(|s| s.kind == kind) {
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
