//! (warning) A recommended field is missing.
//!
//! A source without a `url` cannot be linked from a fact-check table or a ClaimReview, and
//! one without a `published` date cannot be checked by `date-order` or tell `conversion`
//! which exchange rate applies. A review without a `url` cannot be published as a fact
//! check: Google requires the `url` of the page hosting the fact check on every ClaimReview
//! before it shows one in search results, so the JSON-LD export of such a review is not
//! eligible. The record is still valid, so this is a warning: leave the field out when the
//! source really does not state it (or the review is not published yet), rather than
//! inventing one. This rule only reports; it never changes a record.
//!
//! Warns:
//!
//! ```json
//! {"kind": "source", "id": "article", "title": "Experts See Promise in Tokayev's Push", "publisher": "The Astana Times"}
//! {"kind": "review", "id": "rev", "about": "stmt", "rating": "accurate", "reviewer": "desk",
//!  "reviewed_on": "2025-09-20", "explanation": "The budget law says so."}
//! ```
//!
//! Passes:
//!
//! ```json
//! {"kind": "source", "id": "article", "title": "Experts See Promise in Tokayev's Push",
//!  "publisher": "The Astana Times", "url": "https://example.org/article", "published": "2025-09-10"}
//! {"kind": "review", "id": "rev", "about": "stmt", "rating": "accurate", "reviewer": "desk",
//!  "reviewed_on": "2025-09-20", "explanation": "The budget law says so.",
//!  "url": "https://desk.example/fact-checks/rev"}
//! ```

use super::Context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Record;

/// Reports sources without `url` or `published`, and reviews without `url`.
pub fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, record) in cx.records() {
        match record {
            Record::Source(source) => {
                let missing = [
                    (
                        "url",
                        source.url.is_none(),
                        "it cannot be linked from exports",
                    ),
                    (
                        "published",
                        source.published.is_none(),
                        "dates and exchange rates cannot be checked against it",
                    ),
                ];
                for (field, absent, why) in missing {
                    if absent {
                        out.push(
                            Diagnostic::new(
                                "missing-recommended",
                                Severity::Warning,
                                format!("source `{}` has no `{field}`: {why}", source.id),
                            )
                            .at(i, "")
                            .help(format!(
                                "add `{field}` if the source states it; otherwise this warning is expected"
                            )),
                        );
                    }
                }
            }
            Record::Review(review) if review.url.is_none() => out.push(
                Diagnostic::new(
                    "missing-recommended",
                    Severity::Warning,
                    format!(
                        "review `{}` has no `url`: Google shows a fact check in search results \
                         only with the `url` of the page that publishes it",
                        review.id
                    ),
                )
                .at(i, "")
                .help(
                    "add `url`, the address of the published fact check; until it is \
                     published this warning is expected",
                ),
            ),
            _ => {}
        }
    }
    out
}
