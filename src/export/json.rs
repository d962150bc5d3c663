//! JSON and JSON Lines: the records, normalised.
//!
//! Each record is [`Record::to_value`](crate::model::Record::to_value): `kind` first, then
//! the fields in the order of PRODUCT.md section 2, absent fields left out, amounts exactly as
//! written (a JSON string stays a string, a JSON number keeps its digits). Records come in
//! dataset order.
//!
//! - **JSON** (`--to json`): one array, pretty-printed with two-space indentation, ending with
//!   a newline; `[]` when there are no records.
//! - **JSON Lines** (`--to jsonl`): one compact record per line, each line ending with `\n`.
//!
//! A record that failed its schema (exported only with `--allow-errors`) has no normalised
//! form: it is written exactly as it was read, in its place in the dataset order, and the
//! export reports it (see [`notes`](super::notes)).
//!
//! The JSON and JSON Lines writing is [`crate::format::json::Writer`]'s, as for `convert`;
//! this module chooses the records.

use std::io::{self, Write};

use serde_json::Value;

use super::Options;
use crate::check::Report;
use crate::format::json::Writer;

/// The records to write: normalised when typed, else as read.
fn values<'r>(report: &'r Report, options: &'r Options) -> impl Iterator<Item = Value> + 'r {
    report
        .dataset
        .entries
        .iter()
        .filter(|e| options.selects(e))
        .map(|e| match &e.record {
            Some(record) => record.to_value(),
            None => e.value.clone(),
        })
}

/// Writes a JSON array of the records, one at a time.
pub fn write_json(report: &Report, options: &Options, out: &mut dyn Write) -> io::Result<()> {
    write(report, options, Writer::array(), out)
}

/// Writes one record per line.
pub fn write_jsonl(report: &Report, options: &Options, out: &mut dyn Write) -> io::Result<()> {
    write(report, options, Writer::lines(), out)
}

fn write(
    report: &Report,
    options: &Options,
    mut writer: Writer,
    out: &mut dyn Write,
) -> io::Result<()> {
    for value in values(report, options) {
        writer.record(out, &value)?;
    }
    writer.finish(out)
}
