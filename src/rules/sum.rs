//! The parts listed in `sum_of` do not add up to the total.
//!
//! A statistic with `sum_of` says its value is the sum of those statistics' values. Each
//! figure stands for the interval it was rounded from (`6.1` billion is anything in
//! [6.05, 6.15] billion; `over`, `under` and `about` widen it; see
//! "What a figure means" in the README), so the parts add up to an interval
//! too, and the rule reports when that interval cannot meet the total's. Parts must count the
//! same thing as the total (the same currency or unit); a part in another currency or unit is
//! reported rather than converted. Missing parts are `unknown-reference`'s to report. A
//! total of thousands of parts gives a readable finding: the first ten parts are notes, and
//! the message counts the rest.
//!
//! Fails (4.1 + 5.2 billion is at most 9.4 billion, not 10.4):
//!
//! ```json
//! {"kind": "statistic", "id": "exports", "label": "Exports", "source": "report",
//!  "value": {"amount": "10.4", "scale": "billion", "currency": "USD"}, "sum_of": ["oil", "metals"]}
//! {"kind": "statistic", "id": "oil", "label": "Oil exports", "source": "report", "value": {"amount": "4.1", "scale": "billion", "currency": "USD"}}
//! {"kind": "statistic", "id": "metals", "label": "Metal exports", "source": "report", "value": {"amount": "5.2", "scale": "billion", "currency": "USD"}}
//! ```
//!
//! Passes: the same with the total `"amount": "9.3"`.

use super::Context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::quantity::{in_scale, range_in_scale};
use crate::model::Interval;

/// How many parts a finding lists as notes.
const NOTED: usize = 10;

/// Reports totals their parts cannot add up to.
pub fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let tolerance = &cx.config.about_tolerance;
    let mut out = Vec::new();
    for (i, total) in cx.statistics() {
        if total.sum_of.is_empty() {
            continue;
        }
        let measure = total.value.measure();
        let mut sum: Option<Interval> = None;
        let mut complete = true;
        for (k, id) in total.sum_of.iter().enumerate() {
            let Some((j, part)) = cx.statistic(id) else {
                complete = false;
                continue;
            };
            if !part.value.same_measure(&total.value) {
                out.push(
                    Diagnostic::new(
                        "sum",
                        Severity::Error,
                        format!(
                            "part `{id}` is in {} but the total `{}` is in {measure}",
                            part.value.measure(),
                            total.id
                        ),
                    )
                    .at(i, format!("/sum_of/{k}"))
                    .expected(format!("a part in {measure}"))
                    .found(format!("`{}`", part.value.brief()))
                    .related(
                        format!("`{id}` is stated as `{}`", part.value.brief()),
                        j,
                        "/value",
                    ),
                );
                complete = false;
                continue;
            }
            let iv = part.value.interval(tolerance);
            sum = Some(match sum {
                Some(s) => s.add(&iv),
                None => iv,
            });
        }
        let (Some(sum), true) = (sum, complete) else {
            continue;
        };
        let stated = total.value.interval(tolerance);
        if sum.overlaps(&stated) {
            continue;
        }
        let scale = total.value.scale;
        let range = |iv: &Interval| format!("{} {measure}", range_in_scale(iv, scale));
        let parts = total.sum_of.len();
        let listed = if parts > NOTED {
            format!(
                "; the first {NOTED} of its {} parts are listed",
                crate::limits::thousands(parts as u64)
            )
        } else {
            String::new()
        };
        let mut d = Diagnostic::new(
            "sum",
            Severity::Error,
            format!(
                "the parts of `{}` add up to {}, but the total is stated as `{}`; misses by {} {measure}{listed}",
                total.id,
                range(&sum),
                total.value.brief(),
                in_scale(&sum.gap(&stated), scale)
            ),
        )
        .at(i, "/value/amount")
        .expected(range(&sum))
        .found(format!("{}, i.e. {}", total.value.brief(), range(&stated)))
        .help("check the total and each part against the source; a part may be missing from `sum_of`");
        for id in total.sum_of.iter().take(NOTED) {
            if let Some((j, part)) = cx.statistic(id) {
                d = d.related(
                    format!("part `{id}`: `{}`", part.value.brief()),
                    j,
                    "/value/amount",
                );
            }
        }
        out.push(d);
    }
    out
}
