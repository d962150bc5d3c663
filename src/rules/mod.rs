//! The cross-field rules, one per file, and the registry that lists them.
//!
//! A rule is a plain function from the checked dataset ([`Context`]) to diagnostics aimed at
//! a record and a JSON Pointer; it never reads files or prints. Archived source texts are
//! read once per run by [`crate::archive`], on the first call of [`Context::archives`]. Each rule's file opens with a
//! `//!` header saying what it checks, why a desk cares, and a failing and a passing record:
//! `factkit explain RULE` prints that header, so the documentation cannot drift from the code.
//! `syntax` and `schema` are produced while loading; their files hold only the header.

pub mod change;
pub mod conversion;
pub mod custom;
pub mod date_order;
pub mod duplicate_id;
pub mod figure_in_source;
pub mod implied_rate;
pub mod limit;
pub mod missing_recommended;
pub mod percent_range;
pub mod quote_attribution;
pub mod quote_in_source;
pub mod ratio;
pub mod read;
pub mod restatement;
pub mod schema;
pub mod stale_accept;
pub mod sum;
pub mod syntax;
pub mod unknown_reference;

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::archive::Archives;
use crate::config::{Config, Level};
use crate::diagnostic::{Diagnostic, Location, RuleMeta, Severity};
use crate::load::{Dataset, Entry};
use crate::model::{ExchangeRate, Kind, Record, Source, Statistic};

/// A rule: its id, default severity, documentation, and check.
pub struct Rule {
    /// The id used in diagnostics and configuration (`implied-rate`).
    pub id: &'static str,
    /// Severity unless configured otherwise.
    pub severity: Severity,
    /// The rule's source file, whose `//!` header documents it.
    source: &'static str,
    /// The check, for rules that run over the loaded dataset.
    pub check: Option<fn(&Context<'_>) -> Vec<Diagnostic>>,
}

impl Rule {
    /// The documentation: the `//!` header of the rule's file.
    pub fn doc(&self) -> String {
        let mut out = String::new();
        for line in self.source.lines() {
            let Some(rest) = line.strip_prefix("//!") else {
                break;
            };
            out.push_str(rest.strip_prefix(' ').unwrap_or(rest));
            out.push('\n');
        }
        out
    }

    /// The first sentence of the documentation.
    pub fn summary(&self) -> String {
        let doc = self.doc();
        let first = doc.split("\n\n").next().unwrap_or("").replace('\n', " ");
        first.trim().to_owned()
    }
}

macro_rules! rule {
    ($id:literal, $severity:ident, $file:literal, $check:expr) => {
        Rule {
            id: $id,
            severity: Severity::$severity,
            source: include_str!($file),
            check: $check,
        }
    };
}

/// Every built-in rule, in the order of PRODUCT.md section 4, then `read`, `limit` and
/// `stale-accept`.
pub static RULES: &[Rule] = &[
    rule!("syntax", Error, "syntax.rs", None),
    rule!("schema", Error, "schema.rs", None),
    rule!(
        "duplicate-id",
        Error,
        "duplicate_id.rs",
        Some(duplicate_id::check)
    ),
    rule!(
        "unknown-reference",
        Error,
        "unknown_reference.rs",
        Some(unknown_reference::check)
    ),
    rule!(
        "date-order",
        Error,
        "date_order.rs",
        Some(date_order::check)
    ),
    rule!(
        "conversion",
        Error,
        "conversion.rs",
        Some(conversion::check)
    ),
    rule!(
        "implied-rate",
        Error,
        "implied_rate.rs",
        Some(implied_rate::check)
    ),
    rule!("sum", Error, "sum.rs", Some(sum::check)),
    rule!("ratio", Error, "ratio.rs", Some(ratio::check)),
    rule!(
        "percent-range",
        Error,
        "percent_range.rs",
        Some(percent_range::check)
    ),
    rule!(
        "quote-in-source",
        Error,
        "quote_in_source.rs",
        Some(quote_in_source::check)
    ),
    rule!(
        "quote-attribution",
        Warning,
        "quote_attribution.rs",
        Some(quote_attribution::check)
    ),
    rule!(
        "restatement",
        Error,
        "restatement.rs",
        Some(restatement::check)
    ),
    rule!("change", Error, "change.rs", Some(change::check)),
    rule!(
        "figure-in-source",
        Warning,
        "figure_in_source.rs",
        Some(figure_in_source::check)
    ),
    rule!(
        "missing-recommended",
        Warning,
        "missing_recommended.rs",
        Some(missing_recommended::check)
    ),
    // Not in PRODUCT.md section 4: produced while loading, by issue 8 (hostile input).
    rule!("read", Error, "read.rs", None),
    rule!("limit", Error, "limit.rs", None),
    // Not in PRODUCT.md section 4: produced by `check` from `[[accept]]`, by issue 14.
    rule!("stale-accept", Error, "stale_accept.rs", None),
];

/// The built-in rule with this id.
pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// The built-in rules with their severities as `config`'s `levels` set them. The custom
/// rules and `[rules]` of a factkit.toml are checked and compiled by the plan: its
/// [`Resolved::catalog`](crate::check::plan::Resolved::catalog) lists every rule of a run.
pub fn catalog(config: &Config) -> Vec<RuleMeta> {
    catalog_of(&|id, default| config.level(id, default), &[])
}

/// Every rule of a run, built-in then `custom`, with the severity `level` gives each (from
/// its id and default severity).
pub fn catalog_of(
    level: &dyn Fn(&str, Severity) -> Level,
    custom: &[custom::CustomRule],
) -> Vec<RuleMeta> {
    let mut out: Vec<RuleMeta> = RULES
        .iter()
        .map(|r| RuleMeta {
            id: r.id.to_owned(),
            level: match level(r.id, r.severity) {
                Level::Report(s) => Some(s),
                Level::Off => None,
            },
            summary: r.summary(),
            doc: r.doc(),
        })
        .collect();
    for rule in custom {
        out.push(RuleMeta {
            id: rule.id().to_owned(),
            level: match level(rule.id(), rule.definition.severity) {
                Level::Report(s) => Some(s),
                Level::Off => None,
            },
            summary: rule.summary(),
            doc: rule.doc(),
        });
    }
    out
}

/// The rules of the generic mode (`check --schema`): `syntax` and `schema` only.
pub fn generic_catalog() -> Vec<RuleMeta> {
    let mut all = catalog(&Config::default());
    all.retain(|r| matches!(r.id.as_str(), "syntax" | "read" | "limit"));
    let summary = "An instance breaks the JSON Schema given with `--schema`.".to_owned();
    all.push(RuleMeta {
        id: "schema".into(),
        level: Some(Severity::Error),
        doc: format!(
            "{summary}\n\nIn the generic mode every instance (a `.json` file, a line of a `.jsonl` file) is validated against that one schema, for the draft its `$schema` names. The message names the keyword and the value; the finding points at the offending value.\n"
        ),
        summary,
    });
    all
}

/// A record file that could not be parsed in full (see [`Context::unparsed`]).
pub struct Unparsed<'a> {
    /// The file's name as findings show it.
    pub name: &'a str,
    /// What of it could not be read: the whole text, or for a JSON Lines file the lines
    /// that failed.
    pub text: &'a str,
    /// Where its first `syntax` finding is.
    pub location: Option<&'a Location>,
}

/// What every rule sees: the dataset, the settings, and an index of records by id.
pub struct Context<'a> {
    /// The loaded and schema-checked dataset.
    pub dataset: &'a Dataset,
    /// Settings of the run.
    pub config: &'a Config,
    by_id: HashMap<&'a str, usize>,
    rates: Vec<(usize, &'a ExchangeRate)>,
    archives: OnceLock<Archives>,
}

impl<'a> Context<'a> {
    /// Indexes the dataset. When an id is used twice the first record wins (and
    /// `duplicate-id` reports the second).
    pub fn new(dataset: &'a Dataset, config: &'a Config) -> Context<'a> {
        let mut by_id = HashMap::with_capacity(dataset.entries.len());
        for (i, entry) in dataset.entries.iter().enumerate() {
            if let Some(id) = entry.id.as_deref() {
                by_id.entry(id).or_insert(i);
            }
        }
        let rates = dataset
            .entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| match &e.record {
                Some(Record::ExchangeRate(r)) => Some((i, &**r)),
                _ => None,
            })
            .collect();
        Context {
            dataset,
            config,
            by_id,
            rates,
            archives: OnceLock::new(),
        }
    }

    /// Every exchange rate record with its entry index.
    pub fn rates(&self) -> &[(usize, &'a ExchangeRate)] {
        &self.rates
    }

    /// The archived texts the dataset's sources name, read and indexed on first use.
    pub fn archives(&self) -> &Archives {
        self.archives
            .get_or_init(|| Archives::load(self.dataset, &self.config.limits))
    }

    /// The entry with this id and its index.
    pub fn entry(&self, id: &str) -> Option<(usize, &'a Entry)> {
        let i = *self.by_id.get(id)?;
        Some((i, &self.dataset.entries[i]))
    }

    /// The typed record with this id, when it passed its schema.
    pub fn record(&self, id: &str) -> Option<(usize, &'a Record)> {
        let (i, entry) = self.entry(id)?;
        Some((i, entry.record.as_ref()?))
    }

    /// The source with this id.
    pub fn source(&self, id: &str) -> Option<(usize, &'a Source)> {
        match self.record(id)? {
            (i, Record::Source(s)) => Some((i, &**s)),
            _ => None,
        }
    }

    /// The statistic with this id.
    pub fn statistic(&self, id: &str) -> Option<(usize, &'a Statistic)> {
        match self.record(id)? {
            (i, Record::Statistic(s)) => Some((i, &**s)),
            _ => None,
        }
    }

    /// Every typed record with its entry index, in dataset order.
    pub fn records(&self) -> impl Iterator<Item = (usize, &'a Record)> + 'a {
        self.dataset
            .entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| Some((i, e.record.as_ref()?)))
    }

    /// Every statistic with its entry index.
    pub fn statistics(&self) -> impl Iterator<Item = (usize, &'a Statistic)> + 'a {
        self.records().filter_map(|(i, r)| match r {
            Record::Statistic(s) => Some((i, &**s)),
            _ => None,
        })
    }

    /// The record files that could not be parsed in full (a `syntax` finding), in dataset
    /// order: the records they hold may be missing.
    pub fn unparsed(&self) -> impl Iterator<Item = Unparsed<'a>> + 'a {
        let files = &self.dataset.files;
        self.dataset.unparsed.iter().filter_map(move |u| {
            let file = files.get(u.file)?;
            Some(Unparsed {
                name: file.name(),
                text: u.lines.as_deref().unwrap_or_else(|| file.text()),
                location: u.location.as_ref(),
            })
        })
    }

    /// Ids of every record of one of `kinds`, for suggestions.
    pub fn ids_of<'k>(&self, kinds: &'k [Kind]) -> impl Iterator<Item = &'a str> + 'k
    where
        'a: 'k,
    {
        self.dataset
            .entries
            .iter()
            .filter(move |e| e.kind.is_some_and(|k| kinds.contains(&k)))
            .filter_map(|e| e.id.as_deref())
    }
}
