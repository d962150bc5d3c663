//! CSV: one file per kind, for spreadsheets.
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
//! | statistic | `kind`, `id`, `label`, `value.amount`, `value.scale`, `value.currency`, `value.unit`, `value.qualifier`, `value.exact`, `equivalent1.amount`, `equivalent1.scale`, `equivalent1.currency_or_unit`, `equivalent1.qualifier`, `equivalent1.exact`, the same five for `equivalent2`, `equivalents.more`, `source`, `period`, `attributed_to`, `sum_of`, `ratio_of.numerator`, `ratio_of.denominator`, `restates`, `change_of.from`, `change_of.to`, `notes`, `tags` |
//! | exchange_rate | `kind`, `id`, `base`, `quote`, `rate`, `source`, `on`, `period`, `notes`, `tags` |
//! | review | `kind`, `id`, `about`, `rating`, `reviewer`, `reviewed_on`, `explanation`, `url`, `notes`, `tags` |
//!
//! **Figures, for formulas.** A statistic's figures are ordinary columns, the same for every
//! row, so a spreadsheet can compare them: its `value` (`value.amount`, `value.scale`, …),
//! then its first two `equivalents` (`equivalent1.*`, `equivalent2.*`: amount, scale, the
//! currency or unit in one column, qualifier), and any further equivalents as one JSON array
//! in `equivalents.more`. Each figure also has an `.exact` column: its value written out as a
//! plain exact number, scale applied (`14 trillion` → `14000000000000`, `26.2 billion` →
//! `26200000000`), shifted digit for digit (see [`plain`]), never through floating point. A
//! row without a second equivalent has those cells empty. Units keep their spelling (`%`,
//! `Percent`). This layout is for spreadsheets, not for reading back: the statistics file is
//! not a record file of data format v1 (`.exact` and `equivalentN.*` are not fields, and
//! currency and unit share a column). `factkit convert` writes the lossless CSV that `check`
//! reads; the other kinds' files here have exactly the fields of their records.
//!
//! **Cells.** A nested field is a dotted column (`value.amount`). A text is written as it is;
//! an amount or rate exactly as written (`26.2`, `224000`, `1.100`: every digit kept, never
//! through floating point). An absent field is an empty cell. The cells hold the normalised
//! record ([`Record::to_value`](crate::model::Record::to_value)), in which an empty list is
//! absent; every other text of data format v1 is non-empty except `notes`, so an empty cell
//! means absent, save that an empty `notes` (`""`) is an empty cell too. A **list** (`same_as`,
//! `about`, `supporters`, `elements`, `sum_of`, `tags`, and `equivalents.more`, a list of
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
use crate::model::{Kind, Quantity, Record, Statistic};

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
            "value.exact",
            "equivalent1.amount",
            "equivalent1.scale",
            "equivalent1.currency_or_unit",
            "equivalent1.qualifier",
            "equivalent1.exact",
            "equivalent2.amount",
            "equivalent2.scale",
            "equivalent2.currency_or_unit",
            "equivalent2.qualifier",
            "equivalent2.exact",
            "equivalents.more",
            "source",
            "period",
            "attributed_to",
            "sum_of",
            "ratio_of.numerator",
            "ratio_of.denominator",
            "restates",
            "change_of.from",
            "change_of.to",
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
        Kind::Statistic => &["equivalents.more", "sum_of", "tags"],
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
        w.row(columns.iter().map(|c| match record {
            Record::Statistic(s) => statistic_cell(s, &value, c),
            _ => cell(&value, c),
        }))?;
    }
    w.flush()
}

/// How many equivalents have columns of their own; the rest go to `equivalents.more`.
const EQUIVALENT_COLUMNS: usize = 2;

/// A cell of a statistic's row: its figures as ordinary columns (see the module docs).
fn statistic_cell(s: &Statistic, value: &Value, column: &str) -> String {
    if column == "value.exact" {
        return plain(&s.value);
    }
    if column == "equivalents.more" {
        return match value.get("equivalents").and_then(Value::as_array) {
            Some(list) if list.len() > EQUIVALENT_COLUMNS => {
                Value::Array(list[EQUIVALENT_COLUMNS..].to_vec()).to_string()
            }
            _ => String::new(),
        };
    }
    let Some((n, field)) = column
        .strip_prefix("equivalent")
        .and_then(|rest| rest.split_once('.'))
        .and_then(|(n, field)| Some((n.parse::<usize>().ok()?, field)))
    else {
        return cell(value, column);
    };
    let Some(q) = n.checked_sub(1).and_then(|k| s.equivalents.get(k)) else {
        return String::new();
    };
    match field {
        "exact" => plain(q),
        "currency_or_unit" => q.measure().to_owned(),
        "amount" => q.amount.as_str().to_owned(),
        "scale" => q.scale.map(|x| x.as_str().to_owned()).unwrap_or_default(),
        "qualifier" => value["equivalents"][n - 1]["qualifier"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        _ => String::new(),
    }
}

/// A figure's value as a plain exact decimal, scale applied: `14 trillion` is
/// `14000000000000`, `26.2 billion` is `26200000000`, `-12.5` is `-12.5`, `1.100 billion` is
/// `1100000000`. Shifting the written digits by the scale's power of ten is exact (no floating
/// point); the decimal exponent is bounded by [`MAX_EXPONENT`](crate::model::decimal::MAX_EXPONENT) (plus 12 for `trillion`), so
/// the text is too.
pub fn plain(q: &Quantity) -> String {
    let exponent = q.amount.exponent() + q.scale.map_or(0, |s| s.exponent());
    let mantissa = q.amount.mantissa();
    let sign = if mantissa.sign() == num_bigint::Sign::Minus {
        "-"
    } else {
        ""
    };
    let digits = mantissa.magnitude().to_string();
    if exponent >= 0 {
        if digits == "0" {
            return "0".into();
        }
        let zeros = usize::try_from(exponent).unwrap_or(0);
        return format!("{sign}{digits}{}", "0".repeat(zeros));
    }
    let fraction = usize::try_from(-exponent).unwrap_or(0);
    let padded = if digits.len() <= fraction {
        format!("{}{digits}", "0".repeat(fraction - digits.len() + 1))
    } else {
        digits
    };
    let (int, frac) = padded.split_at(padded.len() - fraction);
    format!("{sign}{int}.{frac}")
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

    #[test]
    fn plain_exact_values() {
        let q = |json: &str| serde_json::from_str::<Quantity>(json).unwrap();
        for (json, want) in [
            (
                r#"{"amount": "14", "scale": "trillion", "currency": "KZT"}"#,
                "14000000000000",
            ),
            (
                r#"{"amount": "26.2", "scale": "billion", "currency": "USD"}"#,
                "26200000000",
            ),
            (
                r#"{"amount": "1.100", "scale": "billion", "currency": "USD"}"#,
                "1100000000",
            ),
            (r#"{"amount": "-12.5", "unit": "degrees"}"#, "-12.5"),
            (r#"{"amount": "0.05", "unit": "percent"}"#, "0.05"),
            (r#"{"amount": "-0.5"}"#, "-0.5"),
            (
                r#"{"amount": "1.23456", "scale": "thousand", "unit": "people"}"#,
                "1234.56",
            ),
            (r#"{"amount": "224000", "unit": "people"}"#, "224000"),
            (
                r#"{"amount": "0", "scale": "million", "unit": "people"}"#,
                "0",
            ),
            (
                r#"{"amount": "1e3", "scale": "thousand", "unit": "people"}"#,
                "1000000",
            ),
        ] {
            assert_eq!(plain(&q(json)), want, "{json}");
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
            (Kind::Statistic, "equivalents.more"),
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
