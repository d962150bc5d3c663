//! CSV, read and written in one place: [`read`] (rows and cells into records), [`write`](mod@write)
//! (records into rows) and [`codec`], the one cell codec both go through, so that whatever
//! a factkit writer puts in a cell a factkit reader gets back.
//!
//! This module knows no schema and no rule: cells are typed by the JSON types a caller's
//! [`Typing`](crate::typing::Typing) allows; diagnostics and the files they point into are
//! the dataset layer's ([`crate::load::csv`]).

pub mod codec;
pub mod read;
pub mod write;

pub use codec::restore;
pub use read::{CellError, Header, RawRow};
pub use write::{Columns, Problem, RowWriter, Spool};
