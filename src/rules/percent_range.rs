//! A share outside 0–100 percent.
//!
//! A figure in `percent` is read as a share of a whole, which cannot be negative or exceed
//! 100: "accounts for 130% of GDP" is a slip (a misplaced digit, or a growth rate recorded as
//! a share). The stated amount is checked, as written and scaled, for the statistic's value
//! and each of its equivalents. A change or growth rate is not a share: a statistic with
//! `change_of` is left alone (`change` checks it against its levels); otherwise give it
//! another unit (for example `percent_change` or `percentage_points`). The
//! unit may be written `percent` or `%`, in any case (`Percent`, `PERCENT`): all are
//! percentages, here and for every other rule.
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
        if s.change_of.is_some() {
            continue;
        }
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

#[cfg(test)]
mod tests {
    use crate::config::Config;

    /// Every spelling of percent fires the rule; a change rate does not.
    #[test]
    fn every_spelling_of_percent_is_checked() {
        let dir = tempfile::tempdir().unwrap();
        let mut lines = String::from(
            r#"{"kind": "source", "id": "article", "title": "Invented", "url": "https://example.org/a", "published": "2025-01-01"}"#,
        );
        for (i, unit) in ["percent", "%", "Percent", "PERCENT", "percent_change"]
            .iter()
            .enumerate()
        {
            lines.push_str(&format!(
                "\n{{\"kind\": \"statistic\", \"id\": \"s{i}\", \"label\": \"Share\", \"source\": \"article\", \"value\": {{\"amount\": \"130\", \"unit\": \"{unit}\"}}}}"
            ));
        }
        std::fs::write(dir.path().join("records.jsonl"), lines + "\n").unwrap();
        let report = crate::check::check(&[dir.path().to_path_buf()], &Config::default()).unwrap();
        let fired: Vec<&str> = report
            .diagnostics
            .iter()
            .filter(|d| d.rule == "percent-range")
            .filter_map(|d| d.record.as_deref())
            .collect();
        assert_eq!(fired, ["s0", "s1", "s2", "s3"], "{:#?}", report.diagnostics);
    }
}
