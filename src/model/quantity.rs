//! Quantities and the intervals they state.
//!
//! A stated figure is an interval, not a point (PRODUCT.md section 3). `26.2 billion` lies in
//! [26.15, 26.25] billion; `224000` is stated to the nearest thousand, but an integer below
//! 1,000 to its last digit (`60` percent is [59.5, 60.5], `100` is [99.5, 100.5]);
//! `over 1.7 trillion` in [1.7, 1.8] trillion; `exact` is a point;
//! `about` widens the rounding interval by a relative tolerance. Interval bounds are exact
//! rationals and every comparison is exact; intervals are closed (a desk cannot tell "more
//! than 1.7" from "at least 1.7" in a printed figure, so the boundary is included).

use std::fmt;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, Zero};
use serde::{Deserialize, Serialize};

use super::decimal::{exact, format_significant, pow10, Decimal};

/// The word a figure is scaled by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// × 10³
    Thousand,
    /// × 10⁶
    Million,
    /// × 10⁹
    Billion,
    /// × 10¹²
    Trillion,
}

impl Scale {
    /// The power of ten of the scale word.
    pub fn exponent(self) -> i64 {
        match self {
            Scale::Thousand => 3,
            Scale::Million => 6,
            Scale::Billion => 9,
            Scale::Trillion => 12,
        }
    }

    /// The word as written in data and prose.
    pub fn as_str(self) -> &'static str {
        match self {
            Scale::Thousand => "thousand",
            Scale::Million => "million",
            Scale::Billion => "billion",
            Scale::Trillion => "trillion",
        }
    }
}

/// How a figure was qualified in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    /// Exactly this value: a point.
    Exact,
    /// Roughly: the rounding interval widened by the `about` tolerance.
    About,
    /// "more than": cut down to the last written digit.
    Over,
    /// "less than": cut up to the last written digit.
    Under,
    /// "at least": like `over`.
    AtLeast,
    /// "at most": like `under`.
    AtMost,
}

impl Qualifier {
    /// The word as written in data.
    pub fn as_str(self) -> &'static str {
        match self {
            Qualifier::Exact => "exact",
            Qualifier::About => "about",
            Qualifier::Over => "over",
            Qualifier::Under => "under",
            Qualifier::AtLeast => "at_least",
            Qualifier::AtMost => "at_most",
        }
    }
}

/// A stated figure: an amount, its scale, a currency or unit, and a qualifier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quantity {
    /// The amount exactly as written.
    pub amount: Decimal,
    /// The scale word, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<Scale>,
    /// ISO 4217 currency code, for money.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Unit word (`percent`, `people`, …), for everything else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// How the figure was qualified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<Qualifier>,
}

impl Quantity {
    /// The currency code or unit word: what the figure counts.
    pub fn measure(&self) -> &str {
        self.currency
            .as_deref()
            .or(self.unit.as_deref())
            .unwrap_or("")
    }

    /// Whether the figure is a percentage: its unit is `percent` or `%`, in any case
    /// (`Percent`, `PERCENT`). Every rule asks this one function, so no spelling turns a
    /// percentage rule off; the unit keeps its spelling in the data and in exports.
    pub fn is_percent(&self) -> bool {
        self.unit
            .as_deref()
            .is_some_and(|u| u == "%" || u.eq_ignore_ascii_case("percent"))
    }

    /// Whether two figures count the same thing: the same currency, or the same unit word,
    /// where every spelling of percent ([`Quantity::is_percent`]) is one unit.
    pub fn same_measure(&self, other: &Quantity) -> bool {
        (self.is_percent() && other.is_percent()) || self.measure() == other.measure()
    }

    /// The exact stated value, scale applied.
    pub fn value(&self) -> BigRational {
        self.amount.to_rational() * pow10(self.scale.map_or(0, Scale::exponent))
    }

    /// The interval of values the figure can describe, scale applied, with `about` widened by
    /// `tolerance` (a fraction of the amount, e.g. 0.05 for 5%).
    pub fn interval(&self, tolerance: &BigRational) -> Interval {
        bounds(
            &self.amount,
            self.qualifier,
            tolerance,
            self.scale.map_or(0, Scale::exponent),
        )
    }
}

/// The rounding interval of a decimal written without a qualifier: `470.5` is anything in
/// [470.45, 470.55].
pub fn rounding(amount: &Decimal) -> Interval {
    bounds(amount, None, &BigRational::zero(), 0)
}

/// The interval of `amount × 10^scale` as `qualifier` states it.
///
/// The bounds are written over one small denominator: the amount is `m × 10^e` and its unit
/// `10^p` with `p ≥ e`, so in units of `10^e / 2` the amount is `2m`, half a unit
/// `10^(p-e)` and a unit twice that, all integers; the power `10^(e + scale)` then goes into
/// the numerator or the denominator. Adding fractions with different denominators instead
/// would multiply them together: a rate implied by `1e4000` and `1e-4000` then had
/// 12,000-digit terms where 8,000 do.
fn bounds(
    amount: &Decimal,
    qualifier: Option<Qualifier>,
    tolerance: &BigRational,
    scale: i64,
) -> Interval {
    let e = amount.exponent();
    // Invariant: the precision is never finer than the exponent (`precision_exponent`).
    let gap = usize::try_from(amount.precision_exponent() - e).unwrap_or(0);
    let half = num_traits::pow(BigInt::from(10), gap);
    let a: BigInt = amount.mantissa() * 2;
    let unit = &half * 2;
    let one = BigInt::from(1);
    let (lo, hi, denom) = match qualifier {
        Some(Qualifier::Exact) => (a.clone(), a, one),
        Some(Qualifier::Over | Qualifier::AtLeast) => (a.clone(), a + unit, one),
        Some(Qualifier::Under | Qualifier::AtMost) => (&a - unit, a, one),
        Some(Qualifier::About) => {
            // half + |a| × tolerance, over the tolerance's denominator.
            let widen = &half * tolerance.denom() + a.abs() * tolerance.numer();
            let a = a * tolerance.denom();
            (&a - &widen, a + widen, tolerance.denom().clone())
        }
        None => (&a - &half, a + half, one),
    };
    let mut denom: BigInt = denom * 2;
    let power = e + scale;
    let factor = num_traits::pow(BigInt::from(10), power.unsigned_abs() as usize);
    let (lo, hi) = if power >= 0 {
        (lo * &factor, hi * &factor)
    } else {
        denom *= factor;
        (lo, hi)
    };
    // Invariant: the denominator is a product of positive numbers (a `BigRational`'s
    // denominator is positive), as `exact` requires.
    Interval {
        lo: BigRational::new_raw(lo, denom.clone()),
        hi: BigRational::new_raw(hi, denom),
    }
}

impl Quantity {
    /// The quantity for a message: like its display, with a long amount shortened to its
    /// first and last digits and its digit count (see [`super::decimal::abbreviate`]).
    /// Exports use the display, which keeps every digit.
    pub fn brief(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = self.write(&mut out, &self.amount.brief());
        out
    }

    fn write(&self, f: &mut dyn fmt::Write, amount: &str) -> fmt::Result {
        if let Some(q) = self.qualifier {
            write!(f, "{} ", q.as_str().replace('_', " "))?;
        }
        f.write_str(amount)?;
        if let Some(s) = self.scale {
            write!(f, " {}", s.as_str())?;
        }
        write!(f, " {}", self.measure())
    }
}

impl fmt::Display for Quantity {
    /// `over 14 trillion KZT`, `26.2 billion USD`, `8 percent`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, self.amount.as_str())
    }
}

/// A closed interval of exact rationals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interval {
    /// Lower bound, inclusive.
    pub lo: BigRational,
    /// Upper bound, inclusive.
    pub hi: BigRational,
}

impl Interval {
    /// The interval holding only `value`.
    pub fn point(value: BigRational) -> Interval {
        Interval {
            lo: value.clone(),
            hi: value,
        }
    }

    /// Whether the two intervals share a value.
    pub fn overlaps(&self, other: &Interval) -> bool {
        exact::cmp(&self.lo, &other.hi).is_le() && exact::cmp(&other.lo, &self.hi).is_le()
    }

    /// How far apart two disjoint intervals are (zero when they overlap).
    pub fn gap(&self, other: &Interval) -> BigRational {
        if exact::cmp(&self.hi, &other.lo).is_lt() {
            exact::sub(&other.lo, &self.hi)
        } else if exact::cmp(&other.hi, &self.lo).is_lt() {
            exact::sub(&self.lo, &other.hi)
        } else {
            BigRational::zero()
        }
    }

    /// The sum of every pair of values.
    pub fn add(&self, other: &Interval) -> Interval {
        Interval {
            lo: exact::add(&self.lo, &other.lo),
            hi: exact::add(&self.hi, &other.hi),
        }
    }

    /// Every difference of a value of this one and a value of `other`.
    pub fn sub(&self, other: &Interval) -> Interval {
        Interval {
            lo: exact::sub(&self.lo, &other.hi),
            hi: exact::sub(&self.hi, &other.lo),
        }
    }

    /// All products of a value of each.
    pub fn mul(&self, other: &Interval) -> Interval {
        let products = [
            exact::mul(&self.lo, &other.lo),
            exact::mul(&self.lo, &other.hi),
            exact::mul(&self.hi, &other.lo),
            exact::mul(&self.hi, &other.hi),
        ];
        min_max(products)
    }

    /// All quotients of a value of each; `None` when `other` contains zero.
    pub fn div(&self, other: &Interval) -> Option<Interval> {
        if !other.lo.is_positive() && !other.hi.is_negative() {
            return None;
        }
        let quotients = [
            exact::div(&self.lo, &other.lo),
            exact::div(&self.lo, &other.hi),
            exact::div(&self.hi, &other.lo),
            exact::div(&self.hi, &other.hi),
        ];
        Some(min_max(quotients))
    }

    /// Both bounds multiplied by a constant.
    pub fn scale(&self, factor: &BigRational) -> Interval {
        min_max([exact::mul(&self.lo, factor), exact::mul(&self.hi, factor)])
    }

    /// The bounds with four significant digits: `[533.3, 573.6]`.
    pub fn display(&self) -> String {
        format!(
            "[{}, {}]",
            format_significant(&self.lo, 4),
            format_significant(&self.hi, 4)
        )
    }
}

fn min_max<const N: usize>(values: [BigRational; N]) -> Interval {
    let mut lo = values[0].clone();
    let mut hi = values[0].clone();
    for v in values.into_iter().skip(1) {
        if exact::cmp(&v, &lo).is_lt() {
            lo = v;
        } else if exact::cmp(&v, &hi).is_gt() {
            hi = v;
        }
    }
    Interval { lo, hi }
}

/// A rational for a finding: exact when it is an integer of few digits, else four
/// significant digits without trailing zeros (`533.3`, `9.2`, `0.4939`).
pub fn short(value: &BigRational) -> String {
    if value.is_integer() && value.numer().abs() < 100_000_000_000_000_000_u64.into() {
        return value.numer().to_string();
    }
    let text = format_significant(value, 4);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// A value in units of `scale` for display, e.g. 26150000000 as `26.15 billion`.
pub fn in_scale(value: &BigRational, scale: Option<Scale>) -> String {
    let v = value / pow10(scale.map_or(0, Scale::exponent));
    match scale {
        Some(s) => format!("{} {}", short(&v), s.as_str()),
        None => short(&v),
    }
}

/// An interval in units of `scale`: `26.15 to 26.25 billion`.
pub fn range_in_scale(iv: &Interval, scale: Option<Scale>) -> String {
    let factor = pow10(scale.map_or(0, Scale::exponent));
    let (lo, hi) = (short(&(&iv.lo / &factor)), short(&(&iv.hi / &factor)));
    match scale {
        Some(s) => format!("{lo} to {hi} {}", s.as_str()),
        None => format!("{lo} to {hi}"),
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn percent_in_every_spelling() {
        let q = |unit: &str| Quantity {
            unit: Some(unit.to_owned()),
            ..serde_json::from_str(r#"{"amount": "130"}"#).unwrap()
        };
        for unit in ["percent", "%", "Percent", "PERCENT", "pErCeNt"] {
            assert!(q(unit).is_percent(), "{unit}");
            // `sum` and `ratio` compare measures: every spelling of percent is one unit.
            assert!(q(unit).same_measure(&q("percent")), "{unit}");
            assert!(!q(unit).same_measure(&q("people")), "{unit}");
        }
        for unit in [
            "percent_change",
            "percentage_points",
            "people",
            "%%",
            "per cent",
        ] {
            assert!(!q(unit).is_percent(), "{unit}");
        }
        assert_eq!(q("%").to_string(), "130 %");
    }

    use super::*;

    fn q(
        amount: &str,
        scale: Option<Scale>,
        currency: &str,
        qualifier: Option<Qualifier>,
    ) -> Quantity {
        Quantity {
            amount: Decimal::parse(amount).unwrap(),
            scale,
            currency: Some(currency.into()),
            unit: None,
            qualifier,
        }
    }

    fn r(n: i64, d: i64) -> BigRational {
        BigRational::new(BigInt::from(n), BigInt::from(d))
    }

    fn tol() -> BigRational {
        r(5, 100)
    }

    #[test]
    fn intervals_follow_precision_and_qualifier() {
        let usd = q("26.2", Some(Scale::Billion), "USD", None).interval(&tol());
        assert_eq!(
            usd,
            Interval {
                lo: r(26_150_000_000, 1),
                hi: r(26_250_000_000, 1)
            }
        );
        let kzt = q("1.7", Some(Scale::Trillion), "KZT", Some(Qualifier::Over)).interval(&tol());
        assert_eq!(
            kzt,
            Interval {
                lo: r(1_700_000_000_000, 1),
                hi: r(1_800_000_000_000, 1)
            }
        );
        let under = q("5", None, "USD", Some(Qualifier::Under)).interval(&tol());
        assert_eq!(
            under,
            Interval {
                lo: r(4, 1),
                hi: r(5, 1)
            }
        );
        let exact = q("224000", None, "USD", Some(Qualifier::Exact)).interval(&tol());
        assert_eq!(exact, Interval::point(r(224_000, 1)));
        let people = q("224000", None, "USD", None).interval(&tol());
        assert_eq!(
            people,
            Interval {
                lo: r(223_500, 1),
                hi: r(224_500, 1)
            }
        );
        // `100` is stated to its last digit (below 1,000), widened by 5% of 100.
        let about = q("100", None, "USD", Some(Qualifier::About)).interval(&tol());
        assert_eq!(
            about,
            Interval {
                lo: r(189, 2),
                hi: r(211, 2)
            }
        );
    }

    /// PRODUCT.md section 3: trailing zeros of an integer below 1,000 are significant, so
    /// `60` percent is [59.5, 60.5] and `100` percent [99.5, 100.5]; from 1,000 up they are not.
    #[test]
    fn small_integers_are_stated_to_their_last_digit() {
        let iv = |amount: &str, qualifier| q(amount, None, "USD", qualifier).interval(&tol());
        let between = |lo, hi| Interval { lo, hi };
        assert_eq!(iv("60", None), between(r(119, 2), r(121, 2)));
        assert_eq!(iv("100", None), between(r(199, 2), r(201, 2)));
        assert_eq!(iv("8", None), between(r(15, 2), r(17, 2)));
        assert_eq!(iv("-500", None), between(r(-1001, 2), r(-999, 2)));
        assert_eq!(iv("1000", None), between(r(500, 1), r(1500, 1)));
        assert_eq!(
            iv("100", Some(Qualifier::Over)),
            between(r(100, 1), r(101, 1))
        );
        assert_eq!(
            iv("100", Some(Qualifier::Exact)),
            Interval::point(r(100, 1))
        );
        // The amount as written counts, not the value with its scale: `100` billion is
        // [99.5, 100.5] billion.
        let billions = q("100", Some(Scale::Billion), "USD", None).interval(&tol());
        assert_eq!(
            billions,
            between(r(99_500_000_000, 1), r(100_500_000_000, 1))
        );
    }

    /// PRODUCT.md section 3: "output exceeding 14 trillion tenge (US$26.2 billion)" implies
    /// 533.3 to 573.6 KZT per USD; "more than 1.7 trillion tenge (US$3.2 billion)" implies
    /// 523.1 to 571.4; the two agree. US$6.2 billion would imply 272.0 to 292.7, which cannot.
    #[test]
    fn worked_example_of_the_specification() {
        let rate = |kzt: &str, usd: &str| {
            let k = q(kzt, Some(Scale::Trillion), "KZT", Some(Qualifier::Over)).interval(&tol());
            let u = q(usd, Some(Scale::Billion), "USD", None).interval(&tol());
            k.div(&u).unwrap()
        };
        let output = rate("14", "26.2");
        let investment = rate("1.7", "3.2");
        assert_eq!(output.display(), "[533.3, 573.6]");
        assert_eq!(investment.display(), "[523.1, 571.4]");
        assert!(output.overlaps(&investment));
        let wrong = rate("1.7", "6.2");
        assert_eq!(wrong.display(), "[272.0, 292.7]");
        assert_eq!(short(&wrong.lo), "272");
        assert!(!output.overlaps(&wrong));
        assert_eq!(short(&output.gap(&wrong)), "240.7");
    }

    /// The bounds of `1e-4000` are written over `2 × 10^4000` (some 13,300 bits); adding its
    /// half unit as a fraction of its own made `10^8000`, and a rate divided by it 12,000
    /// digits, which sorting a source's conversions multiplied again and again.
    #[test]
    fn bounds_share_one_small_denominator() {
        for qualifier in [None, Some(Qualifier::About), Some(Qualifier::Over)] {
            let iv = q("1e-4000", None, "USD", qualifier).interval(&tol());
            for bound in [&iv.lo, &iv.hi] {
                assert!(bound.denom().bits() < 13_300, "{}", bound.denom().bits());
                assert!(bound.numer().bits() < 16, "{}", bound.numer().bits());
            }
            let big = q("1e4000", Some(Scale::Trillion), "USD", qualifier).interval(&tol());
            assert!(big.lo.denom().bits() < 8, "{}", big.lo.denom().bits());
        }
        let half = pow10(-4000) / BigRational::from_integer(2.into());
        assert_eq!(
            q("1e-4000", None, "USD", None).interval(&tol()),
            Interval {
                lo: pow10(-4000) - &half,
                hi: pow10(-4000) + &half
            }
        );
        assert_eq!(
            rounding(&Decimal::parse("470.5").unwrap()),
            Interval {
                lo: r(47045, 100),
                hi: r(47055, 100)
            }
        );
    }

    #[test]
    fn interval_arithmetic() {
        let a = Interval {
            lo: r(1, 1),
            hi: r(2, 1),
        };
        let b = Interval {
            lo: r(-3, 1),
            hi: r(4, 1),
        };
        assert_eq!(
            a.mul(&b),
            Interval {
                lo: r(-6, 1),
                hi: r(8, 1)
            }
        );
        assert_eq!(
            a.add(&b),
            Interval {
                lo: r(-2, 1),
                hi: r(6, 1)
            }
        );
        assert!(a.div(&b).is_none());
        assert_eq!(
            b.div(&a).unwrap(),
            Interval {
                lo: r(-3, 1),
                hi: r(4, 1)
            }
        );
        assert_eq!(a.gap(&Interval::point(r(5, 1))), r(3, 1));
        assert!(a.overlaps(&Interval::point(r(2, 1))));
    }
}
