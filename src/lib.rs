//! factkit checks, exports and converts the records fact-check and data desks keep:
//! statements, proposals and statistics, with the entities, sources and reviews they hang on.
//!
//! The library *produces* diagnostics and documents; the `factkit` binary presents them.
//! Data flows one way: [`load`] reads files into records, [`schema`] validates them against
//! the bundled JSON Schemas, [`rules`] run the cross-field checks (the built-in ones, reading
//! sources' archived texts through [`archive`], then a desk's own CEL rules from factkit.toml, [`Config`]),
//! and [`diagnostic`] renders the findings as text, JSON, GitHub annotations, SARIF or JUnit
//! XML. [`export`] writes a checked dataset as CSV, schema.org JSON-LD, Markdown fact-check
//! tables, JSON or JSON Lines. [`generic`] is the plain JSON Schema mode (`check --schema`):
//! any schema over any instances, with the same located findings.
//! [`check::run`] is the pipeline of both, top to bottom in one function.
//! [`convert`] moves records between JSON, JSON Lines, YAML and CSV.
//!
//! The plumbing (file formats, source positions, schema typing, the configuration's parser,
//! acceptances, errors) is private; what a program needs of it is re-exported below
//! ([`Config`], [`Error`]). The remaining public modules are still wider than the API is
//! meant to be: narrowing them to a `pub use` list is part of the redesign of issue 12.
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

mod accept;
pub mod archive;
pub mod atomic;
pub mod check;
mod config;
pub mod convert;
pub mod diagnostic;
mod error;
pub mod export;
mod format;
pub mod fuzzing;
pub mod generic;
pub mod init;
pub mod limits;
pub mod load;
pub mod model;
pub mod rules;
pub mod schema;
mod source;
mod typing;

pub use check::{check, Report};
pub use config::Config;
pub use diagnostic::{Diagnostic, Severity};
pub use error::Error;
