//! A change disagrees with the two levels it is the change between.
//!
//! A statistic with `change_of` (`{"from": id, "to": id}`) says it is the change from the
//! level `from` to the level `to`: "will grow by 168.6 billion to reach 2.8 trillion". When
//! it is in the levels' currency or unit the change is absolute, `to − from`; when it is in
//! percent (and the levels are not) it is relative, `(to − from) / from × 100`. A fall is a
//! negative change (`"-5"` percent). A change between two percentages, itself in percent, is
//! absolute: percentage points. Each figure stands for the interval it was rounded from (see
//! "What a figure means" in the README), so the levels give an interval for the change,
//! computed exactly, and the stated change's interval must meet it. The two levels must be in
//! one currency or unit; a relative change from a level stated as zero is undefined and
//! reported. `percent-range` leaves a statistic with `change_of` alone: a change is not a
//! share. Missing ids and ids of another kind are `unknown-reference`'s to report.
//!
//! Fails (2.8 − 2.3 trillion is 400 to 600 billion, not 168.6 billion):
//!
//! ```json
//! {"kind": "statistic", "id": "revenue-growth", "label": "Growth of revenue", "source": "report",
//!  "value": {"amount": "168.6", "scale": "billion", "currency": "UAH"},
//!  "change_of": {"from": "revenue-2025", "to": "revenue-2026"}}
//! {"kind": "statistic", "id": "revenue-2025", "label": "Revenue 2025", "source": "report", "value": {"amount": "2.3", "scale": "trillion", "currency": "UAH"}}
//! {"kind": "statistic", "id": "revenue-2026", "label": "Revenue 2026", "source": "report", "value": {"amount": "2.8", "scale": "trillion", "currency": "UAH"}}
//! ```
//!
//! Passes: the same with `revenue-2025` at `"amount": "2.63"` (2.8 − 2.63 trillion is 115 to
//! 225 billion).

use num_rational::BigRational;

use super::Context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::quantity::{in_scale, range_in_scale, short};
use crate::model::{Interval, Statistic};

/// Reports changes their two levels cannot give.
pub fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let tolerance = &cx.config.about_tolerance;
    let one = BigRational::from_integer(1.into());
    let hundred = BigRational::from_integer(100.into());
    let mut out = Vec::new();
    for (i, s) in cx.statistics() {
        let Some(change) = &s.change_of else { continue };
        // A change is between two other figures: naming itself is a slip.
        if let Some(end) = [("from", &change.from), ("to", &change.to)]
            .into_iter()
            .find(|(_, id)| **id == s.id)
        {
            let (field, _) = end;
            out.push(
                Diagnostic::new(
                    "change",
                    Severity::Error,
                    format!(
                        "`{}` names itself in `change_of.{field}`: a change is between two other figures",
                        s.id
                    ),
                )
                .at(i, format!("/change_of/{field}"))
                .expected("the id of another statistic: the level before (`from`) or after (`to`)")
                .help("give the ids of the two levels this figure is the change between, or remove `change_of`"),
            );
            continue;
        }
        let (Some((fj, from)), Some((tj, to))) =
            (cx.statistic(&change.from), cx.statistic(&change.to))
        else {
            continue;
        };
        let levels = |d: Diagnostic| {
            d.related(
                format!("from `{}`: `{}`", from.id, from.value.brief()),
                fj,
                "/value/amount",
            )
            .related(
                format!("to `{}`: `{}`", to.id, to.value.brief()),
                tj,
                "/value/amount",
            )
        };
        if !from.value.same_measure(&to.value) {
            out.push(levels(
                Diagnostic::new(
                    "change",
                    Severity::Error,
                    format!(
                        "the levels of `{}` are in different units: `{}` is in {} but `{}` is in {}",
                        s.id,
                        from.id,
                        from.value.measure(),
                        to.id,
                        to.value.measure()
                    ),
                )
                .at(i, "/change_of")
                .expected("two levels in the same currency or unit")
                .found(format!("`{}` and `{}`", from.value.brief(), to.value.brief())),
            ));
            continue;
        }
        let from_iv = from.value.interval(tolerance);
        let to_iv = to.value.interval(tolerance);
        let relative = !s.value.same_measure(&from.value);
        if relative && !s.value.is_percent() {
            out.push(levels(
                Diagnostic::new(
                    "change",
                    Severity::Error,
                    format!(
                        "`{}` is in {} but its levels `{}` and `{}` are in {}: a change is in their currency or unit, or in percent",
                        s.id,
                        s.value.measure(),
                        from.id,
                        to.id,
                        from.value.measure()
                    ),
                )
                .at(i, "/value")
                .expected(format!("a change in {} or in percent", from.value.measure()))
                .found(format!("`{}`", s.value.brief())),
            ));
            continue;
        }
        let computed = if relative {
            if from.value.amount.is_zero() {
                out.push(levels(
                    Diagnostic::new(
                        "change",
                        Severity::Error,
                        format!(
                            "`{}` is stated as `{}`: a change relative to zero is undefined, so `{}` (`{}`) cannot be the change from `{}` to `{}`",
                            from.id,
                            from.value.brief(),
                            s.id,
                            s.value.brief(),
                            from.id,
                            to.id
                        ),
                    )
                    .at(i, "/change_of/from")
                    .expected("a level to change from other than zero")
                    .found(format!("`{}`", from.value.brief())),
                ));
                continue;
            }
            // (to − from) / from is to / from − 1 exactly, and to / from has no repeated
            // variable, so its interval is the tightest.
            let Some(quotient) = to_iv.div(&from_iv) else {
                continue;
            };
            quotient.sub(&Interval::point(one.clone())).scale(&hundred)
        } else {
            to_iv.sub(&from_iv)
        };
        let stated = s.value.interval(tolerance);
        if computed.overlaps(&stated) {
            continue;
        }
        out.push(levels(finding(
            i, s, from, to, &computed, &stated, relative,
        )));
    }
    out
}

/// The finding for a change that misses the one its levels give.
fn finding(
    i: usize,
    s: &Statistic,
    from: &Statistic,
    to: &Statistic,
    computed: &Interval,
    stated: &Interval,
    relative: bool,
) -> Diagnostic {
    let (formula, range, miss) = if relative {
        let range = |iv: &Interval| format!("{} to {} percent", short(&iv.lo), short(&iv.hi));
        (
            format!("(`{}` − `{}`) / `{}`", to.id, from.id, from.id),
            range(computed),
            format!("{} percentage points", short(&computed.gap(stated))),
        )
    } else {
        let measure = s.value.measure();
        let scale = s.value.scale;
        (
            format!("`{}` − `{}`", to.id, from.id),
            format!("{} {measure}", range_in_scale(computed, scale)),
            format!("{} {measure}", in_scale(&computed.gap(stated), scale)),
        )
    };
    let stated_range = if relative {
        format!("{} to {} percent", short(&stated.lo), short(&stated.hi))
    } else {
        format!(
            "{} {}",
            range_in_scale(stated, s.value.scale),
            s.value.measure()
        )
    };
    Diagnostic::new(
        "change",
        Severity::Error,
        format!(
            "{formula} is {range} (from `{}` to `{}`), but `{}` states `{}`; misses by {miss}",
            from.value.brief(),
            to.value.brief(),
            s.id,
            s.value.brief()
        ),
    )
    .at(i, "/value/amount")
    .expected(format!(
        "{range} (from `{}` to `{}`)",
        from.value.brief(),
        to.value.brief()
    ))
    .found(format!("{}, i.e. {stated_range}", s.value.brief()))
    .help("check the change and both levels against the source; `from` is the earlier level, `to` the later")
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::config::Config;
    use crate::load::{Anchor, Dataset, Entry};
    use crate::model::Record;

    /// The records of the first ```json block of a rule's `//!` header.
    pub(in crate::rules) fn doc_records(source: &str) -> Vec<serde_json::Value> {
        let doc: String = source
            .lines()
            .map_while(|l| l.strip_prefix("//!"))
            .map(|l| format!("{}\n", l.strip_prefix(' ').unwrap_or(l)))
            .collect();
        let block = doc.split("```json\n").nth(1).unwrap();
        let block = block.split("```").next().unwrap();
        serde_json::Deserializer::from_str(block)
            .into_iter::<serde_json::Value>()
            .map(Result::unwrap)
            .collect()
    }

    /// A dataset of typed records.
    pub(in crate::rules) fn dataset(values: Vec<serde_json::Value>) -> Dataset {
        let mut dataset = Dataset::default();
        for value in values {
            let anchor = Anchor::Json {
                range: 0..0,
                prefix: String::new(),
            };
            let mut entry = Entry::new(0, anchor, value);
            entry.record = entry
                .kind
                .and_then(|kind| Record::from_value(kind, &entry.value).ok());
            assert!(entry.record.is_some(), "{:?}", entry.value);
            dataset.entries.push(entry);
        }
        dataset
    }

    /// The messages `rule` gives on `values` (typed records) with the default settings.
    pub(in crate::rules) fn messages_of(
        rule: fn(&Context<'_>) -> Vec<Diagnostic>,
        values: Vec<serde_json::Value>,
    ) -> Vec<String> {
        let data = dataset(values);
        let config = Config::default();
        rule(&Context::new(&data, &config))
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    fn messages(values: Vec<serde_json::Value>) -> Vec<String> {
        messages_of(check, values)
    }

    /// The header's failing example fails with the numbers it gives; its passing one passes.
    #[test]
    fn the_documented_examples_fail_and_pass() {
        let mut records = doc_records(include_str!("change.rs"));
        assert_eq!(
            messages(records.clone()),
            ["`revenue-2026` − `revenue-2025` is 400 to 600 billion UAH (from `2.3 trillion UAH` to `2.8 trillion UAH`), but `revenue-growth` states `168.6 billion UAH`; misses by 231.4 billion UAH"]
        );
        records[1]["value"]["amount"] = "2.63".into();
        assert!(messages(records).is_empty());
    }

    /// A change that names itself as one of its levels is a slip, reported at that field.
    #[test]
    fn a_change_naming_itself_is_reported() {
        let mut records = doc_records(include_str!("change.rs"));
        let own = records[0]["id"].clone();
        records[0]["change_of"]["to"] = own;
        let found = messages(records);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("names itself in `change_of.to`"),
            "{found:?}"
        );
    }

    /// A relative change is to / from − 1: from 2.63 to 2.8 trillion is 4.36 to 8.57 percent.
    #[test]
    fn a_change_in_percent_is_relative() {
        let mut records = doc_records(include_str!("change.rs"));
        records[1]["value"]["amount"] = "2.63".into();
        records[0]["value"] = serde_json::json!({"amount": "6.4", "unit": "percent"});
        assert!(messages(records.clone()).is_empty());
        records[0]["value"]["amount"] = "10".into();
        assert_eq!(
            messages(records),
            ["(`revenue-2026` − `revenue-2025`) / `revenue-2025` is 4.364 to 8.571 percent (from `2.63 trillion UAH` to `2.8 trillion UAH`), but `revenue-growth` states `10 percent`; misses by 0.9286 percentage points"]
        );
    }
}
