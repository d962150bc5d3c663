//! A record breaks the bundled JSON Schema of its kind.
//!
//! Every record is validated against the draft 2020-12 schema of its `kind` (`factkit schema
//! KIND` prints it): required fields, field types, enumerations such as the ISO 4217
//! currency list, id and date patterns, real calendar days, and no unknown fields (a field
//! the format does not define would otherwise be silently dropped). The message names the
//! keyword and the value; the diagnostic points at the offending value.
//!
//! Fails (`KZ` is not a currency, `2025-09-31` is not a day):
//!
//! ```json
//! {"kind": "statistic", "id": "output", "label": "Output", "source": "article",
//!  "value": {"amount": "14", "scale": "trillion", "currency": "KZ"}, "period": "2025-09-31"}
//! ```
//!
//! Passes:
//!
//! ```json
//! {"kind": "statistic", "id": "output", "label": "Output", "source": "article",
//!  "value": {"amount": "14", "scale": "trillion", "currency": "KZT"}, "period": "2025-09"}
//! ```
