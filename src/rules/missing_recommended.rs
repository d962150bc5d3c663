//! (warning) A recommended field is missing.
//!
//! A source without a `url` cannot be linked from a fact-check table or a ClaimReview, and
//! one without a `published` date cannot be checked by `date-order` or tell `conversion`
//! which exchange rate applies. The record is still valid, so this is a warning: leave the
//! field out when the source really does not state it, rather than inventing one.
//!
//! Warns:
//!
//! ```json
//! {"kind": "source", "id": "article", "title": "Experts See Promise in Tokayev's Push", "publisher": "The Astana Times"}
//! ```
//!
//! Passes:
//!
//! ```json
//! {"kind": "source", "id": "article", "title": "Experts See Promise in Tokayev's Push",
//!  "publisher": "The Astana Times", "url": "https://example.org/article", "published": "2025-09-10"}
//! ```

use super::Context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Record;

/// Reports sources without `url` or `published`.
pub fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, record) in cx.records() {
        let Record::Source(source) = record else {
            continue;
        };
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
    out
}
