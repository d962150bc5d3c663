//! A reference names a record that does not exist, or a record of the wrong kind.
//!
//! A statement's `speaker`, a statistic's `source`, a review's `about` and every other
//! reference field must name the id of a record in the dataset (any file), of the kind the
//! field calls for: `speaker`, `proposer`, `supporters`, `attributed_to`, `reviewer` and
//! `affiliation` name entities; `source` names a source; `sum_of` and `ratio_of` name
//! statistics; a review is `about` a statement, proposal or statistic. A misspelt id is the
//! commonest slip in hand-kept data, so the finding suggests the closest existing id.
//!
//! Fails (`kospanoff` does not exist; did you mean `kospanov`?):
//!
//! ```json
//! {"kind": "statement", "id": "s1", "speaker": "kospanoff", "source": "article", "quote": "I support it"}
//! ```
//!
//! Passes:
//!
//! ```json
//! {"kind": "statement", "id": "s1", "speaker": "kospanov", "source": "article", "quote": "I support it"}
//! ```

use super::Context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Kind;

/// "a statistic", "an entity", "an exchange rate".
fn article(noun: &str) -> String {
    let vowel = noun.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {noun}", if vowel { "an" } else { "a" })
}

fn kinds_text(kinds: &[Kind]) -> String {
    match kinds {
        [] => "record".to_owned(),
        [one] => one.as_str().replace('_', " "),
        [init @ .., last] => format!(
            "{} or {}",
            init.iter()
                .map(|k| k.as_str().replace('_', " "))
                .collect::<Vec<_>>()
                .join(", "),
            last.as_str().replace('_', " ")
        ),
    }
}

/// The id among `candidates` closest to `id`, when it is close enough to be a slip.
fn closest<'a>(id: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (strsim::jaro_winkler(id, c), c))
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// Reports references to missing records and to records of the wrong kind.
pub fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, record) in cx.records() {
        for reference in record.references() {
            let wanted = kinds_text(reference.kinds);
            match cx.entry(reference.id) {
                None => {
                    let mut d = Diagnostic::new(
                        "unknown-reference",
                        Severity::Error,
                        format!("no {wanted} has the id `{}`", reference.id),
                    )
                    .at(i, reference.pointer.clone())
                    .expected(format!("the id of {} in the dataset", article(&wanted)))
                    .found(format!("`{}`", reference.id));
                    let kinds: &[Kind] = if reference.kinds.is_empty() {
                        &Kind::ALL
                    } else {
                        reference.kinds
                    };
                    d = match closest(reference.id, cx.ids_of(kinds)) {
                        Some(near) => d.help(format!("did you mean `{near}`?")),
                        None => d.help(format!(
                            "add the {wanted} to the dataset, or correct the id"
                        )),
                    };
                    out.push(d);
                }
                Some((j, target)) => {
                    let Some(kind) = target.kind else { continue };
                    if !reference.kinds.is_empty() && !reference.kinds.contains(&kind) {
                        out.push(
                            Diagnostic::new(
                                "unknown-reference",
                                Severity::Error,
                                format!(
                                    "`{}` is {}, but this field must name {}",
                                    reference.id,
                                    article(&kind.as_str().replace('_', " ")),
                                    article(&wanted)
                                ),
                            )
                            .at(i, reference.pointer.clone())
                            .expected(format!("the id of {}", article(&wanted)))
                            .found(format!(
                                "`{}`, {}",
                                reference.id,
                                article(&kind.as_str().replace('_', " "))
                            ))
                            .related(
                                format!("`{}` is defined here", reference.id),
                                j,
                                "/id",
                            ),
                        );
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_ids_only() {
        let ids = ["kospanov", "gusseinov", "tokayev"];
        assert_eq!(closest("kospanoff", ids.into_iter()), Some("kospanov"));
        assert_eq!(closest("smith", ids.into_iter()), None);
        assert_eq!(
            kinds_text(&[Kind::Statement, Kind::Proposal, Kind::Statistic]),
            "statement, proposal or statistic"
        );
    }
}
