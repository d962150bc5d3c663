//! Conversions in one source imply exchange rates that cannot all be true.
//!
//! An article converts at one rate: when it prints "14 trillion tenge (US$26.2 billion)" and
//! later "1.7 trillion tenge (US$3.2 billion)", each pair implies an interval of tenge per
//! dollar, from the intervals the printed figures stand for (a figure is anything that rounds
//! to it: `26.2` billion is [26.15, 26.25] billion, `over 14` trillion is [14, 15] trillion;
//! see "What a figure means" in the README). The first
//! implies 533.3 to 573.6 KZT per USD, the second 523.1 to 571.4: they overlap, so both can
//! be right. Had the second been printed as US$6.2 billion it would imply 272.0 to 292.7,
//! which cannot be true together with the first: one of the figures is wrong.
//!
//! The rule groups the conversions of each source by currency pair (either direction),
//! leaving out those an `exchange_rate` record covers (see `conversion`), finds the rate
//! that the most conversions allow (ties go to the earliest in the dataset), and reports every
//! conversion that does not allow it with its interval, the rates the others allow, and the
//! records that agree (the first three in the message and ten as notes, with a count of the
//! rest, so that a source with hundreds of conversions still gives a readable finding).
//!
//! A figure with an equivalent of zero (or a zero figure with an equivalent that is not)
//! implies no exchange rate: it is reported on its own and left out of the comparison. A
//! zero with an equivalent of zero agrees with any rate, and a figure stated so that it only
//! *may* be zero (`"under"` 1) bounds the rate on one side only: neither gives a finding.
//!
//! Fails (same source, no rate record):
//!
//! ```json
//! {"kind": "statistic", "id": "output", "label": "Output", "source": "article",
//!  "value": {"amount": "14", "scale": "trillion", "currency": "KZT", "qualifier": "over"},
//!  "equivalents": [{"amount": "26.2", "scale": "billion", "currency": "USD"}]}
//! {"kind": "statistic", "id": "investment", "label": "Investment", "source": "article",
//!  "value": {"amount": "1.7", "scale": "trillion", "currency": "KZT", "qualifier": "over"},
//!  "equivalents": [{"amount": "6.2", "scale": "billion", "currency": "USD"}]}
//! ```
//!
//! Passes: the same with `"amount": "3.2"` in the second equivalent.

use std::collections::BTreeMap;

use num_rational::BigRational;

use super::conversion::{conversion_days, conversions, covering_rate};
use super::Context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::decimal::{exact, format_significant};
use crate::model::{Interval, Quantity, Statistic};

struct Implied<'a> {
    entry: usize,
    statistic: &'a Statistic,
    equivalent: usize,
    quantity: &'a Quantity,
    rate: Interval,
    /// `rate` for messages, written once: a conversion is named in many findings.
    shown: String,
}

/// How many agreeing conversions a message names, and how many get a note of their own.
const NAMED: usize = 3;
const NOTED: usize = 10;

/// Conversions grouped by (source, currency pair in sorted order), with the direction the
/// group's rates are counted in ("A per B", from its first conversion).
type Groups<'a> = BTreeMap<(&'a str, &'a str, &'a str), ((String, String), Vec<Implied<'a>>)>;

fn range(iv: &Interval) -> String {
    format!(
        "{} to {}",
        format_significant(&iv.lo, 4),
        format_significant(&iv.hi, 4)
    )
}

/// The rate the most conversions allow, when they do not all agree (`None` when they do).
///
/// A sweep over the sorted interval ends, O(n log n): at equal values a lower bound comes
/// before an upper bound, since the intervals are closed. Among the rates allowed by the
/// most conversions, one the earliest conversion allows is preferred.
fn consensus(items: &[Implied<'_>]) -> Option<BigRational> {
    let max_lo = items
        .iter()
        .map(|c| &c.rate.lo)
        .max_by(|a, b| exact::cmp(a, b))?;
    let min_hi = items
        .iter()
        .map(|c| &c.rate.hi)
        .min_by(|a, b| exact::cmp(a, b))?;
    if exact::cmp(max_lo, min_hi).is_le() {
        return None;
    }
    // (value, is upper bound, conversion index)
    let mut events: Vec<(&BigRational, bool, usize)> = Vec::with_capacity(items.len() * 2);
    for (n, c) in items.iter().enumerate() {
        events.push((&c.rate.lo, false, n));
        events.push((&c.rate.hi, true, n));
    }
    events.sort_by(|a, b| exact::cmp(a.0, b.0).then(a.1.cmp(&b.1)));
    let (mut active, mut first_active) = (0usize, false);
    let mut best: Option<(usize, bool, &BigRational)> = None;
    for (value, upper, n) in events {
        if upper {
            active -= 1;
            first_active &= n != 0;
            continue;
        }
        active += 1;
        first_active |= n == 0;
        let better = match best {
            None => true,
            Some((count, had_first, _)) => {
                active > count || (active == count && first_active && !had_first)
            }
        };
        if better {
            best = Some((active, first_active, value));
        }
    }
    best.map(|(_, _, value)| value.clone())
}

/// The finding for a conversion of a figure into zero, or of zero into a figure: `k` is the
/// equivalent's index in `s`.
fn zero(i: usize, s: &Statistic, k: usize, eq: &Quantity) -> Diagnostic {
    let (what, pointer) = if eq.amount.is_zero() {
        (
            format!(
                "`{}` gives `{}` an equivalent of `{}`",
                s.id,
                s.value.brief(),
                eq.brief()
            ),
            format!("/equivalents/{k}/amount"),
        )
    } else {
        (
            format!(
                "`{}` states `{}` with an equivalent of `{}`",
                s.id,
                s.value.brief(),
                eq.brief()
            ),
            "/value/amount".to_owned(),
        )
    };
    Diagnostic::new(
        "implied-rate",
        Severity::Error,
        format!("{what}: no exchange rate turns one into the other, so it is left out of the comparison with the other conversions of `{}`", s.source),
    )
    .at(i, pointer)
    .expected("a figure and an equivalent that are both zero or both not")
    .found(format!("`{}` = `{}`", s.value.brief(), eq.brief()))
    .help("check both figures against the source; an equivalent the source does not print is better left out")
}

/// Reports conversions in a source whose implied rates cannot agree.
pub fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let tolerance = &cx.config.about_tolerance;
    let mut out = Vec::new();
    // (source, currency pair sorted) -> (direction "A per B", conversions)
    let mut groups: Groups<'_> = BTreeMap::new();
    for (i, s, k, eq) in conversions(cx) {
        let (Some(from), Some(to)) = (s.value.currency.as_deref(), eq.currency.as_deref()) else {
            continue;
        };
        if let Some(days) = conversion_days(cx, s) {
            if covering_rate(cx, from, to, days).is_some() {
                continue;
            }
        }
        if s.value.amount.is_zero() != eq.amount.is_zero() {
            out.push(zero(i, s, k, eq));
            continue;
        }
        let key = if from < to {
            (s.source.as_str(), from, to)
        } else {
            (s.source.as_str(), to, from)
        };
        let group = groups
            .entry(key)
            .or_insert_with(|| ((from.to_owned(), to.to_owned()), Vec::new()));
        let (per_unit, unit) = (&group.0 .0, &group.0 .1);
        let value = s.value.interval(tolerance);
        let other = eq.interval(tolerance);
        let rate = if from == per_unit && to == unit {
            value.div(&other)
        } else {
            other.div(&value)
        };
        if let Some(rate) = rate {
            group.1.push(Implied {
                entry: i,
                statistic: s,
                equivalent: k,
                quantity: eq,
                shown: range(&rate),
                rate,
            });
        }
    }
    for ((source, _, _), ((a, b), items)) in groups {
        if items.len() < 2 {
            continue;
        }
        let Some(point) = consensus(&items) else {
            continue;
        };
        let (agree, disagree): (Vec<&Implied<'_>>, Vec<&Implied<'_>>) = items
            .iter()
            .partition(|c| c.rate.overlaps(&Interval::point(point.clone())));
        // The rates every agreeing conversion allows.
        let mut common = agree[0].rate.clone();
        for c in &agree[1..] {
            if exact::cmp(&c.rate.lo, &common.lo).is_gt() {
                common.lo = c.rate.lo.clone();
            }
            if exact::cmp(&c.rate.hi, &common.hi).is_lt() {
                common.hi = c.rate.hi.clone();
            }
        }
        // A large source can have hundreds of agreeing conversions: name the first few in the
        // message and the related notes, and count the rest.
        let mut others = agree
            .iter()
            .take(NAMED)
            .map(|c| format!("`{}` ({} {a} per {b})", c.statistic.id, c.shown))
            .collect::<Vec<_>>()
            .join(", ");
        if agree.len() > NAMED {
            others.push_str(&format!(" and {} more conversions", agree.len() - NAMED));
        }
        let common_shown = range(&common);
        for c in disagree {
            let miss = format_significant(&c.rate.gap(&common), 4);
            let mut d = Diagnostic::new(
                "implied-rate",
                Severity::Error,
                format!(
                    "`{}` implies {} {a} per {b}, which cannot be true together with {others} in the same source `{source}`; misses by {miss} {a} per {b}",
                    c.statistic.id,
                    c.shown,
                ),
            )
            .at(c.entry, format!("/equivalents/{}/amount", c.equivalent))
            .expected(format!("a rate within {common_shown} {a} per {b}, as the other conversions in `{source}` imply"))
            .found(format!("{} {a} per {b}, from `{}` = `{}`", c.shown, c.statistic.value.brief(), c.quantity.brief()))
            .help("one of the figures is misprinted or mis-copied: compare both with the source");
            for o in agree.iter().take(NOTED) {
                d = d.related(
                    format!(
                        "`{}`: `{}` = `{}` implies {} {a} per {b}",
                        o.statistic.id,
                        o.statistic.value.brief(),
                        o.statistic.equivalents[o.equivalent].brief(),
                        o.shown
                    ),
                    o.entry,
                    format!("/equivalents/{}/amount", o.equivalent),
                );
            }
            out.push(d);
        }
    }
    out
}
