//! Dates out of order, or after the dataset's as-of date.
//!
//! Five checks, each on partial dates read as ranges of days (`2025-09` is all of
//! September, so it is neither before nor after `2025-09-08`; only a date that must be out of
//! order is reported):
//!
//! - a statement said (`said_on`) after its source was `published`;
//! - a proposal put forward (`proposed_on`) after its source was `published`;
//! - a source `retrieved` before it was `published`;
//! - a review (`reviewed_on`) before the statement was said or the proposal proposed, or
//!   before the source of what it reviews (statement, proposal or statistic) was published:
//!   a desk cannot check words it has not read yet;
//! - any date after the as-of date (`--as-of`, default today):
//!   `published`, `retrieved`, `said_on`, `proposed_on`, `reviewed_on`, and an exchange
//!   rate's `on` or `period`. A statistic's `period` is exempt: forecasts cover future years.
//!
//! Fails (said two days after the article that reports it was published):
//!
//! ```json
//! {"kind": "source", "id": "article", "title": "…", "published": "2025-09-10"}
//! {"kind": "statement", "id": "s1", "speaker": "kospanov", "source": "article", "quote": "…", "said_on": "2025-09-12"}
//! ```
//!
//! Passes:
//!
//! ```json
//! {"kind": "source", "id": "article", "title": "…", "published": "2025-09-10"}
//! {"kind": "statement", "id": "s1", "speaker": "kospanov", "source": "article", "quote": "…", "said_on": "2025-09-08"}
//! ```

use super::Context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Day, PartialDate, Record};

fn finding(message: String, entry: usize, pointer: &str) -> Diagnostic {
    Diagnostic::new("date-order", Severity::Error, message).at(entry, pointer)
}

/// The date a reviewed record dates from: when it was said or proposed, else when its source
/// was published. Returns the date, its entry and its pointer.
fn dated<'a>(cx: &Context<'a>, id: &str) -> Option<(&'a PartialDate, usize, &'static str)> {
    let (j, record) = cx.record(id)?;
    match record {
        Record::Statement(s) => match &s.said_on {
            Some(d) => Some((d, j, "/said_on")),
            None => published(cx, &s.source),
        },
        Record::Proposal(p) => match &p.proposed_on {
            Some(d) => Some((d, j, "/proposed_on")),
            None => published(cx, &p.source),
        },
        Record::Statistic(s) => published(cx, &s.source),
        _ => None,
    }
}

/// The source id of a reviewed record.
fn source_of<'a>(cx: &Context<'a>, id: &str) -> Option<&'a str> {
    match cx.record(id)?.1 {
        Record::Statement(s) => Some(&s.source),
        Record::Proposal(p) => Some(&p.source),
        Record::Statistic(s) => Some(&s.source),
        _ => None,
    }
}

fn published<'a>(cx: &Context<'a>, source: &str) -> Option<(&'a PartialDate, usize, &'static str)> {
    let (j, s) = cx.source(source)?;
    Some((s.published.as_ref()?, j, "/published"))
}

/// Reports dates out of order and dates after the as-of date.
pub fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let as_of = cx.config.as_of;
    let mut out = Vec::new();
    let future = |out: &mut Vec<Diagnostic>,
                  entry: usize,
                  pointer: &str,
                  first: Day,
                  text: &str| {
        if first > as_of {
            out.push(
                finding(format!("`{text}` is after the as-of date {as_of}"), entry, pointer)
                    .expected(format!("a date on or before {as_of}"))
                    .found(format!("`{text}`"))
                    .help("correct the date; if the data is meant to be dated ahead, run with `--as-of DATE`"),
            );
        }
    };
    for (i, record) in cx.records() {
        match record {
            Record::Source(s) => {
                for (pointer, date) in [("/published", &s.published), ("/retrieved", &s.retrieved)]
                {
                    if let Some(d) = date {
                        future(&mut out, i, pointer, d.first(), d.as_str());
                    }
                }
                if let (Some(p), Some(r)) = (&s.published, &s.retrieved) {
                    if r.last() < p.first() {
                        out.push(
                            finding(format!("source `{}` was retrieved on {r}, before it was published on {p}", s.id), i, "/retrieved")
                                .expected(format!("retrieved on or after {p}"))
                                .found(r.to_string())
                                .related("published here", i, "/published"),
                        );
                    }
                }
            }
            Record::Statement(s) => {
                if let Some(said) = &s.said_on {
                    future(&mut out, i, "/said_on", said.first(), said.as_str());
                    if let Some((p, j, ptr)) = published(cx, &s.source) {
                        if said.first() > p.last() {
                            out.push(
                                finding(format!("statement `{}` is dated {said}, after its source `{}` was published on {p}", s.id, s.source), i, "/said_on")
                                    .expected(format!("said on or before {p}"))
                                    .found(said.to_string())
                                    .related(format!("`{}` is published on {p}", s.source), j, ptr)
                                    .help("check `said_on` and the source's `published` date; a source cannot report words not yet said"),
                            );
                        }
                    }
                }
            }
            Record::Proposal(p) => {
                if let Some(d) = &p.proposed_on {
                    future(&mut out, i, "/proposed_on", d.first(), d.as_str());
                    if let Some((published, j, ptr)) = published(cx, &p.source) {
                        if d.first() > published.last() {
                            out.push(
                                finding(format!("proposal `{}` is dated {d}, after its source `{}` was published on {published}", p.id, p.source), i, "/proposed_on")
                                    .expected(format!("proposed on or before {published}"))
                                    .found(d.to_string())
                                    .related(format!("`{}` is published on {published}", p.source), j, ptr)
                                    .help("check `proposed_on` and the source's `published` date; a source cannot report a proposal not yet made"),
                            );
                        }
                    }
                }
            }
            Record::ExchangeRate(r) => {
                if let Some(d) = &r.on {
                    future(&mut out, i, "/on", d.first(), d.as_str());
                }
                if let Some(p) = &r.period {
                    future(&mut out, i, "/period", p.first(), p.as_str());
                }
            }
            Record::Review(r) => {
                future(
                    &mut out,
                    i,
                    "/reviewed_on",
                    r.reviewed_on.first(),
                    r.reviewed_on.as_str(),
                );
                if let Some((d, j, ptr)) = dated(cx, &r.about) {
                    if r.reviewed_on.last() < d.first() {
                        out.push(
                            finding(
                                format!(
                                    "review `{}` is dated {}, before `{}` it reviews ({d})",
                                    r.id, r.reviewed_on, r.about
                                ),
                                i,
                                "/reviewed_on",
                            )
                            .expected(format!("reviewed on or after {d}"))
                            .found(r.reviewed_on.to_string())
                            .related(
                                format!("`{}` dates from {d}", r.about),
                                j,
                                ptr,
                            ),
                        );
                        continue;
                    }
                }
                if let Some((source, (d, j, ptr))) = source_of(cx, &r.about)
                    .and_then(|source| Some((source, published(cx, source)?)))
                {
                    if r.reviewed_on.last() < d.first() {
                        out.push(
                            finding(
                                format!(
                                    "review `{}` is dated {}, before `{source}`, the source of `{}` it reviews, was published on {d}",
                                    r.id, r.reviewed_on, r.about
                                ),
                                i,
                                "/reviewed_on",
                            )
                            .expected(format!("reviewed on or after {d}"))
                            .found(r.reviewed_on.to_string())
                            .related(format!("`{source}` is published on {d}"), j, ptr)
                            .help("check `reviewed_on` and the source's `published` date"),
                        );
                    }
                }
            }
            Record::Entity(_) | Record::Statistic(_) => {}
        }
    }
    out
}
