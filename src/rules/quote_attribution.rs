//! (warning) A quote is found in the archived text of its source, but not inside quotation
//! marks there: it may be the outlet's own words, not the speaker's.
//!
//! An outlet's narration ("The minister said the budget would grow by a tenth.") is easily
//! copied into a record as what the minister said. `quote-in-source` finds those words in
//! the archive, since they are there; this rule looks at how the archive prints them. A
//! quote counts as quoted when it lies inside quotation marks of any style, nested too
//! (`"…"`, `“…”`, `„…“`, `«…»`, `»…«`, `‹…›`, `‘…’`, `‚…‘`, `「…」`), or spans a whole
//! quoted passage; an apostrophe inside a word (`don’t`, `Tokayev’s`) is not a quotation
//! mark. For a quote with elisions (`…`, `[…]`) its first and last words must be quoted;
//! otherwise every word. The finding shows the passage and its line in the archive.
//! Quotes not found at all are `quote-in-source`'s business, not this rule's. It is a
//! warning: some outlets print a statement without marks (an interview's answers, a
//! communiqué), and then the finding can be accepted.
//!
//! Warns, when `archives/article.txt` reads "The minister said the budget would grow by a
//! tenth. «We will not raise taxes», she added.":
//!
//! ```json
//! {"kind": "source", "id": "article", "title": "Invented article", "archive": "archives/article.txt"}
//! {"kind": "statement", "id": "minister-on-growth", "speaker": "minister", "source": "article",
//!  "quote": "the budget would grow by a tenth"}
//! ```
//!
//! with: quote found in `archives/article.txt` (line 1) but not inside quotation marks
//! there: it may be the outlet's narration, not the speaker's words.
//!
//! Passes: `"quote": "We will not raise taxes"`.

use super::Context;
use crate::archive::{self, QuoteOutcome};
use crate::diagnostic::{Diagnostic, Severity};

/// Reports quotes found in their source's archive outside quotation marks.
pub fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let archives = cx.archives();
    let mut out = Vec::new();
    for check in archive::quote_checks(cx.dataset, archives) {
        let Ok(QuoteOutcome::Found(passage)) = &check.outcome else {
            continue;
        };
        if !check.unquoted {
            continue;
        }
        out.push(
            Diagnostic::new(
                "quote-attribution",
                Severity::Warning,
                format!(
                    "quote found in `{}` (line {}) but not inside quotation marks there: it may be the outlet's narration, not the speaker's words",
                    check.archive,
                    passage.line()
                ),
            )
            .at(check.entry, "/quote")
            .related_at(
                format!("the passage, not in quotation marks: `{}`", passage.text),
                passage.location.clone(),
            )
            .help("check the original: if these are the outlet's words, record them as a `paraphrase`; if the speaker said them as printed, accept this finding in factkit.toml"),
        );
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
            "The minister said the budget would grow by a tenth. «We will not raise taxes», she added.\n".into(),
        );
        let (outcome, unquoted) = archive.find_quote_marked("the budget would grow by a tenth");
        assert!(outcome.is_found() && unquoted);
        let (outcome, unquoted) = archive.find_quote_marked("We will not raise taxes");
        assert!(outcome.is_found() && !unquoted);
        let (outcome, unquoted) = archive.find_quote_marked("«We will not raise taxes»");
        assert!(outcome.is_found() && !unquoted);
        // Partly outside: the narration around a quotation is not the speaker's.
        let (_, unquoted) = archive.find_quote_marked("We will not raise taxes, she added");
        assert!(unquoted);
        // Not found: quote-in-source reports it, not this rule.
        let (outcome, unquoted) = archive.find_quote_marked("We will raise taxes");
        assert!(!outcome.is_found() && !unquoted);
    }
}
