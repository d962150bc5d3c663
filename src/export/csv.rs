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
//! **Formula neutralisation** (OWASP, "CSV Injection"): a cell that a spreadsheet would run as
//! a formula, because it starts with `=`, `+`, `-`, `@`, a tab or a carriage return and is
//! not a plain number, gets an apostrophe `'` in front (`=HYPERLINK(…)` is written
//! `'=HYPERLINK(…)`; `-12.5` stays `-12.5`). So that this stays reversible, a cell that
//! already starts with apostrophes followed by one of those characters gets one more. To
//! undo it when reading a file back: if a cell matches `^'+[=+\-@\t\r]`, remove its first
//! character.

use std::io::{self, Write};

use serde_json::Value;

use super::{records, Options};
use crate::check::Report;
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
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(out);
    let columns = columns(kind);
    w.write_record(columns)?;
    for (_, record) in records(report, options).filter(|(_, r)| r.kind() == kind) {
        let value = record.to_value();
        let row: Vec<String> = columns
            .iter()
            .map(|c| neutralise(&cell(&value, c)))
            .collect();
        w.write_record(&row)?;
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

/// Whether a spreadsheet would read `text` as a plain number: an optional sign, digits with
/// an optional fraction, and an optional exponent (`-12.5`, `+3`, `1e9`).
fn is_plain_number(text: &str) -> bool {
    let rest = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            (digits(int) && (frac.is_empty() || digits(frac))) || (int.is_empty() && digits(frac))
        }
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Prefixes `'` to a cell a spreadsheet would evaluate as a formula (see the module docs).
pub fn neutralise(text: &str) -> String {
    let after_quotes = text.trim_start_matches('\'');
    let risky = after_quotes.starts_with(FORMULA_START);
    if risky && !is_plain_number(text) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// Undoes [`neutralise`]: what a reader of factkit's CSV applies to each cell.
pub fn unneutralise(text: &str) -> &str {
    let after_quotes = text.trim_start_matches('\'');
    if after_quotes.len() < text.len() && after_quotes.starts_with(FORMULA_START) {
        &text[1..]
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_numbers_are_not() {
        assert_eq!(
            neutralise("=HYPERLINK(\"http://x\",\"y\")"),
            "'=HYPERLINK(\"http://x\",\"y\")"
        );
        assert_eq!(neutralise("+1+1"), "'+1+1");
        assert_eq!(neutralise("@SUM(A1:A2)"), "'@SUM(A1:A2)");
        assert_eq!(neutralise("-2+3"), "'-2+3");
        assert_eq!(neutralise("\tx"), "'\tx");
        assert_eq!(neutralise("\rx"), "'\rx");
        assert_eq!(neutralise("-"), "'-");
        assert_eq!(neutralise("-12.5"), "-12.5");
        assert_eq!(neutralise("+3"), "+3");
        assert_eq!(neutralise("-1e9"), "-1e9");
        assert_eq!(neutralise("14"), "14");
        assert_eq!(neutralise("a=b"), "a=b");
        assert_eq!(neutralise("'quoted'"), "'quoted'");
        assert_eq!(neutralise("'=x"), "''=x");
        assert_eq!(neutralise(""), "");
    }

    #[test]
    fn neutralising_is_reversible() {
        for text in [
            "=1", "'=1", "''=1", "'", "'a", "-12.5", "-x", "@", "plain", "", "\t", "'\t",
        ] {
            assert_eq!(unneutralise(&neutralise(text)), text, "{text:?}");
        }
    }

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

    #[test]
    fn plain_numbers() {
        for yes in ["0", "-12.5", "+1", "1.", "-.5", "1e5", "1E-5", "007"] {
            assert!(is_plain_number(yes), "{yes}");
        }
        for no in [
            "", "-", "+", "1+1", "-2+3", "1e", "e5", ".5e", ".", "-.", "1.2.3", "--1", "1,5",
        ] {
            assert!(!is_plain_number(no), "{no}");
        }
    }
}
