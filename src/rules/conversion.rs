//! A figure's equivalent in another currency disagrees with the exchange rate on record.
//!
//! When a statistic states a figure in one currency and its `equivalents` in another, and the
//! dataset has an `exchange_rate` record for that pair whose `on` date or `period` covers the
//! date of the conversion (the source's `published` date, else the statistic's `period`), the
//! figure converted at that rate must be able to equal the equivalent. Figures are intervals
//! (see "What a figure means" in the README): `US$26.2 billion` is anything in
//! [26.15, 26.25] billion, a rate of
//! `470.5` anything in [470.45, 470.55], `more than 14 trillion` anything in [14, 15]
//! trillion, so the check is whether the converted interval and the stated one overlap. The
//! narrowest covering rate record is used. Without one, `implied-rate` checks the
//! conversions of a source against each other instead.
//!
//! Fails (1.2 trillion tenge at 470.5 tenge per dollar is 2.55 billion dollars, not 1.9):
//!
//! ```json
//! {"kind": "exchange_rate", "id": "usd-kzt", "base": "USD", "quote": "KZT", "rate": "470.5", "on": "2025-08-01", "source": "nbk"}
//! {"kind": "statistic", "id": "exports", "label": "Exports", "source": "report-2025-08-01",
//!  "value": {"amount": "1.2", "scale": "trillion", "currency": "KZT"},
//!  "equivalents": [{"amount": "1.9", "scale": "billion", "currency": "USD"}]}
//! ```
//!
//! Passes: the same with `"amount": "2.55"` in the equivalent.

use super::Context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::quantity::{in_scale, range_in_scale};
use crate::model::{Day, ExchangeRate, Interval, Quantity, Statistic};

/// The days a statistic's conversion is dated: its source's publication, else its period.
pub(super) fn conversion_days(cx: &Context<'_>, statistic: &Statistic) -> Option<(Day, Day)> {
    if let Some((_, source)) = cx.source(&statistic.source) {
        if let Some(p) = &source.published {
            return Some((p.first(), p.last()));
        }
    }
    statistic.period.as_ref().map(|p| (p.first(), p.last()))
}

/// The narrowest rate record for the pair `a`/`b` (either way round) whose date covers `days`.
pub(super) fn covering_rate<'a>(
    cx: &Context<'a>,
    a: &str,
    b: &str,
    days: (Day, Day),
) -> Option<(usize, &'a ExchangeRate)> {
    cx.rates()
        .iter()
        .copied()
        .filter(|(_, r)| (r.base == a && r.quote == b) || (r.base == b && r.quote == a))
        .filter_map(|(i, r)| {
            let applies = r.applies()?;
            (applies.first() <= days.0 && days.1 <= applies.last())
                .then(|| (applies.first(), applies.last(), i, r))
        })
        .min_by_key(|(first, last, i, _)| (span_days(*first, *last), *i))
        .map(|(_, _, i, r)| (i, r))
}

/// A rough ordering key for how long a range of days is (only compared, never shown).
fn span_days(first: Day, last: Day) -> i64 {
    let ordinal = |d: Day| i64::from(d.year) * 372 + i64::from(d.month) * 31 + i64::from(d.day);
    ordinal(last) - ordinal(first)
}

/// The interval a decimal rate states: its rounding interval.
pub(super) fn rate_interval(rate: &ExchangeRate) -> Interval {
    crate::model::quantity::rounding(&rate.rate)
}

/// `value` converted into `target`'s currency at `rate`, when the rate is for that pair.
pub(super) fn convert(
    value: &Interval,
    from: &str,
    to: &str,
    rate: &ExchangeRate,
) -> Option<Interval> {
    let r = rate_interval(rate);
    if rate.base == from && rate.quote == to {
        Some(value.mul(&r))
    } else if rate.base == to && rate.quote == from {
        value.div(&r)
    } else {
        None
    }
}

/// Every (statistic, equivalent index, value, equivalent) whose equivalent is in another currency.
pub(super) fn conversions<'a>(
    cx: &Context<'a>,
) -> Vec<(usize, &'a Statistic, usize, &'a Quantity)> {
    let mut out = Vec::new();
    for (i, s) in cx.statistics() {
        let Some(from) = s.value.currency.as_deref() else {
            continue;
        };
        for (k, eq) in s.equivalents.iter().enumerate() {
            if eq.currency.as_deref().is_some_and(|to| to != from) {
                out.push((i, s, k, eq));
            }
        }
    }
    out
}

/// Reports equivalents that disagree with the covering exchange rate record.
pub fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let tolerance = &cx.config.about_tolerance;
    let mut out = Vec::new();
    for (i, s, k, eq) in conversions(cx) {
        let (Some(from), Some(to)) = (s.value.currency.as_deref(), eq.currency.as_deref()) else {
            continue;
        };
        let Some(days) = conversion_days(cx, s) else {
            continue;
        };
        let Some((j, rate)) = covering_rate(cx, from, to, days) else {
            continue;
        };
        let value = s.value.interval(tolerance);
        let Some(expected) = convert(&value, from, to, rate) else {
            continue;
        };
        let stated = eq.interval(tolerance);
        if expected.overlaps(&stated) {
            continue;
        }
        let scale = eq.scale;
        let miss = in_scale(&expected.gap(&stated), scale);
        let range = |iv: &Interval| range_in_scale(iv, scale);
        let when = rate.applies().map(|p| p.to_string()).unwrap_or_default();
        out.push(
            Diagnostic::new(
                "conversion",
                Severity::Error,
                format!(
                    "`{}` does not match `{}` at rate `{}` ({} {} per {}, {when}): that is {} {to}; misses by {miss} {to}",
                    eq.brief(), s.value.brief(), rate.id, rate.rate.brief(), rate.quote, rate.base, range(&expected)
                ),
            )
            .at(i, format!("/equivalents/{k}/amount"))
            .expected(format!("{} {to} ({} at {} {} per {})", range(&expected), s.value.brief(), rate.rate.brief(), rate.quote, rate.base))
            .found(format!("{}, i.e. {} {to}", eq.brief(), range(&stated)))
            .related(format!("rate `{}`: {} {} per {} ({when})", rate.id, rate.rate.brief(), rate.quote, rate.base), j, "/rate")
            .help("check the figure against the source; if the source converts at another rate, record that rate"),
        );
    }
    out
}
