//! A share outside 0–100 percent.
//!
//! A figure in `percent` is read as a share of a whole, which cannot be negative or exceed
//! 100: "accounts for 130% of GDP" is a slip (a misplaced digit, or a growth rate recorded as
//! a share). The stated amount is checked, as written and scaled, for the statistic's value
//! and each of its equivalents. A change or growth rate is not a share: give it another unit
//! (for example `percent_change` or `percentage_points`) so this rule leaves it alone.
//!
//! Fails:
//!
//! ```json
//! {"kind": "statistic", "id": "mmc-share", "label": "Share of GDP", "source": "article", "value": {"amount": "130", "unit": "percent"}}
//! ```
//!
//! Passes:
//!
//! ```json
//! {"kind": "statistic", "id": "mmc-share", "label": "Share of GDP", "source": "article", "value": {"amount": "8", "unit": "percent"}}
//! ```

use num_rational::BigRational;
use num_traits::Zero;

use super::Context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Quantity;

/// Reports percentages below 0 or above 100.
pub fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let hundred = BigRational::from_integer(100.into());
    let mut out = Vec::new();
    for (i, s) in cx.statistics() {
        let quantities = std::iter::once(("/value".to_owned(), &s.value)).chain(
            s.equivalents
                .iter()
                .enumerate()
                .map(|(k, q)| (format!("/equivalents/{k}"), q)),
        );
        for (pointer, q) in quantities {
            if !Quantity::is_percent(q) {
                continue;
            }
            let v = q.value();
            if v < BigRational::zero() || v > hundred {
                out.push(
                    Diagnostic::new("percent-range", Severity::Error, format!("`{q}` is not a share: a percentage of a whole lies between 0 and 100"))
                        .at(i, format!("{pointer}/amount"))
                        .expected("0 to 100 percent")
                        .found(format!("{q}"))
                        .help("check the figure; if it is a change rather than a share, use another unit such as `percent_change`"),
                );
            }
        }
    }
    out
}
