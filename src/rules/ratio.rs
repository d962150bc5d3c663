//! A percentage disagrees with the numerator and denominator it is the ratio of.
//!
//! A statistic in `percent` with `ratio_of` says it is `numerator / denominator × 100`. The
//! two statistics' intervals give an interval for the ratio (a figure stands for the interval
//! it was rounded from: `10.4` billion is anything in [10.35, 10.45] billion, `over` and `about`
//! widen it; see "What a figure means" in the README), and the
//! stated percentage's interval must meet it. Numerator and denominator must count the same
//! thing (the same currency or unit). A denominator stated as zero is a finding of its own:
//! no percentage is a share of nothing. One stated so that it only *may* be zero
//! (`"under"` 1) bounds the ratio on one side only and gives no finding.
//!
//! Fails (3.1 / 10.0 is about 31%, not 45%):
//!
//! ```json
//! {"kind": "statistic", "id": "services-share", "label": "Share of services", "source": "report",
//!  "value": {"amount": "45", "unit": "percent"}, "ratio_of": {"numerator": "services", "denominator": "gdp"}}
//! {"kind": "statistic", "id": "services", "label": "Services", "source": "report", "value": {"amount": "3.1", "scale": "trillion", "currency": "KZT"}}
//! {"kind": "statistic", "id": "gdp", "label": "GDP", "source": "report", "value": {"amount": "10.0", "scale": "trillion", "currency": "KZT"}}
//! ```
//!
//! Passes: the same with `"amount": "31"`.

use num_rational::BigRational;

use super::Context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::quantity::short;
use crate::model::Interval;

/// Reports percentages that their numerator and denominator cannot give.
pub fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let tolerance = &cx.config.about_tolerance;
    let hundred = BigRational::from_integer(100.into());
    let mut out = Vec::new();
    for (i, s) in cx.statistics() {
        let Some(ratio) = &s.ratio_of else { continue };
        let (Some((n_entry, n)), Some((d_entry, d))) = (
            cx.statistic(&ratio.numerator),
            cx.statistic(&ratio.denominator),
        ) else {
            continue;
        };
        if !n.value.same_measure(&d.value) {
            out.push(
                Diagnostic::new(
                    "ratio",
                    Severity::Error,
                    format!(
                        "numerator `{}` is in {} but denominator `{}` is in {}",
                        n.id,
                        n.value.measure(),
                        d.id,
                        d.value.measure()
                    ),
                )
                .at(i, "/ratio_of")
                .expected("a numerator and denominator in the same currency or unit")
                .found(format!("`{}` and `{}`", n.value.brief(), d.value.brief())),
            );
            continue;
        }
        if d.value.amount.is_zero() {
            out.push(
                Diagnostic::new(
                    "ratio",
                    Severity::Error,
                    format!(
                        "denominator `{}` is stated as `{}`: a ratio to zero is undefined, so `{}` (`{}`) cannot be `{}` / `{}`",
                        d.id,
                        d.value.brief(),
                        s.id,
                        s.value.brief(),
                        n.id,
                        d.id
                    ),
                )
                .at(i, "/ratio_of/denominator")
                .expected("a denominator other than zero")
                .found(format!("`{}`", d.value.brief()))
                .related(
                    format!("denominator `{}`: `{}`", d.id, d.value.brief()),
                    d_entry,
                    "/value/amount",
                )
                .help("check the denominator against the source; if it is zero there, the percentage is not its ratio: remove `ratio_of`"),
            );
            continue;
        }
        let Some(computed) = n
            .value
            .interval(tolerance)
            .div(&d.value.interval(tolerance))
        else {
            continue;
        };
        let computed = computed.scale(&hundred);
        let stated = s.value.interval(tolerance);
        if computed.overlaps(&stated) {
            continue;
        }
        let range = |iv: &Interval| format!("{} to {} percent", short(&iv.lo), short(&iv.hi));
        out.push(
            Diagnostic::new(
                "ratio",
                Severity::Error,
                format!(
                    "`{}` / `{}` is {}, but `{}` states `{}`; misses by {} percentage points",
                    n.id,
                    d.id,
                    range(&computed),
                    s.id,
                    s.value.brief(),
                    short(&computed.gap(&stated))
                ),
            )
            .at(i, "/value/amount")
            .expected(format!(
                "{} (`{}` / `{}`)",
                range(&computed),
                n.value.brief(),
                d.value.brief()
            ))
            .found(format!("{}, i.e. {}", s.value.brief(), range(&stated)))
            .related(
                format!("numerator `{}`: `{}`", n.id, n.value.brief()),
                n_entry,
                "/value/amount",
            )
            .related(
                format!("denominator `{}`: `{}`", d.id, d.value.brief()),
                d_entry,
                "/value/amount",
            ),
        );
    }
    out
}
