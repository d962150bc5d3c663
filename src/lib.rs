//! factkit checks, exports and converts the records fact-check and data desks keep:
//! statements, proposals and statistics, with the entities, sources and reviews they hang on.
//!
//! The library *produces* diagnostics and documents; the `factkit` binary presents them.
//! [`check()`] runs the pipeline (in `check/`, top to bottom in one function): read the files,
//! hold each record to the ceilings, validate it against the bundled JSON Schemas (and a
//! desk's own), type it, run the per-record rules, then the cross-record rules (the built-in
//! ones, reading sources' archived texts, then a desk's own CEL rules from factkit.toml,
//! [`Config`]), and place the findings. The [`Report`] it returns is rendered by [`render`]
//! as text, JSON, GitHub annotations, SARIF or JUnit XML, and exported by [`export`] as CSV,
//! schema.org JSON-LD, Markdown or HTML fact-check tables, JSON or JSON Lines.
//! [`check_schema`] is the plain JSON Schema mode (`check --schema`): any schema over any
//! instances, with the same located findings. [`convert`] moves records between JSON, JSON
//! Lines, YAML and CSV. [`model`] is the vocabulary: record kinds, exact decimals, intervals,
//! partial dates.
//!
//! Everything else is private; this page lists the whole public API. With the default `cli`
//! feature the crate also holds the command line ([`run_cli`], what the binary runs); a
//! program that uses the library alone depends on `factkit = { default-features = false }`
//! and builds without clap, indicatif or mimalloc.
//!
//! ```
//! use factkit::{check, Config};
//!
//! let report = check(&["examples/kazakhstan-2025".into()], &Config::default())?;
//! assert_eq!(report.summary.errors, 0);
//! for d in &report.diagnostics {
//!     // Warnings: the article gives no URL or publication date, the review no URL.
//!     assert_eq!(d.rule, "missing-recommended");
//! }
//! # Ok::<(), factkit::Error>(())
//! ```

// Without the command line, its helpers (`init`, `schema --write`, the job summary, the
// output-file writer) have no caller; they are not worth a feature gate each.
#![cfg_attr(not(feature = "cli"), allow(dead_code, unused_imports))]

mod accept;
mod archive;
mod atomic;
mod check;
mod config;
mod diagnostic;
mod error;
mod format;
mod generic;
#[cfg(feature = "cli")]
mod init;
mod limits;
mod load;
mod rules;
mod schema;
mod source;
mod typing;

#[cfg(feature = "cli")]
mod cli;
pub mod convert;
pub mod export;
#[cfg(any(test, fuzzing))]
mod fuzzing;
pub mod model;

pub use check::{check, check_with, Plan, Report};
/// The command line: what the `factkit` binary runs (with the default `cli` feature).
#[cfg(feature = "cli")]
pub use cli::main as run_cli;
pub use config::Config;
pub use diagnostic::junit::Case;
pub use diagnostic::render::{self, Texts};
pub use diagnostic::{Diagnostic, Location, Related, RuleMeta, Severity, Summary};
pub use error::Error;
pub use format::Format;
/// Not API: the entry point of the fuzz targets in `fuzz/` (built with `--cfg fuzzing`).
#[cfg(fuzzing)]
#[doc(hidden)]
pub use fuzzing::run as fuzz;
pub use generic::{check as check_schema, check_against as check_schema_file};
pub use load::{load, Dataset, Entry, Options as LoadOptions, Selection};
pub use rules::{catalog, Rule, RULES};
pub use schema::file::Mapping as RefMapping;
pub use schema::user::{Options as SchemaOptions, SchemaFile};
pub use schema::{bundled_text as bundled_schema, Schemas};
