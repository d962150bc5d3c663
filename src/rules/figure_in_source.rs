//! (warning) A statistic's figure, as written, does not occur in the archived text of its
//! source.
//!
//! When a source has an `archive` (a plain-text or HTML copy, see `quote-in-source`), every
//! figure a statistic takes from it, its `value` and each of its `equivalents`, should be
//! printed there. A figure that is not is most often mis-copied (`26.2` for `62.2`), rescaled
//! (`billion` for `million`) or taken from another source. It is a warning, not an error,
//! because an article may also print a figure in a way factkit does not try: in words
//! ("eight percent"), or rounded differently.
//!
//! The figure is looked up as whole words in the spellings of the source's `language`
//! (BCP 47; en, ru, uk, kk, de, fr and es are known, and any other language CLDR has):
//! the amount as written, with the language's decimal separator and grouped in thousands
//! (`224000`, `224,000`, `224 000`; `2,8`, `1 234,5`, `1.234,5`), with its scale word or
//! an abbreviation in every plural form (`14 trillion`, `14tn`, `26.2bn`; `2,8 трлн`,
//! `2,8 триллиона`, `4,5 Mrd.`, `21 mil millones`), as a whole number
//! (`14,000,000,000,000`), and under another scale word (`224 thousand`, `224 тыс.`). The
//! words come from CLDR (Unicode's locale data, through ICU4X). English is tried too; a
//! source without `language` tries every known language. The message lists the first ten
//! spellings tried, counts the rest, and names the languages. The number and its word must
//! say exactly the stated value, so a wrong scale (`483 млн` recorded as `483` billion) is
//! warned. A currency or unit word need not stand beside it (`US$26.2 billion`,
//! `$26.2 billion`, `26.2 billion dollars` and `$4 млрд` all contain the figure), but a
//! percentage must carry `%` or a percent word (`percent`, `per cent`, `pct`, `процентов`,
//! `Prozent`…). When the figure occurs more than once, the place shown is the first with
//! its currency's sign or name beside it.
//!
//! Warns, when `archives/article.txt` reads "Output exceeded 14 trillion tenge (US$26.2
//! billion).":
//!
//! ```json
//! {"kind": "statistic", "id": "output", "label": "Output", "source": "article",
//!  "value": {"amount": "14", "scale": "trillion", "currency": "KZT", "qualifier": "over"},
//!  "equivalents": [{"amount": "62.2", "scale": "billion", "currency": "USD"}]}
//! ```
//!
//! Passes: the same with `"amount": "26.2"` in the equivalent.

use super::Context;
use crate::diagnostic::{Diagnostic, Severity};

/// The most spellings a message lists; the rest are counted.
const SHOWN: usize = 10;

/// Reports figures of statistics that do not occur in their source's archive.
pub fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let archives = cx.archives();
    let mut out = Vec::new();
    for (i, statistic) in cx.statistics() {
        let Some((_, source)) = cx.source(&statistic.source) else {
            continue;
        };
        let Some(name) = source.archive.as_deref() else {
            continue;
        };
        // An archive that cannot be read is reported once, by `quote-in-source`.
        let Some(Ok(archive)) = archives.get(name) else {
            continue;
        };
        let figures = std::iter::once(("/value".to_owned(), &statistic.value)).chain(
            statistic
                .equivalents
                .iter()
                .enumerate()
                .map(|(k, q)| (format!("/equivalents/{k}"), q)),
        );
        for (pointer, quantity) in figures {
            let outcome = archive.find_figure(quantity);
            if outcome.found.is_some() {
                continue;
            }
            let mut tried = outcome
                .tried
                .iter()
                .take(SHOWN)
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ");
            if outcome.tried.len() > SHOWN {
                tried.push_str(&format!(
                    " and {} more spellings",
                    outcome.tried.len() - SHOWN
                ));
            }
            let languages = outcome.languages.join(", ");
            out.push(
                Diagnostic::new(
                    "figure-in-source",
                    Severity::Warning,
                    format!("figure `{quantity}` not found in `{name}`; tried {tried} (in {languages})"),
                )
                .at(i, format!("{pointer}/amount"))
                .help("compare the figure with the source; if the source writes it another way (in words, or rounded), this warning is expected"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::archive::Archive;
    use crate::model::Quantity;

    #[test]
    fn the_documented_examples_hold() {
        let archive = Archive::from_text(
            "archives/article.txt",
            "Output exceeded 14 trillion tenge (US$26.2 billion).\n".into(),
        );
        let q = |json: &str| serde_json::from_str::<Quantity>(json).unwrap();
        let found = |json: &str| archive.find_figure(&q(json)).found.is_some();
        assert!(found(
            r#"{"amount": "14", "scale": "trillion", "currency": "KZT", "qualifier": "over"}"#
        ));
        assert!(!found(
            r#"{"amount": "62.2", "scale": "billion", "currency": "USD"}"#
        ));
        assert!(found(
            r#"{"amount": "26.2", "scale": "billion", "currency": "USD"}"#
        ));
    }
}
