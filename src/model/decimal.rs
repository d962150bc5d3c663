//! Exact decimals as they were written.
//!
//! A [`Decimal`] keeps the text a figure was written with (`"26.2"`, `224000`, `1.100`) and
//! reads it into an integer mantissa and a power of ten, never through binary floating point.
//! From the text it also knows the figure's *precision*: the unit of its last significant
//! digit (PRODUCT.md section 3). Arithmetic happens on exact rationals (`num-rational`), so
//! no rule ever rounds a stated figure.

use std::fmt;
use std::str::FromStr;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The largest power of ten a decimal may carry (`1e5000`). Beyond it, exact arithmetic would
/// allocate numbers with that many digits, so such a figure is refused rather than rounded.
pub const MAX_EXPONENT: i64 = 4096;

/// An exact decimal number with the text it was written with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decimal {
    text: String,
    /// Written as a JSON string (`"26.2"`) rather than a JSON number (`26.2`).
    quoted: bool,
    mantissa: BigInt,
    /// The value is `mantissa × 10^exponent`.
    exponent: i64,
    /// Whether the text was a plain integer (no point, no exponent): then trailing zeros are
    /// not significant unless the figure is exact.
    plain_integer: bool,
}

/// Why a text is not a decimal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    /// The text is not of the form `-12.50` or `1.2e9`.
    #[error("`{0}` is not a decimal number (write it like `26.2`, `224000` or `-0.5`)")]
    Syntax(String),
    /// The exponent is too large to compute with exactly.
    #[error("`{0}` has an exponent beyond ±{MAX_EXPONENT}, too large to compute with exactly")]
    Exponent(String),
}

impl Decimal {
    /// Reads a decimal from its text: an optional sign, digits, an optional fraction and an
    /// optional exponent (`-12`, `007`, `26.2`, `1.100`, `14e12`).
    pub fn parse(text: &str) -> Result<Decimal, DecimalError> {
        Self::parse_inner(text, true)
    }

    fn parse_inner(text: &str, quoted: bool) -> Result<Decimal, DecimalError> {
        let err = || DecimalError::Syntax(text.to_owned());
        let (negative, rest) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let (number, exp_text) = match rest.find(['e', 'E']) {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        let (int_part, frac_part) = match number.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (number, None),
        };
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(int_part) || frac_part.is_some_and(|f| !all_digits(f)) {
            return Err(err());
        }
        let mut exponent: i64 = match exp_text {
            Some(e) => {
                let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
                if !all_digits(digits) {
                    return Err(err());
                }
                // Anything longer than 18 digits is far beyond MAX_EXPONENT anyway.
                if digits.len() > 18 {
                    return Err(DecimalError::Exponent(text.to_owned()));
                }
                e.parse::<i64>().map_err(|_| err())?
            }
            None => 0,
        };
        let frac = frac_part.unwrap_or("");
        exponent -= frac.len() as i64;
        if exponent.abs() > MAX_EXPONENT {
            return Err(DecimalError::Exponent(text.to_owned()));
        }
        let mut digits = String::with_capacity(int_part.len() + frac.len());
        digits.push_str(int_part);
        digits.push_str(frac);
        // Invariant: `digits` is a non-empty run of ASCII digits, checked above.
        let mut mantissa = BigInt::from_str(&digits).map_err(|_| err())?;
        if negative {
            mantissa = -mantissa;
        }
        Ok(Decimal {
            text: text.to_owned(),
            quoted,
            mantissa,
            exponent,
            plain_integer: frac_part.is_none() && exp_text.is_none(),
        })
    }

    /// Reads a decimal written as a JSON number (its text as it stood in the file).
    pub fn parse_number(text: &str) -> Result<Decimal, DecimalError> {
        Self::parse_inner(text, false)
    }

    /// The text exactly as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether it was written as a JSON string.
    pub fn is_quoted(&self) -> bool {
        self.quoted
    }

    /// The exact value.
    pub fn to_rational(&self) -> BigRational {
        let power = pow10(self.exponent);
        exact::mul(&BigRational::from_integer(self.mantissa.clone()), &power)
    }

    /// Whether the value is zero.
    pub fn is_zero(&self) -> bool {
        self.mantissa.is_zero()
    }

    /// Whether the value is below zero.
    pub fn is_negative(&self) -> bool {
        self.mantissa.is_negative()
    }

    /// The unit of the last significant digit: `0.1` for `26.2`, `1000` for `224000`, `1` for
    /// `14`, `0.001` for `1.100`. Trailing zeros of a plain integer are not significant.
    pub fn precision(&self) -> BigRational {
        let mut exponent = self.exponent;
        if self.plain_integer && !self.mantissa.is_zero() {
            let ten = BigInt::from(10);
            let mut m = self.mantissa.abs();
            while (&m % &ten).is_zero() {
                m /= &ten;
                exponent += 1;
            }
        }
        pow10(exponent)
    }
}

/// `10^exponent` as an exact rational.
pub fn pow10(exponent: i64) -> BigRational {
    // Invariant: callers bound the exponent by MAX_EXPONENT (plus a scale word's 12).
    let magnitude = num_traits::pow(BigInt::from(10), exponent.unsigned_abs() as usize);
    if exponent >= 0 {
        BigRational::from_integer(magnitude)
    } else {
        BigRational::new_raw(BigInt::one(), magnitude)
    }
}

/// Rational arithmetic without reducing to lowest terms.
///
/// `num-rational` reduces every result by a gcd, which dominated the profile of a large
/// check. The figures here are decimals with small denominators (powers of ten) and go
/// through a handful of operations, so the unreduced numbers stay small; comparisons cross-
/// multiply. Invariant: every denominator is positive (`new_raw` is only called with one).
/// `num-rational`'s own `Ord` and `Eq` are correct on unreduced values, only slower.
pub mod exact {
    use std::cmp::Ordering;

    use num_rational::BigRational;
    use num_traits::Signed;

    fn raw(numer: num_bigint::BigInt, denom: num_bigint::BigInt) -> BigRational {
        BigRational::new_raw(numer, denom)
    }

    /// `a × b`.
    pub fn mul(a: &BigRational, b: &BigRational) -> BigRational {
        raw(a.numer() * b.numer(), a.denom() * b.denom())
    }

    /// `a ÷ b`; the caller makes sure `b` is not zero.
    pub fn div(a: &BigRational, b: &BigRational) -> BigRational {
        let (n, d) = (a.numer() * b.denom(), a.denom() * b.numer());
        if d.is_negative() {
            raw(-n, -d)
        } else {
            raw(n, d)
        }
    }

    /// `a + b`.
    pub fn add(a: &BigRational, b: &BigRational) -> BigRational {
        if a.denom() == b.denom() {
            raw(a.numer() + b.numer(), a.denom().clone())
        } else {
            raw(
                a.numer() * b.denom() + b.numer() * a.denom(),
                a.denom() * b.denom(),
            )
        }
    }

    /// `a − b`.
    pub fn sub(a: &BigRational, b: &BigRational) -> BigRational {
        if a.denom() == b.denom() {
            raw(a.numer() - b.numer(), a.denom().clone())
        } else {
            raw(
                a.numer() * b.denom() - b.numer() * a.denom(),
                a.denom() * b.denom(),
            )
        }
    }

    /// Orders `a` and `b` by cross-multiplying.
    pub fn cmp(a: &BigRational, b: &BigRational) -> Ordering {
        if a.denom() == b.denom() {
            a.numer().cmp(b.numer())
        } else {
            (a.numer() * b.denom()).cmp(&(b.numer() * a.denom()))
        }
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.quoted {
            serializer.serialize_str(&self.text)
        } else {
            // With serde_json's `arbitrary_precision`, a Number keeps its text verbatim.
            let number =
                serde_json::Number::from_str(&self.text).map_err(serde::ser::Error::custom)?;
            number.serialize(serializer)
        }
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Going through `Value` is what lets serde_json's `arbitrary_precision` hand us the
        // number's original text instead of an f64.
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(s) => Decimal::parse(&s).map_err(serde::de::Error::custom),
            serde_json::Value::Number(n) => {
                Decimal::parse_number(&n.to_string()).map_err(serde::de::Error::custom)
            }
            other => Err(serde::de::Error::custom(format!(
                "expected a decimal as a string or number, found {other}"
            ))),
        }
    }
}

/// Writes `value` with `significant` significant digits, rounding half away from zero:
/// `533.333…` → `533.3`, `0.0018713…` → `0.001871`, `272` → `272.0`.
pub fn format_significant(value: &BigRational, significant: u32) -> String {
    if value.is_zero() {
        return "0".to_owned();
    }
    let negative = value.is_negative();
    let abs = value.abs();
    // Find e with 10^e <= abs < 10^(e+1).
    let mut e: i64 =
        (abs.numer().to_string().len() as i64) - (abs.denom().to_string().len() as i64);
    while pow10(e) > abs {
        e -= 1;
    }
    while pow10(e + 1) <= abs {
        e += 1;
    }
    let shift = significant as i64 - 1 - e;
    let scaled = &abs * pow10(shift);
    let half = BigRational::new(BigInt::one(), BigInt::from(2));
    let mut digits = (scaled + half).floor().to_integer();
    let mut shift = shift;
    // Rounding may carry into a new digit (999.96 → 1000.0).
    if digits.to_string().len() as u32 > significant {
        digits /= BigInt::from(10);
        shift -= 1;
    }
    let text = digits.to_string();
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if shift <= 0 {
        out.push_str(&text);
        for _ in 0..(-shift) {
            out.push('0');
        }
    } else {
        let shift = shift as usize;
        if text.len() > shift {
            out.push_str(&text[..text.len() - shift]);
            out.push('.');
            out.push_str(&text[text.len() - shift..]);
        } else {
            out.push_str("0.");
            for _ in 0..(shift - text.len()) {
                out.push('0');
            }
            out.push_str(&text);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(n: i64, d: i64) -> BigRational {
        BigRational::new(BigInt::from(n), BigInt::from(d))
    }

    #[test]
    fn parses_and_keeps_text() {
        for text in [
            "26.2",
            "224000",
            "007",
            "1.100",
            "-0.0",
            "14e12",
            "1.5E-3",
            "12345678901234567890123",
        ] {
            let d = Decimal::parse(text).unwrap();
            assert_eq!(d.as_str(), text);
        }
        assert_eq!(Decimal::parse("26.2").unwrap().to_rational(), r(262, 10));
        assert_eq!(
            Decimal::parse("14e12").unwrap().to_rational(),
            BigRational::from_integer(BigInt::from(14_000_000_000_000_i64))
        );
        assert_eq!(
            Decimal::parse("-1.5e-3").unwrap().to_rational(),
            r(-15, 10000)
        );
    }

    #[test]
    fn rejects_non_decimals() {
        for text in [
            "", "-", "1.", ".5", "1e", "abc", "1,5", "NaN", "Infinity", "1.2.3", " 1",
        ] {
            assert!(Decimal::parse(text).is_err(), "{text:?} should be rejected");
        }
        assert!(matches!(
            Decimal::parse("1e99999"),
            Err(DecimalError::Exponent(_))
        ));
        assert!(matches!(
            Decimal::parse("1e999999999999999999999"),
            Err(DecimalError::Exponent(_))
        ));
    }

    #[test]
    fn precision_follows_the_written_digits() {
        assert_eq!(Decimal::parse("26.2").unwrap().precision(), r(1, 10));
        assert_eq!(Decimal::parse("224000").unwrap().precision(), r(1000, 1));
        assert_eq!(Decimal::parse("14").unwrap().precision(), r(1, 1));
        assert_eq!(Decimal::parse("1.100").unwrap().precision(), r(1, 1000));
        assert_eq!(Decimal::parse("0").unwrap().precision(), r(1, 1));
        assert_eq!(Decimal::parse("14e12").unwrap().precision(), pow10(12));
        assert_eq!(Decimal::parse("-500").unwrap().precision(), r(100, 1));
    }

    #[test]
    fn formats_significant_digits() {
        assert_eq!(format_significant(&r(1600, 3), 4), "533.3");
        assert_eq!(format_significant(&r(272, 1), 4), "272.0");
        assert_eq!(format_significant(&r(99996, 100), 4), "1000");
        assert_eq!(format_significant(&r(-1, 3), 2), "-0.33");
        assert_eq!(format_significant(&r(1, 534), 4), "0.001873");
        assert_eq!(format_significant(&r(12_345_678, 1), 4), "12350000");
    }
}
