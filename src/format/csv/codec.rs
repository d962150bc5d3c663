//! The CSV cell codec: formula neutralisation and its inverse, in one place.
//!
//! A cell that a spreadsheet would run as a formula (OWASP, "CSV Injection") is written with
//! an apostrophe in front: [`neutralise`] adds one when the text, after any leading `'`s,
//! starts with `=`, `+`, `-`, `@`, a tab or a carriage return and the text is not a plain
//! number ([`is_plain_number`]: `-12.5`, `+3`, `1e9` stay as they are). So that this stays
//! reversible, a text that already starts with apostrophes followed by one of those
//! characters gets one more (`'=x` is written `''=x`, `'-5` is written `''-5`).
//! [`restore`] undoes it: a cell matching `^'+[=+\-@\t\r]` loses its first character, any
//! other cell is read as it is. `restore(&neutralise(s)) == s` for every string `s`.
//!
//! Every CSV writer of factkit (`export --to csv`, `convert` to CSV) neutralises through
//! [`neutralise`], and every CSV reader (`check`, `convert` from CSV) restores through
//! [`restore`], so whatever one writes the other reads back as the same string. This module
//! knows nothing of records, columns or typing: it maps one cell's text to another.

use std::borrow::Cow;

/// The characters that make a spreadsheet read a cell as a formula.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether a spreadsheet reads `text` as a plain number: an optional sign, digits with an
/// optional fraction (`1.`, `.5` and `1.5` all count), and an optional exponent
/// (`-12.5`, `+3`, `1e9`, `-.5`).
pub fn is_plain_number(text: &str) -> bool {
    let rest = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            (digits(int) && (frac.is_empty() || digits(frac))) || (int.is_empty() && digits(frac))
        }
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

/// Whether `text`, after its leading apostrophes, starts like a formula.
fn starts_like_formula(text: &str) -> bool {
    text.trim_start_matches('\'').starts_with(FORMULA_START)
}

/// The cell to write for `text`: with a leading `'` when a spreadsheet would run it as a
/// formula, or when it already starts with `'`s before a formula character (see the module
/// docs).
pub fn neutralise(text: &str) -> Cow<'_, str> {
    if starts_like_formula(text) && !is_plain_number(text) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

/// The text of a cell as read from a file: the inverse of [`neutralise`], dropping the one
/// `'` it adds (a cell matching `^'+[=+\-@\t\r]` loses its first character).
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if starts_like_formula(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formulas_are_neutralised_and_numbers_are_not() {
        for (text, cell) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("=SUM(A1)", "'=SUM(A1)"),
            ("+1+1", "'+1+1"),
            ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
            ("-2+3", "'-2+3"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("-", "'-"),
            ("=", "'="),
            ("-12.5", "-12.5"),
            ("+3", "+3"),
            ("-1e9", "-1e9"),
            ("14", "14"),
            ("a=b", "a=b"),
            ("'quoted'", "'quoted'"),
            ("'hello", "'hello"),
            ("'", "'"),
            ("'=x", "''=x"),
            ("", ""),
        ] {
            assert_eq!(neutralise(text), cell, "{text:?}");
            assert_eq!(restore(cell), text, "{cell:?}");
        }
    }

    #[test]
    fn neutralising_is_reversible() {
        for text in [
            "=1", "'=1", "''=1", "'", "'a", "-12.5", "-x", "@", "plain", "", "\t", "'\t",
        ] {
            assert_eq!(restore(&neutralise(text)), text, "{text:?}");
        }
    }

    /// Issue 12: the two codecs disagreed on a text whose apostrophe precedes a
    /// number: `'-5` was written `''-5` and read back as `''-5`.
    #[test]
    fn an_apostrophe_before_a_number_round_trips() {
        assert_eq!(neutralise("'-5"), "''-5");
        assert_eq!(restore("''-5"), "'-5");
        assert_eq!(neutralise("''+1.5"), "'''+1.5");
        assert_eq!(restore("'''+1.5"), "''+1.5");
        assert_eq!(restore("-5"), "-5");
    }

    #[test]
    fn plain_numbers() {
        for yes in ["0", "-12.5", "+1", "1.", "-.5", "1e5", "1E-5", "007"] {
            assert!(is_plain_number(yes), "{yes}");
        }
        for no in [
            "", "-", "+", "1+1", "-2+3", "1e", "e5", ".5e", ".", "-.", "1.2.3", "--1", "1,5", "'-5",
        ] {
            assert!(!is_plain_number(no), "{no}");
        }
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![any::<String>(), "['=+@\\-\t\r0-9.eE a]{0,8}"]
    }

    proptest! {
        /// Restoring a neutralised cell gives back the text, for any string.
        #[test]
        fn restore_undoes_neutralise(s in text()) {
            let cell = neutralise(&s);
            prop_assert_eq!(restore(&cell), s.as_str());
        }

        /// A neutralised cell never starts like a formula unless it is a plain number.
        #[test]
        fn neutralised_cells_are_inert(s in text()) {
            let cell = neutralise(&s);
            prop_assert!(!cell.starts_with(FORMULA_START) || is_plain_number(&cell));
        }
    }
}
