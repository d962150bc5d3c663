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

/// The most digits a decimal may have. Reading digits into an integer costs time quadratic
/// in their number (a 10-million-digit amount took minutes), so a longer text is refused.
/// This is the backstop of every caller; a check is held to the lower, configurable
/// `max_number_length` of `[limits]` first (see [`crate::limits`]).
pub const MAX_DIGITS: usize = 4096;

/// Numbers longer than this many characters are shortened in messages (see [`abbreviate`]).
const SHOWN_LENGTH: usize = 40;
/// How many characters of a shortened number are kept at each end.
const SHOWN_END: usize = 12;

/// An exact decimal number with the text it was written with.
///
/// Every figure of a dataset is one, held until the cross-record rules have run, so it is
/// kept small: 40 bytes and its text, the mantissa inline unless it needs more than 64 bits.
#[derive(Clone, PartialEq, Eq)]
pub struct Decimal {
    text: Box<str>,
    mantissa: Mantissa,
    /// The value is `mantissa × 10^exponent`; within ±[`MAX_EXPONENT`], so 32 bits hold it.
    exponent: i32,
    /// Written as a JSON string (`"26.2"`) rather than a JSON number (`26.2`).
    quoted: bool,
    /// Whether the text was a plain integer (no point, no exponent): then trailing zeros of
    /// one of 1,000 or more are not significant unless the figure is exact.
    plain_integer: bool,
}

/// The digits of a [`Decimal`] as an integer: inline when it fits in 64 bits (the
/// representation is canonical, so the derived equality is equality of values).
#[derive(Clone, PartialEq, Eq)]
enum Mantissa {
    Small(i64),
    Big(Box<BigInt>),
}

impl Mantissa {
    fn new(value: BigInt) -> Mantissa {
        match i64::try_from(&value) {
            Ok(small) => Mantissa::Small(small),
            Err(_) => Mantissa::Big(Box::new(value)),
        }
    }

    fn to_bigint(&self) -> BigInt {
        match self {
            Mantissa::Small(small) => BigInt::from(*small),
            Mantissa::Big(big) => (**big).clone(),
        }
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decimal")
            .field("text", &&*self.text)
            .field("quoted", &self.quoted)
            .field("mantissa", &self.mantissa())
            .field("exponent", &self.exponent())
            .field("plain_integer", &self.plain_integer)
            .finish()
    }
}

/// Why a text is not a decimal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    /// The text is not of the form `-12.50` or `1.2e9`.
    #[error("`{0}` is not a decimal number (write it like `26.2`, `224000` or `-0.5`)")]
    Syntax(String),
    /// The exponent is too large to compute with exactly.
    #[error("`{}` has an exponent beyond ±{MAX_EXPONENT}, too large to compute with exactly", abbreviate(.0))]
    Exponent(String),
    /// The number has more digits than factkit computes with.
    #[error("`{}` has {} digits, more than the {MAX_DIGITS} factkit computes with exactly", abbreviate(.0), crate::limits::thousands(digit_count(.0) as u64))]
    Digits(String),
}

/// How many digits the mantissa of a number's text has (those before any exponent).
fn digit_count(text: &str) -> usize {
    text.bytes()
        .take_while(|b| !matches!(b, b'e' | b'E'))
        .filter(u8::is_ascii_digit)
        .count()
}

/// The length of a number written out in full: the digits written plus the size of the
/// exponent, so `26.2` is 3, `1e6` is 7 (`1000000`) and `1.5e-3` is 5 (`0.0015`). Exact
/// arithmetic on a figure costs in proportion to it. `None` when `text` does not have the
/// shape of a number (digits, an optional sign, point and exponent); an exponent of more
/// than 18 digits counts as `u64::MAX`.
pub fn written_length(text: &str) -> Option<u64> {
    let rest = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int_part.is_empty() || !digits(int_part) || !digits(frac_part) {
        return None;
    }
    let size = match exponent {
        None => 0,
        Some(e) => {
            let e = e.strip_prefix(['-', '+']).unwrap_or(e);
            if e.is_empty() || !digits(e) {
                return None;
            }
            if e.len() > 18 {
                return Some(u64::MAX);
            }
            // At most 18 digits, so it fits.
            e.parse::<u64>().unwrap_or(u64::MAX)
        }
    };
    Some(((int_part.len() + frac_part.len()) as u64).saturating_add(size))
}

/// A number's text for a message: as written when it is short, else its first and last
/// characters around `…` with its digit count (`123456789012…789012345678 (5,000 digits)`).
/// The characters shown are the number's own, never rounded.
pub fn abbreviate(text: &str) -> std::borrow::Cow<'_, str> {
    if text.len() <= SHOWN_LENGTH || !text.is_ascii() {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(format!(
        "{}…{} ({} digits)",
        &text[..SHOWN_END],
        &text[text.len() - SHOWN_END..],
        crate::limits::thousands(digit_count(text) as u64)
    ))
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
        if int_part.len() + frac.len() > MAX_DIGITS {
            return Err(DecimalError::Digits(text.to_owned()));
        }
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
        // Invariant: `exponent` is within ±MAX_EXPONENT, checked above.
        let exponent =
            i32::try_from(exponent).map_err(|_| DecimalError::Exponent(text.to_owned()))?;
        Ok(Decimal {
            text: text.into(),
            quoted,
            mantissa: Mantissa::new(mantissa),
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
        let power = pow10(self.exponent());
        exact::mul(&BigRational::from_integer(self.mantissa()), &power)
    }

    /// The text for a message: as written, or shortened when it is long (see [`abbreviate`]).
    pub fn brief(&self) -> std::borrow::Cow<'_, str> {
        abbreviate(&self.text)
    }

    /// Whether the value is zero.
    pub fn is_zero(&self) -> bool {
        match &self.mantissa {
            Mantissa::Small(small) => *small == 0,
            Mantissa::Big(big) => big.is_zero(),
        }
    }

    /// Whether the value is below zero.
    pub fn is_negative(&self) -> bool {
        match &self.mantissa {
            Mantissa::Small(small) => *small < 0,
            Mantissa::Big(big) => big.is_negative(),
        }
    }

    /// The unit of the last significant digit: `0.1` for `26.2`, `1000` for `224000`, `1` for
    /// `14` and for `100`, `0.001` for `1.100`. Trailing zeros of a plain integer of 1,000 or
    /// more (in magnitude) are not significant; below 1,000 every digit is (PRODUCT.md
    /// section 3: `60` percent is [59.5, 60.5], not [55, 65]).
    pub fn precision(&self) -> BigRational {
        pow10(self.precision_exponent())
    }

    /// The power of ten of [`Decimal::precision`]; never below the exponent of the value.
    pub fn precision_exponent(&self) -> i64 {
        let mut exponent = self.exponent();
        let mantissa = self.mantissa();
        if self.plain_integer && mantissa.abs() >= BigInt::from(1000) {
            let ten = BigInt::from(10);
            let mut m = mantissa.abs();
            while (&m % &ten).is_zero() {
                m /= &ten;
                exponent += 1;
            }
        }
        exponent
    }

    /// The value is `mantissa() × 10^exponent()`: the digits as written, as an integer.
    pub fn mantissa(&self) -> BigInt {
        self.mantissa.to_bigint()
    }

    /// The power of ten the mantissa is multiplied by (`-1` for `26.2`).
    pub fn exponent(&self) -> i64 {
        i64::from(self.exponent)
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
    use num_traits::{Signed, Zero};

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

    /// Orders `a` and `b`: by sign, then by size in bits when that decides (a numerator of
    /// `n` bits over a denominator of `d` bits lies within a factor of two either side of
    /// `2^(n-d)`), else by cross-multiplying. Sorting figures of thousands of digits (a
    /// source's conversions at `1e4000`) then multiplies only those of the same size.
    pub fn cmp(a: &BigRational, b: &BigRational) -> Ordering {
        if a.denom() == b.denom() {
            return a.numer().cmp(b.numer());
        }
        let sign = a.numer().sign().cmp(&b.numer().sign());
        if sign != Ordering::Equal {
            return sign;
        }
        if a.numer().is_zero() {
            return Ordering::Equal;
        }
        let size = |r: &BigRational| r.numer().bits() as i128 - r.denom().bits() as i128;
        let (sa, sb) = (size(a), size(b));
        if (sa - sb).abs() >= 2 {
            let by_size = sa.cmp(&sb);
            return if a.numer().is_negative() {
                by_size.reverse()
            } else {
                by_size
            };
        }
        (a.numer() * b.denom()).cmp(&(b.numer() * a.denom()))
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

/// Powers of ten beyond which [`format_significant`] writes a value in scientific notation
/// (`1.235e40`), as JavaScript does from `1e21`: written out, a computed rate of `1e8000`
/// would be 8,000 characters in every message that names it.
const POSITIONAL_UP_TO: i64 = 20;

/// Writes `value` with `significant` significant digits, rounding half away from zero:
/// `533.333…` → `533.3`, `0.0018713…` → `0.001871`, `272` → `272.0`; beyond ten to the
/// ±20 in scientific notation: `1.235e40`, `-5.000e-31`.
pub fn format_significant(value: &BigRational, significant: u32) -> String {
    if value.is_zero() {
        return "0".to_owned();
    }
    let negative = value.is_negative();
    let abs = value.abs();
    // Find e with 10^e <= abs < 10^(e+1), starting from the sizes in bits (log10 2 ≈
    // 0.30103), which is within one of it.
    let bits = abs.numer().bits() as f64 - abs.denom().bits() as f64;
    let mut e = (bits * std::f64::consts::LOG10_2).floor() as i64;
    while exact::cmp(&pow10(e), &abs).is_gt() {
        e -= 1;
    }
    while exact::cmp(&pow10(e + 1), &abs).is_le() {
        e += 1;
    }
    let shift = significant as i64 - 1 - e;
    let scaled = exact::mul(&abs, &pow10(shift));
    let half = BigRational::new(BigInt::one(), BigInt::from(2));
    let mut digits = exact::add(&scaled, &half).floor().to_integer();
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
    let e = significant as i64 - 1 - shift;
    if e.abs() > POSITIONAL_UP_TO {
        out.push_str(&text[..1]);
        if text.len() > 1 {
            out.push('.');
            out.push_str(&text[1..]);
        }
        out.push_str(&format!("e{e}"));
        return out;
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
        // Below 1,000 every digit of an integer counts; from 1,000 up trailing zeros do not.
        assert_eq!(Decimal::parse("-500").unwrap().precision(), r(1, 1));
        assert_eq!(Decimal::parse("60").unwrap().precision(), r(1, 1));
        assert_eq!(Decimal::parse("100").unwrap().precision(), r(1, 1));
        assert_eq!(Decimal::parse("999").unwrap().precision(), r(1, 1));
        assert_eq!(Decimal::parse("1000").unwrap().precision(), r(1000, 1));
        assert_eq!(Decimal::parse("-1500").unwrap().precision(), r(100, 1));
        assert_eq!(Decimal::parse("-5000").unwrap().precision(), r(1000, 1));
    }

    #[test]
    fn formats_significant_digits() {
        assert_eq!(format_significant(&r(1600, 3), 4), "533.3");
        assert_eq!(format_significant(&r(272, 1), 4), "272.0");
        assert_eq!(format_significant(&r(99996, 100), 4), "1000");
        assert_eq!(format_significant(&r(-1, 3), 2), "-0.33");
        assert_eq!(format_significant(&r(1, 534), 4), "0.001873");
        assert_eq!(format_significant(&r(12_345_678, 1), 4), "12350000");
        // Beyond ten to the ±20, scientific notation keeps a message short.
        assert_eq!(format_significant(&pow10(20), 4), "100000000000000000000");
        assert_eq!(format_significant(&pow10(21), 4), "1.000e21");
        assert_eq!(
            format_significant(&-(pow10(8000) * r(12345, 1)), 4),
            "-1.235e8004"
        );
        assert_eq!(
            format_significant(&(pow10(-4000) / r(3, 1)), 4),
            "3.333e-4001"
        );
        assert_eq!(
            format_significant(&(pow10(-21) * r(99996, 10000)), 4),
            format!("0.{}1000", "0".repeat(19))
        );
        assert_eq!(format_significant(&pow10(-22), 2), "1.0e-22");
    }

    #[test]
    fn exact_cmp_agrees_with_the_rationals() {
        let values = [
            r(-7, 3),
            r(-1, 1000),
            r(0, 1),
            r(1, 3),
            r(2, 5),
            r(3, 7),
            r(5, 2),
            r(1000, 1),
            -pow10(300),
            pow10(300),
            pow10(-300),
            exact::div(&pow10(300), &r(3, 1)),
            exact::mul(&pow10(-300), &r(-5, 7)),
        ];
        for a in &values {
            for b in &values {
                assert_eq!(exact::cmp(a, b), a.cmp(b), "{a} vs {b}");
            }
        }
    }

    #[test]
    fn digits_are_bounded_and_numbers_shortened() {
        let long = format!("1{}", "0".repeat(MAX_DIGITS));
        let e = Decimal::parse(&long).unwrap_err();
        assert!(matches!(e, DecimalError::Digits(_)));
        assert_eq!(
            e.to_string(),
            "`100000000000…000000000000 (4,097 digits)` has 4,097 digits, more than the 4096 factkit computes with exactly"
        );
        assert!(Decimal::parse(&long[1..]).is_ok());
        assert_eq!(written_length("26.2"), Some(3));
        assert_eq!(written_length("1e6"), Some(7));
        assert_eq!(written_length("-1.5E-3"), Some(5));
        assert_eq!(written_length("1e+999999"), Some(1_000_000));
        assert_eq!(written_length("1e9999999999999999999"), Some(u64::MAX));
        assert_eq!(written_length("abc"), None);
        assert_eq!(written_length("1e"), None);
        assert_eq!(abbreviate("26.2"), "26.2");
        let digits = "1234567890".repeat(500);
        assert_eq!(
            abbreviate(&digits),
            "123456789012…901234567890 (5,000 digits)"
        );
    }
}
