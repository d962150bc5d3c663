//! JSON-LD: one document in the schema.org vocabulary, for publishing.
//!
//! The document is `{"@context": "https://schema.org", "@graph": [...]}` with one node per
//! record, in dataset order, pretty-printed. Each node's `@id` is `BASE#id`, where `BASE` is
//! `--base-url` (an absolute URL without a fragment); without it the `@id` is the relative
//! `#id`, which a JSON-LD processor resolves against the document's own URL. References
//! between records are `{"@id": …}` links to those nodes, except that a person or
//! organisation named as `author` or `creator` (a speaker, proposer, reviewer or the author of
//! a reviewed claim) is written as a node with its `@type`, `@id` and `name`, e.g.
//! `{"@type": "Organization", "@id": "#desk", "name": "Example Desk"}`: Google's fact-check
//! markup reads `author.name` where it stands and does not follow links. Every node also
//! carries its record id as `identifier`.
//!
//! Only schema.org 30.0 types and properties are used, each on a type in its domain with a
//! value in its range (a test expands the output with a JSON-LD 1.1 processor and checks
//! exactly that against the vocabulary files). Where the data has no honest schema.org
//! counterpart the field is left out, and said so below, rather than forced into a
//! near-miss property that `@vocab` would silently accept.
//!
//! | record | schema.org |
//! |---|---|
//! | entity, `type: person` | `Person`: `name`; `role` → `jobTitle`; `affiliation` → `affiliation` (the organisation's node); `country` → `nationality` `Country` with `identifier` = the ISO 3166 code; `same_as` → `sameAs` |
//! | entity, `type: organization` | `Organization`: `name`; `role` → `description`; `affiliation` → `memberOf`; `country` → `address` `PostalAddress` with `addressCountry`; `same_as` → `sameAs` |
//! | source | `NewsArticle` when it has a `publisher`, else `CreativeWork` (factkit cannot tell news from other documents; a source with a publisher is what a desk usually cites): `title` → `name` (and `headline` on a `NewsArticle`); `publisher` → `publisher` `Organization` with `name`; `url`; `published` → `datePublished`; `language` → `inLanguage` |
//! | statement with `quote` | `Quotation`: `quote` → `text`; `speaker` → `creator`; `source` → `isBasedOn` (schema.org's advice for a quotation's origin); `said_on` → `dateCreated`; `about` → `about`; `language` → `inLanguage` |
//! | statement with `paraphrase` | `Claim` (a paraphrase is not a quotation): `paraphrase` → `text`; `speaker` → `author`; `source` → `appearance`; `said_on` → `dateCreated`; `about`; `language` → `inLanguage` |
//! | proposal | `CreativeWork` (schema.org has no type for a proposal; `Legislation` would claim too much): `title` → `name`; `proposer` → `creator`; `status` → `creativeWorkStatus` (`proposed`, `under discussion`, …); `summary` → `abstract`; `proposed_on` → `dateCreated`; `venue` → `publication` `PublicationEvent` with `name`; `supporters` → `sponsor`; `elements` → `hasPart`, each a `CreativeWork` with `text`; `source` → `subjectOf` |
//! | statistic | `Observation`: `label` → `name` and `variableMeasured`; `value` → `value`; `equivalents` → `valueReference`; `period` → `observationDate` (the period's start as written) and `observationPeriod` (its length, ISO 8601: `P1Y`, `P6M`, `P45D`); `attributed_to` → `additionalProperty` `PropertyValue` named `attributed to` whose `value` is the entity's name; `source` → `subjectOf` |
//! | quantity with `currency` | `MonetaryAmount`: `currency`; the amount with its scale applied (`14` trillion → `14000000000000`) as `value`, or as `minValue` for `over`/`at_least` and `maxValue` for `under`/`at_most`; `description` = the figure as written (`over 14 trillion KZT`) |
//! | quantity with `unit` | `QuantitativeValue`: `unitText` = the unit word; `value`/`minValue`/`maxValue` and `description` as above |
//! | exchange_rate | `ExchangeRateSpecification`: `base` → `currency`; `currentExchangeRate` `UnitPriceSpecification` with `price` = `rate`, `priceCurrency` = `quote`, `validFrom`/`validThrough` = the first and last day of `on` or `period`; `source` → `subjectOf` |
//! | review | `ClaimReview`: `claimReviewed` = a short summary of what was reviewed (the quote, paraphrase, proposal title or `label: figure`, cut at a word to fewer than 75 characters with `…`, as Google's fact-check guidance asks; nothing in the document marks the cut); `itemReviewed` = a `Claim` with the full, uncut `text` (for a proposal its title and summary, for a statistic the figure with its equivalents), `author` (speaker, proposer, or the statistic's `attributed_to`), `appearance` (the reviewed record's source), `datePublished` (`said_on`, `proposed_on`, else the source's `published`) and a link to the reviewed record's node (`isBasedOn` for a statement or proposal, `about` for a statistic); `rating` → `reviewRating` `Rating` (below); `reviewer` → `author` (a node with `name`); `reviewed_on` → `datePublished`; `explanation` → `reviewBody`; `url` |
//!
//! **Choices checked against schema.org 30.0.** `spokenByCharacter` is valid on `Quotation`
//! (range `Person`/`Organization`), but it is meant for the character a quotation is
//! attributed to inside the quoting work; for a real speaker schema.org's `Quotation` text
//! says "attributable to a real world author", so the speaker is `creator`. `observationDate`
//! is a property of `Observation` (range `Date`/`DateTime`; ISO 8601 allows `2024` and
//! `2024-06`); `observationPeriod` is a duration, not a period, hence the split above. In
//! 30.0 `Observation` is a subtype of `Intangible` and `QuantitativeValue`, and schema.org
//! requires no property of it: its description names `observationAbout`, `measuredProperty`,
//! `statType`, `value` and `observationDate` as the principal ones. The data has no observed
//! entity (`observationAbout`) and no `Property`/`StatisticalVariable` IRI for
//! `measuredProperty`/`statType`, so those are absent rather than invented; the label goes
//! into `variableMeasured`, whose range includes `Text`, and into `name`. Observation has no
//! provenance property, hence `additionalProperty` for `attributed_to` (allowed on
//! `QuantitativeValue`, with the entity's name as text because `PropertyValue.value` cannot
//! link a person or organisation) and `subjectOf` for the source (the article reports it).
//!
//! **Rating scale.** `alternateName` is the verdict in words; `ratingValue` places it on a
//! scale from `worstRating` 1 to `bestRating` 5: accurate 5, mostly accurate 4, mixed 3,
//! misleading 2, inaccurate 1. `unverifiable` is not a point on that scale, so its `Rating`
//! has only `alternateName` (`Unverifiable`).
//!
//! **Left out**: `notes`, `tags`, a source's `retrieved` and `archive` (the desk's
//! bookkeeping, not published facts); a statistic's `sum_of` and `ratio_of` (schema.org's
//! `measurementDenominator` takes a `StatisticalVariable`, not an observation), `restates`
//! and `change_of` (schema.org has no property relating one `Observation` to another: `sameAs`
//! names a web page of the same thing, not a second report of a figure); an entity's
//! `affiliation` that is a person (schema.org relates people and organisations only to an
//! organisation; the export reports each such case). Google's fact-check markup requires a
//! `url` on each `ClaimReview`: a review without one is exported without it (it is then not
//! eligible for Google's fact-check results), and `missing-recommended` warns about it.
//! An author that is not an entity of the dataset (only with `--allow-errors`) is a bare
//! `@id` link, and the export reports it. The export never changes or invents a value.
//!
//! **Streaming.** The document is one JSON object, but its `@graph` is written element by
//! element in dataset order ([`write()`]): only one node is held at a time, with the entities
//! and sources by id that a node's links are made from.

use std::collections::HashMap;
use std::io::{self, Write};
use std::str::FromStr;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, Zero};
use serde_json::{json, Map, Value};

use super::{records, Note, Options};
use crate::check::Report;
use crate::diagnostic::Target;
use crate::error::Error;
use crate::model::{
    Entity, EntityType, ExchangeRate, Period, Proposal, ProposalStatus, Qualifier, Quantity,
    Rating, Record, Review, Source, Statement, Statistic,
};

/// The context every document names.
pub const CONTEXT: &str = "https://schema.org";

/// The longest `claimReviewed`, in characters (Google's guidance: "less than 75").
const CLAIM_REVIEWED_MAX: usize = 74;

/// Checks a `--base-url`: an absolute URL (it has a scheme) without a fragment, spaces or
/// characters an IRI cannot hold.
pub fn check_base_url(url: &str) -> Result<(), Error> {
    let scheme_end = url.find(':').unwrap_or(0);
    let scheme = &url[..scheme_end];
    let has_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    let bad = url
        .chars()
        .find(|&c| c == '#' || c.is_whitespace() || c.is_control() || "\"<>\\^`{|}".contains(c));
    match (has_scheme, bad) {
        (true, None) => Ok(()),
        (false, _) => Err(Error::Usage(format!(
            "`--base-url` must be an absolute URL such as `https://desk.example/facts/2025`: `{url}` has no scheme"
        ))),
        (true, Some('#')) => Err(Error::Usage(format!(
            "`--base-url` must not have a fragment: `{url}` has `#`, and the export adds `#id` to it itself"
        ))),
        (true, Some(c)) => Err(Error::Usage(format!(
            "`--base-url` must be a URL: `{url}` holds {c:?}, which a URL cannot (percent-encode it)"
        ))),
    }
}

struct Graph<'r> {
    options: &'r Options,
    by_id: HashMap<&'r str, &'r Record>,
}

impl<'r> Graph<'r> {
    fn new(report: &'r Report, options: &'r Options) -> Graph<'r> {
        let mut by_id = HashMap::new();
        for entry in &report.dataset.entries {
            if let Some(record) = &entry.record {
                by_id.entry(record.id()).or_insert(record);
            }
        }
        Graph { options, by_id }
    }

    fn iri(&self, id: &str) -> String {
        format!("{}#{id}", self.options.base_url.as_deref().unwrap_or(""))
    }

    fn link(&self, id: &str) -> Value {
        json!({ "@id": self.iri(id) })
    }

    /// A person or organisation in an `author` or `creator`: a node with its `@type`, `@id`
    /// and `name` (Google reads `author.name` on the ClaimReview and its Claim without
    /// following links), or only the link when the dataset has no such entity (a finding of
    /// `unknown-reference`, exported only with `--allow-errors`; [`notes`] reports it).
    fn agent(&self, id: &str) -> Value {
        match self.entity(id) {
            Some(e) => {
                let kind = match e.entity_type {
                    EntityType::Person => "Person",
                    EntityType::Organization => "Organization",
                };
                json!({"@type": kind, "@id": self.iri(id), "name": e.name})
            }
            None => self.link(id),
        }
    }

    fn links(&self, ids: &[String]) -> Value {
        Value::Array(ids.iter().map(|id| self.link(id)).collect())
    }

    fn entity(&self, id: &str) -> Option<&'r Entity> {
        match self.by_id.get(id)? {
            Record::Entity(e) => Some(e),
            _ => None,
        }
    }

    fn source(&self, id: &str) -> Option<&'r Source> {
        match self.by_id.get(id)? {
            Record::Source(s) => Some(s),
            _ => None,
        }
    }

    fn node(&self, record: &Record) -> Value {
        let mut node = Map::new();
        node.insert("@id".into(), self.iri(record.id()).into());
        match record {
            Record::Entity(r) => self.entity_node(r, &mut node),
            Record::Source(r) => source_node(r, &mut node),
            Record::Statement(r) => self.statement_node(r, &mut node),
            Record::Proposal(r) => self.proposal_node(r, &mut node),
            Record::Statistic(r) => self.statistic_node(r, &mut node),
            Record::ExchangeRate(r) => self.rate_node(r, &mut node),
            Record::Review(r) => self.review_node(r, &mut node),
        }
        Value::Object(node)
    }

    fn entity_node(&self, r: &Entity, node: &mut Map<String, Value>) {
        let person = r.entity_type == EntityType::Person;
        node.insert(
            "@type".into(),
            if person { "Person" } else { "Organization" }.into(),
        );
        node.insert("identifier".into(), r.id.clone().into());
        node.insert("name".into(), r.name.clone().into());
        if let Some(role) = &r.role {
            let key = if person { "jobTitle" } else { "description" };
            node.insert(key.into(), role.clone().into());
        }
        if let Some(a) = &r.affiliation {
            if !self.is_person(a) {
                let key = if person { "affiliation" } else { "memberOf" };
                node.insert(key.into(), self.link(a));
            }
        }
        if let Some(c) = &r.country {
            if person {
                node.insert(
                    "nationality".into(),
                    json!({"@type": "Country", "identifier": c}),
                );
            } else {
                node.insert(
                    "address".into(),
                    json!({"@type": "PostalAddress", "addressCountry": c}),
                );
            }
        }
        if !r.same_as.is_empty() {
            node.insert("sameAs".into(), json!(r.same_as));
        }
    }

    fn is_person(&self, id: &str) -> bool {
        self.entity(id)
            .is_some_and(|e| e.entity_type == EntityType::Person)
    }

    fn statement_node(&self, r: &Statement, node: &mut Map<String, Value>) {
        let (kind, text, who, source) = match (&r.quote, &r.paraphrase) {
            (Some(q), _) => ("Quotation", q, "creator", "isBasedOn"),
            (None, Some(p)) => ("Claim", p, "author", "appearance"),
            // Invariant: the statement schema requires exactly one of `quote`, `paraphrase`.
            (None, None) => ("Claim", &String::new(), "author", "appearance"),
        };
        node.insert("@type".into(), kind.into());
        node.insert("identifier".into(), r.id.clone().into());
        node.insert("text".into(), text.clone().into());
        node.insert(who.into(), self.agent(&r.speaker));
        node.insert(source.into(), self.link(&r.source));
        if let Some(d) = &r.said_on {
            node.insert("dateCreated".into(), d.as_str().into());
        }
        if !r.about.is_empty() {
            node.insert("about".into(), self.links(&r.about));
        }
        if let Some(l) = &r.language {
            node.insert("inLanguage".into(), l.clone().into());
        }
    }

    fn proposal_node(&self, r: &Proposal, node: &mut Map<String, Value>) {
        node.insert("@type".into(), "CreativeWork".into());
        node.insert("identifier".into(), r.id.clone().into());
        node.insert("name".into(), r.title.clone().into());
        node.insert("creator".into(), self.agent(&r.proposer));
        node.insert("creativeWorkStatus".into(), status_words(r.status).into());
        if let Some(s) = &r.summary {
            node.insert("abstract".into(), s.clone().into());
        }
        if let Some(d) = &r.proposed_on {
            node.insert("dateCreated".into(), d.as_str().into());
        }
        if let Some(v) = &r.venue {
            node.insert(
                "publication".into(),
                json!({"@type": "PublicationEvent", "name": v}),
            );
        }
        if !r.supporters.is_empty() {
            node.insert("sponsor".into(), self.links(&r.supporters));
        }
        if !r.elements.is_empty() {
            let parts = r
                .elements
                .iter()
                .map(|e| json!({"@type": "CreativeWork", "text": e}))
                .collect();
            node.insert("hasPart".into(), Value::Array(parts));
        }
        node.insert("subjectOf".into(), self.link(&r.source));
    }

    fn statistic_node(&self, r: &Statistic, node: &mut Map<String, Value>) {
        node.insert("@type".into(), "Observation".into());
        node.insert("identifier".into(), r.id.clone().into());
        node.insert("name".into(), r.label.clone().into());
        node.insert("variableMeasured".into(), r.label.clone().into());
        node.insert("value".into(), quantity(&r.value));
        if !r.equivalents.is_empty() {
            let eqs = r.equivalents.iter().map(quantity).collect();
            node.insert("valueReference".into(), Value::Array(eqs));
        }
        if let Some(p) = &r.period {
            let start = p.as_str().split('/').next().unwrap_or(p.as_str());
            node.insert("observationDate".into(), start.into());
            node.insert("observationPeriod".into(), duration(p).into());
        }
        if let Some(a) = &r.attributed_to {
            let name = self.entity(a).map_or(a.as_str(), |e| e.name.as_str());
            node.insert(
                "additionalProperty".into(),
                json!({"@type": "PropertyValue", "name": "attributed to", "value": name}),
            );
        }
        node.insert("subjectOf".into(), self.link(&r.source));
    }

    fn rate_node(&self, r: &ExchangeRate, node: &mut Map<String, Value>) {
        node.insert("@type".into(), "ExchangeRateSpecification".into());
        node.insert("identifier".into(), r.id.clone().into());
        node.insert("currency".into(), r.base.clone().into());
        let mut price = Map::new();
        price.insert("@type".into(), "UnitPriceSpecification".into());
        price.insert("price".into(), number(&r.rate.to_rational()));
        price.insert("priceCurrency".into(), r.quote.clone().into());
        if let Some(p) = r.applies() {
            price.insert("validFrom".into(), p.first().to_string().into());
            price.insert("validThrough".into(), p.last().to_string().into());
        }
        node.insert("currentExchangeRate".into(), Value::Object(price));
        node.insert("subjectOf".into(), self.link(&r.source));
    }

    fn review_node(&self, r: &Review, node: &mut Map<String, Value>) {
        node.insert("@type".into(), "ClaimReview".into());
        node.insert("identifier".into(), r.id.clone().into());
        let reviewed = self.by_id.get(r.about.as_str()).copied();
        let mut claim = Map::new();
        claim.insert("@type".into(), "Claim".into());
        let (summary, text, author, source, date, link) = match reviewed {
            Some(Record::Statement(s)) => {
                let text = s.quote.clone().or_else(|| s.paraphrase.clone());
                let text = text.unwrap_or_default();
                let date = s.said_on.as_ref().map(|d| d.as_str().to_owned());
                (
                    text.clone(),
                    text,
                    Some(&s.speaker),
                    Some(&s.source),
                    date,
                    "isBasedOn",
                )
            }
            Some(Record::Proposal(p)) => {
                let date = p.proposed_on.as_ref().map(|d| d.as_str().to_owned());
                let text = match &p.summary {
                    Some(s) => format!("{}: {s}", p.title),
                    None => p.title.clone(),
                };
                (
                    p.title.clone(),
                    text,
                    Some(&p.proposer),
                    Some(&p.source),
                    date,
                    "isBasedOn",
                )
            }
            Some(Record::Statistic(s)) => {
                let stated = format!("{}: {}", s.label, s.value);
                let mut text = stated.clone();
                if !s.equivalents.is_empty() {
                    let eqs: Vec<String> = s.equivalents.iter().map(|q| q.to_string()).collect();
                    text = format!("{text} ({})", eqs.join(", "));
                }
                (
                    stated,
                    text,
                    s.attributed_to.as_ref(),
                    Some(&s.source),
                    None,
                    "about",
                )
            }
            _ => (r.about.clone(), r.about.clone(), None, None, None, "about"),
        };
        let date = date.or_else(|| {
            let published = self.source(source?)?.published.as_ref()?;
            Some(published.as_str().to_owned())
        });
        node.insert("claimReviewed".into(), shorten(&summary).into());
        claim.insert("text".into(), text.into());
        if let Some(a) = author {
            claim.insert("author".into(), self.agent(a));
        }
        if let Some(s) = source {
            claim.insert("appearance".into(), self.link(s));
        }
        if let Some(d) = date {
            claim.insert("datePublished".into(), d.into());
        }
        claim.insert(link.into(), self.link(&r.about));
        node.insert("itemReviewed".into(), Value::Object(claim));
        node.insert("reviewRating".into(), rating(r.rating));
        node.insert("author".into(), self.agent(&r.reviewer));
        node.insert("datePublished".into(), r.reviewed_on.as_str().into());
        node.insert("reviewBody".into(), r.explanation.clone().into());
        if let Some(u) = &r.url {
            node.insert("url".into(), u.clone().into());
        }
    }
}

fn source_node(r: &Source, node: &mut Map<String, Value>) {
    let news = r.publisher.is_some();
    node.insert(
        "@type".into(),
        if news { "NewsArticle" } else { "CreativeWork" }.into(),
    );
    node.insert("identifier".into(), r.id.clone().into());
    node.insert("name".into(), r.title.clone().into());
    if news {
        node.insert("headline".into(), r.title.clone().into());
    }
    if let Some(p) = &r.publisher {
        node.insert(
            "publisher".into(),
            json!({"@type": "Organization", "name": p}),
        );
    }
    if let Some(u) = &r.url {
        node.insert("url".into(), u.clone().into());
    }
    if let Some(d) = &r.published {
        node.insert("datePublished".into(), d.as_str().into());
    }
    if let Some(l) = &r.language {
        node.insert("inLanguage".into(), l.clone().into());
    }
}

fn status_words(status: ProposalStatus) -> &'static str {
    match status {
        ProposalStatus::Proposed => "proposed",
        ProposalStatus::UnderDiscussion => "under discussion",
        ProposalStatus::Adopted => "adopted",
        ProposalStatus::Rejected => "rejected",
        ProposalStatus::Withdrawn => "withdrawn",
    }
}

fn rating(rating: Rating) -> Value {
    let (value, words) = match rating {
        Rating::Accurate => (Some(5), "Accurate"),
        Rating::MostlyAccurate => (Some(4), "Mostly accurate"),
        Rating::Mixed => (Some(3), "Mixed"),
        Rating::Misleading => (Some(2), "Misleading"),
        Rating::Inaccurate => (Some(1), "Inaccurate"),
        Rating::Unverifiable => (None, "Unverifiable"),
    };
    match value {
        Some(v) => json!({
            "@type": "Rating",
            "ratingValue": v,
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": words,
        }),
        None => json!({"@type": "Rating", "alternateName": words}),
    }
}

/// A quantity as a `MonetaryAmount` or `QuantitativeValue` node.
fn quantity(q: &Quantity) -> Value {
    let mut node = Map::new();
    match (&q.currency, &q.unit) {
        (Some(c), _) => {
            node.insert("@type".into(), "MonetaryAmount".into());
            node.insert("currency".into(), c.clone().into());
        }
        (None, unit) => {
            node.insert("@type".into(), "QuantitativeValue".into());
            if let Some(u) = unit {
                node.insert("unitText".into(), u.clone().into());
            }
        }
    }
    let key = match q.qualifier {
        Some(Qualifier::Over | Qualifier::AtLeast) => "minValue",
        Some(Qualifier::Under | Qualifier::AtMost) => "maxValue",
        _ => "value",
    };
    node.insert(key.into(), number(&q.value()));
    node.insert("description".into(), q.to_string().into());
    Value::Object(node)
}

/// An exact decimal as a JSON number, every digit kept (`26.2e9` → `26200000000`).
fn number(value: &BigRational) -> Value {
    let text = decimal_text(value);
    // Invariant: `decimal_text` writes an optional `-`, digits, and an optional `.digits`,
    // which is always a valid JSON number.
    serde_json::Number::from_str(&text).map_or(Value::String(text), Value::Number)
}

/// The exact decimal text of a rational whose denominator divides a power of ten (every
/// stated figure, scaled or not), without exponent or trailing zeros.
fn decimal_text(value: &BigRational) -> String {
    let ten = BigRational::from_integer(BigInt::from(10));
    let mut scaled = value.abs();
    let mut places = 0usize;
    // A figure has at most MAX_EXPONENT decimal places; the bound only guards the loop.
    while !scaled.is_integer() && places <= 2 * crate::model::decimal::MAX_EXPONENT as usize {
        scaled *= &ten;
        places += 1;
    }
    let digits = scaled.to_integer().to_string();
    let sign = if value.is_negative() && !value.is_zero() {
        "-"
    } else {
        ""
    };
    if places == 0 {
        return format!("{sign}{digits}");
    }
    let padded = format!("{digits:0>width$}", width = places + 1);
    let (int, frac) = padded.split_at(padded.len() - places);
    format!("{sign}{int}.{frac}")
}

/// The length of a period as an ISO 8601 duration: whole years, months or days.
fn duration(period: &Period) -> String {
    let text = period.as_str();
    let (start, end) = text.split_once('/').unwrap_or((text, text));
    let (first, last) = (period.first(), period.last());
    match (start.len(), end.len()) {
        (4, 4) => format!("P{}Y", i64::from(last.year) - i64::from(first.year) + 1),
        (7, 7) => {
            let months = |d: crate::model::Day| i64::from(d.year) * 12 + i64::from(d.month);
            format!("P{}M", months(last) - months(first) + 1)
        }
        _ => format!("P{}D", days(last) - days(first) + 1),
    }
}

/// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
fn days(d: crate::model::Day) -> i64 {
    let (m, day) = (i64::from(d.month), i64::from(d.day));
    let y = i64::from(d.year) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `text` cut at a word boundary to at most [`CLAIM_REVIEWED_MAX`] characters, with `…`.
fn shorten(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= CLAIM_REVIEWED_MAX {
        return text;
    }
    let cut: String = text.chars().take(CLAIM_REVIEWED_MAX - 1).collect();
    // A word that ends exactly at the cut is kept whole.
    let at_word_end = text[cut.len()..].starts_with(' ');
    let head = match cut.rfind(' ') {
        Some(i) if i > 0 && !at_word_end => &cut[..i],
        _ => &cut[..],
    };
    let head = head.trim_end_matches(|c: char| c.is_whitespace() || ",;:–—-".contains(c));
    format!("{head}…")
}

/// Writes the JSON-LD document, one node of `@graph` at a time in dataset order.
///
/// The bytes are those of the whole document pretty-printed by `serde_json` (two-space
/// indentation, a final line break): the frame is written by hand and each node is
/// pretty-printed on its own, its lines indented to their depth inside `@graph`. A JSON text
/// holds a line break only between tokens (one inside a string is the escape `\n`), so
/// indenting after every line break indents exactly the node's lines.
pub fn write(report: &Report, options: &Options, out: &mut dyn Write) -> io::Result<()> {
    let graph = Graph::new(report, options);
    write!(out, "{{\n  \"@context\": ")?;
    serde_json::to_writer(&mut *out, CONTEXT)?;
    out.write_all(b",\n  \"@graph\": [")?;
    let mut node_text = Vec::new();
    let mut first = true;
    for (_, record) in records(report, options) {
        out.write_all(if first { b"\n    " } else { b",\n    " })?;
        first = false;
        node_text.clear();
        serde_json::to_writer_pretty(&mut node_text, &graph.node(record))?;
        for (i, line) in node_text.split(|&b| b == b'\n').enumerate() {
            if i > 0 {
                out.write_all(b"\n    ")?;
            }
            out.write_all(line)?;
        }
    }
    out.write_all(if first { b"]\n}\n" } else { b"\n  ]\n}\n" })
}

/// The nodes of `@graph`, held whole: for the test that holds [`write`] to the document
/// `serde_json` pretty-prints in one go.
#[cfg(test)]
pub(super) fn tests_graph(report: &Report, options: &Options) -> Vec<Value> {
    let graph = Graph::new(report, options);
    records(report, options)
        .map(|(_, r)| graph.node(r))
        .collect()
}

/// What the JSON-LD export leaves out of records it does export: affiliations to a person,
/// and the `@type` and `name` of an author or creator that is not an entity of the dataset.
pub(super) fn notes(report: &Report, options: &Options) -> Vec<Note> {
    let graph = Graph::new(report, options);
    let mut notes = Vec::new();
    let note = |i: usize, pointer: &str, message: String| Note {
        location: report.dataset.locate(&Target {
            entry: i,
            pointer: pointer.into(),
        }),
        message,
    };
    for (i, record) in records(report, options) {
        if let Record::Entity(e) = record {
            if let Some(a) = e.affiliation.as_deref().filter(|a| graph.is_person(a)) {
                notes.push(note(
                    i,
                    "/affiliation",
                    format!(
                        "the affiliation of `{}` is `{a}`, a person: schema.org relates people \
                         and organisations only to an organisation, so it is left out of the \
                         jsonld export",
                        e.id
                    ),
                ));
            }
        }
        for (pointer, role, id) in agents(&graph, record) {
            if graph.entity(id).is_none() {
                notes.push(note(
                    i,
                    pointer,
                    format!(
                        "the {role} of `{}` is `{id}`, which is not an entity of the dataset: \
                         the jsonld export links it by id only, without the `@type` and \
                         `name` Google reads",
                        record.id()
                    ),
                ));
            }
        }
    }
    notes
}

/// The people and organisations a record's node names as `author` or `creator`: (pointer,
/// role in words, entity id).
fn agents<'r>(graph: &Graph<'r>, record: &'r Record) -> Vec<(&'static str, &'static str, &'r str)> {
    match record {
        Record::Statement(s) => vec![("/speaker", "speaker", s.speaker.as_str())],
        Record::Proposal(p) => vec![("/proposer", "proposer", p.proposer.as_str())],
        Record::Review(r) => {
            let mut out = vec![("/reviewer", "reviewer", r.reviewer.as_str())];
            let author = match graph.by_id.get(r.about.as_str()) {
                Some(Record::Statement(s)) => Some(s.speaker.as_str()),
                Some(Record::Proposal(p)) => Some(p.proposer.as_str()),
                Some(Record::Statistic(s)) => s.attributed_to.as_deref(),
                _ => None,
            };
            out.extend(author.map(|a| ("/about", "author of the reviewed claim", a)));
            out
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Decimal;

    fn q(amount: &str, scale: Option<crate::model::Scale>) -> BigRational {
        Quantity {
            amount: Decimal::parse(amount).unwrap(),
            scale,
            currency: Some("USD".into()),
            unit: None,
            qualifier: None,
        }
        .value()
    }

    #[test]
    fn figures_are_exact_with_the_scale_applied() {
        use crate::model::Scale;
        assert_eq!(
            decimal_text(&q("26.2", Some(Scale::Billion))),
            "26200000000"
        );
        assert_eq!(
            decimal_text(&q("14", Some(Scale::Trillion))),
            "14000000000000"
        );
        assert_eq!(decimal_text(&q("1.100", None)), "1.1");
        assert_eq!(decimal_text(&q("0.05", None)), "0.05");
        assert_eq!(decimal_text(&q("-0.5", None)), "-0.5");
        assert_eq!(decimal_text(&q("007", None)), "7");
        assert_eq!(decimal_text(&q("0", None)), "0");
        assert_eq!(
            decimal_text(&q(
                "0.000000000000000000000000000001",
                Some(Scale::Thousand)
            )),
            "0.000000000000000000000000001"
        );
        assert_eq!(
            decimal_text(&q("123456789012345678901234567890.5", None)),
            "123456789012345678901234567890.5"
        );
        assert_eq!(number(&q("26.2", None)).to_string(), "26.2");
    }

    #[test]
    fn periods_become_a_start_and_a_duration() {
        let d = |t: &str| duration(&Period::parse(t).unwrap());
        assert_eq!(d("2024"), "P1Y");
        assert_eq!(d("2024-06"), "P1M");
        assert_eq!(d("2024-06-30"), "P1D");
        assert_eq!(d("2020/2024"), "P5Y");
        assert_eq!(d("2024-01/2024-06"), "P6M");
        assert_eq!(d("2023-11/2024-02"), "P4M");
        assert_eq!(d("2024-02-01/2024-03-01"), "P30D");
        assert_eq!(d("2024/2024-03"), "P91D");
    }

    #[test]
    fn claim_reviewed_is_short() {
        assert_eq!(shorten("short"), "short");
        let long = "I support it, because in fact, until the system of checks and balances is fully functional, it is difficult";
        let s = shorten(long);
        assert!(s.chars().count() <= CLAIM_REVIEWED_MAX, "{s}");
        assert_eq!(
            s,
            "I support it, because in fact, until the system of checks and balances is…"
        );
        let one_word = "x".repeat(100);
        assert_eq!(shorten(&one_word).chars().count(), CLAIM_REVIEWED_MAX);
    }

    #[test]
    fn base_urls() {
        assert!(check_base_url("https://desk.example/facts/2025").is_ok());
        assert!(check_base_url("urn:x-desk:2025").is_ok());
        let e = check_base_url("desk.example/facts")
            .unwrap_err()
            .to_string();
        assert!(e.contains("has no scheme"), "{e}");
        let e = check_base_url("https://desk.example/#x")
            .unwrap_err()
            .to_string();
        assert!(e.contains("has `#`"), "{e}");
        assert!(check_base_url("https://desk example").is_err());
        assert!(check_base_url("").is_err());
    }
}
