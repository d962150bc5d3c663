//! An `[[accept]]` entry of factkit.toml accepts no finding.
//!
//! An entry accepts the findings of one rule on the records its `record` names (an id or a
//! glob over ids), optionally only in the files its `file` glob names; an accepted finding is
//! shown with the entry's reason and never fails the run. Once the record is fixed, renamed
//! or removed, or the rule is turned off, the entry accepts nothing, and it is reported at
//! its line in factkit.toml so that acceptances do not outlive what they were written for.
//! Remove the entry, or fix its `rule`, `record` or `file`.
//!
//! Fails (the dataset has no record `src-gone`):
//!
//! ```toml
//! [[accept]]
//! rule = "missing-recommended"
//! record = "src-gone"
//! reason = "the article gives no url"
//! ```
//!
//! Passes (`src-radio` has no `url`, so `missing-recommended` reports it and the entry
//! accepts that finding):
//!
//! ```toml
//! [[accept]]
//! rule = "missing-recommended"
//! record = "src-radio"
//! reason = "heard on the radio; there is no url"
//! ```

/// The rule id.
pub const ID: &str = "stale-accept";
