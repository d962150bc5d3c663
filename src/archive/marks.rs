//! Where an archived text is inside quotation marks, for `quote-attribution`.
//!
//! One pass over the text pairs its quotation marks, nested, in every style:
//! `"…"`, `'…'`, `“…”`, `„…“`, `„…”`, `”…”`, `«…»`, `»…«`, `‹…›`, `›…‹`, `‘…’`, `‚…‘`,
//! `‚…’`, `「…」` and `『…』`. A mark closes the innermost open quotation when it is that
//! quotation's closing mark, and otherwise opens one if it can. An apostrophe or single
//! quotation mark between two letters or digits (`don’t`, `Tokayev's`) is not a quotation
//! mark, nor is a `’` that closes nothing (`experts’ view`). A quotation still open at a
//! paragraph break (a blank line) or at the end of the text ends there: English opens each
//! paragraph of a long quotation and closes only the last; a stray mark then makes the rest
//! of its paragraph quoted, so the rule errs towards silence.
//!
//! The result is the outermost quoted ranges, disjoint and sorted, so that asking whether a
//! byte is quoted is a binary search. Linear in the text; nothing here reads files.

use std::ops::Range;

/// The closing marks of a quotation opened by `c`, if `c` can open one.
fn closers(c: char) -> Option<&'static [char]> {
    Some(match c {
        '"' => &['"'],
        '\'' => &['\''],
        '“' => &['”'],
        '„' => &['“', '”'],
        '”' => &['”'],
        '«' => &['»'],
        '»' => &['«'],
        '‹' => &['›'],
        '›' => &['‹'],
        '‘' => &['’'],
        '‚' => &['‘', '’'],
        '「' => &['」'],
        '『' => &['』'],
        _ => return None,
    })
}

fn is_mark(c: char) -> bool {
    matches!(c, '’' | '」' | '』') || closers(c).is_some()
}

fn is_word(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
}

/// The outermost ranges of `text` (byte offsets, from the opening mark to just past the
/// closing one) inside quotation marks, sorted and disjoint.
pub fn quoted_ranges(text: &str) -> Vec<Range<u32>> {
    let mut out: Vec<Range<u32>> = Vec::new();
    // Open quotations: where each opened and its closing marks.
    let mut open: Vec<(usize, &'static [char])> = Vec::new();
    let mut prev: Option<char> = None;
    let mut newlines = 0usize;
    let offset = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        if c == '\n' {
            newlines += 1;
            if newlines >= 2 {
                if let Some(&(start, _)) = open.first() {
                    out.push(offset(start)..offset(i));
                    open.clear();
                }
            }
        } else if !c.is_whitespace() {
            newlines = 0;
        }
        if is_mark(c) {
            let apostrophe = matches!(c, '\'' | '’' | '‘') && is_word(prev) && is_word(next);
            if !apostrophe {
                let closes = open.last().is_some_and(|(_, cl)| cl.contains(&c));
                if closes {
                    // Invariant: `closes` holds only when `open` has a last element.
                    let (start, _) = open.pop().expect("an open quotation");
                    if open.is_empty() {
                        out.push(offset(start)..offset(i + c.len_utf8()));
                    }
                } else if let Some(cl) = closers(c) {
                    // A straight quote or `’` after a letter closes nothing and opens
                    // nothing (`experts' view`, `5' tall`).
                    let trailing = matches!(c, '\'' | '’') && is_word(prev);
                    if !trailing {
                        open.push((i, cl));
                    }
                }
            }
        }
        prev = Some(c);
    }
    if let Some(&(start, _)) = open.first() {
        out.push(offset(start)..offset(text.len()));
    }
    out
}

/// Whether byte `at` lies inside one of `ranges` (as [`quoted_ranges`] returns them).
pub fn is_quoted(ranges: &[Range<u32>], at: usize) -> bool {
    let Ok(at) = u32::try_from(at) else {
        return false;
    };
    let k = ranges.partition_point(|r| r.start <= at);
    k > 0 && ranges[k - 1].end > at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(text: &str, word: &str) -> bool {
        let at = text.find(word).unwrap();
        is_quoted(&quoted_ranges(text), at)
    }

    #[test]
    fn every_style_and_nesting() {
        let t = "He said «we will „pay“ in full» and left.";
        assert!(quoted(t, "we will"));
        assert!(quoted(t, "pay"));
        assert!(quoted(t, "in full"));
        assert!(!quoted(t, "and left"));
        assert!(!quoted(t, "He said"));
        for t in [
            "a \"x\" b",
            "a “x” b",
            "a „x“ b",
            "a »x« b",
            "a ‹x› b",
            "a ‘x’ b",
            "a ‚x‘ b",
            "a 「x」 b",
            "a 'x' b",
        ] {
            assert!(quoted(t, "x"), "{t}");
            assert!(!quoted(t, "b"), "{t}");
        }
    }

    #[test]
    fn apostrophes_are_not_quotation_marks() {
        let t = "The minister’s plan, experts’ view and don't panic: “it isn’t over”, she said.";
        assert!(!quoted(t, "plan"));
        assert!(!quoted(t, "view"));
        assert!(!quoted(t, "panic"));
        assert!(quoted(t, "over"));
        assert!(!quoted(t, "she said"));
    }

    #[test]
    fn a_quotation_left_open_ends_at_the_paragraph() {
        let t = "“First paragraph of a long quote.\n\n“Second, closed.” Then narration.\n\nNext.";
        assert!(quoted(t, "First"));
        assert!(quoted(t, "Second"));
        assert!(!quoted(t, "Then narration"));
        assert!(!quoted(t, "Next"));
        let t = "He said «no.\nIt goes on";
        assert!(quoted(t, "It goes on"));
    }
}
