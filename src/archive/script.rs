//! Look-alike letters of different scripts: Latin `a` typed for Cyrillic `а`, Latin `i` for
//! Cyrillic `і`.
//!
//! Such a word looks the same on screen but is another string, so an exact comparison fails
//! and a plain diff shows two sides that read identically. The near-miss search of
//! `quote.rs` asks [`alike`] whether a quote word and a source word differ *only* by such
//! letters, counts them as in place (so a quote typed on the wrong keyboard layout is not
//! called invented), and [`describe`] names the letters, their scripts and their code
//! points.
//!
//! Two letters are look-alikes when their scripts (the Unicode `Script` property, from the
//! `unicode-script` crate) are two different real scripts, not `Common` or `Inherited`,
//! and they have the same confusable skeleton of Unicode Technical Standard #39 (from the
//! `unicode-security` crate, the tables rustc uses for its confusable-identifier lint).
//! Any pair of scripts is covered: Latin and Cyrillic, Latin and Greek, Cyrillic and Greek,
//! Armenian, Cherokee, and so on. Digits and symbols (`0` and `O`) are not letters of a
//! script and stay ordinary changes, and so do look-alikes within one script (`rn` and
//! `m`). Nothing here reads files or knows about quotes.

use std::hash::{DefaultHasher, Hash, Hasher};

use unicode_script::{Script, UnicodeScript};

/// The script of a letter, when it belongs to one (not `Common`, `Inherited` or `Unknown`).
fn script_of(c: char) -> Option<Script> {
    match c.script() {
        Script::Common | Script::Inherited | Script::Unknown => None,
        s => Some(s),
    }
}

/// Whether two chars have the same confusable skeleton.
fn same_skeleton(a: char, b: char) -> bool {
    let mut x = [0u8; 4];
    let mut y = [0u8; 4];
    unicode_security::skeleton(a.encode_utf8(&mut x))
        .eq(unicode_security::skeleton(b.encode_utf8(&mut y)))
}

/// The look-alike letters by which `quote` differs from `source`, in order of first
/// appearance and without repeats, when it differs by such letters only: the same number
/// of chars, and at every place where they differ two letters of different scripts with
/// the same skeleton. `None` when the words are equal or differ otherwise.
pub fn alike(quote: &str, source: &str) -> Option<Vec<(char, char)>> {
    let mut pairs: Vec<(char, char)> = Vec::new();
    let mut q = quote.chars();
    let mut s = source.chars();
    loop {
        match (q.next(), s.next()) {
            (None, None) => break,
            (Some(a), Some(b)) if a == b => {}
            (Some(a), Some(b)) => {
                let (sa, sb) = (script_of(a)?, script_of(b)?);
                if sa == sb || !same_skeleton(a, b) {
                    return None;
                }
                if !pairs.contains(&(a, b)) {
                    pairs.push((a, b));
                }
            }
            _ => return None,
        }
    }
    (!pairs.is_empty()).then_some(pairs)
}

/// A hash of a word's skeleton, char by char: two words that are [`alike`] have the same
/// key (the converse is checked by [`alike`]).
pub fn key(word: &str) -> u64 {
    let mut h = DefaultHasher::new();
    let mut buf = [0u8; 4];
    for c in word.chars() {
        for k in unicode_security::skeleton(c.encode_utf8(&mut buf)) {
            k.hash(&mut h);
        }
        // A separator keeps the chars apart: `rn` and `m` have one skeleton, not one key.
        '\0'.hash(&mut h);
    }
    h.finish()
}

/// The script of a word when all its letters share one (digits and punctuation aside).
fn single_script(word: &str) -> Option<Script> {
    let mut found = None;
    for s in word.chars().filter_map(script_of) {
        match found {
            None => found = Some(s),
            Some(f) if f == s => {}
            Some(_) => return None,
        }
    }
    found
}

fn name(c: char) -> String {
    let script = script_of(c).map_or("", |s| s.full_name());
    format!("{script} `{c}` (U+{:04X})", u32::from(c))
}

/// Which side's word mixes scripts, for the wording of [`describe`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The source's word is of one script: the quote's has letters of another.
    Quote(Script),
    /// The quote's word is of one script: the source's has letters of another.
    Source(Script),
    /// Neither word is of one script.
    Both,
}

/// Which word mixes scripts: `quote` or `source` (two [`alike`] words).
pub fn place(quote: &str, source: &str) -> Place {
    match (single_script(source), single_script(quote)) {
        (Some(s), _) => Place::Quote(s),
        (None, Some(q)) => Place::Source(q),
        (None, None) => Place::Both,
    }
}

/// Look-alike words that differ by the same letters, `pairs` as [`alike`] found them, in one
/// phrase: ``Latin `a` (U+0061) for Cyrillic `а` (U+0430) in a Cyrillic word: `мaма` →
/// `мама` ``, or, for several words, ``… in 5 Cyrillic words: `мiста` → `міста`, …``
/// (the first three shown).
pub fn describe(pairs: &[(char, char)], place: Place, words: &[(&str, &str)]) -> String {
    let letters = pairs
        .iter()
        .map(|&(q, s)| format!("{} for {}", name(q), name(s)))
        .collect::<Vec<_>>()
        .join(" and ");
    let n = words.len();
    let what = |script: Script| match n {
        1 => format!("a {} word", script.full_name()),
        _ => format!("{n} {} words", script.full_name()),
    };
    let where_ = match place {
        Place::Quote(s) => format!(" in {}", what(s)),
        Place::Source(s) => format!(", which the source has in {}", what(s)),
        Place::Both if n > 1 => format!(" in {n} words"),
        Place::Both => String::new(),
    };
    let mut shown = words
        .iter()
        .take(3)
        .map(|(q, s)| format!("`{q}` → `{s}`"))
        .collect::<Vec<_>>();
    if n > 3 {
        shown.push("…".to_owned());
    }
    format!("{letters}{where_}: {}", shown.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_letters_in_cyrillic_words() {
        // Latin `a` (U+0061) in `мама`.
        let one = |q: &str, s: &str| {
            let pairs = alike(q, s).unwrap();
            describe(&pairs, place(q, s), &[(q, s)])
        };
        assert_eq!(alike("м\u{61}ма", "мама").unwrap(), [('a', 'а')]);
        assert_eq!(
            one("м\u{61}ма", "мама"),
            "Latin `a` (U+0061) for Cyrillic `а` (U+0430) in a Cyrillic word: `мaма` → `мама`"
        );
        // Latin `h` and `i` for Cyrillic `һ` and `і`.
        assert_eq!(
            alike("hi", "\u{4BB}\u{456}").unwrap(),
            [('h', '\u{4BB}'), ('i', '\u{456}')]
        );
        assert_eq!(
            one("hi", "\u{4BB}\u{456}"),
            "Latin `h` (U+0068) for Cyrillic `һ` (U+04BB) and Latin `i` (U+0069) for Cyrillic `і` (U+0456) in a Cyrillic word: `hi` → `һі`"
        );
        // The source's word is the mixed one.
        assert_eq!(
            one("мама", "м\u{61}ма"),
            "Cyrillic `а` (U+0430) for Latin `a` (U+0061), which the source has in a Cyrillic word: `мама` → `мaма`"
        );
        // Several words with the same letters.
        let words = [
            ("мiста", "міста"),
            ("i", "і"),
            ("нiс", "ніс"),
            ("вiн", "він"),
        ];
        assert_eq!(
            describe(&[('i', 'і')], place("i", "і"), &words),
            "Latin `i` (U+0069) for Cyrillic `і` (U+0456) in 4 Cyrillic words: `мiста` → `міста`, `i` → `і`, `нiс` → `ніс`, …"
        );
        // Greek omicron in a Latin word.
        assert!(alike("g\u{3BF}od", "good").is_some());
        assert_eq!(key("g\u{3BF}od"), key("good"));
    }

    #[test]
    fn other_differences_are_not_look_alikes() {
        assert_eq!(alike("мама", "мама"), None);
        assert_eq!(alike("sustainable", "sustained"), None);
        // Look-alikes within one script, and digits, are ordinary changes.
        assert_eq!(alike("modern", "modem"), None);
        assert_eq!(alike("l0ve", "lOve"), None);
        // One look-alike letter and one other change.
        assert_eq!(alike("м\u{61}мы", "мама"), None);
        assert_eq!(alike("м\u{61}м", "мама"), None);
        assert_ne!(key("rn"), key("m"));
    }
}
