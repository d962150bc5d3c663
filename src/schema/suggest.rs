//! "Did you mean": the allowed word closest to what was written, for schema messages.
//!
//! [`closest`] tries, in this order: the same word in another case or with spaces or `-`
//! for `_` (`kzt` → `KZT`, `at least` → `at_least`); a small table of words people write for
//! the allowed ones (`around` → `about`, `more than` → `over`, `bn` → `billion`); then the
//! most similar allowed word by Jaro-Winkler similarity, when it is close (`statistics` →
//! `statistic`, `organisation` → `organization`, `afiliation` → `affiliation`).
//! [`fields_at`] lists the fields a bundled schema allows at a place in a record, for
//! suggestions on unknown fields. Nothing here validates or prints.

use std::sync::OnceLock;

use serde_json::Value;

use crate::model::Kind;

/// How similar (Jaro-Winkler, 0 to 1) a word must be to an allowed one to be suggested.
const SIMILAR: f64 = 0.85;

/// Words people write for the allowed values of the bundled enums: (written, meant).
/// Only suggested when the meant word is allowed where the word was written.
const SYNONYMS: &[(&str, &str)] = &[
    // qualifier
    ("around", "about"),
    ("approximately", "about"),
    ("approx", "about"),
    ("approx.", "about"),
    ("roughly", "about"),
    ("circa", "about"),
    ("ca.", "about"),
    ("some", "about"),
    ("estimated", "about"),
    ("more_than", "over"),
    ("above", "over"),
    ("greater_than", "over"),
    ("exceeding", "over"),
    ("upwards_of", "over"),
    (">", "over"),
    ("less_than", "under"),
    ("fewer_than", "under"),
    ("below", "under"),
    ("<", "under"),
    ("no_less_than", "at_least"),
    ("minimum", "at_least"),
    ("min", "at_least"),
    (">=", "at_least"),
    ("no_more_than", "at_most"),
    ("up_to", "at_most"),
    ("maximum", "at_most"),
    ("max", "at_most"),
    ("<=", "at_most"),
    ("exactly", "exact"),
    ("precisely", "exact"),
    // scale
    ("k", "thousand"),
    ("thousands", "thousand"),
    ("m", "million"),
    ("mn", "million"),
    ("mln", "million"),
    ("millions", "million"),
    ("b", "billion"),
    ("bn", "billion"),
    ("bln", "billion"),
    ("billions", "billion"),
    ("t", "trillion"),
    ("tn", "trillion"),
    ("trn", "trillion"),
    ("trillions", "trillion"),
    // entity type
    ("organisation", "organization"),
    ("org", "organization"),
    ("company", "organization"),
    ("institution", "organization"),
    ("individual", "person"),
    ("people", "person"),
    // rating
    ("true", "accurate"),
    ("correct", "accurate"),
    ("mostly_true", "mostly_accurate"),
    ("half_true", "mixed"),
    ("false", "inaccurate"),
    ("wrong", "inaccurate"),
    ("unproven", "unverifiable"),
    // proposal status
    ("discussed", "under_discussion"),
    ("passed", "adopted"),
    ("accepted", "adopted"),
];

/// `word` as compared: trimmed, lower-case, spaces and `-` as `_`.
fn normal(word: &str) -> String {
    word.trim()
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect()
}

/// The allowed word closest to `word`, if one is close (see the module's order). `word`
/// itself is never suggested.
pub fn closest<'a>(word: &str, allowed: &[&'a str]) -> Option<&'a str> {
    let wanted = normal(word);
    if let Some(same) = allowed.iter().find(|a| normal(a) == wanted && **a != word) {
        return Some(same);
    }
    if let Some((_, meant)) = SYNONYMS.iter().find(|(w, _)| *w == wanted) {
        if let Some(a) = allowed.iter().find(|a| *a == meant) {
            return Some(a);
        }
    }
    allowed
        .iter()
        .filter(|a| **a != word)
        .map(|a| (strsim::jaro_winkler(&wanted, &normal(a)), *a))
        .filter(|(score, _)| *score > SIMILAR)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, a)| a)
}

/// The parsed bundled schemas, by file name.
fn parsed() -> &'static Vec<(&'static str, Value)> {
    static PARSED: OnceLock<Vec<(&'static str, Value)>> = OnceLock::new();
    PARSED.get_or_init(|| {
        super::FILES
            .iter()
            .filter_map(|(name, text)| Some((*name, serde_json::from_str(text).ok()?)))
            .collect()
    })
}

/// The schema node a `$ref` of a bundled schema names (`defs.json#/$defs/quantity`,
/// `#/$defs/x` inside `file`), or `node` itself when it has no `$ref`.
fn resolve<'a>(node: &'a Value, file: &'a str) -> (&'a Value, &'a str) {
    let (mut node, mut file) = (node, file);
    // A few hops at most: the bundled schemas' `$ref`s lead to a definition directly.
    for _ in 0..4 {
        let next = hop(node, file);
        if std::ptr::eq(next.0, node) {
            break;
        }
        (node, file) = next;
    }
    (node, file)
}

/// One `$ref` of `node` followed, or `node` itself.
fn hop<'a>(node: &'a Value, file: &'a str) -> (&'a Value, &'a str) {
    let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
        return (node, file);
    };
    let (target, fragment) = reference.split_once('#').unwrap_or((reference, ""));
    let target = match target.strip_suffix(".json") {
        Some(name) => name,
        None if target.is_empty() => file,
        None => return (node, file),
    };
    let Some((name, document)) = parsed().iter().find(|(n, _)| *n == target) else {
        return (node, file);
    };
    match document.pointer(fragment) {
        Some(found) => (found, name),
        None => (node, file),
    }
}

/// The fields the bundled schema of `kind` allows in the object at `pointer` of a record
/// (`""` for the record itself, `/value` for its quantity), in schema order.
pub fn fields_at(kind: Kind, pointer: &str) -> Vec<&'static str> {
    let Some((file, document)) = parsed().iter().find(|(n, _)| *n == kind.as_str()) else {
        return Vec::new();
    };
    let (mut node, mut file) = (document, *file);
    for segment in pointer.split('/').skip(1) {
        (node, file) = resolve(node, file);
        let next = match node.get("properties").and_then(|p| p.get(segment)) {
            Some(next) => next,
            None => match node.get("items") {
                Some(items) if segment.parse::<usize>().is_ok() => items,
                _ => return Vec::new(),
            },
        };
        node = next;
    }
    let (node, _) = resolve(node, file);
    node.get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slips_of_issue_14() {
        let kinds = Kind::ALL.map(Kind::as_str);
        assert_eq!(closest("statistics", &kinds), Some("statistic"));
        assert_eq!(closest("Entity", &kinds), Some("entity"));
        assert_eq!(closest("exchange rate", &kinds), Some("exchange_rate"));
        assert_eq!(closest("zebra", &kinds), None);
        assert_eq!(
            closest("organisation", &["person", "organization"]),
            Some("organization")
        );
        let qualifiers = ["exact", "about", "over", "under", "at_least", "at_most"];
        assert_eq!(closest("around", &qualifiers), Some("about"));
        assert_eq!(closest("Approximately", &qualifiers), Some("about"));
        assert_eq!(closest("more than", &qualifiers), Some("over"));
        assert_eq!(closest("at least", &qualifiers), Some("at_least"));
        assert_eq!(closest("kzt", &["KGS", "KZT", "USD"]), Some("KZT"));
        // A synonym is only suggested where its word is allowed.
        assert_eq!(closest("around", &kinds), None);
    }

    #[test]
    fn fields_of_a_place() {
        let entity = fields_at(Kind::Entity, "");
        assert!(entity.contains(&"affiliation"), "{entity:?}");
        assert!(entity.contains(&"notes"), "{entity:?}");
        assert_eq!(closest("afiliation", &entity), Some("affiliation"));
        let quantity = fields_at(Kind::Statistic, "/value");
        assert_eq!(
            quantity,
            ["amount", "scale", "currency", "unit", "qualifier"]
        );
        assert_eq!(fields_at(Kind::Statistic, "/equivalents/3"), quantity);
        assert_eq!(
            fields_at(Kind::Statistic, "/ratio_of"),
            ["numerator", "denominator"]
        );
        assert!(fields_at(Kind::Statistic, "/nowhere").is_empty());
    }
}
