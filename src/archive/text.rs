//! The normaliser: text into the words, numbers and symbols that quotes are compared on.
//!
//! Both sides of a comparison, the archived text and the quote, go through [`tokenize`], so
//! they differ only where their words differ. What is normalised away is typography, and
//! only typography:
//!
//! - Unicode normalisation: every token is put in NFC, so `é` typed as `e` + U+0301 equals
//!   the precomposed `é`.
//! - Quotation marks and apostrophes: `’ ‘ ʼ ‛ ′ ` ´` inside a word are the apostrophe `'`
//!   (`don’t` = `don't`); outside words, quotation marks of every style are punctuation.
//! - Dashes: the hyphen, the dash family (U+2010–U+2015), the minus sign and their small
//!   and full-width forms separate words, like white space. A dash or minus directly before
//!   a digit at the start of a word is a sign, and `−5` = `-5` = `–5`.
//! - White space: spaces, non-breaking and narrow spaces, tabs, line breaks and every other
//!   Unicode white space separate words, however many there are.
//! - Punctuation (Unicode categories P*: `. , ; : ! ? ( ) [ ] " '` and their typographic
//!   forms) separates words and is not compared, so a quote may end with a full stop where
//!   the source had a comma. Inside a number, `.` and `,` between digits belong to it
//!   (`26.2`, `14,000`).
//! - The Cyrillic `ё` is `е` and `Ё` is `Е` (U+0451, U+0401 and their decomposed forms),
//!   since the dots are optional in Russian writing: `её` = `ее`. Only for matching: a
//!   passage shown is the archive's own spelling.
//! - Invisible format characters (soft hyphen, zero-width space and joiners, byte order
//!   mark) are dropped, so `sus\u{AD}tained` = `sustained`.
//!
//! What is **never** normalised away: letters and their case, digits, words, and symbols.
//! Every currency, mathematical and other symbol (`$`, `€`, `%`, `+`, `°`, `#`, `&`, `@`, `§`,
//! `‰`) is a token of its own, so `$5` ≠ `€5` and `8%` ≠ `8`.
//!
//! A word is a maximal run of letters, combining marks and digits (Unicode categories L*, M*,
//! N*). Scripts written without spaces between words (Han, kana, Thai, Lao, Khmer,
//! Myanmar) are tokenised one character at a time, which keeps matching exact there too.
//!
//! Character classes come from the Unicode general category (the `unicode-general-category`
//! crate, already in the build through `jsonschema`), with a fast path for ASCII that a test
//! holds to the same answers; NFC comes from `unicode-normalization`. Nothing here reads
//! files or knows about quotes' editorial marks; see `quote.rs`.

use std::ops::Range;

use unicode_general_category::{get_general_category, GeneralCategory as Gc};
use unicode_normalization::UnicodeNormalization;

/// A normalised token and where it stands in the text it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The token in its normal form.
    pub text: String,
    /// Byte range in the text it was read from.
    pub span: Range<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Letters, marks, digits: the stuff of words.
    Word,
    /// A word character of a script written without spaces: a token on its own.
    Unspaced,
    /// A symbol: a token on its own.
    Symbol,
    /// An invisible format character: dropped, joins what is around it.
    Invisible,
    /// White space, punctuation, control characters: separates tokens.
    Separator,
}

/// The typographic variants a character stands for: apostrophes and dashes become their
/// ASCII forms, `ё` and `Ё` become `е` and `Е`; everything else is itself.
fn fold(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{02BC}' | '\u{2032}' | '`' | '\u{B4}'
        | '\u{FF07}' => '\'',
        '\u{2010}'..='\u{2015}'
        | '\u{2212}'
        | '\u{2043}'
        | '\u{FE58}'
        | '\u{FE63}'
        | '\u{FF0D}' => '-',
        // `ё` is optional in Russian writing: `её` and `ее` are one word.
        'ё' => 'е',
        'Ё' => 'Е',
        _ => c,
    }
}

fn is_unspaced_script(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF // Thai, Lao
        | 0x1000..=0x109F // Myanmar
        | 0x1780..=0x17FF // Khmer
        | 0x3040..=0x30FF // Hiragana, Katakana
        | 0x3400..=0x4DBF // CJK Extension A
        | 0x4E00..=0x9FFF // CJK Unified Ideographs
        | 0xF900..=0xFAFF // CJK Compatibility Ideographs
        | 0x20000..=0x3FFFF) // CJK Extensions B and later
}

/// The class of an already folded character.
fn class(c: char) -> Class {
    if c.is_ascii() {
        return ascii_class(c);
    }
    unicode_class(c)
}

/// The class of an ASCII character, without the table lookup (the same answer; a test
/// holds the two together).
fn ascii_class(c: char) -> Class {
    match c {
        'a'..='z' | 'A'..='Z' | '0'..='9' => Class::Word,
        '$' | '+' | '<' | '=' | '>' | '|' | '~' | '%' | '#' | '&' | '@' => Class::Symbol,
        _ => Class::Separator,
    }
}

fn unicode_class(c: char) -> Class {
    if c.is_whitespace() {
        return Class::Separator;
    }
    match get_general_category(c) {
        Gc::UppercaseLetter
        | Gc::LowercaseLetter
        | Gc::TitlecaseLetter
        | Gc::ModifierLetter
        | Gc::OtherLetter
        | Gc::NonspacingMark
        | Gc::SpacingMark
        | Gc::EnclosingMark
        | Gc::DecimalNumber
        | Gc::LetterNumber
        | Gc::OtherNumber => {
            if is_unspaced_script(c) {
                Class::Unspaced
            } else {
                Class::Word
            }
        }
        Gc::CurrencySymbol | Gc::MathSymbol | Gc::OtherSymbol => Class::Symbol,
        Gc::OtherPunctuation if matches!(c, '%' | '‰' | '‱' | '#' | '&' | '@' | '§') => {
            Class::Symbol
        }
        Gc::Format => Class::Invisible,
        _ => Class::Separator,
    }
}

fn is_mark(c: char) -> bool {
    !c.is_ascii()
        && matches!(
            get_general_category(c),
            Gc::NonspacingMark | Gc::SpacingMark | Gc::EnclosingMark
        )
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && get_general_category(c) == Gc::DecimalNumber)
}

/// Whether a character belongs to a word (a letter, mark or digit, after folding), as
/// opposed to white space, punctuation or a symbol.
pub fn is_word_char(c: char) -> bool {
    matches!(class(fold(c)), Class::Word | Class::Unspaced)
}

/// The folded char at byte `at` of `text` and its length in bytes.
fn folded_at(text: &str, at: usize) -> Option<(char, usize)> {
    let c = text.get(at..)?.chars().next()?;
    Some((fold(c), c.len_utf8()))
}

/// The tokens of a text, read one at a time without holding them all: the index of a large
/// archive is built from this, so that a token costs no allocation unless its word is new.
/// [`tokenize`] collects the same tokens.
#[derive(Debug, Clone)]
pub struct Tokens<'t> {
    text: &'t str,
    /// Byte offset of the next char to read.
    at: usize,
    /// The folded char just before `at`, if any: a `-` is a sign only after a non-word char.
    prev: Option<char>,
}

impl<'t> Tokens<'t> {
    /// The tokens of `text`, from its start.
    pub fn new(text: &'t str) -> Tokens<'t> {
        Tokens {
            text,
            at: 0,
            prev: None,
        }
    }

    /// Reads the next token: writes its normal form into `out` (cleared first) and returns
    /// its byte range in the text, or `None` at the end.
    pub fn next_into(&mut self, out: &mut String) -> Option<Range<usize>> {
        let text = self.text;
        loop {
            let (c, len) = folded_at(text, self.at)?;
            let start = self.at;
            let signed = c == '-'
                && folded_at(text, start + len).is_some_and(|(d, _)| is_digit(d))
                && self.prev.is_none_or(|p| class(p) != Class::Word);
            match class(c) {
                Class::Word => {}
                Class::Separator if signed => {}
                Class::Unspaced => {
                    let mut j = start + len;
                    let mut last = c;
                    while let Some((d, l)) = folded_at(text, j) {
                        if !(is_mark(d) || class(d) == Class::Invisible) {
                            break;
                        }
                        last = d;
                        j += l;
                    }
                    self.at = j;
                    self.prev = Some(last);
                    if normal_form(&text[start..j], out) {
                        return Some(start..j);
                    }
                    continue;
                }
                Class::Symbol => {
                    self.at = start + len;
                    self.prev = Some(c);
                    out.clear();
                    out.push(c);
                    return Some(start..self.at);
                }
                Class::Invisible | Class::Separator => {
                    self.at = start + len;
                    self.prev = Some(c);
                    continue;
                }
            }
            // A word (or a signed number): letters, marks and digits, joined by an apostrophe
            // between two word characters, or by `.`/`,` between two digits.
            let mut j = start + len;
            let mut last = c;
            while let Some((d, l)) = folded_at(text, j) {
                match class(d) {
                    Class::Word | Class::Invisible => {}
                    _ => {
                        let next = folded_at(text, j + l).map(|(n, _)| n);
                        let joins = match d {
                            '\'' => {
                                class(last) == Class::Word
                                    && next.is_some_and(|n| class(n) == Class::Word)
                            }
                            '.' | ',' => is_digit(last) && next.is_some_and(is_digit),
                            _ => false,
                        };
                        if !joins {
                            break;
                        }
                    }
                }
                last = d;
                j += l;
            }
            self.at = j;
            self.prev = Some(last);
            if normal_form(&text[start..j], out) {
                return Some(start..j);
            }
        }
    }
}

impl Iterator for Tokens<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        let mut text = String::new();
        let span = self.next_into(&mut text)?;
        Some(Token { text, span })
    }
}

/// The byte offset just past the token that starts at byte `start` of `text` (a position
/// [`Tokens`] returned), found again by reading that token: the index keeps only where
/// tokens start.
pub fn token_end(text: &str, start: usize) -> usize {
    let Some(rest) = text.get(start..) else {
        return start;
    };
    let mut scratch = String::new();
    // A token starts with a word char, a symbol, or a `-` before a digit: read alone, it
    // is the same token (a `-` with nothing before it is a sign).
    Tokens::new(rest)
        .next_into(&mut scratch)
        .map_or(start, |span| start + span.end)
}

/// Writes the normal form of one token's raw text into `out`: folded, invisible characters
/// dropped, NFC. Returns whether anything is left.
fn normal_form(raw: &str, out: &mut String) -> bool {
    out.clear();
    if raw.is_ascii() {
        // ASCII has no invisible characters and is always in NFC; only `` ` `` folds.
        out.extend(raw.chars().map(fold));
    } else {
        out.extend(
            raw.chars()
                .map(fold)
                .filter(|&c| class(c) != Class::Invisible),
        );
        if unicode_normalization::is_nfc_quick(out.chars())
            != unicode_normalization::IsNormalized::Yes
        {
            // NFC may compose `е` + U+0308 into `ё`: folded again.
            let nfc: String = out.chars().nfc().map(fold).collect();
            *out = nfc;
        }
    }
    !out.is_empty()
}

/// Splits `text` into normalised tokens, each with its byte range in `text`.
pub fn tokenize(text: &str) -> Vec<Token> {
    Tokens::new(text).collect()
}

#[cfg(test)]
/// The normal form of a text: its tokens joined by single spaces. Two texts compare equal
/// under the quote rules exactly when their normal forms are equal.
pub fn normalise(text: &str) -> String {
    tokenize(text)
        .into_iter()
        .map(|t| t.text)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        tokenize(text).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn ascii_fast_path_agrees_with_the_tables() {
        for b in 0u8..128 {
            let c = char::from(b);
            assert_eq!(ascii_class(c), unicode_class(c), "{c:?}");
        }
    }

    #[test]
    fn apostrophes_and_quotation_marks() {
        assert_eq!(normalise("don’t"), normalise("don't"));
        assert_eq!(normalise("Tokayev’s reform"), "Tokayev's reform");
        assert_eq!(normalise("“We will”"), normalise("\"We will\""));
        assert_eq!(normalise("«We will»"), "We will");
        assert_eq!(normalise("experts’ view"), "experts view");
    }

    #[test]
    fn dashes_and_white_space() {
        assert_eq!(normalise("growth—and"), normalise("growth - and"));
        assert_eq!(normalise("2024–2025"), "2024 2025");
        assert_eq!(normalise("a\u{A0}b\u{202F}c\r\n\td   e"), "a b c d e");
        assert_eq!(normalise("fell by −5 points"), "fell by -5 points");
        assert_eq!(normalise("fell by -5"), normalise("fell by –5"));
        assert_eq!(normalise("the 2024-25 season"), "the 2024 25 season");
    }

    #[test]
    fn nfc_and_invisible_characters() {
        assert_eq!(normalise("cafe\u{301}"), "caf\u{E9}");
        assert_eq!(normalise("sus\u{AD}tained"), "sustained");
        assert_eq!(normalise("\u{FEFF}word"), "word");
    }

    #[test]
    fn numbers_keep_their_digits_and_separators() {
        assert_eq!(words("US$26.2 billion"), ["US", "$", "26.2", "billion"]);
        assert_eq!(words("224,000 people."), ["224,000", "people"]);
        assert_eq!(words("8% of GDP"), ["8", "%", "of", "GDP"]);
        assert_ne!(normalise("8%"), normalise("8"));
        assert_ne!(normalise("$5"), normalise("€5"));
        assert_ne!(normalise("26.2"), normalise("26.3"));
        assert_ne!(normalise("14,000"), normalise("14 000"));
        assert_eq!(words("end.Next, then 3.5."), ["end", "Next", "then", "3.5"]);
    }

    #[test]
    fn letters_case_and_words_are_kept() {
        assert_ne!(normalise("sustainable"), normalise("sustained"));
        assert_ne!(normalise("The reform"), normalise("the reform"));
        assert_ne!(normalise("a sustained rise"), normalise("a rise"));
        // A hyphen is one of the dashes: hyphenation is typography, the letters are kept.
        assert_eq!(normalise("well-known"), "well known");
    }

    #[test]
    fn yo_is_folded_into_ye() {
        assert_eq!(normalise("её"), normalise("ее"));
        assert_eq!(normalise("Ёлка"), "Елка");
        assert_eq!(normalise("е\u{308}ж"), "еж");
        // Only `ё`: other letters with a diaeresis stay what they are.
        assert_ne!(normalise("ї"), normalise("і"));
        assert_ne!(normalise("ä"), normalise("a"));
    }

    #[test]
    fn unspaced_scripts_go_one_character_at_a_time() {
        assert_eq!(words("改革很重要"), ["改", "革", "很", "重", "要"]);
    }

    /// The tokenizer as it was before [`Tokens`]: every char collected first. The streaming
    /// one must give the same tokens.
    fn reference(text: &str) -> Vec<Token> {
        let chars: Vec<(usize, char)> = text.char_indices().map(|(i, c)| (i, fold(c))).collect();
        let end_of = |k: usize| chars.get(k).map_or(text.len(), |&(i, _)| i);
        let mut tokens = Vec::new();
        let mut k = 0;
        while k < chars.len() {
            let (start, c) = chars[k];
            let signed = c == '-'
                && chars.get(k + 1).is_some_and(|&(_, d)| is_digit(d))
                && (k == 0 || class(chars[k - 1].1) != Class::Word);
            match class(c) {
                Class::Word => {}
                Class::Separator if signed => {}
                Class::Unspaced => {
                    let mut j = k + 1;
                    while j < chars.len()
                        && (is_mark(chars[j].1) || class(chars[j].1) == Class::Invisible)
                    {
                        j += 1;
                    }
                    reference_push(&mut tokens, &chars[k..j], start..end_of(j));
                    k = j;
                    continue;
                }
                Class::Symbol => {
                    tokens.push(Token {
                        text: c.to_string(),
                        span: start..end_of(k + 1),
                    });
                    k += 1;
                    continue;
                }
                Class::Invisible | Class::Separator => {
                    k += 1;
                    continue;
                }
            }
            // A word (or a signed number): letters, marks and digits, joined by an apostrophe
            // between two word characters, or by `.`/`,` between two digits.
            let mut j = k + 1;
            while j < chars.len() {
                let c = chars[j].1;
                match class(c) {
                    Class::Word | Class::Invisible => j += 1,
                    _ => {
                        let prev = chars[j - 1].1;
                        let next = chars.get(j + 1).map(|&(_, n)| n);
                        let joins = match c {
                            '\'' => {
                                class(prev) == Class::Word
                                    && next.is_some_and(|n| class(n) == Class::Word)
                            }
                            '.' | ',' => is_digit(prev) && next.is_some_and(is_digit),
                            _ => false,
                        };
                        if !joins {
                            break;
                        }
                        j += 1;
                    }
                }
            }
            reference_push(&mut tokens, &chars[k..j], start..end_of(j));
            k = j;
        }
        tokens
    }

    fn reference_push(tokens: &mut Vec<Token>, chars: &[(usize, char)], span: Range<usize>) {
        let text: String = chars
            .iter()
            .map(|&(_, c)| c)
            .filter(|&c| class(c) != Class::Invisible)
            .nfc()
            .collect();
        if !text.is_empty() {
            tokens.push(Token { text, span });
        }
    }

    #[test]
    fn streaming_agrees_with_the_reference() {
        let alphabet = [
            "a",
            "Z",
            "9",
            "0",
            " ",
            "-",
            "\u{2212}",
            "'",
            "\u{2019}",
            "`",
            ".",
            ",",
            "$",
            "%",
            "\u{AD}",
            "\u{200B}",
            "e\u{301}",
            "\u{E9}",
            "\u{301}",
            "改",
            "革",
            "\u{E01}",
            "\u{E31}",
            "\n",
            "\u{A0}",
            "\u{430}",
            "\u{456}",
            "\u{FEFF}",
            "«",
            "[",
            "\u{1F600}",
        ];
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..3000 {
            let len = (next() % 24) as usize;
            let text: String = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            let expected = reference(&text);
            assert_eq!(tokenize(&text), expected, "{text:?}");
            for t in &expected {
                assert_eq!(token_end(&text, t.span.start), t.span.end, "{text:?}");
            }
        }
    }

    #[test]
    fn spans_point_into_the_text() {
        let text = "“Don’t” — 8%";
        for t in tokenize(text) {
            assert!(text.get(t.span.clone()).is_some());
        }
        let t = &tokenize(text)[0];
        assert_eq!(&text[t.span.clone()], "Don’t");
    }
}
