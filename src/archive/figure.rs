//! The forms a stated figure can take in prose, for `figure-in-source`.
//!
//! A statistic stores `{"amount": "14", "scale": "trillion"}`; the article may print
//! `14 trillion`, `14tn`, `14,000,000,000,000` or `14 000 000 000 000`. [`forms`] lists the
//! spellings tried, in this order:
//!
//! 1. the amount as written (an exponent written out: `14e12` is `14000000000000`), then
//!    grouped in thousands with `,` and with a space (`224,000`, `224 000`), then with a
//!    decimal comma (`26,2`, only when the fraction is not three digits long, so it cannot
//!    be read as a thousands group);
//! 2. with the scale word, when there is one: `14 trillion`, and its abbreviations
//!    (`14tn`, `14 tn`, `14 trn`; `26.2bn`, `26.2 bn`, `26.2 bln`; `3m`, `3mn`, `3 mn`,
//!    `3 mln`; `224k`, `224K`);
//! 3. the whole number, when the scaled value is an integer of four digits or more:
//!    `14000000000000`, `14,000,000,000,000`, `14 000 000 000 000`;
//! 4. the value under another scale word, when it reads as 1 to 999 with at most three
//!    decimals: `224000` is also `224 thousand`, `2500000` also `2.5 million`.
//!
//! A percentage must carry its sign or word: each form above is tried as `8%`,
//! `8 percent`, `8 per cent` and `8 pct`, never as a bare `8`. Other figures do not need their
//! currency or unit next to them (`US$26.2 billion`, `$26.2 billion` and
//! `26.2 billion dollars` all contain `26.2 billion`), and qualifiers (`more than`,
//! `about`) are not required. Figures written out in words (`eight percent`) are not
//! recognised. A form matches whole tokens, so `14 trillion` is not found inside
//! `3.14 trillion`, nor `8%` inside `18%`.
//!
//! **In the source's language** ([`forms_in`]): the same list is made for each language
//! `language.rs` says to try, with that language's decimal separator (`2,8`), its group
//! separator, a plain space, an apostrophe, and a dot where the decimal separator is a
//! comma (`1 234,5`, `1.234,5`, `1'234,5`), its
//! scale words and abbreviations in every plural form CLDR gives (`2,8 трлн`,
//! `2,8 триллиона`, `483 млн`, `4 Mrd.`, `21 mil millones`) and its percent words
//! (`8 процентов`). The English forms above come last (first for an English source). Every
//! form says exactly the record's value: a number times the power of ten of its word equals
//! the amount times the scale, as exact decimals, so `483 млн` is never a form of
//! `483 billion`.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, Zero};

use super::language::Language;
use crate::model::decimal::pow10;
use crate::model::{Quantity, Scale};

const SCALES: [Scale; 4] = [
    Scale::Thousand,
    Scale::Million,
    Scale::Billion,
    Scale::Trillion,
];

/// Renders `x` as a decimal with at most `max_fraction` decimals, if it has such a form.
fn decimal_text(x: &BigRational, max_fraction: usize) -> Option<String> {
    for k in 0..=max_fraction {
        let scaled = x * pow10(k as i64);
        if scaled.is_integer() {
            let digits = scaled.to_integer().abs().to_string();
            let sign = if x.is_negative() { "-" } else { "" };
            if k == 0 {
                return Some(format!("{sign}{digits}"));
            }
            let padded = format!("{digits:0>width$}", width = k + 1);
            let (int, frac) = padded.split_at(padded.len() - k);
            return Some(format!("{sign}{int}.{frac}"));
        }
    }
    None
}

/// `224000` grouped as `224,000` with `separator`, when the integer part has 4+ digits.
fn grouped(number: &str, separator: &str) -> Option<String> {
    let (sign, rest) = match number.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", number),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    if int.len() < 4 {
        return None;
    }
    let mut out = String::from(sign);
    for (k, c) in int.chars().enumerate() {
        if k > 0 && (int.len() - k) % 3 == 0 {
            out.push_str(separator);
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    Some(out)
}

/// The ways of writing a plain decimal number.
fn renderings(number: &str) -> Vec<String> {
    let mut out = vec![number.to_owned()];
    out.extend(grouped(number, ","));
    out.extend(grouped(number, " "));
    if let Some((_, frac)) = number.split_once('.') {
        if frac.len() != 3 && grouped(number, ",").is_none() {
            out.push(number.replacen('.', ",", 1));
        }
    }
    out
}

fn scale_spellings(scale: Scale, number: &str) -> Vec<String> {
    let word = format!("{number} {}", scale.as_str());
    let abbreviations: &[&str] = match scale {
        Scale::Thousand => &["{}k", "{}K"],
        Scale::Million => &["{}m", "{}mn", "{} mn", "{} mln"],
        Scale::Billion => &["{}bn", "{} bn", "{} bln"],
        Scale::Trillion => &["{}tn", "{} tn", "{} trn"],
    };
    std::iter::once(word)
        .chain(abbreviations.iter().map(|a| a.replace("{}", number)))
        .collect()
}

/// Every spelling of the figure tried in the text, most literal first, without repeats.
pub fn forms(quantity: &Quantity) -> Vec<String> {
    let written = quantity.amount.as_str().trim_start_matches('+');
    let amount = if written.contains(['e', 'E']) {
        decimal_text(&quantity.amount.to_rational(), 12).unwrap_or_else(|| written.to_owned())
    } else {
        written.to_owned()
    };
    let value = quantity.value();
    let mut numbers: Vec<String> = Vec::new();
    match quantity.scale {
        None => numbers.extend(renderings(&amount)),
        Some(scale) => {
            for r in renderings(&amount) {
                if r == amount {
                    numbers.extend(scale_spellings(scale, &r));
                } else {
                    numbers.push(format!("{r} {}", scale.as_str()));
                }
            }
            if value.is_integer() && value.to_integer().abs() >= BigInt::from(1000) {
                numbers.extend(renderings(&value.to_integer().to_string()));
            }
        }
    }
    for other in SCALES {
        if Some(other) == quantity.scale || value.is_zero() {
            continue;
        }
        let x = &value / pow10(other.exponent());
        let magnitude = x.abs();
        if magnitude >= BigRational::from_integer(1.into())
            && magnitude < BigRational::from_integer(1000.into())
        {
            if let Some(text) = decimal_text(&x, 3) {
                numbers.push(format!("{text} {}", other.as_str()));
            }
        }
    }
    let mut out: Vec<String> = Vec::new();
    let mut push = |form: String| {
        if !out.contains(&form) {
            out.push(form);
        }
    };
    if quantity.is_percent() {
        for n in &numbers {
            for suffix in ["%", " percent", " per cent", " pct"] {
                push(format!("{n}{suffix}"));
            }
        }
    } else {
        numbers.into_iter().for_each(push);
    }
    out
}

/// `224000.5` written with a language's separators: as written with its decimal separator,
/// then grouped with its group separator, a space, an apostrophe, and, where the decimal
/// separator is a comma, a dot (`1.234,5`).
fn local_renderings(number: &str, language: &Language) -> Vec<String> {
    let (int, frac) = match number.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (number, None),
    };
    let with_fraction = |int: String| match frac {
        Some(f) => format!("{int}{}{f}", language.decimal),
        None => int,
    };
    let mut out = vec![with_fraction(int.to_owned())];
    for group in [language.group, ' ', '\'', '.'] {
        if group == language.decimal || (group == '.' && language.decimal != ',') {
            continue;
        }
        if let Some(g) = grouped(int, &group.to_string()) {
            let g = with_fraction(g);
            if !out.contains(&g) {
                out.push(g);
            }
        }
    }
    out
}

/// `2,8 трлн`, `26.2B`: a number and a scale word, as the language writes them.
fn with_word(number: &str, word: &super::language::ScaleWord) -> String {
    if word.glued {
        format!("{number}{}", word.word)
    } else {
        format!("{number} {}", word.word)
    }
}

/// The spellings of a figure in one language (see the module docs), without repeats.
fn forms_for(quantity: &Quantity, language: &Language) -> Vec<String> {
    let written = quantity.amount.as_str().trim_start_matches('+');
    let amount = if written.contains(['e', 'E']) {
        decimal_text(&quantity.amount.to_rational(), 12).unwrap_or_else(|| written.to_owned())
    } else {
        written.to_owned()
    };
    let value = quantity.value();
    let mut numbers: Vec<String> = Vec::new();
    match quantity.scale {
        None => numbers.extend(local_renderings(&amount, language)),
        Some(scale) => {
            for r in local_renderings(&amount, language) {
                for w in language.scale_words(scale.exponent()) {
                    numbers.push(with_word(&r, w));
                }
            }
            if value.is_integer() && value.to_integer().abs() >= BigInt::from(1000) {
                numbers.extend(local_renderings(&value.to_integer().to_string(), language));
            }
        }
    }
    for other in SCALES {
        if Some(other) == quantity.scale || value.is_zero() {
            continue;
        }
        let x = &value / pow10(other.exponent());
        let magnitude = x.abs();
        if magnitude >= BigRational::from_integer(1.into())
            && magnitude < BigRational::from_integer(1000.into())
        {
            if let Some(text) = decimal_text(&x, 3) {
                for r in local_renderings(&text, language) {
                    for w in language.scale_words(other.exponent()) {
                        numbers.push(with_word(&r, w));
                    }
                }
            }
        }
    }
    let mut out: Vec<String> = Vec::new();
    let mut push = |form: String| {
        if !out.contains(&form) {
            out.push(form);
        }
    };
    if quantity.is_percent() {
        for n in &numbers {
            for suffix in &language.percent {
                push(format!("{n}{suffix}"));
            }
        }
    } else {
        numbers.into_iter().for_each(push);
    }
    out
}

/// Every spelling of the figure in these languages, in their order, without repeats.
/// English gives [`forms`] first, then what CLDR adds (`26.2B`).
pub fn forms_in(quantity: &Quantity, languages: &[std::sync::Arc<Language>]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for language in languages {
        let mut these = if language.tag == "en" {
            forms(quantity)
        } else {
            Vec::new()
        };
        these.extend(forms_for(quantity, language));
        for form in these {
            if !out.contains(&form) {
                out.push(form);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quantity(json: &str) -> Quantity {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn scaled_money() {
        let f = forms(&quantity(
            r#"{"amount": "14", "scale": "trillion", "currency": "KZT", "qualifier": "over"}"#,
        ));
        assert_eq!(
            f,
            [
                "14 trillion",
                "14tn",
                "14 tn",
                "14 trn",
                "14000000000000",
                "14,000,000,000,000",
                "14 000 000 000 000"
            ]
        );
        let f = forms(&quantity(
            r#"{"amount": "26.2", "scale": "billion", "currency": "USD"}"#,
        ));
        assert!(f.contains(&"26.2 billion".to_owned()));
        assert!(f.contains(&"26.2bn".to_owned()));
        assert!(f.contains(&"26,2 billion".to_owned()));
        assert!(f.contains(&"26,200,000,000".to_owned()));
    }

    #[test]
    fn plain_counts_and_percentages() {
        let f = forms(&quantity(r#"{"amount": 224000, "unit": "people"}"#));
        assert_eq!(f, ["224000", "224,000", "224 000", "224 thousand"]);
        let f = forms(&quantity(r#"{"amount": "8", "unit": "percent"}"#));
        assert_eq!(f, ["8%", "8 percent", "8 per cent", "8 pct"]);
        let f = forms(&quantity(r#"{"amount": "2500000", "unit": "people"}"#));
        assert!(f.contains(&"2.5 million".to_owned()));
        let f = forms(&quantity(r#"{"amount": "1.250", "unit": "tonnes"}"#));
        assert_eq!(f, ["1.250"]);
    }

    fn in_language(json: &str, tag: &str) -> Vec<String> {
        let language = crate::archive::language::language(tag).unwrap();
        forms_for(&quantity(json), &language)
    }

    #[test]
    fn russian_and_ukrainian_forms() {
        let f = in_language(
            r#"{"amount": "2.8", "scale": "trillion", "currency": "UAH"}"#,
            "ru",
        );
        for form in ["2,8 трлн", "2,8 триллиона", "2 800 000 000 000"] {
            assert!(f.contains(&form.to_owned()), "{form}: {f:?}");
        }
        let f = in_language(
            r#"{"amount": "483", "scale": "million", "currency": "UAH"}"#,
            "ru",
        );
        assert!(f.contains(&"483 млн".to_owned()));
        // A wrong scale is not a form: 483 billion is never `483 млн`.
        let f = in_language(
            r#"{"amount": "483", "scale": "billion", "currency": "UAH"}"#,
            "ru",
        );
        assert!(!f.iter().any(|x| x.contains("млн")), "{f:?}");
        assert!(f.contains(&"483 млрд".to_owned()));
        let f = in_language(r#"{"amount": "1234.5", "unit": "tonnes"}"#, "uk");
        for form in ["1 234,5", "1'234,5", "1.234,5"] {
            assert!(f.contains(&form.to_owned()), "{form}: {f:?}");
        }
        assert!(!f.contains(&"1,2345 тис.".to_owned()));
        let f = in_language(r#"{"amount": "12", "unit": "percent"}"#, "uk");
        assert!(
            f.contains(&"12%".to_owned()) && f.contains(&"12 відсотків".to_owned()),
            "{f:?}"
        );
        let f = in_language(
            r#"{"amount": "5", "scale": "billion", "currency": "KZT"}"#,
            "kk",
        );
        assert!(
            f.contains(&"5 млрд".to_owned()) && f.contains(&"5 миллиард".to_owned()),
            "{f:?}"
        );
    }

    #[test]
    fn german_french_spanish_forms() {
        let f = in_language(
            r#"{"amount": "4.5", "scale": "billion", "currency": "EUR"}"#,
            "de",
        );
        for form in ["4,5 Mrd.", "4,5 Milliarden", "4.500.000.000"] {
            assert!(f.contains(&form.to_owned()), "{form}: {f:?}");
        }
        let f = in_language(
            r#"{"amount": "3", "scale": "million", "currency": "EUR"}"#,
            "de",
        );
        assert!(f.contains(&"3 Mio.".to_owned()) && f.contains(&"3 Millionen".to_owned()));
        let f = in_language(
            r#"{"amount": "4.5", "scale": "billion", "currency": "EUR"}"#,
            "fr",
        );
        for form in ["4,5 Md", "4,5 md", "4,5 milliards", "4 500 000 000"] {
            assert!(f.contains(&form.to_owned()), "{form}: {f:?}");
        }
        let f = in_language(
            r#"{"amount": "21", "scale": "billion", "currency": "EUR"}"#,
            "es",
        );
        for form in ["21 mil millones", "21.000.000.000", "21 000 000 000"] {
            assert!(f.contains(&form.to_owned()), "{form}: {f:?}");
        }
        let f = in_language(
            r#"{"amount": "2", "scale": "million", "currency": "EUR"}"#,
            "es",
        );
        assert!(
            f.contains(&"2 millones".to_owned()) && f.contains(&"2 M".to_owned()),
            "{f:?}"
        );
        let f = in_language(r#"{"amount": "7", "unit": "percent"}"#, "es");
        assert!(f.contains(&"7 por ciento".to_owned()));
    }

    #[test]
    fn english_keeps_its_forms_first() {
        let en = crate::archive::language::languages(&[Some("en")]);
        let q = quantity(r#"{"amount": "26.2", "scale": "billion", "currency": "USD"}"#);
        let f = forms_in(&q, &en);
        assert_eq!(f[..forms(&q).len()], forms(&q)[..]);
        assert!(f.contains(&"26.2B".to_owned()));
    }
}
