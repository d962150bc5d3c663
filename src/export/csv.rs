//! CSV: one file per kind, for spreadsheets (and for factkit's own CSV reader).
//!
//! UTF-8, RFC 4180: fields separated by `,`, records ended by CRLF, a field quoted with `"`
//! (and `"` doubled inside it) when it holds a comma, a quote, a CR or a LF. The first row is
//! the header. With `--bom` the file starts with a UTF-8 byte-order mark, so that Excel reads
//! it as UTF-8. Rows come in dataset order.
//!
//! **Columns**, in this fixed order (every field of data format v1; `kind` first, so a file
//! can be read back without `--kind`):
//!
//! | kind | columns |
//! |---|---|
//! | entity | `kind`, `id`, `type`, `name`, `role`, `affiliation`, `country`, `same_as`, `notes`, `tags` |
//! | source | `kind`, `id`, `title`, `publisher`, `url`, `published`, `retrieved`, `language`, `archive`, `notes`, `tags` |
//! | statement | `kind`, `id`, `speaker`, `quote`, `paraphrase`, `source`, `said_on`, `about`, `language`, `notes`, `tags` |
//! | proposal | `kind`, `id`, `title`, `proposer`, `status`, `source`, `summary`, `proposed_on`, `venue`, `supporters`, `elements`, `notes`, `tags` |
//! | statistic | `kind`, `id`, `label`, `value.amount`, `value.scale`, `value.currency`, `value.unit`, `value.qualifier`, `equivalents`, `source`, `period`, `attributed_to`, `sum_of`, `ratio_of.numerator`, `ratio_of.denominator`, `notes`, `tags` |
//! | exchange_rate | `kind`, `id`, `base`, `quote`, `rate`, `source`, `on`, `period`, `notes`, `tags` |
//! | review | `kind`, `id`, `about`, `rating`, `reviewer`, `reviewed_on`, `explanation`, `url`, `notes`, `tags` |
//!
//! **Cells.** A nested field is a dotted column (`value.amount`). A text is written as it is;
//! an amount or rate exactly as written (`26.2`, `224000`, `1.100`: every digit kept, never
//! through floating point). An absent field is an empty cell. The cells hold the normalised
//! record ([`Record::to_value`](crate::model::Record::to_value)), in which an empty list is
//! absent; every other text of data format v1 is non-empty except `notes`, so an empty cell
//! means absent, save that an empty `notes` (`""`) is an empty cell too. A **list** (`same_as`,
//! `about`, `supporters`, `elements`, `sum_of`, `tags`, and `equivalents`, a list of
//! quantities) is one cell holding a compact JSON array, `["a","b; c"]` or
//! `[{"amount":"26.2","scale":"billion","currency":"USD"}]`: unlike a `;`-joined list it
//! reads back exactly whatever the strings hold, and amounts inside keep their JSON form.
//!
//! **Formula neutralisation** (OWASP, "CSV Injection"): every cell goes through the one cell
//! codec, [`crate::format::csv::codec`], that `check` and `convert` read CSV back with. A
//! cell that a spreadsheet would run as a formula, because it starts with `=`, `+`, `-`, `@`,
//! a tab or a carriage return and is not a plain number, gets an apostrophe `'` in front
//! (`=HYPERLINK(…)` is written `'=HYPERLINK(…)`; `-12.5` stays `-12.5`). So that this stays
//! reversible, a cell that already starts with apostrophes followed by one of those
//! characters gets one more (`'-5` is written `''-5`). To undo it when reading a file back:
//! if a cell matches `^'+[=+\-@\t\r]`, remove its first character.
//!
//! This module knows the columns of each kind; how rows and cells are written is
//! [`crate::format::csv::write`]'s.

use std::io::{self, Write};

use serde_json::Value;

use super::{records, Options};
use crate::check::Report;
use crate::format::csv::RowWriter;
use crate::model::Kind;

/// The columns of a kind, in file order.
pub fn columns(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Entity => &[
            "kind",
            "id",
            "type",
            "name",
            "role",
            "affiliation",
            "country",
            "same_as",
            "notes",
            "tags",
        ],
        Kind::Source => &[
            "kind",
            "id",
            "title",
            "publisher",
            "url",
            "published",
            "retrieved",
            "language",
            "archive",
            "notes",
            "tags",
        ],
        Kind::Statement => &[
            "kind",
            "id",
            "speaker",
            "quote",
            "paraphrase",
            "source",
            "said_on",
            "about",
            "language",
            "notes",
            "tags",
        ],
        Kind::Proposal => &[
            "kind",
            "id",
            "title",
            "proposer",
            "status",
            "source",
            "summary",
            "proposed_on",
            "venue",
            "supporters",
            "elements",
            "notes",
            "tags",
        ],
        Kind::Statistic => &[
            "kind",
            "id",
            "label",
            "value.amount",
            "value.scale",
            "value.currency",
            "value.unit",
            "value.qualifier",
            "equivalents",
            "source",
            "period",
            "attributed_to",
            "sum_of",
            "ratio_of.numerator",
            "ratio_of.denominator",
            "notes",
            "tags",
        ],
        Kind::ExchangeRate => &[
            "kind", "id", "base", "quote", "rate", "source", "on", "period", "notes", "tags",
        ],
        Kind::Review => &[
            "kind",
            "id",
            "about",
            "rating",
            "reviewer",
            "reviewed_on",
            "explanation",
            "url",
            "notes",
            "tags",
        ],
    }
}

/// The columns of a kind whose cells hold a JSON array (see the module docs).
pub fn list_columns(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Entity => &["same_as", "tags"],
        Kind::Statement => &["about", "tags"],
        Kind::Proposal => &["supporters", "elements", "tags"],
        Kind::Statistic => &["equivalents", "sum_of", "tags"],
        Kind::Source | Kind::ExchangeRate | Kind::Review => &["tags"],
    }
}

/// Writes the records of `kind` as CSV (header included, even with no records).
pub fn write(
    report: &Report,
    kind: Kind,
    options: &Options,
    out: &mut dyn Write,
) -> io::Result<()> {
    if options.bom {
        out.write_all("\u{feff}".as_bytes())?;
    }
    let mut w = RowWriter::crlf(out);
    let columns = columns(kind);
    w.row(columns)?;
    for (_, record) in records(report, options).filter(|(_, r)| r.kind() == kind) {
        let value = record.to_value();
        w.row(columns.iter().map(|c| cell(&value, c)))?;
    }
    w.flush()
}

/// The text of the field at a dotted `column` of a normalised record.
fn cell(record: &Value, column: &str) -> String {
    let mut value = record;
    for key in column.split('.') {
        match value.get(key) {
            Some(v) => value = v,
            None => return String::new(),
        }
    }
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        // With `arbitrary_precision`, a number's text is exactly as it was written.
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Array(a) if a.is_empty() => String::new(),
        other => other.to_string(),
    }
}

/// The cell codec, for readers of this export: [`neutralise`] is what every cell goes
/// through, [`unneutralise`] undoes it.
pub use crate::format::csv::codec::{neutralise, restore as unneutralise};

#[cfg(test)]
mod tests {
    use super::*;

    /// Every list field of every kind, and only those, is a list column.
    #[test]
    fn list_columns_are_the_list_fields() {
        let lists = [
            (Kind::Entity, "same_as"),
            (Kind::Statement, "about"),
            (Kind::Proposal, "supporters"),
            (Kind::Proposal, "elements"),
            (Kind::Statistic, "equivalents"),
            (Kind::Statistic, "sum_of"),
        ];
        for kind in Kind::ALL {
            for column in list_columns(kind) {
                assert!(columns(kind).contains(column), "{kind} {column}");
                assert!(*column == "tags" || lists.contains(&(kind, *column)));
            }
            for (k, column) in lists {
                assert_eq!(
                    k == kind,
                    list_columns(kind).contains(&column),
                    "{kind} {column}"
                );
            }
        }
    }
}
