//! A record file cannot be parsed.
//!
//! Reported with the exact line and column where parsing stopped: a trailing comma, a missing
//! quote or bracket, a duplicate key in an object (JSON would silently keep only the last
//! value, losing data), a file that is empty, not UTF-8, or UTF-16. The rest of the dataset
//! is still checked; a JSON Lines file reports each broken line and keeps the others.
//!
//! Fails:
//!
//! ```json
//! [
//!   {"kind": "entity", "id": "nac", "type": "organization", "name": "NAC"},
//! ]
//! ```
//!
//! Passes:
//!
//! ```json
//! [
//!   {"kind": "entity", "id": "nac", "type": "organization", "name": "NAC"}
//! ]
//! ```
