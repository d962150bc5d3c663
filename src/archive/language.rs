//! How a language writes figures, for `figure-in-source`: its scale words and abbreviations,
//! decimal and group separators, percent words, and currency signs and names.
//!
//! **From CLDR, through ICU4X** (`icu_decimal` and `icu_experimental`, with their compiled
//! data: nothing is read at run time). Their data structs are not a stable API, so the
//! words are harvested by formatting sample numbers, once per language and run (cached in a
//! `OnceLock`):
//!
//! - separators: `DecimalFormatter` formats `1234567.5` (`1 234 567,5` in Russian, with
//!   no-break spaces; `1.234.567,5` in German); the group and decimal symbols are read off it;
//! - scale words: `CompactDecimalFormatter`, short and long, formats 1, 2, 3, 5, 1.5, 11, 21,
//!   22 and 100 times 10³, 10⁶, 10⁹ and 10¹², so that every plural category is met
//!   (`1 триллион`, `2 триллиона`, `5 триллионов`; `2 Milliarden`; `21 mil millones`); what
//!   is around the number is the word, and the number printed says which power of ten it
//!   stands for (Spanish writes `1000 M` for 10⁹: `M` is read as 10⁶). Whether CLDR puts a
//!   space before the word is kept (`26.2B` in English, `2,8 трлн` in Russian);
//! - currency signs and names: `CurrencyFormatter` and `LongCurrencyFormatter` format the
//!   record's currency (`4 $`, `5 долларов США`, `2 українські гривні`); each word of the
//!   name is kept (`долларов`, `гривен`), but for short lower-case words (`des`).
//!
//! **Added by hand**, because CLDR does not have them: the English abbreviations factkit
//! always tried (`tn`, `trn`, `bn`, `bln`, `m`, `mn`, `mln`, `k`, `K`; see `figure.rs`),
//! the German `Tsd.`, lower-case forms of one-word abbreviations of two to four letters
//! (`md` for `Md`, `mrd.` for `Mrd.`), the percent words of each language (CLDR has only `%` for them
//! in the formatters used: `процентов`, `відсотків`, `пайыз`, `Prozent`, `pour cent`,
//! `por ciento`), and the everyday short names of the currencies of the region, which CLDR
//! spells out (`грн` for the hryvnia, `тг` for the tenge, `руб` for the rouble), plus the
//! grouping with a plain space or an apostrophe (`1'234,5`) in every language.
//!
//! **Which languages.** A source's `language` (BCP 47) picks the language by its primary
//! subtag (`ru-UA` is Russian). en, ru, uk, kk, de, fr and es are known; another tag is
//! harvested from CLDR too when ICU4X has data for it, and the seven known languages are
//! tried after it; a source without `language`, or whose tag cannot be read, tries all
//! seven. English is always tried last, so nothing found before is missed now.
//!
//! **Cost.** Measured when added (a clean release build on the project's two-core machine,
//! shared with other builds): the binary grew from 82.8 to 92.1 MB (+9.3 MB, the compiled
//! CLDR data of every locale) and the clean build from 159 to 368 s, most of it
//! `icu_experimental` (about 110 s of one core; the machine's load varied, and factkit's
//! own crate took 60 s in the first build and 110 s in the second). The
//! words of all seven languages and one currency are harvested in about 1.5 ms (release
//! build), once per run.
//!
//! Nothing here reads files or looks at archives; `figure.rs` makes the spellings.

use std::collections::HashMap;
use std::str::FromStr as _;
use std::sync::{Arc, Mutex, OnceLock};

use fixed_decimal::Decimal as IcuDecimal;
use icu_decimal::{CompactDecimalFormatter, DecimalFormatter};
use icu_experimental::dimension::currency::formatter::CurrencyFormatter;
use icu_experimental::dimension::currency::long_formatter::LongCurrencyFormatter;
use icu_experimental::dimension::currency::CurrencyCode;
use icu_locale_core::Locale;
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::Zero;

use crate::model::decimal::pow10;

/// The languages factkit knows, in the order they are tried when a source has none.
pub const KNOWN: [&str; 7] = ["en", "ru", "uk", "kk", "de", "fr", "es"];

/// The powers of ten a scale word may stand for (thousand to trillion).
const EXPONENTS: [i64; 4] = [3, 6, 9, 12];

/// Sample amounts formatted to meet every plural category of a language.
const SAMPLES: [&str; 9] = ["1", "2", "3", "5", "1.5", "11", "21", "22", "100"];

/// A scale word or abbreviation: `трлн` for 10¹².
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaleWord {
    /// The power of ten it stands for.
    pub exponent: i64,
    /// The word as printed (`трлн`, `Mrd.`, `mil millones`).
    pub word: String,
    /// Whether it is written against the number (`26.2B`), not after a space.
    pub glued: bool,
}

/// How one language writes figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Language {
    /// The language subtag (`ru`), or the tag as ICU4X read it for another language.
    pub tag: String,
    /// The decimal separator (`,` in Russian).
    pub decimal: char,
    /// The group separator; every kind of space is a plain space here, since matching
    /// treats them alike.
    pub group: char,
    /// Scale words and abbreviations, CLDR's then those added by hand.
    pub scales: Vec<ScaleWord>,
    /// What may follow a percentage: `%` and the language's percent words, each with the
    /// space before it (`" процентов"`), or none (`"%"`).
    pub percent: Vec<String>,
}

impl Language {
    /// The words for 10^`exponent`.
    pub fn scale_words(&self, exponent: i64) -> impl Iterator<Item = &ScaleWord> {
        self.scales.iter().filter(move |w| w.exponent == exponent)
    }
}

fn locale(tag: &str) -> Option<Locale> {
    Locale::try_from_str(tag).ok()
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{A0}' | '\u{202F}' | '\u{2009}')
}

/// `1 234 567,5` → (group, decimal); the symbols of a formatted `1234567.5`.
fn separators(formatted: &str) -> Option<(char, char)> {
    let chars: Vec<char> = formatted.chars().collect();
    let group = *chars.get(1)?;
    let decimal = *chars.get(chars.len().checked_sub(2)?)?;
    let space = |c: char| if is_space(c) { ' ' } else { c };
    Some((space(group), space(decimal)))
}

/// Reads the number in a formatted string with the given separators: the first run of
/// digits, group and decimal symbols. Returns the text before it, the number, and the
/// text after it.
fn split_number(formatted: &str, group: char, decimal: char) -> Option<(&str, BigRational, &str)> {
    let start = formatted.find(|c: char| c.is_ascii_digit())?;
    let mut end = start;
    let mut digits = String::new();
    let mut fraction: Option<String> = None;
    for (i, c) in formatted[start..].char_indices() {
        let at = start + i;
        let next_digit = formatted[at + c.len_utf8()..]
            .chars()
            .next()
            .is_some_and(|n| n.is_ascii_digit());
        if c.is_ascii_digit() {
            match &mut fraction {
                Some(f) => f.push(c),
                None => digits.push(c),
            }
            end = at + 1;
        } else if c == decimal && fraction.is_none() && next_digit {
            fraction = Some(String::new());
        } else if (c == group || (group == ' ' && is_space(c))) && fraction.is_none() && next_digit
        {
        } else {
            break;
        }
    }
    let fraction = fraction.unwrap_or_default();
    let numerator = BigInt::from_str(&format!("{digits}{fraction}")).ok()?;
    let value = BigRational::new(numerator, BigInt::from(1)) / pow10(fraction.len() as i64);
    Some((&formatted[..start], value, &formatted[end..]))
}

/// The power of ten `ratio` is, if it is one of [`EXPONENTS`].
fn exponent_of(ratio: &BigRational) -> Option<i64> {
    EXPONENTS.into_iter().find(|&e| *ratio == pow10(e))
}

fn sample(amount: &str, exponent: i64) -> Option<(IcuDecimal, BigRational)> {
    let mut d = IcuDecimal::from_str(amount).ok()?;
    d.multiply_pow10(i16::try_from(exponent).ok()?);
    let (int, frac) = amount.split_once('.').unwrap_or((amount, ""));
    let n = BigInt::from_str(&format!("{int}{frac}")).ok()?;
    let value = BigRational::from_integer(n) * pow10(exponent - frac.len() as i64);
    Some((d, value))
}

fn push_word(out: &mut Vec<ScaleWord>, exponent: i64, word: &str, glued: bool) {
    let word = word.trim_matches(is_space);
    if word.is_empty() || word.chars().any(|c| c.is_ascii_digit()) {
        return;
    }
    let item = ScaleWord {
        exponent,
        word: word.to_owned(),
        glued,
    };
    if !out.contains(&item) {
        out.push(item);
    }
}

/// The scale words CLDR gives a locale, by formatting samples (see the module docs).
fn harvest_scales(loc: &Locale, group: char, decimal: char) -> Vec<ScaleWord> {
    let mut out = Vec::new();
    let formatters = [
        CompactDecimalFormatter::try_new_short(loc.into(), Default::default()).ok(),
        CompactDecimalFormatter::try_new_long(loc.into(), Default::default()).ok(),
    ];
    for formatter in formatters.iter().flatten() {
        for exponent in EXPONENTS {
            for amount in SAMPLES {
                let Some((d, value)) = sample(amount, exponent) else {
                    continue;
                };
                let text = formatter.format_to_string(&d);
                let Some((before, printed, after)) = split_number(&text, group, decimal) else {
                    continue;
                };
                if printed.is_zero() {
                    continue;
                }
                let Some(e) = exponent_of(&(value / printed)) else {
                    continue;
                };
                let glued = !after.starts_with(is_space) && before.is_empty();
                push_word(&mut out, e, &format!("{before}{after}"), glued);
            }
        }
    }
    out
}

/// Scale words CLDR lacks (see the module docs).
fn scales_by_hand(primary: &str) -> &'static [(i64, &'static str, bool)] {
    match primary {
        "en" => &[
            (3, "k", true),
            (3, "K", true),
            (6, "m", true),
            (6, "mn", true),
            (6, "mn", false),
            (6, "mln", false),
            (9, "bn", true),
            (9, "bn", false),
            (9, "bln", false),
            (12, "tn", true),
            (12, "tn", false),
            (12, "trn", false),
        ],
        "de" => &[(3, "Tsd.", false)],
        _ => &[],
    }
}

fn percent_words(primary: &str) -> &'static [&'static str] {
    match primary {
        "en" => &[" percent", " per cent", " pct"],
        "ru" => &[" процент", " процента", " процентов"],
        "uk" => &[" відсоток", " відсотка", " відсотки", " відсотків"],
        "kk" => &[" пайыз", " процент"],
        "de" => &[" Prozent"],
        "fr" => &[" pour cent", " pourcent"],
        "es" => &[" por ciento"],
        _ => &[],
    }
}

/// Short names of currencies CLDR spells out (see the module docs).
fn currency_by_hand(code: &str) -> &'static [&'static str] {
    match code {
        "UAH" => &["грн", "₴"],
        "KZT" => &["тг", "₸"],
        "RUB" => &["руб", "₽"],
        "USD" => &["$"],
        "EUR" => &["€"],
        _ => &[],
    }
}

/// Builds a language from CLDR, or `None` if ICU4X cannot read the tag.
fn build(tag: &str) -> Option<Language> {
    let loc = locale(tag)?;
    let primary = loc.id.language.as_str().to_owned();
    let (group, decimal) = DecimalFormatter::try_new((&loc).into(), Default::default())
        .ok()
        .and_then(|f| separators(&f.format_to_string(&IcuDecimal::from_str("1234567.5").ok()?)))
        .unwrap_or((',', '.'));
    let mut scales = Vec::new();
    // English keeps the spellings factkit always tried first (`figure.rs`).
    let by_hand = scales_by_hand(&primary);
    if primary == "en" {
        for &(e, w, g) in by_hand {
            push_word(&mut scales, e, w, g);
        }
    }
    for w in harvest_scales(&loc, group, decimal) {
        push_word(&mut scales, w.exponent, &w.word, w.glued);
    }
    if primary != "en" {
        for &(e, w, g) in by_hand {
            push_word(&mut scales, e, w, g);
        }
    }
    let lower: Vec<ScaleWord> = scales
        .iter()
        .filter(|w| {
            !w.word.contains(is_space)
                && (2..=4).contains(&w.word.chars().filter(|c| c.is_alphabetic()).count())
        })
        .map(|w| ScaleWord {
            word: w.word.to_lowercase(),
            ..w.clone()
        })
        .collect();
    for w in lower {
        push_word(&mut scales, w.exponent, &w.word, w.glued);
    }
    let mut percent = vec!["%".to_owned()];
    percent.extend(percent_words(&primary).iter().map(|w| (*w).to_owned()));
    Some(Language {
        tag: if KNOWN.contains(&primary.as_str()) {
            primary
        } else {
            loc.to_string()
        },
        decimal,
        group,
        scales,
        percent,
    })
}

fn cache() -> &'static Mutex<HashMap<String, Option<Arc<Language>>>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Option<Arc<Language>>>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// The language of a tag, harvested once per run.
pub fn language(tag: &str) -> Option<Arc<Language>> {
    // A poisoned lock only means another thread panicked while inserting; the map is
    // still a valid cache.
    let mut map = cache().lock().unwrap_or_else(|e| e.into_inner());
    map.entry(tag.to_owned())
        .or_insert_with(|| build(tag).map(Arc::new))
        .clone()
}

/// The languages to try for sources with these `language` tags (`None`: a source without
/// one), in order: each tag's language, then the known languages when a tag is missing,
/// unreadable or not one of them, and English last.
pub fn languages(tags: &[Option<&str>]) -> Vec<Arc<Language>> {
    let mut wanted: Vec<String> = Vec::new();
    let mut all = tags.is_empty();
    for tag in tags {
        let Some(primary) =
            tag.and_then(|t| locale(t).map(|l| (l.id.language.as_str().to_owned(), l.to_string())))
        else {
            all = true;
            continue;
        };
        let (primary, full) = primary;
        if KNOWN.contains(&primary.as_str()) {
            wanted.push(primary);
        } else {
            wanted.push(full);
            all = true;
        }
    }
    if all {
        wanted.extend(KNOWN.iter().map(|t| (*t).to_owned()));
    }
    wanted.push("en".to_owned());
    let mut out: Vec<Arc<Language>> = Vec::new();
    for tag in wanted {
        if let Some(l) = language(&tag) {
            if !out.iter().any(|o| o.tag == l.tag) {
                out.push(l);
            }
        }
    }
    out
}

/// The signs and words a language writes a currency with (`$`, `долларов`, `США`,
/// `грн`), as normalised tokens would read them, harvested once per run.
pub fn currency_words(language: &Language, code: &str) -> Arc<Vec<String>> {
    type Cache = Mutex<HashMap<(String, String), Arc<Vec<String>>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = (language.tag.clone(), code.to_owned());
    // As in `language`: a poisoned cache is still a cache.
    if let Some(words) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return words.clone();
    }
    let mut words: Vec<String> = vec![code.to_owned()];
    words.extend(currency_by_hand(code).iter().map(|w| (*w).to_owned()));
    if let (Some(loc), Ok(tiny)) = (locale(&language.tag), tinystr::TinyAsciiStr::from_str(code)) {
        let currency = CurrencyCode(tiny);
        let mut texts: Vec<String> = Vec::new();
        if let Ok(f) = CurrencyFormatter::try_new((&loc).into(), Default::default()) {
            if let Ok(d) = IcuDecimal::from_str("4") {
                texts.push(f.format_fixed_decimal(&d, &currency).to_string());
            }
        }
        if let Ok(f) = LongCurrencyFormatter::try_new((&loc).into(), &currency) {
            for amount in SAMPLES {
                if let Ok(d) = IcuDecimal::from_str(amount) {
                    texts.push(f.format_fixed_decimal(&d).to_string());
                }
            }
        }
        for text in texts {
            for token in super::text::tokenize(&text) {
                let w = &token.text;
                // Digits are the sample; short lower-case words are grammar (`des`, `de`).
                let symbol = !w.chars().any(char::is_alphanumeric);
                let name = w.chars().count() >= 4 || !w.chars().any(char::is_lowercase);
                if !w.chars().any(|c| c.is_ascii_digit()) && (symbol || name) {
                    words.push(token.text);
                }
            }
        }
    }
    let mut unique: Vec<String> = Vec::new();
    for w in words {
        if !unique.contains(&w) {
            unique.push(w);
        }
    }
    let words = Arc::new(unique);
    cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key, words.clone());
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(tag: &str, exponent: i64) -> Vec<String> {
        language(tag)
            .unwrap()
            .scale_words(exponent)
            .map(|w| w.word.clone())
            .collect()
    }

    #[test]
    fn russian() {
        let ru = language("ru").unwrap();
        assert_eq!((ru.group, ru.decimal), (' ', ','));
        let t = words("ru", 12);
        for w in ["трлн", "триллион", "триллиона", "триллионов"] {
            assert!(t.contains(&w.to_owned()), "{w}: {t:?}");
        }
        assert!(words("ru", 9).contains(&"млрд".to_owned()));
        assert!(words("ru", 6).contains(&"млн".to_owned()));
        assert!(words("ru", 3).contains(&"тыс.".to_owned()));
        assert!(ru.percent.contains(&" процентов".to_owned()));
        let usd = currency_words(&ru, "USD");
        assert!(usd.contains(&"долларов".to_owned()), "{usd:?}");
        assert!(usd.contains(&"$".to_owned()));
        let uah = currency_words(&ru, "UAH");
        assert!(uah.contains(&"гривен".to_owned()), "{uah:?}");
        assert!(uah.contains(&"грн".to_owned()));
    }

    #[test]
    fn ukrainian_and_kazakh() {
        let uk = language("uk").unwrap();
        assert_eq!((uk.group, uk.decimal), (' ', ','));
        assert!(words("uk", 3).contains(&"тис.".to_owned()));
        for w in ["мільярд", "мільярди", "мільярдів", "млрд"] {
            assert!(words("uk", 9).contains(&w.to_owned()), "{w}");
        }
        let uah = currency_words(&uk, "UAH");
        assert!(uah.contains(&"гривень".to_owned()), "{uah:?}");
        let kk = language("kk").unwrap();
        assert!(words("kk", 12).contains(&"трлн".to_owned()));
        assert!(words("kk", 9).contains(&"миллиард".to_owned()));
        let kzt = currency_words(&kk, "KZT");
        assert!(kzt.contains(&"₸".to_owned()), "{kzt:?}");
    }

    #[test]
    fn german_french_spanish() {
        let de = language("de").unwrap();
        assert_eq!((de.group, de.decimal), ('.', ','));
        assert!(words("de", 9).contains(&"Mrd.".to_owned()));
        assert!(words("de", 6).contains(&"Mio.".to_owned()));
        assert!(words("de", 9).contains(&"Milliarden".to_owned()));
        let fr = language("fr").unwrap();
        assert_eq!((fr.group, fr.decimal), (' ', ','));
        assert!(words("fr", 9).contains(&"Md".to_owned()));
        assert!(words("fr", 9).contains(&"md".to_owned()));
        assert!(words("fr", 9).contains(&"milliards".to_owned()));
        let es = language("es").unwrap();
        assert_eq!((es.group, es.decimal), ('.', ','));
        assert!(words("es", 9).contains(&"mil millones".to_owned()));
        assert!(words("es", 6).contains(&"millones".to_owned()));
        // `1000 M` is 10⁹ written in millions: `M` stands for 10⁶, never 10⁹.
        assert!(words("es", 6).contains(&"M".to_owned()));
        assert!(!words("es", 9).contains(&"M".to_owned()));
        let usd = currency_words(&language("fr").unwrap(), "USD");
        assert!(usd.contains(&"dollars".to_owned()) && !usd.contains(&"des".to_owned()));
        let eur = currency_words(&es, "EUR");
        assert!(eur.contains(&"euros".to_owned()) && eur.contains(&"€".to_owned()));
    }

    #[test]
    fn english_keeps_its_abbreviations_first() {
        let en = language("en").unwrap();
        assert_eq!((en.group, en.decimal), (',', '.'));
        let t = words("en", 12);
        for w in ["tn", "trn", "T", "trillion"] {
            assert!(t.contains(&w.to_owned()), "{w}: {t:?}");
        }
        assert!(en.percent.contains(&" per cent".to_owned()));
    }

    #[test]
    fn which_languages_are_tried() {
        let tags = |t: &[Option<&str>]| -> Vec<String> {
            languages(t).iter().map(|l| l.tag.clone()).collect()
        };
        assert_eq!(tags(&[Some("ru")]), ["ru", "en"]);
        assert_eq!(tags(&[Some("ru-UA")]), ["ru", "en"]);
        assert_eq!(tags(&[Some("en")]), ["en"]);
        assert_eq!(tags(&[None]), KNOWN);
        assert_eq!(tags(&[Some("not a tag!")]), KNOWN);
        let pl = tags(&[Some("pl")]);
        assert_eq!(pl[0], "pl");
        assert_eq!(&pl[1..], KNOWN);
    }
}
