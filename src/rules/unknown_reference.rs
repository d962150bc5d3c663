//! A reference names a record that does not exist, or a record of the wrong kind.
//!
//! A statement's `speaker`, a statistic's `source`, a review's `about` and every other
//! reference field must name the id of a record in the dataset (any file), of the kind the
//! field calls for: `speaker`, `proposer`, `supporters`, `attributed_to`, `reviewer` and
//! `affiliation` name entities; `source` names a source; `sum_of` and `ratio_of` name
//! statistics; a review is `about` a statement, proposal or statistic. A misspelt id is the
//! commonest slip in hand-kept data, so the finding suggests the closest existing id.
//!
//! Findings do not cascade. When a record file could not be parsed (a `syntax` finding), the
//! records it holds may be missing: a reference to an id that no record has but that is
//! written in that file (as a word of its text) is not reported one by one; one finding on the
//! unparsed file, at its syntax error, counts those references, names their ids and lists the
//! first of them. A missing id written in no unparsed file is reported as usual. A record that
//! failed its schema still has its id, so references to it are not "unknown" either.
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

use std::collections::{HashMap, HashSet};

use super::{Context, Unparsed};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Kind, Reference};

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

/// How many comparisons of a missing id with a candidate the whole run makes before the
/// search for a suggestion is narrowed to the sorted neighbours: about 0.1 s.
pub const COMPARISONS: usize = 1_000_000;

/// How many ids on each side of a missing id, in each of the two sorted orders, a narrowed
/// search compares it with.
pub const NEIGHBOURS: usize = 32;

/// The distinct ids of one set of kinds, sorted two ways for a narrowed search.
struct Candidates<'a> {
    /// Sorted.
    forward: Vec<&'a str>,
    /// Sorted by the reversed id, with it.
    backward: Vec<(String, &'a str)>,
}

impl<'a> Candidates<'a> {
    fn new(ids: impl Iterator<Item = &'a str>) -> Candidates<'a> {
        let mut forward: Vec<&str> = ids.collect();
        forward.sort_unstable();
        forward.dedup();
        let mut backward: Vec<(String, &str)> = forward
            .iter()
            .map(|id| (id.chars().rev().collect(), *id))
            .collect();
        backward.sort_unstable();
        Candidates { forward, backward }
    }

    /// The ids next to `id` in both orders.
    fn neighbours(&self, id: &str) -> impl Iterator<Item = &'a str> + '_ {
        let around =
            |at: usize, len: usize| at.saturating_sub(NEIGHBOURS)..(at + NEIGHBOURS).min(len);
        let at = self.forward.partition_point(|c| *c < id);
        let reversed: String = id.chars().rev().collect();
        let back = self
            .backward
            .partition_point(|(r, _)| r.as_str() < reversed.as_str());
        let forward = self.forward[around(at, self.forward.len())].iter().copied();
        let backward = self.backward[around(back, self.backward.len())]
            .iter()
            .map(|(_, c)| *c);
        forward.chain(backward)
    }
}

/// Suggestions for missing ids, so that the rule stays linear in the references (ids
/// themselves are looked up in the context's hash map).
///
/// The suggestion for a missing id is searched once per distinct id and set of kinds, then
/// reused. The search compares the missing id with every id of the wanted kinds while the
/// run's comparisons stay under [`COMPARISONS`]; past that (a dataset with many thousands
/// of distinct missing ids and of candidates), with the [`NEIGHBOURS`] ids on each side of
/// it in sorted order and in the order of the reversed ids (which keeps ids that end alike
/// together), so a hostile dataset costs a bounded number of comparisons per missing id.
#[derive(Default)]
struct Suggestions<'a> {
    candidates: HashMap<&'static [Kind], Candidates<'a>>,
    found: HashMap<(&'static [Kind], &'a str), Option<&'a str>>,
    /// Comparisons left for full searches.
    budget: usize,
}

impl<'a> Suggestions<'a> {
    fn new() -> Suggestions<'a> {
        Suggestions {
            budget: COMPARISONS,
            ..Suggestions::default()
        }
    }

    /// The existing id of one of `kinds` (any kind when empty) closest to the missing `id`.
    fn closest(
        &mut self,
        cx: &Context<'a>,
        kinds: &'static [Kind],
        id: &'a str,
    ) -> Option<&'a str> {
        if let Some(found) = self.found.get(&(kinds, id)) {
            return *found;
        }
        let candidates = self.candidates.entry(kinds).or_insert_with(|| {
            let kinds: &[Kind] = if kinds.is_empty() { &Kind::ALL } else { kinds };
            Candidates::new(cx.ids_of(kinds))
        });
        let all = candidates.forward.len();
        let found = if all <= self.budget {
            self.budget -= all;
            closest(id, candidates.forward.iter().copied())
        } else {
            closest(id, candidates.neighbours(id))
        };
        self.found.insert((kinds, id), found);
        found
    }
}

/// How many references a finding on an unparsed file lists as notes, and how many ids its
/// message names.
const NOTED: usize = 10;
const NAMED: usize = 5;

/// The ids of `missing` written in `text` as a word: a run of the characters an id is made of.
fn written_in<'m>(text: &str, missing: &HashSet<&'m str>) -> HashSet<&'m str> {
    let mut found = HashSet::new();
    let outside_id =
        |c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    for word in text.split(outside_id) {
        if let Some(id) = missing.get(word) {
            found.insert(*id);
        }
    }
    found
}

/// The one finding on an unparsed file for the references that may point into it.
fn into_unparsed(file: &Unparsed<'_>, references: &[(usize, &str, &str, String)]) -> Diagnostic {
    let mut ids: Vec<&str> = Vec::new();
    for (_, _, id, _) in references {
        if !ids.contains(id) {
            ids.push(id);
        }
    }
    let mut named = ids
        .iter()
        .take(NAMED)
        .map(|id| format!("`{id}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > NAMED {
        named.push_str(&format!(
            " and {} more",
            crate::limits::thousands((ids.len() - NAMED) as u64)
        ));
    }
    let n = references.len();
    let counted = if n == 1 {
        "1 reference to an id".to_owned()
    } else {
        format!("{} references to ids", crate::limits::thousands(n as u64))
    };
    let mut d = Diagnostic::new(
        "unknown-reference",
        Severity::Error,
        format!(
            "`{}` could not be parsed, so {counted} written in it ({named}) {} not reported one by one: no record has them, but they may be in this file",
            file.name,
            if n == 1 { "is" } else { "are" }
        ),
    )
    .expected(format!("`{}` parsed, so that its records can be referred to", file.name))
    .found(format!("{counted} written here"))
    .help("fix the syntax error in this file and check again: the references are then checked one by one");
    if let Some(location) = file.location {
        d = d.with_location(location.clone());
    }
    for (i, record, id, pointer) in references.iter().take(NOTED) {
        d = d.related(format!("`{record}` names `{id}`"), *i, pointer.clone());
    }
    d
}

/// Reports references to missing records and to records of the wrong kind.
pub fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut suggestions = Suggestions::new();
    let unparsed: Vec<Unparsed<'_>> = cx.unparsed().collect();
    // References to missing ids when some file could not be parsed, with their entry and
    // record id: decided once every missing id is known.
    let mut held: Vec<(usize, &str, Reference<'_>)> = Vec::new();
    for (i, record) in cx.records() {
        for reference in record.references() {
            match cx.entry(reference.id) {
                None if !unparsed.is_empty() => held.push((i, record.id(), reference)),
                None => out.push(missing_finding(cx, &mut suggestions, i, &reference)),
                Some((j, target)) => {
                    let wanted = kinds_text(reference.kinds);
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
    if held.is_empty() {
        return out;
    }
    let missing: HashSet<&str> = held.iter().map(|(_, _, r)| r.id).collect();
    let mut into_some_file: HashSet<&str> = HashSet::new();
    for file in &unparsed {
        let written = written_in(file.text, &missing);
        let references: Vec<(usize, &str, &str, String)> = held
            .iter()
            .filter(|(_, _, r)| written.contains(r.id))
            .map(|(i, record, r)| (*i, *record, r.id, r.pointer.clone()))
            .collect();
        if !references.is_empty() {
            out.push(into_unparsed(file, &references));
        }
        into_some_file.extend(written);
    }
    for (i, _, reference) in &held {
        if !into_some_file.contains(reference.id) {
            out.push(missing_finding(cx, &mut suggestions, *i, reference));
        }
    }
    out
}

/// The finding for a reference to an id no record has.
fn missing_finding<'a>(
    cx: &Context<'a>,
    suggestions: &mut Suggestions<'a>,
    i: usize,
    reference: &Reference<'a>,
) -> Diagnostic {
    let wanted = kinds_text(reference.kinds);
    let d = Diagnostic::new(
        "unknown-reference",
        Severity::Error,
        format!("no {wanted} has the id `{}`", reference.id),
    )
    .at(i, reference.pointer.clone())
    .expected(format!("the id of {} in the dataset", article(&wanted)))
    .found(format!("`{}`", reference.id));
    match suggestions.closest(cx, reference.kinds, reference.id) {
        Some(near) => d.help(format!("did you mean `{near}`?")),
        None => d.help(format!(
            "add the {wanted} to the dataset, or correct the id"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::load::{Anchor, Dataset, Entry};
    use crate::model::Record;

    fn dataset(values: impl Iterator<Item = serde_json::Value>) -> Dataset {
        let mut dataset = Dataset::default();
        for value in values {
            let mut entry = Entry::new(
                0,
                Anchor::Json {
                    range: 0..0,
                    prefix: String::new(),
                },
                value,
            );
            entry.record = entry
                .kind
                .and_then(|kind| Record::from_value(kind, &entry.value).ok());
            assert!(entry.record.is_some(), "{:?}", entry.value);
            dataset.entries.push(entry);
        }
        dataset
    }

    fn statistic(id: usize, source: &str) -> serde_json::Value {
        serde_json::json!({
            "kind": "statistic", "id": format!("st{id}"), "label": "L", "source": source,
            "value": {"amount": "1", "currency": "USD"}
        })
    }

    /// 100,000 records naming one missing source. Before, each scanned every entry for a
    /// suggestion: 10^10 steps, minutes in a debug build; now the suggestion is searched
    /// once.
    #[test]
    fn one_missing_id_named_by_every_record_is_searched_once() {
        let n = 100_000;
        let sources = (0..3).map(
            |i| serde_json::json!({"kind": "source", "id": format!("report-{i}"), "title": "T"}),
        );
        let data = dataset(sources.chain((0..n).map(|i| statistic(i, "report-x"))));
        let config = Config::default();
        let found = check(&Context::new(&data, &config));
        assert_eq!(found.len(), n);
        for d in &found {
            assert_eq!(d.help.as_deref(), Some("did you mean `report-0`?"), "{d:?}");
        }
    }

    /// 10,000 records each naming its own missing source among 10,000 sources. Before, every
    /// missing id was compared with every source: 10^8 comparisons; now the full searches
    /// stop at `COMPARISONS` and the rest compare with the sorted neighbours.
    #[test]
    fn many_distinct_missing_ids_cost_a_bounded_search_each() {
        let n = 10_000;
        let sources = (0..n)
            .map(|i| serde_json::json!({"kind": "source", "id": format!("src-{i}"), "title": "T"}));
        let missing = (0..n).map(|i| statistic(i, &format!("src-{i}x")));
        let data = dataset(sources.chain(missing));
        let config = Config::default();
        let found = check(&Context::new(&data, &config));
        assert_eq!(found.len(), n);
        let full = COMPARISONS / n;
        for (i, d) in found.iter().enumerate() {
            let help = d.help.as_deref().unwrap_or("");
            assert!(help.starts_with("did you mean `src-"), "{i}: {help}");
            if i < full {
                // A full search finds the id itself.
                assert_eq!(help, format!("did you mean `src-{i}`?"));
            }
        }
        // A narrowed search still finds a slip next to the id in sorted order.
        let candidates = Candidates::new(["kospanov", "gusseinov", "tokayev"].into_iter());
        assert_eq!(
            closest("kospanoff", candidates.neighbours("kospanoff")),
            Some("kospanov")
        );
        assert_eq!(
            closest("hospanov", candidates.neighbours("hospanov")),
            Some("kospanov")
        );
    }

    /// 10,000 references to ids written in a file that did not parse give one finding there,
    /// with ten notes; a missing id written nowhere is still reported on its own.
    #[test]
    fn references_into_an_unparsed_file_give_one_finding() {
        let n = 10_000;
        let mut data = dataset((0..n).map(|i| statistic(i, &format!("report-{}", i % 100))));
        data.entries.push(Entry::new(
            0,
            Anchor::Json {
                range: 0..0,
                prefix: String::new(),
            },
            statistic(n, "report-x"),
        ));
        let last = data.entries.len() - 1;
        let entry = &mut data.entries[last];
        entry.record = Record::from_value(Kind::Statistic, &entry.value).ok();
        let text: String = (0..100)
            .map(|i| format!("- kind: source\n  id: report-{i}\n"))
            .collect();
        data.files.push(crate::load::SourceFile::new(
            "sources.yaml".into(),
            None,
            text + "   title: [\n",
            crate::load::Format::Yaml,
        ));
        data.unparsed.push(crate::load::Unparsed {
            file: 0,
            location: None,
            lines: None,
        });
        let config = Config::default();
        let found = check(&Context::new(&data, &config));
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].message.starts_with(
            "`sources.yaml` could not be parsed, so 10,000 references to ids written in it (`report-0`, `report-1`, `report-2`, `report-3`, `report-4` and 95 more)"
        ), "{}", found[0].message);
        assert_eq!(found[0].related.len(), NOTED);
        assert_eq!(found[1].message, "no source has the id `report-x`");
    }

    /// An id counts as written in an unparsed file only as a whole word of its text.
    #[test]
    fn ids_written_in_a_file_are_whole_words() {
        let missing: HashSet<&str> = ["kospanov", "gdp.2024", "x"].into_iter().collect();
        let text = "- id: kospanov\n  name: Kospanova\n  about: [\"gdp.2024\"]\n  note: xx\n";
        let found = written_in(text, &missing);
        assert_eq!(found, ["kospanov", "gdp.2024"].into_iter().collect());
        assert!(written_in("kospanovs", &missing).is_empty());
    }

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
