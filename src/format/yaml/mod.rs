//! YAML, read and written in one place: [`read`] (saphyr's events into JSON values, every
//! figure with its text, every node with its span) and [`write`](mod@write) (JSON values into a block
//! list that [`read`] gives back exactly).
//!
//! This module knows no schema and no rule: a plain scalar is typed by the JSON types a
//! caller's [`Typing`](crate::typing::Typing) allows at its place, and diagnostics are the
//! dataset layer's ([`crate::load::yaml`]).

pub mod read;
pub mod write;

pub use read::{documents, records};
pub use write::write_yaml;
