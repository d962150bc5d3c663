//! The records of data format v1 (PRODUCT.md section 2) as serde types.
//!
//! Nothing here reads files or prints: this is the vocabulary the rest of the crate speaks.
//! The bundled JSON Schemas (`schemas/`) are the contract for what a valid record looks like;
//! these types are what a record that passed its schema is read into, and a test loads every
//! example record through both so the two cannot drift apart. Unknown fields are the schema's
//! job to reject, so the types do not repeat `deny_unknown_fields`.

pub mod date;
pub mod decimal;
pub mod quantity;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use date::{Day, PartialDate, Period};
pub use decimal::Decimal;
pub use quantity::{Interval, Qualifier, Quantity, Scale};

/// The seven kinds of record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A person or an organisation.
    Entity,
    /// An article, report or other document.
    Source,
    /// An attributed quote or paraphrase.
    Statement,
    /// Something a person or body put forward.
    Proposal,
    /// A figure with its unit or currency.
    Statistic,
    /// A published rate between two currencies.
    ExchangeRate,
    /// The desk's verdict on a statement, proposal or statistic.
    Review,
}

impl Kind {
    /// Every kind, in the order of PRODUCT.md section 2.
    pub const ALL: [Kind; 7] = [
        Kind::Entity,
        Kind::Source,
        Kind::Statement,
        Kind::Proposal,
        Kind::Statistic,
        Kind::ExchangeRate,
        Kind::Review,
    ];

    /// The kind as written in the `kind` field.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Entity => "entity",
            Kind::Source => "source",
            Kind::Statement => "statement",
            Kind::Proposal => "proposal",
            Kind::Statistic => "statistic",
            Kind::ExchangeRate => "exchange_rate",
            Kind::Review => "review",
        }
    }

    /// The plural used for file names and headings (`statistics`).
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Entity => "entities",
            Kind::Source => "sources",
            Kind::Statement => "statements",
            Kind::Proposal => "proposals",
            Kind::Statistic => "statistics",
            Kind::ExchangeRate => "exchange_rates",
            Kind::Review => "reviews",
        }
    }

    /// Reads a kind name.
    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether an entity is a person or an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityType {
    /// A natural person.
    Person,
    /// A company, body, agency or other organisation.
    Organization,
}

/// A person or organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// Unique id.
    pub id: String,
    /// Person or organisation.
    #[serde(rename = "type")]
    pub entity_type: EntityType,
    /// Name as commonly written.
    pub name: String,
    /// Role or title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Id of the entity this one belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// URIs identifying the same entity elsewhere.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub same_as: Vec<String>,
    /// Free text for the desk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// An article, report or other document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// Unique id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Publisher's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// Where it is published (recommended).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Publication date (recommended).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<PartialDate>,
    /// When the desk retrieved it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retrieved: Option<PartialDate>,
    /// BCP 47 language tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Path of a plain-text copy, relative to the dataset root.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive: Option<String>,
    /// Free text for the desk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// An attributed quote or paraphrase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    /// Unique id.
    pub id: String,
    /// Entity id of who said it.
    pub speaker: String,
    /// The verbatim words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// The gist, when not verbatim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paraphrase: Option<String>,
    /// Source id.
    pub source: String,
    /// When it was said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub said_on: Option<PartialDate>,
    /// Ids of the records it is about.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub about: Vec<String>,
    /// BCP 47 language tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Free text for the desk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// Where a proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalStatus {
    /// Put forward.
    Proposed,
    /// Being discussed.
    UnderDiscussion,
    /// Adopted.
    Adopted,
    /// Rejected.
    Rejected,
    /// Withdrawn.
    Withdrawn,
}

/// Something a person or body put forward.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    /// Unique id.
    pub id: String,
    /// Short title.
    pub title: String,
    /// Entity id of who proposed it.
    pub proposer: String,
    /// Where it stands.
    pub status: ProposalStatus,
    /// Source id.
    pub source: String,
    /// Summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// When it was proposed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposed_on: Option<PartialDate>,
    /// Where it was proposed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub venue: Option<String>,
    /// Entity ids of supporters.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supporters: Vec<String>,
    /// Its elements.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub elements: Vec<String>,
    /// Free text for the desk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// The two statistics a percentage is the ratio of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatioOf {
    /// Statistic id of the part.
    pub numerator: String,
    /// Statistic id of the whole.
    pub denominator: String,
}

/// The two levels a figure is the change between.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeOf {
    /// Statistic id of the level before.
    pub from: String,
    /// Statistic id of the level after.
    pub to: String,
}

/// A figure with its unit or currency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statistic {
    /// Unique id.
    pub id: String,
    /// What the figure measures.
    pub label: String,
    /// The figure as stated.
    pub value: Quantity,
    /// Source id.
    pub source: String,
    /// The same figure as stated in other currencies or units.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub equivalents: Vec<Quantity>,
    /// The period the figure covers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    /// Entity id of who the figure is attributed to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributed_to: Option<String>,
    /// Statistic ids whose values add up to this one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sum_of: Vec<String>,
    /// This percent is numerator / denominator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ratio_of: Option<Box<RatioOf>>,
    /// Statistic id of another statistic (typically from another source) stating the same
    /// figure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restates: Option<String>,
    /// This figure is the change from one level to the other: absolute in their unit or
    /// currency, relative in percent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_of: Option<Box<ChangeOf>>,
    /// Free text for the desk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// A published rate between two currencies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExchangeRate {
    /// Unique id.
    pub id: String,
    /// Currency of one unit.
    pub base: String,
    /// Currency the rate is counted in.
    pub quote: String,
    /// Units of `quote` for one `base`.
    pub rate: Decimal,
    /// Source id.
    pub source: String,
    /// Day (or month, year) the rate applies to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on: Option<PartialDate>,
    /// Period the rate applies to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    /// Free text for the desk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

impl ExchangeRate {
    /// The days the rate applies to, from `on` or `period`.
    pub fn applies(&self) -> Option<Period> {
        self.period
            .clone()
            .or_else(|| self.on.as_ref().map(Period::from))
    }
}

/// The desk's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    /// Accurate.
    Accurate,
    /// Mostly accurate.
    MostlyAccurate,
    /// Mixed.
    Mixed,
    /// Misleading.
    Misleading,
    /// Inaccurate.
    Inaccurate,
    /// Cannot be verified.
    Unverifiable,
}

impl Rating {
    /// The verdict as written in data.
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Accurate => "accurate",
            Rating::MostlyAccurate => "mostly_accurate",
            Rating::Mixed => "mixed",
            Rating::Misleading => "misleading",
            Rating::Inaccurate => "inaccurate",
            Rating::Unverifiable => "unverifiable",
        }
    }
}

/// The desk's verdict on a statement, proposal or statistic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    /// Unique id.
    pub id: String,
    /// Id of the statement, proposal or statistic reviewed.
    pub about: String,
    /// The verdict.
    pub rating: Rating,
    /// Entity id of the reviewer.
    pub reviewer: String,
    /// When the review was made.
    pub reviewed_on: PartialDate,
    /// Why.
    pub explanation: String,
    /// Where the fact-check is published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Free text for the desk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// A record of any kind.
///
/// Each kind is boxed, so a record costs its own kind's size on the heap and 16 bytes
/// where it is held, not the size of the largest kind (a statistic) for every record.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// An entity.
    Entity(Box<Entity>),
    /// A source.
    Source(Box<Source>),
    /// A statement.
    Statement(Box<Statement>),
    /// A proposal.
    Proposal(Box<Proposal>),
    /// A statistic.
    Statistic(Box<Statistic>),
    /// An exchange rate.
    ExchangeRate(Box<ExchangeRate>),
    /// A review.
    Review(Box<Review>),
}

impl Record {
    /// Reads a record of `kind` from a JSON value that passed the kind's schema.
    pub fn from_value(kind: Kind, value: &serde_json::Value) -> Result<Record, serde_json::Error> {
        use serde::de::Deserialize as _;
        Ok(match kind {
            Kind::Entity => Record::Entity(Box::new(Entity::deserialize(value)?)),
            Kind::Source => Record::Source(Box::new(Source::deserialize(value)?)),
            Kind::Statement => Record::Statement(Box::new(Statement::deserialize(value)?)),
            Kind::Proposal => Record::Proposal(Box::new(Proposal::deserialize(value)?)),
            Kind::Statistic => Record::Statistic(Box::new(Statistic::deserialize(value)?)),
            Kind::ExchangeRate => Record::ExchangeRate(Box::new(ExchangeRate::deserialize(value)?)),
            Kind::Review => Record::Review(Box::new(Review::deserialize(value)?)),
        })
    }

    /// The record as normalised JSON: `kind` first, then the fields in the order of
    /// PRODUCT.md section 2, absent fields left out, amounts exactly as written.
    pub fn to_value(&self) -> serde_json::Value {
        let fields = match self {
            Record::Entity(r) => serde_json::to_value(r),
            Record::Source(r) => serde_json::to_value(r),
            Record::Statement(r) => serde_json::to_value(r),
            Record::Proposal(r) => serde_json::to_value(r),
            Record::Statistic(r) => serde_json::to_value(r),
            Record::ExchangeRate(r) => serde_json::to_value(r),
            Record::Review(r) => serde_json::to_value(r),
        };
        let mut out = serde_json::Map::new();
        out.insert("kind".into(), self.kind().as_str().into());
        // Invariant: the record types hold only strings, decimals, enums and lists, which
        // always serialise to a JSON object.
        if let Ok(serde_json::Value::Object(map)) = fields {
            out.extend(map);
        }
        serde_json::Value::Object(out)
    }

    /// The record's kind.
    pub fn kind(&self) -> Kind {
        match self {
            Record::Entity(_) => Kind::Entity,
            Record::Source(_) => Kind::Source,
            Record::Statement(_) => Kind::Statement,
            Record::Proposal(_) => Kind::Proposal,
            Record::Statistic(_) => Kind::Statistic,
            Record::ExchangeRate(_) => Kind::ExchangeRate,
            Record::Review(_) => Kind::Review,
        }
    }

    /// The record's id.
    pub fn id(&self) -> &str {
        match self {
            Record::Entity(r) => &r.id,
            Record::Source(r) => &r.id,
            Record::Statement(r) => &r.id,
            Record::Proposal(r) => &r.id,
            Record::Statistic(r) => &r.id,
            Record::ExchangeRate(r) => &r.id,
            Record::Review(r) => &r.id,
        }
    }
}

/// A field of a record that names another record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference<'r> {
    /// JSON Pointer of the field inside the record.
    pub pointer: String,
    /// The id named.
    pub id: &'r str,
    /// The kinds the field may name (empty: any kind).
    pub kinds: &'static [Kind],
}

const ENTITY: &[Kind] = &[Kind::Entity];
const SOURCE: &[Kind] = &[Kind::Source];
const STATISTIC: &[Kind] = &[Kind::Statistic];
const REVIEWABLE: &[Kind] = &[Kind::Statement, Kind::Proposal, Kind::Statistic];

impl Record {
    /// Every reference the record makes, with the kinds it may name.
    pub fn references(&self) -> Vec<Reference<'_>> {
        let mut out: Vec<Reference<'_>> = Vec::new();
        match self {
            Record::Entity(e) => {
                if let Some(a) = &e.affiliation {
                    out.push(Reference {
                        pointer: "/affiliation".into(),
                        id: a,
                        kinds: ENTITY,
                    });
                }
            }
            Record::Source(_) => {}
            Record::Statement(s) => {
                out.push(Reference {
                    pointer: "/speaker".into(),
                    id: &s.speaker,
                    kinds: ENTITY,
                });
                out.push(Reference {
                    pointer: "/source".into(),
                    id: &s.source,
                    kinds: SOURCE,
                });
                for (i, a) in s.about.iter().enumerate() {
                    out.push(Reference {
                        pointer: format!("/about/{i}"),
                        id: a,
                        kinds: &[],
                    });
                }
            }
            Record::Proposal(p) => {
                out.push(Reference {
                    pointer: "/proposer".into(),
                    id: &p.proposer,
                    kinds: ENTITY,
                });
                out.push(Reference {
                    pointer: "/source".into(),
                    id: &p.source,
                    kinds: SOURCE,
                });
                for (i, s) in p.supporters.iter().enumerate() {
                    out.push(Reference {
                        pointer: format!("/supporters/{i}"),
                        id: s,
                        kinds: ENTITY,
                    });
                }
            }
            Record::Statistic(s) => {
                out.push(Reference {
                    pointer: "/source".into(),
                    id: &s.source,
                    kinds: SOURCE,
                });
                if let Some(a) = &s.attributed_to {
                    out.push(Reference {
                        pointer: "/attributed_to".into(),
                        id: a,
                        kinds: ENTITY,
                    });
                }
                for (i, p) in s.sum_of.iter().enumerate() {
                    out.push(Reference {
                        pointer: format!("/sum_of/{i}"),
                        id: p,
                        kinds: STATISTIC,
                    });
                }
                if let Some(r) = &s.ratio_of {
                    out.push(Reference {
                        pointer: "/ratio_of/numerator".into(),
                        id: &r.numerator,
                        kinds: STATISTIC,
                    });
                    out.push(Reference {
                        pointer: "/ratio_of/denominator".into(),
                        id: &r.denominator,
                        kinds: STATISTIC,
                    });
                }
                if let Some(r) = &s.restates {
                    out.push(Reference {
                        pointer: "/restates".into(),
                        id: r,
                        kinds: STATISTIC,
                    });
                }
                if let Some(c) = &s.change_of {
                    out.push(Reference {
                        pointer: "/change_of/from".into(),
                        id: &c.from,
                        kinds: STATISTIC,
                    });
                    out.push(Reference {
                        pointer: "/change_of/to".into(),
                        id: &c.to,
                        kinds: STATISTIC,
                    });
                }
            }
            Record::ExchangeRate(r) => {
                out.push(Reference {
                    pointer: "/source".into(),
                    id: &r.source,
                    kinds: SOURCE,
                });
            }
            Record::Review(r) => {
                out.push(Reference {
                    pointer: "/about".into(),
                    id: &r.about,
                    kinds: REVIEWABLE,
                });
                out.push(Reference {
                    pointer: "/reviewer".into(),
                    id: &r.reviewer,
                    kinds: ENTITY,
                });
            }
        }
        out
    }
}
