//! File formats: each format's reading and writing, in one place per format.
//!
//! - [`csv`]: CSV rows and cells ([`csv::read`], [`csv::write`]) and the one cell codec
//!   ([`csv::codec`]: formula neutralisation and its inverse), so whatever `export --to csv`
//!   or `convert` writes, `check` and `convert` read back to the same string.
//! - [`json`]: JSON and JSON Lines (the strict parser, and a writer of one record at a
//!   time).
//! - [`yaml`]: YAML ([`yaml::read`], [`yaml::write`]).
//! - [`stream`]: any of them one record at a time: [`read`] splits an input into the bytes
//!   of each record with where they start, [`Writer`] writes records in any format.
//! - [`input`]: the input of a streamed read, held to `max_file_size` and kept for a second
//!   pass (CSV output reads its input twice).
//!
//! A format turns bytes into JSON values and JSON values into bytes. It knows no schema and
//! no rule: where a format cannot tell a number from a string by itself (YAML scalars, CSV
//! cells), the caller hands in the JSON types allowed at each place, as a
//! [`Typing`] or a [`TypingFor`] closure; this module never compiles
//! or loads a schema, never makes a diagnostic about a record's content, and never decides
//! where an output file goes ([`crate::atomic`] does).

pub mod csv;
pub mod input;
pub mod json;
pub mod stream;
pub mod yaml;

pub use stream::{read, Piece, Pieces, Position, Writer};

use std::path::Path;

use crate::typing::Typing;

/// Chooses the typing of a record from the `kind` written in it (`None` when it has none):
/// how a reader of YAML or CSV learns the JSON types allowed at each place.
pub type TypingFor<'t> = dyn Fn(Option<&str>) -> Option<&'t Typing> + 't;

/// The format of a record file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.json`: an array of records, or one record.
    Json,
    /// `.jsonl`: one record per line.
    JsonLines,
    /// `.yaml` or `.yml`: a list of records, or one record, per document.
    Yaml,
    /// `.csv`: one record per row, after a header row.
    Csv,
}

impl Format {
    /// The format of a path, from its extension.
    pub fn of_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            "yaml" | "yml" => Some(Format::Yaml),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    /// The name of the format, as `--from`/`--to` take it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::JsonLines => "jsonl",
            Format::Yaml => "yaml",
            Format::Csv => "csv",
        }
    }

    /// The format of standard input: JSON when it starts like one document, else JSON Lines.
    pub fn sniff(text: &str) -> Format {
        let mut lines = text.lines().filter(|l| !l.trim().is_empty());
        let first = lines.next().unwrap_or("");
        let one_document = first.trim_start().starts_with('[') || lines.next().is_none();
        if one_document || json::parse(text).is_ok() {
            Format::Json
        } else {
            Format::JsonLines
        }
    }
}
