//! A quote is not found in the archived text of its source; a near miss names the closest
//! passage and the words that differ.
//!
//! A source may name an `archive`: a plain-text or HTML copy of the document, relative to
//! the dataset root. Every `quote` of a statement from that source must then occur in it,
//! word for word. This is the first thing a fact-checker verifies, and the mistake editors
//! really make is small: one word retyped from memory (`sustainable` for `sustained`), a
//! word dropped, a sentence that was never said. So a quote that is not found is reported
//! with the closest passage of the source, its line in the archive file, and the words that
//! differ, and an editor sees at once whether it is a typo or a fabrication.
//!
//! Only typography is forgiven: curly and straight quotation marks and apostrophes, the
//! dash family, non-breaking and repeated white space, line breaks, Unicode normalisation
//! (NFC), punctuation between words, and the Cyrillic `ё` read as `е` (`её` = `ее`: the dots
//! are optional in Russian; the passage shown keeps the archive's spelling). Letters, their
//! case, digits and symbols (`$`, `%`) are compared as written. Editorial marks are honoured: `...`, `…`, `[...]` and `[…]`
//! elide source text (the parts around them must occur in this order), a bracketed
//! insertion such as `[Commonwealth of Independent States]` matches the same words or
//! stands for at most 12 source words, and `[T]he` matches `the`.
//!
//! The same rule reports an `archive` that cannot be used, on the source's `/archive`
//! field: a missing or unreadable file, a file that is not UTF-8, and a path that leads
//! outside the dataset root (absolute, `..` above the root, or a symbolic link out of it),
//! which is refused and never read. An archive larger than `[limits]` `max_file_size` is
//! not read either, and reported there as a `limit` error.
//!
//! A word typed with look-alike letters of another script (Latin `a` or `i` in a Cyrillic
//! word) is named with its scripts and code points, and counts as in place when judging
//! whether the quote resembles the passage at all.
//!
//! Fails, when `archives/article.txt` reads "The programme was sustained by private
//! money.":
//!
//! ```json
//! {"kind": "source", "id": "article", "title": "Invented article", "archive": "archives/article.txt"}
//! {"kind": "statement", "id": "minister-on-funding", "speaker": "minister", "source": "article",
//!  "quote": "The programme was sustainable by private money."}
//! ```
//!
//! with: quote not found in `archives/article.txt`; closest passage (line 1) differs:
//! `sustainable` → `sustained`.
//!
//! Passes: `"quote": "The programme was sustained […] money"`.

use super::Context;
use crate::archive::{self, QuoteOutcome};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Record;

const RULE: &str = "quote-in-source";

/// Reports unusable archives and quotes not found in their source's archive.
pub fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let archives = cx.archives();
    let mut out = Vec::new();
    for (i, record) in cx.records() {
        let Record::Source(source) = record else {
            continue;
        };
        let Some(name) = source.archive.as_deref() else {
            continue;
        };
        if let Some(Err(e)) = archives.get(name) {
            out.push(
                Diagnostic::new(e.rule(), Severity::Error, e.to_string())
                    .at(i, "/archive")
                    .help(e.help()),
            );
        }
    }
    for check in archive::quote_checks(cx.dataset, archives) {
        let Ok(outcome) = &check.outcome else {
            continue;
        };
        if outcome.is_found() {
            continue;
        }
        let mut d = Diagnostic::new(RULE, Severity::Error, outcome.describe(check.archive))
            .at(check.entry, "/quote");
        match outcome {
            QuoteOutcome::Found(_) => {}
            QuoteOutcome::NearMiss {
                passage, changes, ..
            } => {
                let help = if changes.iter().any(|c| c.look_alike().is_some()) {
                    "retype the words named in the script of the source: a look-alike letter of another script (often from a keyboard layout) makes another word; if it is the archived copy that has the stray letter, correct the copy from the original"
                } else {
                    "correct the quote to the source's words; mark words left out with `[…]` and words added with [brackets]"
                };
                d = d
                    .expected(format!("the source's words: `{}`", passage.text))
                    .help(help)
                    .related_at(
                        "the closest passage of the archived source",
                        passage.location.clone(),
                    );
            }
            QuoteOutcome::NotSimilar { closest, .. } => {
                d = d.help("the quote may be invented, paraphrased or from another source: check it against the original, or record it as a `paraphrase`");
                if let Some(p) = closest {
                    d = d.related_at(
                        format!(
                            "the most similar passage of the archived source: `{}`",
                            p.text
                        ),
                        p.location.clone(),
                    );
                }
            }
            QuoteOutcome::OutOfOrder {
                part,
                found,
                previous,
            } => {
                d = d
                    .help("put the parts in the source's order, or quote them separately")
                    .related_at(
                        format!("part {} of the quote", part.number),
                        found.location.clone(),
                    )
                    .related_at(
                        format!("part {} of the quote", part.number - 1),
                        previous.location.clone(),
                    );
            }
            QuoteOutcome::NoWords => {
                d = d.help("a quote needs at least one word of the source");
            }
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::archive::Archive;

    #[test]
    fn the_documented_examples_hold() {
        let archive = Archive::from_text(
            "archives/article.txt",
            "The programme was sustained by private money.\n".into(),
        );
        assert_eq!(
            archive
                .find_quote("The programme was sustainable by private money.")
                .describe("archives/article.txt"),
            "quote not found in `archives/article.txt`; closest passage (line 1) differs: `sustainable` → `sustained`"
        );
        assert!(archive
            .find_quote("The programme was sustained […] money")
            .is_found());
        let archive = Archive::from_text("a.txt", "Её бюджет утверждён.\n".into());
        assert!(archive.find_quote("Ее бюджет утвержден").is_found());
    }
}
