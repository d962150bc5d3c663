//! YAML files of a dataset: a [`SourceFile`]'s records into [`Entry`]s and located
//! diagnostics.
//!
//! The YAML format itself (parsing, typing a scalar, the span of every node) is in
//! [`crate::format::yaml`]; this module keeps each record's spans in its [`Anchor`] and turns
//! a [`Problem`] into a `syntax` finding at its line and column. It must not parse YAML
//! itself.

use super::{Anchor, Entry, SourceFile, TypingFor};
use crate::diagnostic::{Diagnostic, Severity};
use crate::format::yaml::read::{records, Problem};

/// A problem reading `file` as a `syntax` diagnostic at its place.
pub fn syntax(problem: Problem, file: &SourceFile) -> Diagnostic {
    Diagnostic::new("syntax", Severity::Error, problem.message)
        .help(problem.help)
        .with_location(file.location_of(problem.span))
}

/// Reads a `.yaml`/`.yml` file into entries.
pub(super) fn load_yaml(
    file_index: usize,
    file: &SourceFile,
    typing: &TypingFor<'_>,
    entries: &mut Vec<Entry>,
    findings: &mut Vec<Diagnostic>,
) {
    let text = file.text();
    if text.trim().is_empty() {
        findings.push(super::empty_file(
            file,
            "write a list of records (lines starting `- kind: …`) or one record",
        ));
        return;
    }
    match records(text, typing) {
        Ok(records) => {
            for record in records {
                entries.push(Entry::new(
                    file_index,
                    Anchor::Yaml {
                        spans: record.spans,
                    },
                    record.value,
                ));
            }
        }
        Err(e) => findings.push(syntax(e, file)),
    }
}
