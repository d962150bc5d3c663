//! Settings of a check run: the as-of date, the `about` tolerance, and rule severities.
//!
//! Defaults are documented here and in the README: the as-of date is today (UTC), the `about`
//! tolerance is 5% of the stated amount on each side, and every rule keeps its own default
//! severity.

use std::collections::BTreeMap;

use num_bigint::BigInt;
use num_rational::BigRational;

use crate::diagnostic::Severity;
use crate::model::Day;

/// How a rule is configured to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Report as the given severity.
    Report(Severity),
    /// Do not run the rule.
    Off,
}

/// Settings of a check run.
#[derive(Debug, Clone)]
pub struct Config {
    /// Dates after this day are findings of `date-order`.
    pub as_of: Day,
    /// How far `about` widens a figure's rounding interval, as a fraction of the amount.
    pub about_tolerance: BigRational,
    /// Severity overrides by rule id.
    pub levels: BTreeMap<String, Level>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            as_of: Day::today(),
            about_tolerance: BigRational::new(BigInt::from(5), BigInt::from(100)),
            levels: BTreeMap::new(),
        }
    }
}

impl Config {
    /// The level of `rule`, given its default severity.
    pub fn level(&self, rule: &str, default: Severity) -> Level {
        self.levels
            .get(rule)
            .copied()
            .unwrap_or(Level::Report(default))
    }
}
