//! factkit checks, exports and converts the records fact-check and data desks keep:
//! statements, proposals and statistics, with the entities, sources and reviews they hang on.
//!
//! The library *produces* diagnostics and documents; the `factkit` binary presents them.
//! Data flows one way: [`load`] reads files into records, [`schema`] validates them against
//! the bundled JSON Schemas, [`rules`] run the cross-field checks (the built-in ones, reading
//! sources' archived texts through [`archive`], then a desk's own CEL rules from [`config`]),
//! and [`diagnostic`] renders the findings as text, JSON, GitHub annotations, SARIF or JUnit
//! XML. [`export`] writes a checked dataset as CSV, schema.org JSON-LD, Markdown fact-check
//! tables, JSON or JSON Lines. [`generic`] is the plain JSON Schema mode (`check --schema`):
//! any schema over any instances, with the same located findings.
//! [`convert`] moves records between JSON, JSON Lines, YAML and CSV; [`typing`] is how YAML
//! and CSV values get their JSON types from a schema.
//!
//! ```
//! use factkit::{check, Config};
//!
//! let report = check(&["examples/kazakhstan-2025".into()], &Config::default())?;
//! assert_eq!(report.summary.errors, 0);
//! for d in &report.diagnostics {
//!     // Warnings: the article gives no URL or publication date.
//!     assert_eq!(d.rule, "missing-recommended");
//! }
//! # Ok::<(), factkit::Error>(())
//! ```

pub mod accept;
pub mod archive;
pub mod atomic;
pub mod check;
pub mod config;
pub mod convert;
pub mod diagnostic;
pub mod error;
pub mod export;
pub mod format;
pub mod fuzzing;
pub mod generic;
pub mod init;
pub mod limits;
pub mod load;
pub mod model;
pub mod rules;
pub mod schema;
pub mod source;
pub mod typing;

pub use check::{check, Report};
pub use config::Config;
pub use diagnostic::{Diagnostic, Severity};
pub use error::Error;
